"""Linear algebra: matmul and its relatives, einsum, and the torch.linalg pieces.

The torch.linalg functions are named linalg_<name> here (aten's names); ember/linalg.py
re-exports them under torch.linalg's names. Matrix derivatives follow torch's
FunctionsManual.cpp and the references named at each op; every backward is written in
ember ops, so second derivatives come from differentiating the first.
"""
import builtins
import math
import warnings
from collections import namedtuple

import numpy

from .. import _dtype
from .._tensor import Tensor, make_tensor
from ..autograd import grad_mode
from ..autograd.function import Op
from .inplace import _NAMES
from .shape import canonical_dim, canonical_dims

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "einsum",
           "tensordot", "kron", "cross", "addmm", "addmv", "addbmm", "baddbmm", "addr",
           "det", "logdet", "slogdet", "inverse", "pinverse", "matrix_power", "matrix_exp",
           "svd"]


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a factorization or solve failed on a valid input."""


# C++ type names, as torch's matmul-family dtype messages print them
_CPP = {"float32": "float", "float64": "double", "float16": "c10::Half",
        "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int", "int16": "short int",
        "int8": "signed char", "uint8": "unsigned char", "bool": "bool",
        "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _name(t):
    return _NAMES[t.dtype.name]


def _shape(s):
    return "x".join(str(n) for n in s)


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _broadcast(a, b):
    """Broadcast two shapes with torch's error message."""
    n = builtins.max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b "
                               f"({y}) at non-singleton dimension {i}")
        out.append(y if x == 1 else x)
    return tuple(out)


def _check_expand(input, target):
    """The error torch's addmm family gives when `input` does not expand to the product."""
    shape = tuple(input.shape)
    off = len(target) - len(shape)
    if off < 0:
        raise RuntimeError(f"expand(torch.{_name(input)}Tensor{{{list(shape)}}}, "
                           f"size={list(target)}): the number of sizes provided ({len(target)}) "
                           f"must be greater or equal to the number of dimensions in the tensor "
                           f"({len(shape)})")
    for i, s in enumerate(shape):
        t = target[i + off]
        if s != t and s != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({t}) must match the existing size ({s}) at "
                f"non-singleton dimension {i + off}.  Target sizes: {list(target)}.  Tensor "
                f"sizes: {list(shape)}")


def _const(array, like):
    """A constant tensor (no history) on `like`'s device."""
    return make_tensor(array, like.device)


def _eye(n, like):
    return _const(like.device.xp.eye(n, dtype=like.data.dtype), like)


# ---------------------------------------------------------------- products

