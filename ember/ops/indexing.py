"""Indexing: __getitem__/__setitem__, gather/scatter, index_*, masked_*, take, nonzero.

Four primitives carry every gradient (three live here), so each function below is a
composition:
  Slice         x[ints, slices, None]: a view (ember/ops/shape.py)
  Index         x[integer arrays (and full slices)]: a copy
  IndexPut      base with base[index] = values, or += with accumulate (repeats add up)
  ScatterReduce prod / mean / amax / amin of scatter_reduce (needs its own formulas)
Index and IndexPut are each other's backward, which makes double backward work.

Indices reach the ops already normalised by `_parse`: torch applies integers, slices and
None first (a view) and then the tensor indices to what is left, so `x[0, :, [1, 2]]` has
shape (4, 2) for x of shape (3, 4, 5) where NumPy would give (2, 4). Masks become the
integer arrays of their nonzero positions, as in torch.
"""
import builtins
import operator
import warnings

import numpy

from .. import _dtype
from .._tensor import Tensor, make_tensor
from ..autograd import grad_mode
from ..autograd.function import Op
from .shape import Slice, canonical_dim, expand, infer_size, reshape

__all__ = ["gather", "scatter", "scatter_add", "scatter_reduce", "index_select", "index_add",
           "index_copy", "index_fill", "index_put", "masked_fill", "masked_select",
           "masked_scatter", "take", "take_along_dim", "nonzero", "argwhere"]

_FULL = slice(None)
_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
          "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
          "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}
_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
              "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int",
              "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
              "bool": "bool", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}


# ---------------------------------------------------------------- the primitives

class Index(Op):
    """Advanced indexing with a tuple of integer arrays and full slices: a copy."""

    promote = None

    @staticmethod
    def forward(ctx, x, *, index):
        ctx.in_shape, ctx.index = x.shape, index
        return x[index]

    @staticmethod
    def backward(ctx, grad):
        return IndexPut.apply(None, grad, index=ctx.index, accumulate=True, shape=ctx.in_shape)


class IndexPut(Op):
    """base with base[index] = values (accumulate: +=, repeated indices add up).

    base None means zeros of `shape` (the backward of indexing, without a zeros tensor).
    values may be a tensor (broadcast to the indexed shape) or a Python number.
    """

    promote = None

    @staticmethod
    def forward(ctx, base, values, *, index, accumulate, shape=None):
        ctx.index, ctx.accumulate = index, accumulate
        xp = ctx.xp
        if base is None:
            out = xp.zeros(shape, dtype=values.dtype)
        else:
            out = base.copy()
            if isinstance(values, xp.ndarray) and values.dtype != out.dtype:
                values = values.astype(out.dtype)
        if accumulate:
            ctx.ext.scatter_add(out, index, values)
        else:
            out[index] = values
        return out

    @staticmethod
    def backward(ctx, grad):
        need_base, need_values = ctx.needs_input_grad
        g_base = g_values = None
        if need_base:
            g_base = grad if ctx.accumulate else \
                IndexPut.apply(grad, 0, index=ctx.index, accumulate=False)
        if need_values:
            g_values = _apply_index(grad, ctx.index)
        return g_base, g_values


def _apply_index(t, index):
    """t[index] for an index `_parse` produced (basic ones end in Ellipsis)."""
    if index and index[-1] is Ellipsis:
        return Slice.apply(t, index=index)
    return Index.apply(t, index=index)


