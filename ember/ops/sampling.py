"""Resampling and rearranging spatial data: interpolate (every mode but antialiasing),
pixel_shuffle / pixel_unshuffle / channel_shuffle, unfold (im2col) and its adjoint fold.

interpolate is separable: each spatial dim is resampled on its own by a small constant
(out, in) matrix (linear, cubic, area) or an index gather (nearest modes). Matmul and
index_select are differentiable ember ops, so gradients and second derivatives come for
free and match torch's (the maps are linear in the input). The index/weight arithmetic
mirrors ATen's UpSample.h (area_pixel_compute_scale / _source_index, cubic coefficients
with A = -0.75 and clamped border access).

unfold and fold are each other's adjoint, so each one's backward is the other.
"""
import math
import warnings

import numpy

from .._tensor import make_tensor
from ..autograd.function import Op
from .conv import _padded

__all__ = [
    "channel_shuffle",
    "fold",
    "interpolate",
    "native_channel_shuffle",
    "pixel_shuffle",
    "pixel_unshuffle",
    "unfold",
    "upsample",
    "upsample_bilinear",
    "upsample_nearest",
]

_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")
_LINEAR_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}
_A = -0.75  # torch's bicubic convolution constant


# ---------------------------------------------------------------- interpolate: 1-D maps

