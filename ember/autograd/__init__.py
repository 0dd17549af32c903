"""torch.autograd: backward, grad, Function, grad modes, gradcheck, anomaly detection."""
from . import grad_mode
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled,
                        is_inference_mode_enabled, no_grad, set_grad_enabled)
from .function import hooks as _hooks

__all__ = ["backward", "grad", "Function", "no_grad", "enable_grad", "set_grad_enabled",
           "inference_mode", "gradcheck", "gradgradcheck", "detect_anomaly",
           "set_detect_anomaly", "is_anomaly_enabled"]


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
        raise RuntimeError(f"got {len(grads)} tensors and {len(tensors)} gradients")
    if retain_graph is None:
        retain_graph = create_graph
    inputs = _as_list(inputs)
    if inputs is not None and not inputs:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    from .engine import run_backward
    outputs = _as_list(outputs)
    single = not isinstance(inputs, (list, tuple))
    inputs = _as_list(inputs)
    grads = _as_list(grad_outputs) or [None] * len(outputs)
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
    """Context manager: name the op (and its Python line) whose forward or backward made NaN."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self._prev = _hooks.anomaly
        _hooks.anomaly = self.check_nan
        _hooks.refresh()
        return self

    def __exit__(self, *exc):
        _hooks.anomaly = self._prev
        _hooks.refresh()


class set_detect_anomaly(detect_anomaly):
    def __init__(self, mode, check_nan=True):
        self._prev = _hooks.anomaly
        _hooks.anomaly = bool(mode) and check_nan
        _hooks.refresh()

    def __enter__(self):
        return self


def is_anomaly_enabled():
    return _hooks.anomaly


# bound after the submodule import so that the names are the functions, as in torch
from .gradcheck import GradcheckError, gradcheck, gradgradcheck  # noqa: E402
