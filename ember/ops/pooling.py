"""Pooling (torch.nn.functional): max, average, adaptive, power-average pooling and
max_unpool, over the last one or two dimensions.

Every pooling is reduced to one description per spatial dimension: for each output
position the input positions of its window (`idx`, shape (out, K)) and which of them lie
inside the input (`ok`; the others are padding or past the end in ceil mode). Loops run
over the K kernel offsets only, each step vectorised over batch, channels and pixels.
1d pooling is 2d pooling with a height of one: torch's 1d indices are then the same
flat per-plane indices.
"""
import math

import numpy

from .._tensor import make_tensor
from ..autograd.function import Op
from ..autograd.grad_mode import is_grad_enabled

__all__ = ["max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_max_pool1d",
           "adaptive_max_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "lp_pool1d",
           "lp_pool2d", "max_unpool1d", "max_unpool2d"]


def _tuple(v, n, name):
    if isinstance(v, (list, tuple)):
        v = tuple(int(e) for e in v)
        if len(v) == 1:
            v = v * n
        if len(v) != n:
            raise RuntimeError(f"{name} must either be a single int, or a tuple of {n} ints")
        return v
    return (int(v),) * n


def _out_size(size, k, s, p, d, ceil_mode):
    # torch's pooling_output_shape: in ceil mode the last window must start inside the
    # input or the left padding, never in the right padding
    num = size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)
    out = num // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _window_dim(size, k, s, p, d, out):
    """Input positions of every window along one dimension and which are in the input."""
    idx = numpy.arange(out)[:, None] * s - p + numpy.arange(k)[None, :] * d
    return idx, (idx >= 0) & (idx < size)


