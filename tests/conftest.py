import os

import numpy
import pytest

import ember

DEVICES = ["cpu"]


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
    for item in items:
        if "gpu" in item.keywords and "cuda" not in DEVICES:
            item.add_marker(skip_gpu)


@pytest.fixture(params=DEVICES)
def device(request):
    return request.param


@pytest.fixture(autouse=True)
def _seed():
    ember.manual_seed(0)
    numpy.random.seed(0)
    yield
