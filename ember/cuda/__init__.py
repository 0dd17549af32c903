"""torch.cuda: a thin layer over CuPy, imported only when asked.

`is_available()` never imports CuPy just to answer no: it first checks that the package is
installed at all.
"""
import functools
import importlib.util


@functools.cache
def _cupy_or_none():
    if importlib.util.find_spec("cupy") is None:
        return None
    try:
        import cupy
        cupy.cuda.runtime.getDeviceCount()
    except Exception:  # CuPy present but no driver/GPU: answer no, as torch does
        return None
    return cupy


def is_available():
    return _cupy_or_none() is not None


def device_count():
    cp = _cupy_or_none()
    return cp.cuda.runtime.getDeviceCount() if cp is not None else 0


def _require():
    from .._device import _cupy
    return _cupy()


def current_device():
    return _require().cuda.runtime.getDevice()


def set_device(device):
    from .._device import device as _dev
    d = _dev(device) if not isinstance(device, int) else _dev("cuda", device)
    _require().cuda.Device(d.index or 0).use()


def synchronize(device=None):
    _require().cuda.Device().synchronize()


def get_device_name(device=None):
    cp = _require()
    idx = cp.cuda.runtime.getDevice() if device is None else int(str(device).split(":")[-1])
    return cp.cuda.runtime.getDeviceProperties(idx)["name"].decode()
