"""torch.device, and the one place where NumPy or CuPy is chosen.

`device.xp` is the array module and `device.ext` the module of the few kernels where
NumPy and CuPy differ (`ember/_backend/`). CuPy is imported on first use, never by
`import ember`.
"""
import functools
import re

import numpy

from ._backend import host_memory, numpy_ext  # noqa: F401  (host_memory: see its docstring)


# torch's grammar: a type of letters and underscores, then optionally ':' and an index
# without leading zeros
_DEVICE_STRING = re.compile(r"^([a-zA-Z_]+)(?::([1-9]\d*|0))?$")


CUDA_INSTALL_HINT = ("pip install 'ember[cuda]' (CuPy for CUDA 12: cupy-cuda12x; for CUDA 13 "
                     "install cupy-cuda13x instead)")


@functools.cache
def _cupy():
    """CuPy, once a GPU is known to be there; RuntimeError naming the install otherwise.

    (torch, built without CUDA, raises AssertionError("Torch not compiled with CUDA enabled")
    from its functions and RuntimeError from Stream/Event/device(); a RuntimeError is the
    honest common answer: the failure is the environment, not a broken invariant.)"""
    try:
        import cupy
    except ImportError:
        raise RuntimeError(f"CUDA is not available: CuPy is not installed. Ember runs on NVIDIA "
                           f"GPUs through CuPy: {CUDA_INSTALL_HINT}") from None
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as e:  # noqa: BLE001 - CuPy present, but no driver or no usable GPU
        raise RuntimeError(f"CUDA is not available: CuPy is installed but found no usable NVIDIA "
                           f"GPU or driver ({e})") from None
    if count == 0:
        raise RuntimeError("CUDA is not available: CuPy is installed but found no NVIDIA GPU")
    # ember.backends.cuda.matmul.allow_tf32 set before CuPy was loaded: CuPy would follow
    # its CUPY_TF32 environment variable, so tell it where the two disagree
    from .backends import cuda as backends_cuda
    if backends_cuda.matmul.allow_tf32 != backends_cuda._Matmul().allow_tf32:
        _cupy_ext().set_matmul_tf32(backends_cuda.matmul.allow_tf32)
    return cupy


def cupy_loaded():
    """Whether CUDA is in use in this process (CuPy imported and a GPU found)."""
    return _cupy.cache_info().currsize > 0


@functools.cache
def _cupy_ext():
    from ._backend import cupy_ext
    return cupy_ext


class device:
    """A device: `device('cpu')`, `device('cuda')`, `device('cuda:1')`, `device('cuda', 1)`."""

    __slots__ = ("type", "index", "xp", "ext", "__weakref__")

    def __new__(cls, type, index=None):  # noqa: A002 - torch's argument name
        if isinstance(type, device):
            return type
        if isinstance(type, int) and index is None:  # torch accepts a bare ordinal for cuda
            type, index = "cuda", type
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments: {type!r}")
        if not type:
            raise RuntimeError("Device string must not be empty")
        parsed = _DEVICE_STRING.match(type)
        if parsed is None:
            raise RuntimeError(f"Invalid device string: '{type}'")
        if parsed.group(2) is not None:
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index was "
                                   f"passed explicitly: {type}")
            index = int(parsed.group(2))
        type = parsed.group(1)
        if type not in ("cpu", "cuda"):
            raise RuntimeError(
                f"Expected one of cpu, cuda device type at start of device string: {type}")
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        key = (type, index)
        cached = _DEVICES.get(key)
        if cached is not None:
            return cached
        self = object.__new__(cls)
        self.type, self.index = key
        if type == "cpu":
            self.xp, self.ext = numpy, numpy_ext
        _DEVICES[key] = self
        return self

    def __getattr__(self, name):
        # Only reached for a cuda device's xp/ext before first use: import CuPy now.
        if name == "xp":
            self.xp = _cupy()
            return self.xp
        if name == "ext":
            self.ext = _cupy_ext()
            return self.ext
        raise AttributeError(f"'torch.device' object has no attribute '{name}'")

    def __eq__(self, other):
        # torch compares devices with devices only: device('cpu') == 'cpu' is False
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __reduce__(self):
        return (device, (self.type, self.index))

    # context manager: `with ember.device('cuda'):` sets the default device of creation ops
    def __enter__(self):
        _default_stack.append(self)
        return self

    def __exit__(self, *exc):
        _default_stack.pop()


_DEVICES = {}
cpu = device("cpu")
_default_stack = [cpu]


def get_default_device():
    return _default_stack[-1]


def set_default_device(d):
    _default_stack[0] = cpu if d is None else device(d)


def canonical(d):
    """The device a tensor is placed on: None means the default; 'cuda' means the current GPU."""
    if d is None:
        d = _default_stack[-1]
    elif not isinstance(d, device):
        d = device(d)
    if d.type == "cuda" and d.index is None:
        d = device("cuda", current_cuda_index())
    return d


def current_cuda_index():
    return _cupy().cuda.runtime.getDevice()
