"""torch.backends.cudnn: flags of the cuDNN convolution path (NVIDIA's cuDNN frontend, the
PyPI package nvidia-cudnn-frontend, imported as `cudnn`).

The flags are plain module attributes with torch's defaults; the convolution code reads
them at each call, so `ember.backends.cudnn.benchmark = True` takes effect at once.
"""
import contextlib
import functools
import importlib.util

enabled = True
benchmark = False
benchmark_limit = 10
deterministic = False
allow_tf32 = True


@functools.cache
def _frontend():
    if importlib.util.find_spec("cudnn") is None:
        return None
    from .. import cuda
    if not cuda.is_available():
        return None
    try:
        import cudnn as frontend
        frontend.backend_version()
    except Exception:  # noqa: BLE001 - the frontend without a loadable cuDNN library
        return None
    return frontend


def is_available():
    """Whether cuDNN can be used: the frontend is installed and a GPU is there (never imports
    CuPy or cuDNN just to answer no)."""
    return _frontend() is not None


def version():
    """cuDNN's version as an integer (e.g. 91800 for 9.18.0), or None without cuDNN."""
    frontend = _frontend()
    return None if frontend is None else int(frontend.backend_version())


def is_acceptable(tensor):
    return bool(enabled) and tensor.device.type == "cuda" and is_available()


_FLAGS = ("enabled", "benchmark", "benchmark_limit", "deterministic", "allow_tf32")


@contextlib.contextmanager
def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False,
          allow_tf32=True):
    """Set all the flags for a block (torch's defaults for the arguments) and restore them."""
    module = globals()
    saved = {name: module[name] for name in _FLAGS}
    module.update(enabled=enabled, benchmark=benchmark, benchmark_limit=benchmark_limit,
                  deterministic=deterministic, allow_tf32=allow_tf32)
    try:
        yield
    finally:
        module.update(saved)