class Matmul(Op):
    """Both operands at least 2-D here; the 1-D cases are reshaped around it by matmul()."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_inputs(0, 1)
        return ctx.xp.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        need_a, need_b = ctx.needs_input_grad
        return (grad @ b.mT if need_a else None), (a.mT @ grad if need_b else None)


def _mm_dtype(a, b):
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_CPP[a.dtype.name]} != {_CPP[b.dtype.name]}")


def _mm_shapes(a, b):
    if a[1] != b[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_shape(a)} and "
                           f"{_shape(b)})")


def _mv_shapes(rows, k, n):
    if k != n:
        raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{k}), vec ({n})")


def _bmm_shapes(batch, k, batch2, k2):
    if batch != batch2 or k != k2:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{batch}, {k}] but got: [{batch2}, {k2}].")


def _bmm_dtype(a, b):
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected scalar type {_name(a)} but found {_name(b)}")


def matmul(input, other):
    a_nd, b_nd = input.ndim, other.ndim
    if a_nd == 2 and b_nd == 2:  # the hot case first
        _mm_shapes(input.shape, other.shape)
        _mm_dtype(input, other)
        return Matmul.apply(input, other)
    if a_nd == 0 or b_nd == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{a_nd}D and {b_nd}D")
    if a_nd == 1 and b_nd == 1:
        return dot(input, other)
    if b_nd == 1 and a_nd >= 2:
        rows = _prod(input.shape[:-1])
        _mv_shapes(rows, input.shape[-1], other.shape[0])
        _mm_dtype(input, other)
        return Matmul.apply(input, other.unsqueeze(-1)).squeeze(-1)
    if a_nd == 1 and b_nd == 2:
        _mm_shapes((1, input.shape[0]), other.shape)
        _mm_dtype(input, other)
        return Matmul.apply(input.unsqueeze(0), other).squeeze(0)
    if b_nd == 2:  # N-D @ matrix: fold the batch into the rows, one BLAS call
        k, n = input.shape[-1], other.shape[1]
        lead = tuple(input.shape[:-1])
        _mm_shapes((_prod(lead), k), other.shape)
        _mm_dtype(input, other)
        return Matmul.apply(input.reshape(_prod(lead), k), other).reshape(lead + (n,))
    # batched: broadcast the batch dimensions, as bmm would see them
    a = input.unsqueeze(0) if a_nd == 1 else input
    batch = _broadcast(a.shape[:-2], other.shape[:-2])
    nb = _prod(batch)
    _bmm_shapes(nb, a.shape[-1], nb, other.shape[-2])
    _bmm_dtype(input, other)
    out = Matmul.apply(a, other)
    return out.squeeze(-2) if a_nd == 1 else out


def mm(input, mat2):
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _mm_shapes(input.shape, mat2.shape)
    _mm_dtype(input, mat2)
    return Matmul.apply(input, mat2)


def _check_bmm(batch1, batch2):
    if batch1.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if batch2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    _bmm_shapes(batch1.shape[0], batch1.shape[2], batch2.shape[0], batch2.shape[1])


def bmm(input, mat2):
    _check_bmm(input, mat2)
    _bmm_dtype(input, mat2)
    return Matmul.apply(input, mat2)


def _check_mv(mat, vec, what=None):
    if mat.ndim != 2 or vec.ndim != 1 or (what is not None and what.ndim > 1):
        raise RuntimeError(f"vector + matrix @ vector expected, got "
                           f"{1 if what is None else what.ndim}, {mat.ndim}, {vec.ndim}")
    _mv_shapes(mat.shape[0], mat.shape[1], vec.shape[0])
    if mat.dtype is not vec.dtype:
        v = _name(vec)
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {v}, "
                           f"{_name(mat)}, and {v}")


def mv(input, vec):
    _check_mv(input, vec)
    return Matmul.apply(input, vec.unsqueeze(-1)).squeeze(-1)


class Dot(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_inputs(0, 1)
        return ctx.xp.dot(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        need_a, need_b = ctx.needs_input_grad
        return (grad * b if need_a else None), (grad * a if need_b else None)


def _check_dot(a, b):
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape[0] != b.shape[0]:
        n, m = a.shape[0], b.shape[0]
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to "
                           f"have the same number of elements, but got {n} and {m} elements "
                           f"respectively")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{_name(a)} and {_name(b)}")


def dot(input, other):
    _check_dot(input, other)
    return Dot.apply(input, other)


def vdot(input, other):
    _check_dot(input, other)
    return Dot.apply(input.conj() if input.dtype.is_complex else input, other)


def inner(input, other):
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, ([-1], [-1]))


def outer(input, vec2):
    for t, what in ((input, "self"), (vec2, "vec2")):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {what}, but got {t.ndim}-D")
    return input.unsqueeze(-1) * vec2


ger = outer


class _Scale(Op):
    """x * beta, where beta == 0 gives exact zeros: torch ignores the input then, nan included,
    yet still gives it a (zero) gradient."""

    @staticmethod
    def forward(ctx, x, *, beta):
        ctx.beta = beta
        return x * beta if beta != 0 else ctx.xp.zeros_like(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.beta


def _scalars(input, beta, alpha, check=False):
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        if check and (isinstance(beta, float) or isinstance(alpha, float)):
            what = "beta" if isinstance(beta, float) else "alpha"
            raise RuntimeError(f"For integral input tensors, argument {what} must not be a "
                               f"floating point number.")
        return int(beta), int(alpha)  # torch truncates them for integer tensors
    return beta, alpha


def _add_scaled(input, product, beta, alpha):
    _check_expand(input, tuple(product.shape))
    if alpha != 1:
        product = product * alpha
    if beta == 1:
        return input + product
    return _Scale.apply(input, beta=beta) + product


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    for t, what in ((mat1, "mat1"), (mat2, "mat2")):
        if t.ndim != 2:
            raise RuntimeError(f"{what} must be a matrix, got {t.ndim}-D tensor")
    _mm_shapes(mat1.shape, mat2.shape)
    if mat1.dtype is not mat2.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_name(mat1)} and "
                           f"{_name(mat2)}")
    if input.dtype is not mat2.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_name(input)} "
                           f"and {_name(mat2)}")
    beta, alpha = _scalars(input, beta, alpha)
    return _add_scaled(input, Matmul.apply(mat1, mat2), beta, alpha)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    _check_bmm(batch1, batch2)
    _bmm_dtype(input, batch1)
    _bmm_dtype(input, batch2)
    beta, alpha = _scalars(input, beta, alpha)
    return _add_scaled(input, Matmul.apply(batch1, batch2), beta, alpha)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    if batch1.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if batch2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if batch1.shape[0] != batch2.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got "
                           f"{batch1.shape[0]} and {batch2.shape[0]}")
    _check_bmm(batch1, batch2)
    _bmm_dtype(input, batch1)
    _bmm_dtype(input, batch2)
    beta, alpha = _scalars(input, beta, alpha)
    b, n, k = batch1.shape
    p = batch2.shape[2]
    # the sum over the batch is one contraction of length b*k: a single mm
    product = Matmul.apply(batch1.transpose(0, 1).reshape(n, b * k), batch2.reshape(b * k, p))
    return _add_scaled(input, product, beta, alpha)


def addmv(input, mat, vec, *, beta=1, alpha=1):
    _check_mv(mat, vec, input)
    if input.ndim > 1 or input.numel() not in (1, mat.shape[0]):
        raise RuntimeError(f"size mismatch, got input ({_shape(input.shape)}), mat "
                           f"({_shape(mat.shape)}), vec ({vec.shape[0]})")
    beta, alpha = _scalars(input, beta, alpha)
    return _add_scaled(input, mv(mat, vec), beta, alpha)


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    for t, what in ((vec1, "vec1"), (vec2, "vec2")):
        if t.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {what}, but got {t.ndim}-D")
    beta, alpha = _scalars(input, beta, alpha, check=True)
    return _add_scaled(input, outer(vec1, vec2), beta, alpha)


def tensordot(a, b, dims=2, out=None):
    if isinstance(dims, Tensor):
        dims = dims.item() if dims.ndim == 0 else dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a.ndim or dims > b.ndim:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        dims_a, dims_b = list(range(-dims, 0)), list(range(dims))
    else:
        dims_a, dims_b = dims
        for d, what, pos in ((dims_a, "dims_self", 3), (dims_b, "dims_other", 4)):
            if isinstance(d, int):
                raise TypeError(f"tensordot(): argument '{what}' (position {pos}) must be tuple "
                                f"of ints, not int")
        dims_a, dims_b = list(dims_a), list(dims_b)
        if len(dims_a) != len(dims_b):
            raise RuntimeError("both dimension lists should have same length")
    if a.dtype is not b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    ca = [canonical_dim(d, a.ndim) for d in dims_a]
    cb = [canonical_dim(d, b.ndim) for d in dims_b]
    for da, db, ra, rb in zip(ca, cb, dims_a, dims_b):
        sa, sb = a.shape[da], b.shape[db]
        if sa != sb:
            # a size-1 contracted dimension broadcasts: sum the other side right away
            if sb == 1:
                a = a.sum(da, keepdim=True)
            elif sa == 1:
                b = b.sum(db, keepdim=True)
            else:
                raise RuntimeError(f"contracted dimensions need to match, but first has size "
                                   f"{sa} in dim {ra} and second has size {sb} in dim {rb}")
    free_a = [d for d in range(a.ndim) if d not in ca]
    free_b = [d for d in range(b.ndim) if d not in cb]
    k = _prod(a.shape[d] for d in ca)
    out_shape = tuple(a.shape[d] for d in free_a) + tuple(b.shape[d] for d in free_b)
    pa = a.permute(free_a + ca) if free_a + ca != list(range(a.ndim)) else a
    pb = b.permute(cb + free_b) if cb + free_b != list(range(b.ndim)) else b
    m = _prod(a.shape[d] for d in free_a)
    n = _prod(b.shape[d] for d in free_b)
    result = Matmul.apply(pa.reshape(m, k), pb.reshape(k, n)).reshape(out_shape)
    if out is not None:
        out.copy_(result)
        return out
    return result


def kron(input, other):
    nd = builtins.max(input.ndim, other.ndim)
    sa = (1,) * (nd - input.ndim) + tuple(input.shape)
    sb = (1,) * (nd - other.ndim) + tuple(other.shape)
    # interleave: a as (a0, 1, a1, 1, ...), b as (1, b0, 1, b1, ...), multiply, merge pairs
    a = input.reshape(tuple(x for s in sa for x in (s, 1)))
    b = other.reshape(tuple(x for s in sb for x in (1, s)))
    return (a * b).reshape(tuple(x * y for x, y in zip(sa, sb)))


_cross_warned = [False]


def cross(input, other, dim=None):
    if dim is None:
        if not _cross_warned[0]:
            _cross_warned[0] = True
            warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\n"
                          "Please either pass the dim explicitly or simply use "
                          "torch.linalg.cross.\nThe default value of dim will change to agree "
                          "with that of linalg.cross in a future release.", UserWarning,
                          stacklevel=2)
        for i, s in enumerate(input.shape):
            if s == 3:
                dim = i
                break
        else:
            raise RuntimeError("no dimension of size 3 in input")
    return linalg_cross(input, other, dim=dim)


def linalg_cross(input, other, *, dim=-1):
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = canonical_dim(dim, input.ndim)
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[d]} and {other.shape[d]}")
    _broadcast(input.shape, other.shape)
    _bmm_dtype(input, other)
    # c_i = eps_ijk a_j b_k with the Levi-Civita tensor: one contraction, and its backward
    # (two more crosses) comes from einsum's
    eps = numpy.zeros((3, 3, 3))
    eps[0, 1, 2] = eps[1, 2, 0] = eps[2, 0, 1] = 1
    eps[0, 2, 1] = eps[2, 1, 0] = eps[1, 0, 2] = -1
    eps = _const(input.device.xp.asarray(eps, dtype=input.data.dtype), input)
    base = [c for c in _LETTERS if c not in "ijk"][:input.ndim]

    def sub(c):
        return "".join(base[:d]) + c + "".join(base[d + 1:])
    sub_a, sub_b, sub_o = sub("j"), sub("k"), sub("i")
    return einsum(f"ijk,{sub_a},{sub_b}->{sub_o}", eps, input, other)


# ---------------------------------------------------------------- einsum

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


class Einsum(Op):
    """xp.einsum on fully expanded operands (no size-1 broadcasting left, ellipses already
    written out as letters). The gradient of operand k is again an einsum: the output
    gradient contracted with the other operands, plus an identity matrix for each repeated
    subscript of operand k (its diagonal) and a ones vector for each subscript summed over
    operand k alone."""

    promote = None

    @staticmethod
    def forward(ctx, *arrays, inputs, output, sizes):
        ctx.save_inputs(*range(len(arrays)))
        ctx.subs, ctx.out, ctx.sizes = inputs, output, sizes
        xp = ctx.xp
        # a contraction order (and BLAS) pays off for 3+ operands or a large iteration
        # space; below that, the path search costs more than the direct loop
        optimize = len(arrays) > 2 or (len(arrays) == 2 and _prod(sizes.values()) > 32768)
        out = xp.einsum(",".join(inputs) + "->" + output, *arrays, optimize=optimize)
        for a in arrays:  # NumPy may return a view (transposes, diagonals): own the result
            if xp.may_share_memory(out, a):
                return out.copy()
        return out

    @staticmethod
    def backward(ctx, grad):
        operands = ctx.inputs
        used = set(ctx.out).union(*ctx.subs)
        grads = []
        for k, need in enumerate(ctx.needs_input_grad):
            if not need:
                grads.append(None)
                continue
            fresh = iter(c for c in _LETTERS if c not in used)
            terms, args = [ctx.out], [grad]
            for j, (sub, op) in enumerate(zip(ctx.subs, operands)):
                if j != k:
                    terms.append(sub)
                    args.append(op)
            target, seen = [], set()
            xp, dt = grad.device.xp, grad.data.dtype
            for c in ctx.subs[k]:
                if c in seen:  # a diagonal: the gradient lives on it only
                    c2 = next(fresh)
                    terms.append(c + c2)
                    args.append(_const(xp.eye(ctx.sizes[c], dtype=dt), grad))
                    target.append(c2)
                else:
                    seen.add(c)
                    target.append(c)
            present = set("".join(terms))
            for c in seen:
                if c not in present:  # summed over this operand only: broadcast back
                    terms.append(c)
                    args.append(_const(xp.ones(ctx.sizes[c], dtype=dt), grad))
            grads.append(Einsum.apply(*args, inputs=tuple(terms), output="".join(target),
                                      sizes=ctx.sizes))
        return tuple(grads)


def _einsum_args(args):
    """(equation, operands) from torch's two call forms: a string with tensors (or one list
    of tensors), or the sublist form einsum(op0, [0, 1], op1, [1, 2], [0, 2])."""
    if args and isinstance(args[0], str):
        eq, ops = args[0], list(args[1:])
        if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
            ops = list(ops[0])
        return eq, ops

    def letters(sub):
        out = []
        for s in sub:
            if s is Ellipsis:
                out.append("...")
            else:
                if not 0 <= s < 52:
                    raise ValueError(f"einsum(): subscript in subscript list is not within the "
                                     f"valid range [0, 52)")
                out.append(_LETTERS[s])
        return "".join(out)
    ops, terms, i = [], [], 0
    while i + 1 < len(args) and isinstance(args[i], Tensor):
        ops.append(args[i])
        terms.append(letters(args[i + 1]))
        i += 2
    eq = ",".join(terms)
    if i < len(args):
        eq += "->" + letters(args[i])
    return eq, ops


def _parse_einsum(equation, operands):
    for i, ch in enumerate(equation):
        if not (ch in _LETTERS or ch in " .,->"):
            raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation "
                               f"string, subscripts must be in [a-zA-Z]")
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    if "-" in lhs or ">" in lhs or "-" in rhs or ">" in rhs:
        pos = eq.find("-", eq.find("->") + 2) if "->" in eq else eq.find("-")
        raise RuntimeError(f"einsum(): invalid subscript given at index {builtins.max(pos, 0)} "
                           f"in the equation string, subscripts must be in [a-zA-Z]")
    terms = lhs.split(",")
    if len(terms) > len(operands):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the "
                           "equation")
    if len(terms) < len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the "
                           "equation")
    explicit = []  # per operand: (letters before ..., letters after ..., has ellipsis)
    for k, (term, op) in enumerate(zip(terms, operands)):
        head, dots, tail = term.partition("...")
        if "." in head or "." in tail:
            what = "for which an ellipsis was already found" if dots and "." in tail else \
                "that is not part of any ellipsis"
            raise RuntimeError(f"einsum(): found '.' for operand {k} {what}")
        n = len(head) + len(tail)
        if not dots and n != op.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) does "
                               f"not match the number of dimensions ({op.ndim}) for operand "
                               f"{k} and no ellipsis was given")
        if dots and n > op.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) is "
                               f"more than the number of dimensions ({op.ndim}) for operand {k}")
        explicit.append((head, tail, bool(dots)))
    used = set(lhs) | set(rhs)
    fresh = [c for c in _LETTERS if c not in used]
    n_ell = builtins.max([op.ndim - len(h) - len(t) for (h, t, d), op in zip(explicit, operands)
                          if d] or [0])
    ell = "".join(fresh[:n_ell])
    subs = []
    for (head, tail, dots), op in zip(explicit, operands):
        mid = ell[n_ell - (op.ndim - len(head) - len(tail)):] if dots else ""
        subs.append(head + mid + tail)
    if arrow:
        if "." in rhs.replace("...", "", 1):
            raise RuntimeError("einsum(): found '.' for output that is not part of any "
                               "ellipsis")
        out = rhs.replace("...", ell)
        seen = set()
        for c in rhs.replace("...", ""):
            if c in seen:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in "
                                   f"the output")
            if c not in lhs:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the "
                                   f"equation for any input operand")
            seen.add(c)
    else:  # implicit output: the ellipsis dims, then the labels seen once, in ASCII order
        counts = {}
        for c in lhs:
            if c in _LETTERS:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1))
    return subs, out, ell


def einsum(*args):
    equation, operands = _einsum_args(args)
    if not operands:
        raise ValueError("einsum(): must specify the equation string and at least one "
                         "operand, or at least one operand and its subscripts list")
    subs, out, ell = _parse_einsum(equation, operands)
    sizes = {}
    for k, (sub, op) in enumerate(zip(subs, operands)):
        seen = {}
        for c, s in zip(sub, op.shape):
            if c in seen and seen[c] != s:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} but "
                                   f"the sizes don't match, {s} != {seen[c]}")
            seen[c] = s
            prev = sizes.get(c)
            if prev is None or prev == 1:
                sizes[c] = s
            elif s != 1 and s != prev:
                if c in ell:
                    i = ell.index(c)
                    raise RuntimeError(
                        f"einsum(): dimension {i} covered by ellipsis in operand {k}has size {s} "
                        f"which does not broadcast with previously seen ellipsis with size "
                        f"{prev} for the respective dimension")
                raise RuntimeError(f"einsum(): subscript {c} has size {s} for operand {k} which "
                                   f"does not broadcast with previously seen size {prev}")
    first = operands[0]
    for op in operands[1:]:
        if op.dtype is not first.dtype:
            raise RuntimeError(f"expected scalar type {_name(first)} but found {_name(op)}")
    ops = []
    for sub, op in zip(subs, operands):
        full = tuple(sizes[c] for c in sub)
        ops.append(op.expand(full) if full != tuple(op.shape) else op)
    return Einsum.apply(*ops, inputs=tuple(subs), output=out, sizes=sizes)


# ---------------------------------------------------------------- torch.linalg: checks

def _check_matrix(name, A, square=True):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if not (A.dtype.is_floating_point or A.dtype.is_complex):
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {_name(A)}")
    if A.dtype is _dtype.float16 or A.dtype is _dtype.bfloat16:
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got {_name(A)}")


def _host_matrices(ctx, a):
    """The matrices of a batch, as NumPy arrays: only for composing error messages."""
    host = ctx.ext.to_numpy(a)
    return host.reshape((-1,) + host.shape[-2:])


def _prefix(a, b):
    return f"(Batch element {b}): " if a.ndim > 2 else ""


def _lu_zero_pivot(m):
    """1-based index of the first exactly-zero pivot of LU with partial pivoting (LAPACK
    getrf's info), or 0. Runs in the matrix's own dtype so the rounding is LAPACK's."""
    u = m.copy()
    n = u.shape[0]
    for k in range(n):
        p = k + int(numpy.argmax(numpy.abs(u[k:, k])))
        if u[p, k] == 0:
            return k + 1
        if p != k:
            u[[k, p]] = u[[p, k]]
        u[k + 1:, k:] -= numpy.outer(u[k + 1:, k] / u[k, k], u[k, k:])
    return 0


def _singular(ctx, a, what):
    for b, m in enumerate(_host_matrices(ctx, a)):
        k = _lu_zero_pivot(m)
        if k:
            if what == "inv":
                return LinAlgError(f"linalg.inv: {_prefix(a, b)}The diagonal element {k} is "
                                   f"zero, the inversion could not be completed because the "
                                   f"input matrix is singular.")
            return LinAlgError(f"torch.linalg.solve: {_prefix(a, b)}The solver failed because "
                               f"the input matrix is singular.")
    return LinAlgError(f"linalg.{what}: the input matrix is singular.")


def _is_zero(g):
    """An output gradient the engine filled with zeros (that output was not used)."""
    return g.grad_fn is None and not g.requires_grad and not g.data.any()


# ---------------------------------------------------------------- inverse, det, solve

class Inv(Op):
    promote = None

    @staticmethod
    def forward(ctx, a):
        ctx.save_output()
        try:
            return ctx.xp.linalg.inv(a)
        except numpy.linalg.LinAlgError:
            raise _singular(ctx, a, "inv") from None

    @staticmethod
    def backward(ctx, grad):
        t = ctx.output.mT
        return -(t @ grad @ t)


def linalg_inv(A):
    _check_matrix("linalg.inv", A)
    return Inv.apply(A)


inverse = linalg_inv


class Det(Op):
    promote = None

    @staticmethod
    def forward(ctx, a):
        ctx.save_inputs(0)
        ctx.save_output()
        return ctx.xp.linalg.det(a)

    @staticmethod
    def backward(ctx, grad):
        (a,), det = ctx.inputs, ctx.output
        g = (grad * det).unsqueeze(-1).unsqueeze(-1)
        if not (det.data == 0).any():
            return g * linalg_inv(a).mT  # d det / dA = det * A^-T
        # A singular matrix has no inverse, but it has a cofactor matrix:
        # U diag(prod_{j != i} s_j) Vh * det(U) det(Vh). Used as a constant (no second
        # derivative at singular points).
        xp = ctx.xp
        u, s, vh = xp.linalg.svd(a.data)
        n = s.shape[-1]
        others = xp.where(xp.eye(n, dtype=bool), 1, s[..., None, :]).prod(-1)
        sign = xp.linalg.det(u) * xp.linalg.det(vh)
        cof = (u * others[..., None, :]) @ vh * sign[..., None, None]
        return (grad.unsqueeze(-1).unsqueeze(-1)) * _const(cof, a)


def linalg_det(A):
    _check_matrix("linalg.det", A)
    return Det.apply(A)


det = linalg_det

_slogdet_t = namedtuple("slogdet", ["sign", "logabsdet"])
_linalg_slogdet_t = namedtuple("linalg_slogdet", ["sign", "logabsdet"])


class Slogdet(Op):
    """Outputs (logabsdet, sign); sign is piecewise constant (zero gradient), but torch still
    links it into the graph, so it is linked here too."""

    promote = None

    @staticmethod
    def forward(ctx, a):
        ctx.save_inputs(0)
        sign, logabs = ctx.xp.linalg.slogdet(a)
        return logabs, sign

    @staticmethod
    def backward(ctx, grad, _):
        (a,) = ctx.inputs
        return grad.unsqueeze(-1).unsqueeze(-1) * linalg_inv(a).mT


def linalg_slogdet(A):
    _check_matrix("linalg.slogdet", A)
    logabs, sign = Slogdet.apply(A)
    return _linalg_slogdet_t(sign, logabs)


def slogdet(input):
    _check_matrix("linalg.slogdet", input)
    logabs, sign = Slogdet.apply(input)
    return _slogdet_t(sign, logabs)


def logdet(input):
    _check_matrix("linalg.slogdet", input)
    logabs, sign = Slogdet.apply(input)
    # log(det) is nan for a negative determinant, with a zero gradient there as in torch;
    # -inf (logabsdet's value) when the determinant is 0
    xp = input.device.xp
    neg = sign.data < 0
    if not neg.any():
        return logabs
    dt = sign.data.dtype
    return logabs * _const((~neg).astype(dt), sign) + _const(xp.where(neg, xp.nan, 0).astype(dt),
                                                            sign)


class Solve(Op):
    """X = A^-1 B for B of shape (..., n, k); batch dims broadcast."""

    promote = None

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_inputs(0)
        ctx.save_output()
        try:
            return ctx.xp.linalg.solve(a, b)
        except numpy.linalg.LinAlgError:
            raise _singular(ctx, a, "solve") from None

    @staticmethod
    def backward(ctx, grad):
        (a,), x = ctx.inputs, ctx.output
        gb = Solve.apply(a.mT, grad)
        return (-(gb @ x.mT) if ctx.needs_input_grad[0] else None), gb


def linalg_solve(A, B, *, left=True, out=None):
    _check_matrix("linalg.solve", A)
    if A.dtype is not B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A "
                           f"of type {_name(A)} and B of type {_name(B)} instead")
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    b = B.unsqueeze(-1) if vector else B
    n = A.shape[-1]
    if (b.shape[-2] if left else b.shape[-1]) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation {eq} "
                           f"({n}x{n} and {_shape(b.shape[-2:])})")
    _broadcast(A.shape[:-2], b.shape[:-2])
    if left:
        x = Solve.apply(A, b)
    else:  # X A = B  <=>  A^T X^T = B^T
        x = Solve.apply(A.mT, b.mT).mT
    result = x.squeeze(-1) if vector else x
    if out is not None:
        out.copy_(result)
        return out
    return result


