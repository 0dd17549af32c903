"""Convolutions (1-d, 2-d, 3-d) and transposed convolutions, one N-d implementation.

Three Ops close the derivative chain, so double backward is exact at every order:
  ConvNd(x, w)          = y        the convolution (cross-correlation, as torch)
  ConvTransposeNd(g, w) = A_w^T g  the adjoint in x: conv's input grad and conv_transpose
  ConvWeightNd(x, g)    = dL/dw    conv's weight grad, bilinear in (x, g)
Each backward is a call of the other two. Forward is im2col: one strided copy per kernel
offset into a (C, K, N, *out) buffer, seen as (G, Cg*K, N*P), and one batched GEMM over the
groups; the columns are kept for the weight gradient when small. ConvTransposeNd at stride 1
with C >= O is forward's computation again with the flipped, transposed kernel; otherwise it
multiplies first and scatters back with one add per kernel offset (2-d stride 1: whole
flattened planes, see _col2im_flat). Loops run over the K kernel positions only, never over
pixels or batch.
3x3 stride-1 pad-1 float32 layers with >= 128 channels (>= 64 in a training forward whose
tiles are kept) take Winograd F(2x2,3x3) instead (winograd.py) in all three: forward, the
input gradient (ConvTransposeNd's stride-1 branch calls the same _conv_arrays) and the
weight gradient (from forward's transformed tiles, kept under the same memory budget as
the columns).

Layout: N batch, C input channels, O output channels, G groups (Cg = C/G, Og = O/G),
P = prod(output spatial), K = prod(kernel). Padding reaches the Ops as (lo, hi) per spatial
dim, so padding='same' with an even kernel (torch pads the extra element on the right)
needs no extra pad op.
"""
import itertools
import math

from ..autograd.function import Op, autocast_args, hooks
from . import winograd as _winograd

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d"]


# ---------------------------------------------------------------- array helpers

_COLS_CACHE_BYTES = 32 << 20
# weight gradients of layers with at most this many output channels (per group) are
# computed as the transposed GEMM (see ConvWeightNd.forward)
_GW_TRANSPOSED_MAX_OG = 32

def _padded(xp, x, padding):
    if not any(lo or hi for lo, hi in padding):
        return x
    shape = x.shape[:2] + tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[2:], padding))
    out = xp.zeros(shape, dtype=x.dtype)
    out[(slice(None), slice(None)) + tuple(slice(lo, lo + s) for s, (lo, _) in
                                          zip(x.shape[2:], padding))] = x
    return out


def _offsets(kernel, out_shape, stride, dilation):
    """For each kernel offset (row-major), the strided window it reads in the padded input."""
    return [tuple(slice(k * d, k * d + s * (m - 1) + 1, s) for k, d, s, m in
                  zip(kk, dilation, stride, out_shape))
            for kk in itertools.product(*(range(k) for k in kernel))]