def _scale(in_size, out_size, align_corners, scale):
    """area_pixel_compute_scale: source step per output step."""
    if align_corners:
        return (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    return 1.0 / scale if scale is not None and scale > 0 else in_size / out_size


def _source(scale, out_size, align_corners, cubic):
    """area_pixel_compute_source_index for every output position (float64)."""
    dst = numpy.arange(out_size, dtype=numpy.float64)
    if align_corners:
        return scale * dst
    src = scale * (dst + 0.5) - 0.5
    # linear clamps negative source positions to 0; cubic reads them with clamped access
    return src if cubic else numpy.maximum(src, 0.0)


def _nearest_index(in_size, out_size, scale, exact):
    """ATen's nearest_idx / nearest_neighbor_exact_compute_source_index, in float32 as
    the CPU kernel computes them (the rounding decides which pixel is picked)."""
    if not exact and out_size == in_size:
        return numpy.arange(out_size)
    if not exact and out_size == 2 * in_size:
        return numpy.arange(out_size) >> 1
    s = numpy.float32(1.0 / scale if scale is not None and scale > 0 else in_size / out_size)
    dst = numpy.arange(out_size, dtype=numpy.float32)
    src = numpy.floor((dst + numpy.float32(0.5)) * s) if exact else dst * s
    return numpy.minimum(src.astype(numpy.int64), in_size - 1)


def _linear_matrix(in_size, out_size, align_corners, scale):
    src = _source(_scale(in_size, out_size, align_corners, scale), out_size, align_corners,
                  False)
    i0 = src.astype(numpy.int64)  # src >= 0: truncation is floor
    i1 = i0 + (i0 < in_size - 1)
    l1 = src - i0
    m = numpy.zeros((out_size, in_size))
    rows = numpy.arange(out_size)
    numpy.add.at(m, (rows, i0), 1.0 - l1)
    numpy.add.at(m, (rows, i1), l1)
    return m


def _cubic_matrix(in_size, out_size, align_corners, scale):
    src = _source(_scale(in_size, out_size, align_corners, scale), out_size, align_corners,
                  True)
    i = numpy.floor(src)
    t = src - i
    i = i.astype(numpy.int64)

    def near(x):  # |x| <= 1
        return ((_A + 2) * x - (_A + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((_A * x - 5 * _A) * x + 8 * _A) * x - 4 * _A

    m = numpy.zeros((out_size, in_size))
    rows = numpy.arange(out_size)
    for off, w in ((-1, far(t + 1)), (0, near(t)), (1, near(1 - t)), (2, far(2 - t))):
        numpy.add.at(m, (rows, numpy.clip(i + off, 0, in_size - 1)), w)
    return m


def _area_matrix(in_size, out_size):
    """adaptive_avg_pool's windows [floor(i*in/out), ceil((i+1)*in/out)) averaged."""
    o = numpy.arange(out_size)
    start = (o * in_size) // out_size
    end = -((-(o + 1) * in_size) // out_size)
    cols = numpy.arange(in_size)
    inside = (cols >= start[:, None]) & (cols < end[:, None])
    return inside / (end - start)[:, None]


def _apply_matrix(x, m, dim):
    """Resample spatial dim `dim` of x by the (out, in) matrix m."""
    xp = x.device.xp
    mt = make_tensor(xp.asarray(m.T.astype(x._data.dtype)), x.device)
    if dim == x.dim() - 1:
        return x @ mt
    return (x.transpose(dim, -1) @ mt).transpose(dim, -1)


# ---------------------------------------------------------------- interpolate: entry point

def _check_interpolate(input, size, scale_factor, mode, align_corners, antialias):
    if mode not in _MODES or not 3 <= input.dim() <= 5:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for "
            "the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
            f"nearest-exact (got {mode})")
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    need = _LINEAR_DIMS.get(mode)
    if need is not None and input.dim() != need + 2:
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs "
                                  f"{need + 2}D input")
    if antialias:
        if mode not in ("bilinear", "bicubic"):
            raise ValueError("Anti-alias option is restricted to bilinear and bicubic modes "
                             "and requires a 4-D tensor as input")
        raise NotImplementedError("interpolate: antialias=True is not supported by ember")
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")


def _spatial_list(value, n, input, what):
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            letter = "s" if what == "scale_factor" else "o"
            of = "scale_factor of shape" if what == "scale_factor" else "output size of"
            raise ValueError(
                f"Input and {what} must have the same number of spatial dimensions, but got "
                f"input with spatial dimensions of {list(input.shape[2:])} and {of} "
                f"{tuple(value)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                f"and {what} in ({letter}1, {letter}2, ...,{letter}K) format.")
        return list(value)
    return [value] * n


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    _check_interpolate(input, size, scale_factor, mode, align_corners, antialias)
    n = input.dim() - 2
    in_sizes = list(input.shape[2:])
    if size is not None:
        out_sizes = [int(s) for s in _spatial_list(size, n, input, "output")]
        scales = [None] * n
        if recompute_scale_factor:
            raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    else:
        scales = [float(s) for s in _spatial_list(scale_factor, n, input, "scale_factor")]
        out_sizes = [math.floor(float(i) * s) for i, s in zip(in_sizes, scales)]
        if recompute_scale_factor:
            scales = [None] * n
    if any(s <= 0 for s in in_sizes + out_sizes):
        names = "DHW"[3 - n:]
        raise RuntimeError(
            "Input and output sizes should be greater than 0, but got input ("
            + ", ".join(f"{c}: {s}" for c, s in zip(names, in_sizes)) + ") and output ("
            + ", ".join(f"{c}: {s}" for c, s in zip(names, out_sizes)) + ")")
    if mode in ("nearest", "nearest-exact"):
        out = input
        for d, (i, o, s) in enumerate(zip(in_sizes, out_sizes, scales)):
            if i != o or s is not None:
                idx = _nearest_index(i, o, s, mode == "nearest-exact")
                out = out.index_select(d + 2, _index_tensor(idx, input))
        return out if out is not input else input.clone()
    if not input.dtype.is_floating_point:
        what = "area" if mode == "area" else ("cubic" if mode == "bicubic" else "linear")
        raise NotImplementedError(
            f'"compute_indices_weights_{what}" not implemented for '
            f"'{_scalar_name(input.dtype)}'")
    ac = bool(align_corners)
    out = input
    for d, (i, o, s) in enumerate(zip(in_sizes, out_sizes, scales)):
        if mode == "area":
            m = _area_matrix(i, o)
        elif mode == "bicubic":
            m = _cubic_matrix(i, o, ac, s)
        else:
            m = _linear_matrix(i, o, ac, s)
        out = _apply_matrix(out, m, d + 2)
    return out


def _index_tensor(idx, like):
    return make_tensor(like.device.xp.asarray(idx.astype(numpy.int64)), like.device)


def _scalar_name(dtype):
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}.get(str(dtype).replace("torch.", ""), str(dtype))


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---------------------------------------------------------------- shuffles

def pixel_shuffle(input, upscale_factor):
    r = int(upscale_factor)
    if input.dim() < 3:
        raise RuntimeError("pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.dim()} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *b, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be "
                           "divisible by the square of upscale_factor, but input.size(-3)="
                           f"{c} is not divisible by {r * r}")
    k = len(b)
    x = input.reshape(*b, c // (r * r), r, r, h, w)
    x = x.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return x.reshape(*b, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    r = int(downscale_factor)
    if input.dim() < 3:
        raise RuntimeError("pixel_unshuffle expects input to have at least 3 dimensions, but "
                           f"got input with {input.dim()} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *b, c, h, w = input.shape
    for name, s, d in (("height", h, -2), ("width", w, -1)):
        if s % r:
            raise RuntimeError(f"pixel_unshuffle expects {name} to be divisible by "
                               f"downscale_factor, but input.size({d})={s} is not divisible "
                               f"by {r}")
    k = len(b)
    x = input.reshape(*b, c, h // r, r, w // r, r)
    x = x.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return x.reshape(*b, c * r * r, h // r, w // r)


def channel_shuffle(input, groups):
    g = int(groups)
    if g <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{g}")
    if input.dim() <= 2:
        raise RuntimeError("channel_shuffle expects input to have at least 3 dimensions, but "
                           f"got input with {input.dim()} dimension(s)")
    n, c, *rest = input.shape
    if c % g:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                           f"and {g} groups.")
    return input.reshape(n, g, c // g, *rest).transpose(1, 2).reshape(input.shape)


native_channel_shuffle = channel_shuffle


# ---------------------------------------------------------------- unfold / fold

class Unfold(Op):
    """(N, C, H, W) -> (N, C*kh*kw, L): every sliding block as a column."""
    promote = None

    @staticmethod
    def forward(ctx, x, *, kernel, dilation, padding, stride, blocks):
        n, c = x.shape[:2]
        ctx.attrs = (kernel, dilation, padding, stride, x.shape[2:])
        v = ctx.ext.conv_windows(_padded(ctx.xp, x, [(p, p) for p in padding]), blocks,
                                 kernel, stride, dilation)
        v = v.transpose(0, 1, 4, 5, 2, 3)  # (N, C, kh, kw, oh, ow)
        return v.reshape(n, c * kernel[0] * kernel[1], blocks[0] * blocks[1])

    @staticmethod
    def backward(ctx, g):
        kernel, dilation, padding, stride, size = ctx.attrs
        return Fold.apply(g, output_size=tuple(size), kernel=kernel, dilation=dilation,
                          padding=padding, stride=stride, blocks=_blocks(size, kernel, dilation,
                                                                         padding, stride))


class Fold(Op):
    """The adjoint of Unfold: columns summed back into their (overlapping) blocks."""
    promote = None

    @staticmethod
    def forward(ctx, cols, *, output_size, kernel, dilation, padding, stride, blocks):
        xp = ctx.xp
        n = cols.shape[0]
        kh, kw = kernel
        c = cols.shape[1] // (kh * kw)
        ctx.attrs = (kernel, dilation, padding, stride, blocks)
        col = cols.reshape(n, c, kh, kw, blocks[0], blocks[1])
        ph, pw = output_size[0] + 2 * padding[0], output_size[1] + 2 * padding[1]
        out = xp.zeros((n, c, ph, pw), dtype=cols.dtype)
        sh, sw = stride
        eh, ew = sh * (blocks[0] - 1) + 1, sw * (blocks[1] - 1) + 1
        for i in range(kh):  # loop over kernel offsets only, each a strided slab
            a = i * dilation[0]
            for j in range(kw):
                b = j * dilation[1]
                out[:, :, a:a + eh:sh, b:b + ew:sw] += col[:, :, i, j]
        return out[:, :, padding[0]:padding[0] + output_size[0],
                   padding[1]:padding[1] + output_size[1]]

    @staticmethod
    def backward(ctx, g):
        kernel, dilation, padding, stride, blocks = ctx.attrs
        return Unfold.apply(g, kernel=kernel, dilation=dilation, padding=padding, stride=stride,
                            blocks=blocks)


def _pair(v, name):
    if isinstance(v, (list, tuple)):
        if len(v) != 2:
            raise RuntimeError(f"{name} must be an int or a tuple of two ints")
        return tuple(int(a) for a in v)
    return (int(v), int(v))


def _blocks(size, kernel, dilation, padding, stride):
    return tuple((s + 2 * p - d * (k - 1) - 1) // st + 1
                 for s, k, d, p, st in zip(size, kernel, dilation, padding, stride))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    k, d, p, s = (_pair(kernel_size, "kernel_size"), _pair(dilation, "dilation"),
                  _pair(padding, "padding"), _pair(stride, "stride"))
    if input.dim() not in (3, 4):
        raise RuntimeError("Input Error: Only 3D or 4D input Tensors are supported (got "
                           f"{input.dim()}D)")
    if min(k) <= 0 or min(d) <= 0 or min(s) <= 0 or min(p) < 0:
        raise RuntimeError(f"unfold: kernel_size, dilation and stride must be positive and "
                           f"padding non-negative, but got kernel_size={k}, dilation={d}, "
                           f"padding={p}, stride={s}")
    batched = input.dim() == 4
    x = input if batched else input.unsqueeze(0)
    blocks = _blocks(x.shape[2:], k, d, p, s)
    if min(blocks) < 1:
        raise RuntimeError(
            f"Given input with spatial size ({x.shape[2]}, {x.shape[3]}), kernel_size={k}, "
            f"dilation={d}, padding={p}, calculated shape of the array of sliding blocks as "
            f"({blocks[0]}, {blocks[1]}), but its components must be at least one.")
    out = Unfold.apply(x, kernel=k, dilation=d, padding=p, stride=s, blocks=blocks)
    return out if batched else out.squeeze(0)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    o, k, d, p, s = (_pair(output_size, "output_size"), _pair(kernel_size, "kernel_size"),
                     _pair(dilation, "dilation"), _pair(padding, "padding"),
                     _pair(stride, "stride"))
    if input.dim() not in (2, 3):
        raise RuntimeError("Input Error: Only unbatched (2D) or batched (3D) input Tensors are "
                           f"supported (got {input.dim()}D)")
    batched = input.dim() == 3
    x = input if batched else input.unsqueeze(0)
    if x.shape[1] % (k[0] * k[1]):
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={x.shape[1]} and "
                           f"kernel_size={k}.")
    blocks = _blocks(o, k, d, p, s)
    if blocks[0] * blocks[1] != x.shape[2]:
        raise RuntimeError(
            f"Given output_size={o}, kernel_size={k}, dilation={d}, padding={p}, stride={s}, "
            "expected size of input's dimension 2 to match the calculated number of sliding "
            f"blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got "
            f"input.size(2)={x.shape[2]}.")
    out = Fold.apply(x, output_size=o, kernel=k, dilation=d, padding=p, stride=s, blocks=blocks)
    return out if batched else out.squeeze(0)
