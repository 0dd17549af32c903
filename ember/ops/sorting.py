"""Sorting and selection along a dim (sort, argsort, msort, topk, kthvalue, median,
nanmedian, mode), and the ops that count values (unique, unique_consecutive, bincount, histc).

The selections build on reduction.py's _Selection: the gradient goes to the returned index,
except full median(), which splits it evenly over ties as torch does.
"""
from .. import _dtype, return_types
from .._tensor import make_tensor
from ..autograd.function import Op
from .reduction import (_TORCH_NAME, _as_1d, _const, _is_float, _NoGrad, _select,
                        _select_along, _Selection, _tie_weights, _to_0d)
from .shape import canonical_dim

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode",
           "unique", "unique_consecutive", "bincount", "histc"]


# ---------------------------------------------------------------- sorting and selection

def _argsort(xp, x, axis, descending):
    """Stable argsort; descending keeps equal elements in their original order (as torch),
    and NaN counts as the largest value."""
    if not descending:
        return xp.argsort(x, axis=axis, kind="stable")
    idx = xp.argsort(xp.flip(x, axis), axis=axis, kind="stable")
    return (x.shape[axis] - 1) - xp.flip(idx, axis)


class Sort(_Selection):
    @staticmethod
    def forward(ctx, x, *, dim, descending):
        return _select(ctx, x, _argsort(ctx.xp, x, dim, descending), dim, True)


def sort(input, dim=-1, descending=False, *, stable=False):
    d = canonical_dim(dim, input.ndim)
    if input.ndim == 0:
        return return_types.sort(*_to_0d(Sort.apply(input.reshape((1,)), dim=0,
                                                    descending=descending)))
    return return_types.sort(*Sort.apply(input, dim=d, descending=descending))


class Argsort(_NoGrad):
    @staticmethod
    def forward(ctx, x, *, dim, descending):
        if x.ndim == 0:
            return ctx.xp.zeros((), ctx.xp.int64)
        return _argsort(ctx.xp, x, dim, descending).astype(ctx.xp.int64, copy=False)


def argsort(input, dim=-1, descending=False, *, stable=False):
    return Argsort.apply(input, dim=canonical_dim(dim, input.ndim), descending=descending)


def msort(input):
    return sort(input, 0).values


class Topk(_Selection):
    @staticmethod
    def forward(ctx, x, *, k, dim, largest):
        idx = _argsort(ctx.xp, x, dim, largest)
        idx = ctx.xp.take(idx, ctx.xp.arange(k), axis=dim)
        return _select(ctx, x, idx, dim, True)


def topk(input, k, dim=-1, largest=True, sorted=True):  # noqa: A002 - torch's name
    d = canonical_dim(dim, input.ndim)
    size = input.shape[d] if input.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    if input.ndim == 0:
        out = Topk.apply(input.reshape((1,)), k=k, dim=0, largest=largest)
        return return_types.topk(*(_to_0d(out) if k else out))
    # sorted=False leaves the order unspecified in torch; a sorted result is one valid order
    return return_types.topk(*Topk.apply(input, k=k, dim=d, largest=largest))


class Kthvalue(_Selection):
    @staticmethod
    def forward(ctx, x, *, k, dim, keepdim):
        idx = _argsort(ctx.xp, x, dim, False)
        idx = ctx.xp.take(idx, ctx.xp.asarray([k - 1]), axis=dim)
        return _select(ctx, x, idx, dim, keepdim)


def kthvalue(input, k, dim=-1, keepdim=False):
    d = canonical_dim(dim, input.ndim)
    size = input.shape[d] if input.ndim else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    input, keepdim = _as_1d(input, keepdim)
    return return_types.kthvalue(*Kthvalue.apply(input, k=k, dim=d, keepdim=keepdim))


