"""torch.nn.functional: argument checks with torch's errors, then compositions of ember.ops."""
import math as _math
import warnings as _warnings

from .. import _creation as _c
from .. import ops as _ops
from .. import random as _random
from ..autograd import grad_mode as _grad_mode
from ..ops.inplace import _NAMES
from ..ops.inplace import inplace as _inplace
from ..ops.joining import cat, constant_pad_nd, flip
from ..ops.nn import gelu  # noqa: F401
from ..ops.nn import log_softmax as _log_softmax
from ..ops.nn import softmax as _softmax
from ..ops.nn import softmin as _softmin
from ..ops.nn import softplus as _softplus
from ..ops.norms import linalg_vector_norm as _vnorm
from ..ops.norms import pdist  # noqa: F401
from ..ops.conv import (conv1d, conv2d, conv3d, conv_transpose1d,  # noqa: F401
                        conv_transpose2d, conv_transpose3d)
from ..ops.normalization import (batch_norm, group_norm, instance_norm,  # noqa: F401
                                 layer_norm, local_response_norm)
from ..ops.pooling import (adaptive_avg_pool1d, adaptive_avg_pool2d,  # noqa: F401
                           adaptive_max_pool1d, adaptive_max_pool2d, avg_pool1d, avg_pool2d,
                           lp_pool1d, lp_pool2d, max_pool1d, max_pool2d, max_unpool1d,
                           max_unpool2d)
from ..ops.shape import expand, narrow
from ..ops.embedding_bag import embedding_bag  # noqa: F401
from ..ops.sampling import (channel_shuffle, fold, interpolate, native_channel_shuffle,  # noqa: F401
                            pixel_shuffle, pixel_unshuffle, unfold, upsample,
                            upsample_bilinear, upsample_nearest)
from ..ops.attention import multi_head_attention_forward, scaled_dot_product_attention  # noqa: F401
from ._losses import (  # noqa: F401  (re-exported: the losses live in _losses.py)
    binary_cross_entropy, binary_cross_entropy_with_logits, cosine_embedding_loss, cross_entropy,
    ctc_loss, gaussian_nll_loss, hinge_embedding_loss, huber_loss, kl_div, l1_loss,
    margin_ranking_loss, mse_loss, multi_margin_loss, multilabel_margin_loss,
    multilabel_soft_margin_loss, nll_loss, poisson_nll_loss, smooth_l1_loss, soft_margin_loss,
    triplet_margin_loss, triplet_margin_with_distance_loss)

_PAD_SUPPORT = ("Supported combinations for non-constant padding:\n"
                "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
                "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
                "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")


def pad(input, pad, mode="constant", value=None):
    """torch.nn.functional.pad. `pad` lists (left, right) pairs from the last dim backwards.

    constant: any number of dims, negative pads crop. reflect / replicate / circular pad the
    last 1, 2 or 3 dims of an input with one more (unbatched) or two more (batched) dims.
    """
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    pad = tuple(pad)
    for i, p in enumerate(pad):
        if isinstance(p, bool) or not isinstance(p, int) and not hasattr(p, "__index__"):
            raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but "
                            f"found element of type {type(p).__name__} at pos {i}")
    pad = tuple(int(p) for p in pad)
    nd = input.ndim
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) > 2 * nd:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pad)} and input of dimension "
                           f"{nd}")
    if mode == "constant":
        return constant_pad_nd(input, pad, 0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    k = len(pad) // 2
    if not (1 <= k <= 3 and nd in (k + 1, k + 2)):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for {nd}D input "
                                  f"tensor.\n{_PAD_SUPPORT}")
    shape = input.shape
    if mode == "circular":
        return _pad_circular(input, pad, k)
    # reflect and replicate: only a batch dim (when there is one) may be empty
    if any(s == 0 for s in shape[nd - k - 1 if nd == k + 2 else 0:]):
        raise RuntimeError(f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 "
                           f"batch size and other non-zero dimensions for input, but got: "
                           f"{list(shape)}")
    if mode == "reflect":
        for i in range(k):
            lo, hi, n = pad[2 * i], pad[2 * i + 1], shape[nd - 1 - i]
            if lo >= n or hi >= n:
                raise RuntimeError(f"Argument #{4 + 2 * i}: Padding size should be less than the "
                                   f"corresponding input dimension, but got: padding ({lo}, "
                                   f"{hi}) at dimension {nd - 1 - i} of input {list(shape)}")
    out_shape = list(shape)
    for i in range(k):
        out_shape[nd - 1 - i] += pad[2 * i] + pad[2 * i + 1]
    if k == 1 and out_shape[-1] < 1:
        raise RuntimeError(f"input (W: {shape[-1]}) is too small. Calculated output W: "
                           f"{out_shape[-1]}")
    for o in out_shape:
        if o < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {o}: "
                               f"{out_shape}")
    edge = _reflect_edges if mode == "reflect" else _replicate_edges
    out = input
    for i in range(k):
        d = nd - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        # pad the positive sides from the full input, then crop the negative sides: both
        # modes index the source as if nothing were cropped
        left, right = edge(out, d, max(lo, 0), max(hi, 0))
        parts = [p for p in (left, out, right) if p is not None]
        if len(parts) > 1:
            out = cat(parts, d)
        start, stop = max(-lo, 0), out.shape[d] - max(-hi, 0)
        if start or stop != out.shape[d]:
            out = narrow(out, d, start, stop - start)
    return out