def linalg_solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    _check_matrix("linalg.solve_triangular", A)
    if B.ndim < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 "
                           "dimensions.")
    n = A.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the "
                           f"equation {eq} ({n}x{n} and {_shape(B.shape[-2:])})")
    _broadcast(A.shape[:-2], B.shape[:-2])
    if A.dtype is not B.dtype:  # torch casts B to A's dtype here, unlike linalg.solve
        B = B.to(A.dtype)
    xp = A.device.xp
    ones = xp.ones((n, n), dtype=A.data.dtype)
    keep = xp.triu(ones, 1 if unitriangular else 0) if upper else \
        xp.tril(ones, -1 if unitriangular else 0)
    # only the triangle is read (and differentiated), as LAPACK's trtrs does. A general
    # solve does the work (NumPy has no triangular one), so unlike torch, an exactly
    # singular triangle raises LinAlgError instead of giving inf/nan.
    T = A * _const(keep, A)
    if unitriangular:
        T = T + _eye(n, A)
    result = Solve.apply(T, B) if left else Solve.apply(T.mT, B.mT).mT
    if out is not None:
        out.copy_(result)
        return out
    return result


# ---------------------------------------------------------------- factorizations

class Cholesky(Op):
    """L with A = L L^H; backward as Murray (2016), arXiv:1602.07527, in torch's form."""

    promote = None

    @staticmethod
    def forward(ctx, a, *, upper):
        ctx.upper = upper
        ctx.save_output()
        xp = ctx.xp
        # upper=True reads the upper triangle, as LAPACK's potrf('U'): that is the lower
        # triangle of A^T, whose factor is U^T
        src = xp.swapaxes(a, -1, -2) if upper else a
        try:
            low = xp.linalg.cholesky(src)
        except numpy.linalg.LinAlgError:
            raise _not_pd(ctx, src) from None
        return xp.ascontiguousarray(xp.swapaxes(low, -1, -2)) if upper else low

    @staticmethod
    def backward(ctx, grad):
        low = ctx.output
        if ctx.upper:
            low, grad = low.mT, grad.mT
        xp, dt = ctx.xp, low.data.dtype
        n = low.shape[-1]
        p = low.mT @ grad
        # symmetric part of tril(p) with the diagonal counted once
        s = (p * _const(xp.tril(xp.ones((n, n), dtype=dt)), low) +
             (p * _const(xp.tril(xp.ones((n, n), dtype=dt), -1), low)).mT) * 0.5
        inv = linalg_inv(low)
        return inv.mT @ s @ inv


