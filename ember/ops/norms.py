"""torch.linalg's norms: vector_norm (the VectorNorm op), matrix_norm, norm and cond.
torch.norm, the older entry point, is reduction.py's."""
import math

from ..autograd.function import Op
from .decomposition import linalg_inv, linalg_svdvals
from .inplace import _NAMES
from .linalg import _name, _out
from .shape import canonical_dim, canonical_dims

__all__ = ["cdist", "pdist"]


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
    return _out(result, out)


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
    return _out(result, out)


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
    return _out(result, out)


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
    return _out(result, out)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """p-norm distance between each row of x1 (.., P, M) and each row of x2 (.., R, M)."""
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    # Broadcast the rows against each other; the norm's subgradient at 0 is 0, as torch's.
    return linalg_vector_norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, dim=-1)


def pdist(input, p=2):
    """Distances between the rows of an (N, M) input, for each pair i < j in row order."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    from .._creation import triu_indices
    i, j = triu_indices(input.shape[0], input.shape[0], 1, device=input.device)
    return linalg_vector_norm(input[i] - input[j], p, dim=-1)
