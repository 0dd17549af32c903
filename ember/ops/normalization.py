"""Normalization layers' functional forms: batch_norm, instance_norm, layer_norm, group_norm
(one fused primitive over a set of axes) and local_response_norm (composed)."""
import math

import numpy

from .._tensor import make_tensor
from ..autograd.function import Op
from ..autograd.grad_mode import is_grad_enabled, no_grad
from .joining import constant_pad_nd
from .nn import _last_sum

__all__ = ["batch_norm", "group_norm", "instance_norm", "layer_norm", "local_response_norm"]


class NativeNorm(Op):
    # fused for stability and speed: the variance is taken of the centred values on arrays
    # (E[x^2] - E[x]^2 cancels catastrophically in float32), the affine map is applied in
    # place, and the batch statistics come back for the running averages without another
    # reduction. Composed from ops it would record about ten nodes and keep their temporaries.
    # Outputs: y, then the biased mean and variance with the reduced axes kept (no gradient).
    differentiable_outputs = 1

    @staticmethod
    def forward(ctx, x, weight, bias, *, axes, pshape, paxes, eps):
        ctx.axes, ctx.pshape, ctx.paxes, ctx.eps = axes, pshape, paxes, eps
        ctx.bshape = None if bias is None else bias.shape
        ctx.save_inputs(0, 1)
        xp = ctx.xp
        ctx.compiled = _compiled_layer_norm(ctx, x, weight, bias, axes, pshape)
        if ctx.compiled is not None:
            return _layer_norm_compiled(ctx, x, weight, bias, axes, eps)
        mean = _trailing_mean(xp, x, axes)
        y = x - mean
        var = _sum_of_products(xp, y, y, axes)
        var *= 1.0 / max(math.prod(x.shape[a] for a in axes), 1)  # (an empty batch has no var)
        invstd = 1.0 / xp.sqrt(var + eps)
        ctx.mean, ctx.invstd = mean, invstd
        if weight is not None and _per_kept_index(axes, paxes):
            # batch/instance norm: the weight is constant over the reduced axes, so one
            # per-channel scale (one pass over y instead of two)
            y *= invstd * weight.reshape(pshape)
        else:
            y *= invstd
            if weight is not None:
                y *= weight.reshape(pshape)
        if bias is not None:
            y += bias.reshape(pshape)
        return y, mean, var

    @staticmethod
    def backward(ctx, grad, _gmean=None, _gvar=None):
        x, weight = ctx.inputs
        axes, paxes = ctx.axes, ctx.paxes
        if not is_grad_enabled():
            # speed: no create_graph, so the same formulas on arrays with the saved
            # statistics (about half the passes over x, and no graph nodes)
            return _norm_backward_arrays(ctx, x, weight, grad)
        # the statistics are recomputed from the saved input with ember ops, not kept as
        # arrays, so that double backward sees their dependence on x
        xc = x - x.mean(axes, keepdim=True)
        invstd = ((xc * xc).mean(axes, keepdim=True) + ctx.eps).rsqrt()
        xhat = xc * invstd
        need = ctx.needs_input_grad
        gx = gw = gb = None
        if need[0]:
            g = grad if weight is None else grad * weight.reshape(ctx.pshape)
            gx = invstd * (g - g.mean(axes, keepdim=True)
                           - xhat * (g * xhat).mean(axes, keepdim=True))
        if need[1]:
            gw = (grad * xhat).sum(paxes).reshape(weight.shape) if paxes else \
                (grad * xhat).reshape(weight.shape)
        if need[2]:
            gb = grad.sum(paxes) if paxes else grad
            gb = gb.reshape(ctx.bshape)
        return gx, gw, gb


def _per_kept_index(axes, paxes):
    """Whether weight/bias (broadcast over paxes) are constant over the reduced axes."""
    return all(a in paxes for a in axes)


def _sum_of_products(xp, a, b, axes):
    """(a * b).sum(axes, keepdims=True) for contiguous a, b without the product temporary:
    batch norm's (0, 2, ...) and the trailing axes of layer norm become batched dot
    products (matmul of (..., 1, L) by (..., L, 1)), a third of the time of multiply-sum."""
    nd = a.ndim
    keep = tuple(1 if i in axes else s for i, s in enumerate(a.shape))
    # each dot product must be long enough to beat matmul's per-item cost (BatchNorm1d on
    # (N, C) has length 1 and was 15x slower this way)
    if a.flags.c_contiguous and b.flags.c_contiguous:
        if nd >= 3 and axes == (0,) + tuple(range(2, nd)) and a[0, 0].size >= 8:
            a3 = a.reshape(a.shape[0], a.shape[1], -1)
            b3 = b.reshape(a3.shape)
            return xp.matmul(a3[:, :, None, :], b3[:, :, :, None]).sum(axis=0).reshape(keep)
        t = len(axes)
        if t < nd and axes == tuple(range(nd - t, nd)) and a.size and a.size >= 8 * math.prod(
                a.shape[:nd - t]):
            lead = a.shape[:nd - t]
            return xp.matmul(a.reshape(lead + (1, -1)), b.reshape(lead + (-1, 1))).reshape(keep)
    return (a * b).sum(axis=axes, keepdims=True)