def _not_pd(ctx, a):
    for b, m in enumerate(_host_matrices(ctx, a)):
        for k in range(1, m.shape[-1] + 1):
            try:
                numpy.linalg.cholesky(m[:k, :k])
            except numpy.linalg.LinAlgError:
                return LinAlgError(
                    f"linalg.cholesky: {_prefix(a, b)}The factorization could not be completed "
                    f"because the input is not positive-definite (the leading minor of order {k} "
                    f"is not positive-definite).")
    return LinAlgError("linalg.cholesky: The factorization could not be completed because the "
                       "input is not positive-definite.")


def linalg_cholesky(A, *, upper=False, out=None):
    _check_matrix("linalg.cholesky", A)
    result = Cholesky.apply(A, upper=upper)
    if out is not None:
        out.copy_(result)
        return out
    return result


_qr_t = namedtuple("linalg_qr", ["Q", "R"])


class Qr(Op):
    """Householder QR (LAPACK geqrf/orgqr, the same routines torch calls)."""

    promote = None

    @staticmethod
    def forward(ctx, a, *, mode):
        ctx.mode = mode
        ctx.save_output()
        if mode == "r":
            return ctx.xp.empty((0,), dtype=a.dtype), ctx.xp.linalg.qr(a, mode="r")
        return tuple(ctx.xp.linalg.qr(a, mode=mode))

    @staticmethod
    def backward(ctx, gq, gr):
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed "
                               "when mode='r'. Please use linalg.qr(A, mode='reduced') if you "
                               "are going to differentiate through linalg.qr.")
        q, r = ctx.outputs
        m, n = q.shape[-2], r.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' "
                               "and nrows > ncols.")
        if m >= n:
            return _qr_backward(q, r, gq, gr)
        # wide A = [X | Y] with X = Q U square and Y = Q V: Y only enters through V
        u, v = r[..., :, :m], r[..., :, m:]
        gu, gv = gr[..., :, :m], gr[..., :, m:]
        gx = _qr_backward(q, u, gq + (q @ v) @ gv.mT, gu)
        return _cat_last(gx, q @ gv)


