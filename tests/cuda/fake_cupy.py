"""A NumPy stand-in for CuPy, to check Ember's device plumbing on a machine without a GPU.

`install()` puts modules named cupy, cupyx, cupyx.scipy, cupyx.scipy.special into
sys.modules; `ember.device("cuda")` then holds `FakeDeviceArray`s. A FakeDeviceArray wraps a
NumPy array but is NOT a numpy.ndarray, and it refuses to mix with one the way CuPy does:
- a ufunc, operator or numpy.<fn> call with a plain numpy.ndarray operand raises
  TypeError("mixing host and device arrays"), and so does cupy.<fn> given a host array;
- numpy.asarray(device_array) raises TypeError (CuPy: implicit conversion not allowed),
  so `.numpy()`-style host conversions inside ember are caught;
- CuPy has no bfloat16: a device array of that dtype raises TypeError.
Explicit moves are `cupy.asarray` / `cupy.array` (host -> device) and `cupy.asnumpy` /
`.get()` (device -> host). One fake GPU (ordinal 0); streams and events are synchronous.

Used by tests/conftest.py when EMBER_FAKE_CUDA=1 (whole suite with "cuda" in the device
fixture) and by tests/cuda/test_fake_device.py through a fixture. Never imported by ember.
"""
import contextlib
import importlib.machinery
import sys
import types

import numpy
import numpy.lib.mixins

MIXING = "mixing host and device arrays"
MODULE_NAMES = ("cupy", "cupy._core", "cupy._core._routines_linalg", "cupyx", "cupyx.scipy",
                "cupyx.scipy.special")


def _is_bfloat16(dtype):
    return getattr(dtype, "name", "") == "bfloat16"


def _unwrap(x, strict=True):
    """Device arrays to their NumPy storage (containers walked); a host ndarray raises."""
    if type(x) is FakeDeviceArray:
        return x._a
    if isinstance(x, numpy.ndarray):
        if strict:
            raise TypeError(f"{MIXING}: got a host numpy.ndarray {x.shape} {x.dtype} where a "
                            f"device (cupy) array is expected")
        return x
    if isinstance(x, (list, tuple)) and x:
        items = [_unwrap(e, strict) for e in x]
        return type(x)(items) if not hasattr(x, "_fields") else type(x)(*items)
    if isinstance(x, dict):
        return {k: _unwrap(v, strict) for k, v in x.items()}
    return x


def _wrap(x):
    """NumPy results as device arrays (NumPy scalars as 0-d arrays, as CuPy returns them)."""
    if isinstance(x, numpy.ndarray):
        return FakeDeviceArray(x)
    if isinstance(x, numpy.generic):
        return FakeDeviceArray(numpy.asarray(x))
    if isinstance(x, tuple):
        items = [_wrap(e) for e in x]
        return type(x)(*items) if hasattr(x, "_fields") else tuple(items)
    if isinstance(x, list):
        return [_wrap(e) for e in x]
    return x


class FakeDeviceArray(numpy.lib.mixins.NDArrayOperatorsMixin):
    """cupy.ndarray's stand-in: NumPy storage behind a type that is not numpy.ndarray."""

    __slots__ = ("_a", "__weakref__")
    __array_priority__ = 100
    __hash__ = None

    def __init__(self, a):
        if _is_bfloat16(a.dtype):
            raise TypeError("Unsupported dtype bfloat16 (CuPy has no bfloat16 arrays)")
        object.__setattr__(self, "_a", a)

    # ---- the refusals that make the stand-in useful
    def __array__(self, *args, **kwargs):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. Please use "
                        "`.get()` to construct a NumPy array explicitly. "
                        f"({MIXING}: numpy.asarray of a device array)")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        out = kwargs.get("out")
        kwargs = _unwrap(kwargs)
        with numpy.errstate(all="ignore"):  # CuPy never warns on floating-point exceptions
            result = getattr(ufunc, method)(*_unwrap(inputs), **kwargs)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _wrap(result)

    def __array_function__(self, func, types, args, kwargs):
        # CuPy dispatches numpy.<fn>(device arrays) to cupy.<fn>, which refuses host arrays
        return _wrap(func(*_unwrap(args), **_unwrap(kwargs)))

    # ---- everything else forwards to the NumPy storage, results back on the "device"
    def __getattr__(self, name):
        if name.startswith("__"):  # never leak __array_interface__ etc. (host conversion)
            raise AttributeError(name)
        attr = getattr(self._a, name)
        if callable(attr):
            def method(*args, **kwargs):
                return _wrap(attr(*_unwrap(args), **_unwrap(kwargs)))
            return method
        return _wrap(attr)

    def __setattr__(self, name, value):
        setattr(self._a, name, _unwrap(value))

    def __getitem__(self, key):
        return _wrap(self._a[_unwrap(key)])

    def __setitem__(self, key, value):
        self._a[_unwrap(key)] = _unwrap(value)

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (_wrap(row) for row in self._a)

    def __bool__(self):
        return bool(self._a)

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __index__(self):
        return self._a.__index__()

    def __complex__(self):
        return complex(self._a)

    def __repr__(self):
        return "fake_" + repr(self._a)

    def __copy__(self):
        return FakeDeviceArray(self._a.copy())

    def __deepcopy__(self, memo):
        return FakeDeviceArray(self._a.copy())

    def __reduce__(self):  # pickles as a device array, as cupy.ndarray does
        return (FakeDeviceArray, (self._a,))

    @property
    def data(self):  # cupy's MemoryPointer: .ptr is the address of element 0
        return _MemoryPointer(self._a.nbytes, self._a.__array_interface__["data"][0])

    @property
    def device(self):
        return cuda.Device(0)

    def get(self, stream=None, order="C", out=None, blocking=True):
        return self._a.copy()

    def set(self, arr, stream=None):
        self._a[...] = arr