def _adaptive_dim(size, out):
    # torch: window i covers [floor(i*size/out), ceil((i+1)*size/out))
    i = numpy.arange(out)
    start = i * size // out
    end = -((-(i + 1) * size) // out)
    k = int((end - start).max()) if out else 0
    idx = start[:, None] + numpy.arange(k)[None, :]
    return idx, idx < end[:, None], end - start


def _check_pool(name, x, kernel, stride, padding, dilation, ceil_mode, dims):
    k = _tuple(kernel, dims, "kernel_size")
    s = k if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0) \
        else _tuple(stride, dims, "stride")
    p = _tuple(padding, dims, "padding")
    d = _tuple(dilation, dims, "dilation")
    if any(v <= 0 for v in s):
        raise RuntimeError("stride should not be zero")
    if any(v <= 0 for v in k):
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_size={k}")
    if any(v <= 0 for v in d):
        raise RuntimeError(f"dilation should be greater than zero, but got dilation={d}")
    for kk, pp, dd in zip(k, p, d):
        if pp > ((kk - 1) * dd + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={pp}, kernel_size={kk} and dilation={dd}")
    sizes = tuple(x.shape[-dims:])
    outs = tuple(_out_size(*a, ceil_mode) for a in zip(sizes, k, s, p, d))
    if any(o < 1 for o in outs):
        lead = x.shape[-dims - 1]
        fmt = "x".join(str(v) for v in (lead,) + sizes)
        ofmt = "x".join(str(v) for v in (lead,) + outs)
        raise RuntimeError(f"Given input size: ({fmt}). Calculated output size: ({ofmt}). "
                           f"Output size is too small")
    return k, s, p, d, sizes, outs


def _check_dims(name, x, dims):
    if x.ndim not in (dims + 1, dims + 2) or any(v == 0 for v in x.shape[-dims - 1:]):
        if dims == 2:
            raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
        raise RuntimeError(f"{name}: Expected 2D or 3D (batch mode) tensor with optional 0 dim "
                           f"batch size for input, but got:{list(x.shape)}")


# ---------------------------------------------------------------- max pooling

class MaxPool(Op):
    # One op for strided and adaptive max pooling of the last two dims: (ih, okh) and
    # (iw, okw) are the per-dimension windows. Kept as a primitive because the argmax is
    # needed anyway for return_indices and the backward is then a plain scatter.
    promote = None
    differentiable_outputs = 1

    @staticmethod
    def forward(ctx, x, *, ih, okh, iw, okw):
        xp = ctx.xp
        H, W = x.shape[-2:]
        oh, ow = ih.shape[0], iw.shape[0]
        kh, kw = ih.shape[1], iw.shape[1]
        ihc, iwc = xp.asarray(ih.clip(0, H - 1)), xp.asarray(iw.clip(0, W - 1))
        okh, okw = xp.asarray(okh), xp.asarray(okw)
        lead = x.shape[:-2]
        if x.dtype.kind == "f":
            best = xp.full(lead + (oh, ow), -xp.inf, dtype=x.dtype)
        else:
            best = xp.full(lead + (oh, ow), xp.iinfo(x.dtype).min, dtype=x.dtype)
        # torch starts from the first in-bounds position of each window with value -inf,
        # then takes an element when it is greater or NaN: the first maximum, the last NaN
        first_h = xp.take_along_axis(ihc, okh.argmax(axis=1)[:, None], axis=1)[:, 0]
        first_w = xp.take_along_axis(iwc, okw.argmax(axis=1)[:, None], axis=1)[:, 0]
        arg = xp.broadcast_to(first_h[:, None] * W + first_w[None, :], best.shape).copy()
        for a in range(kh):
            rows = xp.take(x, ihc[:, a], axis=-2)
            for b in range(kw):
                v = xp.take(rows, iwc[:, b], axis=-1)
                upd = (v > best) | xp.isnan(v) if x.dtype.kind == "f" else v > best
                upd &= okh[:, a, None] & okw[None, :, b]
                xp.copyto(best, v, where=upd)
                xp.copyto(arg, ihc[:, a, None] * W + iwc[None, :, b], where=upd)
        ctx.arg = arg
        ctx.in_shape = x.shape
        return best, arg

    @staticmethod
    def backward(ctx, grad, _=None):
        from .._creation import zeros
        shape = ctx.in_shape
        idx = make_tensor(ctx.arg, grad.device).flatten(-2)
        base = zeros(tuple(shape[:-2]) + (shape[-2] * shape[-1],), dtype=grad.dtype,
                     device=grad.device)
        # scatter_add is linear in grad, so double backward (a gather) comes for free
        return base.scatter_add(-1, idx, grad.flatten(-2)).view(shape)


class MaxPoolStrided(Op):
    # The common case (no padding, no ceil-mode overhang) without gathers: each kernel
    # offset is one strided view of x, so forward compares whole views and backward adds
    # the gradient back through the same views. torch's rule is kept exactly: the running
    # best starts at the first window element and is replaced by a greater element or a
    # NaN (first maximum, last NaN).
    promote = None
    differentiable_outputs = 1

    @staticmethod
    def forward(ctx, x, *, kernel, stride, dilation, outs, indices=True):
        xp = ctx.xp
        H, W = x.shape[-2:]
        windows = _pool_windows(kernel, stride, dilation, outs)
        ctx.argk, ctx.windows, ctx.in_shape = None, windows, x.shape
        ctx.cfg = (kernel, stride, dilation, outs)
        oh, ow = outs
        ctx.tiled = (tuple(kernel) == tuple(stride) and tuple(dilation) == (1, 1) and
                     (H, W) == (oh * kernel[0], ow * kernel[1]))
        ctx.compiled = None
        if ctx.tiled and tuple(kernel) == (2, 2) and x.dtype.char in "fd" and xp is numpy:
            ctx.compiled = ctx.ext.compiled_kernel("max_pool2_forward", x.size)
        if ctx.compiled is not None:
            planes = numpy.ascontiguousarray(x).reshape((-1, H, W))
            best = numpy.empty((planes.shape[0], oh, ow), x.dtype)
            argk = numpy.empty(best.shape, numpy.uint8)
            ctx.compiled(planes, best, argk)
            best = best.reshape(x.shape[:-2] + (oh, ow))
            ctx.argk = argk.reshape(best.shape)
            ctx.arg = MaxPoolStrided._indices(ctx) if indices else None
            return best, (ctx.arg if indices else ctx.argk)
        head = (Ellipsis,)
        best = x[head + windows[0]].copy()
        argk = xp.zeros(best.shape, dtype=xp.uint8 if len(windows) < 256 else xp.int64)
        upd = xp.empty(best.shape, dtype=bool)
        step = xp.empty(best.shape, dtype=argk.dtype)
        # NaN checks only when the result shows a NaN (maximum propagates it): the common
        # case pays four passes over the output per offset
        nan = False
        for _ in range(2):
            for i in range(1, len(windows)):
                v = x[head + windows[i]]
                xp.greater(v, best, out=upd)
                if nan:
                    upd |= xp.isnan(v)
                # offsets come in increasing order, so "take i where upd" is a maximum
                # (masked copies, copyto with where=, are ten times slower on random masks)
                xp.multiply(upd, argk.dtype.type(i), out=step)
                xp.maximum(argk, step, out=argk)
                xp.maximum(best, v, out=best)
            if nan or x.dtype.kind != "f" or not xp.isnan(best).any():
                break
            # a NaN turned up: torch's index is the last NaN of the window, so redo the
            # indices with the NaN rule (a NaN in the running best is never replaced)
            nan = True
            best = x[head + windows[0]].copy()
            argk[...] = 0
        ctx.argk = argk
        # the int64 indices cost a quarter of the forward: built only when asked for
        # (return_indices) or when a create_graph backward needs them; otherwise the small
        # offset codes stand in as the second (discarded) output
        ctx.arg = MaxPoolStrided._indices(ctx) if indices else None
        return best, (ctx.arg if indices else argk)

    @staticmethod
    def _indices(ctx):
        """Flat per-plane index of each chosen element: window start + offset shift."""
        xp = ctx.xp
        kernel, stride, dilation, (oh, ow) = ctx.cfg
        W = ctx.in_shape[-1]
        shift = xp.asarray([(a * dilation[0]) * W + b * dilation[1]
                            for a in range(kernel[0]) for b in range(kernel[1])])
        arg = xp.take(shift, ctx.argk)  # take: twice as fast as shift[argk]
        arg += xp.arange(oh)[:, None] * (stride[0] * W) + xp.arange(ow)[None, :] * stride[1]
        return arg

    @staticmethod
    def backward(ctx, grad, _=None):
        if is_grad_enabled():
            # create_graph: the differentiable scatter of the general op
            if ctx.arg is None:
                ctx.arg = MaxPoolStrided._indices(ctx)
            return MaxPool.backward(ctx, grad)
        g = grad._data
        xp = ctx.xp
        head = (Ellipsis,)
        if ctx.compiled is not None:
            oh, ow = g.shape[-2:]
            out = numpy.empty(ctx.in_shape, g.dtype)
            ctx.ext.compiled_kernel("max_pool2_backward")(
                numpy.ascontiguousarray(g).reshape((-1, oh, ow)),
                ctx.argk.reshape((-1, oh, ow)), out.reshape((-1, 2 * oh, 2 * ow)))
            return make_tensor(out, grad.device)
        if ctx.tiled:
            # the windows tile the input exactly: every element is written once, no zeros
            # and no adds
            out = xp.empty(ctx.in_shape, dtype=g.dtype)
            for i, window in enumerate(ctx.windows):
                xp.multiply(g, ctx.argk == i, out=out[head + window])
            return make_tensor(out, grad.device)
        out = xp.zeros(ctx.in_shape, dtype=g.dtype)
        sel = xp.empty(g.shape, dtype=g.dtype)
        for i, window in enumerate(ctx.windows):
            mask = ctx.argk == i
            if not mask.any():
                continue
            xp.multiply(g, mask, out=sel)
            out[head + window] += sel
        return make_tensor(out, grad.device)


def _pool_windows(kernel, stride, dilation, outs):
    return [tuple(slice(a * d, a * d + s * (o - 1) + 1, s) for a, d, s, o in
                  zip(kk, dilation, stride, outs))
            for kk in ((a, b) for a in range(kernel[0]) for b in range(kernel[1]))]


def _max2d(x, ih, okh, iw, okw, return_indices):
    out, idx = MaxPool.apply(x, ih=ih, okh=okh, iw=iw, okw=okw)
    return (out, idx) if return_indices else out


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    _check_dims("max_pool2d", input, 2)
    k, s, p, d, sizes, outs = _check_pool("max_pool2d", input, kernel_size, stride, padding,
                                          dilation, ceil_mode, 2)
    if p == (0, 0) and outs == tuple(_out_size(*a, False) for a in zip(sizes, k, s, p, d)):
        out, idx = MaxPoolStrided.apply(input, kernel=k, stride=s, dilation=d, outs=outs,
                                        indices=bool(return_indices))
        return (out, idx) if return_indices else out
    ih, okh = _window_dim(sizes[0], k[0], s[0], p[0], d[0], outs[0])
    iw, okw = _window_dim(sizes[1], k[1], s[1], p[1], d[1], outs[1])
    return _max2d(input, ih, okh, iw, okw, return_indices)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    _check_dims("max_pool1d", input, 1)
    k, s, p, d, sizes, outs = _check_pool("max_pool1d", input, kernel_size, stride, padding,
                                          dilation, ceil_mode, 1)
    iw, okw = _window_dim(sizes[0], k[0], s[0], p[0], d[0], outs[0])
    one = (numpy.zeros((1, 1), dtype=numpy.int64), numpy.ones((1, 1), dtype=bool))
    r = _max2d(input.unsqueeze(-2), *one, iw, okw, True)
    out, idx = r[0].squeeze(-2), r[1].squeeze(-2)
    return (out, idx) if return_indices else out


def _adaptive_size(output_size, sizes, name):
    n = len(sizes)
    o = output_size if isinstance(output_size, (list, tuple)) else (output_size,) * n
    if len(o) == 1:
        o = tuple(o) * n
    if len(o) != n:
        raise ValueError(f"{name}: output_size must be {n}")
    return tuple(s if v is None else int(v) for v, s in zip(o, sizes))


def _adaptive_check(name, x, dims):
    if x.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"{name}(): Expected {dims + 1}D or {dims + 2}D tensor, but got "
                           f"{list(x.shape)}")


