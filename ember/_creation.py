"""Creation ops: tensor, as_tensor, asarray, from_numpy, zeros/ones/full/empty, arange, linspace,
logspace, eye, tril/triu_indices, *_like.

dtype inference is torch's: over all the leaves of the data, Python bools count as bool, ints
as int64, floats as the default dtype and complex numbers as the default complex dtype;
NumPy arrays and scalars and Tensors count with their own dtype; the result is the
promote_types of them all. NumPy arrays given alone keep their dtype.
"""
import builtins
import math
import warnings
from collections.abc import Sequence as _Sequence

import numpy

from . import _dtype
from ._device import canonical
from ._tensor import Size, Tensor, make_tensor
from .autograd.function import _DIFFERENTIABLE

_PY_NUMBER = {bool: _dtype.bool, int: _dtype.int64, float: None, complex: None}
_PY_TYPES = frozenset(_PY_NUMBER)


def _finish(array, device, requires_grad):
    """Place a NumPy array on `device` and wrap it."""
    if device.type != "cpu":
        with device.xp.cuda.Device(device.index):
            array = device.xp.asarray(array)
    t = make_tensor(array, device)
    if requires_grad:
        if array.dtype not in _DIFFERENTIABLE:
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        t.requires_grad = True
    return t


def _alloc(device, fn, *args):
    """xp.<fn>(*args) on `device` (CuPy allocates on the current GPU, so select it first)."""
    if device.type == "cpu":
        return getattr(numpy, fn)(*args)
    with device.xp.cuda.Device(device.index):
        return getattr(device.xp, fn)(*args)


# ---------------------------------------------------------------- dtype inference

def _leaf_dtype(x):
    t = type(x)
    if t is float:
        return _dtype.get_default_dtype()
    if t is int:
        return _dtype.int64
    if t is bool:
        return _dtype.bool
    if t is builtins.complex:
        return _dtype.default_complex()
    if isinstance(x, Tensor):
        return x.dtype
    if isinstance(x, (numpy.ndarray, numpy.generic)):
        return _numpy_dtype(x.dtype)
    if isinstance(x, str):
        raise TypeError(f"new(): invalid data type '{t.__name__}'")
    if isinstance(x, float):  # float subclasses other than NumPy's
        return _dtype.get_default_dtype()
    if isinstance(x, int):
        return _dtype.int64
    raise RuntimeError(f"Could not infer dtype of {t.__name__}")


def _numpy_dtype(np_dtype):
    if not np_dtype.isnative:
        raise ValueError("given numpy array has byte order different from the native byte "
                         "order. Conversion between byte orders is currently not supported.")
    return _dtype.from_numpy(np_dtype)


def _scan(seq, found):
    """Collect the dtypes of the leaves of a nested list/tuple into the set `found`; True when
    some leaf is not a plain Python number (a Tensor, a NumPy array or scalar)."""
    kinds = set(map(type, seq))  # one C-level pass per innermost list keeps big lists fast
    if kinds <= _PY_TYPES:
        for k in kinds:
            found.add(_PY_NUMBER[k] or (_dtype.get_default_dtype() if k is float
                                        else _dtype.default_complex()))
        return False
    objects = False
    for x in seq:
        if isinstance(x, (list, tuple)):
            objects |= _scan(x, found)
        else:
            found.add(_leaf_dtype(x))
            objects |= type(x) not in _PY_TYPES
    return objects


def _infer_dtype(data):
    """(dtype torch infers for `data`, whether nested data holds Tensors/arrays/NumPy scalars)."""
    if isinstance(data, (list, tuple)):
        found = set()
        objects = _scan(data, found)
        if not found:
            return _dtype.get_default_dtype(), objects  # torch.tensor([]) is float
        it = iter(found)
        d = next(it)
        for other in it:
            d = _dtype.promote_types(d, other)
        return d, objects
    return _leaf_dtype(data), False


