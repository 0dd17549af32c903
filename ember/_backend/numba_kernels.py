"""Compiled CPU kernels: the optional numba extra (`pip install ember[numba]`).

A few ops spend their time in many NumPy passes over the same array: GELU's erf, max
pooling's compare-and-select per window offset, layer norm's row statistics, softmax's
shift, exp, sum and scale. Here each is one compiled loop that LLVM vectorizes. The
NumPy code stays the reference: every kernel computes what its caller's NumPy path
computes, to float32 rounding, and tests/test_numba_kernels.py checks that.

Nothing here is imported by `import ember`: `kernel(name)` imports numba and compiles on
first use (cached on disk by numba), so the import stays fast and ember runs the same
without numba. EMBER_NUMBA=0 in the environment turns the kernels off. Loading numba
costs about 130 MB of resident memory, so only ops that gain a lot have a kernel.

Compiler flags: `contract` lets LLVM fuse a multiply and an add, as torch's vectorized
loops do; `reassoc` only for the kernels with row sums (_REDUCING), whose sums must be
split across vector lanes to vectorize; no other fast-math flag, so NaN, inf and signed
zero behave as in NumPy. error_model="numpy" drops the division-by-zero checks that
would otherwise stop vectorization.
"""
import math
import os

from numpy import float32 as F32, floor, int32, log, sqrt

_SQRT_HALF = 0.7071067811865476
_INV_SQRT_2PI = 0.3989422804014327

# Abramowitz & Stegun 7.1.26, erf(z) = 1 - t P(t) exp(-z^2) with t = 1 / (1 + p z) for
# z >= 0, absolute error below 1.5e-7: the float32 GELU's erf (see ops/nn.py)
GELU_ERF_P = 0.3275911
GELU_ERF_COEFFS = (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)
_C0, _C1, _C2, _C3, _C4 = (F32(c) for c in GELU_ERF_COEFFS)


def _gelu_phi_source(v):
    # (Phi(v), exp(-v^2 / 2)) of a float32: Phi = (1 + erf(z)) / 2, z = v / sqrt 2
    z = v * F32(_SQRT_HALF)
    e = _exp32(-(z * z))
    t = F32(1.0) / (abs(z) * F32(GELU_ERF_P) + F32(1.0))
    r = (((_C0 * t + _C1) * t + _C2) * t + _C3) * t + _C4
    erf_abs = F32(1.0) - e * t * r
    return F32(0.5) * (F32(1.0) + (erf_abs if v >= F32(0.0) else -erf_abs)), e


def _gelu_forward(x, out):
    for i in range(x.size):
        v = x[i]
        half, _ = _gelu_phi(v)
        out[i] = v * half


def _gelu_backward(x, grad, out):
    # d/dx x Phi(x) = Phi(x) + x phi(x), phi(x) = exp(-x^2 / 2) / sqrt(2 pi)
    for i in range(x.size):
        v = x[i]
        half, e = _gelu_phi(v)
        out[i] = grad[i] * (half + v * (e * F32(_INV_SQRT_2PI)))


def _max_pool2_forward(x, best, argk):
    # 2x2 windows at stride 2 tiling x exactly (the usual CNN pooling): x (planes, 2 oh,
    # 2 ow) -> best, argk (planes, oh, ow), argk the window offset 0..3 of the choice.
    # torch's rule: the running best starts at the window's first element and is
    # replaced by a greater element or a NaN (the first maximum, the last NaN).
    # Flat offsets, the row length W = 2 ow held in a variable: LLVM then vectorizes the
    # loop. With row views, a row length of its own (odd sizes), or even `2 * ow` written
    # out in the index, it did not, and ran 5-10x slower.
    ow = best.shape[2]
    W = 2 * ow
    xf = x.reshape(-1)
    bf = best.reshape(-1)
    kf = argk.reshape(-1)
    for r in range(best.shape[0] * best.shape[1]):
        top = 2 * r * W
        o = r * ow
        for j in range(ow):
            b = xf[top + 2 * j]
            k = 0
            v = xf[top + 2 * j + 1]
            if v > b or v != v:
                b = v
                k = 1
            v = xf[top + W + 2 * j]
            if v > b or v != v:
                b = v
                k = 2
            v = xf[top + W + 2 * j + 1]
            if v > b or v != v:
                b = v
                k = 3
            bf[o + j] = b
            kf[o + j] = k