def _reflect_edges(x, d, lo, hi):
    n = x.shape[d]
    left = flip(narrow(x, d, 1, lo), d) if lo else None
    right = flip(narrow(x, d, n - 1 - hi, hi), d) if hi else None
    return left, right


def _replicate_edges(x, d, lo, hi):
    n = x.shape[d]

    def edge(start, count):
        size = list(x.shape)
        size[d] = count
        return expand(narrow(x, d, start, 1), size)
    return (edge(0, lo) if lo else None), (edge(n - 1, hi) if hi else None)


def _pad_circular(input, pad, k):
    nd = input.ndim
    out = input
    for i in range(k):
        d = nd - 1 - i
        lo, hi, n = pad[2 * i], pad[2 * i + 1], input.shape[d]
        if lo > n or hi > n:
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if n + lo + hi < 0:
            raise RuntimeError("Negative padding value is resulting in an empty dimension")
        # torch crops the negative sides first and wraps around what is left
        start = max(-lo, 0)
        out = narrow(out, d, start, n - start - max(-hi, 0))
        m = out.shape[d]
        if lo > m or hi > m:
            raise RuntimeError("Padding value causes wrapping around more than once.")
        parts = []
        if lo > 0:
            parts.append(narrow(out, d, m - lo, lo))
        parts.append(out)
        if hi > 0:
            parts.append(narrow(out, d, 0, hi))
        if len(parts) > 1:
            out = cat(parts, d)
    return out


# ---------------------------------------------------------------------------------------------
# Everything below composes existing ops (their backward formulas give the gradients and the
# second derivatives); ember/ops/nn.py holds the few fused primitives.

def _maybe_inplace(input, inplace, fn, *args):
    """torch's `inplace=True`: the same values written into input (which is returned)."""
    if inplace:
        return _inplace(input, fn, *args)
    return fn(input, *args)


# ------------------------------------------------------------------------------- linear layers

from .._tensor import Tensor as _Tensor
from ..autograd.function import _FLOATING as _FLOATING_NP
from ..autograd.function import Op as _Op
from ..autograd.function import autocast_args as _autocast_args
from ..autograd.function import hooks as _hooks
from ..ops.linalg import Matmul as _Matmul


class _Linear(_Op):
    """x @ W^T (+ b) in one forward (one GEMM and an in-place add) instead of three ops.
    linear() only sends it a float x of at least 2-D, a 2-D W and a 1-D b, all of one dtype."""
    promote = None  # linear() checked the dtypes are equal
    _node_name = "AddmmBackward0"  # torch's grad_fn of linear on a matrix with a bias

    @staticmethod
    def forward(ctx, x, w, b=None):
        need = ctx.needs_input_grad
        # x's gradient needs W and W's needs x: keep only those
        ctx._save_idx = (0 if need[1] else None, 1 if need[0] else None)  # save_inputs
        if x.ndim == 2:
            # ndarray.dot dispatches faster than the matmul ufunc (the same GEMM, the same
            # numbers); it matters on a layer call with few rows. bfloat16 (kind "V") keeps
            # matmul, whose rounding differs from dot's there
            out = x.dot(w.T) if x.dtype.kind == "f" else ctx.xp.matmul(x, w.T)
        else:  # fold the batch dims into the rows: one BLAS call
            out = ctx.xp.matmul(x.reshape(-1, x.shape[-1]), w.T).reshape(
                x.shape[:-1] + (w.shape[0],))
        if b is not None:
            out += b
        return out

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.inputs
        need = ctx.needs_input_grad
        gx = grad.matmul(w) if need[0] else None
        gw = None
        if need[1]:
            if grad.ndim == 2:
                gw = grad.mT.matmul(x)
            else:
                gw = grad.reshape(-1, grad.shape[-1]).mT.matmul(x.reshape(-1, x.shape[-1]))
        if len(need) == 2:
            return gx, gw
        return gx, gw, (grad if need[2] else None)  # the engine sums it to b's shape