def _trailing_mean(xp, a, axes):
    """a.mean(axes, keepdims=True); layer norm's trailing axes (at most 128 elements, so
    the signed sum stays as accurate as NumPy's) as row sums by BLAS (see _last_sum)."""
    nd = a.ndim
    t = len(axes)
    if 0 < t < nd and axes == tuple(range(nd - t, nd)) and a.flags.c_contiguous:
        lead = a.shape[:nd - t]
        n = a.size // math.prod(lead) if a.size else 0
        if 16 <= n <= 128:
            s = _last_sum(xp, a.reshape(lead + (n,)), nd - t, signed=True)
            s /= n
            return s.reshape(lead + (1,) * t)
    return a.mean(axis=axes, keepdims=True)


def _compiled_layer_norm(ctx, x, weight, bias, axes, pshape):
    """The numba layer-norm kernel when this is a float32 layer norm on the CPU (weight and
    bias, if any, span exactly the normalised trailing dims), else None."""
    t = len(axes)
    if (ctx.xp is not numpy or x.dtype != numpy.float32 or not 0 < t < x.ndim
            or axes != tuple(range(x.ndim - t, x.ndim)) or tuple(pshape) != x.shape[-t:]
            or any(p is not None and p.dtype != numpy.float32 for p in (weight, bias))):
        return None
    return ctx.ext.compiled_kernel("layer_norm_forward", x.size)


_EMPTY32 = numpy.empty(0, numpy.float32)
_EMPTY64 = numpy.empty(0, numpy.float64)


def _layer_norm_compiled(ctx, x, weight, bias, axes, eps):
    lead = x.shape[:x.ndim - len(axes)]
    rows = math.prod(lead)
    x2 = numpy.ascontiguousarray(x).reshape(rows, math.prod(x.shape[len(lead):]))
    y = numpy.empty(x2.shape, numpy.float32)
    mean, var, invstd = (numpy.empty(rows, numpy.float32) for _ in range(3))
    ctx.compiled(x2, _EMPTY32 if weight is None else weight.reshape(-1),
                 _EMPTY32 if bias is None else bias.reshape(-1), eps, y, mean, var, invstd)
    keep = lead + (1,) * len(axes)
    ctx.mean, ctx.invstd = mean.reshape(keep), invstd.reshape(keep)
    return y.reshape(x.shape), ctx.mean, var.reshape(keep)


def _layer_norm_backward_compiled(ctx, x, weight, grad):
    need = ctx.needs_input_grad
    rows = ctx.mean.size
    n = math.prod(x.shape[x.ndim - len(ctx.axes):])
    x2 = numpy.ascontiguousarray(x._data).reshape(rows, n)
    g = grad._data
    g2 = numpy.ascontiguousarray(g, dtype=numpy.float32).reshape(rows, n)
    gx = numpy.empty(x2.shape, numpy.float32)
    gw = numpy.zeros(n, numpy.float64) if need[1] else _EMPTY64
    gb = numpy.zeros(n, numpy.float64) if need[2] else _EMPTY64
    ctx.ext.compiled_kernel("layer_norm_backward")(
        x2, g2, _EMPTY32 if weight is None else weight._data.reshape(-1),
        ctx.mean.reshape(-1), ctx.invstd.reshape(-1), gx, gw, gb)
    shape = x.shape[x.ndim - len(ctx.axes):]
    return (make_tensor(gx.reshape(x.shape), grad.device) if need[0] else None,
            make_tensor(gw.astype(numpy.float32).reshape(shape), grad.device)
            if need[1] else None,
            make_tensor(gb.astype(numpy.float32).reshape(shape), grad.device)
            if need[2] else None)


