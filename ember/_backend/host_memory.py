"""Keep freed host memory in the process (glibc only).

glibc hands large blocks (above its dynamic mmap threshold) back to the kernel on free and
trims the heap's top, so the next array of the same size comes back as fresh pages, and the
first write to each 4 KiB page is a page fault (~5 us each here). A training step allocates
and frees the same few dozen large arrays every step: a 2.8 MB gradient of zeros cost 6.6 ms
in faults where its arithmetic cost 0.2 ms, and LSTM steps ran 2.4x slower for it. Raising
both thresholds makes glibc reuse the blocks instead, as torch's caching allocator does.
The resident set then stays at its high-water mark (the peak itself does not grow).
Set EMBER_KEEP_HOST_MEMORY=0 to leave glibc's defaults."""
import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_ONE_GIB = 1 << 30


def keep_freed_memory():
    """Tell glibc's malloc to reuse freed blocks up to 1 GiB; True when it took effect."""
    if not sys.platform.startswith("linux") or os.environ.get("EMBER_KEEP_HOST_MEMORY") == "0":
        return False
    import ctypes
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):          # musl and other C libraries: nothing to do
        return False
    # (mallopt returns 1 on success)
    return bool(mallopt(_M_MMAP_THRESHOLD, _ONE_GIB) and mallopt(_M_TRIM_THRESHOLD, 2 * _ONE_GIB - 1))


KEPT = keep_freed_memory()
