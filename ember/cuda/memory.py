"""GPU memory counters from CuPy's default memory pool (where Ember's CUDA arrays live).

allocated = bytes held by live arrays (MemoryPool.used_bytes), reserved = bytes the pool
holds from the driver, used or cached for reuse (MemoryPool.total_bytes). Without CUDA every
counter is 0 and empty_cache does nothing, as in a CPU-only torch.

CuPy keeps no peak. The peaks are tracked here by an allocator that wraps the pool's and
reads the pool's counters after each allocation (a peak can only rise when memory is
allocated). It is installed on the first call that needs a peak (max_memory_allocated,
max_memory_reserved, memory_stats or reset_peak_memory_stats), so that code which never
asks pays nothing per allocation; peaks count from that first call on. Measure a peak as
in torch: reset_peak_memory_stats(), run, max_memory_allocated().
"""
import collections

_peaks = {}        # GPU ordinal -> [peak allocated bytes, peak reserved bytes]
_tracking = False


def _pool_or_none():
    """CuPy's default pool once CUDA is in use; None without CUDA (never imports CuPy then)."""
    from . import is_available
    if not is_available():
        return None
    from .._device import _cupy
    return _cupy().get_default_memory_pool()


def _counters(pool, idx):
    from .._device import _cupy
    with _cupy().cuda.Device(idx):
        return pool.used_bytes(), pool.total_bytes()


def _index(device):
    from . import _index as index
    return index(device)


def _start_tracking(pool):
    global _tracking
    if _tracking:
        return
    from .._device import _cupy
    cp = _cupy()
    get = getattr(cp.cuda, "get_allocator", None)
    inner = get() if get is not None else pool.malloc

    def tracking_malloc(size):
        mem = inner(size)
        peak = _peaks.get(mem.device_id)
        if peak is not None:
            used, total = pool.used_bytes(), pool.total_bytes()
            peak[0] = max(peak[0], used)
            peak[1] = max(peak[1], total)
        return mem

    cp.cuda.set_allocator(tracking_malloc)
    _tracking = True


def _peak(pool, idx):
    """The [allocated, reserved] peaks of GPU idx, starting the tracking if needed."""
    _start_tracking(pool)
    used, total = _counters(pool, idx)
    peak = _peaks.setdefault(idx, [used, total])
    peak[0], peak[1] = max(peak[0], used), max(peak[1], total)
    return peak


def memory_allocated(device=None):
    pool = _pool_or_none()
    return 0 if pool is None else _counters(pool, _index(device))[0]


def memory_reserved(device=None):
    pool = _pool_or_none()
    return 0 if pool is None else _counters(pool, _index(device))[1]


def max_memory_allocated(device=None):
    pool = _pool_or_none()
    return 0 if pool is None else _peak(pool, _index(device))[0]


def max_memory_reserved(device=None):
    pool = _pool_or_none()
    return 0 if pool is None else _peak(pool, _index(device))[1]


def reset_peak_memory_stats(device=None):
    """Peaks start again from the current counters."""
    pool = _pool_or_none()
    if pool is not None:
        idx = _index(device)
        _start_tracking(pool)
        _peaks[idx] = list(_counters(pool, idx))


reset_max_memory_allocated = reset_peak_memory_stats


def memory_stats(device=None):
    """torch's keys for the counters Ember has (an empty dict without CUDA, as torch)."""
    pool = _pool_or_none()
    if pool is None:
        return collections.OrderedDict()
    idx = _index(device)
    used, total = _counters(pool, idx)
    peak = _peak(pool, idx)
    return collections.OrderedDict([
        ("allocated_bytes.all.current", used), ("allocated_bytes.all.peak", peak[0]),
        ("reserved_bytes.all.current", total), ("reserved_bytes.all.peak", peak[1]),
        ("active_bytes.all.current", used), ("inactive_split_bytes.all.current", total - used),
    ])


def mem_get_info(device=None):
    """(free, total) bytes of the GPU as the driver sees them (all processes included)."""
    from .._device import _cupy
    cp = _cupy()
    with cp.cuda.Device(_index(device)):
        return cp.cuda.runtime.memGetInfo()


def empty_cache():
    """Give the pool's cached, unused blocks back to the driver (live arrays stay)."""
    from . import is_initialized
    if is_initialized():  # nothing can be cached before CUDA is first used
        from .._device import _cupy
        cp = _cupy()
        cp.get_default_memory_pool().free_all_blocks()
        cp.get_default_pinned_memory_pool().free_all_blocks()