def _norm_backward_arrays(ctx, x, weight, grad):
    if ctx.compiled is not None:
        return _layer_norm_backward_compiled(ctx, x, weight, grad)
    axes, paxes, need = ctx.axes, ctx.paxes, ctx.needs_input_grad
    if _per_kept_index(axes, paxes):
        return _norm_backward_per_channel(ctx, x, weight, grad)
    g = grad._data
    xhat = x._data - ctx.mean
    xhat *= ctx.invstd
    gx = gw = gb = None
    if need[1]:
        gxhat = g * xhat
    if need[0]:
        xp = ctx.xp
        gs = g if weight is None else g * weight._data.reshape(ctx.pshape)
        gx = gs - _trailing_mean(xp, gs, axes)
        # mean(gs * xhat) as dot products: no product array
        dot = _sum_of_products(xp, gs, xhat, axes) if gs.flags.c_contiguous else \
            (gs * xhat).sum(axis=axes, keepdims=True)
        dot /= max(math.prod(gs.shape[a] for a in axes), 1)
        xhat *= dot
        gx -= xhat
        gx *= ctx.invstd
        gx = make_tensor(gx, grad.device)
    if need[1]:
        gw = gxhat.sum(axis=paxes) if paxes else gxhat
        gw = make_tensor(gw.reshape(weight.shape), grad.device)
    if need[2]:
        gb = g.sum(axis=paxes) if paxes else g
        gb = make_tensor(gb.reshape(ctx.bshape), grad.device)
    return gx, gw, gb


def _norm_backward_per_channel(ctx, x, weight, grad):
    """Batch/instance norm's array backward with the weight constant over the reduced axes:
    with k = weight * invstd, sum_g = sum(g) and dot = sum(g * (x - mean)) per channel,
        gx = k * g - (k / M) * sum_g - (k * invstd**2 * dot / M) * (x - mean)
    two reductions and three passes over the data, two arrays allocated (the general form
    made about ten passes and four temporaries)."""
    xp, axes, need = ctx.xp, ctx.axes, ctx.needs_input_grad
    g = grad._data
    xc = x._data - ctx.mean
    invstd = ctx.invstd
    sum_g = g.sum(axis=axes, keepdims=True)
    dot = _sum_of_products(xp, xc, g, axes)
    gx = gw = gb = None
    if need[0]:
        m = g.size // sum_g.size
        k = invstd if weight is None else invstd * weight._data.reshape(ctx.pshape)
        xc *= (k * invstd * invstd) * (dot * (-1.0 / m))
        xc -= k * (sum_g * (1.0 / m))
        gx = g * k
        gx += xc
        gx = make_tensor(gx, grad.device)
    # instance norm's statistics are per (sample, channel): the parameters' grads also sum
    # over the batch
    extra = tuple(a for a in ctx.paxes if a not in axes)
    if need[1]:
        gw = dot * invstd
        gw = gw.sum(axis=extra) if extra else gw
        gw = make_tensor(gw.reshape(weight.shape), grad.device)
    if need[2]:
        gb = sum_g.sum(axis=extra) if extra else sum_g
        gb = make_tensor(gb.reshape(ctx.bshape), grad.device)
    return gx, gw, gb


def _native_norm(input, weight, bias, axes, pshape, eps):
    """y, mean, var of input normalised over axes; weight/bias broadcast as pshape (the
    trailing dims of input)."""
    lead = input.ndim - len(pshape)
    paxes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(pshape) if s == 1)
    return NativeNorm.apply(input, weight, bias, axes=tuple(axes), pshape=tuple(pshape),
                            paxes=paxes, eps=eps)


def _size_str(shape):
    return f"torch.Size([{', '.join(str(s) for s in shape)}])"


def _verify_batch_size(shape):
    n = 1
    for i, s in enumerate(shape):
        if i != 1:
            n *= s
    if n == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input "
                         f"size {_size_str(shape)}")


def _check_param(name, t, c):
    if t is not None and t.numel() != c:
        raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")


