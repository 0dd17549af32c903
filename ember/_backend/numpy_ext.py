"""NumPy versions of the kernels that differ between NumPy and CuPy (same names in cupy_ext)."""
import math

import numpy

# compiled_kernel(name, size): a numba-compiled loop (the ember[numba] extra), or None
# without numba or for small arrays, when the caller runs its NumPy code
from .numba_kernels import kernel as compiled_kernel  # noqa: F401


def scatter_add(out, index, values):
    """out[index] += values, accumulating repeated indices.

    numpy.add.at walks element by element (7 ms for an embedding's 45k gradient values).
    For integer-array indices on the leading dims (embeddings, index_select, gathers,
    losses) the keys are sorted and each run of equal keys summed with reduceat: ~20x
    faster, O(len(values)) whatever the size of out. One index array on dim 0 with values
    of whole rows (the embedding backward) sorts the rows only, not every element."""
    rows = index[0] if type(index) is tuple and len(index) == 1 else index
    if (isinstance(rows, numpy.ndarray) and rows.ndim == 1 and rows.dtype.kind in "iu"
            and out.dtype.kind in "fiu" and isinstance(values, numpy.ndarray)
            and values.shape == rows.shape + out.shape[1:]):
        if rows.dtype.kind == "i":
            rows = numpy.where(rows < 0, rows + out.shape[0], rows)
        keys, sums = _sum_runs(rows, values)
        out[keys] += sums
        return
    positions = _leading_positions(out, index)
    if positions is None:
        numpy.add.at(out, index, values)
        return
    keys, sums = _sum_runs(positions.reshape(-1),
                           numpy.broadcast_to(values, positions.shape).reshape(-1))
    out[numpy.unravel_index(keys, out.shape)] += sums


def _sum_runs(keys, values):
    """(distinct keys, sum of values[i] (rows along axis 0) over each key's entries), the
    additions in a stable order of the keys."""
    if keys.size == 0:
        return keys, values
    order = numpy.argsort(keys, kind="stable")
    keys = keys[order]
    starts = numpy.flatnonzero(numpy.concatenate(([True], keys[1:] != keys[:-1])))
    return keys[starts], numpy.add.reduceat(values[order], starts, axis=0)


def _leading_positions(out, index):
    """Flat positions in out of out[index] when index is k integer arrays for the leading k
    dims (the indexing of embeddings, gathers and losses); None for other indices."""
    if not isinstance(index, tuple):
        index = (index,)
    k = len(index)
    if k == 0 or k > out.ndim or out.dtype.kind not in "fiu" or not all(
            isinstance(i, numpy.ndarray) and i.dtype.kind in "iu" for i in index):
        return None
    lead = numpy.ravel_multi_index(numpy.broadcast_arrays(*index), out.shape[:k], mode="wrap")
    inner = out.shape[k:]
    if not inner:
        return lead
    rest = numpy.arange(math.prod(inner)).reshape(inner)
    return lead.reshape(lead.shape + (1,) * len(inner)) * rest.size + rest


def to_numpy(array):
    return array


def from_numpy(array):
    return array


# ---------------------------------------------------------------- error function family
# NumPy has no erf and SciPy is not a dependency. W. J. Cody's rational Chebyshev
# approximations ("Rational Chebyshev approximations for the error function", Math. Comp.
# 1969) are accurate to about 1e-16 in float64 over the whole line; inputs of lower
# precision are evaluated in float64 and rounded once, so float32 results are correctly
# rounded or within one ulp.
_ERF_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
          3.20937758913846947e03, 1.85777706184603153e-1)
_ERF_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
          2.84423683343917062e03)
_ERF_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
          2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
          2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8)
_ERF_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
          1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
          3.43936767414372164e03, 1.23033935480374942e03)
_ERF_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
          1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2)
_ERF_Q = (2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
          6.05183413124413191e-2, 2.33520497626869185e-3)
_SQRT_PI_INV = 0.56418958354775628695


def _erf_small(x):
    """erf(x) for |x| <= 0.46875: x * A(x^2) / B(x^2)."""
    z = x * x
    num = _ERF_A[4] * z
    den = z
    for i in range(3):
        num = (num + _ERF_A[i]) * z
        den = (den + _ERF_B[i]) * z
    return x * (num + _ERF_A[3]) / (den + _ERF_B[3])


