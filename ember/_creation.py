"""Creation ops: tensor, as_tensor, from_numpy, zeros/ones/full/empty, arange, linspace, eye, *_like.

dtype inference is torch's: Python floats give the default dtype, ints int64, bools bool;
NumPy arrays keep their dtype.
"""
import math

import numpy

from . import _dtype
from ._device import canonical
from ._tensor import Tensor, _shape_arg, make_tensor
from .autograd.function import _DIFFERENTIABLE


def _finish(array, device, requires_grad):
    """Place a NumPy array on `device` and wrap it."""
    if device.type != "cpu":
        array = device.xp.asarray(array)
    t = make_tensor(array, device)
    if requires_grad:
        if array.dtype not in _DIFFERENTIABLE:
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        t.requires_grad = True
    return t


def _infer_numpy(data):
    """A NumPy array holding `data`, with torch's dtype inference for Python numbers."""
    if isinstance(data, Tensor):
        from .ops import to_numpy
        return to_numpy(data.detach())
    if isinstance(data, numpy.ndarray):
        _dtype.from_numpy(data.dtype)  # TypeError for dtypes torch does not have
        return data
    if isinstance(data, numpy.generic):
        return numpy.asarray(data)
    if hasattr(data, "__cuda_array_interface__") or hasattr(data, "__dlpack__") and \
            not isinstance(data, (list, tuple)):
        return numpy.asarray(data.get() if hasattr(data, "get") else data)
    array = numpy.asarray(data if not isinstance(data, (list, tuple)) else _unwrap(data))
    kind = array.dtype.kind
    if kind == "f":
        return array.astype(_dtype.get_default_dtype().np, copy=False)
    if kind == "c":
        return array.astype(_dtype.default_complex().np, copy=False)
    if kind in "iu":
        return array.astype(numpy.int64, copy=False)
    if kind == "b":
        return array
    if kind == "O" or kind in "US":
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    return array