class ScatterReduce(Op):
    """scatter_reduce with prod, mean, amax or amin; `index` is a full tuple of arrays."""

    promote = None

    @staticmethod
    def forward(ctx, x, src, *, index, reduce, include_self):
        ctx.index, ctx.reduce, ctx.include_self = index, reduce, include_self
        ctx.save_inputs(0, 1)
        ctx.save_output()
        out = x.copy()
        if not include_self:
            out[index] = _identity(reduce, x.dtype)
        ctx.ext.scatter_reduce(out, index, src, "sum" if reduce == "mean" else reduce)
        if reduce == "mean":
            count = _hits(ctx, x.shape, x.dtype if x.dtype.kind in "fc" else numpy.int64)
            if out.dtype.kind in "fc":
                out /= count
            else:
                out //= count.astype(out.dtype)  # torch rounds integer means down
        return out

    @staticmethod
    def backward(ctx, grad):
        x, src = ctx.inputs
        result = ctx.output
        index, reduce, include_self = ctx.index, ctx.reduce, ctx.include_self
        xp, dev = ctx.xp, ctx.device

        def gather_(t):
            return Index.apply(t, index=index)

        def const(a):
            return make_tensor(a.astype(grad._data.dtype), dev)

        if reduce == "prod":
            x_zero = x._data == 0
            masked_self = MaskedFill.apply(x, 1, mask=x_zero)
            masked_self_result = ScatterReduce.apply(masked_self, src, index=index, reduce=reduce,
                                                     include_self=include_self)
            g_self = grad * masked_self_result / masked_self
            src_zero = src._data == 0
            zeros_at = xp.zeros(x.shape, dtype=numpy.int64)
            ctx.ext.scatter_add(zeros_at, index, src_zero.astype(numpy.int64))
            single = src_zero & (zeros_at[index] == 1)
            # a lone zero in src: its gradient is the product of the others, which dividing
            # the result by the zero cannot give
            masked_src = MaskedFill.apply(src, 1, mask=single)
            masked_src_result = ScatterReduce.apply(x, masked_src, index=index, reduce=reduce,
                                                    include_self=include_self)
            lone = gather_(grad * masked_src_result)
            rest = gather_(grad * result) / MaskedFill.apply(src, 1, mask=src_zero)
            g_src = MaskedFill.apply(lone, 0, mask=~single) + \
                MaskedFill.apply(rest, 0, mask=single)
        elif reduce == "mean":
            n = const(_hits(ctx, x.shape, numpy.int64))
            g_self = grad / n
            g_src = gather_(g_self)
        else:  # amax / amin: ties share the gradient evenly
            self_is = const(x._data == result._data)
            src_is = const(src._data == result._data[index])
            n = self_is._data.copy()
            ctx.ext.scatter_add(n, index, src_is._data)
            spread = grad / make_tensor(n, dev)
            g_self = self_is * spread
            g_src = src_is * gather_(spread)
        if not include_self:
            g_self = IndexPut.apply(g_self, 0, index=index, accumulate=False)
        return g_self, g_src


def _identity(reduce, dtype):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -numpy.inf if reduce == "amax" else numpy.inf
    if dtype.kind == "b":
        return reduce != "amax"
    info = numpy.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


def _hits(ctx, shape, dtype):
    """How many values each output position of scatter_reduce combines (itself included
    when include_self); positions nothing reaches count 1: they keep their value."""
    count = ctx.xp.full(shape, 1 if ctx.include_self else 0, dtype=dtype)
    ctx.ext.scatter_add(count, ctx.index, ctx.xp.ones((), dtype=dtype))
    if not ctx.include_self:
        count[count == 0] = 1
    return count


# ---------------------------------------------------------------- parsing an index

def _bad_index(obj):
    return IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                      f"Variables are valid indices (got {type(obj).__name__})")


def _sequence_as_tuple(seq):
    # torch's (NumPy's old) heuristic: a short list holding tensors, sequences, slices,
    # None or Ellipsis is a tuple of indices, not one index
    if len(seq) >= 32:
        return False
    for item in seq:
        if isinstance(item, (Tensor, list, tuple, slice, numpy.ndarray)) or item is None or \
                item is Ellipsis:
            warnings.warn("Using a non-tuple sequence for multidimensional indexing is "
                          "deprecated and will be changed in pytorch 2.9; use x[tuple(seq)] "
                          "instead of x[seq].", UserWarning, stacklevel=4)
            return True
    return False