def _erfc_large(y):
    """erfc(y) for y > 0.46875 (float64, y may be inf)."""
    out = numpy.empty_like(y)
    mid = y <= 4.0
    t = y[mid]
    num = _ERF_C[8] * t
    den = t
    for i in range(7):
        num = (num + _ERF_C[i]) * t
        den = (den + _ERF_D[i]) * t
    out[mid] = (num + _ERF_C[7]) / (den + _ERF_D[7])
    far = ~mid
    t = y[far]
    with numpy.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = 1.0 / (t * t)
        num = _ERF_P[5] * z
        den = z
        for i in range(4):
            num = (num + _ERF_P[i]) * z
            den = (den + _ERF_Q[i]) * z
        r = z * (num + _ERF_P[4]) / (den + _ERF_Q[4])
        out[far] = (_SQRT_PI_INV - r) / t
        # exp(-y*y) split as exp(-s*s) * exp(-(y-s)(y+s)) with s = y rounded down to 1/16,
        # so the rounding error of y*y is not amplified by the exponential
        s = numpy.trunc(y * 16.0) / 16.0
        out *= numpy.exp(-s * s) * numpy.exp(-(y - s) * (y + s))
    out[numpy.isinf(y)] = 0.0  # inf * 0 above would give nan
    return out


def _as_float64(x):
    return numpy.asarray(x, dtype=numpy.float64)


# A rational minimax fit of erf on [-4, 4] for single precision (the coefficients of
# Eigen's and XLA's float erf): erf(x) = x * P(x^2) / Q(x^2), and |erf(x)| rounds to 1 in
# float32 beyond 4. Evaluated in float64 it is within 1.6 ulp of float32's erf everywhere,
# at a fifth of the cost of Cody's branches (GELU calls erf on every activation).
_ERF32_P = (-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06,
            -5.69250639462346e-05, -7.34990630326855e-04, -2.95459980854025e-03,
            -1.60960333262415e-02)
_ERF32_Q = (-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03,
            -7.37332916720468e-03, -1.42647390514189e-02)


def _erf_single(x):
    t = numpy.clip(x, -4.0, 4.0, dtype=numpy.float64)   # nan stays nan
    z = t * t
    p = _ERF32_P[0] * z
    for c in _ERF32_P[1:-1]:
        p += c
        p *= z
    p += _ERF32_P[-1]
    q = _ERF32_Q[0] * z
    for c in _ERF32_Q[1:-1]:
        q += c
        q *= z
    q += _ERF32_Q[-1]
    p *= t
    p /= q
    return p.astype(x.dtype)


def erf(x):
    if x.dtype.kind == "f" and x.dtype.itemsize < 8:
        return _erf_single(x)
    a = _as_float64(x)
    out = numpy.empty_like(a)
    y = numpy.abs(a)
    small = y <= 0.46875
    out[small] = _erf_small(a[small])
    big = ~small  # nan lands here and stays nan
    yb = y[big]
    e = _erfc_large(yb)
    out[big] = numpy.copysign((0.5 - e) + 0.5, a[big])
    return out.astype(x.dtype, copy=False)


def erfc(x):
    a = _as_float64(x)
    out = numpy.empty_like(a)
    y = numpy.abs(a)
    small = y <= 0.46875
    out[small] = 1.0 - _erf_small(a[small])
    big = ~small
    e = _erfc_large(y[big])
    out[big] = numpy.where(a[big] < 0, 2.0 - e, e)
    return out.astype(x.dtype, copy=False)


def erfinv(x):
    """Inverse error function: M. Giles' single-precision approximation ("Approximating
    the erfinv function", GPU Computing Gems, 2011) as the start, refined in float64.
    Near 0 Halley steps on erf(t) - y converge cubically. In the tails, where erf(t) is
    too close to 1 to resolve, Newton steps on log(erfc(t)) = log(1 - |y|) (1 - |y| is
    exact there, and log(erfc) is nearly quadratic so Newton converges fast) keep full
    relative accuracy up to the last double below 1."""
    a = _as_float64(x)
    y = numpy.abs(a)
    out = numpy.empty_like(y)
    with numpy.errstate(divide="ignore", invalid="ignore", over="ignore"):
        tail = y > 0.5  # nan is not in the tail and stays nan in the centre
        yc = y[~tail]
        wc = -numpy.log1p(-yc * yc) - 2.5
        p = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941):
            p = c + p * wc
        t = p * yc
        for _ in range(2):
            dz = (erf(t) - yc) / (1.1283791670955126 * numpy.exp(-t * t))
            t = t - dz / (1.0 + t * dz)
        out[~tail] = t

        yt = y[tail]
        log_q = numpy.log1p(-yt)  # log(1 - |y|), exact argument
        w = -(log_q + numpy.log1p(yt))
        central = w < 5.0
        wp = w - 2.5
        p = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941):
            p = c + p * wp
        wq = numpy.sqrt(w) - 3.0
        q = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                  -0.0076224613, 0.00943887047, 1.00167406, 2.83297682):
            q = c + q * wq
        t = numpy.where(central, p, q) * yt
        finite = yt < 1.0
        t = numpy.where(finite, t, 1.0)  # keep inf/nan out of the iteration
        for _ in range(6):  # two steps for float32-sized tails, up to five at 1 - 2**-53
            ec = erfc(t)
            dt = (numpy.log(ec) - numpy.where(finite, log_q, 0.0)) * ec * \
                0.88622692545275801 * numpy.exp(t * t)
            t = t + dt
            if not (numpy.abs(dt) > 1e-16 * t).any():
                break
        t = numpy.where(yt == 1.0, numpy.inf, t)
        out[tail] = numpy.where(yt > 1.0, numpy.nan, t)
    return numpy.copysign(out, a).astype(x.dtype, copy=False)