def _plain(seq):
    """Nested lists with Tensors and arrays inside become lists of numbers (torch allows it)."""
    if isinstance(seq, (Tensor, numpy.ndarray)):
        return seq.tolist()
    if isinstance(seq, (list, tuple)):
        return [_plain(x) for x in seq]
    return seq


def _shape_of(seq):
    """The shape torch reads from nested sequences (first element of each level), and the
    first inconsistency as torch's ValueError."""
    shape = []
    level = [seq]
    while True:
        lengths = set()
        nxt = []
        for s in level:
            if isinstance(s, (list, tuple)):
                lengths.add(len(s))
                nxt.extend(s)
            else:
                lengths.add(None)
        if lengths == {None}:
            return shape
        if len(lengths) > 1:
            n = len(level[0]) if isinstance(level[0], (list, tuple)) else None
            for s in level:
                got = len(s) if isinstance(s, (list, tuple)) else None
                if got != n:
                    if n is None or got is None:
                        raise TypeError("not a sequence" if got is None else
                                        f"'{type(s).__name__}' object cannot be interpreted "
                                        "as an integer")
                    raise ValueError(f"expected sequence of length {n} at dim {len(shape)} "
                                     f"(got {got})")
        shape.append(lengths.pop())
        level = nxt


def _to_numpy(data, dtype, objects):
    """A new NumPy array of `data` in ember dtype `dtype`."""
    if not isinstance(data, (list, tuple)):
        if isinstance(data, int) and not -2 ** 63 <= data < 2 ** 64:
            raise ValueError("Overflow when unpacking long long")
        data = [data]
        scalar = True
    else:
        scalar = False
    plain = _plain(data) if objects else data
    integer = not (dtype.is_floating_point or dtype.is_complex or dtype is _dtype.bool)
    try:
        if dtype is _dtype.int64:
            array = numpy.array(plain, dtype=numpy.int64)  # ints beyond int64 overflow
        elif integer:
            # through int64 (or float64), so that out-of-range ints raise and negative ints
            # wrap into unsigned types as torch does, instead of NumPy's OverflowError
            base = numpy.array(plain)
            if base.dtype.kind == "O" or base.dtype == numpy.uint64 and base.size and \
                    base.max() >= 2 ** 63:
                raise OverflowError
            if base.dtype.kind == "c":
                raise TypeError("'complex' object cannot be interpreted as an integer")
            info = numpy.iinfo(dtype.np)
            if base.dtype.kind in "iub":
                base = base.astype(numpy.int64)
                lo = -int(info.max) if info.min == 0 else int(info.min)  # unsigned wraps
            else:
                lo = int(info.min)
            if base.size and (base.min() < lo or base.max() > info.max or
                              not numpy.isfinite(base).all()):
                raise RuntimeError(f"value cannot be converted to type {dtype.name} "
                                   "without overflow")
            array = base.astype(dtype.np)
        else:
            # out-of-range floats become inf as in torch, without NumPy's warnings
            with numpy.errstate(over="ignore"), warnings.catch_warnings():
                warnings.simplefilter("error", numpy.exceptions.ComplexWarning)
                array = numpy.array(plain, dtype=dtype.np)
    except OverflowError:
        raise ValueError("Overflow when unpacking long long") from None
    except numpy.exceptions.ComplexWarning:
        raise TypeError("must be real number, not complex") from None
    except ValueError:
        _shape_of(plain)  # raises torch's message for ragged data
        raise
    return array.reshape(()) if scalar else array


# ---------------------------------------------------------------- from data

