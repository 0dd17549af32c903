import os
import sys

import numpy
import pytest

import ember

DEVICES = ["cpu"]

if os.environ.get("EMBER_FAKE_CUDA") == "1":
    # The NumPy stand-in for CuPy (tests/cuda/fake_cupy.py): "cuda" tensors hold arrays that
    # refuse to mix with host arrays, so the suite checks the device plumbing on the CPU.
    # Installed before anything imports ember.cuda / CuPy; GPU-marked tests still skip.
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "cuda"))
    import fake_cupy
    fake_cupy.install()


def _gpu_available():
    try:
        import ember.cuda
        return ember.cuda.is_available()
    except Exception:
        return False


if os.environ.get("EMBER_TEST_CUDA") == "1" or _gpu_available():
    DEVICES.append("cuda")


def pytest_collection_modifyitems(config, items):
    skip_gpu = pytest.mark.skip(reason="needs CuPy and an NVIDIA GPU (ember[cuda])")
    real_gpu = "cuda" in DEVICES and os.environ.get("EMBER_FAKE_CUDA") != "1"
    for item in items:
        if "gpu" in item.keywords and not real_gpu:
            item.add_marker(skip_gpu)


def _plain_float32(monkeypatch):
    """torch, the oracle, computes float32 on the CPU: on the GPU turn tf32 off (cuDNN's
    default is on) so float32 results compare at float32 tolerances."""
    import importlib
    for name, path in (("ember.backends.cudnn", ()), ("ember.backends.cuda", ("matmul",))):
        try:
            target = importlib.import_module(name)
            for attr in path:
                target = getattr(target, attr)
        except (ImportError, AttributeError):
            continue
        if hasattr(target, "allow_tf32"):
            monkeypatch.setattr(target, "allow_tf32", False)


@pytest.fixture(params=DEVICES)
def device(request, monkeypatch):
    if request.param == "cuda":
        _plain_float32(monkeypatch)
    return request.param


@pytest.fixture(autouse=True)
def _seed():
    ember.manual_seed(0)
    numpy.random.seed(0)
    yield
