"""torch.nn.functional: argument checks with torch's errors, then compositions of ember.ops."""
import math as _math
import warnings as _warnings

from .. import _creation as _c
from .. import ops as _ops
from .. import random as _random
from .._tensor import Tensor as _Tensor
from ..autograd import grad_mode as _grad_mode
from ..ops.inplace import _NAMES
from ..ops.inplace import inplace as _inplace
from ..ops.joining import cat, constant_pad_nd, flip
from ..ops.nn import log_softmax as _log_softmax
from ..ops.nn import softmax as _softmax
from ..ops.nn import softmin as _softmin
from ..ops.nn import softplus as _softplus
from ..ops.norms import linalg_vector_norm as _vnorm
from ..ops.conv import (conv1d, conv2d, conv3d, conv_transpose1d,  # noqa: F401
                        conv_transpose2d, conv_transpose3d)
from ..ops.normalization import (batch_norm, group_norm, instance_norm,  # noqa: F401
                                 layer_norm, local_response_norm)
from ..ops.pooling import (adaptive_avg_pool1d, adaptive_avg_pool2d,  # noqa: F401
                           adaptive_max_pool1d, adaptive_max_pool2d, avg_pool1d, avg_pool2d,
                           lp_pool1d, lp_pool2d, max_pool1d, max_pool2d, max_unpool1d,
                           max_unpool2d)
from ..ops.shape import expand, narrow

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

def linear(input, weight, bias=None):
    """y = input @ weight.T + bias; weight is (out_features, in_features)."""
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


def gelu(input, approximate="none"):
    if approximate == "none":
        return input * 0.5 * (1.0 + _ops.erf(input * _math.sqrt(0.5)))
    if approximate == "tanh":
        inner = (input + 0.044715 * input * input * input) * _math.sqrt(2.0 / _math.pi)
        return input * 0.5 * (1.0 + _ops.tanh(inner))
    raise RuntimeError("approximate argument must be either none or tanh.")


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


# -------------------------------------------------------------------------------------- losses

def _legacy_reduction(size_average, reduce):
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _check_long_target(target):
    from .. import _dtype
    if target.dtype not in (_dtype.int64, _dtype.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{_NAMES[target.dtype.name]}")


def _nll_checks(input, target, weight):
    _check_long_target(target)
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim >= 2:
        if target.ndim == 0 or input.shape[0] != target.shape[0]:
            raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                             f"batch_size ({target.shape[0] if target.ndim else 1}).")
        expect = (input.shape[0],) + tuple(input.shape[2:])
        if tuple(target.shape) != expect:
            raise RuntimeError(f"Expected target size {list(expect)}, got {list(target.shape)}")
    elif target.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    c = input.shape[1] if input.ndim >= 2 else input.shape[0]
    if weight is not None and weight.numel() != c:
        raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no "
                           f"classes but got weight tensor of shape: {list(weight.shape)}")
    return c