def _classify(item, xp):
    """(kind, value): kind is 'int', 'slice', 'none', 'ellipsis', 'bool', 'arr' or 'mask'."""
    if item is None:
        return "none", None
    if item is Ellipsis:
        return "ellipsis", None
    if isinstance(item, (bool, numpy.bool_)):
        return "bool", builtins.bool(item)
    if isinstance(item, (int, numpy.integer)):
        return "int", int(item)
    if isinstance(item, slice):
        return "slice", _slice(item)
    if isinstance(item, Tensor):
        arr = item._data
    elif isinstance(item, (list, numpy.ndarray)):
        arr = numpy.asarray(item)
        if arr.dtype.kind == "f" and arr.size == 0:
            arr = arr.astype(numpy.int64)  # [] is an empty long index in torch
        arr = xp.asarray(arr)
    else:
        raise _bad_index(item)
    kind = arr.dtype.kind
    if arr.dtype == numpy.uint8 or kind == "b":
        if arr.ndim == 0:
            return "bool", builtins.bool(arr)
        return "mask", arr.astype(bool, copy=False)
    if arr.dtype not in (numpy.int64, numpy.int32):
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if arr.ndim == 0:
        return "int", int(arr)
    return "arr", arr


def _as_int(v):
    if v is None or isinstance(v, int):
        return v
    return operator.index(v)


def _slice(s):
    step = _as_int(s.step)
    if step is not None and step <= 0:
        if step == 0:
            raise ValueError("slice step cannot be zero")
        raise ValueError("step must be greater than zero")
    if isinstance(s.start, (int, type(None))) and isinstance(s.stop, (int, type(None))) and \
            (step is None or type(s.step) is int):
        return s
    return slice(_as_int(s.start), _as_int(s.stop), step)


def _parse(x, index):
    """Split an index into (basic, advanced).

    basic: a tuple of ints/slices/None ending in Ellipsis, applied first (a view), or None
    when it is the identity. advanced: a tuple of full slices and integer arrays applied to
    that view, or None when the index has no tensor part.
    """
    xp = x.device.xp
    if type(index) is not tuple:
        if type(index) is list and _sequence_as_tuple(index):
            index = tuple(index)
        else:
            index = (index,)
    items = [_classify(i, xp) for i in index]
    shape = x.shape
    ndim = len(shape)
    specified = 0
    for kind, v in items:
        if kind in ("int", "slice", "arr"):
            specified += 1
        elif kind == "mask":
            specified += v.ndim
    if specified > ndim:
        if ndim == 0 and items[0][0] == "int":
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    basic, adv = [], []
    dim = vdim = n_int = 0
    identity = True
    for kind, v in items:
        if kind == "slice":
            basic.append(v)
            identity = identity and v == _FULL
            dim += 1
            vdim += 1
        elif kind == "int":
            size = shape[dim]
            if not -size <= v < size:
                raise IndexError(f"index {v} is out of bounds for dimension {vdim + n_int} "
                                 f"with size {size}")
            basic.append(v)
            identity = False
            dim += 1
            n_int += 1
        elif kind == "none":
            basic.append(None)
            identity = False
            vdim += 1
        elif kind == "ellipsis":
            k = builtins.min(ndim - specified, ndim - dim)  # a second `...` finds no dims left
            basic.extend([_FULL] * k)
            dim += k
            vdim += k
        elif kind == "bool":
            # torch: unsqueeze, then index the new dim with [0] (True) or [] (False)
            basic.append(None)
            identity = False
            adv.append((vdim, xp.zeros(1 if v else 0, dtype=numpy.int64), 1))
            vdim += 1
        elif kind == "arr":
            basic.append(_FULL)
            adv.append((vdim, v, shape[dim]))
            dim += 1
            vdim += 1
        else:  # mask
            k = v.ndim
            for j in range(k):
                if v.shape[j] != shape[dim + j]:
                    view_shape = list(x._data[tuple(basic) + (Ellipsis,)].shape)
                    raise IndexError(f"The shape of the mask {list(v.shape)} at index {j} does "
                                     f"not match the shape of the indexed tensor {view_shape} "
                                     f"at index {vdim + j}")
            basic.extend([_FULL] * k)
            adv.append((vdim, v, None))
            dim += k
            vdim += k
    basic = None if identity else tuple(basic) + (Ellipsis,)
    return basic, (_advanced(adv, xp) if adv else None)


