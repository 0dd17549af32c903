"""Gradient clipping: the total norm of a set of gradients and in-place rescaling to a bound,
with torch's formula (coefficient max_norm / (total_norm + 1e-6), clamped to 1)."""
import math
import types
import warnings

import numpy

from ... import _creation
from ... import ops as _ops
from ..._tensor import Tensor, make_tensor
from ...autograd.grad_mode import no_grad

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_",
           "get_total_norm"]


def _vector_norm(x, ord):
    from ... import linalg
    return linalg.vector_norm(x, ord)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Norm of the concatenation of `tensors` (as the norm of their individual norms)."""
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return _creation.tensor(0.0)
    with no_grad():
        device = tensors[0].device
        norms = [_vector_norm(t, norm_type).to(device) for t in tensors]
        total_norm = _vector_norm(_ops.stack(norms), norm_type)
    if error_if_nonfinite and bool(_ops.logical_or(total_norm.isnan(), total_norm.isinf())):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            f"non-finite, so it cannot be clipped. To disable this error and scale the "
            f"gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
    return total_norm


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Multiply every existing .grad in place by min(max_norm / (total_norm + 1e-6), 1)."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    max_norm = float(max_norm)
    if not grads:
        return
    with no_grad():
        # always multiply (even by 1) like torch: no data-dependent branch, same rounding
        coef = _ops.clamp(max_norm / (total_norm + 1e-6), max=1.0)
        for g in grads:
            g.mul_(coef.to(g.device))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Clip the total gradient norm of `parameters` to `max_norm`; returns the norm before
    clipping as a 0-d tensor."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)  # used twice: a generator must not be exhausted
        if is_generator and not parameters:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.",
                          stacklevel=2)
    grads = [p.grad for p in parameters if p.grad is not None]
    if float(norm_type) == 2.0 and grads:
        total_norm = _fused_clip_2(grads, float(max_norm))
        if total_norm is not None:
            return total_norm
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def _fused_clip_2(grads, max_norm):
    """The 2-norm clip on arrays: one BLAS dot per gradient for its sum of squares and one
    in-place multiply, instead of ~20 tensor ops (a norm per gradient, a stack, a norm, a
    clamp, a mul_ per gradient). None (nothing changed) when this path does not apply:
    mixed devices or dtypes, non-float, graph-carrying grads (create_graph), or a non-finite
    or overflowing sum, which the op path handles (and errors on) exactly as torch."""
    g0 = grads[0]
    dev, dt = g0.device, g0._data.dtype
    if dt.kind != "f" or dt.itemsize < 4:
        return None
    for g in grads:
        if g.requires_grad or g.device != dev or g._data.dtype != dt:
            return None
    xp = dev.xp
    ss = 0.0
    with numpy.errstate(over="ignore"):  # an overflow only sends us to the op path
        for g in grads:
            a = g._data.reshape(-1)
            # the sum of squares accumulates in the grads' dtype (as torch's per-tensor
            # norm); the few per-tensor sums add in float64
            ss += float(xp.dot(a, a))
    if not math.isfinite(ss):
        return None
    total = xp.asarray(math.sqrt(ss), dtype=dt)
    # torch's coefficient in the grads' dtype: max_norm / (total + 1e-6), clamped to 1
    coef = xp.minimum(max_norm / (total + 1e-6), 1.0)
    for g in grads:
        d = g._data
        d *= coef
        g._vc[0] += 1
    return make_tensor(total, dev)


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated alias of clip_grad_norm_."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every existing .grad in place to [-clip_value, clip_value]."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    clip_value = float(clip_value)
    with no_grad():
        for p in parameters:
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)