def _qr_backward(q, r, gq, gr):
    """Tall or square case: gA = (gQ + Q copyltu(M)) R^-T, M = R gR^T - gQ^T Q, written
    with M^T = gR R^T - Q^T gQ and its upper triangle (Walter & Lehmann 2018)."""
    xp, dt = q.device.xp, q.data.dtype
    n = r.shape[-1]
    mt = gr @ r.mT - q.mT @ gq
    up = mt * _const(xp.triu(xp.ones((n, n), dtype=dt)), q)
    sym = up + up.mT - mt * _eye(n, q)
    b = gq + q @ sym
    return Solve.apply(r, b.mT).mT  # b R^-T


def _cat_last(a, b):
    """[a | b] along the last dim, as products with 0/1 selection matrices (no copy op needed
    and differentiable twice like everything else here)."""
    xp, dt = a.device.xp, a.data.dtype
    na, nb = a.shape[-1], b.shape[-1]
    ea = xp.eye(na, na + nb, dtype=dt)
    eb = xp.eye(nb, na + nb, na, dtype=dt)
    return a @ _const(ea, a) + b @ _const(eb, b)


def linalg_qr(A, mode="reduced", *, out=None):
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           f"'reduced' (default), 'r', or 'complete'")
    _check_matrix("linalg.qr", A, square=False)
    q, r = Qr.apply(A, mode=mode)
    return _qr_t(q, r)


_eigh_t = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])


class Eigh(Op):
    """Symmetric eigendecomposition; eigenvalues ascending (LAPACK syevd, like torch)."""

    promote = None

    @staticmethod
    def forward(ctx, a, *, uplo):
        ctx.save_output()
        w, v = ctx.xp.linalg.eigh(a, UPLO=uplo)
        return w, v

    @staticmethod
    def backward(ctx, gw, gv):
        w, v = ctx.outputs
        n = w.shape[-1]
        eye = _eye(n, w)
        inner = eye * gw.unsqueeze(-2)
        if not _is_zero(gv):
            # only the skew part of V^T gV is a tangent direction of the orthogonal group;
            # E_ij = w_j - w_i, with 1 on the diagonal where the skew part is 0 anyway
            vg = v.mT @ gv
            vg = (vg - vg.mT) * 0.5
            inner = inner + vg / (w.unsqueeze(-2) - w.unsqueeze(-1) + eye)
        return v @ inner @ v.mT


def _check_uplo(uplo):
    if uplo not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {uplo}")


def linalg_eigh(A, UPLO="L", *, out=None):
    _check_uplo(UPLO)
    _check_eigh(A)
    w, v = Eigh.apply(A, uplo=UPLO)
    return _eigh_t(w, v)