def _forward_method(name):
    def method(self, *args, **kwargs):
        return _wrap(getattr(self._a, name)(*_unwrap(args), **_unwrap(kwargs)))
    method.__name__ = name
    return method


def _forward_property(name):
    return property(lambda self: _wrap(getattr(self._a, name)))


# cupy.ndarray's methods and properties are class attributes (ember calls e.g. type(x).sum)
for _name in dir(numpy.ndarray):
    if _name.startswith("_") or _name in ("device", "get", "set", "data", "ctypes", "base",
                                          "to_device", "tofile", "dump", "dumps"):
        continue
    if callable(getattr(numpy.ndarray, _name)) and not isinstance(
            getattr(numpy.ndarray, _name), (property, type(numpy.ndarray.shape))):
        setattr(FakeDeviceArray, _name, _forward_method(_name))
    else:
        setattr(FakeDeviceArray, _name, _forward_property(_name))


# ---------------------------------------------------------------- cupy.<fn>

_HOST_INPUT_OK = {"asarray", "array", "asanyarray", "ascontiguousarray", "asfortranarray"}


def _function(fn, name):
    strict = name not in _HOST_INPUT_OK

    def call(*args, **kwargs):
        args, kwargs = _unwrap(args, strict), _unwrap(kwargs, strict)
        with numpy.errstate(all="ignore"):
            return _wrap(fn(*args, **kwargs))
    call.__name__ = name
    call.__wrapped__ = fn
    return call


class _Ufunc:
    """cupy.<ufunc>: callable, with reduce/accumulate/outer (no .at: CuPy has none)."""

    def __init__(self, ufunc):
        self._u = ufunc
        self.__name__ = ufunc.__name__

    def __call__(self, *args, **kwargs):
        return FakeDeviceArray.__array_ufunc__(_DUMMY, self._u, "__call__", *args, **kwargs)

    def __getattr__(self, name):
        if name in ("reduce", "accumulate", "outer", "reduceat"):
            return lambda *a, **k: FakeDeviceArray.__array_ufunc__(_DUMMY, self._u, name, *a, **k)
        return getattr(self._u, name)


class _Namespace(types.ModuleType):
    """A NumPy (sub)module seen through the device: functions take and give device arrays;
    types, dtypes and constants pass through."""

    def __init__(self, name, source):
        super().__init__(name)
        self._source = source

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        attr = getattr(self._source, name)
        if name == "ndarray":
            value = FakeDeviceArray
        elif isinstance(attr, types.ModuleType):
            value = _Namespace(f"{self.__name__}.{name}", attr)
        elif isinstance(attr, numpy.ufunc):
            value = _Ufunc(attr)
        elif isinstance(attr, type) or not callable(attr):
            value = attr
        else:
            value = _function(attr, name)
        setattr(self, name, value)
        return value


_DUMMY = object.__new__(FakeDeviceArray)


# ---------------------------------------------------------------- cupy.cuda