def _advanced(entries, xp):
    """The advanced index tuple over the view: arrays at their dims, full slices between.
    Checks bounds (torch's message; CuPy would wrap silently) and broadcasting."""
    out = []
    for vdim, arr, size in entries:
        while len(out) < vdim:
            out.append(_FULL)
        if size is None:  # a mask: its nonzero positions, one array per masked dim
            out.extend(xp.nonzero(arr))
            continue
        _check_bounds(arr, size, len(out))
        out.append(arr)
    arrays = [a for a in out if a is not _FULL]
    if len(arrays) > 1:
        try:
            numpy.broadcast_shapes(*(a.shape for a in arrays))
        except ValueError:
            raise IndexError("shape mismatch: indexing tensors could not be broadcast together "
                             "with shapes " + ", ".join(str(list(a.shape)) for a in arrays)
                             ) from None
    return tuple(out)


def _check_bounds(arr, size, dim, negative=True, exc=IndexError, prefix=""):
    if arr.size == 0:
        return
    lo = -size if negative else 0
    if int(arr.min()) < lo or int(arr.max()) >= size:
        bad = arr[(arr < lo) | (arr >= size)].reshape(-1)
        raise exc(f"{prefix}index {int(bad[0])} is out of bounds for dimension {dim} with size "
                  f"{size}")


def _adv_shape(shape, index):
    """The shape of view[index] for an advanced index of full slices and arrays."""
    pos = [i for i, a in enumerate(index) if a is not _FULL]
    bshape = numpy.broadcast_shapes(*(index[i].shape for i in pos))
    rest = [shape[i] for i in range(len(shape)) if i not in pos]
    if pos[-1] - pos[0] + 1 == len(pos):  # adjacent: the indexed dims stay in place
        return tuple(rest[:pos[0]]) + bshape + tuple(rest[pos[0]:])
    return bshape + tuple(rest)


def _broadcastable(src, dst):
    if len(src) > len(dst):
        return False
    return all(s == 1 or s == d for s, d in zip(src[::-1], dst[::-1]))


# ---------------------------------------------------------------- [] and []=

def getitem(input, index):
    if type(index) is int and input._data.ndim:  # the common x[i], without the parser
        size = input._data.shape[0]
        if -size <= index < size:
            return Slice.apply(input, index=(index, Ellipsis))
    basic, adv = _parse(input, index)
    if adv is None:
        return Slice.apply(input, index=basic if basic is not None else (Ellipsis,))
    if basic is not None:
        input = Slice.apply(input, index=basic)
    return Index.apply(input, index=adv)


def _strip_leading_ones(value):
    # torch drops a value's leading size-1 dims before broadcasting it into x[index]
    shape = value.shape
    k = 0
    while k < len(shape) and shape[k] == 1:
        k += 1
    return reshape(value, shape[k:]) if k else value


def setitem(input, index, value):
    from .inplace import inplace
    if isinstance(value, Tensor):
        if value.device != input.device:
            value = value.to(input.device)
        value = _strip_leading_ones(value)
    elif isinstance(value, (numpy.number, numpy.bool_)):
        value = value.item()
    elif not isinstance(value, (bool, int, float, complex)):
        kind = type(value)
        name = kind.__name__ if kind.__module__ == "builtins" else \
            f"{kind.__module__}.{kind.__name__}"
        raise TypeError(f"can't assign a {name} to a {input.type_name()}")
    basic, adv = _parse(input, index)
    if adv is None:
        target, where = input, (basic if basic is not None else (Ellipsis,))
        if isinstance(value, Tensor):
            shape = input._data[where].shape
            if not _broadcastable(value.shape, shape):
                raise RuntimeError(
                    f"The expanded size of the tensor ({shape[-1] if shape else 1}) must match "
                    f"the existing size ({value.shape[-1]}) at non-singleton dimension "
                    f"{len(shape) - 1}.  Target sizes: {list(shape)}.  Tensor sizes: "
                    f"{list(value.shape)}")
    else:
        target, where = input, adv
        if basic is not None:
            target = Slice.apply(input, index=basic)
        if isinstance(value, Tensor):
            _check_values(target, adv, value)
    if grad_mode.state.enabled and (input.requires_grad or isinstance(value, Tensor) and
                                    value.requires_grad):
        if input.requires_grad and input.grad_fn is None and adv is None:
            # torch writes basic indices through a view of the leaf
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in "
                               "an in-place operation.")
        inplace(target, _put, value, index=where)
        return
    # nothing to record: write straight into the tensor's memory
    target._data[where] = value._data if isinstance(value, Tensor) else value
    input._vc[0] += 1