def _check_eigh(A):
    if A.ndim >= 2 and A.shape[-1] == A.shape[-2] and not (A.dtype.is_floating_point or
                                                           A.dtype.is_complex):
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for '{_name(A)}'")
    _check_matrix("linalg.eigh", A)


def linalg_eigvalsh(A, UPLO="L", *, out=None):
    _check_uplo(UPLO)
    _check_eigh(A)
    if A.requires_grad and grad_mode.state.enabled:
        return Eigh.apply(A, uplo=UPLO)[0]
    return make_tensor(A.device.xp.linalg.eigvalsh(A.data, UPLO=UPLO), A.device)


_svd_t = namedtuple("linalg_svd", ["U", "S", "Vh"])
_torch_svd_t = namedtuple("svd", ["U", "S", "V"])


class Svd(Op):
    """A = U diag(S) Vh; backward is torch's svd_backward (real case)."""

    promote = None

    @staticmethod
    def forward(ctx, a, *, full_matrices):
        ctx.save_output()
        try:
            return tuple(ctx.xp.linalg.svd(a, full_matrices=full_matrices))
        except numpy.linalg.LinAlgError:
            raise LinAlgError("linalg.svd: The algorithm failed to converge because the input "
                              "matrix contained non-finite values.") from None

    @staticmethod
    def backward(ctx, gu, gs, gvh):
        u, s, vh = ctx.outputs
        m, n = u.shape[-2], vh.shape[-1]
        k = s.shape[-1]
        use_u, use_v = not _is_zero(gu), not _is_zero(gvh)
        if u.shape[-1] != k:  # full_matrices: only the first k columns are determined
            u, gu = u[..., :, :k], gu[..., :, :k]
        if vh.shape[-2] != k:
            vh, gvh = vh[..., :k, :], gvh[..., :k, :]
        if not use_u and not use_v:
            return (u * gs.unsqueeze(-2)) @ vh
        v, gv = vh.mT, gvh.mT
        eye = _eye(k, s)
        s2 = s * s
        e = s2.unsqueeze(-2) - s2.unsqueeze(-1) + eye  # E_jk = s_k^2 - s_j^2, 1 on the diagonal
        if use_u:
            uhgu = u.mT @ gu
            uhgu = uhgu - uhgu.mT
        if use_v:
            vhgv = vh @ gv
            vhgv = vhgv - vhgv.mT
        if use_u and use_v:
            inner = (uhgu * s.unsqueeze(-2) + s.unsqueeze(-1) * vhgv) / e
        elif use_u:
            inner = uhgu * (s.unsqueeze(-2) / e)
        else:
            inner = (s.unsqueeze(-1) / e) * vhgv
        inner = inner + eye * gs.unsqueeze(-2)
        if m > k and use_u:  # the part of gU outside U's span
            ga = u @ inner
            gus = gu / s.unsqueeze(-2)
            ga = ga + gus - u @ (u.mT @ gus)
            return ga @ vh
        if n > k and use_v:
            ga = inner @ vh
            gvs = gv / s.unsqueeze(-2)
            ga = ga + gvs.mT - (gvs.mT @ v) @ vh
            return u @ ga
        return u @ inner @ vh


def linalg_svd(A, full_matrices=True, *, driver=None, out=None):
    _check_matrix("linalg.svd", A, square=False)
    u, s, vh = Svd.apply(A, full_matrices=full_matrices)
    return _svd_t(u, s, vh)


def svd(input, some=True, compute_uv=True, *, out=None):
    _check_matrix("linalg.svd", input, square=False)
    if not compute_uv:  # torch returns zero-filled square U and V then
        xp, dt = input.device.xp, input.data.dtype
        m, n = input.shape[-2], input.shape[-1]
        lead = tuple(input.shape[:-2])
        return _torch_svd_t(_const(xp.zeros(lead + (m, m), dtype=dt), input),
                            linalg_svdvals(input),
                            _const(xp.zeros(lead + (n, n), dtype=dt), input))
    u, s, vh = Svd.apply(input, full_matrices=not some)
    return _torch_svd_t(u, s, vh.mT)


def linalg_svdvals(A, *, driver=None, out=None):
    _check_matrix("linalg.svd", A, square=False)
    if A.requires_grad and grad_mode.state.enabled:
        return Svd.apply(A, full_matrices=False)[1]
    try:
        s = A.device.xp.linalg.svd(A.data, compute_uv=False)
    except numpy.linalg.LinAlgError:
        raise LinAlgError("linalg.svd: The algorithm failed to converge because the input "
                          "matrix contained non-finite values.") from None
    return make_tensor(s, A.device)


def _cutoff(xp, a, atol, rtol, smax):
    """torch's cut-off max(atol, rtol * smax) for the array `a`: rtol defaults to
    eps * max(m, n), or to 0 when only a positive atol is given."""
    if isinstance(atol, Tensor):
        atol = atol.data[..., None]
    if isinstance(rtol, Tensor):
        rtol = rtol.data[..., None]
    if rtol is None:
        default = atol is None or (isinstance(atol, (int, float)) and atol <= 0)
        rtol = numpy.finfo(a.dtype).eps * builtins.max(a.shape[-2:]) if default else 0.0
    if atol is None:
        atol = 0.0
    return xp.maximum(atol, rtol * smax)


class Pinv(Op):
    """Moore-Penrose inverse by SVD (or eigh when hermitian); backward is the classic formula
    (Golub & Pereyra 1973) in torch's arrangement."""

    promote = None

    @staticmethod
    def forward(ctx, a, *, atol, rtol, hermitian):
        ctx.save_inputs(0)
        ctx.save_output()
        xp = ctx.xp
        if a.size == 0:
            return xp.zeros(a.shape[:-2] + (a.shape[-1], a.shape[-2]), dtype=a.dtype)
        if hermitian:
            w, v = xp.linalg.eigh(a)
            aw = xp.abs(w)
            tol = _cutoff(xp, a, atol, rtol, aw.max(-1, keepdims=True))
            winv = xp.where(aw > tol, 1 / xp.where(w == 0, 1, w), 0).astype(a.dtype)
            return (v * winv[..., None, :]) @ xp.swapaxes(v, -1, -2)
        u, s, vh = xp.linalg.svd(a, full_matrices=False)
        tol = _cutoff(xp, a, atol, rtol, s[..., :1])
        sinv = xp.where(s > tol, 1 / xp.where(s == 0, 1, s), 0).astype(a.dtype)
        return (xp.swapaxes(vh, -1, -2) * sinv[..., None, :]) @ xp.swapaxes(u, -1, -2)

    @staticmethod
    def backward(ctx, grad):
        (a,), p = ctx.inputs, ctx.output
        m, n = a.shape[-2], a.shape[-1]
        ph, gh = p.mT, grad.mT
        if m <= n:
            k = gh @ p
            kph = k @ ph
            return -(p @ k).mT + kph - (a @ p) @ kph + (ph @ p) @ (gh - k @ a)
        k = p @ gh
        phk = ph @ k
        return -(k @ p).mT + (gh - a @ k) @ p @ ph + phk - phk @ p @ a


def linalg_pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None, out=None):
    if A.ndim < 2 or not (A.dtype.is_floating_point or A.dtype.is_complex):
        raise RuntimeError(f"linalg.pinv({_name(A)}{{{list(A.shape)}}}): expected a tensor with "
                           f"2 or more dimensions of float, double, cfloat or cdouble types")
    if rcond is not None:  # the older positional form: rcond is rtol
        rtol = rcond
    return Pinv.apply(A, atol=atol, rtol=rtol, hermitian=hermitian)


