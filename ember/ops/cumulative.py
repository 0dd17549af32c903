"""Scans along one dim: cumsum, cumprod, cummax, cummin, logcumsumexp, and diff (the
inverse of cumsum). They share reduction.py's accumulation dtypes, zero handling for
products and the _Selection base (cummax/cummin send the gradient to the returned index).
"""
from .. import _dtype, return_types
from ..autograd.function import Op
from .reduction import (_TORCH_NAME, _accumulate, _const, _is_float, _Selection, _sum_dtype,
                        _to_0d, _zero_ranks)
from .shape import canonical_dim

__all__ = ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "diff"]


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
        out = _accumulate(xp, xp.cumsum, x, dtype, axis=dim)
        return xp.ascontiguousarray(xp.flip(out, dim)) if reverse else out

    @staticmethod
    def backward(ctx, grad):
        return Cumsum.apply(grad, dim=ctx.dim, reverse=not ctx.reverse)


def cumsum(input, dim, *, dtype=None):
    return Cumsum.apply(input, dim=_scan_dim(input, dim), dtype=_sum_dtype(input, dtype))


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
        return _accumulate(xp, xp.cumprod, x, dtype, axis=dim)

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
        z = zeros.astype(x._data.dtype)
        res = _revcumsum(grad * y, dim) / (x + _const(ctx, z)) * _const(ctx, 1 - z)
        for mask in ranks:  # at the first two zeros: cumprod with that zero replaced by 1
            e = _const(ctx, mask.astype(x._data.dtype))
            res = res + _revcumsum(grad * cumprod(x * (1 - e) + e, dim), dim) * e
        return res


def cumprod(input, dim, *, dtype=None):
    return Cumprod.apply(input, dim=_scan_dim(input, dim), dtype=_sum_dtype(input, dtype))


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


def _cum_select(op, name, input, dim):
    d = _scan_dim(input, dim)
    cls = getattr(return_types, name)
    if input.ndim == 0:
        return cls(*_to_0d(op.apply(input.reshape((1,)), dim=0)))
    return cls(*op.apply(input, dim=d))


def cummax(input, dim):
    return _cum_select(Cummax, "cummax", input, dim)


def cummin(input, dim):
    return _cum_select(Cummin, "cummin", input, dim)


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
        g = grad._data
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


# ---------------------------------------------------------------- differences

def diff(input, n=1, dim=-1, prepend=None, append=None):
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = canonical_dim(dim, input.ndim)
    if prepend is not None or append is not None:
        from .joining import cat
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