def _nll(input, target, weight, ignore_index, reduction):
    """-input[n, target[n], ...] * weight[target], ignored targets weigh 0; mean divides by
    the summed weight of the non-ignored targets (torch's weighted mean)."""
    c = _nll_checks(input, target, weight)
    from .. import _dtype
    target = target.to(_dtype.int64)
    keep = target != ignore_index
    bad = keep & ((target < 0) | (target >= c))
    if bool(bad.any()):
        raise IndexError(f"Target {int(target[bad].reshape(-1)[0])} is out of bounds.")
    safe = _ops.where(keep, target, _c.zeros_like(target))
    cdim = 1 if input.ndim >= 2 else 0
    picked = _ops.gather(input, cdim, safe.unsqueeze(cdim)).squeeze(cdim)
    if weight is not None:
        w = weight.index_select(0, safe.reshape(-1)).reshape(safe.shape) * keep.to(input.dtype)
    else:
        w = keep.to(input.dtype)
    loss = -picked * w
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / w.sum()


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    return _nll(input, target, weight, ignore_index, _reduction(size_average, reduce, reduction))


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    cdim = 1 if input.ndim >= 2 else 0
    c = input.shape[cdim]
    logp = _log_softmax(input, cdim)   # fused and stable, never log(softmax)
    wshape = [1] * input.ndim
    wshape[cdim] = c
    if tuple(target.shape) == tuple(input.shape):
        # class probabilities
        if not target.dtype.is_floating_point:
            raise RuntimeError(f"Expected floating point type for target with class "
                               f"probabilities, got {_NAMES[target.dtype.name]}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / c
        prod = logp * target
        if weight is not None:
            prod = prod * weight.reshape(wshape)
        if reduction == "none":
            return -prod.sum(cdim)
        if reduction == "sum":
            return -prod.sum()
        return -prod.sum() / (input.numel() / c)
    nll = _nll(logp, target, weight, ignore_index, reduction)
    if label_smoothing <= 0:
        return nll
    keep = (target != ignore_index).to(input.dtype)
    smooth = logp * weight.reshape(wshape) if weight is not None else logp
    smooth = -smooth.sum(cdim) * keep
    if reduction == "none":
        ret = smooth
    elif reduction == "sum":
        ret = smooth.sum()
    else:
        if weight is not None:
            safe = _ops.where(target != ignore_index, target, _c.zeros_like(target))
            den = (weight.index_select(0, safe.reshape(-1)).reshape(safe.shape) * keep).sum()
        else:
            den = keep.sum()
        ret = smooth.sum() / den
    return nll * (1 - label_smoothing) + ret * (label_smoothing / c)


def _pointwise_checks(input, target, name):
    if tuple(target.shape) != tuple(input.shape):
        _warnings.warn(f"Using a target size ({_size(target)}) that is different to the input "
                       f"size ({_size(input)}). This will likely lead to incorrect results due "
                       f"to broadcasting. Please ensure they have the same size.", stacklevel=3)


def _size(t):
    return f"torch.Size({list(t.shape)})"


def _weighted_reduce(loss, weight, reduction, input):
    """mse_loss / l1_loss with weight: torch's weighted mean divides by the summed weight."""
    if weight is None:
        return _reduce(loss, reduction)
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    return loss.sum() / weight.sum() if reduction == "mean" else _reduce(loss, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    reduction = _reduction(size_average, reduce, reduction)
    _pointwise_checks(input, target, "mse_loss")
    d = input - target
    return _weighted_reduce(d * d, weight, reduction, input)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    reduction = _reduction(size_average, reduce, reduction)
    _pointwise_checks(input, target, "l1_loss")
    return _weighted_reduce(_ops.abs(input - target), weight, reduction, input)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    reduction = _reduction(size_average, reduce, reduction)
    _pointwise_checks(input, target, "smooth_l1_loss")
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    d = _ops.abs(input - target)
    if beta == 0:
        return _reduce(d, reduction)
    diff = input - target
    loss = _ops.where(d < beta, 0.5 * diff * diff / beta, d - 0.5 * beta)
    return _reduce(loss, reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    reduction = _reduction(None, None, reduction)
    _pointwise_checks(input, target, "huber_loss")
    diff = input - target
    d = _ops.abs(diff)
    loss = _ops.where(d < delta, 0.5 * diff * diff, delta * (d - 0.5 * delta))
    if weight is not None:
        if tuple(weight.shape) != tuple(input.shape):
            raise ValueError("Weights and input must have the same size.")
        loss = loss * weight   # then a plain mean, unlike mse_loss / l1_loss
    return _reduce(loss, reduction)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({_size(target)}) that is different to the input "
                         f"size ({_size(input)}) is deprecated. Please ensure they have the same "
                         f"size.")
    if bool(((input < 0) | (input > 1)).any()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    # torch clamps each log at -100 so that a confident wrong prediction stays finite
    logx = _ops.clamp_min(_ops.log(input), -100.0)
    log1mx = _ops.clamp_min(_ops.log(1 - input), -100.0)
    loss = -(target * logx + (1 - target) * log1mx)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({_size(target)}) must be the same as input size "
                         f"({_size(input)})")
    # softplus(-x) = log(1 + exp(-x)), fused and stable: finite for logits of +-100
    sp = _softplus(-input)
    if pos_weight is not None:
        loss = (1 - target) * input + ((pos_weight - 1) * target + 1) * sp
    else:
        loss = (1 - target) * input + sp
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    elif reduction == "mean":
        _warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                       "support size.'batchmean' divides only by the batch size, and aligns with "
                       "the KL div math definition.'mean' will be changed to behave the same as "
                       "'batchmean' in the next major release.")
    if reduction not in ("none", "mean", "sum", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_target:
        loss = _ops.exp(target) * (target - input)
    else:
        loss = _ops.xlogy(target, target) - target * input
    if reduction == "batchmean":
        s = loss.sum()
        return s / input.shape[0] if input.ndim else s
    return _reduce(loss, reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension "
                           f"but got sizes: input1: {_size(input1)}, input2: {_size(input2)}, "
                           f"target: {_size(target)} ")
    return _reduce(_ops.clamp_min(-target * (input1 - input2) + margin, 0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    zeros = _c.zeros_like(input)
    out = _ops.where(target != 1, _ops.clamp_min(margin - input, 0), zeros) + \
        _ops.where(target != -1, input, zeros)
    return _reduce(out, reduction)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if target.ndim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    want = target.ndim + 1
    if input1.ndim != want or input2.ndim != want:
        raise RuntimeError(f"{target.ndim}D target tensor expects {want}D input tensors, but "
                           f"found inputs with sizes {list(input1.shape)} and "
                           f"{list(input2.shape)}.")
    d = input1.ndim - 1
    eps = 1e-12
    prod = (input1 * input2).sum(d)
    m1 = (input1 * input1).sum(d) + eps
    m2 = (input2 * input2).sum(d) + eps
    cos = prod / _ops.sqrt(m1 * m2)
    zeros = _c.zeros_like(cos)
    out = _ops.where(target == 1, 1 - cos, zeros) + \
        _ops.where(target == -1, _ops.clamp_min(cos - margin, 0), zeros)
    return _reduce(out, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if not (anchor.ndim == positive.ndim == negative.ndim):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {anchor.ndim}D, positive "
                           f"{positive.ndim}D, and negative {negative.ndim}D inputs")
    dp = pairwise_distance(anchor, positive, p, eps)
    dn = pairwise_distance(anchor, negative, p, eps)
    if swap:
        dn = _ops.minimum(dn, pairwise_distance(positive, negative, p, eps))
    return _reduce(_ops.clamp_min(margin + dp - dn, 0), reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if log_input:
        loss = _ops.exp(input) - target * input
    else:
        loss = input - target * _ops.log(input + eps)
    if full:
        t = target
        stirling = t * _ops.log(t) - t + 0.5 * _ops.log(2 * _math.pi * t)
        loss = loss + _ops.masked_fill(stirling, t <= 1, 0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    if not isinstance(var, _Tensor):
        var = _c.full_like(input, float(var))
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif tuple(input.shape[:-1]) == tuple(var.shape[:-1]) and var.shape[-1] == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    if bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    var = _clamp_no_grad(var, eps)   # torch clamps a clone under no_grad
    d = input - target
    loss = 0.5 * (_ops.log(var) + d * d / var)
    if full:
        loss = loss + 0.5 * _math.log(2 * _math.pi)
    return _reduce(loss, reduction)