def _put(t, values, index, accumulate=False):
    return IndexPut.apply(t, values, index=index, accumulate=accumulate)


def _check_values(target, index, values):
    if values.dtype is not target.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_NAMES[target.dtype.name]} for the destination and "
                           f"{_NAMES[values.dtype.name]} for the source.")
    shape = _adv_shape(target.shape, index)
    if not _broadcastable(values.shape, shape):
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values.shape)} cannot "
                           f"be broadcast to indexing result of shape {list(shape)}")


def index_put(input, indices, values, accumulate=False):
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' (position 3) must be Tensor, not "
                        f"{type(values).__name__}")
    xp = input.device.xp
    entries = []
    vdim = 0
    for k, t in enumerate(indices):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {k} in argument 1, but got "
                            f"{type(t).__name__}")
        kind, arr = _classify(t, xp)
        if kind == "int":  # a 0-dim long tensor picks like an int
            kind, arr = "arr", t._data
        elif kind == "bool":  # a 0-dim mask selects everything or nothing
            if not arr:
                return IndexPut.apply(input, values, index=(slice(0, 0),), accumulate=False)
            continue
        entries.append((kind, arr))
        vdim += arr.ndim if kind == "mask" else 1
    if vdim > input.ndim:
        raise IndexError(f"too many indices for tensor of dimension {input.ndim} (got {vdim})")
    adv, dim = [], 0
    for kind, arr in entries:
        if kind == "mask":
            for j in range(arr.ndim):
                if arr.shape[j] != input.shape[dim + j]:
                    raise IndexError(f"The shape of the mask {list(arr.shape)} at index {j} "
                                     f"does not match the shape of the indexed tensor "
                                     f"{list(input.shape)} at index {dim + j}")
            adv.append((dim, arr, None))
            dim += arr.ndim
        else:
            adv.append((dim, arr, input.shape[dim]))
            dim += 1
    index = _advanced(adv, xp) if adv else (Ellipsis,)
    if adv:
        _check_values(input, index, values)
    elif values.dtype is not input.dtype:
        _check_values(input, (), values)
    return IndexPut.apply(input, values, index=index, accumulate=accumulate)


# ---------------------------------------------------------------- gather / scatter

def _index_dtype(index, name, allowed=(numpy.int64, numpy.int32)):
    if index._data.dtype not in allowed:
        what = "int32/int64" if len(allowed) == 2 else "int64"
        raise RuntimeError(f"{name}(): Expected dtype {what} for index")


def _along(index, dim, xp):
    """The full index tuple picking index[p] at dim and p's own position elsewhere."""
    nd = index.ndim
    out = []
    for d in range(nd):
        if d == dim:
            out.append(index)
        else:
            shape = [1] * nd
            shape[d] = index.shape[d]
            out.append(xp.arange(index.shape[d]).reshape(shape))
    return tuple(out)


def _scatter_checks(name, input, dim, index, src=None):
    """dim canonical; index dtype, rank, sizes and values as torch's gather/scatter check."""
    dim = canonical_dim(dim, input.ndim)
    _index_dtype(index, name)
    nd_in, nd_ix = builtins.max(input.ndim, 1), builtins.max(index.ndim, 1)
    if nd_in != nd_ix:
        who = "input" if name == "gather" else "self"
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {who} "
                           "tensor")
    if input.ndim and index.ndim:
        for d in range(input.ndim):
            too_big = (d != dim and index.shape[d] > input.shape[d]) or \
                (src is not None and index.shape[d] > src.shape[d])
            if not too_big:
                continue
            if name == "gather":
                raise RuntimeError(f"Size does not match at dimension {d} expected index "
                                   f"{list(index.shape)} to be no larger than self "
                                   f"{list(input.shape)} apart from dimension {dim}")
            msg = (f"Expected index {list(index.shape)} to be no larger than self "
                   f"{list(input.shape)} apart from dimension {dim}")
            if src is not None:
                msg += f" and to be no larger size than src {list(src.shape)}"
            raise RuntimeError(msg)
    size = input.shape[dim] if input.ndim else 1
    _check_bounds(index._data, size, dim, negative=False, exc=RuntimeError)
    return dim


