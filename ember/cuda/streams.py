"""torch.cuda.Stream / Event / stream() over cupy.cuda.Stream and cupy.cuda.Event.

CuPy launches every kernel on its current stream, so making a Stream current (`with
ember.cuda.stream(s):`) puts Ember's ops for that block on it.
"""
import contextlib


def _cupy():
    from . import _require
    return _require()


class Stream:
    """A CUDA stream on a GPU (default: the current one). Like torch's side streams it does
    not synchronize with the default stream implicitly: order work with wait_stream /
    wait_event. `priority` is accepted and ignored (CuPy creates default-priority streams)."""

    def __init__(self, device=None, priority=0, **kwargs):
        from . import device as device_ctx
        cp = _cupy()
        with device_ctx(device):
            self._cp = cp.cuda.Stream(non_blocking=True)
            self.device_index = cp.cuda.runtime.getDevice()
        self.priority = priority

    @classmethod
    def _wrap(cls, cp_stream, device_index):
        self = object.__new__(cls)
        self._cp, self.device_index, self.priority = cp_stream, device_index, 0
        return self

    @property
    def device(self):
        from .._device import device
        return device("cuda", self.device_index)

    @property
    def cuda_stream(self):
        return self._cp.ptr

    def wait_event(self, event):
        """Work queued on this stream from now on waits for `event` (the host does not)."""
        self._cp.wait_event(event._cp)

    def wait_stream(self, stream):
        """Work queued on this stream from now on waits for all work queued on `stream` so far."""
        self.wait_event(stream.record_event())

    def record_event(self, event=None):
        if event is None:
            event = Event()
        event.record(self)
        return event

    def query(self):
        """True when all work queued on the stream has finished."""
        return bool(self._cp.done)

    def synchronize(self):
        self._cp.synchronize()

    def __enter__(self):
        self._ctx = stream(self)
        self._ctx.__enter__()
        return self

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)

    def __eq__(self, other):
        return (isinstance(other, Stream) and self.cuda_stream == other.cuda_stream
                and self.device_index == other.device_index)

    def __hash__(self):
        return hash((self.cuda_stream, self.device_index))

    def __repr__(self):
        return f"<ember.cuda.Stream device=cuda:{self.device_index} cuda_stream={self.cuda_stream:#x}>"


class Event:
    """A CUDA event: a marker in a stream, to wait on, to query, and (with
    enable_timing=True) to time the work between two of them."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        self._cp = _cupy().cuda.Event(block=blocking, disable_timing=not enable_timing,
                                      interprocess=interprocess)
        self.enable_timing = enable_timing
        self._recorded = False

    def record(self, stream=None):
        """Mark the point reached by `stream` (default: the current stream)."""
        self._cp.record((stream or current_stream())._cp)
        self._recorded = True

    def wait(self, stream=None):
        """Make `stream` (default: the current stream) wait for this event."""
        (stream or current_stream()).wait_event(self)

    def query(self):
        """True when the work captured by the event has finished (or it was never recorded)."""
        return bool(self._cp.done)

    def synchronize(self):
        """Block the host until the work captured by the event has finished."""
        self._cp.synchronize()

    def elapsed_time(self, end_event):
        """Milliseconds between this event and `end_event` (both recorded, both finished)."""
        if not (self.enable_timing and end_event.enable_timing):
            raise RuntimeError("Both events must be created with argument 'enable_timing=True'.")
        if not (self._recorded and end_event._recorded):
            raise RuntimeError("Both events must be recorded before calculating elapsed time.")
        return float(_cupy().cuda.get_elapsed_time(self._cp, end_event._cp))

    def __repr__(self):
        return f"<ember.cuda.Event {self._cp.ptr:#x}>"


def current_stream(device=None):
    """The stream CuPy launches on now, on `device` (default: the current GPU)."""
    from . import _index
    from . import device as device_ctx
    cp = _cupy()
    idx = _index(device)
    with device_ctx(idx):
        return Stream._wrap(cp.cuda.get_current_stream(), idx)


def default_stream(device=None):
    """The default (legacy null) stream of `device`."""
    from . import _index
    cp = _cupy()
    return Stream._wrap(cp.cuda.Stream.null, _index(device))


@contextlib.contextmanager
def stream(s):
    """Run a block with `s` as the current stream (and its GPU as the current device);
    `stream(None)` changes nothing."""
    if s is None:
        yield
        return
    from . import device as device_ctx
    with device_ctx(s.device_index), s._cp:
        yield


class StreamContext:
    """torch.cuda.StreamContext(s): the class form of stream(s)."""

    def __init__(self, s):
        self.stream = s

    def __enter__(self):
        self._ctx = stream(self.stream)
        self._ctx.__enter__()
        return self.stream

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)