def _eval_affine_arrays(input, running_mean, running_var, weight, bias, pshape, eps):
    """batch_norm with fixed statistics when nothing needs a gradient: the per-channel scale
    and shift on arrays, then one multiply into a fresh array and one add in place (the
    composed form takes two full passes, two full-size allocations and about eight small
    graph ops; eval-mode ResNet runs it after every convolution). None when a dtype differs
    from the input's (the composed form then promotes as torch does)."""
    x = input._data
    dt = x.dtype
    if dt.kind != "f" or any(t is not None and t._data.dtype != dt for t in
                             (running_mean, running_var, weight, bias)):
        return None
    xp = input.device.xp
    scale = 1.0 / xp.sqrt(running_var._data + eps)
    if weight is not None:
        scale *= weight._data
    shift = -running_mean._data * scale
    if bias is not None:
        shift += bias._data
    y = x * scale.reshape(pshape)
    y += shift.reshape(pshape)
    return make_tensor(y, input.device)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalises each channel (dim 1) over the batch and spatial dims. In training the batch
    statistics are used and the running buffers updated in place (running_var with the
    unbiased variance, as torch); otherwise the running buffers are used."""
    if input.ndim < 2:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-max(input.ndim, 1)}, {max(input.ndim, 1) - 1}], but got 1)")
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must either both be None or neither "
                         "be None")
    c = input.shape[1]
    if training:
        _verify_batch_size(input.shape)
    elif running_mean is None:
        raise RuntimeError("running_mean must be defined in evaluation mode")
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        _check_param(name, t, c)
    pshape = (c,) + (1,) * (input.ndim - 2)
    if training:
        axes = (0,) + tuple(range(2, input.ndim))
        y, mean, var = _native_norm(input, weight, bias, axes, pshape, eps)
        if running_mean is not None:
            n = input.numel() // c
            with no_grad():
                running_mean.mul_(1 - momentum).add_(mean.reshape(c), alpha=momentum)
                # the running variance is the unbiased estimate, as torch's
                running_var.mul_(1 - momentum).add_(var.reshape(c) * (n / (n - 1)),
                                                    alpha=momentum)
        return y
    if not (is_grad_enabled() and (input.requires_grad or any(
            t is not None and t.requires_grad for t in (running_mean, running_var, weight,
                                                        bias)))):
        y = _eval_affine_arrays(input, running_mean, running_var, weight, bias, pshape, eps)
        if y is not None:
            return y
    # inference: an affine map with fixed statistics, composed (autograd needs nothing more)
    scale = (running_var + eps).rsqrt()
    if weight is not None:
        scale = scale * weight
    shift = -running_mean * scale
    if bias is not None:
        shift = shift + bias
    return input * scale.reshape(pshape) + shift.reshape(pshape)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Normalises each (sample, channel) over the spatial dims; with use_input_stats=False
    the running buffers are used, as batch_norm in inference."""
    if use_input_stats:
        spatial = 1
        for s in input.shape[2:]:
            spatial *= s
        if spatial == 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input "
                             f"size {_size_str(input.shape)}")
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher input (got {input.ndim}D input)")
    c = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        _check_param(name, t, c)
    pshape = (c,) + (1,) * (input.ndim - 2)
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    axes = tuple(range(2, input.ndim))
    y, mean, var = _native_norm(input, weight, bias, axes, pshape, eps)
    if running_mean is not None or running_var is not None:
        n = 1
        for s in input.shape[2:]:
            n *= s
        # torch averages the per-instance statistics over the batch
        with no_grad():
            if running_mean is not None:
                running_mean.mul_(1 - momentum).add_(mean.reshape(input.shape[0], c).mean(0),
                                                     alpha=momentum)
            if running_var is not None:
                running_var.mul_(1 - momentum).add_(
                    var.reshape(input.shape[0], c).mean(0) * (n / (n - 1)), alpha=momentum)
    return y


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalises over the last len(normalized_shape) dims; weight/bias have that shape."""
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(normalized_shape)
    k = len(normalized_shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k:]) != normalized_shape:
        expected = ", ".join(["*"] + [str(s) for s in normalized_shape])
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input "
                           f"with shape [{expected}], but got input of size"
                           f"{list(input.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != normalized_shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but "
                               f"got {name} of shape {list(t.shape)} and normalized_shape = "
                               f"{list(normalized_shape)}")
    axes = tuple(range(input.ndim - k, input.ndim))
    return _native_norm(input, weight, bias, axes, normalized_shape, eps)[0]


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Splits the channels into num_groups groups and normalises each (sample, group)."""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}")
    n, c = input.shape[0], input.shape[1]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {list(input.shape)} and "
                           f"num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.numel() != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number "
                               f"of channels in input, but got {name} of shape "
                               f"{list(t.shape)} and input of shape {list(input.shape)}")
    grouped = input.reshape(n, num_groups, -1)
    y = _native_norm(grouped, None, None, (2,), (num_groups, 1), eps)[0].reshape(input.shape)
    # the affine map is per channel, not per group: applied after the reshape back
    pshape = (c,) + (1,) * (input.ndim - 2)
    if weight is not None:
        y = y * weight.reshape(pshape)
    if bias is not None:
        y = y + bias.reshape(pshape)
    return y


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """x / (k + alpha * mean of x^2 over a window of `size` neighbouring channels)^beta, the
    window zero-padded as torch's (size // 2 before, (size - 1) // 2 after)."""
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          "
                         f"input (got {input.ndim} dimensions)")
    if input.numel() == 0:
        return input
    c = input.shape[1]
    sq = input * input
    # pad dim 1: constant_pad_nd lists pairs from the last dim backwards
    pad = [0, 0] * (input.ndim - 2) + [size // 2, (size - 1) // 2]
    padded = constant_pad_nd(sq, pad, 0.0)
    div = padded.narrow(1, 0, c)
    for i in range(1, size):
        div = div + padded.narrow(1, i, c)
    div = (div * (alpha / size) + k) ** beta
    return input / div