def _flat_if_scalar(input, index):
    """gather/scatter on 0-dim tensors: work on 1-element 1-dim ones."""
    if input.ndim == 0 or index.ndim == 0:
        return reshape(input, (-1,)), reshape(index, (-1,)) if index.ndim == 0 else index
    return input, index


def gather(input, dim, index, *, sparse_grad=False):
    dim = _scatter_checks("gather", input, dim, index)
    shape = index.shape
    x, ix = _flat_if_scalar(input, index)
    out = Index.apply(x, index=_along(ix._data, dim, x.device.xp))
    return reshape(out, shape) if out.shape != shape else out


def _src_part(src, index):
    """The leading block of src that index covers (src may be larger than index)."""
    if src.shape == index.shape:
        return src
    return Slice.apply(src, index=tuple(slice(0, n) for n in index.shape) +
                              (Ellipsis,))


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    if src is not None and not isinstance(src, Tensor):
        src, value = None, src  # scatter(input, dim, index, 2.5): torch's value overload
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    if src is not None and src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    dim = _scatter_checks("scatter", input, dim, index, src)
    shape = input.shape
    x, ix = _flat_if_scalar(input, index)
    idx = _along(ix._data, dim, x.device.xp)
    if src is None:
        if value is None:
            raise TypeError("scatter() missing 1 required positional argument: 'src' or 'value'")
        vals = value.item() if isinstance(value, Tensor) else value
    else:
        vals = _src_part(reshape(src, (-1,)) if src.ndim == 0 else src, ix)
    if reduce == "multiply":
        if not isinstance(vals, Tensor):
            from .._creation import full
            vals = full(ix.shape, vals, dtype=x.dtype, device=x.device)
        out = ScatterReduce.apply(x, vals, index=idx, reduce="prod", include_self=True)
    else:
        out = IndexPut.apply(x, vals, index=idx, accumulate=reduce == "add")
    return reshape(out, shape) if out.shape != shape else out


def scatter_add(input, dim, index, src):
    return scatter(input, dim, index, src, reduce="add")


_REDUCES = ("sum", "prod", "mean", "amax", "amin")


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    if reduce not in _REDUCES:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    if src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    dim = _scatter_checks("scatter", input, dim, index, src)
    shape = input.shape
    x, ix = _flat_if_scalar(input, index)
    idx = _along(ix._data, dim, x.device.xp)
    vals = _src_part(reshape(src, (-1,)) if src.ndim == 0 else src, ix)
    if reduce == "sum":
        if not include_self:
            x = IndexPut.apply(x, 0, index=idx, accumulate=False)
        out = IndexPut.apply(x, vals, index=idx, accumulate=True)
    else:
        out = ScatterReduce.apply(x, vals, index=idx, reduce=reduce, include_self=include_self)
    return reshape(out, shape) if out.shape != shape else out


# ---------------------------------------------------------------- index_*

def _along_dim(dim, arr):
    return (_FULL,) * dim + (arr,)


def _vector_index(name, index, allowed, vector_msg, exc=IndexError):
    if index._data.dtype not in allowed:
        raise RuntimeError(f"{name}(): Expected dtype int32 or int64 for index")
    if index.ndim > 1:
        raise exc(vector_msg)
    return index._data.reshape(-1)


def index_select(input, dim, index):
    idx = _vector_index("index_select", index, (numpy.int64, numpy.int32),
                        "index_select(): Index is supposed to be a vector")
    dim = canonical_dim(dim, input.ndim)
    x = reshape(input, (-1,)) if input.ndim == 0 else input
    size = x.shape[dim]
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= size):
        raise IndexError("index out of range in self")
    out = Index.apply(x, index=_along_dim(dim, idx))
    return reshape(out, ()) if input.ndim == 0 else out


