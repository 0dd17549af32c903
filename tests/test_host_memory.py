"""ember/_backend/host_memory.py: glibc keeps freed blocks, unless the user opts out."""
import ctypes.util
import os
import subprocess
import sys

import pytest

glibc = sys.platform.startswith("linux") and "libc.so.6" in str(ctypes.util.find_library("c"))


def _kept(env_value):
    env = dict(os.environ)
    env.pop("EMBER_KEEP_HOST_MEMORY", None)
    if env_value is not None:
        env["EMBER_KEEP_HOST_MEMORY"] = env_value
    out = subprocess.run([sys.executable, "-c", "import ember._backend.host_memory as h; "
                          "print(h.KEPT)"], env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


@pytest.mark.skipif(not glibc, reason="glibc's malloc only")
def test_glibc_keeps_freed_memory_by_default_and_opt_out_works():
    assert _kept(None) == "True"
    assert _kept("0") == "False"


@pytest.mark.skipif(not glibc, reason="glibc's malloc only")
def test_reused_blocks_do_not_fault_again():
    # Allocate, touch and free a 40 MB block repeatedly (above glibc's largest dynamic mmap
    # threshold, so by default each round maps fresh pages): kept, later rounds reuse them.
    code = ("import resource, numpy, ember\n"
            "def faults():\n"
            "    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt\n"
            "for _ in range(2): numpy.ones(10 << 20, numpy.float32)\n"
            "f = faults()\n"
            "for _ in range(5): numpy.ones(10 << 20, numpy.float32)\n"
            "print(faults() - f)\n")
    env = dict(os.environ)
    env.pop("EMBER_KEEP_HOST_MEMORY", None)
    kept = int(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                              text=True, check=True).stdout)
    env["EMBER_KEEP_HOST_MEMORY"] = "0"
    default = int(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                 text=True, check=True).stdout)
    assert default > 100 and kept * 10 < default
