"""The losses of torch.nn.functional (re-exported there): argument checks with torch's
errors, then compositions of ember.ops."""
import functools as _functools
import math as _math
import warnings as _warnings

import numpy as _np

from .. import _creation as _c
from .. import ops as _ops
from .._tensor import Tensor as _Tensor
from ..autograd.function import autocast_args as _autocast_args
from ..autograd.function import device_mismatch as _device_mismatch
from ..autograd.function import hooks as _hooks
from ..ops.inplace import _NAMES
from ..ops.joining import cat
from ..ops.nn import log_softmax as _log_softmax
from ..ops.nn import LogSoftmax as _LogSoftmax
from ..ops.nn import NllLoss as _NllLoss
from .._dtype import int64 as _int64
from ..ops.nn import softplus as _softplus

# functional re-exports this file from its top, so it is only partly initialised while this
# runs: bind the module and look helpers up at call time
from . import functional as _F

__all__ = ["binary_cross_entropy",
           "binary_cross_entropy_with_logits",
           "cosine_embedding_loss",
           "cross_entropy",
           "ctc_loss",
           "gaussian_nll_loss",
           "hinge_embedding_loss",
           "huber_loss",
           "kl_div",
           "l1_loss",
           "margin_ranking_loss",
           "mse_loss",
           "multi_margin_loss",
           "multilabel_margin_loss",
           "multilabel_soft_margin_loss",
           "nll_loss",
           "poisson_nll_loss",
           "smooth_l1_loss",
           "soft_margin_loss",
           "triplet_margin_loss",
           "triplet_margin_with_distance_loss"]



def _float32_under_autocast(loss):
    """For the losses on torch's float32 autocast lists (all but gaussian_nll_loss and
    multilabel_soft_margin_loss, which torch composes of other ops): under autocast their
    floating tensor arguments are cast to float32 at the entry, as torch does."""
    @_functools.wraps(loss)
    def entry(*args, **kwargs):
        if _hooks.autocast is not None:
            from ..ops.nn import NllLoss  # the float32 policy's representative
            args = _autocast_args(NllLoss, *args)
            kwargs = dict(zip(kwargs, _autocast_args(NllLoss, *kwargs.values())))
        return loss(*args, **kwargs)
    return entry


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
    for t in (target, weight):  # (the fused op takes them as arrays: no Op.apply check)
        if t is not None and t.device != input.device:
            raise _device_mismatch(input.device, t.device)
    c = input.shape[1] if input.ndim >= 2 else input.shape[0]
    if weight is not None and weight.numel() != c:
        raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no "
                           f"classes but got weight tensor of shape: {list(weight.shape)}")
    return c


_INT64 = _np.dtype("int64")
_UINT64 = _np.dtype("uint64")


def _nll(input, target, weight, ignore_index, reduction):
    """-input[n, target[n], ...] * weight[target], ignored targets weigh 0; mean divides by
    the summed weight of the non-ignored targets (torch's weighted mean)."""
    c = _nll_checks(input, target, weight)
    from .. import _dtype
    # the target carries no gradient: its checks run on the array (seven ember ops cost
    # more than the whole fused loss on a small batch)
    td = target._data
    if td.dtype != _INT64:
        td = td.astype(_INT64)
    keepd = td != ignore_index
    bad = (td < 0) | (td >= c)
    bad &= keepd
    if bad.any():
        raise IndexError(f"Target {int(td[bad].reshape(-1)[0])} is out of bounds.")
    if weight is None or not weight.requires_grad:
        # one fused op (torch has no gradient for weight either; the composed path below
        # stays for a weight that asks for one)
        from ..ops.nn import nll_loss_fused
        w = None if weight is None else weight.detach().to(input.dtype)._data
        return nll_loss_fused(input, td, keepd, w, reduction)
    target = target.to(_dtype.int64)
    keep = target != ignore_index
    safe = _ops.where(keep, target, _c.zeros_like(target))
    cdim = 1 if input.ndim >= 2 else 0
    picked = _ops.gather(input, cdim, safe.unsqueeze(cdim)).squeeze(cdim)
    w = weight.index_select(0, safe.reshape(-1)).reshape(safe.shape) * keep.to(input.dtype)
    loss = -picked * w
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / w.sum()


