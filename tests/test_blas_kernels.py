"""ember/_blas.py: AVX-512 OpenBLAS kernels on AMD processors that have AVX-512, only when
ember loads before NumPy and the user has not chosen."""
import os
import subprocess
import sys

import ember._blas as blas

CODE = ("import os, ember, threadpoolctl\n"
        "info = [i for i in threadpoolctl.threadpool_info() if i['internal_api'] == 'openblas']\n"
        "print(ember._blas.PICKED, os.environ.get('OPENBLAS_CORETYPE'),"
        " info[0]['architecture'] if info else None)\n")


def _run(env_update, drop=("OPENBLAS_CORETYPE", "EMBER_BLAS_KERNELS")):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_update)
    return subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True,
                          text=True, check=True).stdout.split()


def test_kernels_follow_the_processor():
    vendor, flags = blas._cpu_flags()
    picked, coretype, arch = _run({})
    if sys.platform.startswith("linux") and vendor == "AuthenticAMD" and blas._AVX512 <= flags:
        assert (picked, coretype) == ("True", "SkylakeX")
        assert arch in ("SkylakeX", "None")       # None: NumPy built without OpenBLAS
    else:
        assert (picked, coretype) == ("False", "None")


def test_user_choice_and_opt_out_win():
    assert _run({"OPENBLAS_CORETYPE": "Haswell"})[:2] == ["False", "Haswell"]
    assert _run({"EMBER_BLAS_KERNELS": "0"})[:2] == ["False", "None"]


def test_numpy_loaded_first_is_left_alone():
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    out = subprocess.run([sys.executable, "-c", "import numpy, os, ember; "
                          "print(ember._blas.PICKED, os.environ.get('OPENBLAS_CORETYPE'))"],
                         env=env, capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "None"]
