"""torch.cuda: NVIDIA GPUs through CuPy, imported only when asked.

`is_available()` and `device_count()` answer without importing CuPy when it is not installed
(and never raise). Everything else needs CuPy and a GPU and raises a RuntimeError naming the
install (`pip install 'ember[cuda]'`) otherwise, except the calls that are meaningful
without a GPU, as in torch: the memory counters read 0, `empty_cache` does nothing, and
the seeding functions seed Ember's one generator.

Random numbers: Ember has one counter-based generator (Philox) for every device; CUDA
tensors are drawn on the host and copied, so the same seed gives the same numbers on the
CPU and on the GPU. `manual_seed`, `seed`, `initial_seed`, `get_rng_state` and
`set_rng_state` here are those of `ember.random`.
"""
import functools
import importlib.util

from .memory import (  # noqa: F401
    empty_cache,
    max_memory_allocated,
    max_memory_reserved,
    mem_get_info,
    memory_allocated,
    memory_reserved,
    memory_stats,
    reset_max_memory_allocated,
    reset_peak_memory_stats,
)
from .streams import (  # noqa: F401
    Event,
    Stream,
    StreamContext,
    current_stream,
    default_stream,
    stream,
)


@functools.cache
def _cupy_or_none():
    if importlib.util.find_spec("cupy") is None:
        return None
    try:
        return _require()
    except Exception:  # noqa: BLE001 - CuPy present but unusable (no driver/GPU/CUDA libs): no
        return None


def is_available():
    return _cupy_or_none() is not None


def device_count():
    cp = _cupy_or_none()
    return cp.cuda.runtime.getDeviceCount() if cp is not None else 0


def is_initialized():
    """Whether CUDA is in use in this process (CuPy loaded and a GPU found)."""
    from .._device import cupy_loaded
    return cupy_loaded()


def init():
    _require()


def _require():
    """CuPy, or the RuntimeError that says what to install."""
    from .._device import _cupy
    return _cupy()


def _index(device):
    """The GPU ordinal of `device` (None: the current GPU; an int, 'cuda:1', device('cuda'))."""
    cp = _require()
    if device is None:
        return cp.cuda.runtime.getDevice()
    if isinstance(device, int):
        return device
    from .._device import device as _dev
    d = _dev(device)
    if d.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {d}")
    return cp.cuda.runtime.getDevice() if d.index is None else d.index


def current_device():
    return _require().cuda.runtime.getDevice()


def set_device(device):
    """Make `device` the current GPU (a negative ordinal does nothing, as in torch)."""
    idx = _index(device)
    if idx >= 0:
        _require().cuda.Device(idx).use()


class device:
    """torch.cuda.device(idx): a context manager that makes GPU `idx` current for a block
    (None or -1: stay where we are)."""

    def __init__(self, device):
        self.idx = -1 if device is None else _index(device)
        self.prev_idx = -1

    def __enter__(self):
        cp = _require()
        self.prev_idx = cp.cuda.runtime.getDevice()
        if self.idx >= 0 and self.idx != self.prev_idx:
            cp.cuda.runtime.setDevice(self.idx)
        return self

    def __exit__(self, *exc):
        if self.idx >= 0 and self.idx != self.prev_idx:
            _require().cuda.runtime.setDevice(self.prev_idx)
        return False


class device_of(device):
    """torch.cuda.device_of(tensor): the device context of a tensor's GPU (CPU: no change)."""

    def __init__(self, obj):
        super().__init__(obj.get_device() if obj.is_cuda else None)


def synchronize(device=None):
    """Wait for all work queued on a GPU (default: the current one) to finish."""
    cp = _require()
    cp.cuda.Device(_index(device)).synchronize()


# ---------------------------------------------------------------- properties

class _CudaDeviceProperties:
    """What torch.cuda.get_device_properties returns (the commonly read fields)."""

    def __init__(self, props):
        name = props["name"]
        self.name = name.decode() if isinstance(name, bytes) else str(name)
        self.total_memory = int(props["totalGlobalMem"])
        self.major = int(props["major"])
        self.minor = int(props["minor"])
        self.multi_processor_count = int(props["multiProcessorCount"])
        self.is_integrated = bool(props.get("integrated", 0))
        self.is_multi_gpu_board = bool(props.get("isMultiGpuBoard", 0))

    def __repr__(self):
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, "
                f"minor={self.minor}, total_memory={self.total_memory // (1024 * 1024)}MB, "
                f"multi_processor_count={self.multi_processor_count})")


def get_device_properties(device=None):
    return _CudaDeviceProperties(_require().cuda.runtime.getDeviceProperties(_index(device)))


def get_device_name(device=None):
    return get_device_properties(device).name


def get_device_capability(device=None):
    p = get_device_properties(device)
    return p.major, p.minor


def is_bf16_supported(including_emulation=True):
    """bfloat16 on the GPU: compute capability 8.0 (Ampere) or newer; False without CUDA."""
    if not is_available():
        return False
    return get_device_capability()[0] >= 8


def get_arch_list():
    return []


# ---------------------------------------------------------------- random numbers

def manual_seed(seed):
    """Seed Ember's generator (one for all devices: the CPU and GPUs draw the same numbers)."""
    from .. import random
    random.manual_seed(seed)


manual_seed_all = manual_seed


def seed():
    from .. import random
    random.seed()


seed_all = seed


def initial_seed():
    from .. import random
    return random.initial_seed()


def get_rng_state(device="cuda"):
    from .. import random
    return random.get_rng_state()


def get_rng_state_all():
    return [get_rng_state()]


def set_rng_state(new_state, device="cuda"):
    from .. import random
    random.set_rng_state(new_state)


def set_rng_state_all(new_states):
    for state in new_states:
        set_rng_state(state)


def __getattr__(name):
    # ember.cuda.amp (autocast/GradScaler) lives in its own module, loaded on first use
    if name == "amp":
        import importlib
        return importlib.import_module(f"{__name__}.amp")
    raise AttributeError(f"module 'ember.cuda' has no attribute '{name}'")