def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of `data` (nested sequences, NumPy arrays, numbers, Tensors)."""
    if isinstance(data, Tensor):
        device = data.device if device is None else canonical(device)  # torch keeps data's
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or sourceTensor.detach().clone()"
                      ".requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
        np_dtype = (dtype or data.dtype).np
        src = data._data if data.device == device else data.device.ext.to_numpy(data._data)
        return _finish(src.astype(np_dtype, copy=True), device, requires_grad)
    device = canonical(device)
    if isinstance(data, numpy.ndarray):
        _numpy_dtype(data.dtype)
        array = data.astype(dtype.np if dtype is not None else data.dtype, copy=True)
    else:
        if isinstance(data, _Sequence) and not isinstance(data, (str, bytes, list, tuple)):
            data = list(data)  # range and other sequences
        inferred, objects = _infer_dtype(data)
        array = _to_numpy(data, dtype if dtype is not None else inferred, objects)
    return _finish(array, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like tensor(), but shares memory with `data` when dtype and device allow."""
    if isinstance(data, Tensor):
        if dtype is None and device is None:
            return data
        return data.to(device=canonical(device) if device is not None else None, dtype=dtype)
    target = canonical(device)
    if isinstance(data, numpy.ndarray) and target.type == "cpu":
        t = from_numpy(data, _warn=False)
        return t if dtype is None else t.to(dtype)
    if target.type != "cpu" and hasattr(data, "__cuda_array_interface__"):
        with target.xp.cuda.Device(target.index):
            t = make_tensor(target.xp.asarray(data), target)
        _dtype.from_numpy(t._data.dtype)
        return t if dtype is None else t.to(dtype)
    return tensor(data, dtype=dtype, device=target)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """torch.asarray: shares memory with tensors and NumPy arrays unless `copy=True`;
    `copy=False` raises when sharing is impossible."""
    if isinstance(obj, (Tensor, numpy.ndarray)):
        if isinstance(obj, Tensor):
            src, src_dtype = obj, obj.dtype
        else:
            src_dtype = _numpy_dtype(obj.dtype)
            src = from_numpy(obj, _warn=False)
        target = canonical(device) if device is not None else src.device
        dtype = dtype or src_dtype
        if copy is False and dtype is not src_dtype:
            raise ValueError(f"can't alias tensor with dtype '{_NAMES[src_dtype.name]}' into "
                             f"dtype '{_NAMES[dtype.name]}'.")
        if copy is False and target != src.device:
            raise ValueError(f"can't alias tensor on device '{src.device}' into device "
                             f"'{target}'.")
        t = src.to(device=target, dtype=dtype, copy=bool(copy))
        if requires_grad:
            t = (t.detach() if t is obj else t).requires_grad_(True)
        return t
    if copy is False:
        raise ValueError(f"can't alias Python object of type {type(obj).__name__} "
                         "(copy=False).")
    return tensor(obj, dtype=dtype, device=device, requires_grad=requires_grad)