def _max_pool2_backward(grad, argk, out):
    # out (planes, 2 oh, 2 ow): each gradient goes to the element its window chose.
    # Written as g * (code == k), as the NumPy path does (a select compiled to branches
    # here, 4x slower); flat offsets as in the forward.
    ow = grad.shape[2]
    W = 2 * ow
    gf = grad.reshape(-1)
    kf = argk.reshape(-1)
    of = out.reshape(-1)
    for r in range(grad.shape[0] * grad.shape[1]):
        top = 2 * r * W
        o = r * ow
        for j in range(ow):
            g = gf[o + j]
            k = kf[o + j]
            of[top + 2 * j] = g * (k == 0)
            of[top + 2 * j + 1] = g * (k == 1)
            of[top + W + 2 * j] = g * (k == 2)
            of[top + W + 2 * j + 1] = g * (k == 3)


def _layer_norm_forward(x, weight, bias, eps, y, mean, var, invstd):
    # x, y (rows, L); weight, bias (L,) or empty for none; mean, var, invstd (rows,).
    # The variance is of the centred values, as the NumPy path takes it.
    rows, n = x.shape
    affine = weight.size > 0
    shift = bias.size > 0
    for r in range(rows):
        xr = x[r]
        yr = y[r]
        total = xr.dtype.type(0)
        for j in range(n):
            total += xr[j]
        m = total / n
        sq = xr.dtype.type(0)
        for j in range(n):
            d = xr[j] - m
            sq += d * d
        v = sq / n
        k = xr.dtype.type(1) / sqrt(v + eps)
        mean[r] = m
        var[r] = v
        invstd[r] = k
        for j in range(n):
            yr[j] = (xr[j] - m) * k
        if affine:
            for j in range(n):
                yr[j] *= weight[j]
        if shift:
            for j in range(n):
                yr[j] += bias[j]


def _layer_norm_backward(x, grad, weight, mean, invstd, gx, gweight, gbias):
    # gx = invstd (gs - mean(gs) - xhat mean(gs xhat)), gs = grad * weight, per row;
    # gweight += grad * xhat and gbias += grad over the rows (either may be empty; float64
    # accumulators, as the sums run over every row)
    rows, n = x.shape
    affine = weight.size > 0
    want_w = gweight.size > 0
    want_b = gbias.size > 0
    for r in range(rows):
        xr = x[r]
        gr = grad[r]
        gxr = gx[r]
        m = mean[r]
        k = invstd[r]
        sum_gs = xr.dtype.type(0)
        sum_gsx = xr.dtype.type(0)
        for j in range(n):
            xhat = (xr[j] - m) * k
            gs = gr[j] * weight[j] if affine else gr[j]
            sum_gs += gs
            sum_gsx += gs * xhat
            if want_w:
                gweight[j] += gr[j] * xhat
            if want_b:
                gbias[j] += gr[j]
        mg = sum_gs / n
        mgx = sum_gsx / n
        for j in range(n):
            xhat = (xr[j] - m) * k
            gs = gr[j] * weight[j] if affine else gr[j]
            gxr[j] = k * (gs - mg - xhat * mgx)


def _softmax_forward(x, rowmax, out):
    # rows of x (rows, n) -> exp(x - max) / sum; the row maxima come from NumPy (a max
    # loop here did not vectorize: 4x slower), NaN-propagating, so a row with a NaN is NaN
    rows, n = x.shape
    for r in range(rows):
        xr = x[r]
        orow = out[r]
        m = rowmax[r]
        total = xr.dtype.type(0)
        for j in range(n):
            e = _exp32(xr[j] - m)
            orow[j] = e
            total += e
        for j in range(n):
            orow[j] /= total


def _softmax_backward(y, grad, out):
    # y (g - sum(g y)) per row
    rows, n = y.shape
    for r in range(rows):
        yr = y[r]
        gr = grad[r]
        dot = y.dtype.type(0)
        for j in range(n):
            dot += gr[j] * yr[j]
        orow = out[r]
        for j in range(n):
            orow[j] = yr[j] * (gr[j] - dot)


def _log_softmax_forward(x, rowmax, out):
    # x - max - log(sum(exp(x - max))) per row, the maxima as in _softmax_forward
    rows, n = x.shape
    for r in range(rows):
        xr = x[r]
        orow = out[r]
        m = rowmax[r]
        total = xr.dtype.type(0)
        for j in range(n):
            total += _exp32(xr[j] - m)
        shift = m + log(total)
        for j in range(n):
            orow[j] = xr[j] - shift


def _log_softmax_backward(y, grad, out):
    # g - exp(y) sum(g) per row
    rows, n = y.shape
    for r in range(rows):
        yr = y[r]
        gr = grad[r]
        total = y.dtype.type(0)
        for j in range(n):
            total += gr[j]
        orow = out[r]
        for j in range(n):
            orow[j] = gr[j] - _exp32(yr[j]) * total


_KERNELS = {"gelu_forward": _gelu_forward,
            "gelu_backward": _gelu_backward, "max_pool2_forward": _max_pool2_forward,
            "max_pool2_backward": _max_pool2_backward}
