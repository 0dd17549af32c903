"""Whether operations record the graph: a thread-local flag and its context managers.

Each class works as a context manager and as a decorator, like torch's.
"""
import functools
import threading


class _State(threading.local):
    enabled = True
    inference = False


state = _State()


def is_grad_enabled():
    return state.enabled


def is_inference_mode_enabled():
    return state.inference


class _GradModeBase:
    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(*self._args):
                return fn(*args, **kwargs)
        return wrapper

    _args = ()


class no_grad(_GradModeBase):
    def __enter__(self):
        self._prev = state.enabled
        state.enabled = False

    def __exit__(self, *exc):
        state.enabled = self._prev


class enable_grad(_GradModeBase):
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


class inference_mode(_GradModeBase):
    """no_grad, and tensors made inside are marked as inference tensors."""

    def __init__(self, mode=True):
        self._args = (mode,)
        self.mode = mode

    def __enter__(self):
        self._prev = (state.enabled, state.inference)
        if self.mode:
            state.enabled, state.inference = False, True

    def __exit__(self, *exc):
        state.enabled, state.inference = self._prev

    def __call__(self, fn):
        if not callable(fn) or isinstance(fn, bool):
            return inference_mode(fn)
        return super().__call__(fn)