# torch's grad_fn names for the other cases (its linear is mm, or a view of addmm/mm)
class _LinearMm(_Linear):
    _node_name = "MmBackward0"


class _LinearView(_Linear):
    _node_name = "ViewBackward0"


class _LinearUnsafeView(_Linear):
    _node_name = "UnsafeViewBackward0"


def linear(input, weight, bias=None):
    """y = input @ weight.T + bias; weight is (out_features, in_features)."""
    if _hooks.autocast is not None:
        input, weight, bias = _autocast_args(_Linear, input, weight, bias)
    if isinstance(input, _Tensor) and isinstance(weight, _Tensor):
        xd, wd = input._data, weight._data
        if wd.ndim == 2 and xd.ndim >= 2 and xd.shape[-1] == wd.shape[1] and \
                xd.dtype is wd.dtype and xd.dtype in _FLOATING_NP and xd.dtype.kind != "c":
            if bias is None:
                return (_LinearMm if xd.ndim == 2 else _LinearUnsafeView).apply(input, weight)
            if isinstance(bias, _Tensor):
                bd = bias._data
                if bd.ndim == 1 and bd.shape[0] == wd.shape[0] and bd.dtype is xd.dtype:
                    return (_Linear if xd.ndim == 2 else _LinearView).apply(input, weight, bias)
    if weight.ndim == 2 and input.ndim >= 1 and input.shape[-1] != weight.shape[1]:
        rows = 1
        for s in input.shape[:-1]:
            rows *= s
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} "
                           f"and {weight.shape[1]}x{weight.shape[0]})")
    out = _ops.matmul(input, weight.t() if weight.ndim == 2 else weight)
    return out if bias is None else out + bias


def bilinear(input1, input2, weight, bias=None):
    """y[..., o] = sum_ij input1[..., i] weight[o, i, j] input2[..., j] + bias[o]."""
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and "
                           f"{input2.ndim}")
    for d in range(input1.ndim - 1):
        if input1.shape[d] != input2.shape[d]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: "
                               f"got {input1.shape[d]} and {input2.shape[d]}")
    if input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                           f"{input1.shape[-1]} but expected {weight.shape[1]}")
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                           f"{input2.shape[-1]} but expected {weight.shape[2]}")
    out = _ops.einsum("...i,oij,...j->...o", input1, weight, input2)
    return out if bias is None else out + bias


# --------------------------------------------------------------------------------- activations

def relu(input, inplace=False):
    return input.relu_() if inplace else _ops.relu(input)


def _hardtanh(x, lo, hi):
    # torch's gradient is 1 strictly inside (lo, hi) and 0 at the bounds (clamp passes it
    # at the bounds), so select with strict comparisons
    return _ops.where((x > lo) & (x < hi), x, _ops.clamp(x.detach(), lo, hi))


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _maybe_inplace(input, inplace, _hardtanh, min_val, max_val)


def relu6(input, inplace=False):
    return _maybe_inplace(input, inplace, _hardtanh, 0.0, 6.0)


def _leaky_relu(x, slope):
    return _ops.where(x > 0, x, x * slope)  # slope at 0, as torch


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _maybe_inplace(input, inplace, _leaky_relu, negative_slope)


def _elu(x, alpha, scale=1.0, input_scale=1.0):
    # torch takes the negative branch at 0 (gradient alpha * scale * input_scale there)
    # clamped so that large positive inputs (whose branch is discarded) do not overflow
    neg = _ops.expm1(_ops.clamp_max(x * input_scale, 0.0)) * (alpha * scale)
    return _ops.where(x > 0, x * scale if scale != 1.0 else x, neg)


def elu(input, alpha=1.0, inplace=False):
    return _maybe_inplace(input, inplace, _elu, alpha)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):
    return _maybe_inplace(input, inplace, _elu, _SELU_ALPHA, _SELU_SCALE)


def celu(input, alpha=1.0, inplace=False):
    return _maybe_inplace(input, inplace, _elu, alpha, 1.0, 1.0 / alpha)


def silu(input, inplace=False):
    return _maybe_inplace(input, inplace, lambda x: x * _ops.sigmoid(x))


def mish(input, inplace=False):
    return _maybe_inplace(input, inplace, lambda x: x * _ops.tanh(softplus(x)))


def softplus(input, beta=1.0, threshold=20.0):
    return _softplus(input, beta, threshold)