def pinverse(input, rcond=1e-15):
    return linalg_pinv(input, atol=0.0, rtol=rcond)


def linalg_matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None, out=None):
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at least "
                           "2 dimensions.")
    if not (A.dtype.is_floating_point or A.dtype.is_complex):
        raise RuntimeError("This function doesn't handle types other than float and double")
    if tol is not None:
        atol, rtol = tol, 0.0
    xp = A.device.xp
    if A.numel() == 0:
        return make_tensor(xp.zeros(A.shape[:-2], dtype=numpy.int64), A.device)
    if hermitian:
        s = xp.abs(xp.linalg.eigvalsh(A.data))
        smax = s.max(-1, keepdims=True)
    else:
        s = xp.linalg.svd(A.data, compute_uv=False)
        smax = s[..., :1]
    tol_ = _cutoff(xp, A.data, atol, rtol, smax)
    return make_tensor(xp.asarray((s > tol_).sum(-1), dtype=numpy.int64), A.device)


# ---------------------------------------------------------------- compositions

def linalg_matrix_power(A, n):
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_power: The input tensor A must have at least 2 "
                           "dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they "
                           f"are {A.shape[-2]} by {A.shape[-1]} matrices")
    if n == 0:  # the identity, still connected to A (with a zero gradient) as in torch
        return _Scale.apply(A, beta=0) + _eye(A.shape[-1], A)
    if n == 1:
        return A.clone()  # a new tensor, never the input itself
    if n < 0:
        A, n = linalg_inv(A), -n
    result, base = None, A
    while True:  # binary powering: about log2(n) products
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if not n:
            return result
        base = base @ base


matrix_power = linalg_matrix_power


def linalg_multi_dot(tensors, *, out=None):
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    first, last = tensors[0], tensors[-1]
    if first.ndim not in (1, 2):
        raise RuntimeError(f"multi_dot(): the first tensor must be 1D or 2D but got "
                           f"{first.ndim}D")
    for i in range(1, n - 1):
        if tensors[i].ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got "
                               f"{tensors[i].ndim}D")
    if last.ndim not in (1, 2):
        raise RuntimeError(f"multi_dot(): the last tensor must be 1D or 2D but got {last.ndim}D")
    for i, t in enumerate(tensors[1:], 1):
        if t.dtype is not first.dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but "
                               f"tensor 0 is {_CPP[first.dtype.name]} and tensor {i} "
                               f"{_CPP[t.dtype.name]}")
    mats = list(tensors)
    if first.ndim == 1:
        mats[0] = first.unsqueeze(0)
    if last.ndim == 1:
        mats[-1] = last.unsqueeze(-1)
    for i in range(n - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes "
                               f"{list(tensors[i].shape)} and {list(tensors[i + 1].shape)} "
                               f"cannot be multiplied")
    result = mats[0]
    for m in mats[1:]:
        result = Matmul.apply(result, m)
    if first.ndim == 1 and last.ndim == 1:
        result = result.reshape(())
    elif first.ndim == 1:
        result = result.squeeze(0)
    elif last.ndim == 1:
        result = result.squeeze(-1)
    if out is not None:
        out.copy_(result)
        return out
    return result


def linalg_vecdot(x, y, *, dim=-1, out=None):
    if not (x.dtype.is_floating_point or x.dtype.is_complex):
        raise RuntimeError(f"linalg.vecdot: Expected a floating point or complex tensor as "
                           f"input. Got {_name(x)}")
    if x.dtype is not y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x "
                           f"of type {_name(x)} and y of type {_name(y)} instead")
    return ((x.conj() if x.dtype.is_complex else x) * y).sum(dim)


def linalg_diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    return A.diagonal(offset, dim1, dim2)


# ---------------------------------------------------------------- norms

class VectorNorm(Op):
    """||x||_p over dims. An op rather than sum/pow/sqrt because the gradient needs torch's
    values where the composition has none: 0 at x = 0 for p = 2, ties split for p = inf."""

    promote = None

    @staticmethod
    def forward(ctx, x, *, ord, dims, keepdim):
        ctx.save_inputs(0)
        ctx.save_output()
        ctx.ord, ctx.dims, ctx.keepdim = ord, dims, keepdim
        xp = ctx.xp
        a = xp.abs(x)
        if ord == 2:
            out = xp.sqrt(xp.sum(a * a, axis=dims, keepdims=keepdim))
        elif ord == 1:
            out = xp.sum(a, axis=dims, keepdims=keepdim)
        elif ord == math.inf:
            out = xp.max(a, axis=dims, keepdims=keepdim)
        elif ord == -math.inf:
            out = xp.min(a, axis=dims, keepdims=keepdim)
        elif ord == 0:
            out = xp.sum(a != 0, axis=dims, keepdims=keepdim).astype(a.dtype)
        else:
            out = xp.sum(a ** ord, axis=dims, keepdims=keepdim) ** (1.0 / ord)
        return out.astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,), norm = ctx.inputs, ctx.output
        p = ctx.ord
        if p == 0:
            return None
        if not ctx.keepdim and ctx.dims:
            shape = tuple(1 if i in ctx.dims else s for i, s in enumerate(x.shape))
            grad, norm = grad.reshape(shape), norm.reshape(shape)
        if p == 1:
            return x.sign() * grad
        if math.isinf(p):
            mask = (x.abs() == norm).to(x.dtype)
            count = mask.sum(ctx.dims, keepdim=True)
            return x.sign() * mask * (grad / count)
        # where the norm is 0 the input slice is all zeros: dividing by 1 there gives the
        # 0 torch gives, without a 0/0 that would poison second derivatives
        safe = norm + (norm == 0).to(norm.dtype)
        if p == 2:
            return x * (grad / safe)
        if p < 1:  # |x|^(p-1) is infinite at 0, where the gradient is 0
            a = x.abs()
            a = a + (a == 0).to(a.dtype)
            return x.sign() * a.pow(p - 1) * grad * norm.pow(1 - p)
        if p < 2:
            return x.sign() * x.abs().pow(p - 1) * (grad / safe.pow(p - 1))
        return x * x.abs().pow(p - 2) * (grad / safe.pow(p - 1))


def _check_norm_input(name, x, dtype):
    if not (x.dtype.is_floating_point or x.dtype.is_complex):
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {_name(x)}")
    if dtype is not None and dtype is not x.dtype:
        if dtype.itemsize < x.dtype.itemsize or (x.dtype.is_complex and not dtype.is_complex):
            raise RuntimeError(f"{name}: the dtype of the input ({_name(x)}) should be "
                               f"convertible without narrowing to the specified dtype "
                               f"({_NAMES[dtype.name]})")
        x = x.to(dtype)
    return x


