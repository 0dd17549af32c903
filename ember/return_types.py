"""torch.return_types: the named tuples that selections return, e.g. max(dim) -> (values, indices).

They are tuples, so `values, indices = ember.max(x, 1)` and indexing work as in torch; fields
are read by name (`.values`, `.indices`). The repr is torch's, so printed output matches.
var_mean, std_mean and unique return plain tuples in torch, and here.
"""
import collections

__all__ = ["aminmax", "cummax", "cummin", "kthvalue", "max", "median", "min", "mode",
           "nanmedian", "sort", "topk"]


def _make(name, fields):
    cls = collections.namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    cls.__repr__ = __repr__
    cls.__module__ = __name__  # pickling finds the class here
    return cls


_VALUES_INDICES = ("values", "indices")

max = _make("max", _VALUES_INDICES)  # noqa: A001 - torch's name
min = _make("min", _VALUES_INDICES)  # noqa: A001
sort = _make("sort", _VALUES_INDICES)
topk = _make("topk", _VALUES_INDICES)
kthvalue = _make("kthvalue", _VALUES_INDICES)
median = _make("median", _VALUES_INDICES)
nanmedian = _make("nanmedian", _VALUES_INDICES)
mode = _make("mode", _VALUES_INDICES)
cummax = _make("cummax", _VALUES_INDICES)
cummin = _make("cummin", _VALUES_INDICES)
aminmax = _make("aminmax", ("min", "max"))
