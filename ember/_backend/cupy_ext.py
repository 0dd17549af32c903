"""CuPy versions of the kernels in numpy_ext (same names). Imported only for cuda tensors."""
import cupy
import cupyx
import cupyx.scipy.special
import numpy


def scatter_add(out, index, values):
    cupyx.scatter_add(out, index, values)


def to_numpy(array):
    return cupy.asnumpy(array)


def from_numpy(array):
    return cupy.asarray(array)


def erf(x):
    return cupyx.scipy.special.erf(x)


def scatter_reduce(out, index, values, reduce):
    """out[index] = reduce(out[index], values) in place, combining repeated indices;
    reduce is 'sum', 'prod', 'amax' or 'amin'. `index` is a tuple of integer arrays."""
    if reduce == "sum":
        cupyx.scatter_add(out, index, values)
    elif reduce == "amax":
        cupyx.scatter_max(out, index, values)
    elif reduce == "amin":
        cupyx.scatter_min(out, index, values)
    else:
        # no scatter-multiply in CuPy: multiply in rounds, each round touching every
        # position at most once (the k-th repeat of each position in round k)
        arrays = cupy.broadcast_arrays(*index, values)
        flat = cupy.ravel_multi_index(tuple(a.reshape(-1) for a in arrays[:-1]), out.shape,
                                      mode="wrap")
        vals = arrays[-1].reshape(-1)
        order = cupy.argsort(flat)
        flat, vals = flat[order], vals[order]
        rank = cupy.arange(flat.size) - cupy.searchsorted(flat, flat, side="left")
        target = out.reshape(-1)
        for k in range(int(rank.max()) + 1 if flat.size else 0):
            sel = rank == k
            target[flat[sel]] *= vals[sel]


def _scan(op, x, axis):
    """Inclusive scan of an associative elementwise op by doubling (log2(n) kernel launches);
    CuPy's ufunc.accumulate does not cover maximum/minimum/logaddexp."""
    y = cupy.moveaxis(x, axis, -1).copy()
    n, step = y.shape[-1], 1
    while step < n:
        y[..., step:] = op(y[..., step:], y[..., :-step])
        step *= 2
    return cupy.moveaxis(y, -1, axis)


def cummax(x, axis):
    return _scan(cupy.maximum, x, axis)


def cummin(x, axis):
    return _scan(cupy.minimum, x, axis)


def logcumsumexp(x, axis):
    return _scan(cupy.logaddexp, x, axis)


def quiet_fp():
    import contextlib
    return contextlib.nullcontext()  # CuPy never warns on floating-point exceptions


def erfc(x):
    return cupyx.scipy.special.erfc(x)


def erfinv(x):
    return cupyx.scipy.special.erfinv(x)


def conv_windows(x, out_shape, kernel, stride, dilation):
    """Read-only view (N, C, *out_shape, *kernel) of the padded input x (N, C, *spatial):
    window element [.., o, k] is x[.., o * stride + k * dilation] in each spatial dim."""
    st = x.strides
    sp = st[2:]
    strides = (st[0], st[1], *(s * t for s, t in zip(sp, stride)),
               *(s * d for s, d in zip(sp, dilation)))
    return cupy.lib.stride_tricks.as_strided(x, x.shape[:2] + tuple(out_shape) + tuple(kernel),
                                             strides)


def keep(mask, values):
    """values where mask holds, else +0 (a GPU where has no branch cost)."""
    return cupy.where(mask, values, 0)


def broadcast_view(x, shape):
    """numpy_ext.broadcast_view's counterpart: CuPy's broadcast_to has no Python layer to skip."""
    return cupy.broadcast_to(x, shape)


# ---------------------------------------------------------------- device settings (not kernels)

def set_matmul_tf32(enabled):
    """Let cuBLAS round float32 (and complex64) matmul inputs to TF32 on tensor cores
    (ember.backends.cuda.matmul.allow_tf32). CuPy reads the CUPY_TF32 environment variable
    once, at the first float32 matmul; its runtime switch is the compute type of
    cupy._core._routines_linalg (set_compute_type, the function CuPy's own tests use).
    TF32 needs compute capability 8.0+: CuPy warns and keeps full float32 on older GPUs,
    so it is only requested there."""
    from cupy._core import _routines_linalg as linalg
    tf32 = getattr(linalg, "COMPUTE_TYPE_TF32", 7)
    default = getattr(linalg, "COMPUTE_TYPE_DEFAULT", 1)
    if enabled and int(cupy.cuda.Device().compute_capability) < 80:
        enabled = False
    linalg.set_compute_type(cupy.float32, tf32 if enabled else default)


def pinned_copy(array):
    """A NumPy array in page-locked (pinned) host memory holding a copy of `array`: copies
    between it and the GPU run at full bus speed and can overlap with kernels."""
    mem = cupy.cuda.alloc_pinned_memory(max(array.nbytes, 1))
    out = numpy.ndarray(array.shape, array.dtype, buffer=mem)
    out[...] = array
    return out


def is_pinned(array):
    """Whether a NumPy array lives in CuPy's pinned host memory (views of it included)."""
    base = array
    while isinstance(base, numpy.ndarray):
        base = base.base
    return isinstance(base, (cupy.cuda.PinnedMemoryPointer, cupy.cuda.PinnedMemory))


def conv_native(kind, x, w_or_g, stride, padding, dilation, groups, out_shape):
    """A convolution through the cuDNN frontend, or None (cudnn not installed, or no engine
    for the case): the caller then takes its im2col path. kind "forward": (x, w), out_shape
    = output spatial shape; "dgrad": (grad_out, w), out_shape = input spatial shape;
    "wgrad": (x, grad_out), out_shape = kernel. padding is (lo, hi) per spatial dim."""
    from . import cudnn as conv
    fn = {"forward": conv.forward, "dgrad": conv.dgrad, "wgrad": conv.wgrad}[kind]
    return fn(cupy, x, w_or_g, stride, padding, dilation, groups, out_shape)


def compiled_kernel(name, size=None):
    return None  # the numba kernels are CPU loops; CuPy runs the array code