def adaptive_max_pool2d(input, output_size, return_indices=False):
    _adaptive_check("adaptive_max_pool2d", input, 2)
    oh, ow = _adaptive_size(output_size, tuple(input.shape[-2:]), "adaptive_max_pool2d")
    ih, okh, _ = _adaptive_dim(input.shape[-2], oh)
    iw, okw, _ = _adaptive_dim(input.shape[-1], ow)
    return _max2d(input, ih, okh, iw, okw, return_indices)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    _adaptive_check("adaptive_max_pool1d", input, 1)
    ow, = _adaptive_size(output_size, tuple(input.shape[-1:]), "adaptive_max_pool1d")
    iw, okw, _ = _adaptive_dim(input.shape[-1], ow)
    one = (numpy.zeros((1, 1), dtype=numpy.int64), numpy.ones((1, 1), dtype=bool))
    out, idx = _max2d(input.unsqueeze(-2), *one, iw, okw, True)
    out, idx = out.squeeze(-2), idx.squeeze(-2)
    return (out, idx) if return_indices else out


# ---------------------------------------------------------------- average pooling

def _sum_pool(x, ih, okh, iw, okw, divisor):
    # Averaging is linear: a gather of every window (index_select, whose backward is an
    # index_add) summed and divided, so gradients of any order come from existing ops.
    H, W = x.shape[-2:]
    oh, ow, kh, kw = ih.shape[0], iw.shape[0], ih.shape[1], iw.shape[1]
    idx = ih.clip(0, H - 1)[:, None, :, None] * W + iw.clip(0, W - 1)[None, :, None, :]
    ok = okh[:, None, :, None] & okw[None, :, None, :]
    xp, dev = x.device.xp, x.device
    lead = tuple(x.shape[:-2])
    g = x.flatten(-2).index_select(-1, make_tensor(xp.asarray(idx.reshape(-1)), dev))
    g = g.view(lead + (oh, ow, kh * kw))
    if not ok.all():
        g = g * make_tensor(xp.asarray(ok.reshape(oh, ow, kh * kw), dtype=x._data.dtype), dev)
    s = g.sum(-1)
    if isinstance(divisor, int):
        return s / divisor
    return s / make_tensor(xp.asarray(divisor, dtype=x._data.dtype), dev)


