"""torch.testing: assert_close with torch's default tolerances per dtype."""
import numpy

from .. import _dtype
from .._tensor import Tensor

# torch.testing.assert_close defaults (rtol, atol) by dtype
_TOLERANCES = {"float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1.3e-6, 1e-5),
               "float64": (1e-7, 1e-7), "complex64": (1.3e-6, 1e-5),
               "complex128": (1e-7, 1e-7)}


def _array(x):
    if isinstance(x, Tensor):
        a = x.device.ext.to_numpy(x.detach()._data)
        return a.astype(numpy.float32) if x.dtype is _dtype.bfloat16 else a
    return numpy.asarray(x)


def assert_close(actual, expected, *, rtol=None, atol=None, equal_nan=False,
                 check_dtype=True, check_device=True, msg=None):
    """Raise AssertionError unless |actual - expected| <= atol + rtol * |expected| everywhere."""
    if isinstance(expected, (list, tuple)):
        assert len(actual) == len(expected), f"sequence lengths differ: {len(actual)} != " \
                                             f"{len(expected)}"
        for a, e in zip(actual, expected):
            assert_close(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan,
                         check_dtype=check_dtype, check_device=check_device, msg=msg)
        return
    if isinstance(actual, Tensor) and isinstance(expected, Tensor):
        if actual.shape != expected.shape:
            raise AssertionError(msg or f"The values for attribute 'shape' do not match: "
                                        f"{actual.shape} != {expected.shape}.")
        if check_dtype and actual.dtype is not expected.dtype:
            raise AssertionError(msg or f"The values for attribute 'dtype' do not match: "
                                        f"{actual.dtype} != {expected.dtype}.")
        if check_device and actual.device != expected.device:
            raise AssertionError(msg or f"The values for attribute 'device' do not match: "
                                        f"{actual.device} != {expected.device}.")
        name = expected.dtype.name
    else:
        name = "float64" if isinstance(expected, float) else "int64"
    if rtol is None and atol is None:
        rtol, atol = _TOLERANCES.get(name, (0.0, 0.0))
    elif rtol is None or atol is None:
        raise ValueError("Both 'rtol' and 'atol' must be either specified or omitted")
    a, e = _array(actual), _array(expected)
    if not numpy.allclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan):
        diff = numpy.abs(a.astype(numpy.float64) - e.astype(numpy.float64))
        bad = ~numpy.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
        raise AssertionError(msg or (
            f"Tensor-likes are not close!\n\nMismatched elements: {int(bad.sum())} / {bad.size}"
            f"\nGreatest absolute difference: {numpy.nanmax(diff)}"
            f"\n(up to {atol} allowed, rtol {rtol})"))
