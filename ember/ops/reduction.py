"""Reductions and scans: sum, mean, prod, max/min, var/std, logsumexp, norm, cumulative ops,
sorting and selection (sort, topk, kthvalue, median, mode), unique, bincount, histc, diff.

Gradient conventions are torch's: selections that return indices (max(dim), sort, topk,
median(dim), ...) send the gradient to the returned index; full max/min/median and
amax/amin split it evenly over ties. Masks and tie weights are computed in forward and
enter backward as constants, so every backward stays differentiable.
"""
import builtins
import math
import warnings

from .. import _dtype, return_types
from .._tensor import Tensor, make_tensor
from ..autograd.function import Op
from .shape import canonical_dim, canonical_dims

__all__ = ["sum", "nansum", "mean", "nanmean", "prod", "max", "min", "amax", "amin", "aminmax",
           "argmax", "argmin", "var", "std", "var_mean", "std_mean", "logsumexp", "norm",
           "cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "all", "any",
           "count_nonzero", "median", "nanmedian", "mode", "sort", "argsort", "msort", "topk",
           "kthvalue", "unique", "unique_consecutive", "bincount", "histc", "diff"]

_LOW = ("float16", "bfloat16")  # accumulated in float32, as torch does

# torch's scalar-type names, used in its error messages
_TORCH_NAME = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
               "int64": "Long", "float16": "Half", "bfloat16": "BFloat16", "float32": "Float",
               "float64": "Double", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _dims(dim, ndim):
    """Reduced dims, sorted; None, () and [] all mean every dim (shape.canonical_dims reads
    [] as no dims)."""
    if isinstance(dim, (tuple, list)) and not dim:
        dim = None
    return canonical_dims(dim, ndim)


def _is_float(t):
    return t.dtype.is_floating_point or t.dtype.is_complex


def _const(ctx, array):
    """A constant tensor (no history) for a backward formula: a mask or tie weights."""
    return make_tensor(array, ctx.device)


def _kept_shape(shape, dims):
    return tuple(1 if i in dims else n for i, n in enumerate(shape))


def _unreduce(grad, in_shape, dims, keepdim):
    """A reduction's gradient (or output) reshaped so it broadcasts against the input."""
    if not keepdim and dims:
        return grad.reshape(_kept_shape(in_shape, dims))
    return grad


def _numel(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def _acc_dtype(x, xp):
    return xp.float32 if x.dtype.name in _LOW else None


def _nonempty(input, dims, name):
    for d in dims:
        if input.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _no_empty_full(input, name):
    if input.numel() == 0:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() "
                           "== 0. Specify the reduction dim with the 'dim' argument.")


class _NoGrad(Op):
    """Ops whose results carry no gradient (bool, integer, or counted outputs)."""

    promote = None


# ---------------------------------------------------------------- sums and means

class Sum(Op):
    promote = None  # sum() picks the dtype: integers and bools accumulate as int64

    @staticmethod
    def forward(ctx, x, *, dims, keepdim, dtype):
        ctx.in_shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        xp = ctx.xp
        if dtype is None and x.dtype.name in _LOW:
            return xp.sum(x, axis=dims, keepdims=keepdim, dtype=xp.float32).astype(x.dtype)
        return xp.sum(x, axis=dims, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        return _unreduce(grad, ctx.in_shape, ctx.dims, ctx.keepdim).expand(ctx.in_shape)


def _sum_dtype(input, dtype):
    if dtype is not None:
        return dtype.np
    if not _is_float(input):
        return _dtype.int64.np  # torch sums integers and bools as int64
    return None


def sum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A001 - torch's name
    dims = _dims(dim, input.ndim)
    return Sum.apply(input, dims=dims, keepdim=keepdim, dtype=_sum_dtype(input, dtype))


class Nansum(Op):
    promote = None

    @staticmethod
    def forward(ctx, x, *, dims, keepdim, dtype):
        xp = ctx.xp
        ctx.in_shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        keep = ~xp.isnan(x)
        if ctx.needs_input_grad[0]:
            ctx.keep = keep.astype(x.dtype)
        acc = dtype if dtype is not None else _acc_dtype(x, xp)
        out = xp.sum(xp.where(keep, x, 0), axis=dims, keepdims=keepdim, dtype=acc)
        return out.astype(x.dtype) if dtype is None and acc is not None else out

    @staticmethod
    def backward(ctx, grad):
        return _unreduce(grad, ctx.in_shape, ctx.dims, ctx.keepdim) * _const(ctx, ctx.keep)


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    if not _is_float(input):
        return sum(input, dim, keepdim, dtype=dtype)  # integers hold no NaN
    dims = _dims(dim, input.ndim)
    return Nansum.apply(input, dims=dims, keepdim=keepdim,
                        dtype=None if dtype is None else dtype.np)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    if dtype is None and not _is_float(input):
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {_TORCH_NAME[input.dtype.name]}")
    dims = _dims(dim, input.ndim)
    n = _numel(input.shape, dims)
    total = sum(input, dim, keepdim, dtype=dtype)
    return total / n if n else total * float("nan")


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    if not _is_float(input):
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                           f"but got {_TORCH_NAME[input.dtype.name]}")
    dims = _dims(dim, input.ndim)
    xp = input.device.xp
    count = xp.sum(~xp.isnan(input.data), axis=dims, keepdims=keepdim, dtype=xp.int64)
    return nansum(input, dim, keepdim, dtype=dtype) / make_tensor(count, input.device)


