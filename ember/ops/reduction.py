"""Reductions: sum, mean, prod, max/min, var/std, logsumexp, norms, cumulative ops, sort."""
from .._tensor import Tensor
from ..autograd.function import Op
from .shape import canonical_dims

__all__ = ["sum", "mean"]


class Sum(Op):
    @staticmethod
    def forward(ctx, x, *, dims, keepdim, dtype):
        ctx.in_shape = x.shape
        ctx.dims, ctx.keepdim = dims, keepdim
        return ctx.xp.sum(x, axis=dims, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        if not ctx.keepdim and ctx.dims:
            grad = grad.reshape(_kept_shape(ctx.in_shape, ctx.dims))
        return grad.expand(ctx.in_shape)


def _kept_shape(shape, dims):
    return tuple(1 if i in dims else n for i, n in enumerate(shape))


def _sum_dtype(input, dtype):
    if dtype is not None:
        return dtype.np
    if not input.dtype.is_floating_point and not input.dtype.is_complex:
        from .. import _dtype
        return _dtype.int64.np  # torch sums integers and bools as int64
    return None


def sum(input, dim=None, keepdim=False, *, dtype=None):
    dims = canonical_dims(dim, input.ndim)
    return Sum.apply(input, dims=dims, keepdim=keepdim, dtype=_sum_dtype(input, dtype))


def mean(input, dim=None, keepdim=False, *, dtype=None):
    if not input.dtype.is_floating_point and not input.dtype.is_complex and dtype is None:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {input.dtype.name.capitalize()}")
    dims = canonical_dims(dim, input.ndim)
    n = 1
    for d in dims:
        n *= input.shape[d]
    total = sum(input, dim, keepdim, dtype=dtype)
    return total / n if n else total * float("nan")