def logsigmoid(input):
    """log(sigmoid(x)) = -softplus(-x), finite for large |x|."""
    return -_softplus(-input)


def softsign(input):
    return input / (1 + _ops.abs(input))


def hardsigmoid(input, inplace=False):
    def f(x):
        # gradient 1/6 strictly inside (-3, 3), 0 at the bounds, as torch
        return _ops.where((x > -3) & (x < 3), x / 6 + 0.5, (x.detach() >= 3).to(x.dtype))
    return _maybe_inplace(input, inplace, f)


def hardswish(input, inplace=False):
    def f(x):
        # torch: gradient 0 at -3 and 1 at 3
        mid = x * (x + 3) / 6
        return _ops.where(x <= -3, x * 0, _ops.where(x >= 3, x, mid))
    return _maybe_inplace(input, inplace, f)


def sigmoid(input):
    return _ops.sigmoid(input)


def tanh(input):
    return _ops.tanh(input)


def tanhshrink(input):
    return input - _ops.tanh(input)


def softshrink(input, lambd=0.5):
    if lambd < 0:
        import numpy
        top = numpy.finfo(input.dtype.name).max if input.dtype.is_floating_point else 0
        raise RuntimeError(f"lambda must be in range [0, {float(top):g}] for input dtype "
                           f"{_NAMES[input.dtype.name]}, but found {lambd:g}")
    return _ops.where(input > lambd, input - lambd,
                      _ops.where(input < -lambd, input + lambd, input * 0))


def hardshrink(input, lambd=0.5):
    return _ops.where((input > lambd) | (input < -lambd), input, input * 0)


def threshold(input, threshold, value, inplace=False):
    return _maybe_inplace(input, inplace,
                          lambda x: _ops.where(x > threshold, x, _c.full_like(x, value)))


def glu(input, dim=-1):
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = dim % input.ndim
    n = input.shape[d]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {n}")
    a, b = _ops.chunk(input, 2, d)
    return a * _ops.sigmoid(b)


def prelu(input, weight):
    if _hooks.autocast is not None:  # on torch's low-precision lists; composed here
        input, weight = _autocast_args(_Matmul, input, weight)
    if weight.numel() != 1:
        if input.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        c = input.shape[1] if input.ndim >= 2 else 1  # torch: 1-D input has one channel
        if weight.numel() != c:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {weight.numel()} and channel size = {c}.")
        if input.ndim >= 2:
            weight = weight.reshape((c,) + (1,) * (input.ndim - 2))
    elif input.ndim < weight.ndim or weight.ndim > 1:
        weight = weight.reshape(())
    return _ops.where(input > 0, input, weight * input)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)

    def f(x):
        # the slopes come from ember's generator, so they follow ember.manual_seed
        a = _random.rand(x.shape, dtype=x.dtype, device=x.device) * (upper - lower) + lower
        return _ops.where(x >= 0, x, x * a)
    return _maybe_inplace(input, inplace, f)


def _softmax_dim(name, ndim, stacklevel):
    _warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                   f"to include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim, _stacklevel)
    return _softmax(input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim, _stacklevel)
    return _log_softmax(input, dim, dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim, _stacklevel)
    return _softmin(input, dim, dtype)


