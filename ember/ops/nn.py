"""Primitives kept fused for numerical stability or speed: softmax, log_softmax, softplus
(torch.nn.functional composes everything else from ordinary ops)."""
import numpy

from .._backend.numba_kernels import GELU_ERF_COEFFS, GELU_ERF_P
from .._tensor import make_tensor
from ..autograd import grad_mode as _grad_mode
from ..autograd.function import Op
from .inplace import _NAMES
from .shape import canonical_dim

_grad_state = _grad_mode.state

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


def _last_sum(xp, a, dim, signed=False):
    """a.sum(dim, keepdims=True). Over a contiguous last axis of float32/64 it is one
    matrix-vector product with a ones vector: NumPy's reduction over short rows (softmax
    over 64 keys, 1000 classes) costs 5-7x BLAS's gemv (88 vs 13 us on 4096 rows of 64).
    gemv adds each row in a few long running sums: as accurate as NumPy's pairwise sum
    for terms of one sign (the exps of softmax), but up to 2x worse on long rows that
    cancel (gradients), so `signed` sums take it only for rows of at most 128."""
    n = a.shape[-1] if a.ndim else 0
    if dim == a.ndim - 1 and 16 <= n and (n <= 128 or not signed) and \
            a.dtype.char in "fd" and a.flags.c_contiguous:
        a2 = a.reshape(-1, n)
        ones = xp.ones((n, 1), dtype=a.dtype)
        rows = a2.shape[0]
        step = max(1, _GEMV_BLOCK // n)
        if rows <= step:
            out = xp.matmul(a2, ones)
        else:
            # in row blocks: OpenBLAS runs a gemv of more than ~460k elements on all its
            # threads, and with the cores busy that hand-off took 20 ms instead of 17 us
            out = xp.empty((rows, 1), dtype=a.dtype)
            for i in range(0, rows, step):
                xp.matmul(a2[i:i + step], ones, out=out[i:i + step])
        return out.reshape(a.shape[:-1] + (1,))
    return a.sum(axis=dim, keepdims=True)


_GEMV_BLOCK = 1 << 18


def _last_max(xp, a, dim):
    """a.max(dim, keepdims=True). Over a short last axis (8 to 128) by halving: each pass
    is one vectorized maximum of the two halves of every row, where NumPy's row-wise
    reduction pays per row (nan still propagates). Halving stops at 16 columns or fewer:
    those are transposed (one small copy) and reduced down the columns, whose inner loop
    runs along all the rows at once; the last halvings of short rows cost the most per
    element (64 keys on 4096 rows: 420 us row-wise, 190-256 halving to 1, ~110 this way)."""
    n = a.shape[-1] if a.ndim else 0
    if dim != a.ndim - 1 or not 8 <= n <= 128:
        return a.max(axis=dim, keepdims=True)
    m = a
    while n > 16:
        h = n // 2
        half = xp.maximum(m[..., :h], m[..., h:2 * h])
        if n % 2:  # the odd element joins the first column
            xp.maximum(half[..., :1], m[..., 2 * h:], out=half[..., :1])
        m, n = half, h
    cols = xp.ascontiguousarray(m.reshape(-1, n).T)
    return cols.max(axis=0).reshape(a.shape[:-1] + (1,))


def _row_kernel(ctx, name, dim, x, *others):
    """The compiled kernel `name` for rows along the last dim of float32 CPU arrays (x
    contiguous, the others of its shape), or None: the caller then runs NumPy."""
    if (ctx.xp is not numpy or dim != x.ndim - 1 or not x.flags.c_contiguous
            or any(a.dtype != numpy.float32 for a in (x,) + others)
            or any(a.shape != x.shape for a in others)):
        return None
    return ctx.ext.compiled_kernel(name, x.size)


def _rows_compiled(ctx, name, x, dim):
    """Softmax or log-softmax over the last dim in one compiled pass for exp, sum and the
    result (the row maxima by _last_max), or None."""
    kernel = _row_kernel(ctx, name, dim, x)
    if kernel is None:
        return None
    n = x.shape[-1]
    out = numpy.empty(x.shape, numpy.float32)
    kernel(x.reshape(-1, n), _last_max(numpy, x, dim).reshape(-1), out.reshape(-1, n))
    return out


def _rows_backward_compiled(ctx, name, y, g, dim):
    """The backward of _rows_compiled's ops on arrays, or None."""
    kernel = _row_kernel(ctx, name, dim, y, g)
    if kernel is None:
        return None
    n = y.shape[-1]
    out = numpy.empty(y.shape, numpy.float32)
    kernel(y.reshape(-1, n), numpy.ascontiguousarray(g).reshape(-1, n), out.reshape(-1, n))
    return out


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
        if dim is None:  # 0-d
            return xp.exp(x - x)
        out = _rows_compiled(ctx, "softmax_forward", x, dim)
        if out is not None:
            return out
        e = x - _last_max(xp, x, dim)
        xp.exp(e, out=e)  # in place: one activation-sized array instead of two
        e /= _last_sum(xp, e, dim)
        return e

    @staticmethod
    def backward(ctx, grad):
        y = ctx.output
        dim = 0 if ctx.dim is None else ctx.dim
        g, yd = grad._data, y._data
        if _grad_state.enabled or g.dtype != yd.dtype or not yd.ndim:  # differentiable
            return y * (grad - (grad * y).sum(dim, keepdim=True))
        # no graph wanted: the same formula on arrays, one temporary
        out = _rows_backward_compiled(ctx, "softmax_backward", yd, g, dim)
        if out is not None:
            return make_tensor(out, grad.device)
        p = g * yd
        ctx.xp.subtract(g, _last_sum(ctx.xp, p, dim, signed=True), out=p)
        p *= yd
        return make_tensor(p, grad.device)


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
        if dim is None:  # 0-d
            return x - x
        out = _rows_compiled(ctx, "log_softmax_forward", x, dim)
        if out is not None:
            ctx.exp_sum = None
            return out
        shifted = x - _last_max(xp, x, dim)
        e = xp.exp(shifted)
        s = _last_sum(xp, e, dim)
        shifted -= xp.log(s)
        # exp(output) = e / s: the backward scales e per row instead of a second exp
        # pass over the whole array (cross entropy on 700 x 1000 logits: ~0.2 ms a step)
        ctx.exp_sum = (e, s) if ctx.needs_input_grad[0] else None
        return shifted

    @staticmethod
    def backward(ctx, grad):
        y = ctx.output
        dim = 0 if ctx.dim is None else ctx.dim
        g = grad._data
        if _grad_state.enabled or g.dtype != y._data.dtype:  # create_graph: differentiable
            return grad - y.exp() * grad.sum(dim, keepdim=True)
        # no graph wanted: the same formula on arrays, in place (four ops fewer)
        xp = ctx.xp
        out = _rows_backward_compiled(ctx, "log_softmax_backward", y._data, g, dim)
        if out is not None:
            return make_tensor(out, grad.device)
        parts = getattr(ctx, "exp_sum", None)
        if parts is not None and g.shape == parts[0].shape:
            e, s = parts
            out = e * (_last_sum(xp, g, dim, signed=True) / s)
        else:
            out = xp.exp(y._data)
            out *= _last_sum(xp, g, dim, signed=True) if g.ndim else g
        xp.subtract(g, out, out=out)
        return make_tensor(out, grad.device)


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


_SQRT_HALF = 0.7071067811865476
_INV_SQRT_2PI = 0.3989422804014327
_SQRT_2_OVER_PI = 0.7978845608028654
_GELU_CUBIC = 0.044715


# The float32 erf works in float64 temporaries; on a whole transformer activation (MBs)
# they spill out of L2. Blocks of this many elements keep them in cache: same values,
# measured 2.2 -> 1.75 ms on a 1024x512 float32 activation.
_ERF_BLOCK = 16384


def _erf_blocked(ctx, z):
    n = z.size
    if n <= 2 * _ERF_BLOCK:
        return ctx.ext.erf(z)
    flat = z.reshape(-1)  # z is a fresh contiguous array: a view
    out = ctx.xp.empty_like(flat)
    for i in range(0, n, _ERF_BLOCK):
        out[i:i + _ERF_BLOCK] = ctx.ext.erf(flat[i:i + _ERF_BLOCK])
    return out.reshape(z.shape)


# float32 GELU on the CPU takes erf from Abramowitz & Stegun 7.1.26: erf(z) = 1 - t P(t)
# exp(-z^2), t = 1 / (1 + p |z|), absolute error below 1.5e-7, the form torch's vectorized
# float32 GELU is built on. Measured on 4096 values: within 5e-7 of the exact GELU, and
# torch's within 1e-6 (float64 GELU and ember.erf stay exact). A few array passes where
# the exact erf takes a rational fit in float64; written once as a compiled loop
# (ember[numba]) and once in NumPy, equal to float32 rounding (tests/test_numba_kernels.py).
_F32 = numpy.float32


def _gelu_float32(ctx, x):
    """gelu(x) of a float32 array, by the compiled kernel, which keeps nothing (ctx.half is
    None: its backward recomputes from x; in a training step the arrays come from memory,
    not cache, so reading two fewer of them is worth more than the arithmetic), or else
    None after setting ctx.half to erf(x / sqrt 2) and ctx.gauss to exp(-x^2 / 2), which
    the exact form's backward reuses."""
    kernel = ctx.ext.compiled_kernel("gelu_forward", x.size)
    if kernel is not None:
        out = numpy.empty(x.shape, numpy.float32)
        kernel(numpy.ascontiguousarray(x).reshape(-1), out.reshape(-1))
        ctx.half = None
        return out
    z = (x * _F32(_SQRT_HALF)).reshape(-1)  # 1-d: in-place ufuncs cannot write 0-d scalars
    gauss = z * z
    numpy.negative(gauss, out=gauss)
    numpy.exp(gauss, out=gauss)                 # exp(-z^2)
    t = numpy.abs(z, out=z)
    t *= _F32(GELU_ERF_P)
    t += 1
    numpy.reciprocal(t, out=t)
    c0, *rest = GELU_ERF_COEFFS
    poly = t * _F32(c0)
    for c in rest:
        poly += _F32(c)
        poly *= t                               # t P(t), Horner
    poly *= gauss
    erf = numpy.subtract(1, poly, out=poly)     # erf(|z|)
    numpy.copysign(erf, x.reshape(-1), out=erf)
    ctx.half, ctx.gauss = erf.reshape(x.shape), gauss.reshape(x.shape)
    return None


class Gelu(Op):
    # fused for speed (it runs on every hidden activation of a transformer): composed, the
    # exact form records five nodes and its backward evaluates erf a second time. The
    # forward keeps Phi(x) (or tanh(u)) for a backward on arrays; under create_graph the
    # backward is written in ember ops instead, so higher derivatives still work.

    @staticmethod
    def forward(ctx, x, *, approximate):
        xp = ctx.xp
        ctx.approximate = approximate
        ctx.save_inputs(0)
        ctx.gauss = None  # exp(-x^2 / 2) when the forward computed it anyway
        if approximate == "tanh":
            inner = x * x
            inner *= _GELU_CUBIC
            inner += 1
            inner *= x
            inner *= _SQRT_2_OVER_PI
            half = xp.tanh(inner)                     # tanh(u), kept for backward
        elif xp is numpy and x.dtype == numpy.float32:
            out = _gelu_float32(ctx, x)
            if out is not None:
                return out
            half = ctx.half                           # erf(x / sqrt 2)
        else:
            half = _erf_blocked(ctx, x * _SQRT_HALF)  # erf(x / sqrt 2)
        half += 1
        half *= 0.5                                   # Phi(x), or (1 + tanh u) / 2
        ctx.half = half
        return x * half

    @staticmethod
    def backward(ctx, grad):
        from ..autograd.grad_mode import is_grad_enabled
        x, = ctx.inputs
        if is_grad_enabled():
            return grad * _gelu_derivative(x, ctx.approximate)
        xa, half = x._data, ctx.half
        if ctx.approximate == "tanh":
            # d/dx x (1 + tanh u) / 2 = half + x (1 - tanh^2 u) u' / 2, tanh u = 2 half - 1
            t = 2 * half - 1
            slope = (1 - t * t) * (_SQRT_2_OVER_PI * 0.5) * (1 + 3 * _GELU_CUBIC * xa * xa)
            slope *= xa
            slope += half
            return grad * make_tensor(slope, ctx.device)
        xp = ctx.xp
        if half is None:  # the compiled float32 forward kept nothing
            out = numpy.empty(xa.shape, numpy.float32)
            ctx.ext.compiled_kernel("gelu_backward")(
                numpy.ascontiguousarray(xa).reshape(-1),
                numpy.ascontiguousarray(grad._data, dtype=numpy.float32).reshape(-1),
                out.reshape(-1))
            return make_tensor(out, ctx.device)
        # exact form: one array, every pass in place (the composed expression allocated
        # five activation-sized temporaries)
        if not xa.ndim:  # 0-d: NumPy gives scalars, which in-place ufuncs cannot write
            slope = xp.exp(-0.5 * xa * xa) * _INV_SQRT_2PI * xa + half
            return grad * make_tensor(xp.asarray(slope, dtype=xa.dtype), ctx.device)
        if ctx.gauss is not None:
            slope = ctx.gauss * xa.dtype.type(_INV_SQRT_2PI)
        else:
            slope = xa * xa
            slope *= -0.5
            xp.exp(slope, out=slope)
            slope *= _INV_SQRT_2PI                            # phi(x)
        slope *= xa
        slope += half
        g = grad._data
        if g.dtype == slope.dtype and g.shape == slope.shape:
            slope *= g
            return make_tensor(slope, ctx.device)
        return grad * make_tensor(slope, ctx.device)


def _gelu_derivative(x, approximate):
    """d gelu / dx in ember ops (differentiable again)."""
    from .trig import tanh
    from .unary import erf, exp
    if approximate == "tanh":
        t = tanh((x + _GELU_CUBIC * x * x * x) * _SQRT_2_OVER_PI)
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _SQRT_2_OVER_PI * (
            1 + 3 * _GELU_CUBIC * x * x)
    return 0.5 * (1 + erf(x * _SQRT_HALF)) + x * exp(-0.5 * x * x) * _INV_SQRT_2PI


def gelu(input, approximate="none"):
    """torch.nn.functional.gelu: x Phi(x), or its tanh approximation."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh.")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f'"GeluKernelImpl" not implemented for '
                           f"'{_NAMES[input.dtype.name]}'")
    return Gelu.apply(input, approximate=approximate)


class NllLoss(Op):
    # fused (cross_entropy = log_softmax + this): composed from where/gather/mul/sum/div it
    # recorded ~15 nodes, about a fifth of a small model's training step. The class index
    # targets, their keep mask and class weights are plain arrays (no gradient).
    promote = None

    @staticmethod
    def forward(ctx, logp, *, target, keep, weight, reduction):
        xp = ctx.xp
        cdim = 1 if logp.ndim >= 2 else 0
        safe = xp.where(keep, target, 0)
        w = keep.astype(logp.dtype) if weight is None else weight[safe] * keep
        if logp.ndim == 2:  # (N, C): plain fancy indexing skips take_along_axis's set-up
            picked = logp[xp.arange(logp.shape[0]), safe]
        else:
            picked = xp.take_along_axis(logp, xp.expand_dims(safe, cdim), cdim).squeeze(cdim)
        loss = xp.asarray(-(picked * w))      # (0-d for an unbatched input)
        ctx.cdim, ctx.safe, ctx.w, ctx.reduction = cdim, safe, w, reduction
        ctx.shape = logp.shape
        if reduction == "none":
            return loss
        total = loss.sum(dtype=logp.dtype)
        if reduction == "sum":
            return xp.asarray(total)
        ctx.wsum = w.sum(dtype=logp.dtype)
        return xp.asarray(total / ctx.wsum)

    @staticmethod
    def backward(ctx, grad):
        from ..autograd.grad_mode import is_grad_enabled
        xp = ctx.xp
        if not is_grad_enabled() and len(ctx.shape) == 2:
            # (N, C) without a graph: arrays only, the same arithmetic as below
            g = grad._data
            vals = -ctx.w
            if ctx.reduction == "mean":
                vals /= ctx.wsum
            vals *= g
            out = xp.zeros(ctx.shape, dtype=g.dtype)
            out[xp.arange(ctx.shape[0]), ctx.safe] = vals
            return make_tensor(out, grad.device)
        scale = -make_tensor(ctx.w, grad.device)          # d loss_i / d logp[i, t_i]
        if ctx.reduction == "mean":
            scale = scale / make_tensor(ctx.xp.asarray(ctx.wsum), grad.device)
        index = make_tensor(ctx.xp.expand_dims(ctx.safe, ctx.cdim), grad.device)
        if is_grad_enabled():              # create_graph: keep it differentiable in grad
            from .._creation import zeros
            src = (grad.unsqueeze(ctx.cdim) if ctx.reduction == "none" else grad) * \
                scale.unsqueeze(ctx.cdim)
            return zeros(ctx.shape, dtype=grad.dtype, device=grad.device).scatter(
                ctx.cdim, index, src)
        xp = ctx.xp
        g = grad._data
        vals = scale._data * g
        out = xp.zeros(ctx.shape, dtype=g.dtype)
        xp.put_along_axis(out, index._data, xp.expand_dims(vals, ctx.cdim), ctx.cdim)
        return make_tensor(out, grad.device)


def nll_loss_fused(logp, target, keep, weight, reduction):
    """-logp[n, target[n], ...] * weight[target], on arrays prepared by nn.functional."""
    return NllLoss.apply(logp, target=target, keep=keep, weight=weight, reduction=reduction)
