"""Reductions over dims: sum, mean, prod, max/min, amax/amin, argmax/argmin, var/std,
logsumexp, norm, all/any, count_nonzero. Scans live in cumulative.py, sorting and other
selections in sorting.py; both build on the helpers here (the selection base class
_Selection, tie weights, accumulation dtypes).

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
from ..autograd import grad_mode as _grad_mode
from ..autograd.function import Op
from .shape import Expand, Reshape, canonical_dim, canonical_dims

_grad_state = _grad_mode.state

__all__ = ["sum", "nansum", "mean", "nanmean", "prod", "max", "min", "amax", "amin", "aminmax",
           "argmax", "argmin", "var", "std", "var_mean", "std_mean", "logsumexp", "norm",
           "all", "any", "count_nonzero"]

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
        # the primitive directly: backward knows the shape is valid, so skip reshape()'s checks
        return Reshape.apply(grad, shape=_kept_shape(in_shape, dims))
    return grad


def _numel(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def _upcast(xp, x):
    """x in float32 when it is float16/bfloat16, which torch accumulates in float32."""
    return x.astype(xp.float32) if x.dtype.name in _LOW else x


def _accumulate(xp, fn, x, dtype, **kwargs):
    """fn(x, dtype=..., **kwargs) for a sum or product (or their scans): float16/bfloat16
    accumulate in float32 and come back in their own dtype; a given dtype is used as is."""
    dt = x.dtype
    # float16/bfloat16 are the only 2-byte non-integer dtypes (dtype.name is slow in NumPy)
    if dtype is not None or dt.itemsize != 2 or dt.kind in "iu":
        return fn(x, dtype=dtype, **kwargs)
    return fn(x, dtype=xp.float32, **kwargs).astype(x.dtype)


def _squeeze(out, in_shape, dims, keepdim):
    """A result computed with keepdims=True, with the reduced dims dropped unless keepdim."""
    return out if keepdim else out.reshape([n for i, n in enumerate(in_shape) if i not in dims])


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
        # the ndarray method skips numpy.sum's Python-level dispatch
        return _accumulate(ctx.xp, type(x).sum, x, dtype, axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        dims = ctx.dims
        # reduced leading dims (a full sum's 0-d grad) broadcast as they are: no reshape
        if not dims or dims[-1] == len(dims) - 1:
            g = grad
            if not _grad_state.enabled and g._data.shape != ctx.in_shape:
                # no graph wanted: the broadcast view itself, without an Expand node
                return make_tensor(ctx.ext.broadcast_view(g._data, ctx.in_shape), g.device)
        else:
            g = _unreduce(grad, ctx.in_shape, dims, ctx.keepdim)
        return g if g._data.shape == ctx.in_shape else Expand.apply(g, shape=ctx.in_shape)


_ALL_DIMS = tuple(tuple(range(n)) for n in range(8))


def _sum_dtype(input, dtype):
    """The NumPy dtype of sums, products and their scans: torch's rule."""
    if dtype is not None:
        return dtype.np
    if not _is_float(input):
        return _dtype.int64.np  # torch sums integers and bools as int64
    return None


def sum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A001 - torch's name
    if dim is None and dtype is None:
        d = input._data
        if d.dtype.kind in "fc" and d.ndim < 8:  # a full float sum, x.sum(): no dim parsing
            return Sum.apply(input, dims=_ALL_DIMS[d.ndim], keepdim=keepdim, dtype=None)
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
        return _accumulate(xp, xp.sum, xp.where(keep, x, 0), dtype, axis=dims, keepdims=keepdim)

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
    count = xp.sum(~xp.isnan(input._data), axis=dims, keepdims=keepdim, dtype=xp.int64)
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
        return _accumulate(xp, xp.prod, x, dtype, axis=dim, keepdims=keepdim)

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
            z = zeros.astype(x._data.dtype)
            # out / x where x != 0 (exact there, including its dependence on the zeros)
            res = grad * out / (x + _const(ctx, z)) * _const(ctx, 1 - z)
            for mask in ranks:
                e = _const(ctx, mask.astype(x._data.dtype))
                res = res + grad * prod(x * (1 - e) + e, dim, keepdim=True) * e
        return res.reshape(ctx.in_shape) if ctx.dim is None else res


def prod(input, dim=None, keepdim=False, *, dtype=None):
    if dim is not None:
        dim = canonical_dim(dim, input.ndim)
        if input.ndim == 0:
            dim = None
    return Prod.apply(input, dim=dim, keepdim=keepdim, dtype=_sum_dtype(input, dtype))


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
    return _squeeze(out, x.shape, dims, keepdim)


def _amax_amin(op, name, input, dim, keepdim):
    dims = _dims(dim, input.ndim)
    if dim is None or isinstance(dim, (tuple, list)) and not dim:
        _no_empty_full(input, name)
    _nonempty(input, dims, name)
    return op.apply(input, dims=dims, keepdim=keepdim)


def amax(input, dim=(), keepdim=False):
    return _amax_amin(Amax, "amax", input, dim, keepdim)


def amin(input, dim=(), keepdim=False):
    return _amax_amin(Amin, "amin", input, dim, keepdim)


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


def _select_along(op, name, input, dim, keepdim, **attrs):
    """max/min/median/mode(dim): op's (values, indices) along one nonempty dim, as the
    return_types named tuple `name`."""
    d = canonical_dim(dim, input.ndim)
    input, keepdim = _as_1d(input, keepdim)
    _nonempty(input, (d,), name)
    return getattr(return_types, name)(*op.apply(input, dim=d, keepdim=keepdim, **attrs))


def _max_min(input, dim, keepdim, name, op, binary, amax_like):
    if isinstance(dim, Tensor):  # max(input, other): the elementwise form
        from . import clamping
        return getattr(clamping, binary)(input, dim)
    if dim is None:
        _no_empty_full(input, name)
        return amax_like.apply(input, dims=tuple(range(input.ndim)), keepdim=False, nan_ties=True)
    return _select_along(op, name, input, dim, keepdim)


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
    acc = _upcast(xp, x)
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
        return _squeeze(out, x.shape, dims, keepdim)

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
        return _squeeze(out, x.shape, dims, keepdim)

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
        a = xp.abs(_upcast(xp, x))
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
        return _squeeze(out, x.shape, dims, keepdim)

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

