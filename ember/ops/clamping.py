"""Clamping and elementwise extrema: clamp (clip, clamp_min, clamp_max), maximum and
minimum, and their nan-ignoring forms fmax and fmin.

The subgradients are torch's: clamp passes the gradient where min <= x <= max (bounds
included), maximum/minimum split it in half at ties, fmax/fmin give it all to the winner.
"""
from .. import _dtype
from .._tensor import Tensor
from .elementwise import _Binary, _keep, _mask, where

__all__ = ["clamp", "clip", "clamp_min", "clamp_max", "maximum", "minimum", "fmax", "fmin"]


# ---------------------------------------------------------------- clamping

def _array(x):
    return x._data if isinstance(x, Tensor) else x


_C_TYPES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int",
            "int64": "int64_t"}


class Clamp(_Binary):
    """clamp(x, min, max) = min(max(x, min), max); either bound may be None, a number or
    a tensor. When min > max the result is max, as torch."""

    wraps_ints = False  # torch refuses bounds that do not fit the integer dtype

    @staticmethod
    def forward(ctx, x, lo, hi):
        xp = ctx.xp
        ctx.save_inputs(0, 1, 2)
        out = x
        if lo is not None:
            out = xp.maximum(out, lo)
        if hi is not None:
            out = xp.minimum(out, hi)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, lo, hi = ctx.inputs
        need_x, need_lo, need_hi = ctx.needs_input_grad
        xa, la, ha = x._data, _array(lo), _array(hi)
        gx = glo = ghi = None
        # torch's clamp_backward_min_max: the input gets the gradient where
        # min <= x <= max (bounds included); a bound gets it where it is the result
        if lo is not None and hi is not None:
            if need_x:
                gx = _keep(_mask(ctx, (xa >= la) & (xa <= ha)), grad)
            if need_lo:
                glo = _keep(_mask(ctx, (xa < la) & (la < ha)), grad)
            if need_hi:
                ghi = _keep(_mask(ctx, (xa > ha) | (ha < la)), grad)
        elif lo is not None:
            if need_x:
                gx = _keep(_mask(ctx, xa >= la), grad)
            if need_lo:
                glo = _keep(_mask(ctx, xa < la), grad)
        else:
            if need_x:
                gx = _keep(_mask(ctx, xa <= ha), grad)
            if need_hi:
                ghi = _keep(_mask(ctx, xa > ha), grad)
        return gx, glo, ghi


def clamp(input, min=None, max=None):  # noqa: A002 - torch's argument names
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    try:
        return Clamp.apply(input, min, max)
    except OverflowError:
        dtype = _dtype.result_type([t for t in (input, min, max) if isinstance(t, Tensor)],
                                   [s for s in (min, max) if s is not None and
                                    not isinstance(s, Tensor)])
        raise RuntimeError(f"value cannot be converted to type {_C_TYPES.get(dtype.name)} "
                           "without overflow") from None


clip = clamp


def clamp_min(input, min):  # noqa: A002
    return clamp(input, min, None)


def clamp_max(input, max):  # noqa: A002
    return clamp(input, None, max)


# ---------------------------------------------------------------- maximum and minimum

class Maximum(_Binary):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_inputs(0, 1)
        return ctx.xp.maximum(a, b)

    @staticmethod
    def backward(ctx, grad):
        return _extremum_grads(ctx, grad, ctx.xp.less, ctx.xp.greater)


class Minimum(_Binary):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_inputs(0, 1)
        return ctx.xp.minimum(a, b)

    @staticmethod
    def backward(ctx, grad):
        return _extremum_grads(ctx, grad, ctx.xp.greater, ctx.xp.less)


def _extremum_grads(ctx, grad, loses_a, loses_b):
    """torch: ties split the gradient in half; the losing side gets 0; with a nan both
    sides get the full gradient (nan compares neither equal nor less)."""
    a, b = ctx.inputs
    need_a, need_b = ctx.needs_input_grad
    xp = ctx.xp
    aa, ba = _array(a), _array(b)
    tie = xp.equal(aa, ba)
    dtype = grad._data.dtype
    ga = gb = None
    if need_a:
        w = xp.where(loses_a(aa, ba), 0, xp.where(tie, 0.5, 1)).astype(dtype)
        ga = grad * _mask(ctx, w)
    if need_b:
        w = xp.where(loses_b(aa, ba), 0, xp.where(tie, 0.5, 1)).astype(dtype)
        gb = grad * _mask(ctx, w)
    return ga, gb


def maximum(input, other):
    return Maximum.apply(input, other)


def minimum(input, other):
    return Minimum.apply(input, other)


class Fmax(_Binary):
    """maximum that ignores nan: nan only where both are nan."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_inputs(0, 1)
        return ctx.xp.fmax(a, b)

    @staticmethod
    def backward(ctx, grad):
        return _fextremum_grads(ctx, grad, ctx.xp.greater_equal)


class Fmin(_Binary):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_inputs(0, 1)
        return ctx.xp.fmin(a, b)

    @staticmethod
    def backward(ctx, grad):
        return _fextremum_grads(ctx, grad, ctx.xp.less_equal)


def _fextremum_grads(ctx, grad, wins):
    """torch: the input takes it all where it wins or ties, or where the other is nan."""
    a, b = ctx.inputs
    need_a, need_b = ctx.needs_input_grad
    aa, ba = _array(a), _array(b)
    take_a = _mask(ctx, wins(aa, ba) | ctx.xp.isnan(ba))
    return (_keep(take_a, grad) if need_a else None), \
        (where(take_a, 0.0, grad) if need_b else None)


def fmax(input, other):
    return Fmax.apply(input, other)


def fmin(input, other):
    return Fmin.apply(input, other)