class SumPool(Op):
    # speed: the window sums of pooling without padding, one strided view of x added per
    # kernel offset (no gather of every window, and a backward without index_add). Linear,
    # so its backward is SumPoolT and the pair gives derivatives of every order.
    promote = None

    @staticmethod
    def forward(ctx, x, *, kernel, stride, outs):
        ctx.cfg = (kernel, stride, outs, x.shape[-2:])
        windows = _pool_windows(kernel, stride, (1, 1), outs)
        out = x[(Ellipsis,) + windows[0]].copy()
        for w in windows[1:]:
            out += x[(Ellipsis,) + w]
        return out

    @staticmethod
    def backward(ctx, g):
        kernel, stride, _, size = ctx.cfg
        return SumPoolT.apply(g, kernel=kernel, stride=stride, size=size)


class SumPoolT(Op):
    """The adjoint of SumPool: each output gradient added back over its window."""
    promote = None

    @staticmethod
    def forward(ctx, g, *, kernel, stride, size):
        outs = g.shape[-2:]
        ctx.cfg = (kernel, stride, outs)
        out = ctx.xp.zeros(g.shape[:-2] + tuple(size), dtype=g.dtype)
        for w in _pool_windows(kernel, stride, (1, 1), outs):
            out[(Ellipsis,) + w] += g
        return out

    @staticmethod
    def backward(ctx, h):
        kernel, stride, outs = ctx.cfg
        return SumPool.apply(h, kernel=kernel, stride=stride, outs=outs)