# ---------------------------------------------------------------- products

def _zero_ranks(xp, x, axis):
    """Where x is zero along axis: (zero mask, [first-zero mask, second-zero mask]), or None.

    The product of all elements but one is nonzero only at a zero when it is the only zero,
    and its first derivative is nonzero only at the first two zeros: only those positions
    need the division-free formula for exact first and second derivatives."""
    z = x == 0
    if not z.any():
        return None
    c = xp.cumsum(z, axis=axis)
    return z, [m for m in (z & (c == 1), z & (c == 2)) if m.any()]


class Prod(Op):
    promote = None

    @staticmethod
    def forward(ctx, x, *, dim, keepdim, dtype):
        xp = ctx.xp
        ctx.save_inputs(0)
        ctx.save_output()
        ctx.in_shape, ctx.dim, ctx.keepdim = x.shape, dim, keepdim
        if ctx.needs_input_grad[0]:
            ctx.zeros = _zero_ranks(xp, x.reshape(-1) if dim is None else x,
                                    0 if dim is None else dim)
        acc = dtype if dtype is not None else _acc_dtype(x, xp)
        out = xp.prod(x, axis=dim, keepdims=keepdim, dtype=acc)
        return out.astype(x.dtype) if dtype is None and acc is not None else out

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        out = ctx.output
        if ctx.dim is None:  # all elements: work on the flattened input
            dim, x = 0, x.reshape(-1)
            grad, out = grad.reshape((1,)), out.reshape((1,))
        else:
            dim = ctx.dim
            grad = _unreduce(grad, ctx.in_shape, (dim,), ctx.keepdim)
            out = _unreduce(out, ctx.in_shape, (dim,), ctx.keepdim)
        if ctx.zeros is None:
            res = grad * out / x
        else:
            zeros, ranks = ctx.zeros
            z = zeros.astype(x.data.dtype)
            # out / x where x != 0 (exact there, including its dependence on the zeros)
            res = grad * out / (x + _const(ctx, z)) * _const(ctx, 1 - z)
            for mask in ranks:
                e = _const(ctx, mask.astype(x.data.dtype))
                res = res + grad * prod(x * (1 - e) + e, dim, keepdim=True) * e
        return res.reshape(ctx.in_shape) if ctx.dim is None else res


def prod(input, dim=None, keepdim=False, *, dtype=None):
    if dim is not None:
        dim = canonical_dim(dim, input.ndim)
        if input.ndim == 0:
            dim = None
    np_dtype = dtype.np if dtype is not None else (
        None if _is_float(input) else _dtype.int64.np)
    return Prod.apply(input, dim=dim, keepdim=keepdim, dtype=np_dtype)


# ---------------------------------------------------------------- max, min and friends

def _tie_weights(xp, x, value, dims, nan_ties):
    """mask / count over the reduced dims: an even split of the gradient over ties."""
    mask = x == value
    if nan_ties:  # full reductions send the gradient to the NaN that made the result NaN
        mask |= xp.isnan(x) & xp.isnan(value)
    mask = mask.astype(x.dtype)
    return mask / mask.sum(axis=dims, keepdims=True)


