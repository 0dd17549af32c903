"""Whether operations record the graph: a thread-local flag and its context managers.

Each class works as a context manager and as a decorator (with or without parentheses for
no_grad, enable_grad and inference_mode), like torch's. A decorated generator function keeps
the mode around each step of the generator, not around its creation.
"""
import functools
import inspect
import threading


class _State(threading.local):
    enabled = True
    inference = False
    in_backward = 0  # > 0 while this thread runs backward formulas (anomaly mode reads it)


state = _State()


def is_grad_enabled():
    return state.enabled


def is_inference_mode_enabled():
    return state.inference


class _GradModeBase:
    _args = ()

    def __call__(self, fn):
        make = self.clone
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def gen_wrapper(*args, **kwargs):
                gen = fn(*args, **kwargs)
                value = None
                while True:
                    try:
                        with make():
                            out = gen.send(value)
                    except StopIteration as stop:
                        return stop.value
                    value = yield out
            return gen_wrapper

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with make():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__(*self._args)


class _NoParamDecorator(_GradModeBase):
    """`@no_grad` (no parentheses) decorates the function directly."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return object.__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamDecorator):
    def __enter__(self):
        self._prev = state.enabled
        state.enabled = False

    def __exit__(self, *exc):
        state.enabled = self._prev


class enable_grad(_NoParamDecorator):
    def __enter__(self):
        self._prev = state.enabled
        state.enabled = True

    def __exit__(self, *exc):
        state.enabled = self._prev


class set_grad_enabled(_GradModeBase):
    """Sets grad mode at once (like torch, it also works as a plain call)."""

    def __init__(self, mode):
        self._args = (mode,)
        self._prev = state.enabled
        state.enabled = bool(mode)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        state.enabled = self._prev

    def __call__(self, fn):
        state.enabled = self._prev  # used as a decorator: undo the eager set from __init__
        return super().__call__(fn)

    def clone(self):
        return set_grad_enabled(*self._args)


class inference_mode(_GradModeBase):
    """inference_mode(True) turns recording off; inference_mode(False) turns it back on
    (torch's InferenceMode(false) re-enables grad mode, even inside no_grad).

    Unlike torch, tensors made inside are not marked as inference tensors.
    """

    def __new__(cls, mode=True):
        if callable(mode) and not isinstance(mode, bool):
            return super().__new__(cls)(mode)  # @inference_mode without parentheses
        return super().__new__(cls)

    def __init__(self, mode=True):
        self._args = (mode,)
        self.mode = mode

    def __enter__(self):
        self._prev = (state.enabled, state.inference)
        state.enabled, state.inference = not self.mode, bool(self.mode)

    def __exit__(self, *exc):
        state.enabled, state.inference = self._prev