@_float32_under_autocast
def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    return _nll(input, target, weight, ignore_index, _reduction(size_average, reduce, reduction))


@_float32_under_autocast
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    if weight is None and label_smoothing == 0.0 and size_average is None and reduce is None \
            and input.ndim == 2 and target.ndim == 1 and target.dtype is _int64 and \
            input.dtype.is_floating_point and input.shape[0] == target.shape[0] and \
            input.device is target.device and \
            (reduction == "mean" or reduction == "sum" or reduction == "none"):
        # the classification case (logits (N, C), class indices (N,)) straight to the two
        # fused ops: the general path's checks and branches all pass through to these
        td = target._data
        keep = td != ignore_index
        # one compare for both bounds: a negative index reads as a huge unsigned one
        bad = td.view(_UINT64) >= input.shape[1]
        if bad.any():
            bad &= keep
            if bad.any():
                raise IndexError(f"Target {int(td[bad][0])} is out of bounds.")
        return _NllLoss.apply(_LogSoftmax.apply(input, dim=1), target=td, keep=keep,
                              weight=None, reduction=reduction)
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


@_float32_under_autocast
def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    reduction = _reduction(size_average, reduce, reduction)
    _pointwise_checks(input, target, "mse_loss")
    d = input - target
    return _weighted_reduce(d * d, weight, reduction, input)


@_float32_under_autocast
def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    reduction = _reduction(size_average, reduce, reduction)
    _pointwise_checks(input, target, "l1_loss")
    return _weighted_reduce(_ops.abs(input - target), weight, reduction, input)


@_float32_under_autocast
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


@_float32_under_autocast
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


@_float32_under_autocast
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


@_float32_under_autocast
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


@_float32_under_autocast
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


@_float32_under_autocast
def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension "
                           f"but got sizes: input1: {_size(input1)}, input2: {_size(input2)}, "
                           f"target: {_size(target)} ")
    return _reduce(_ops.clamp_min(-target * (input1 - input2) + margin, 0), reduction)


@_float32_under_autocast
def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    zeros = _c.zeros_like(input)
    out = _ops.where(target != 1, _ops.clamp_min(margin - input, 0), zeros) + \
        _ops.where(target != -1, input, zeros)
    return _reduce(out, reduction)


@_float32_under_autocast
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


@_float32_under_autocast
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if not (anchor.ndim == positive.ndim == negative.ndim):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {anchor.ndim}D, positive "
                           f"{positive.ndim}D, and negative {negative.ndim}D inputs")
    dp = _F.pairwise_distance(anchor, positive, p, eps)
    dn = _F.pairwise_distance(anchor, negative, p, eps)
    if swap:
        dn = _ops.minimum(dn, _F.pairwise_distance(positive, negative, p, eps))
    return _reduce(_ops.clamp_min(margin + dp - dn, 0), reduction)


@_float32_under_autocast
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
    var = _F._clamp_no_grad(var, eps)   # torch clamps a clone under no_grad
    d = input - target
    loss = 0.5 * (_ops.log(var) + d * d / var)
    if full:
        loss = loss + 0.5 * _math.log(2 * _math.pi)
    return _reduce(loss, reduction)


