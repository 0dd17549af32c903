"""Primitives kept fused for numerical stability or speed: softmax, log_softmax, softplus
(torch.nn.functional composes everything else from ordinary ops)."""
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


class Softplus(Op):
    # fused for stability: composed from logaddexp(z, 0) its gradient is 1 / (1 + exp(-z)),
    # whose exp overflows for z << 0 in float32 and turns the second derivative into inf/inf
    # = nan. Here the gradient is sigmoid(z), itself stable and twice differentiable.

    @staticmethod
    def forward(ctx, x, *, beta, threshold):
        xp = ctx.xp
        ctx.beta, ctx.threshold = beta, threshold
        ctx.save_inputs(0)
        z = x * beta if beta != 1 else x
        soft = xp.logaddexp(z, xp.zeros((), dtype=z.dtype))
        if beta != 1:
            soft /= beta
        return xp.where(z > threshold, x, soft)

    @staticmethod
    def backward(ctx, grad):
        from .elementwise import where
        from .unary import sigmoid
        x, = ctx.inputs
        z = x * ctx.beta if ctx.beta != 1 else x
        # linear above the threshold, as torch
        return where(z > ctx.threshold, grad, grad * sigmoid(z))


def softplus(input, beta=1.0, threshold=20.0):
    """torch.nn.functional.softplus: log(1 + exp(beta x)) / beta, x above the threshold."""
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"softplus_cpu" not implemented for '
                                  f"'{_NAMES[input.dtype.name]}'")
    return Softplus.apply(input, beta=beta, threshold=threshold)


def softmin(input, dim, dtype=None):
    """softmax(-input): torch.nn.functional.softmin (no top-level torch name)."""
    if dtype is not None:
        input = input.to(dtype)
    return softmax(-input, dim)
