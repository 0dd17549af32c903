"""Indexing: __getitem__/__setitem__, gather/scatter, index_select, masked ops, take."""
from .._tensor import Tensor, make_tensor
from ..autograd.function import Op

__all__ = ["take"]


def _is_basic(index):
    if not isinstance(index, tuple):
        index = (index,)
    return all(i is None or i is Ellipsis or isinstance(i, (int, slice)) and
               not isinstance(i, bool) for i in index)


class GetItemBasic(Op):
    """Integers, slices, None and Ellipsis: a view of the input."""

    promote = None
    view = True

    @staticmethod
    def forward(ctx, x, *, index):
        ctx.in_shape, ctx.index = x.shape, index
        return x[index]

    @staticmethod
    def backward(ctx, grad):
        return _scatter_back(ctx, grad)


def _scatter_back(ctx, grad):
    from .. import _creation
    out = _creation.zeros(ctx.in_shape, dtype=grad.dtype, device=grad.device)
    out[ctx.index] = grad
    return out


def getitem(input, index):
    if _is_basic(index):
        return GetItemBasic.apply(input, index=index)
    raise NotImplementedError("advanced indexing")


def setitem(input, index, value):
    from .copy import copy_
    view = getitem(input, index)
    copy_(view, value)


class Take(Op):
    promote = None

    @staticmethod
    def forward(ctx, x, index):
        ctx.in_shape = x.shape
        ctx.index = index
        return x.reshape(-1)[index]

    @staticmethod
    def backward(ctx, grad):
        from .. import _creation
        out = _creation.zeros(ctx.in_shape, dtype=grad.dtype, device=grad.device)
        flat = out.data.reshape(-1)
        ctx.ext.scatter_add(flat, ctx.index, grad.data)
        return out, None


def take(input, index):
    return Take.apply(input, index)