@_float32_under_autocast
def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    # log(1 + exp(-y x)) as a softplus: finite for large margins
    return _reduce(_softplus(-target * input), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    loss = -(target * _F.logsigmoid(input) + (1 - target) * _F.logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    cdim = input.ndim - 1
    loss = loss.sum(cdim) / input.shape[cdim]
    return _reduce(loss, reduction)


def _margin_input_check(input, name):
    if input.ndim > 2:
        raise RuntimeError(f"{name}: Expected non-empty vector or matrix with optional 0-dim "
                           f"batch size, but got: {list(input.shape)}")


@_float32_under_autocast
def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    _margin_input_check(input, "multi_margin_loss")
    x = input if input.ndim == 2 else input.reshape(1, -1)
    n, c = x.shape
    if target.numel() != n or target.ndim > 1:
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to "
                           f"the number of input samples (batch size). Expected target size "
                           f"[{n}], but got {list(target.shape)}. Input has shape "
                           f"{list(input.shape)}.")
    if weight is not None and (weight.ndim != 1 or weight.numel() != c):
        raise RuntimeError(f"inconsistent weight size, expected {c} but got "
                           f"{list(weight.shape)}")
    t = target.reshape(n, 1)
    if bool(((t < 0) | (t >= c)).any()):
        raise RuntimeError("target out of range")
    xy = _ops.gather(x, 1, t)
    h = _ops.clamp_min(margin - xy + x, 0)
    if p == 2:
        h = h * h
    if weight is not None:
        h = h * weight.index_select(0, target.reshape(-1)).reshape(n, 1)
    # the term of the true class itself (i == y) is excluded from the sum
    cls = _c.arange(c, device=input.device).reshape(1, c)
    h = _ops.where(cls == t, _c.zeros_like(h), h)
    loss = h.sum(1) / c
    if input.ndim < 2:
        loss = loss.reshape(target.shape)   # torch: a 1-element target keeps its shape
    return _reduce(loss, reduction)


@_float32_under_autocast
def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    _margin_input_check(input, "multilabel_margin_loss")
    if tuple(target.shape) != tuple(input.shape):
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)}")
    c = input.shape[-1] if input.ndim else 1
    x = input.reshape(-1, c)
    t = target.reshape(-1, c)
    if bool(((t < -1) | (t >= c)).any()):
        raise RuntimeError("argument #2 'target' is out of range")
    # the targets of a row are its entries up to the first -1
    valid = _ops.cumprod((t != -1).to(x.dtype), 1)
    safe = _ops.where(valid > 0, t, _c.zeros_like(t))
    is_target = _c.zeros_like(x).scatter_add(1, safe, valid) > 0
    xy = _ops.gather(x, 1, safe)                                   # (n, k)
    h = _ops.clamp_min(1 - xy.unsqueeze(2) + x.unsqueeze(1), 0)   # (n, k, c)
    keep = valid.unsqueeze(2) * (~is_target).to(x.dtype).unsqueeze(1)
    loss = (h * keep).sum((1, 2)) / c
    if input.ndim < 2:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if not (anchor.ndim == positive.ndim == negative.ndim):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {anchor.ndim}D, positive "
                           f"{positive.ndim}D, and negative {negative.ndim}D inputs")
    dist = distance_function if distance_function is not None else _F.pairwise_distance
    dp = dist(anchor, positive)
    dn = dist(anchor, negative)
    if swap:
        dn = _ops.minimum(dn, dist(positive, negative))
    return _reduce(_ops.clamp_min(margin + dp - dn, 0), reduction)


def _lengths(v):
    import numpy
    if isinstance(v, _Tensor):
        return numpy.asarray(v.detach().cpu().numpy(), dtype=numpy.int64).reshape(-1)
    return numpy.asarray(v if isinstance(v, (list, tuple)) else [v], dtype=numpy.int64)