class _Device:
    def __init__(self, device=None):
        self.id = cuda._current if device is None else int(device)
        if self.id != 0:
            raise RuntimeError(f"fake CUDA: no device {self.id} (one fake GPU)")
        self.compute_capability = "90"
        self._prev = []

    def use(self):
        cuda._current = self.id

    def synchronize(self):
        pass

    def __enter__(self):
        self._prev.append(cuda._current)
        cuda._current = self.id
        return self

    def __exit__(self, *exc):
        cuda._current = self._prev.pop()

    def __eq__(self, other):
        return isinstance(other, _Device) and other.id == self.id

    def __hash__(self):
        return hash(self.id)


class _Stream:
    _ptrs = iter(range(0x1000, 1 << 40, 0x10))

    def __init__(self, null=False, non_blocking=False, ptds=False):
        self.ptr = 0 if null else next(self._ptrs)
        self.done = True
        self._prev = []

    def synchronize(self):
        pass

    def wait_event(self, event):
        pass

    def record(self, event=None):
        event = event or _Event()
        event.record(self)
        return event

    def use(self):
        cuda._stream = self
        return self

    def __enter__(self):
        self._prev.append(cuda._stream)
        cuda._stream = self
        return self

    def __exit__(self, *exc):
        cuda._stream = self._prev.pop()


class _Event:
    def __init__(self, block=False, disable_timing=False, interprocess=False):
        self.ptr = id(self)
        self.done = True
        self._time = None

    def record(self, stream=None):
        import time
        self._time = time.perf_counter()

    def synchronize(self):
        pass


def _elapsed_time(start, end):
    return (end._time - start._time) * 1e3


class PinnedMemory(bytearray):
    pass


class PinnedMemoryPointer(bytearray):
    """Host memory that NumPy can view (numpy.ndarray(buffer=...)); isinstance-checkable."""


class _MemoryPointer:
    def __init__(self, size, ptr=0):
        self.size, self.ptr = size, ptr
        self.device_id = 0


class _MemoryPool:
    def used_bytes(self):
        return 0

    def total_bytes(self):
        return 0

    def free_all_blocks(self):
        pass

    def malloc(self, size):
        return _MemoryPointer(size)


class _Runtime(types.ModuleType):
    def getDeviceCount(self):  # noqa: N802 - CuPy's names
        return 1

    def getDevice(self):  # noqa: N802
        return cuda._current

    def setDevice(self, i):  # noqa: N802
        _Device(i).use()

    def getDeviceProperties(self, i):  # noqa: N802
        return {"name": b"Fake CUDA device (NumPy stand-in)", "totalGlobalMem": 1 << 34,
                "major": 9, "minor": 0, "multiProcessorCount": 1}

    def memGetInfo(self):  # noqa: N802
        return (1 << 34, 1 << 34)


cuda = types.ModuleType("cupy.cuda")
cuda._current = 0
cuda.runtime = _Runtime("cupy.cuda.runtime")
cuda.Device = _Device
cuda.Stream = _Stream
cuda.Stream.null = _Stream(null=True)
cuda._stream = cuda.Stream.null
cuda.Event = _Event
cuda.get_current_stream = lambda device=None: cuda._stream
cuda.get_elapsed_time = _elapsed_time
cuda.PinnedMemory = PinnedMemory
cuda.PinnedMemoryPointer = PinnedMemoryPointer
cuda.alloc_pinned_memory = PinnedMemoryPointer
_pool, _pinned_pool = _MemoryPool(), _MemoryPool()
cuda._allocator = _pool.malloc
cuda.get_allocator = lambda: cuda._allocator
cuda.set_allocator = lambda f=None: setattr(cuda, "_allocator", f or _pool.malloc)


# ---------------------------------------------------------------- the modules

def _device_copy(x, dtype=None, copy=True, order="K", **kwargs):
    a = numpy.array(_unwrap(x, strict=False), dtype=dtype, copy=copy, order=order)
    return FakeDeviceArray(a if a.base is None or not copy else a.copy())


def asarray(a, dtype=None, order=None, *, blocking=False):
    if type(a) is FakeDeviceArray and (dtype is None or numpy.dtype(dtype) == a._a.dtype):
        return a
    return _device_copy(a, dtype=dtype, copy=True, order=order or "K")


def asnumpy(a, stream=None, order="C", out=None, blocking=True):
    if type(a) is FakeDeviceArray:
        host = a._a.copy()
    else:
        host = numpy.asarray(a)
    if out is not None:
        out[...] = host
        return out
    return host


def get_array_module(*args):
    return cupy if any(type(a) is FakeDeviceArray for a in args) else numpy


def _scatter(ufunc):
    def scatter(a, slices, value):
        ufunc.at(_unwrap(a), _unwrap(slices), _unwrap(value))
    return scatter