def _clamp_no_grad(x, lo):
    """clamp_min in the forward only: torch clamps these norms in place under no_grad, so the
    gradient flows as if unclamped."""
    return x + (_ops.clamp_min(x.detach(), lo) - x.detach())


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    n = _ops.norm(input, p, dim, keepdim=True)
    res = input / _ops.clamp_min(n, eps).expand_as(input)
    if out is not None:
        return out.copy_(res)
    return res


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    x1, x2 = _ops.broadcast_tensors(x1, x2)
    n1 = _clamp_no_grad(_vnorm(x1, 2, dim, True), eps)
    n2 = _clamp_no_grad(_vnorm(x2, 2, dim, True), eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    nd = max(x1.ndim, x2.ndim)
    return _vnorm(x1 - x2 + eps, p, nd - 1 if nd else None, keepdim)


def one_hot(tensor, num_classes=-1):
    from .. import _dtype
    if tensor.dtype is not _dtype.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if tensor.numel() == 0:
        if num_classes <= 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
    else:
        if bool((tensor < 0).any()):
            raise RuntimeError("Class values must be non-negative.")
        top = int(tensor.max())
        if num_classes == -1:
            num_classes = top + 1
        elif top >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    classes = _c.arange(num_classes, device=tensor.device)
    return (tensor.unsqueeze(-1) == classes).to(_dtype.int64)


# ------------------------------------------------------------------------------------- dropout

def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout(input, p, feature, alpha):
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{_NAMES[input.dtype.name]}")
    if p == 1:
        return input * _c.zeros((), dtype=input.dtype, device=input.device)
    if feature:
        shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    else:
        shape = tuple(input.shape)
    # drawn from ember's generator: masks follow ember.manual_seed
    keep = (_random.rand(shape, device=input.device) < 1 - p).to(input.dtype)
    if alpha:
        a_ = 1.7580993408473766
        a = 1.0 / _math.sqrt((a_ * a_ * p + 1) * (1 - p))
        b = (keep - 1) * (a_ * a) + a_ * a * p
        return input * (keep * a) + b
    return input * (keep / (1 - p))


def dropout(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    if not training or p == 0:
        return input
    return _maybe_inplace(input, inplace, _dropout, p, False, False)


def dropout1d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D "
                           f"input. Note that dropout1d exists to provide channel-wise dropout on "
                           f"inputs with 1 spatial dimension, a channel dimension, and an optional "
                           f"batch dimension (i.e. 2D or 3D inputs).")
    return _feature(input, p, training, inplace, input.ndim == 2)


def dropout2d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    if input.ndim not in (3, 4):
        _warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is "
                       f"deprecated and will result in an error in a future release. To retain "
                       f"the behavior and silence this warning, please use dropout instead. Note "
                       f"that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                       f"spatial dimensions, a channel dimension, and an optional batch dimension "
                       f"(i.e. 3D or 4D inputs).")
    # torch treats a 3-D input as batched (N, C, L) for dropout2d (with a warning)
    if input.ndim == 3:
        _warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise "
                       "1D dropout behavior is desired - input is interpreted as shape (N, C, L), "
                       "where C is the channel dim. This behavior will change in a future "
                       "release to interpret the input as one without a batch dimension, i.e. "
                       "shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please "
                       "switch to using dropout1d instead.")
    return _feature(input, p, training, inplace, False)


def dropout3d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    if input.ndim not in (4, 5):
        _warnings.warn(f"dropout3d: Received a {input.ndim}-D input to dropout3d, which is "
                       f"deprecated and will result in an error in a future release. To retain "
                       f"the behavior and silence this warning, please use dropout instead. Note "
                       f"that dropout3d exists to provide channel-wise dropout on inputs with 3 "
                       f"spatial dimensions, a channel dimension, and an optional batch dimension "
                       f"(i.e. 4D or 5D inputs).")
    return _feature(input, p, training, inplace, input.ndim != 5)


def _feature(input, p, training, inplace, unbatched):
    if not training or p == 0:
        return input
    if input.ndim < (1 if unbatched else 2):
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")

    def f(t):
        out = _dropout(t.unsqueeze(0) if unbatched else t, p, True, False)
        return out.squeeze(0) if unbatched else out
    return _maybe_inplace(input, inplace, f)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    _check_p(p)
    if not training or p == 0:
        return input
    return _maybe_inplace(input, inplace, _dropout, p, False, True)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    _check_p(p)
    if not training or p == 0:
        return input
    return _maybe_inplace(input, inplace, _dropout, p, True, True)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    n = weight.shape[0]
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= n:
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -n:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = n + padding_idx
    if max_norm is not None:
        # torch renormalises the looked-up rows of weight in place, outside autograd
        with _grad_mode.no_grad():
            rows = _ops.unique(input.reshape(-1))
            w = weight.index_select(0, rows)
            norms = _vnorm(w, norm_type, 1, True)
            scale = _ops.where(norms > max_norm, max_norm / (norms + 1e-7),
                               _c.ones_like(norms))
            weight.index_copy_(0, rows, w * scale)
    w = weight
    if padding_idx is not None and weight.requires_grad:
        # the padding row gets no gradient
        mask = (_c.arange(n, device=weight.device) == padding_idx).reshape(n, 1)
        w = _ops.where(mask, weight.detach(), weight)
    flat = input.reshape(-1)
    out = _ops.index_select(w, 0, flat)
    if scale_grad_by_freq and out.requires_grad:
        # each row's gradient is divided by how often its index occurs in the batch; the
        # detach trick keeps the forward values exact (out - out.detach() is exactly 0)
        _, inverse, counts = _ops.unique(flat, return_inverse=True, return_counts=True)
        scale = (1.0 / counts.to(weight.dtype))[inverse].reshape(-1, 1)
        out = out.detach() + (out - out.detach()) * scale
    return out.reshape(tuple(input.shape) + (weight.shape[1],))