def _unwrap(seq):
    """Nested sequences with Tensors inside become nested lists of numbers (torch allows both)."""
    out = []
    for x in seq:
        if isinstance(x, Tensor):
            out.append(x.tolist())
        elif isinstance(x, (list, tuple)):
            out.append(_unwrap(x))
        else:
            out.append(x)
    return out


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    device = canonical(device)
    if isinstance(data, Tensor) and dtype is None:
        dtype = data.dtype
    array = _infer_numpy(data)
    if isinstance(data, numpy.ndarray) or array is data:
        array = array.copy()
    if dtype is not None:
        array = array.astype(dtype.np, copy=False)
    return _finish(array, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like tensor(), but shares memory with `data` when dtype and device allow."""
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if (device or dtype) else data
    if isinstance(data, numpy.ndarray) and (device is None or canonical(device).type == "cpu"):
        t = from_numpy(data)
        return t if dtype is None else t.to(dtype)
    device = canonical(device)
    if device.type != "cpu" and hasattr(data, "__cuda_array_interface__"):
        t = make_tensor(device.xp.asarray(data), device)
        return t if dtype is None else t.to(dtype)
    array = _infer_numpy(data)
    if dtype is not None:
        array = array.astype(dtype.np, copy=False)
    return _finish(array, device, False)


asarray = as_tensor


def from_numpy(ndarray):
    """A CPU tensor sharing memory with `ndarray` (writes show on both sides)."""
    if not isinstance(ndarray, numpy.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy(ndarray.dtype)
    return make_tensor(ndarray, canonical("cpu"))


def from_dlpack(ext_tensor):
    """Zero-copy import from any DLPack producer (CuPy, NumPy, torch)."""
    if hasattr(ext_tensor, "__dlpack_device__") and ext_tensor.__dlpack_device__()[0] != 1:
        from ._device import _cupy, device
        cp = _cupy()
        array = cp.from_dlpack(ext_tensor)
        return make_tensor(array, device("cuda", array.device.id))
    return make_tensor(numpy.from_dlpack(ext_tensor), canonical("cpu"))


def _resolve(dtype, device):
    return (dtype or _dtype.get_default_dtype()), canonical(device)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False):
    dtype, device = _resolve(dtype, device)
    return _fill_out(out, _finish(device.xp.zeros(_shape_arg(size), dtype.np), device,
                                  requires_grad))


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    dtype, device = _resolve(dtype, device)
    return _fill_out(out, _finish(device.xp.ones(_shape_arg(size), dtype.np), device,
                                  requires_grad))


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None):
    dtype, device = _resolve(dtype, device)
    return _fill_out(out, _finish(device.xp.empty(_shape_arg(size), dtype.np), device,
                                  requires_grad))


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    if dtype is None:
        dtype = (fill_value.dtype if isinstance(fill_value, Tensor)
                 else _dtype.scalar_dtype(fill_value))
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    device = canonical(device)
    return _fill_out(out, _finish(device.xp.full(_shape_arg((size,)), fill_value, dtype.np),
                                  device, requires_grad))


def _fill_out(out, result):
    if out is None:
        return result
    out.data = result.data
    return out


def _like(input, dtype, device):
    return (dtype or input.dtype), canonical(device if device is not None else input.device)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    dtype, device = _like(input, dtype, device)
    return _finish(device.xp.zeros(input.shape, dtype.np), device, requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    dtype, device = _like(input, dtype, device)
    return _finish(device.xp.ones(input.shape, dtype.np), device, requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    dtype, device = _like(input, dtype, device)
    return _finish(device.xp.empty(input.shape, dtype.np), device, requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    dtype, device = _like(input, dtype, device)
    return _finish(device.xp.full(input.shape, fill_value, dtype.np), device, requires_grad)


def _number(x):
    return x.item() if isinstance(x, Tensor) else x


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    start, end, step = _number(start), _number(end), _number(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        floating = any(isinstance(v, float) for v in (start, end, step))
        dtype = _dtype.get_default_dtype() if floating else _dtype.int64
    n = math.ceil((end - start) / step)
    # torch computes start + i * step in double precision, then casts
    values = start + numpy.arange(n, dtype=numpy.float64 if dtype.is_floating_point or
                                  any(isinstance(v, float) for v in (start, end, step))
                                  else numpy.int64) * step
    return _fill_out(out, _finish(values.astype(dtype.np), canonical(device), requires_grad))


def range(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False):  # noqa
    """Deprecated torch.range: like arange but includes `end`."""
    if end is None:
        start, end = 0, start
    n = int(math.floor((end - start) / step)) + 1
    dtype = dtype or _dtype.get_default_dtype()
    values = start + numpy.arange(n, dtype=numpy.float64) * step
    return _finish(values.astype(dtype.np), canonical(device), requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    start, end = _number(start), _number(end)
    dtype = dtype or _dtype.get_default_dtype()
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    # torch's formula: the first half counts up from start, the second half down from end,
    # so both ends are exact
    i = numpy.arange(steps, dtype=numpy.float64)
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    half = steps // 2
    values = numpy.where(i < half, start + step * i, end - step * (steps - 1 - i))
    if not dtype.is_floating_point:
        values = numpy.trunc(values)
    return _fill_out(out, _finish(values.astype(dtype.np), canonical(device), requires_grad))


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    dtype = dtype or _dtype.get_default_dtype()
    exps = linspace(start, end, steps, dtype=_dtype.float64).data
    return _fill_out(out, _finish(numpy.power(base, exps).astype(dtype.np), canonical(device),
                                  requires_grad))


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    dtype, device = _resolve(dtype, device)
    return _fill_out(out, _finish(device.xp.eye(n, n if m is None else m, dtype=dtype.np),
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
    return _finish((real.data + 1j * imag.data).astype(
        _dtype.promote_types(real.dtype, _dtype.complex64).np), real.device, False)
