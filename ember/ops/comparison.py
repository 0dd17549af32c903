"""Comparisons, logic, bits and floating-point classification: eq/ne/lt/le/gt/ge and
their aliases, isclose/allclose/equal, logical_and/or/xor/not, the bitwise ops and shifts,
isnan/isinf/isfinite/isposinf/isneginf/isreal and signbit.

Every result is bool (integer for the bitwise ops), so nothing here has a gradient: the
engine never links such outputs into the graph.
"""
import builtins

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import Op
from .elementwise import _Binary, _no_bool, _result_dtype, _type_name, _wrap_ints
from .inplace import _NAMES

__all__ = [
    # comparisons
    "eq", "ne", "not_equal", "lt", "less", "le", "less_equal", "gt", "greater", "ge",
    "greater_equal", "isclose", "allclose", "equal",
    # logic and bits
    "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and", "bitwise_or",
    "bitwise_xor", "bitwise_not", "bitwise_left_shift", "bitwise_right_shift",
    # classification
    "isnan", "isinf", "isfinite", "isposinf", "isneginf", "isreal", "signbit",
]


class _NoGrad(Op):
    """Bool or integer results: nothing to differentiate (the engine never links them)."""

    promote = None


# ---------------------------------------------------------------- comparisons

def _int_operand(input, other):
    """Python ints compare against integer tensors after torch's wrapping cast (a uint8
    tensor holding 44 equals 300); small non-negative ints need nothing."""
    if type(other) is int and not 0 <= other <= 127 and isinstance(input, Tensor) and \
            input._data.dtype.kind in "iu":
        wrapped = _wrap_ints((input, other))
        if wrapped is not None:
            return wrapped[1]
    return other


class _Compare(_Binary):
    """Comparisons: the result is bool, so no gradient flows (the engine never links it)."""


class Eq(_Compare):
    @staticmethod
    def forward(ctx, a, b):
        return a == b


class Ne(_Compare):
    @staticmethod
    def forward(ctx, a, b):
        return a != b


class Lt(_Compare):
    @staticmethod
    def forward(ctx, a, b):
        return a < b


class Le(_Compare):
    @staticmethod
    def forward(ctx, a, b):
        return a <= b


class Gt(_Compare):
    @staticmethod
    def forward(ctx, a, b):
        return a > b


class Ge(_Compare):
    @staticmethod
    def forward(ctx, a, b):
        return a >= b


def eq(input, other):
    return Eq.apply(input, _int_operand(input, other))


def ne(input, other):
    return Ne.apply(input, _int_operand(input, other))


def lt(input, other):
    return Lt.apply(input, _int_operand(input, other))


def le(input, other):
    return Le.apply(input, _int_operand(input, other))


def gt(input, other):
    return Gt.apply(input, _int_operand(input, other))


def ge(input, other):
    return Ge.apply(input, _int_operand(input, other))


not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge


class IsClose(_Binary):
    promote = None

    @staticmethod
    def forward(ctx, a, b, *, rtol, atol, equal_nan):
        xp = ctx.xp
        close = a == b
        if equal_nan:
            close |= xp.isnan(a) & xp.isnan(b)
        if rtol or atol:
            if a.dtype.kind not in "fc":
                # torch measures the error of integer tensors in the default float dtype
                f = _dtype.get_default_dtype().np
                a, b = a.astype(f), b.astype(f)
            with ctx.ext.quiet_fp():
                err = xp.abs(a - b)
                close |= xp.isfinite(err) & (err <= atol + xp.abs(rtol * b))
        return close


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{_type_name(input)} did not match {_type_name(other)}")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    return IsClose.apply(input, other, rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input, other):
    """True when both have the same shape and elements (dtypes may differ; nan != nan)."""
    if input.shape != other.shape:
        return False
    return builtins.bool((input._data == other._data).all())


# ---------------------------------------------------------------- logic and bits

class _Logical(_Binary):
    promote = None  # any dtypes; nonzero means True


class LogicalAnd(_Logical):
    @staticmethod
    def forward(ctx, a, b):
        return ctx.xp.logical_and(a, b)


class LogicalOr(_Logical):
    @staticmethod
    def forward(ctx, a, b):
        return ctx.xp.logical_or(a, b)