_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
          "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
          "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def from_numpy(ndarray, *, _warn=True):
    """A CPU tensor sharing memory with `ndarray` (writes show on both sides)."""
    if not isinstance(ndarray, numpy.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _numpy_dtype(ndarray.dtype)
    if _warn and not ndarray.flags.writeable:
        warnings.warn("The given NumPy array is not writable, and PyTorch does not support "
                      "non-writable tensors. This means writing to this tensor will result in "
                      "undefined behavior. You may want to copy the array to protect its data "
                      "or make it writable before converting it to a tensor. This type of "
                      "warning will be suppressed for the rest of this program.",
                      UserWarning, stacklevel=2)
    return make_tensor(ndarray, canonical("cpu"))


_DLPACK_CPU = 1  # DLDeviceType kDLCPU; kDLCUDA is 2


class _Capsule:
    """A bare DLPack capsule (torch.utils.dlpack.to_dlpack's result) seen as a host producer:
    NumPy only consumes objects with __dlpack__ and reads the capsule's device itself."""

    def __init__(self, capsule):
        self._capsule = capsule

    def __dlpack__(self, *args, **kwargs):
        return self._capsule

    def __dlpack_device__(self):
        return (_DLPACK_CPU, 0)


def from_dlpack(ext_tensor):
    """Zero-copy import from any DLPack producer (torch, NumPy, CuPy, ...) or a DLPack capsule:
    host memory becomes a CPU tensor, GPU memory a CUDA tensor over the same buffer."""
    if type(ext_tensor).__name__ == "PyCapsule":
        try:
            return make_tensor(numpy.from_dlpack(_Capsule(ext_tensor)), canonical("cpu"))
        except BufferError:  # a GPU capsule (NumPy refuses it before consuming it)
            from ._device import _cupy, device
            array = _cupy().from_dlpack(ext_tensor)
            return make_tensor(array, device("cuda", array.device.id))
    if ext_tensor.__dlpack_device__()[0] != _DLPACK_CPU:
        from ._device import _cupy, device
        array = _cupy().from_dlpack(ext_tensor)
        return make_tensor(array, device("cuda", array.device.id))
    if str(getattr(ext_tensor, "dtype", "")).endswith("bfloat16"):
        # NumPy knows no DLPack bfloat16: import the producer's 16-bit view, then reinterpret
        import sys
        library = sys.modules.get(type(ext_tensor).__module__.partition(".")[0])
        bits = numpy.from_dlpack(ext_tensor.view(library.int16))
        return make_tensor(bits.view(_dtype.bfloat16.np), canonical("cpu"))
    return make_tensor(numpy.from_dlpack(ext_tensor), canonical("cpu"))


# ---------------------------------------------------------------- sizes and fill values

def _size(size, fname, varargs=True):
    """Accept f(2, 3), f((2, 3)), f([2, 3]) and f(Size) alike, with torch's errors."""
    if varargs and len(size) == 1 and not isinstance(size[0], (int, numpy.integer)):
        size = size[0]
    if isinstance(size, (int, numpy.integer)) and not varargs:
        raise TypeError(f"{fname}(): argument 'size' (position 1) must be tuple of ints, not "
                        "int")
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"{fname}(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(size).__name__}")
    out = []
    for i, s in enumerate(size):
        if isinstance(s, (bool, numpy.bool_)) or not isinstance(s, (int, numpy.integer)):
            if isinstance(s, Tensor) and s.ndim == 0 and not s.dtype.is_floating_point:
                s = s.item()
            else:
                raise TypeError(f"{fname}(): argument 'size' (position 1) must be tuple of "
                                f"ints, but found element of type {type(s).__name__} at pos {i}")
        out.append(int(s))
    for s in out:
        if s < 0:
            if fname == "zeros":
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {out}")
    return tuple(out)


def _size_of(args, size, fname):
    """The shape of f(*args) or f(size=...)."""
    return _size(args if size is None else (size,), fname)


_CTYPE = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int",
          "int64": "int64_t", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
          "float32": "float", "float64": "double", "complex64": "c10::complex<float>",
          "complex128": "c10::complex<double>"}


def _check_fits(value, dtype):
    """torch's checked scalar conversion: out-of-range values raise instead of wrapping."""
    if dtype is _dtype.bool or isinstance(value, bool):
        return
    bad = False
    if isinstance(value, builtins.complex) and not dtype.is_complex:
        bad = value.imag != 0
        value = value.real
    if not dtype.is_floating_point and not dtype.is_complex:
        info = numpy.iinfo(dtype.np)
        if isinstance(value, float):
            bad = bad or math.isnan(value) or value < info.min or value > info.max
        else:
            lo = -info.max if info.min == 0 else info.min  # unsigned wraps small negatives
            bad = value < lo or value > info.max
    elif not isinstance(value, builtins.complex) and math.isfinite(value):
        big = 3.3895313892515355e38 if dtype is _dtype.bfloat16 else \
            float(numpy.finfo(dtype.to_real().np).max)
        bad = bad or abs(value) > big
    if bad:
        raise RuntimeError(f"value cannot be converted to type {_CTYPE[dtype.name]} without "
                           "overflow")