def _avg_divisor(size, k, s, p, out, count_include_pad):
    start = numpy.arange(out) * s - p
    end = numpy.minimum(start + k, size + p)
    if count_include_pad:
        return end - start
    return numpy.minimum(end, size) - numpy.maximum(start, 0)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    _check_dims("avg_pool2d", input, 2)
    k, s, p, d, sizes, outs = _check_pool("avg_pool2d", input, kernel_size, stride, padding,
                                          1, ceil_mode, 2)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    if p == (0, 0) and outs == tuple(_out_size(*a, 1, False) for a in zip(sizes, k, s, p)) \
            and input.dtype.is_floating_point:
        # every window lies inside the input: count_include_pad cannot matter
        div = int(divisor_override) if divisor_override is not None else k[0] * k[1]
        return SumPool.apply(input, kernel=k, stride=s, outs=outs) / div
    ih, okh = _window_dim(sizes[0], k[0], s[0], p[0], 1, outs[0])
    iw, okw = _window_dim(sizes[1], k[1], s[1], p[1], 1, outs[1])
    if divisor_override is not None:
        div = int(divisor_override)
    else:
        div = (_avg_divisor(sizes[0], k[0], s[0], p[0], outs[0], count_include_pad)[:, None]
               * _avg_divisor(sizes[1], k[1], s[1], p[1], outs[1], count_include_pad)[None, :])
    return _sum_pool(input, ih, okh, iw, okw, div)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    _check_dims("avg_pool1d", input, 1)
    k, s, p, d, sizes, outs = _check_pool("avg_pool1d", input, kernel_size, stride, padding,
                                          1, ceil_mode, 1)
    iw, okw = _window_dim(sizes[0], k[0], s[0], p[0], 1, outs[0])
    div = _avg_divisor(sizes[0], k[0], s[0], p[0], outs[0], count_include_pad)[None, :]
    one = (numpy.zeros((1, 1), dtype=numpy.int64), numpy.ones((1, 1), dtype=bool))
    return _sum_pool(input.unsqueeze(-2), *one, iw, okw, div).squeeze(-2)