# row sums: reassociation lets LLVM vectorize them (float32 lanes, summed like NumPy's
# pairwise sum, not one long running total)
_REDUCING = {"layer_norm_forward": _layer_norm_forward,
             "layer_norm_backward": _layer_norm_backward,
             "softmax_forward": _softmax_forward, "softmax_backward": _softmax_backward,
             "log_softmax_forward": _log_softmax_forward,
             "log_softmax_backward": _log_softmax_backward}
_compiled = None  # name -> compiled kernel; {} when numba is missing or EMBER_NUMBA=0


# exp of a float32 inside a compiled loop. numba's own exp is a call into libm per
# element, which stops vectorization (2 ns an element against NumPy's 0.35); this one is
# arithmetic only. x = k ln2 + r with |r| <= ln2 / 2 (ln2 in two parts, so r is exact);
# e^r by its Taylor polynomial to degree 7 (truncation below 1e-9 relative); 2^k put
# together from exponent bits in two factors, so that results down to the subnormals
# come out. Within 2 ulp of the correctly rounded exp (tests/test_numba_kernels.py).
_LOG2E = F32(1.4426950408889634)
_LN2_HI = F32(0.693359375)      # 8 significant bits: k * _LN2_HI is exact
_LN2_LO = F32(-2.12194440e-4)
_EXP_TAYLOR = tuple(F32(1.0 / math.factorial(i)) for i in range(7, -1, -1))
_exp32 = _gelu_phi = None  # compiled in _compile (they need numba)


def _make_exp32(numba):
    from llvmlite import ir
    from numba.core import types
    from numba.extending import intrinsic

    @intrinsic
    def float32_from_bits(typingctx, bits):
        def codegen(context, builder, signature, args):
            return builder.bitcast(args[0], ir.FloatType())
        return types.float32(types.int32), codegen

    c7, c6, c5, c4, c3, c2, c1, c0 = _EXP_TAYLOR

    @numba.njit(inline="always", error_model="numpy", fastmath={"contract"})
    def exp32(x):
        # clamped to where e^x is neither inf nor 0 in float32 (a NaN passes: the
        # comparisons inside max and min are false for it and keep the first argument)
        x = min(max(x, F32(-104.0)), F32(89.0))
        k = floor(x * _LOG2E + F32(0.5))
        r = x - k * _LN2_HI
        r = r - k * _LN2_LO
        p = ((((((c7 * r + c6) * r + c5) * r + c4) * r + c3) * r + c2) * r + c1) * r + c0
        ki = int32(k)
        half = ki >> 1
        return (p * float32_from_bits((half + 127) << 23)
                * float32_from_bits((ki - half + 127) << 23))
    return exp32


def _compile():
    global _compiled, _exp32, _gelu_phi
    _compiled = {}
    if os.environ.get("EMBER_NUMBA", "1") == "0":
        return
    try:
        import numba
    except ImportError:
        return
    _exp32 = _make_exp32(numba)
    _gelu_phi = numba.njit(inline="always", error_model="numpy",
                           fastmath={"contract"})(_gelu_phi_source)
    flags = {"error_model": "numpy", "fastmath": {"contract"}}
    reducing = {"error_model": "numpy", "fastmath": {"contract", "reassoc"}}
    _compiled = {name: _jit(numba, fn, flags) for name, fn in _KERNELS.items()}
    _compiled.update({name: _jit(numba, fn, reducing) for name, fn in _REDUCING.items()})


def _jit(numba, fn, flags):
    """fn compiled lazily, its machine code cached on disk where numba finds a writable
    place (beside this file, else the user's cache folder); uncached where it finds none
    (a read-only install), which costs the compile time in every process."""
    try:
        return numba.njit(cache=True, **flags)(fn)
    except RuntimeError:  # numba: "cannot cache function ...: no locator available"
        return numba.njit(**flags)(fn)


# Below this many elements a kernel is not used: NumPy's passes then cost about as much as
# the kernel's dispatch, and a workload whose arrays are all small (the logits of a
# classifier, ResNet-18's included) never loads numba and its ~130 MB.
MIN_ELEMENTS = 32768


def kernel(name, size=None):
    """The compiled kernel `name` for an array of `size` elements, or None without numba
    or below MIN_ELEMENTS (callers then run NumPy). A backward whose forward ran the
    kernel passes no size: it must get one."""
    if size is not None and size < MIN_ELEMENTS:
        return None
    if _compiled is None:
        _compile()
    return _compiled.get(name)


def available():
    """Whether the kernels are in use (numba installed and EMBER_NUMBA not 0)."""
    return kernel("gelu_forward") is not None