def _index_source(name, input, dim, idx, source):
    """Shape checks shared by index_add and index_copy (source may be 0-dim for 0-dim self)."""
    n_src = source.shape[dim] if source.ndim else 1
    if idx.size != n_src:
        if name == "index_add_":
            raise RuntimeError(f"index_add_(): Number of indices ({idx.size}) should be equal to "
                               f"source.size(dim): ({n_src}), for dim: {dim}")
        raise IndexError(f"index_copy_(): Number of indices ({idx.size}) should be equal to "
                         f"source.size(dim) ({n_src})")
    if input.ndim and (source.ndim != input.ndim or any(
            s != d for k, (s, d) in enumerate(zip(source.shape, input.shape)) if k != dim)):
        if name == "index_add_":
            raise RuntimeError(f"source tensor shape must match self tensor shape, excluding "
                               f"the specified dimension. Got self.shape = {list(input.shape)} "
                               f"source.shape = {list(source.shape)}")
        for k in range(builtins.max(source.ndim, input.ndim)):
            if k == dim:
                continue
            s = source.shape[k] if k < source.ndim else 1
            d = input.shape[k] if k < input.ndim else 1
            if s != d:
                raise RuntimeError(f"index_copy_(): Source/destination tensor must have same "
                                   f"slice shapes. Destination slice shape: {d} at dimension "
                                   f"{k} and source slice shape: {s} at dimension {k}.")


def _index_write(input, dim, idx, values, accumulate):
    x = reshape(input, (-1,)) if input.ndim == 0 else input
    if isinstance(values, Tensor) and values.ndim == 0 and input.ndim == 0:
        values = reshape(values, (-1,))
    out = IndexPut.apply(x, values, index=_along_dim(dim, idx), accumulate=accumulate)
    return reshape(out, ()) if input.ndim == 0 else out


def index_add(input, dim, index, source, *, alpha=1):
    if index._data.dtype not in (numpy.int64, numpy.int32):
        raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: "
                           f"{_NAMES[index.dtype.name]}")
    if index.ndim > 1:
        raise IndexError(f"index_add_(): Index is supposed to be a vector, but got dim: "
                         f"{index.ndim} with type: {_NAMES[index.dtype.name]} and size: "
                         f"{list(index.shape)}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_add_(): self ({_NAMES[input.dtype.name]}) and source "
                           f"({_NAMES[source.dtype.name]}) must have the same scalar type")
    dim = canonical_dim(dim, input.ndim)
    idx = index._data.reshape(-1)
    _index_source("index_add_", input, dim, idx, source)
    _check_bounds(idx, input.shape[dim] if input.ndim else 1, dim,
                  negative=False, exc=RuntimeError)
    values = source if alpha == 1 else source * alpha
    return _index_write(input, dim, idx, values, True)


def index_copy(input, dim, index, source):
    if index._data.dtype != numpy.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got "
                           f"{_NAMES[index.dtype.name]}")
    if index.ndim > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {index.ndim})")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, "
                           f"but got (self) {_NAMES[input.dtype.name]} and (source) "
                           f"{_NAMES[source.dtype.name]}")
    dim = canonical_dim(dim, input.ndim)
    idx = index._data.reshape(-1)
    _index_source("index_copy_", input, dim, idx, source)
    _check_bounds(idx, input.shape[dim] if input.ndim else 1, dim,
                  negative=False, prefix="index_copy_(): ")
    return _index_write(input, dim, idx, source, False)


def index_fill(input, dim, index, value):
    if index._data.dtype != numpy.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if index.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.ndim} dimension(s).")
        if value.dtype is not input.dtype:
            value = value.to(input.dtype)
    dim = canonical_dim(dim, input.ndim)
    idx = index._data.reshape(-1)
    _check_bounds(idx, input.shape[dim] if input.ndim else 1, dim)
    return _index_write(input, dim, idx, value, False)


# ---------------------------------------------------------------- masked_*

class MaskedFill(Op):
    """where(mask, value, x) with value cast to x's dtype; `mask` is a constant array."""

    promote = None

    @staticmethod
    def forward(ctx, x, value, *, mask):
        ctx.mask = mask
        xp = ctx.xp
        v = xp.asarray(value).astype(x.dtype)
        if mask.ndim <= x.ndim and x.shape[x.ndim - mask.ndim:] == mask.shape:
            # the mask broadcasts to x's shape: a copy and a masked store is half of
            # where's time (where selects between two operands per element)
            out = x.copy()
            xp.copyto(out, v, where=mask)
            return out
        return xp.where(mask, v, x)

    @staticmethod
    def backward(ctx, grad):
        need_x, need_v = ctx.needs_input_grad
        g_x = MaskedFill.apply(grad, 0, mask=ctx.mask) if need_x else None
        g_v = MaskedFill.apply(grad, 0, mask=~ctx.mask) if need_v else None
        return g_x, g_v