def _fill_value(value, dtype):
    """A checked fill value in a form NumPy stores without complaint."""
    _check_fits(value, dtype)
    if type(value) is int and dtype in _UNSIGNED and value < 0:
        return value + 2 ** (8 * dtype.itemsize)  # torch wraps small negatives
    return value


_UNSIGNED = (_dtype.uint8,)


def _scalar(fill_value):
    """A fill value as a Python number (0-dim tensors and NumPy scalars included)."""
    if isinstance(fill_value, Tensor):
        if fill_value.numel() != 1:
            raise RuntimeError(f"a Tensor with {fill_value.numel()} elements cannot be "
                               "converted to Scalar")
        return fill_value.item()
    if isinstance(fill_value, numpy.generic):
        return fill_value.item()
    return fill_value


# ---------------------------------------------------------------- constant fills

def _resolve(dtype, device):
    return (dtype or _dtype.get_default_dtype()), canonical(device)


def zeros(*args, size=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False):
    dtype, device = _resolve(dtype, device)
    shape = _size_of(args, size, "zeros")
    return _fill_out(out, _finish(_alloc(device, "zeros", shape, dtype.np), device, requires_grad))


def ones(*args, size=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    dtype, device = _resolve(dtype, device)
    shape = _size_of(args, size, "ones")
    return _fill_out(out, _finish(_alloc(device, "ones", shape, dtype.np), device, requires_grad))


def empty(*args, size=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False, memory_format=None):
    dtype, device = _resolve(dtype, device)
    shape = _size_of(args, size, "empty")
    return _fill_out(out, _finish(_alloc(device, "empty", shape, dtype.np), device, requires_grad))


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    """full(size, v): dtype from v as torch infers it (bool, int64, default float/complex)."""
    fill_value = _scalar(fill_value)
    if dtype is None:
        dtype = _dtype.scalar_dtype(fill_value)
    fill_value = _fill_value(fill_value, dtype)
    device = canonical(device)
    shape = _size(size, "full", varargs=False)
    return _fill_out(out, _finish(_alloc(device, "full", shape, fill_value, dtype.np),
                                  device, requires_grad))


def _fill_out(out, result):
    if out is None:
        return result
    out._data = result._data
    return out


def _like(input, dtype, device):
    return (dtype or input.dtype), (canonical(device) if device is not None else input.device)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    dtype, device = _like(input, dtype, device)
    return _finish(_alloc(device, "zeros", input.shape, dtype.np), device, requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    dtype, device = _like(input, dtype, device)
    return _finish(_alloc(device, "ones", input.shape, dtype.np), device, requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    dtype, device = _like(input, dtype, device)
    return _finish(_alloc(device, "empty", input.shape, dtype.np), device, requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    dtype, device = _like(input, dtype, device)
    fill_value = _fill_value(_scalar(fill_value), dtype)
    return _finish(_alloc(device, "full", input.shape, fill_value, dtype.np), device,
                   requires_grad)


# ---------------------------------------------------------------- ranges

def _number(x):
    if isinstance(x, Tensor):
        return x.item()
    if isinstance(x, numpy.generic):
        return x.item()
    return x


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    """torch.arange: the length is ceil((end - start) / step) in double precision and values
    are start + i * step in the accumulation type (double for float32/64, float for
    float16/bfloat16, int64 for integers, where start and step are truncated first)."""
    start, end, step = _number(start), _number(end), _number(step)
    if end is None:
        start, end = 0, start
    if dtype is None:
        floating = any(isinstance(v, float) for v in (start, end, step))
        dtype = _dtype.get_default_dtype() if floating else _dtype.int64
    if dtype is _dtype.bool or dtype.is_complex:
        raise NotImplementedError(f"\"arange_cpu\" not implemented for '{_NAMES[dtype.name]}'")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    for v in (start, end):
        if not math.isfinite(v):
            raise RuntimeError(f"unsupported range: {_fmt(start)} -> {_fmt(end)}")
    if dtype.is_floating_point:
        n = math.ceil((end - start) / step)
        acc = numpy.float64 if dtype.itemsize >= 4 else numpy.float32
        i = numpy.arange(max(n, 0), dtype=acc)
        values = acc(start) + i * acc(step)
    else:
        istart, iend, istep = int(start), int(end), int(step)
        if istep == 0 and dtype is _dtype.int64:
            raise ValueError("step must be nonzero")
        # torch: int64 sizes from the truncated bounds, other integer types from the originals
        n = math.ceil((iend - istart) / istep) if dtype is _dtype.int64 else \
            math.ceil((end - start) / step)
        values = istart + numpy.arange(max(n, 0), dtype=numpy.int64) * istep
    if (end - start) * step < 0 or n < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    return _fill_out(out, _finish(values.astype(dtype.np), canonical(device), requires_grad))


def _fmt(v):
    return str(v) if not isinstance(v, float) or not v.is_integer() else str(int(v))


def range(start=0, end=None, step=1, *, out=None, dtype=None, layout=None,  # noqa: A001
          device=None, requires_grad=False):
    """Deprecated torch.range: like arange but includes `end`."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  "torch.arange, which produces values in [start, end).", UserWarning,
                  stacklevel=2)
    start, end, step = _number(start), _number(end), _number(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    n = int(math.floor((end - start) / step)) + 1
    dtype = dtype or _dtype.get_default_dtype()
    values = start + numpy.arange(max(n, 0), dtype=numpy.float64) * step
    return _fill_out(out, _finish(values.astype(dtype.np), canonical(device), requires_grad))


def _steps_arg(steps, fname):
    if isinstance(steps, Tensor):
        steps = steps.item()
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return int(steps)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """torch's symmetric formula, in the output dtype (torch's step_t): the first half counts
    up from start and the second half down from end, so both ends are exact."""
    start, end = _number(start), _number(end)
    steps = _steps_arg(steps, "linspace")
    if dtype is None:
        dtype = _dtype.default_complex() if isinstance(start, builtins.complex) or \
            isinstance(end, builtins.complex) else _dtype.get_default_dtype()
    device = canonical(device)
    if steps == 0 or steps == 1:
        values = numpy.array([start] * steps).astype(dtype.np)
        if not dtype.is_floating_point and not dtype.is_complex:
            values = numpy.array([_int_bound(start)] * steps).astype(dtype.np)
        return _fill_out(out, _finish(values, device, requires_grad))
    i = numpy.arange(steps)
    half = steps // 2
    if dtype.is_floating_point or dtype.is_complex:
        t = dtype.np.type
        s, e = t(start), t(end)
        step = (e - s) / t(steps - 1)
        up = s + step * i.astype(dtype.np)
        down = e - step * (steps - 1 - i).astype(dtype.np)
    else:
        # integers: the bounds are converted first, the step is a double, values truncate
        s, e = _int_bound(start), _int_bound(end)
        step = (float(e) - float(s)) / (steps - 1)
        up = s + step * i
        down = e - step * (steps - 1 - i)
    values = numpy.where(i < half, up, down)
    if not (dtype.is_floating_point or dtype.is_complex):
        values = numpy.trunc(values)
    return _fill_out(out, _finish(values.astype(dtype.np), device, requires_grad))


def _int_bound(v):
    return int(v.real if isinstance(v, builtins.complex) else v)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """base ** (symmetric linspace) as torch's CPU loop: start and end in the output dtype,
    their difference too, then the step, exponents and pow in double."""
    start, end = _number(start), _number(end)
    steps = _steps_arg(steps, "logspace")
    dtype = dtype or _dtype.get_default_dtype()
    device = canonical(device)
    if dtype.is_floating_point or dtype.is_complex:
        t = dtype.np.type
        s, e = t(start), t(end)
        diff = e - s
        to_py = builtins.complex if dtype.is_complex else float
        s, e, diff = to_py(s), to_py(e), to_py(diff)
    else:
        s, e = float(int(start)), float(int(end))
        diff = e - s
    if steps == 1:
        values = numpy.array([base ** s])
    elif steps == 0:
        values = numpy.zeros(0)
    else:
        i = numpy.arange(steps)
        step = diff / (steps - 1)
        exps = numpy.where(i < steps // 2, s + step * i, e - step * (steps - 1 - i))
        values = _pow(base, exps)
    if not (dtype.is_floating_point or dtype.is_complex):
        values = numpy.trunc(values)
    return _fill_out(out, _finish(values.astype(dtype.np), device, requires_grad))


def _pow(base, exps):
    """base ** exps with C's pow per element, as torch's loop (NumPy's power can differ by
    an ulp); NumPy where math.pow refuses (negative base, fractional power gives nan)."""
    if isinstance(base, builtins.complex):
        return numpy.power(base, exps)
    try:
        return numpy.array([math.pow(base, x) for x in exps.tolist()], numpy.float64)
    except (ValueError, OverflowError):
        return numpy.power(float(base), exps)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    for name, v in (("n", n), ("m", m)):
        if v is None:
            continue
        if not isinstance(v, (int, numpy.integer)):
            raise TypeError(f"eye(): argument '{name}' (position 1) must be int, not "
                            f"{type(v).__name__}")
        if v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    dtype, device = _resolve(dtype, device)
    return _fill_out(out, _finish(_alloc(device, "eye", n, n if m is None else m, 0, dtype.np),
                                  device, requires_grad))


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    r, c = numpy.tril_indices(row, offset, col)
    return _finish(numpy.stack([r, c]).astype((dtype or _dtype.int64).np), canonical(device),
                   False)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    r, c = numpy.triu_indices(row, offset, col)
    return _finish(numpy.stack([r, c]).astype((dtype or _dtype.int64).np), canonical(device),
                   False)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    return full((), s, dtype=dtype or _dtype.get_default_dtype(), device=device,
                requires_grad=requires_grad)


def complex(real, imag):  # noqa: A001 - torch's name
    """complex(real, imag) for float tensors of one dtype: complex64 from float32, complex128
    from float64 (differentiable through real * 1 + imag * 1j would need complex ops, so the
    result is made directly)."""
    if real.dtype is not imag.dtype:
        raise RuntimeError(f"Expected object of scalar type {_NAMES[real.dtype.name]} but got "
                           f"scalar type {_NAMES[imag.dtype.name]} for second argument")
    if real.dtype not in (_dtype.float16, _dtype.float32, _dtype.float64):
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{_NAMES[real.dtype.name]} and {_NAMES[imag.dtype.name]}")
    out_dtype = _dtype.complex128 if real.dtype is _dtype.float64 else _dtype.complex64
    xp = real.device.xp
    re, im = xp.broadcast_arrays(real._data, imag._data)
    data = xp.empty(re.shape, out_dtype.np)
    data.real = re
    data.imag = im
    return _finish(data, real.device, False)


def _legacy_new(cls_args, device):
    """torch.Tensor(...): sizes give an uninitialised default-dtype tensor, a Tensor is
    returned as is, anything else is data converted to the default dtype."""
    if not cls_args:
        return empty(0, device=device)
    if len(cls_args) == 1:
        a = cls_args[0]
        if isinstance(a, Tensor):
            return a
        if isinstance(a, Size):
            return empty(a, device=device)
        if not isinstance(a, (int, numpy.integer)):
            if isinstance(a, (float, builtins.complex, bool, numpy.generic)):
                raise TypeError(f"new(): data must be a sequence (got {type(a).__name__})")
            return tensor(a, dtype=_dtype.get_default_dtype(), device=device)
    return empty(*cls_args, device=device)