def _im2col(ctx, x, kernel, out_shape, stride, padding, dilation, groups):
    """(G, Cg*K, N*P), contiguous: row (cg, k) holds input channel cg shifted by kernel
    offset k at every output position of every batch item.

    Built by one strided copy per kernel offset into a preallocated buffer laid out
    (C, K, N, *out): each copy moves N*C*P elements in whole output rows, where the copy of
    a 7-d transposed window view (numpy's generic strided loop over tiny kernel axes) was
    several times slower."""
    xp = ctx.xp
    n, c = x.shape[:2]
    nd = len(kernel)
    xt = _padded(xp, x, padding).transpose((1, 0) + tuple(range(2, 2 + nd)))
    k = math.prod(kernel)
    buf = xp.empty((c, k, n) + tuple(out_shape), dtype=x.dtype)
    head = (slice(None), slice(None))
    for i, window in enumerate(_offsets(kernel, out_shape, stride, dilation)):
        buf[:, i] = xt[head + window]
    return buf.reshape(groups, (c // groups) * k, n * math.prod(out_shape))


def _grad_rows(g, groups):
    """(G, Og, N*P) from an output-shaped array (N, O, *out)."""
    n, o = g.shape[:2]
    p = math.prod(g.shape[2:])
    return g.reshape(n, groups, o // groups, p).transpose(1, 2, 0, 3).reshape(
        groups, o // groups, n * p)


def _col2im_flat(xp, g, wt, groups, c, kernel, dilation, padded):
    """ConvTransposeNd's scatter for 2-d stride 1, as (C, N, *padded).

    g's rows are widened with zeros to the padded width, so each output row lines up with
    an input row and kernel offset (a, b) becomes a shift by a*dh*Wp + b*dw in the
    flattened plane: one add of whole planes per offset (the 2-d windows had rows of only
    W elements, which numpy walks slowly). The zero columns land in the padding or are
    cut at the end of the plane."""
    n, o, oh, ow = g.shape
    hp, wp = padded
    rows = xp.zeros((groups, o // groups, n, oh, wp), dtype=g.dtype)
    rows[..., :ow] = g.reshape(n, groups, o // groups, oh, ow).transpose(1, 2, 0, 3, 4)
    cols = xp.matmul(wt, rows.reshape(groups, o // groups, n * oh * wp))
    cols = cols.reshape(c, kernel[0] * kernel[1], n, oh * wp)
    plane = hp * wp
    out = xp.zeros((c, n, plane), dtype=cols.dtype)
    for i, (a, b) in enumerate(itertools.product(range(kernel[0]), range(kernel[1]))):
        start = a * dilation[0] * wp + b * dilation[1]
        m = min(oh * wp, plane - start)
        out[:, :, start:start + m] += cols[:, i, :, :m]
    return out.reshape((c, n) + tuple(padded))


def _conv_arrays(ctx, x, w, stride, padding, dilation, groups, out_shape, train=False):
    """(cols, y): the convolution of arrays, y (N, O, *out) contiguous; cols is a
    winograd.Tiles when the Winograd path computed y (3x3 stride-1 layers with many
    channels), which ConvWeightNd takes in place of the im2col columns. train: the weight
    gradient will be wanted, so Winograd starts at fewer channels when its tiles (4x the
    input) will be kept (ResNet-18's 64-channel 32x32 layers at batch 32: 32 MiB each)."""
    xp = ctx.xp
    if _winograd.applies(x, w, stride, padding, dilation, groups) or (
            train and 4 * x.nbytes <= _COLS_CACHE_BYTES and
            _winograd.applies(x, w, stride, padding, dilation, groups, train=True)):
        return _winograd.conv3x3(xp, x, w, tiles=True)
    n, o = x.shape[0], w.shape[0]
    p = math.prod(out_shape)
    cols = _im2col(ctx, x, w.shape[2:], out_shape, stride, padding, dilation, groups)
    # (G, Og, Cg*K) @ (G, Cg*K, N*P): P stays innermost, so the final transpose to
    # (N, O, *out) copies whole rows. (N per-sample GEMMs writing (N, O, P) directly
    # measured no faster: the copy is small beside the GEMM, and one large GEMM uses both
    # BLAS threads better.)
    y = xp.matmul(w.reshape(groups, o // groups, cols.shape[1]), cols)
    y = y.reshape(groups, o // groups, n, p).transpose(2, 0, 1, 3)
    return cols, xp.ascontiguousarray(y).reshape((n, o) + tuple(out_shape))


def _flipped_adjoint_weight(w, groups):
    """w (O, Cg, *k) -> (C, Og, *k) flipped in every spatial dim: a stride-1 convolution's
    input gradient is the full correlation of the output gradient with this weight."""
    o, cg = w.shape[:2]
    kernel = w.shape[2:]
    nd = len(kernel)
    flip = (slice(None), slice(None)) + (slice(None, None, -1),) * nd
    wt = w[flip].reshape((groups, o // groups, cg) + tuple(kernel))
    wt = wt.transpose((0, 2, 1) + tuple(range(3, 3 + nd)))
    return wt.reshape((groups * cg, o // groups) + tuple(kernel))


# ---------------------------------------------------------------- the three Ops

class ConvNd(Op):
    # dtypes are checked equal at the functional boundary (torch refuses mixed dtypes)
    promote = None

    @staticmethod
    def forward(ctx, x, w, *, stride, padding, dilation, groups, out_shape):
        ctx.cfg = (stride, padding, dilation, groups)
        need = ctx.needs_input_grad
        ctx.save_inputs(0 if need[1] else None, 1 if need[0] else None)
        ctx.in_shape, ctx.kernel = x.shape[2:], w.shape[2:]
        y = ctx.ext.conv_native("forward", x, w, stride, padding, dilation, groups, out_shape)
        if y is not None:  # cuDNN on CUDA (the CPU's ext always answers None)
            ctx.cols = None
            return y
        cols, y = _conv_arrays(ctx, x, w, stride, padding, dilation, groups, out_shape,
                               train=need[1])
        # the weight gradient needs the same columns: kept when small, rebuilt otherwise
        # (ResNet-sized columns would multiply the peak memory of a training step)
        ctx.cols = cols if need[1] and cols.nbytes <= _COLS_CACHE_BYTES else None
        return y

    @staticmethod
    def backward(ctx, gy):
        x, w = ctx.inputs
        stride, padding, dilation, groups = ctx.cfg
        need = ctx.needs_input_grad
        gx = gw = None
        if need[0]:
            gx = ConvTransposeNd.apply(gy, w, stride=stride, padding=padding, dilation=dilation,
                                       groups=groups, in_shape=ctx.in_shape)
        if need[1]:
            gw = ConvWeightNd.apply(x, gy, stride=stride, padding=padding, dilation=dilation,
                                    groups=groups, kernel=ctx.kernel, cols=ctx.cols)
        return gx, gw


class ConvTransposeNd(Op):
    """The adjoint of ConvNd in x: (N, O, *out) -> (N, C, *in_shape); w is (O, Cg, *k)."""
    promote = None

    @staticmethod
    def forward(ctx, g, w, *, stride, padding, dilation, groups, in_shape):
        xp = ctx.xp
        ctx.cfg = (stride, padding, dilation, groups)
        need = ctx.needs_input_grad
        ctx.save_inputs(0 if need[1] else None, 1 if need[0] else None)
        ctx.in_shape, ctx.kernel, ctx.out_shape = in_shape, w.shape[2:], g.shape[2:]
        gx = ctx.ext.conv_native("dgrad", g, w, stride, padding, dilation, groups, in_shape)
        if gx is not None:
            return gx
        n, o = g.shape[:2]
        kernel, out_shape = w.shape[2:], g.shape[2:]
        nd = len(kernel)
        cg = w.shape[1]
        wt = w.reshape(groups, o // groups, cg * math.prod(kernel)).transpose(0, 2, 1)
        c = groups * cg
        padded = tuple(s + lo + hi for s, (lo, hi) in zip(in_shape, padding))
        head = (slice(None), slice(None))
        # stride 1 with as many input as output channels: a convolution of g with the
        # flipped kernel, forward's im2col and GEMM (no scatter-adds, no GEMM widened to the
        # padded rows; 10-30% less CPU time on ResNet's 3x3 layers). Its columns hold O*K
        # rows where the scatter's hold C*K, so with few input channels (a stem) the
        # scatter stays. The right pad is d*(k-1) - hi for conv's adjoint, more by
        # conv_transpose's output_padding.
        pads = tuple((d * (k - 1) - lo, i - m + lo) for d, k, (lo, _), i, m in
                     zip(dilation, kernel, padding, in_shape, out_shape))
        if c >= o and all(s == 1 for s in stride) and min(min(pads)) >= 0:
            return _conv_arrays(ctx, g, _flipped_adjoint_weight(w, groups), stride, pads,
                                dilation, groups, tuple(in_shape))[1]
        if nd == 2 and tuple(stride) == (1, 1):
            out = _col2im_flat(xp, g, wt, groups, c, kernel, dilation, padded)
        else:
            # (G, Cg*K, N*P) = (C, K, N, *out): each kernel offset's slice (C, N, *out) is
            # contiguous, and is added into a (C, N, *padded) buffer through one strided
            # window
            cols = xp.matmul(wt, _grad_rows(g, groups))
            cols = cols.reshape((c, math.prod(kernel), n) + tuple(out_shape))
            out = xp.zeros((c, n) + padded, dtype=cols.dtype)
            for i, window in enumerate(_offsets(kernel, out_shape, stride, dilation)):
                out[head + window] += cols[:, i]
        crop = tuple(slice(lo, lo + s) for s, (lo, _) in zip(in_shape, padding))
        out = out[head + crop].transpose((1, 0) + tuple(range(2, 2 + nd)))
        return xp.ascontiguousarray(out)

    @staticmethod
    def backward(ctx, h):
        g, w = ctx.inputs
        stride, padding, dilation, groups = ctx.cfg
        need = ctx.needs_input_grad
        gg = gw = None
        if need[0]:
            gg = ConvNd.apply(h, w, stride=stride, padding=padding, dilation=dilation,
                              groups=groups, out_shape=ctx.out_shape)
        if need[1]:
            gw = ConvWeightNd.apply(h, g, stride=stride, padding=padding, dilation=dilation,
                                    groups=groups, kernel=ctx.kernel)
        return gg, gw


class ConvWeightNd(Op):
    """ConvNd's weight gradient: x (N, C, *in), g (N, O, *out) -> (O, Cg, *kernel)."""
    promote = None

    @staticmethod
    def forward(ctx, x, g, *, stride, padding, dilation, groups, kernel, cols=None):
        ctx.cfg = (stride, padding, dilation, groups)
        need = ctx.needs_input_grad
        ctx.save_inputs(0 if need[1] else None, 1 if need[0] else None)
        ctx.in_shape, ctx.out_shape = x.shape[2:], g.shape[2:]
        gw = ctx.ext.conv_native("wgrad", x, g, stride, padding, dilation, groups, kernel)
        if gw is not None:
            return gw
        o = g.shape[1]
        if isinstance(cols, _winograd.Tiles):
            return _winograd.weight_grad3x3(ctx.xp, cols.v, g)
        if cols is None and _winograd.applies_shape(x, o, kernel, stride, padding, dilation,
                                                    groups):
            return _winograd.weight_grad3x3(ctx.xp, _winograd.input_tiles(ctx.xp, x), g)
        if cols is None:  # else ConvNd's forward built them from this same x
            cols = _im2col(ctx, x, kernel, g.shape[2:], stride, padding, dilation, groups)
        # one GEMM over the batch; BLAS reads the transposed operand in place. With few
        # output channels the GEMM is computed transposed, cols @ g^T: OpenBLAS runs the
        # skinny (Og x N*P) @ (N*P x Cg*K) product 10-25% slower than its transpose
        # (LeNet's and the CNN's first layers; 1-2% of their training steps); at 64
        # channels the two are equal
        rows = _grad_rows(g, groups)
        if rows.shape[1] <= _GW_TRANSPOSED_MAX_OG:
            gw = ctx.xp.matmul(cols, rows.transpose(0, 2, 1)).transpose(0, 2, 1)
        else:
            gw = ctx.xp.matmul(rows, cols.transpose(0, 2, 1))  # (G, Og, Cg*K)
        return gw.reshape((o, x.shape[1] // groups) + tuple(kernel))

    @staticmethod
    def backward(ctx, h):
        x, g = ctx.inputs
        stride, padding, dilation, groups = ctx.cfg
        need = ctx.needs_input_grad
        gx = gg = None
        if need[0]:
            gx = ConvTransposeNd.apply(g, h, stride=stride, padding=padding, dilation=dilation,
                                       groups=groups, in_shape=ctx.in_shape)
        if need[1]:
            gg = ConvNd.apply(x, h, stride=stride, padding=padding, dilation=dilation,
                              groups=groups, out_shape=ctx.out_shape)
        return gx, gg


# ---------------------------------------------------------------- argument handling

def _tuple(v, n, name):
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            return (int(v[0]),) * n
        if len(v) != n:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} "
                               f"values to match the convolution dimensions, but got "
                               f"{name}={list(v)}")
        return tuple(int(i) for i in v)
    return (int(v),) * n


def _fmt(sizes):
    return " x ".join(str(s) for s in sizes)


def _check_common(name, n, input, weight, bias):
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to "
                           f"{name}, but got input of size: {list(input.shape)}")
    if weight.ndim != n + 2:
        raise RuntimeError("weight should have at least three dimensions" if weight.ndim < 3
                           else f"Expected {n + 2}-dimensional weight for {n + 2}-dimensional "
                                f"input, but got {weight.ndim}-dimensional weight of size "
                                f"{list(weight.shape)}")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"expected scalar type {_scalar_name(input.dtype)} but found "
                           f"{_scalar_name(weight.dtype)}")
    if bias is not None and bias.dtype != input.dtype:
        raise RuntimeError(f"expected scalar type {_scalar_name(input.dtype)} but found "
                           f"{_scalar_name(bias.dtype)}")
    if input.dtype.name == "bool":
        # torch names its CPU kernel; integer dtypes it accepts (conv of int64 gives int64)
        kernel = "slow_conv_transpose2d_out_cpu" if "transpose" in name else "slow_conv2d_cpu"
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')


def _scalar_name(dtype):
    from .inplace import _NAMES
    return _NAMES[dtype.name]


def _add_bias(out, bias, n):
    if bias is None:
        return out
    return out + bias.reshape((-1,) + (1,) * n)


def _conv(name, n, input, weight, bias, stride, padding, dilation, groups):
    if hooks.autocast is not None:  # torch casts at the entry, before the dtype checks
        input, weight, bias = autocast_args(ConvNd, input, weight, bias)
    _check_common(name, n, input, weight, bias)
    unbatched = input.ndim == n + 1
    if unbatched:
        input = input.unsqueeze(0)
    stride = _tuple(stride, n, "stride")
    dilation = _tuple(dilation, n, "dilation")
    kernel = weight.shape[2:]
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if input.shape[1] != weight.shape[1] * groups or weight.shape[0] % groups:
        if weight.shape[0] % groups:
            raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by "
                               f"{groups} at dimension 0, but got weight of size "
                               f"{list(weight.shape)} instead")
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, "
                           f"expected input{list(input.shape)} to have "
                           f"{weight.shape[1] * groups} channels, but got {input.shape[1]} "
                           f"channels instead")
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * n
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            # torch puts the odd element of the total padding on the right
            pads = tuple((d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2)
                         for d, k in zip(dilation, kernel))
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        pads = tuple((p, p) for p in _tuple(padding, n, "padding"))
        if any(p < 0 for p, _ in pads):
            raise RuntimeError("negative padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    padded = [s + lo + hi for s, (lo, hi) in zip(input.shape[2:], pads)]
    span = [d * (k - 1) + 1 for d, k in zip(dilation, kernel)]
    if any(p < k for p, k in zip(padded, span)):
        raise RuntimeError(f"Calculated padded input size per channel: ({_fmt(padded)}). "
                           f"Kernel size: ({_fmt(span)}). Kernel size can't be greater than "
                           f"actual input size")
    out_shape = tuple((p - k) // s + 1 for p, k, s in zip(padded, span, stride))
    out = ConvNd.apply(input, weight, stride=stride, padding=pads, dilation=dilation,
                       groups=groups, out_shape=out_shape)
    out = _add_bias(out, bias, n)
    return out.squeeze(0) if unbatched else out


def _conv_transpose(name, n, input, weight, bias, stride, padding, output_padding, groups,
                    dilation):
    if hooks.autocast is not None:  # torch casts at the entry, before the dtype checks
        input, weight, bias = autocast_args(ConvTransposeNd, input, weight, bias)
    _check_common(name, n, input, weight, bias)
    unbatched = input.ndim == n + 1
    if unbatched:
        input = input.unsqueeze(0)
    stride = _tuple(stride, n, "stride")
    dilation = _tuple(dilation, n, "dilation")
    padding = _tuple(padding, n, "padding")
    output_padding = _tuple(output_padding, n, "output_padding")
    kernel = weight.shape[2:]
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if input.shape[1] != weight.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, "
                           f"expected input{list(input.shape)} to have {weight.shape[0]} "
                           f"channels, but got {input.shape[1]} channels instead")
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by "
                           f"{groups} at dimension 0, but got weight of size "
                           f"{list(weight.shape)} instead")
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(f"output padding must be smaller than either stride or dilation, "
                           f"but got output_padding={list(output_padding)}, stride="
                           f"{list(stride)}, dilation={list(dilation)}")
    out_shape = tuple((i - 1) * s - 2 * p + d * (k - 1) + op + 1 for i, s, p, d, k, op in
                      zip(input.shape[2:], stride, padding, dilation, kernel, output_padding))
    if any(o <= 0 for o in out_shape):
        raise RuntimeError(f"Given input size per channel: ({_fmt(input.shape[2:])}). "
                           f"Calculated output size per channel: ({_fmt(out_shape)}). "
                           f"Output size is too small")
    out = ConvTransposeNd.apply(input, weight, stride=stride,
                                padding=tuple((p, p) for p in padding), dilation=dilation,
                                groups=groups, in_shape=out_shape)
    out = _add_bias(out, bias, n)
    return out.squeeze(0) if unbatched else out


# ---------------------------------------------------------------- torch.nn.functional names

def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return _conv_transpose("conv_transpose1d", 1, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return _conv_transpose("conv_transpose2d", 2, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return _conv_transpose("conv_transpose3d", 3, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)