@_float32_under_autocast
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    """Connectionist temporal classification: the log-space forward (alpha) recursion over the
    blank-extended targets, vectorised over the batch with a loop over time only. The
    gradient is autograd through this composition (torch's convention, see below).

    Unreachable states hold a huge finite negative instead of -inf: logsumexp's backward
    over all -inf entries would be 0 * nan; a finite value gives 0 and vanishes in every
    sum next to a reachable state. Targets that cannot fit are detected at the end."""
    import numpy
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    unbatched = log_probs.ndim == 2
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    if lp.ndim != 3:
        raise RuntimeError(f"ctc_loss: expected log_probs to be 2-D or 3-D, got "
                           f"{log_probs.ndim}-D")
    tlen, n, c = lp.shape
    in_len = _lengths(input_lengths)
    tg_len = _lengths(target_lengths)
    tg = numpy.asarray(targets.detach().cpu().numpy(), dtype=numpy.int64)
    if unbatched:
        tg = tg.reshape(1, -1)
    if in_len.size != n:
        raise RuntimeError(f"input_lengths must be of size batch_size, but got {in_len.size}")
    if tg_len.size != n:
        raise RuntimeError(f"target_lengths must be of size batch_size, but got {tg_len.size}")
    if not 0 <= blank < c:
        raise RuntimeError("blank must be in label range")
    if (in_len > tlen).any():
        raise RuntimeError(f"Expected input_lengths to have value at most {tlen}, but got value "
                           f"{int(in_len.max())} (while checking arguments for ctc_loss)")
    lmax = int(tg_len.max()) if n else 0
    if tg.ndim == 2 and not unbatched:
        if tg.shape[1] < lmax:
            raise RuntimeError(f"Expected tensor to have size at least {lmax} at dimension 1, "
                               f"but got size {tg.shape[1]} for argument #2 'targets' (while "
                               f"checking arguments for ctc_loss)")
        pad = tg[:, :lmax]
    else:
        flat = tg.reshape(-1)
        if int(tg_len.sum()) > flat.size:
            raise RuntimeError(f"Expected tensor to have size at least {int(tg_len.sum())} at "
                               f"dimension 0, but got size {flat.size} for argument #2 "
                               f"'targets' (while checking arguments for ctc_loss)")
        pad = numpy.zeros((n, lmax), numpy.int64)
        starts = numpy.concatenate([[0], numpy.cumsum(tg_len)[:-1]])
        for i in range(n):
            pad[i, :tg_len[i]] = flat[starts[i]:starts[i] + tg_len[i]]
    s = 2 * lmax + 1
    ext = numpy.full((n, s), blank, numpy.int64)
    ext[:, 1::2] = pad
    # skipping from s-2 to s is allowed onto a label that differs from the label two back
    skip = numpy.zeros((n, s), bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    dev = lp.device
    neg = -1e30
    ext_t = _c.tensor(ext, device=dev)
    lpe = _ops.gather(lp, 2, ext_t.unsqueeze(0).expand(tlen, n, s))      # (T, N, S)
    pos = numpy.arange(s)
    start = _c.tensor((pos[None, :] < 2) & (pos[None, :] < 2 * tg_len[:, None] + 1),
                      device=dev)
    negs = _c.full((n, s), neg, dtype=lp.dtype, device=dev)
    skip_t = _c.tensor(skip, device=dev)
    alpha = _ops.where(start, lpe[0], negs) if tlen else negs
    pad1 = negs[:, :1]
    pad2 = negs[:, :2]
    for t in range(1, tlen):
        a1 = cat([pad1, alpha[:, :-1]], 1)
        a2 = _ops.where(skip_t, cat([pad2, alpha[:, :-2]], 1), negs)
        new = _ops.logsumexp(_ops.stack([alpha, a1, a2], 2), 2) + lpe[t]
        live = _c.tensor((t < in_len)[:, None], device=dev)
        alpha = _ops.where(live, new, alpha)
    end = _c.tensor((2 * tg_len)[:, None], device=dev)
    last = _ops.gather(alpha, 1, end)
    prev = _ops.where(end > 0, _ops.gather(alpha, 1, _ops.clamp_min(end - 1, 0)), negs[:, :1])
    ll = _ops.logsumexp(cat([last, prev], 1), 1)
    dead = ll < neg / 2
    # torch's CTC backward returns exp(log_probs) - occupancy, not the true derivative
    # -occupancy: the two agree once chained through log_softmax (its rows of exp sum to 1),
    # and torch's own value is what a user sees on a detached log_softmax leaf. This term is
    # exactly 0 in value and gives exp(log_probs) over each sample's live frames.
    live = _c.tensor(numpy.arange(tlen)[:, None, None] < in_len[None, :, None], device=dev)
    ex = (_ops.exp(lp) * live.to(lp.dtype)).sum((0, 2))
    loss = _ops.where(dead, _c.full_like(ll, float("inf")), (ex - ex.detach()) - ll)
    if zero_infinity:
        loss = _ops.where(dead, _c.zeros_like(loss), loss)
    if unbatched:
        loss = loss.reshape(())
    if reduction == "mean":
        div = _c.tensor(numpy.maximum(tg_len, 1), device=dev).to(loss.dtype)
        return (loss / div.reshape(loss.shape)).mean()
    return _reduce(loss, reduction)