def _special(name):
    import scipy.special
    return _function(getattr(scipy.special, name), name)


def _make():
    cp = _Namespace("cupy", numpy)
    cp.__spec__ = importlib.machinery.ModuleSpec("cupy", None)
    cp.__file__ = __file__
    cp.__version__ = "13.0.0-fake"
    cp.ndarray = FakeDeviceArray
    cp.cuda = cuda
    cp.asarray = asarray
    cp.asanyarray = asarray
    cp.array = _device_copy
    cp.asnumpy = asnumpy
    cp.get_array_module = get_array_module
    cp.get_default_memory_pool = lambda: _pool
    cp.get_default_pinned_memory_pool = lambda: _pinned_pool
    cp.from_dlpack = lambda x: FakeDeviceArray(numpy.from_dlpack(x))
    cp.fuse = lambda *a, **k: (lambda f: f)

    # ember._backend.cupy_ext.set_matmul_tf32's switch (recorded, no effect on NumPy matmul)
    core = types.ModuleType("cupy._core")
    linalg = types.ModuleType("cupy._core._routines_linalg")
    linalg.COMPUTE_TYPE_DEFAULT, linalg.COMPUTE_TYPE_TF32 = 1, 7
    linalg.compute_types = {}
    linalg.set_compute_type = lambda dtype, kind: linalg.compute_types.__setitem__(
        numpy.dtype(dtype), kind)
    linalg.get_compute_type = lambda dtype: linalg.compute_types.get(numpy.dtype(dtype), 1)
    core._routines_linalg, cp._core = linalg, core

    x = types.ModuleType("cupyx")
    x.__spec__ = importlib.machinery.ModuleSpec("cupyx", None)
    x.scatter_add = _scatter(numpy.add)
    x.scatter_max = _scatter(numpy.maximum)
    x.scatter_min = _scatter(numpy.minimum)
    scipy_ = types.ModuleType("cupyx.scipy")
    scipy_.__spec__ = importlib.machinery.ModuleSpec("cupyx.scipy", None)
    special = types.ModuleType("cupyx.scipy.special")
    special.__spec__ = importlib.machinery.ModuleSpec("cupyx.scipy.special", None)
    for name in ("erf", "erfc", "erfinv", "gammaln", "digamma", "polygamma", "i0", "i0e",
                 "i1", "i1e", "ndtri", "log_ndtr", "zeta", "xlogy", "entr", "erfcx"):
        setattr(special, name, _special(name))
    x.scipy, scipy_.special = scipy_, special
    return {"cupy": cp, "cupy._core": core, "cupy._core._routines_linalg": linalg, "cupyx": x, "cupyx.scipy": scipy_, "cupyx.scipy.special": special}


cupy = None


def modules():
    global cupy
    mods = _make()
    cupy = mods["cupy"]
    return mods


def install():
    """Put the stand-in into sys.modules for good (EMBER_FAKE_CUDA=1 runs)."""
    sys.modules.update(modules())


@contextlib.contextmanager
def installed(monkeypatch=None):
    """The stand-in for one block; afterwards sys.modules and the caches that remember CuPy
    (ember._device, ember.cuda, device('cuda') objects) are as they were."""
    import ember._device as d
    saved = {name: sys.modules.get(name) for name in MODULE_NAMES}
    saved_devices = dict(d._DEVICES)
    reset_caches()
    sys.modules.update(modules())
    try:
        yield cupy
    finally:
        for name, mod in saved.items():
            if mod is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = mod
        d._DEVICES.clear()
        d._DEVICES.update(saved_devices)
        reset_caches()
        for dev in d._DEVICES.values():  # cuda devices cache xp/ext on first use
            if dev.type == "cuda":
                for slot in ("xp", "ext"):
                    try:
                        object.__delattr__(dev, slot)
                    except AttributeError:
                        pass
        sys.modules.pop("ember._backend.cupy_ext", None)  # it bound the stand-in at import
        import ember._backend
        ember._backend.__dict__.pop("cupy_ext", None)


def reset_caches():
    """Clear every functools cache in ember that may hold CuPy or the answer 'no CUDA'."""
    import functools
    for modname in ("ember._device", "ember.cuda", "ember.cuda.memory", "ember.cuda.streams",
                    "ember.backends.cuda", "ember._backend.cudnn"):
        mod = sys.modules.get(modname)
        if mod is None:
            continue
        for value in vars(mod).values():
            if isinstance(value, functools._lru_cache_wrapper):
                value.cache_clear()
