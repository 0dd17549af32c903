"""Choose OpenBLAS's AVX-512 kernels on AMD processors that have AVX-512 (Zen 4 and later).

NumPy's OpenBLAS picks its kernels per CPU model at load time and maps AMD processors to its
AVX2 ("Haswell") kernels even where AVX-512 is there: on this project's machine (an AMD EPYC
with AVX-512) the SkylakeX kernels ran float32 GEMMs 1.4-1.7x faster and a ResNet-18
training step 21% faster. OpenBLAS reads OPENBLAS_CORETYPE only when it is loaded, so this
can act only when ember is imported before NumPy; it never overrides a user's setting, and
EMBER_BLAS_KERNELS=0 turns it off."""
import os
import sys

_AVX512 = {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"}


def _cpu_flags():
    """(vendor, flags) of the first processor in /proc/cpuinfo; ("", set()) elsewhere."""
    vendor, flags = "", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "vendor_id":
                    vendor = value.strip()
                elif key == "flags":
                    flags = set(value.split())
                    break
    except OSError:
        pass
    return vendor, flags


def pick_openblas_kernels():
    """Set OPENBLAS_CORETYPE=SkylakeX when it pays and is safe; True when it was set."""
    if ("numpy" in sys.modules or "OPENBLAS_CORETYPE" in os.environ
            or os.environ.get("EMBER_BLAS_KERNELS") == "0"
            or not sys.platform.startswith("linux")):
        return False
    vendor, flags = _cpu_flags()
    # Intel processors with AVX-512 are already given their own kernels by OpenBLAS
    if vendor != "AuthenticAMD" or not _AVX512 <= flags:
        return False
    os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"
    return True


PICKED = pick_openblas_kernels()