def linalg_vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    if isinstance(ord, str):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not str")
    x = _check_norm_input("linalg.vector_norm", x, dtype)
    ord = float(ord)
    dims = canonical_dims(dim, x.ndim)
    if ord < 0 or ord == math.inf:
        what = "inf" if ord == math.inf else "-inf" if ord == -math.inf else f"{ord:g}"
        if dim is None and x.numel() == 0:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {what} norm on an empty "
                               f"tensor because the operation does not have an identity")
        for d in dims if dim is not None else ():
            if x.shape[d] == 0:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {what} norm on the "
                                   f"dimension {d}because this dimension is empty and the "
                                   f"operation does not have an identity")
    result = VectorNorm.apply(x, ord=ord, dims=dims, keepdim=keepdim)
    if out is not None:
        out.copy_(result)
        return out
    return result


def linalg_matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    A = _check_norm_input("linalg.matrix_norm", A, dtype)
    if isinstance(dim, int):
        raise TypeError("linalg_matrix_norm(): argument 'dim' must be tuple of ints, not int")
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got "
                           f"{' '.join(map(str, dim))}")
    d0, d1 = canonical_dim(dim[0], A.ndim), canonical_dim(dim[1], A.ndim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, "
                           f"{dim[1]})")
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    elif ord not in (1, -1, 2, -2, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord:g} not supported.")
    if ord == "fro":
        result = linalg_vector_norm(A, 2, (d0, d1), keepdim)
    elif ord in ("nuc", 2, -2):
        rest = [i for i in range(A.ndim) if i not in (d0, d1)]
        moved = A.permute(rest + [d0, d1]) if rest + [d0, d1] != list(range(A.ndim)) else A
        s = linalg_svdvals(moved)
        if s.shape[-1] == 0:  # torch gives 0 for empty matrices, except for the min
            if ord == -2:
                raise IndexError("amin(): Expected reduction dim -1 to have non-zero size.")
            result = s.sum(-1)
        else:
            result = s.sum(-1) if ord == "nuc" else s.amax(-1) if ord == 2 else s.amin(-1)
        if keepdim:
            for d in sorted((d0, d1)):
                result = result.unsqueeze(d)
    else:
        # 1: max over columns of the column sums of |A|; inf: the same over rows
        r, c = (d1, d0) if math.isinf(ord) else (d0, d1)
        sums = linalg_vector_norm(A, 1, r, keepdim)
        if not keepdim and r < c:
            c -= 1
        if sums.shape[c] == 0:  # torch gives 0 where amax would have nothing to take
            result = sums.sum(c, keepdim=keepdim)
        else:
            result = sums.amax(c, keepdim) if ord > 0 else sums.amin(c, keepdim)
    if out is not None:
        out.copy_(result)
        return out
    return result


def linalg_norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    if isinstance(ord, str):  # 'fro' and 'nuc' are matrix norms only
        result = linalg_matrix_norm(A, ord, (-2, -1) if dim is None else
                                    ((dim,) if isinstance(dim, int) else tuple(dim)), keepdim,
                                    dtype=dtype)
    elif dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dims) == 1:
            result = linalg_vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
        elif len(dims) == 2:
            result = linalg_matrix_norm(A, "fro" if ord is None else ord, dims, keepdim,
                                        dtype=dtype)
        else:
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. "
                               f"Got {list(dims)}")
    elif ord is None:
        result = linalg_vector_norm(A, 2, None, keepdim, dtype=dtype)
    else:
        if A.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must "
                               f"be 1D or 2D. Got {A.ndim}D.")
        result = linalg_vector_norm(A, ord, None, keepdim, dtype=dtype) if A.ndim == 1 else \
            linalg_matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    if out is not None:
        out.copy_(result)
        return out
    return result


def linalg_cond(A, p=None, *, out=None):
    if p in (None, 2, -2):
        if A.ndim < 2:
            raise RuntimeError("linalg.cond: The input tensor A must have at least 2 "
                               "dimensions.")
        s = linalg_svdvals(A)
        big, small = s[..., 0], s[..., -1]
        result = big / small if p in (None, 2) else small / big
    else:
        if A.ndim >= 2 and A.shape[-1] != A.shape[-2]:
            raise RuntimeError(f"linalg.cond(ord={p}): A must be batches of square matrices, "
                               f"but they are {A.shape[-2]} by {A.shape[-1]} matrices")
        result = linalg_matrix_norm(A, p) * linalg_matrix_norm(linalg_inv(A), p)
    if out is not None:
        out.copy_(result)
        return out
    return result


def linalg_matrix_exp(A):
    """exp(A) by scaling and squaring: a Taylor polynomial of A / 2^s (with ||A / 2^s||_1
    <= 1/2, the truncation error is below the dtype's precision), squared s times. Only
    products and sums, so first and second derivatives come from matmul's."""
    _check_matrix("linalg.matrix_exp", A)
    n = A.shape[-1]
    eye = _eye(n, A)
    if A.numel() == 0:
        return A * 1
    norm = float(A.device.xp.abs(A.data).sum(-2).max())
    s = builtins.max(0, math.ceil(math.log2(norm)) + 1) if math.isfinite(norm) and norm > 0.5 \
        else 0
    x = A * (0.5 ** s) if s else A
    result = eye
    for k in range(12 if A.dtype is _dtype.float64 else 8, 0, -1):  # Horner
        result = eye + (x @ result) * (1.0 / k)
    for _ in range(s):
        result = result @ result
    return result


matrix_exp = linalg_matrix_exp


def linalg_tensorinv(A, ind=2, *, out=None):
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    left, right = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    if _prod(left) != _prod(right):
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {_prod(right)} != {_prod(left)}")
    result = linalg_inv(A.reshape(_prod(left), _prod(right))).reshape(right + left)
    if out is not None:
        out.copy_(result)
        return out
    return result


def linalg_tensorsolve(A, B, dims=None, *, out=None):
    if dims is not None:
        moved = [canonical_dim(d, A.ndim) for d in dims]
        order = [d for d in range(A.ndim) if d not in moved] + moved
        A = A.permute(order)
    rest = tuple(A.shape[B.ndim:])
    result = linalg_solve(A.reshape(B.numel(), _prod(rest)), B.reshape(-1)).reshape(rest)
    if out is not None:
        out.copy_(result)
        return out
    return result


_lstsq_t = namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])


def linalg_lstsq(A, B, rcond=None, *, driver=None):
    """Least squares through the pseudo-inverse: the minimum-norm solution (equal to LAPACK's
    for full-rank A; gelsy's basic solution of a rank-deficient A differs)."""
    if driver not in (None, "gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of (gels, "
                           f"gelsy, gelsd, gelss)")
    driver = driver or "gelsy"
    _check_matrix("torch.linalg.lstsq", A, square=False)
    vector = B.ndim == A.ndim - 1
    b = B.unsqueeze(-1) if vector else B
    x = linalg_pinv(A, rtol=rcond) @ b
    xp = A.device.xp
    empty = _const(xp.empty((0,), dtype=A.data.dtype), A)
    m, n = A.shape[-2], A.shape[-1]
    rank = linalg_matrix_rank(A, rtol=rcond) if driver != "gels" else \
        _const(xp.empty((0,), dtype=numpy.int64), A)
    residuals = empty
    if driver != "gelsy" and m > n and bool((rank.data == n).all() if rank.numel() else True):
        residuals = ((A @ x - b) ** 2).sum(-2)
    sv = linalg_svdvals(A).detach() if driver in ("gelsd", "gelss") else empty
    return _lstsq_t(x.squeeze(-1) if vector else x, residuals.squeeze(-1) if vector and
                    residuals.numel() else residuals, rank, sv)
