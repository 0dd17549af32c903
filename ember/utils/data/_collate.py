"""default_collate / default_convert: samples -> a batch, as torch.utils.data does it.

Beyond torch: when samples disagree in shape, the error names the field path inside the
sample (e.g. `['image']` or `[1]`) and the two shapes, not only the stack failure.
"""
import collections.abc
import copy
import re

import numpy

from ... import _creation, _dtype
from ..._tensor import Tensor

__all__ = ["collate", "default_collate", "default_collate_fn_map", "default_convert"]

_STR_OBJ = re.compile(r"[SaUO]")
_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; " \
       "found {}"


class CollateError(RuntimeError):
    """Samples whose field at `path` cannot be batched; the message names path and shapes."""

    def __init__(self, detail, path=()):
        self.detail, self.path = detail, tuple(path)
        where = "".join(f"[{k!r}]" for k in self.path)
        super().__init__(f"default_collate: field {where or '(the sample itself)'} "
                         f"differs between samples: {detail}")

    def under(self, key):
        return CollateError(self.detail, (key,) + self.path)


def _shape(s):
    return list(s)


def collate_tensor_fn(batch, *, collate_fn_map=None):
    first = tuple(batch[0].shape)
    for i, t in enumerate(batch):
        if tuple(t.shape) != first:
            raise CollateError(f"stack expects each tensor to be equal size, but got "
                               f"{_shape(first)} at entry 0 and {_shape(t.shape)} at entry {i}")
    from ... import ops
    return ops.stack(list(batch), 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    if _STR_OBJ.search(batch[0].dtype.str) is not None:
        raise TypeError(_ERR.format(batch[0].dtype))
    return collate([_creation.as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    return _creation.as_tensor(numpy.array(batch))


def collate_float_fn(batch, *, collate_fn_map=None):
    return _creation.tensor(batch, dtype=_dtype.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    return _creation.tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


default_collate_fn_map = {
    Tensor: collate_tensor_fn,
    numpy.ndarray: collate_numpy_array_fn,
    (numpy.bool_, numpy.number, numpy.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def _field(key, samples, collate_fn_map):
    try:
        return collate(samples, collate_fn_map=collate_fn_map)
    except CollateError as e:
        raise e.under(key) from None


def collate(batch, *, collate_fn_map=None):
    """Batch a list of samples: element types found in `collate_fn_map` (exact type first,
    then isinstance in insertion order) use their function; containers recurse."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        fn = collate_fn_map.get(elem_type)
        if fn is None:
            for key, f in collate_fn_map.items():
                if isinstance(elem, key):
                    fn = f
                    break
        if fn is not None:
            if fn is collate_numpy_scalar_fn and isinstance(elem, numpy.ndarray):
                fn = collate_numpy_array_fn
            return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        fields = {key: _field(key, [d[key] for d in batch], collate_fn_map) for key in elem}
        return _same_container(elem, fields)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(_field(name, samples, collate_fn_map)
                           for name, samples in zip(elem._fields, zip(*batch))))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if not all(len(e) == size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        fields = [_field(i, samples, collate_fn_map)
                  for i, samples in enumerate(zip(*batch))]
        if isinstance(elem, tuple):
            return fields  # a list, as torch keeps for backwards compatibility
        return _same_container(elem, fields)
    raise TypeError(_ERR.format(elem_type))


def _same_container(like, fields):
    """fields (a dict or a list) in a container of like's type: a copy of a mutable one
    keeps its extra state, others are rebuilt from fields; types that cannot be rebuilt
    give the plain dict or list, as torch does."""
    try:
        if isinstance(like, collections.abc.MutableMapping):
            clone = copy.copy(like)
            clone.update(fields)
            return clone
        if isinstance(like, collections.abc.MutableSequence):
            clone = copy.copy(like)
            for i, f in enumerate(fields):
                clone[i] = f
            return clone
        return type(like)(fields)
    except TypeError:
        return fields


def default_collate(batch):
    """Stack tensors and arrays along a new first dim; Python floats -> float64 tensor, ints
    -> int64, bools -> bool; strings stay a list; dicts, namedtuples, tuples and lists are
    batched field by field (tuples come back as lists, as in torch)."""
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data):
    """Arrays and NumPy scalars -> tensors, recursing through containers; no batching."""
    elem_type = type(data)
    if isinstance(data, Tensor):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_"):
        if elem_type.__name__ == "ndarray" and _STR_OBJ.search(data.dtype.str) is not None:
            return data
        return _creation.as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        fields = {key: default_convert(data[key]) for key in data}
        return _same_container(data, fields)
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        fields = [default_convert(d) for d in data]
        return _same_container(data, fields)
    return data