def _bool_mask(name, mask):
    if not isinstance(mask, Tensor) or mask.dtype is not _dtype.bool:
        what = _CPP_NAMES[mask.dtype.name] if name == "masked_fill_" else \
            _NAMES[mask.dtype.name]
        raise RuntimeError(f"{name} only supports boolean masks, but got mask with dtype {what}")


def masked_fill(input, mask, value):
    _bool_mask("masked_fill_", mask)
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.ndim} dimension(s).")
        if not value.requires_grad:
            value = value.item()
    infer_size(input.shape, mask.shape)
    return MaskedFill.apply(input, value, mask=mask._data)


def masked_select(input, mask):
    if not isinstance(mask, Tensor) or mask.dtype is not _dtype.bool:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = infer_size(input.shape, mask.shape)
    x = reshape(expand(input, shape) if input.shape != shape else input, (-1,))
    m = mask._data if mask.shape == shape else input.device.xp.broadcast_to(mask._data, shape)
    return Index.apply(x, index=(input.device.xp.flatnonzero(m),))


def masked_scatter(input, mask, source):
    _bool_mask("masked_scatter_", mask)
    if source.dtype is not input.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but "
                           f"got{_NAMES[input.dtype.name]} and {_NAMES[source.dtype.name]}")
    xp = input.device.xp
    shape = infer_size(input.shape, mask.shape)
    m = mask._data if mask.shape == shape else xp.broadcast_to(mask._data, shape)
    pos = xp.flatnonzero(m)
    n = int(pos.size)
    if source.numel() < n:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    x = reshape(expand(input, shape) if input.shape != shape else input, (-1,))
    src = reshape(source, (-1,))
    if src.shape[0] != n:
        src = Slice.apply(src, index=(slice(0, n), Ellipsis))
    return reshape(IndexPut.apply(x, src, index=(pos,), accumulate=False), shape)


# ---------------------------------------------------------------- take / nonzero

def take(input, index):
    if index._data.dtype != numpy.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got "
                           f"{_NAMES[index.dtype.name]}")
    n = input.numel()
    idx = index._data
    if idx.size and (int(idx.min()) < -n or int(idx.max()) >= n):
        bad = idx[(idx < -n) | (idx >= n)].reshape(-1)
        raise IndexError(f"out of range: tried to access index {int(bad[0])} on a tensor of "
                         f"{n} elements.")
    return Index.apply(reshape(input, (-1,)), index=(idx,))


def take_along_dim(input, indices, dim=None):
    if indices.dtype is not _dtype.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{_NAMES[indices.dtype.name]}")
    if dim is None:
        return gather(reshape(input, (-1,)), 0, reshape(indices, (-1,)))
    if input.ndim != indices.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {input.ndim} dimensions for input, and "
                           f"{indices.ndim} dimensions for indices")
    dim = canonical_dim(dim, input.ndim)
    sizes = list(input.shape)
    sizes[dim] = indices.shape[dim]
    ishape = infer_size(sizes, indices.shape)
    sizes = list(indices.shape)
    sizes[dim] = input.shape[dim]
    xshape = infer_size(sizes, input.shape)
    if indices.shape != ishape:
        indices = expand(indices, ishape)
    if input.shape != xshape:
        input = expand(input, xshape)
    return gather(input, dim, indices)


def nonzero(input, *, as_tuple=False):
    xp, dev = input.device.xp, input.device
    a = input._data
    if as_tuple:
        if a.ndim == 0:
            return (make_tensor(xp.zeros(1 if a else 0, dtype=numpy.int64), dev),)
        return tuple(make_tensor(i.astype(numpy.int64, copy=False), dev) for i in xp.nonzero(a))
    return make_tensor(xp.argwhere(a).astype(numpy.int64, copy=False), dev)


def argwhere(input):
    return nonzero(input)