def adaptive_avg_pool2d(input, output_size):
    _adaptive_check("adaptive_avg_pool2d", input, 2)
    oh, ow = _adaptive_size(output_size, tuple(input.shape[-2:]), "adaptive_avg_pool2d")
    H, W = input.shape[-2:]
    if oh and ow and H % oh == 0 and W % ow == 0 and input.dtype.is_floating_point:
        # equal windows tiling the input: a plain average pool
        k = (H // oh, W // ow)
        return SumPool.apply(input, kernel=k, stride=k, outs=(oh, ow)) / (k[0] * k[1])
    ih, okh, ch = _adaptive_dim(input.shape[-2], oh)
    iw, okw, cw = _adaptive_dim(input.shape[-1], ow)
    return _sum_pool(input, ih, okh, iw, okw, ch[:, None] * cw[None, :])


def adaptive_avg_pool1d(input, output_size):
    _adaptive_check("adaptive_avg_pool1d", input, 1)
    ow, = _adaptive_size(output_size, tuple(input.shape[-1:]), "adaptive_avg_pool1d")
    iw, okw, cw = _adaptive_dim(input.shape[-1], ow)
    one = (numpy.zeros((1, 1), dtype=numpy.int64), numpy.ones((1, 1), dtype=bool))
    return _sum_pool(input.unsqueeze(-2), *one, iw, okw, cw[None, :]).squeeze(-2)


# ---------------------------------------------------------------- power-average pooling

def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    kh, kw = _tuple(kernel_size, 2, "kernel_size")
    if norm_type == math.inf:
        return max_pool2d(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -math.inf:
        return -max_pool2d(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    out = avg_pool2d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    # torch's formula, kept as is so that an all-zero window gets gradient 0 the same way
    return (out.sign() * out.abs().relu()).mul(kw * kh).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    if norm_type == math.inf:
        return max_pool1d(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -math.inf:
        return -max_pool1d(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    out = avg_pool1d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    k, = _tuple(kernel_size, 1, "kernel_size")
    return (out.sign() * out.abs().relu()).mul(k).pow(1.0 / norm_type)


# ---------------------------------------------------------------- max_unpool

def _unpool(input, indices, sizes, name):
    from .._creation import zeros
    if indices.shape != input.shape:
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(indices.shape)}) to be same as that of the input tensor "
                           f"({list(input.shape)})")
    n = len(sizes)
    plane = math.prod(sizes)
    lead = tuple(input.shape[:-n])
    idx = indices.flatten(-n)
    if idx.numel() and (int(idx.min()) < 0 or int(idx.max()) >= plane):
        raise RuntimeError(f"Found an invalid max index: {int(idx.max())} (output volumes are "
                           f"of size {'x'.join(str(s) for s in sizes)}")
    base = zeros(lead + (plane,), dtype=input.dtype, device=input.device)
    # scatter (not scatter_add): torch writes each value once, the last write winning
    return base.scatter(-1, idx, input.flatten(-n)).view(lead + tuple(sizes))


def _unpool_size(input, kernel_size, stride, padding, output_size, n):
    k = _tuple(kernel_size, n, "kernel_size")
    s = k if stride is None else _tuple(stride, n, "stride")
    p = _tuple(padding, n, "padding")
    default = tuple((input.shape[-n + i] - 1) * s[i] - 2 * p[i] + k[i] for i in range(n))
    if output_size is None:
        return default
    out = tuple(int(v) for v in output_size)
    if len(out) == n + 2 or len(out) == n + 1:
        out = out[-n:]
    if len(out) != n:
        raise ValueError(f"output_size should be a sequence containing {n} or {n + 2} elements, "
                         f"but it has a length of '{len(out)}'")
    for i in range(n):
        lo, hi = default[i] - s[i], default[i] + s[i]
        if not lo < out[i] < hi:
            raise ValueError(f'invalid output_size "{out}" (dim {i} must be between {lo} and '
                             f'{hi})')
    return out


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    sizes = _unpool_size(input, kernel_size, stride, padding, output_size, 2)
    return _unpool(input, indices, sizes, "max_unpool2d")


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    sizes = _unpool_size(input, kernel_size, stride, padding, output_size, 1)
    return _unpool(input, indices, sizes, "max_unpool1d")