class Amax(Op):
    @staticmethod
    def forward(ctx, x, *, dims, keepdim, nan_ties=False):
        return _extremum(ctx, x, dims, keepdim, nan_ties, ctx.xp.amax)

    @staticmethod
    def backward(ctx, grad):
        return _unreduce(grad, ctx.in_shape, ctx.dims, ctx.keepdim) * _const(ctx, ctx.weights)


class Amin(Op):
    @staticmethod
    def forward(ctx, x, *, dims, keepdim, nan_ties=False):
        return _extremum(ctx, x, dims, keepdim, nan_ties, ctx.xp.amin)

    backward = Amax.backward


def _extremum(ctx, x, dims, keepdim, nan_ties, fn):
    ctx.in_shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
    out = fn(x, axis=dims, keepdims=True)
    if ctx.needs_input_grad[0]:
        ctx.weights = _tie_weights(ctx.xp, x, out, dims, nan_ties)
    return out if keepdim else out.reshape([n for i, n in enumerate(x.shape) if i not in dims])


def amax(input, dim=(), keepdim=False):
    dims = _dims(dim, input.ndim)
    if dim is None or isinstance(dim, (tuple, list)) and not dim:
        _no_empty_full(input, "amax")
    _nonempty(input, dims, "amax")
    return Amax.apply(input, dims=dims, keepdim=keepdim)


def amin(input, dim=(), keepdim=False):
    dims = _dims(dim, input.ndim)
    if dim is None or isinstance(dim, (tuple, list)) and not dim:
        _no_empty_full(input, "amin")
    _nonempty(input, dims, "amin")
    return Amin.apply(input, dims=dims, keepdim=keepdim)


def aminmax(input, *, dim=None, keepdim=False):
    dims = _dims(dim, input.ndim)
    if dim is None:
        _no_empty_full(input, "aminmax")
    _nonempty(input, dims, "aminmax")
    return return_types.aminmax(Amin.apply(input, dims=dims, keepdim=keepdim),
                                Amax.apply(input, dims=dims, keepdim=keepdim))


class _PutAlong(Op):
    """zeros(shape) with g added at `index` along dim (repeats accumulate): the gradient of
    every selection. Its gradient is _TakeAlong, and the reverse."""

    @staticmethod
    def forward(ctx, g, *, index, dim, shape):
        xp = ctx.xp
        ctx.index, ctx.dim = index, dim
        out = xp.zeros(shape, dtype=g.dtype)
        flat = index * _c_stride(shape, dim)
        for a in range(index.ndim):
            if a != dim:
                step = xp.arange(index.shape[a]) * _c_stride(shape, a)
                flat = flat + step.reshape([-1 if i == a else 1 for i in range(index.ndim)])
        ctx.ext.scatter_add(out.reshape(-1), flat.reshape(-1), g.reshape(-1))
        return out

    @staticmethod
    def backward(ctx, grad):
        return _TakeAlong.apply(grad, index=ctx.index, dim=ctx.dim)


