"""NumPy versions of the kernels that differ between NumPy and CuPy (same names in cupy_ext)."""
import numpy


def scatter_add(out, index, values):
    """out[index] += values, accumulating repeated indices."""
    numpy.add.at(out, index, values)


def to_numpy(array):
    return array


def from_numpy(array):
    return array


def erf(x):
    # NumPy has no erf; math.erf via frompyfunc is exact but slow, so use a vectorised
    # Abramowitz-Stegun-free approach: scipy when present, else a float64 series.
    try:
        from scipy.special import erf as _erf
    except ImportError:
        return _erf_fallback(x)
    return _erf(x).astype(x.dtype, copy=False)


def _erf_fallback(x):
    import math
    vec = numpy.vectorize(math.erf, otypes=[numpy.float64])
    return vec(x).astype(x.dtype, copy=False)
