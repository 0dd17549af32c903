"""torch.autograd: backward, grad, Function, grad modes, gradcheck, anomaly detection."""
import warnings

from . import grad_mode  # noqa: F401 - torch.autograd.grad_mode
from .function import Function, FunctionCtx, once_differentiable  # noqa: F401
from .function import hooks as _hooks
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled,  # noqa: F401
                        is_inference_mode_enabled, no_grad, set_grad_enabled)

__all__ = ["Function", "backward", "detect_anomaly", "enable_grad", "grad", "gradcheck",
           "gradgradcheck", "inference_mode", "is_anomaly_check_nan_enabled",
           "is_anomaly_enabled", "no_grad", "set_detect_anomaly", "set_grad_enabled"]


def _as_list(x):
    if x is None:
        return None
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    from .engine import run_backward
    tensors = _as_list(tensors)
    grads = _as_list(grad_tensors) or [None] * len(tensors)
    if len(grads) != len(tensors):
        grads = (grads + [None] * len(tensors))[:len(tensors)]  # torch pairs them with zip
    if retain_graph is None:
        retain_graph = create_graph
    inputs = _as_list(inputs)
    if inputs is not None and not inputs:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    from .engine import run_backward
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads="
                         "True, but got: allow_unused=False.")
    if is_grads_batched:
        raise NotImplementedError("autograd.grad(is_grads_batched=True) is not supported")
    outputs = _as_list(outputs)
    inputs = _as_list(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    grads = _as_list(grad_outputs) or [None] * len(outputs)
    grads = (grads + [None] * len(outputs))[:len(outputs)]
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    result = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs,
                          accumulate=False, allow_unused=allow_unused)
    if materialize_grads:
        from .._creation import zeros_like
        result = [zeros_like(i) if g is None else g for g, i in zip(result, inputs)]
    return tuple(result)


class detect_anomaly:
    """Context manager (and decorator) for anomaly detection.

    While on, every recorded op keeps the Python stack that created it. An op whose forward
    makes nan values (from inputs without any) raises at once, naming the op and the line;
    a backward that returns nan raises "Function 'XBackward0' returned nan values in its 0th
    output." with the forward line that created the node. Any other error inside a backward
    warns with that node's forward traceback first, as torch does.
    """

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self):
        self._prev = (_hooks.anomaly, _hooks.anomaly_check_nan)
        _set_anomaly(True, self.check_nan)
        return self

    def __exit__(self, *exc):
        _set_anomaly(*self._prev)

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """Turns anomaly detection on or off at once; as a context manager it restores the
    previous setting on exit."""

    def __init__(self, mode, check_nan=True):
        self._prev = (_hooks.anomaly, _hooks.anomaly_check_nan)
        _set_anomaly(bool(mode), check_nan)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _set_anomaly(*self._prev)


def _set_anomaly(mode, check_nan):
    _hooks.anomaly = mode
    _hooks.anomaly_check_nan = check_nan
    _hooks.refresh()


def is_anomaly_enabled():
    return _hooks.anomaly


def is_anomaly_check_nan_enabled():
    return _hooks.anomaly_check_nan


# bound after the submodule import so that the names are the functions, as in torch
from .gradcheck import GradcheckError, gradcheck, gradgradcheck  # noqa: E402, F401