_SCATTER_UFUNCS = {"sum": numpy.add, "prod": numpy.multiply, "amax": numpy.maximum,
                   "amin": numpy.minimum}


def scatter_reduce(out, index, values, reduce):
    """out[index] = reduce(out[index], values) in place, combining repeated indices;
    reduce is 'sum', 'prod', 'amax' or 'amin'."""
    _SCATTER_UFUNCS[reduce].at(out, index, values)


def cummax(x, axis):
    """Running maximum along axis (NaN propagates, as in torch.cummax)."""
    return numpy.maximum.accumulate(x, axis=axis)


def cummin(x, axis):
    return numpy.minimum.accumulate(x, axis=axis)


def logcumsumexp(x, axis):
    """log(cumsum(exp(x))) as a running logaddexp: stable for any spread of values."""
    return numpy.logaddexp.accumulate(x, axis=axis)


def quiet_fp():
    """Silence NumPy's divide/invalid warnings where inf and nan are the intended results."""
    return numpy.errstate(divide="ignore", invalid="ignore")


def conv_windows(x, out_shape, kernel, stride, dilation):
    """Read-only view (N, C, *out_shape, *kernel) of the padded input x (N, C, *spatial):
    window element [.., o, k] is x[.., o * stride + k * dilation] in each spatial dim."""
    st = x.strides
    sp = st[2:]
    strides = (st[0], st[1], *(s * t for s, t in zip(sp, stride)),
               *(s * d for s, d in zip(sp, dilation)))
    return numpy.lib.stride_tricks.as_strided(
        x, x.shape[:2] + tuple(out_shape) + tuple(kernel), strides, writeable=False)


_SAME_WIDTH_INT = {2: numpy.int16, 4: numpy.int32, 8: numpy.int64}


def keep(mask, values):
    """values where mask holds, else +0 (numpy.where(mask, values, 0) without its cost:
    NumPy's where branches per element and runs ~15x slower than a multiply on random
    masks). Floats go through their bits, AND-ed with all-ones or all-zeros, so inf and nan
    pass unchanged where the mask holds (a product would turn inf * 0 into nan)."""
    if values.dtype.kind != "f":
        return numpy.where(mask, values, 0)
    ints = _SAME_WIDTH_INT[values.dtype.itemsize]
    bits = -mask.view(numpy.int8).astype(ints)        # True -> all ones, False -> 0
    return (values.view(ints) & bits).view(values.dtype)


def broadcast_view(x, shape):
    """numpy.broadcast_to(x, shape) (a read-only view) without its Python layer (~1.5 us
    of nditer set-up): a C-contiguous x is the buffer of an ndarray with zero strides on the
    broadcast dims. Others (non-contiguous, empty) take broadcast_to."""
    if not x.flags.c_contiguous or x.size == 0:
        return numpy.broadcast_to(x, shape)
    lead = len(shape) - x.ndim
    strides = [0] * lead
    for n, s, t in zip(x.shape, x.strides, shape[lead:]):
        if n == 1:  # as broadcast_to: stride 0 on every size-1 dim
            strides.append(0)
        elif n == t:
            strides.append(s)
        else:  # not broadcastable: broadcast_to raises NumPy's error
            return numpy.broadcast_to(x, shape)
    out = numpy.ndarray(shape, x.dtype, x, 0, strides)
    out.flags.writeable = False
    return out


def conv_native(kind, x, w_or_g, stride, padding, dilation, groups, out_shape):
    """No native convolution library on the CPU: the im2col path runs (see cupy_ext)."""