class LogicalXor(_Logical):
    @staticmethod
    def forward(ctx, a, b):
        return ctx.xp.logical_xor(a, b)


class LogicalNot(_NoGrad):
    @staticmethod
    def forward(ctx, x):
        return ctx.xp.logical_not(x)


def logical_and(input, other):
    return LogicalAnd.apply(input, other)


def logical_or(input, other):
    return LogicalOr.apply(input, other)


def logical_xor(input, other):
    return LogicalXor.apply(input, other)


def logical_not(input):
    return LogicalNot.apply(input)


def _integral_only(name, a, b=None):
    """Bitwise ops exist for integer and bool tensors only (the promoted operands)."""
    for x in (a, b):
        if isinstance(x, (float, complex)) or (isinstance(x, Tensor) and
                                               x._data.dtype.kind in "fc"):
            t = _result_dtype(a, b) if b is not None else x.dtype
            raise NotImplementedError(f'"{name}" not implemented for \'{_NAMES[t.name]}\'')


class BitwiseAnd(_Binary):
    @staticmethod
    def forward(ctx, a, b):
        return ctx.xp.bitwise_and(a, b)


class BitwiseOr(_Binary):
    @staticmethod
    def forward(ctx, a, b):
        return ctx.xp.bitwise_or(a, b)


class BitwiseXor(_Binary):
    @staticmethod
    def forward(ctx, a, b):
        return ctx.xp.bitwise_xor(a, b)


class BitwiseNot(_NoGrad):
    @staticmethod
    def forward(ctx, x):
        return ctx.xp.invert(x)


class LeftShift(_Binary):
    # NumPy, like torch, gives 0 for shifts past the width or negative
    @staticmethod
    def forward(ctx, a, b):
        return ctx.xp.left_shift(a, b)


class RightShift(_Binary):
    # NumPy, like torch, fills with the sign bit for shifts past the width or negative
    @staticmethod
    def forward(ctx, a, b):
        return ctx.xp.right_shift(a, b)


def bitwise_and(input, other):
    _integral_only("bitwise_and_cpu", input, other)
    return BitwiseAnd.apply(input, other)


def bitwise_or(input, other):
    _integral_only("bitwise_or_cpu", input, other)
    return BitwiseOr.apply(input, other)


def bitwise_xor(input, other):
    _integral_only("bitwise_xor_cpu", input, other)
    return BitwiseXor.apply(input, other)


def bitwise_not(input):
    _integral_only("bitwise_not_cpu", input)
    return BitwiseNot.apply(input)


def bitwise_left_shift(input, other):
    _no_bool("lshift_cpu", input, other)
    _integral_only("lshift_cpu", input, other)
    return LeftShift.apply(input, other)


def bitwise_right_shift(input, other):
    _no_bool("rshift_cpu", input, other)
    _integral_only("rshift_cpu", input, other)
    return RightShift.apply(input, other)


# ---------------------------------------------------------------- classification

class IsNan(_NoGrad):
    @staticmethod
    def forward(ctx, x):
        return ctx.xp.isnan(x)


class IsInf(_NoGrad):
    @staticmethod
    def forward(ctx, x):
        return ctx.xp.isinf(x)


class IsFinite(_NoGrad):
    @staticmethod
    def forward(ctx, x):
        return ctx.xp.isfinite(x)


class IsPosInf(_NoGrad):
    @staticmethod
    def forward(ctx, x):
        return ctx.xp.isinf(x) & (x > 0)


class IsNegInf(_NoGrad):
    @staticmethod
    def forward(ctx, x):
        return ctx.xp.isinf(x) & (x < 0)


class IsReal(_NoGrad):
    @staticmethod
    def forward(ctx, x):
        if x.dtype.kind == "c":
            return x.imag == 0
        return ctx.xp.ones(x.shape, dtype=bool)


def isnan(input):
    return IsNan.apply(input)


def isinf(input):
    return IsInf.apply(input)


def isfinite(input):
    return IsFinite.apply(input)


def isposinf(input):
    return IsPosInf.apply(input)


def isneginf(input):
    return IsNegInf.apply(input)


def isreal(input):
    return IsReal.apply(input)


class Signbit(_NoGrad):
    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        if x.dtype.kind == "b":
            return xp.zeros(x.shape, dtype=bool)
        return xp.signbit(x)


def signbit(input):
    return Signbit.apply(input)
