"""Products: matmul and its relatives (mm, bmm, mv, dot, vdot, inner, outer, the addmm
family), tensordot, kron, cross, and torch.linalg's matrix_power, multi_dot, vecdot and
diagonal.

The torch.linalg functions are named linalg_<name> here (aten's names); ember/linalg.py
re-exports them under torch.linalg's names. The shape and dtype checks with torch's
messages, and the constant-tensor helpers, live here and serve the other linear-algebra
files (decomposition.py, norms.py). einsum has its own file (einsums.py).
"""
import builtins
import math
import warnings

import numpy

from .._tensor import Tensor, make_tensor
from ..autograd.function import Op, autocast_args, hooks
from .einsums import _LETTERS, einsum
from .inplace import _NAMES
from .shape import canonical_dim

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "tensordot",
           "kron", "cross", "addmm", "addmv", "addbmm", "baddbmm", "addr", "matrix_power"]


# C++ type names, as torch's matmul-family dtype messages print them
_CPP = {"float32": "float", "float64": "double", "float16": "c10::Half",
        "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int", "int16": "short int",
        "int8": "signed char", "uint8": "unsigned char", "bool": "bool",
        "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _name(t):
    return _NAMES[t.dtype.name]


def _shape(s):
    return "x".join(str(n) for n in s)


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


def _out(result, out):
    """torch's out= contract: the result is copied into `out`, and `out` is returned."""
    if out is None:
        return result
    out.copy_(result)
    return out


def _const(array, like):
    """A constant tensor (no history) on `like`'s device."""
    return make_tensor(array, like.device)


def _eye(n, like):
    return _const(like.device.xp.eye(n, dtype=like._data.dtype), like)


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
    if hooks.autocast is not None:  # torch casts at the entry, before the dtype checks
        input, other = autocast_args(Matmul, input, other)
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
        rows = math.prod(input.shape[:-1])
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
        _mm_shapes((math.prod(lead), k), other.shape)
        _mm_dtype(input, other)
        return Matmul.apply(input.reshape(math.prod(lead), k), other).reshape(lead + (n,))
    # batched: broadcast the batch dimensions, as bmm would see them
    a = input.unsqueeze(0) if a_nd == 1 else input
    batch = _broadcast(a.shape[:-2], other.shape[:-2])
    nb = math.prod(batch)
    _bmm_shapes(nb, a.shape[-1], nb, other.shape[-2])
    _bmm_dtype(input, other)
    out = Matmul.apply(a, other)
    return out.squeeze(-2) if a_nd == 1 else out


def mm(input, mat2):
    if hooks.autocast is not None:  # torch casts at the entry, before the dtype checks
        input, mat2 = autocast_args(Matmul, input, mat2)
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
    if hooks.autocast is not None:  # torch casts at the entry, before the dtype checks
        input, mat2 = autocast_args(Matmul, input, mat2)
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


class Mv(Op):
    """mat @ vec as its own Op: torch's node name (MvBackward0) and autocast lists (mv is on
    CUDA's low-precision list, not on the CPU's)."""

    @staticmethod
    def forward(ctx, a, v):
        ctx.save_inputs(0, 1)
        return ctx.xp.matmul(a, v)

    @staticmethod
    def backward(ctx, grad):
        a, v = ctx.inputs
        need_a, need_v = ctx.needs_input_grad
        return (grad.unsqueeze(-1) @ v.unsqueeze(0) if need_a else None), \
            (grad @ a if need_v else None)


def mv(input, vec):
    _check_mv(input, vec)
    return Mv.apply(input, vec)


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
    if hooks.autocast is not None:  # torch casts at the entry, before the dtype checks
        input, mat1, mat2 = autocast_args(Matmul, input, mat1, mat2)
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
    if hooks.autocast is not None:  # torch casts at the entry, before the dtype checks
        input, batch1, batch2 = autocast_args(Matmul, input, batch1, batch2)
    _check_bmm(batch1, batch2)
    _bmm_dtype(input, batch1)
    _bmm_dtype(input, batch2)
    beta, alpha = _scalars(input, beta, alpha)
    return _add_scaled(input, Matmul.apply(batch1, batch2), beta, alpha)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    if hooks.autocast is not None:  # torch casts at the entry, before the dtype checks
        input, batch1, batch2 = autocast_args(Matmul, input, batch1, batch2)
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
    k = math.prod(a.shape[d] for d in ca)
    out_shape = tuple(a.shape[d] for d in free_a) + tuple(b.shape[d] for d in free_b)
    pa = a.permute(free_a + ca) if free_a + ca != list(range(a.ndim)) else a
    pb = b.permute(cb + free_b) if cb + free_b != list(range(b.ndim)) else b
    m = math.prod(a.shape[d] for d in free_a)
    n = math.prod(b.shape[d] for d in free_b)
    result = Matmul.apply(pa.reshape(m, k), pb.reshape(k, n)).reshape(out_shape)
    return _out(result, out)


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
    eps = _const(input.device.xp.asarray(eps, dtype=input._data.dtype), input)
    base = [c for c in _LETTERS if c not in "ijk"][:input.ndim]

    def sub(c):
        return "".join(base[:d]) + c + "".join(base[d + 1:])
    sub_a, sub_b, sub_o = sub("j"), sub("k"), sub("i")
    return einsum(f"ijk,{sub_a},{sub_b}->{sub_o}", eps, input, other)


# ---------------------------------------------------------------- torch.linalg compositions

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
        # through the Tensor method: decomposition.py builds on this file, not the reverse
        A, n = A.inverse(), -n
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
    return _out(result, out)


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
