"""Primitives kept fused for numerical stability or speed: softmax, log_softmax, and (later)
cross entropy, layer norm, batch norm, dropout."""
from ..autograd.function import Op
from .inplace import _NAMES
from .shape import canonical_dim

__all__ = ["softmax", "log_softmax"]


def _softmax_args(name, input, dim, dtype):
    if dim is None or isinstance(dim, bool) or not isinstance(dim, int):
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")
    if dtype is not None:
        input = input.to(dtype)
    if not input.dtype.is_floating_point:
        kernel = "softmax_lastdim_kernel_impl" if name == "softmax" else \
            "log_softmax_lastdim_kernel_impl"
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{_NAMES[input.dtype.name]}'")
    d = canonical_dim(dim, input.ndim)
    return input, (d if input.ndim else None)


class Softmax(Op):
    # fused: one pass of exp(x - max) / sum on arrays. Composed from ops it would record
    # four nodes and keep their intermediates, and without the max shift exp overflows
    # for float32 logits above ~88.
    promote = None

    @staticmethod
    def forward(ctx, x, *, dim):
        xp = ctx.xp
        ctx.dim = dim
        ctx.save_output()
        if x.size == 0:
            return xp.empty_like(x)
        e = xp.exp(x - x.max(axis=dim, keepdims=True))
        e /= e.sum(axis=dim, keepdims=True)
        return e

    @staticmethod
    def backward(ctx, grad):
        y = ctx.output
        dim = 0 if ctx.dim is None else ctx.dim
        return y * (grad - (grad * y).sum(dim, keepdim=True))


def softmax(input, dim, dtype=None):
    input, d = _softmax_args("softmax", input, dim, dtype)
    return Softmax.apply(input, dim=d)


class LogSoftmax(Op):
    # fused: log(softmax(x)) composed underflows to log(0) = -inf for logits far below the
    # maximum; x - max - log(sum(exp(x - max))) stays finite and accurate.
    promote = None

    @staticmethod
    def forward(ctx, x, *, dim):
        xp = ctx.xp
        ctx.dim = dim
        ctx.save_output()
        if x.size == 0:
            return xp.empty_like(x)
        shifted = x - x.max(axis=dim, keepdims=True)
        shifted -= xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))
        return shifted

    @staticmethod
    def backward(ctx, grad):
        y = ctx.output
        dim = 0 if ctx.dim is None else ctx.dim
        return grad - y.exp() * grad.sum(dim, keepdim=True)


def log_softmax(input, dim, dtype=None):
    input, d = _softmax_args("log_softmax", input, dim, dtype)
    return LogSoftmax.apply(input, dim=d)


def softmin(input, dim, dtype=None):
    """softmax(-input): torch.nn.functional.softmin (no top-level torch name)."""
    if dtype is not None:
        input = input.to(dtype)
    return softmax(-input, dim)