class _TakeAlong(Op):
    @staticmethod
    def forward(ctx, x, *, index, dim):
        ctx.index, ctx.dim, ctx.in_shape = index, dim, x.shape
        return ctx.xp.take_along_axis(x, index, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return _PutAlong.apply(grad, index=ctx.index, dim=ctx.dim, shape=ctx.in_shape)


def _c_stride(shape, dim):
    s = 1
    for n in shape[dim + 1:]:
        s *= n
    return s


class _Selection(Op):
    """Ops returning (values, indices) along one dim; the gradient goes to the returned index.
    Forward sets ctx.index (kept-dim shape), ctx.dim, ctx.in_shape and ctx.squeezed."""

    promote = None
    differentiable_outputs = 1

    @staticmethod
    def backward(ctx, grad, _):
        if ctx.squeezed:
            grad = grad.unsqueeze(ctx.dim)
        return _PutAlong.apply(grad, index=ctx.index, dim=ctx.dim, shape=ctx.in_shape)


def _select(ctx, x, index, dim, keepdim):
    """(values, int64 indices) at `index` (kept-dim shape), remembering it for backward."""
    xp = ctx.xp
    index = index.astype(xp.int64, copy=False)
    ctx.index, ctx.dim, ctx.in_shape, ctx.squeezed = index, dim, x.shape, not keepdim
    values = xp.take_along_axis(x, index, axis=dim)
    if not keepdim:
        values, index = values.squeeze(dim), index.squeeze(dim)
    return values, index


class Max(_Selection):
    @staticmethod
    def forward(ctx, x, *, dim, keepdim):
        return _select(ctx, x, ctx.xp.argmax(x, axis=dim, keepdims=True), dim, keepdim)


class Min(_Selection):
    @staticmethod
    def forward(ctx, x, *, dim, keepdim):
        return _select(ctx, x, ctx.xp.argmin(x, axis=dim, keepdims=True), dim, keepdim)


def _as_1d(input, keepdim):
    """0-dim inputs reduce as one-element vectors (torch takes dim 0 or -1 for them)."""
    if input.ndim == 0:
        return input.reshape((1,)), False
    return input, keepdim


def _to_0d(out):
    return tuple(o.reshape(()) for o in out)


def _max_min(input, dim, keepdim, name, op, binary, amax_like):
    if isinstance(dim, Tensor):  # max(input, other): the elementwise form
        from . import elementwise
        return getattr(elementwise, binary)(input, dim)
    if dim is None:
        _no_empty_full(input, name)
        return amax_like.apply(input, dims=tuple(range(input.ndim)), keepdim=False, nan_ties=True)
    d = canonical_dim(dim, input.ndim)
    input, keepdim = _as_1d(input, keepdim)
    _nonempty(input, (d,), name)
    return getattr(return_types, name)(*op.apply(input, dim=d, keepdim=keepdim))


def max(input, dim=None, keepdim=False):  # noqa: A001 - torch's name
    return _max_min(input, dim, keepdim, "max", Max, "maximum", Amax)


def min(input, dim=None, keepdim=False):  # noqa: A001 - torch's name
    return _max_min(input, dim, keepdim, "min", Min, "minimum", Amin)


class Argmax(_NoGrad):
    @staticmethod
    def forward(ctx, x, *, dim, keepdim):
        return _arg_extremum(ctx.xp, ctx.xp.argmax, x, dim, keepdim)


class Argmin(_NoGrad):
    @staticmethod
    def forward(ctx, x, *, dim, keepdim):
        return _arg_extremum(ctx.xp, ctx.xp.argmin, x, dim, keepdim)


def _arg_extremum(xp, fn, x, dim, keepdim):
    if dim is None:  # over the flattened input; keepdim keeps every dim as size 1
        out = fn(x.reshape(-1))
        out = xp.asarray(out).reshape((1,) * x.ndim if keepdim else ())
    else:
        out = fn(x.reshape(1) if x.ndim == 0 else x, axis=dim, keepdims=keepdim)
        if x.ndim == 0:
            out = out.reshape(())
    return out.astype(xp.int64, copy=False)


def _arg_checks(input, dim, name):
    if input.dtype is _dtype.bool:
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        if input.numel() == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        return None
    d = canonical_dim(dim, input.ndim)
    if input.ndim:
        _nonempty(input, (d,), name)
    return d


def argmax(input, dim=None, keepdim=False):
    return Argmax.apply(input, dim=_arg_checks(input, dim, "argmax"), keepdim=keepdim)


def argmin(input, dim=None, keepdim=False):
    return Argmin.apply(input, dim=_arg_checks(input, dim, "argmin"), keepdim=keepdim)


# ---------------------------------------------------------------- variance and norms

def _centered_sum_squares(xp, x, dims, keepdim):
    acc = x.astype(xp.float32) if x.dtype.name in _LOW else x
    d = acc - acc.mean(axis=dims, keepdims=True)
    return (d * d).sum(axis=dims, keepdims=keepdim)


def _divide(ctx, ss, divisor, dtype):
    # n - correction <= 0 divides by zero as torch does: inf, or nan for a zero sum
    with ctx.ext.quiet_fp():
        out = ss / divisor if divisor else ss * math.inf
    return out.astype(dtype, copy=False)


class Var(Op):
    """Fused: one node and NumPy's two-pass variance instead of five composed ops."""

    @staticmethod
    def forward(ctx, x, *, dims, keepdim, divisor):
        ctx.save_inputs(0)
        ctx.in_shape, ctx.dims, ctx.keepdim, ctx.divisor = x.shape, dims, keepdim, divisor
        return _divide(ctx, _centered_sum_squares(ctx.xp, x, dims, keepdim), divisor, x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        g = _unreduce(grad, ctx.in_shape, ctx.dims, ctx.keepdim)
        scale = 2.0 / ctx.divisor if ctx.divisor else math.inf
        return g * (x - mean(x, ctx.dims, True)) * scale


class Std(Op):
    """Fused like Var; the gradient where std == 0 is 0 (torch masks it), not nan."""

    @staticmethod
    def forward(ctx, x, *, dims, keepdim, divisor):
        xp = ctx.xp
        ctx.save_inputs(0)
        ctx.save_output()
        ctx.in_shape, ctx.dims, ctx.keepdim, ctx.divisor = x.shape, dims, keepdim, divisor
        var = _divide(ctx, _centered_sum_squares(xp, x, dims, True), divisor, x.dtype)
        out = xp.sqrt(var)
        if ctx.needs_input_grad[0]:
            ctx.zero = (out == 0).astype(x.dtype)
        return out if keepdim else out.reshape([n for i, n in enumerate(x.shape)
                                                if i not in dims])

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        g = _unreduce(grad, ctx.in_shape, ctx.dims, ctx.keepdim)
        std = _unreduce(ctx.output, ctx.in_shape, ctx.dims, ctx.keepdim)
        z = _const(ctx, ctx.zero)
        scale = 1.0 / ctx.divisor if ctx.divisor else math.inf
        return g * (x - mean(x, ctx.dims, True)) / (std + z) * (1 - z) * scale


def _var_args(name, input, dim, unbiased, correction):
    if isinstance(dim, bool):  # var(x, unbiased): the legacy positional form
        dim, unbiased = None, dim
    if not _is_float(input):
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    elif unbiased is not None:
        raise RuntimeError(f"{name}: can't specify both unbiased and correction")
    dims = _dims(dim, input.ndim)
    n = _numel(input.shape, dims)
    if n - correction <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly "
                      "less than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=3)
    return dim, dims, builtins.max(n - correction, 0)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    _, dims, divisor = _var_args("var", input, dim, unbiased, correction)
    return Var.apply(input, dims=dims, keepdim=keepdim, divisor=divisor)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    _, dims, divisor = _var_args("std", input, dim, unbiased, correction)
    return Std.apply(input, dims=dims, keepdim=keepdim, divisor=divisor)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dim, dims, divisor = _var_args("var_mean", input, dim, unbiased, correction)
    return (Var.apply(input, dims=dims, keepdim=keepdim, divisor=divisor),
            mean(input, dim, keepdim))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dim, dims, divisor = _var_args("std_mean", input, dim, unbiased, correction)
    return (Std.apply(input, dims=dims, keepdim=keepdim, divisor=divisor),
            mean(input, dim, keepdim))


class Logsumexp(Op):
    """Fused for stability: the max is shifted out before exp."""

    promote = "float"

    @staticmethod
    def forward(ctx, x, *, dims, keepdim):
        xp = ctx.xp
        ctx.save_inputs(0)
        ctx.save_output()
        ctx.in_shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        if x.size:
            m = xp.amax(x, axis=dims, keepdims=True)
            m = xp.where(xp.isinf(m), 0, m)  # all -inf (or an inf) slices: x - inf is nan
        else:
            m = xp.zeros(_kept_shape(x.shape, dims), x.dtype)
        with ctx.ext.quiet_fp():
            out = xp.log(xp.sum(xp.exp(x - m), axis=dims, keepdims=True)) + m
        return out if keepdim else out.reshape([n for i, n in enumerate(x.shape)
                                                if i not in dims])

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        out = _unreduce(ctx.output, ctx.in_shape, ctx.dims, ctx.keepdim)
        return _unreduce(grad, ctx.in_shape, ctx.dims, ctx.keepdim) * (x - out).exp()


def logsumexp(input, dim, keepdim=False):
    dims = _dims(dim, input.ndim)
    return Logsumexp.apply(input, dims=dims, keepdim=keepdim)


class Norm(Op):
    """Vector p-norm over dims. Fused: torch's subgradients at 0 (0 for p=2, even split over
    the extremes for p=inf) need masks that composed pow/sqrt would turn into nan."""

    @staticmethod
    def forward(ctx, x, *, p, dims, keepdim):
        xp = ctx.xp
        ctx.save_inputs(0)
        ctx.save_output()
        ctx.in_shape, ctx.dims, ctx.keepdim, ctx.p = x.shape, dims, keepdim, p
        acc = _acc_dtype(x, xp)
        a = xp.abs(x if acc is None else x.astype(acc))
        if p == math.inf or p == -math.inf:
            out = (xp.amax if p > 0 else xp.amin)(a, axis=dims, keepdims=True)
        elif p == 0:
            out = xp.sum(a != 0, axis=dims, keepdims=True, dtype=a.dtype)
        elif p == 1:
            out = xp.sum(a, axis=dims, keepdims=True)
        elif p == 2:
            out = xp.sqrt(xp.sum(a * a, axis=dims, keepdims=True))
        else:
            out = xp.sum(a ** p, axis=dims, keepdims=True) ** (1.0 / p)
        out = out.astype(x.dtype, copy=False)
        if ctx.needs_input_grad[0]:
            ctx.sign = xp.sign(x)
            ctx.x_zero = (x == 0).astype(x.dtype)
            ctx.norm_zero = (out == 0).astype(x.dtype)
            if p in (math.inf, -math.inf):
                ctx.weights = _tie_weights(xp, xp.abs(x), out, dims, False)
        return out if keepdim else out.reshape([n for i, n in enumerate(x.shape)
                                                if i not in dims])

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        p = ctx.p
        g = _unreduce(grad, ctx.in_shape, ctx.dims, ctx.keepdim)
        if p == 0:
            return None
        sign = _const(ctx, ctx.sign)
        if p == 1:
            return g * sign
        if p in (math.inf, -math.inf):
            return g * sign * _const(ctx, ctx.weights)
        norm = _unreduce(ctx.output, ctx.in_shape, ctx.dims, ctx.keepdim)
        nz = _const(ctx, ctx.norm_zero)
        safe_norm = norm + nz  # where the norm is 0 the gradient is 0, as torch masks it
        if p == 2:
            return g * x / safe_norm
        xz = _const(ctx, ctx.x_zero)
        absx = x * sign
        if p < 1:
            # |x|^(p-1) is infinite at 0; torch masks those elements to 0
            scaled = sign * (absx + xz) ** (p - 1) * (1 - xz)
            return scaled * g * safe_norm ** (1 - p) * (1 - nz)
        scaled = sign * absx ** (p - 1) if p < 2 else x * absx ** (p - 2)
        return scaled * g / safe_norm ** (p - 1) * (1 - nz)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    if not _is_float(input):
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {_TORCH_NAME[input.dtype.name]}")
    if dtype is not None:
        input = input.to(dtype)
    if isinstance(p, str):
        if p == "nuc":
            raise NotImplementedError("norm(p='nuc') (the nuclear norm) is not implemented")
        if p != "fro":
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
        if dim is not None and not isinstance(dim, int) and len(dim) > 2:
            raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got "
                               + " ".join(str(d) for d in dim))
        p = 2  # the Frobenius norm is the 2-norm of the entries
    dims = _dims(dim, input.ndim)
    return Norm.apply(input, p=float(p), dims=dims, keepdim=keepdim)


# ---------------------------------------------------------------- scans

def _scan_dim(input, dim):
    return canonical_dim(dim, input.ndim)


class Cumsum(Op):
    promote = None

    @staticmethod
    def forward(ctx, x, *, dim, dtype=None, reverse=False):
        xp = ctx.xp
        ctx.dim, ctx.reverse = dim, reverse
        if x.ndim == 0:
            return x.astype(x.dtype if dtype is None else dtype)
        if reverse:
            x = xp.flip(x, dim)
        acc = dtype if dtype is not None else _acc_dtype(x, xp)
        out = xp.cumsum(x, axis=dim, dtype=acc)
        if dtype is None and acc is not None:
            out = out.astype(x.dtype)
        return xp.ascontiguousarray(xp.flip(out, dim)) if reverse else out

    @staticmethod
    def backward(ctx, grad):
        return Cumsum.apply(grad, dim=ctx.dim, reverse=not ctx.reverse)


def _scan_dtype(input, dtype):
    if dtype is not None:
        return dtype.np
    return None if _is_float(input) else _dtype.int64.np


def cumsum(input, dim, *, dtype=None):
    return Cumsum.apply(input, dim=_scan_dim(input, dim), dtype=_scan_dtype(input, dtype))


def _revcumsum(t, dim):
    return Cumsum.apply(t, dim=dim, reverse=True)


class Cumprod(Op):
    promote = None

    @staticmethod
    def forward(ctx, x, *, dim, dtype=None):
        xp = ctx.xp
        ctx.save_inputs(0)
        ctx.save_output()
        ctx.dim = dim
        if x.ndim == 0:  # one element: the identity
            return x.astype(x.dtype if dtype is None else dtype)
        if ctx.needs_input_grad[0]:
            ctx.zeros = _zero_ranks(xp, x, dim)
        acc = dtype if dtype is not None else _acc_dtype(x, xp)
        out = xp.cumprod(x, axis=dim, dtype=acc)
        return out.astype(x.dtype) if dtype is None and acc is not None else out

    @staticmethod
    def backward(ctx, grad):
        # dL/dx_j = sum_{i>=j} grad_i * prod_{l<=i, l!=j} x_l
        (x,) = ctx.inputs
        y, dim = ctx.output, ctx.dim
        if x.ndim == 0:
            return grad
        if ctx.zeros is None:
            return _revcumsum(grad * y, dim) / x
        zeros, ranks = ctx.zeros
        z = zeros.astype(x.data.dtype)
        res = _revcumsum(grad * y, dim) / (x + _const(ctx, z)) * _const(ctx, 1 - z)
        for mask in ranks:  # at the first two zeros: cumprod with that zero replaced by 1
            e = _const(ctx, mask.astype(x.data.dtype))
            res = res + _revcumsum(grad * cumprod(x * (1 - e) + e, dim), dim) * e
        return res


def cumprod(input, dim, *, dtype=None):
    return Cumprod.apply(input, dim=_scan_dim(input, dim), dtype=_scan_dtype(input, dtype))


class Cummax(_Selection):
    @staticmethod
    def forward(ctx, x, *, dim):
        return _cum_extremum(ctx, x, dim, ctx.ext.cummax)


class Cummin(_Selection):
    @staticmethod
    def forward(ctx, x, *, dim):
        return _cum_extremum(ctx, x, dim, ctx.ext.cummin)


def _cum_extremum(ctx, x, dim, scan):
    xp = ctx.xp
    values = scan(x, dim)
    hit = x == values
    if x.dtype.kind in "fc":
        hit |= xp.isnan(x)  # a NaN is the running extremum from where it appears
    # torch takes the latest position among ties: the running max of the hit positions
    pos = xp.arange(x.shape[dim]).reshape([-1 if i == dim else 1 for i in range(x.ndim)])
    index = ctx.ext.cummax(xp.where(hit, pos, 0), dim)
    ctx.index, ctx.dim, ctx.in_shape, ctx.squeezed = index, dim, x.shape, False
    return values, index.astype(xp.int64, copy=False)


def cummax(input, dim):
    d = _scan_dim(input, dim)
    if input.ndim == 0:
        return return_types.cummax(*_to_0d(Cummax.apply(input.reshape((1,)), dim=0)))
    return return_types.cummax(*Cummax.apply(input, dim=d))


def cummin(input, dim):
    d = _scan_dim(input, dim)
    if input.ndim == 0:
        return return_types.cummin(*_to_0d(Cummin.apply(input.reshape((1,)), dim=0)))
    return return_types.cummin(*Cummin.apply(input, dim=d))


class Logcumsumexp(Op):
    @staticmethod
    def forward(ctx, x, *, dim, reverse=False):
        xp = ctx.xp
        ctx.save_inputs(0)
        ctx.save_output()
        ctx.dim, ctx.reverse = dim, reverse
        if reverse:
            x = xp.flip(x, dim)
        out = ctx.ext.logcumsumexp(x, dim)
        return xp.ascontiguousarray(xp.flip(out, dim)) if reverse else out

    @staticmethod
    def backward(ctx, grad):
        # dL/dx_j = sum_{i>=j} grad_i exp(x_j - out_i), summed in log space for the positive
        # and negative parts of grad separately (exp(-out_i) alone would overflow)
        (x,) = ctx.inputs
        out, dim, rev = ctx.output, ctx.dim, not ctx.reverse
        g = grad.data
        xp = ctx.xp
        # log(0) stand-in: finite (no -inf - -inf = nan) with room to subtract out without
        # overflowing
        lowest = float(xp.finfo(g.dtype).min) / 4
        nonzero = (g != 0).astype(g.dtype)
        log_abs = (grad * _const(ctx, xp.sign(g)) + _const(ctx, 1 - nonzero)).log()
        res = None
        for part in (g > 0, g < 0):
            keep = part.astype(g.dtype)
            log_part = log_abs * _const(ctx, keep) + _const(ctx, (1 - keep) * lowest)
            term = (Logcumsumexp.apply(log_part - out, dim=dim, reverse=rev) + x).exp()
            res = term if res is None else res - term
        return res


def logcumsumexp(input, dim):
    if not _is_float(input):
        raise NotImplementedError(
            f"\"logcumsumexp_out_cpu\" not implemented for '{_TORCH_NAME[input.dtype.name]}'")
    d = _scan_dim(input, dim)
    if input.ndim == 0:
        return Logcumsumexp.apply(input.reshape((1,)), dim=0).reshape(())
    return Logcumsumexp.apply(input, dim=d)


# ---------------------------------------------------------------- logical reductions

class All(_NoGrad):
    @staticmethod
    def forward(ctx, x, *, dims, keepdim):
        out = ctx.xp.all(x, axis=dims, keepdims=keepdim)
        return out.astype(x.dtype) if x.dtype.name == "uint8" else out  # torch keeps uint8


class Any(_NoGrad):
    @staticmethod
    def forward(ctx, x, *, dims, keepdim):
        out = ctx.xp.any(x, axis=dims, keepdims=keepdim)
        return out.astype(x.dtype) if x.dtype.name == "uint8" else out


def all(input, dim=None, keepdim=False):  # noqa: A001 - torch's name
    return All.apply(input, dims=_dims(dim, input.ndim), keepdim=keepdim)


def any(input, dim=None, keepdim=False):  # noqa: A001 - torch's name
    return Any.apply(input, dims=_dims(dim, input.ndim), keepdim=keepdim)


class CountNonzero(_NoGrad):
    @staticmethod
    def forward(ctx, x, *, dims):
        return ctx.xp.sum(x != 0, axis=dims, dtype=ctx.xp.int64)


def count_nonzero(input, dim=None):
    return CountNonzero.apply(input, dims=_dims(dim, input.ndim))


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
            return make_tensor(input.device.xp.asarray(float("nan"), input.data.dtype),
                               input.device)
        return MedianAll.apply(input, ignore_nan=ignore_nan)
    d = canonical_dim(dim, input.ndim)
    cls = getattr(return_types, name)
    input, keepdim = _as_1d(input, keepdim)
    _nonempty(input, (d,), name)
    return cls(*Median.apply(input, dim=d, keepdim=keepdim, ignore_nan=ignore_nan))


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
    d = canonical_dim(dim, input.ndim)
    input, keepdim = _as_1d(input, keepdim)
    _nonempty(input, (d,), "mode")
    return return_types.mode(*Mode.apply(input, dim=d, keepdim=keepdim))


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
    if input.ndim != 1 or (input.numel() and int(input.data.min()) < 0):
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


def diff(input, n=1, dim=-1, prepend=None, append=None):
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = canonical_dim(dim, input.ndim)
    if prepend is not None or append is not None:
        from .shape import cat
        parts = [t for t in (prepend, input, append) if t is not None]
        input = cat([t if t.ndim else t.expand(input.shape[:d] + (1,) + input.shape[d + 1:])
                     for t in parts], d)
    lead = (slice(None),) * d
    for _ in range(n):
        if input.shape[d] == 0:
            break
        hi, lo = input[lead + (slice(1, None),)], input[lead + (slice(None, -1),)]
        input = hi != lo if input.dtype is _dtype.bool else hi - lo
    return input