def _median_index(xp, x, axis, ignore_nan):
    """Index (kept-dim shape) of the lower median along axis; NaN wins unless ignored."""
    order = xp.argsort(x, axis=axis, kind="stable")  # NaNs sort last
    n = x.shape[axis]
    nans = xp.sum(xp.isnan(x), axis=axis, keepdims=True) if x.dtype.kind in "fc" else \
        xp.zeros([1 if i == axis else s for i, s in enumerate(x.shape)], xp.int64)
    if ignore_nan:
        k = xp.maximum((n - nans - 1) // 2, 0)
    else:
        k = xp.where(nans > 0, n - nans, (n - 1) // 2)  # the first NaN in sorted order
    return xp.take_along_axis(order, k, axis=axis)


class Median(_Selection):
    @staticmethod
    def forward(ctx, x, *, dim, keepdim, ignore_nan):
        return _select(ctx, x, _median_index(ctx.xp, x, dim, ignore_nan), dim, keepdim)


class MedianAll(Op):
    """median() of all elements: a 0-dim value whose gradient is split evenly over the
    elements equal to it, as torch does."""

    @staticmethod
    def forward(ctx, x, *, ignore_nan):
        xp = ctx.xp
        flat = x.reshape(-1)
        value = flat[_median_index(xp, flat, 0, ignore_nan)].reshape(())
        if ctx.needs_input_grad[0]:
            ctx.weights = _tie_weights(xp, x, value, None, not ignore_nan)
        return value

    @staticmethod
    def backward(ctx, grad):
        return grad * _const(ctx, ctx.weights)


def _median(input, dim, keepdim, name, ignore_nan):
    if dim is None:
        if input.numel() == 0:
            return make_tensor(input.device.xp.asarray(float("nan"), input._data.dtype),
                               input.device)
        return MedianAll.apply(input, ignore_nan=ignore_nan)
    return _select_along(Median, name, input, dim, keepdim, ignore_nan=ignore_nan)


def median(input, dim=None, keepdim=False):
    return _median(input, dim, keepdim, "median", False)


def nanmedian(input, dim=None, keepdim=False):
    return _median(input, dim, keepdim, "nanmedian", True)


class Mode(_Selection):
    @staticmethod
    def forward(ctx, x, *, dim, keepdim):
        xp = ctx.xp
        order = xp.argsort(x, axis=dim, kind="stable")
        s = xp.take_along_axis(x, order, axis=dim)
        n = x.shape[dim]
        pos = xp.arange(n).reshape([-1 if i == dim else 1 for i in range(x.ndim)])
        starts = xp.ones(s.shape, dtype=bool)
        if n > 1:
            tail = [slice(None)] * x.ndim
            head = list(tail)
            tail[dim], head[dim] = slice(1, None), slice(None, -1)
            starts[tuple(tail)] = s[tuple(tail)] != s[tuple(head)]
        run_start = ctx.ext.cummax(xp.where(starts, pos, 0), dim)
        count = pos - run_start + 1  # at a run's last element: the run's length
        # the first longest run is the smallest most frequent value; its last element in
        # stable order is the value's last occurrence, the index torch reports
        best = xp.argmax(count, axis=dim, keepdims=True)
        return _select(ctx, x, xp.take_along_axis(order, best, axis=dim), dim, keepdim)


def mode(input, dim=-1, keepdim=False):
    return _select_along(Mode, "mode", input, dim, keepdim)


# ---------------------------------------------------------------- unique, counting, histograms

class Unique(_NoGrad):
    @staticmethod
    def forward(ctx, x, *, dim):
        xp = ctx.xp
        if dim is None:
            values, inverse, counts = xp.unique(x.reshape(-1), return_inverse=True,
                                                return_counts=True, equal_nan=False)
            inverse = inverse.reshape(x.shape)
        else:
            values, inverse, counts = xp.unique(x, return_inverse=True, return_counts=True,
                                                axis=dim, equal_nan=False)
            inverse = inverse.reshape(-1)
        return values, inverse.astype(xp.int64), counts.astype(xp.int64)


def _pick(out, return_inverse, return_counts):
    values, inverse, counts = out
    if not return_inverse and not return_counts:
        return values
    return (values,) + ((inverse,) if return_inverse else ()) + \
        ((counts,) if return_counts else ())


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa
    # torch's sorted=False order is unspecified; sorted output is one valid order
    d = None if dim is None else canonical_dim(dim, input.ndim)
    return _pick(Unique.apply(input.detach(), dim=d), return_inverse, return_counts)


class UniqueConsecutive(_NoGrad):
    @staticmethod
    def forward(ctx, x, *, dim):
        xp = ctx.xp
        if dim is None:
            a = x.reshape(-1)
            starts = xp.ones(a.shape, dtype=bool)
            starts[1:] = a[1:] != a[:-1]
            values = a[starts]
        else:
            rows = xp.moveaxis(x, dim, 0).reshape(x.shape[dim], -1)
            starts = xp.ones(rows.shape[0], dtype=bool)
            starts[1:] = xp.any(rows[1:] != rows[:-1], axis=1)
            values = xp.take(x, xp.flatnonzero(starts), axis=dim)
        inverse = xp.cumsum(starts, dtype=xp.int64) - 1
        first = xp.flatnonzero(starts)
        counts = xp.diff(xp.concatenate([first, xp.asarray([starts.size])])).astype(xp.int64)
        return values, inverse.reshape(x.shape if dim is None else (-1,)), counts


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    d = None if dim is None else canonical_dim(dim, input.ndim)
    return _pick(UniqueConsecutive.apply(input.detach(), dim=d), return_inverse, return_counts)


class Bincount(Op):
    promote = None

    @staticmethod
    def forward(ctx, x, weights, *, minlength):
        xp = ctx.xp
        if weights is None:
            return xp.bincount(x, minlength=minlength).astype(xp.int64, copy=False)
        out = xp.bincount(x, weights=weights, minlength=minlength)
        # torch keeps float32 weights' dtype and gives float64 for every other weight dtype
        return out.astype(xp.float32 if weights.dtype == xp.float32 else xp.float64)

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::bincount is not implemented")


def bincount(input, weights=None, minlength=0):
    if _is_float(input) or input.dtype is _dtype.bool:
        raise NotImplementedError(
            f"\"bincount_cpu\" not implemented for '{_TORCH_NAME[input.dtype.name]}'")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if input.ndim != 1 or (input.numel() and int(input._data.min()) < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and weights.shape != input.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    return Bincount.apply(input, weights, minlength=minlength)


class Histc(_NoGrad):
    @staticmethod
    def forward(ctx, x, *, bins, min, max):  # noqa: A002 - torch's names
        xp = ctx.xp
        lo, hi = float(min), float(max)
        if lo == hi and x.size:  # min == max: the data's range
            lo, hi = float(x.min()), float(x.max())
        if lo == hi:
            lo, hi = lo - 1, hi + 1
        inside = (x >= lo) & (x <= hi)
        v = x[inside]
        lo_t, hi_t = x.dtype.type(lo), x.dtype.type(hi)
        idx = ((v - lo_t) * bins / (hi_t - lo_t)).astype(xp.int64)
        idx = xp.minimum(idx, bins - 1)  # the last bin includes max
        return xp.bincount(idx, minlength=bins).astype(x.dtype)


def histc(input, bins=100, min=0, max=0):  # noqa: A002 - torch's names
    if not input.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"histogram_cpu\" not implemented for '{_TORCH_NAME[input.dtype.name]}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    if min > max:
        raise RuntimeError("torch.histc: max must be larger than min")
    return Histc.apply(input.detach(), bins=bins, min=min, max=max)

