"""Elementwise operations: arithmetic, unary math, rounding, clamping, comparisons, logic,
bitwise ops, and the floating-point classification helpers.

Broadcasting is undone by the engine (sum_to), so formulas here never mention it. Each
derivative (and each subgradient at a kink) is torch's, from derivatives.yaml: where torch
masks a case (pow at base 0, xlogy at x == 0, atan2 at the origin) the same mask is here.
"""
import builtins
import math

from .. import _dtype
from .._tensor import Tensor, make_tensor
from ..autograd.function import Op
from .inplace import _NAMES

__all__ = [
    # arithmetic
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide",
    "floor_divide", "remainder", "fmod", "neg", "negative", "positive", "pow", "float_power",
    "reciprocal", "square", "abs", "absolute", "sign", "sgn", "signbit",
    # exponentials, logarithms, powers
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt",
    "logaddexp", "logaddexp2", "xlogy", "hypot",
    # trigonometric and hyperbolic
    "sin", "cos", "tan", "asin", "arcsin", "acos", "arccos", "atan", "arctan", "atan2",
    "arctan2", "sinh", "cosh", "tanh", "asinh", "arcsinh", "acosh", "arccosh", "atanh",
    "arctanh", "deg2rad", "rad2deg", "sinc",
    # activations and special functions
    "sigmoid", "logit", "relu", "erf", "erfc", "erfinv",
    # rounding
    "floor", "ceil", "round", "trunc", "fix", "frac",
    # clamping, selection, interpolation
    "clamp", "clip", "clamp_min", "clamp_max", "maximum", "minimum", "fmax", "fmin",
    "where", "lerp", "addcmul", "addcdiv", "copysign",
    # comparisons
    "eq", "ne", "not_equal", "lt", "less", "le", "less_equal", "gt", "greater", "ge",
    "greater_equal", "isclose", "allclose", "equal",
    # logic and bits
    "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and", "bitwise_or",
    "bitwise_xor", "bitwise_not", "bitwise_left_shift", "bitwise_right_shift",
    # classification and complex parts
    "isnan", "isinf", "isfinite", "isposinf", "isneginf", "isreal", "nan_to_num",
    "conj", "real", "imag",
]

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_PI_OVER_TWO = math.sqrt(math.pi) / 2.0


# ---------------------------------------------------------------- shared helpers

def infer_size(a, b):
    """The broadcast of shapes a and b, with torch's RuntimeError when they do not broadcast.

    torch scans from the last dimension and reports the first mismatch it meets, numbered
    in the broadcast shape."""
    n = builtins.max(len(a), len(b))
    out = [1] * n
    for i in range(n - 1, -1, -1):
        off = n - 1 - i
        da, db = len(a) - 1 - off, len(b) - 1 - off
        sa = a[da] if da >= 0 else 1
        sb = b[db] if db >= 0 else 1
        if sa != sb and sa != 1 and sb != 1:
            raise RuntimeError(f"The size of tensor a ({sa}) must match the size of tensor b "
                               f"({sb}) at non-singleton dimension {i}")
        out[i] = sa if sb == 1 else sb
    return tuple(out)


def _broadcast_error(args):
    """torch's RuntimeError for operands that do not broadcast, or None if they do."""
    shape = None
    try:
        for a in args:
            if isinstance(a, Tensor):
                shape = a.shape if shape is None else infer_size(shape, a.shape)
    except RuntimeError as e:
        return e
    return None


def _wrap_ints(args):
    """Python ints cast to the integer result dtype with wraparound, as torch casts them
    (uint8 tensor + 300 adds 44); NumPy 2 raises OverflowError instead. None when the
    result dtype is not integral, so the caller re-raises."""
    tensors = [a for a in args if isinstance(a, Tensor)]
    scalars = [a for a in args if a is not None and not isinstance(a, Tensor)]
    target = _dtype.result_type(tensors, scalars)
    if _dtype.category(target) != 1:
        return None
    bits = target.itemsize * 8
    out, changed = [], False
    for a in args:
        if type(a) is int:
            v = a & ((1 << bits) - 1)
            if target.is_signed and v >= 1 << (bits - 1):
                v -= 1 << bits
            a = target.np.type(v)
            changed = True
        out.append(a)
    return out if changed else None


class _Binary(Op):
    """Ops whose tensor operands broadcast together.

    NumPy reports a shape mismatch as ValueError; torch raises RuntimeError naming the
    sizes and the dimension. The translation costs nothing until something fails.
    """

    wraps_ints = True

    @classmethod
    def apply(cls, *args, **attrs):
        try:
            return super().apply(*args, **attrs)
        except ValueError:
            err = _broadcast_error(args)
            if err is None:
                raise
            raise err from None
        except OverflowError:
            wrapped = _wrap_ints(args) if cls.wraps_ints else None
            if wrapped is None:
                raise
            return super().apply(*wrapped, **attrs)


def _type_name(t):
    return _NAMES[t.dtype.name]


def _is_bool(x):
    return x.data.dtype.kind == "b" if isinstance(x, Tensor) else type(x) is bool


def _is_integral(x):
    """True for integer and bool tensors."""
    return x.data.dtype.kind in "iub"


def _float_only(name, input, other):
    """torch implements some binary ops for floating (and complex) dtypes only."""
    def integral(x):
        return x.data.dtype.kind in "iub" if isinstance(x, Tensor) else \
            isinstance(x, (int, bool))
    if integral(input) and integral(other):
        t = _result_dtype(input, other)
        raise NotImplementedError(f'"{name}" not implemented for \'{_NAMES[t.name]}\'')


def _no_bool(name, input, other):
    if _is_bool(input) and _is_bool(other):
        raise NotImplementedError(f'"{name}" not implemented for \'Bool\'')


def _not_implemented(name, t):
    return NotImplementedError(f'"{name}" not implemented for \'{_type_name(t)}\'')


def _array(x):
    return x.data if isinstance(x, Tensor) else x


def _mask(ctx, array):
    return make_tensor(array, ctx.device)


def _zeros(grad):
    from .._creation import zeros_like
    return zeros_like(grad)


def _keep(mask, grad):
    """grad where mask holds, else 0 (where, not a product: an inf grad must not become nan)."""
    return where(mask, grad, 0.0)


# ---------------------------------------------------------------- arithmetic

class Add(_Binary):
    @staticmethod
    def forward(ctx, a, b, alpha=1):
        if alpha == 1:
            return a + b
        ctx.alpha = alpha
        return a + b * alpha

    @staticmethod
    def backward(ctx, grad):
        alpha = ctx.__dict__.get("alpha", 1)
        return grad, (grad if alpha == 1 else grad * alpha) if ctx.needs_input_grad[1] else None


def _check_alpha(input, other, alpha):
    if type(alpha) is bool:
        if not (_is_bool(input) and _is_bool(other)):
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
    elif isinstance(alpha, float):
        ints = [x for x in (input, other) if isinstance(x, Tensor)]
        if all(_is_integral(t) for t in ints) and not any(
                isinstance(x, (float, complex)) for x in (input, other)):
            raise RuntimeError("For integral input tensors, argument alpha must not be a "
                               "floating point number.")


def add(input, other, *, alpha=1):
    if alpha == 1 and type(alpha) is not bool:
        return Add.apply(input, other)
    _check_alpha(input, other, alpha)
    return Add.apply(input, other, alpha=alpha)


class Sub(_Binary):
    @staticmethod
    def forward(ctx, a, b, alpha=1):
        if alpha == 1:
            return a - b
        ctx.alpha = alpha
        return a - b * alpha

    @staticmethod
    def backward(ctx, grad):
        if not ctx.needs_input_grad[1]:
            return grad, None
        alpha = ctx.__dict__.get("alpha", 1)
        return grad, -grad if alpha == 1 else grad * -alpha


def sub(input, other, *, alpha=1):
    if _is_bool(input) or _is_bool(other):
        if _is_bool(input) and _is_bool(other) and isinstance(input, Tensor) and \
                isinstance(other, Tensor):
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                               "supported. Use the `^` or `logical_xor()` operator instead.")
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    if alpha == 1 and type(alpha) is not bool:
        return Sub.apply(input, other)
    _check_alpha(input, other, alpha)
    return Sub.apply(input, other, alpha=alpha)


subtract = sub


class Mul(_Binary):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_inputs(0, 1)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        need_a, need_b = ctx.needs_input_grad
        return (grad * b if need_a else None), (grad * a if need_b else None)


def mul(input, other):
    return Mul.apply(input, other)


multiply = mul


class Div(_Binary):
    promote = "float"  # integer / integer is a float tensor in torch

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_inputs(0, 1)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        need_a, need_b = ctx.needs_input_grad
        return (grad / b if need_a else None), (-grad * a / (b * b) if need_b else None)


def _any_zero(xp, b):
    if isinstance(b, xp.ndarray):
        return bool((b == 0).any())
    return b == 0


class DivMode(_Binary):
    """div with rounding_mode 'trunc' or 'floor': keeps integer dtypes (no float promotion).

    The result is piecewise constant, so its gradient is zero, as in torch."""

    @staticmethod
    def forward(ctx, a, b, *, mode):
        xp = ctx.xp
        kind = (a if isinstance(a, xp.ndarray) else b).dtype.kind
        if kind == "b":
            raise NotImplementedError(f"\"div_{mode}_cpu\" not implemented for 'Bool'")
        if kind in "iu":
            if _any_zero(xp, b):
                raise RuntimeError("ZeroDivisionError")
            q = a // b  # floors
            if mode == "trunc":
                # floor and trunc differ by one where the quotient is negative and inexact
                q = q + ((a % b != 0) & ((a < 0) != (b < 0)))
            return q
        if mode == "floor":
            return xp.floor_divide(a, b)  # Python's floor division, as torch's div_floor
        return xp.trunc(a / b)

    @staticmethod
    def backward(ctx, grad):
        need_a, need_b = ctx.needs_input_grad
        return (_zeros(grad) if need_a else None), (_zeros(grad) if need_b else None)


class FloorDivide(DivMode):
    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::floor_divide is not implemented")


def div(input, other, *, rounding_mode=None):
    if rounding_mode is None:
        return Div.apply(input, other)
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found '{rounding_mode}'")
    return DivMode.apply(input, other, mode=rounding_mode)


divide = div


def true_divide(dividend, divisor):
    return Div.apply(dividend, divisor)


def floor_divide(input, other):
    return FloorDivide.apply(input, other, mode="floor")


class Remainder(_Binary):
    """Python's modulus: the result takes the sign of the divisor."""

    @staticmethod
    def forward(ctx, a, b):
        xp = ctx.xp
        if (a if isinstance(a, xp.ndarray) else b).dtype.kind in "iu" and _any_zero(xp, b):
            raise RuntimeError("ZeroDivisionError")
        ctx.save_inputs(0, 1)
        return xp.remainder(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        need_a, need_b = ctx.needs_input_grad
        return (grad if need_a else None), \
            (-grad * div(a, b, rounding_mode="floor") if need_b else None)


def remainder(input, other):
    _no_bool("remainder_cpu", input, other)
    return Remainder.apply(input, other)


class Fmod(_Binary):
    """C's fmod: the result takes the sign of the dividend."""

    @staticmethod
    def forward(ctx, a, b):
        xp = ctx.xp
        if (a if isinstance(a, xp.ndarray) else b).dtype.kind in "iu" and _any_zero(xp, b):
            raise RuntimeError("ZeroDivisionError")
        ctx.save_inputs(0, 1)
        return xp.fmod(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        need_a, need_b = ctx.needs_input_grad
        return (grad if need_a else None), \
            (-grad * div(a, b, rounding_mode="trunc") if need_b else None)


def fmod(input, other):
    _no_bool("fmod_cpu", input, other)
    return Fmod.apply(input, other)


class Neg(Op):
    promote = None

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        return -grad


def neg(input):
    if input.data.dtype.kind == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If "
                           "you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    return Neg.apply(input)


negative = neg


def positive(input):
    if input.data.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input  # torch returns the input itself


class Pow(_Binary):
    @staticmethod
    def forward(ctx, x, e):
        xp = ctx.xp
        ctx.save_inputs(0, 1)
        ctx.save_output()
        arr = x if isinstance(x, xp.ndarray) else e
        kind = arr.dtype.kind
        if kind == "b":
            if type(e) is bool:  # torch allows a bool tensor to a Python bool power
                return x.copy() if e else xp.ones(x.shape, dtype=bool)
            raise NotImplementedError("\"pow\" not implemented for 'Bool'")
        if kind in "iu" and isinstance(e, xp.ndarray) and bool((e < 0).any()):
            return _int_pow_negative(xp, x, e, arr.dtype)
        return x ** e

    @staticmethod
    def backward(ctx, grad):
        # masked branches (torch's where) compute inf/nan that are then discarded
        with ctx.ext.quiet_fp():
            x, e = ctx.inputs
            need_x, need_e = ctx.needs_input_grad
            gx = ge = None
            if need_x:
                # torch zeroes the exponent == 0 case: 0 * x ** -1 would be nan at x == 0
                if isinstance(e, Tensor):
                    gx = where(e == 0, 0.0, grad * (e * x ** (e - 1)))
                else:
                    gx = _zeros(grad) if e == 0 else grad * (e * x ** (e - 1))
            if need_e:
                out = ctx.output
                if isinstance(x, Tensor):
                    # d/de x**e = x**e log x; torch sets it to 0 where x == 0 and e >= 0
                    ge = where((x == 0) & (e >= 0), 0.0, grad * (out * log(x)))
                else:
                    log_x = math.log(x) if x > 0 else (-math.inf if x == 0 else math.nan)
                    ge = grad * (out * log_x)
                    if x == 0:
                        ge = where(e >= 0, 0.0, ge)
            return gx, ge


def _int_pow_negative(xp, x, e, dtype):
    """Integer powers with negative exponents (tensor exponents only), as torch: 1 and -1
    keep a magnitude of 1, everything else truncates to 0. NumPy refuses them."""
    pos = x ** xp.maximum(e, 0)
    odd = (e & 1) == 1
    neg_val = xp.where(x == 1, 1, xp.where(x == -1, xp.where(odd, -1, 1), 0))
    return xp.where(e < 0, neg_val, pos).astype(dtype, copy=False)


def pow(input, exponent):  # noqa: A001 - torch's name
    if type(exponent) is int and exponent < 0 and isinstance(input, Tensor) and \
            _is_integral(input):
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return Pow.apply(input, exponent)


def float_power(input, exponent):
    """pow computed in double precision (complex128 when either operand is complex)."""
    complex_ = any(isinstance(x, complex) or isinstance(x, Tensor) and x.dtype.is_complex
                   for x in (input, exponent))
    wide = _dtype.complex128 if complex_ else _dtype.float64
    if isinstance(input, Tensor):
        input = input.to(wide)
    if isinstance(exponent, Tensor):
        exponent = exponent.to(wide)
    return Pow.apply(input, exponent)


def square(input):
    return pow(input, 2)  # as torch: bool and integer inputs give int64/integer results


class Reciprocal(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return 1.0 / x

    @staticmethod
    def backward(ctx, grad):
        out = ctx.output
        return -grad * (out * out)


def reciprocal(input):
    return Reciprocal.apply(input)


class Abs(Op):
    promote = None

    @staticmethod
    def forward(ctx, x):
        ctx.save_inputs(0)
        return ctx.xp.abs(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad * sign(x)  # abs'(0) = sign(0) = 0, as torch


def abs(input):  # noqa: A001 - torch's name
    if input.data.dtype.kind == "b":
        raise _not_implemented("abs_cpu", input)
    return Abs.apply(input)


absolute = abs


class _Piecewise(Op):
    """Piecewise-constant results (sign, rounding): the gradient is zero everywhere."""

    promote = None

    @staticmethod
    def backward(ctx, grad):
        return _zeros(grad)


class Sign(_Piecewise):
    @staticmethod
    def forward(ctx, x):
        kind = x.dtype.kind
        if kind == "b":
            return x.copy()
        if kind == "f":
            # torch's (0 < x) - (x < 0): nan and -0.0 give +0.0 (NumPy keeps nan)
            return (x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)
        return ctx.xp.sign(x)


def sign(input):
    return Sign.apply(input)


def sgn(input):
    if not input.dtype.is_complex:
        return sign(input)
    mag = abs(input)
    return where(mag == 0, 0.0, input / mag)


class _NoGrad(Op):
    """Bool or integer results: nothing to differentiate (the engine never links them)."""

    promote = None


class Signbit(_NoGrad):
    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        if x.dtype.kind == "b":
            return xp.zeros(x.shape, dtype=bool)
        return xp.signbit(x)


def signbit(input):
    return Signbit.apply(input)


# ---------------------------------------------------------------- exponentials, logarithms

class Exp(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return ctx.xp.exp(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.output


def exp(input):
    return Exp.apply(input)


class Exp2(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return ctx.xp.exp2(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * (ctx.output * _LN2)


def exp2(input):
    return Exp2.apply(input)


class Expm1(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return ctx.xp.expm1(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * (ctx.output + 1)


def expm1(input):
    return Expm1.apply(input)


class Log(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_inputs(0)
        return ctx.xp.log(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad / x


def log(input):
    return Log.apply(input)


class Log2(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_inputs(0)
        return ctx.xp.log2(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad / (x * _LN2)


def log2(input):
    return Log2.apply(input)


class Log10(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_inputs(0)
        return ctx.xp.log10(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad / (x * _LN10)


def log10(input):
    return Log10.apply(input)


class Log1p(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_inputs(0)
        return ctx.xp.log1p(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad / (x + 1)


def log1p(input):
    return Log1p.apply(input)


class Sqrt(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return ctx.xp.sqrt(x)

    @staticmethod
    def backward(ctx, grad):
        return grad / (2 * ctx.output)  # sqrt'(0) = inf, as torch


def sqrt(input):
    return Sqrt.apply(input)


class Rsqrt(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return 1.0 / ctx.xp.sqrt(x)

    @staticmethod
    def backward(ctx, grad):
        return -0.5 * grad * ctx.output ** 3


def rsqrt(input):
    return Rsqrt.apply(input)


class Logaddexp(_Binary):
    promote = "float"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_inputs(0, 1)
        return ctx.xp.logaddexp(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        need_a, need_b = ctx.needs_input_grad
        return (grad / (1 + exp(b - a)) if need_a else None), \
            (grad / (1 + exp(a - b)) if need_b else None)


def logaddexp(input, other):
    _float_only("logaddexp_cpu", input, other)
    return Logaddexp.apply(input, other)


class Logaddexp2(_Binary):
    promote = "float"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_inputs(0, 1)
        return ctx.xp.logaddexp2(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        need_a, need_b = ctx.needs_input_grad
        return (grad / (1 + exp2(b - a)) if need_a else None), \
            (grad / (1 + exp2(a - b)) if need_b else None)


def logaddexp2(input, other):
    _float_only("logaddexp2_cpu", input, other)
    return Logaddexp2.apply(input, other)


class Xlogy(_Binary):
    """x * log(y), defined as 0 where x == 0 (unless y is nan)."""

    promote = "float"

    @staticmethod
    def forward(ctx, x, y):
        xp = ctx.xp
        ctx.save_inputs(0, 1)
        if not isinstance(y, xp.ndarray):
            y = xp.asarray(y, dtype=x.dtype)  # a Python y must not widen float32 to float64
        with ctx.ext.quiet_fp():
            out = x * xp.log(y)
        return xp.where((x == 0) & ~xp.isnan(y), 0, out)

    @staticmethod
    def backward(ctx, grad):
        # masked branches (torch's where) compute inf/nan that are then discarded
        with ctx.ext.quiet_fp():
            x, y = ctx.inputs
            need_x, need_y = ctx.needs_input_grad
            gx = gy = None
            if need_x:
                # torch: xlogy(grad, y), zeroed where x == 0 and y <= 0
                gx = where((x == 0) & (y <= 0), 0.0, xlogy(grad, y))
            if need_y:
                gy = grad * x / y
            return gx, gy


def xlogy(input, other):
    return Xlogy.apply(input, other)


class Hypot(_Binary):
    promote = "float"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_inputs(0, 1)
        ctx.save_output()
        return ctx.xp.hypot(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        out = ctx.output
        need_a, need_b = ctx.needs_input_grad
        return (grad * a / out if need_a else None), (grad * b / out if need_b else None)


def hypot(input, other):
    _float_only("hypot_cpu", input, other)
    return Hypot.apply(input, other)


# ---------------------------------------------------------------- trigonometric, hyperbolic

class Sin(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_inputs(0)
        return ctx.xp.sin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad * cos(x)


def sin(input):
    return Sin.apply(input)


class Cos(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_inputs(0)
        return ctx.xp.cos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad * -sin(x)


def cos(input):
    return Cos.apply(input)


class Tan(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return ctx.xp.tan(x)

    @staticmethod
    def backward(ctx, grad):
        out = ctx.output
        return grad * (1 + out * out)


def tan(input):
    return Tan.apply(input)


class Asin(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_inputs(0)
        return ctx.xp.arcsin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad * rsqrt(1 - x * x)


def asin(input):
    return Asin.apply(input)


arcsin = asin


class Acos(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_inputs(0)
        return ctx.xp.arccos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad * -rsqrt(1 - x * x)


def acos(input):
    return Acos.apply(input)


arccos = acos


class Atan(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_inputs(0)
        return ctx.xp.arctan(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad / (x * x + 1)


def atan(input):
    return Atan.apply(input)


arctan = atan


class Atan2(_Binary):
    promote = "float"

    @staticmethod
    def forward(ctx, y, x):
        ctx.save_inputs(0, 1)
        return ctx.xp.arctan2(y, x)

    @staticmethod
    def backward(ctx, grad):
        # masked branches (torch's where) compute inf/nan that are then discarded
        with ctx.ext.quiet_fp():
            y, x = ctx.inputs
            need_y, need_x = ctx.needs_input_grad
            r2 = y * y + x * x
            # torch gives 0 (not nan) at the origin, where the reciprocal is infinite
            recip = where(r2 == 0, 0.0, 1 / r2)
            return (grad * x * recip if need_y else None), (grad * -y * recip if need_x else None)


def atan2(input, other):
    return Atan2.apply(input, other)


arctan2 = atan2


class Sinh(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_inputs(0)
        return ctx.xp.sinh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad * cosh(x)


def sinh(input):
    return Sinh.apply(input)


class Cosh(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_inputs(0)
        return ctx.xp.cosh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad * sinh(x)


def cosh(input):
    return Cosh.apply(input)


class Tanh(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return ctx.xp.tanh(x)

    @staticmethod
    def backward(ctx, grad):
        out = ctx.output
        return grad * (1 - out * out)


def tanh(input):
    return Tanh.apply(input)


class Asinh(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_inputs(0)
        return ctx.xp.arcsinh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad * rsqrt(x * x + 1)


def asinh(input):
    return Asinh.apply(input)


arcsinh = asinh


class Acosh(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_inputs(0)
        return ctx.xp.arccosh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad * rsqrt(x * x - 1)


def acosh(input):
    return Acosh.apply(input)


arccosh = acosh


class Atanh(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_inputs(0)
        return ctx.xp.arctanh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad / (1 - x * x)


def atanh(input):
    return Atanh.apply(input)


arctanh = atanh


def deg2rad(input):
    return mul(input, math.pi / 180.0)


def rad2deg(input):
    return mul(input, 180.0 / math.pi)


class Sinc(Op):
    """Normalised sinc, sin(pi x) / (pi x), with sinc(0) = 1."""

    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_inputs(0)
        return ctx.xp.sinc(x)

    @staticmethod
    def backward(ctx, grad):
        # masked branches (torch's where) compute inf/nan that are then discarded
        with ctx.ext.quiet_fp():
            (x,) = ctx.inputs
            px = x * math.pi
            d = (px * cos(px) - sin(px)) / (px * x)
            return where(x == 0, 0.0, grad * d)  # torch: 0 at x == 0 (the limit)


def sinc(input):
    return Sinc.apply(input)


# ---------------------------------------------------------------- activations, special

class Sigmoid(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        ctx.save_output()
        # one exp of -|x| serves both tails: no overflow, and tiny results keep their
        # relative accuracy (1 - sigmoid(-x) would round them to 0)
        e = xp.exp(-xp.abs(x))
        r = 1 / (1 + e)
        return xp.where(x >= 0, r, e * r)

    @staticmethod
    def backward(ctx, grad):
        out = ctx.output
        return grad * (out * (1 - out))


def sigmoid(input):
    return Sigmoid.apply(input)


class Logit(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x, eps=None):
        ctx.save_inputs(0)
        ctx.eps = eps
        if eps is not None:
            x = ctx.xp.clip(x, eps, 1 - eps)
        with ctx.ext.quiet_fp():
            return ctx.xp.log(x / (1 - x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        g = grad / (x * (1 - x))
        eps = ctx.eps
        if eps is None:
            return g
        return where((x < eps) | (x > 1 - eps), 0.0, g)  # clamped region: no gradient


def logit(input, eps=None):
    if eps is not None and eps < 0:
        eps = None  # torch: a negative eps means no clamping
    return Logit.apply(input) if eps is None else Logit.apply(input, eps=eps)


class Relu(Op):
    promote = None

    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return ctx.xp.maximum(x, 0)

    @staticmethod
    def backward(ctx, grad):
        return _keep(ctx.output > 0, grad)  # relu'(0) = 0, as torch


def relu(input):
    if input.data.dtype.kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    return Relu.apply(input)


class Erf(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_inputs(0)
        return ctx.ext.erf(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad * (_TWO_OVER_SQRT_PI * exp(-(x * x)))


def erf(input):
    return Erf.apply(input)


class Erfc(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_inputs(0)
        return ctx.ext.erfc(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad * (-_TWO_OVER_SQRT_PI * exp(-(x * x)))


def erfc(input):
    return Erfc.apply(input)


class Erfinv(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return ctx.ext.erfinv(x)

    @staticmethod
    def backward(ctx, grad):
        out = ctx.output
        return grad * (_SQRT_PI_OVER_TWO * exp(out * out))


def erfinv(input):
    return Erfinv.apply(input)


# ---------------------------------------------------------------- rounding

def _check_rounding(name, input):
    if input.data.dtype.kind == "b":
        raise _not_implemented(f"{name}_vml_cpu", input)


class Floor(_Piecewise):
    @staticmethod
    def forward(ctx, x):
        return x.copy() if x.dtype.kind in "iu" else ctx.xp.floor(x)


def floor(input):
    _check_rounding("floor", input)
    return Floor.apply(input)


class Ceil(_Piecewise):
    @staticmethod
    def forward(ctx, x):
        return x.copy() if x.dtype.kind in "iu" else ctx.xp.ceil(x)


def ceil(input):
    _check_rounding("ceil", input)
    return Ceil.apply(input)


class Trunc(_Piecewise):
    @staticmethod
    def forward(ctx, x):
        return x.copy() if x.dtype.kind in "iu" else ctx.xp.trunc(x)


def trunc(input):
    _check_rounding("trunc", input)
    return Trunc.apply(input)


fix = trunc


class Round(_Piecewise):
    """Round half to even; with decimals, scaled by a power of ten in the input's own
    precision, exactly as torch does (so float32 results match bit for bit)."""

    @staticmethod
    def forward(ctx, x, decimals=0):
        xp = ctx.xp
        if x.dtype.kind in "iu":
            return x.copy()
        if decimals == 0:
            return xp.rint(x)
        ten = 10.0 ** builtins.abs(decimals)
        if decimals > 0:
            return xp.rint(x * ten) / ten
        return xp.rint(x / ten) * ten


def round(input, *, decimals=0):  # noqa: A001 - torch's name
    kind = input.data.dtype.kind
    if kind == "b" or (decimals != 0 and kind in "iu"):
        raise _not_implemented("round_cpu", input)
    return Round.apply(input) if decimals == 0 else Round.apply(input, decimals=decimals)


def frac(input):
    if _is_integral(input):
        raise _not_implemented("frac_cpu", input)
    return input - trunc(input)  # torch's definition; the gradient is 1


# ---------------------------------------------------------------- clamping and selection

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
        xa, la, ha = x.data, _array(lo), _array(hi)
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
    dtype = grad.data.dtype
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


class Where(_Binary):
    promote = None  # the condition stays bool; the two values are cast in forward

    @staticmethod
    def forward(ctx, cond, a, b, *, dtype):
        ctx.cond = cond
        out = ctx.xp.where(cond, a, b)
        return out if out.dtype == dtype else out.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        _, need_a, need_b = ctx.needs_input_grad
        cond = _mask(ctx, ctx.cond)
        return None, (where(cond, grad, 0.0) if need_a else None), \
            (where(cond, 0.0, grad) if need_b else None)


def _result_dtype(*operands):
    return _dtype.result_type([x for x in operands if isinstance(x, Tensor)],
                              [x for x in operands if x is not None and
                               not isinstance(x, Tensor)])


def where(condition, input=None, other=None):
    if input is None and other is None:
        from .indexing import nonzero  # where(condition) is nonzero(condition, as_tuple=True)
        return nonzero(condition, as_tuple=True)
    if condition.data.dtype.kind != "b":
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {_type_name(condition)}")
    dtype = _result_dtype(input, other)
    return Where.apply(condition, input, other, dtype=dtype.np)


_C_FLOAT_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
                  "bfloat16": "c10::BFloat16", "complex64": "c10::complex<float>",
                  "complex128": "c10::complex<double>"}


class Lerp(_Binary):
    @staticmethod
    def forward(ctx, a, b, w):
        xp = ctx.xp
        ctx.save_inputs(0, 1, 2)
        d = b - a
        # torch's two-sided formula: exact at both ends (w == 0 gives a, w == 1 gives b)
        if isinstance(w, xp.ndarray):
            return xp.where(xp.abs(w) < 0.5, a + w * d, b - d * (1 - w))
        return a + w * d if builtins.abs(w) < 0.5 else b - d * (1 - w)

    @staticmethod
    def backward(ctx, grad):
        a, b, w = ctx.inputs
        need_a, need_b, need_w = ctx.needs_input_grad
        return (grad * (1 - w) if need_a else None), (grad * w if need_b else None), \
            (grad * (b - a) if need_w else None)


def lerp(input, end, weight):
    if _is_integral(input):
        raise _not_implemented("lerp_kernel_scalar", input)
    for name, t in (("end", end), ("weight", weight)):
        if isinstance(t, Tensor) and t.dtype is not input.dtype and \
                (name == "end" or t.ndim > 0):
            raise RuntimeError(f"expected dtype {_C_FLOAT_NAMES.get(input.dtype.name)} for "
                               f"`{name}` but got dtype "
                               f"{_C_FLOAT_NAMES.get(t.dtype.name, t.dtype.name)}")
    return Lerp.apply(input, end, weight)


def addcmul(input, tensor1, tensor2, *, value=1):
    if isinstance(value, float) and not _result_dtype(input, tensor1, tensor2).is_floating_point:
        value = int(value)  # torch casts value to the integer result type
    prod = tensor1 * tensor2
    return input + (prod if value == 1 else prod * value)


def addcdiv(input, tensor1, tensor2, *, value=1):
    if _is_integral(tensor1) and _is_integral(tensor2):
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release "
            "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
            "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))"
            ".to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) "
            "for float inputs. The future addcdiv behavior is just the latter implementation: "
            "(input + value * tensor1 / tensor2), for all dtypes.")
    quot = tensor1 / tensor2
    return input + (quot if value == 1 else quot * value)


class Copysign(_Binary):
    promote = "float"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_inputs(0, 1)
        ctx.save_output()
        return ctx.xp.copysign(a, b)

    @staticmethod
    def backward(ctx, grad):
        # masked branches (torch's where) compute inf/nan that are then discarded
        with ctx.ext.quiet_fp():
            a, _ = ctx.inputs
            need_a, need_b = ctx.needs_input_grad
            ga = None
            if need_a:
                # torch: grad * (result / input), with 0 where input == 0
                ga = where(a == 0, 0.0, grad * (ctx.output / a))
            return ga, (_zeros(grad) if need_b else None)


def copysign(input, other):
    return Copysign.apply(input, other)


# ---------------------------------------------------------------- comparisons

def _int_operand(input, other):
    """Python ints compare against integer tensors after torch's wrapping cast (a uint8
    tensor holding 44 equals 300); small non-negative ints need nothing."""
    if type(other) is int and not 0 <= other <= 127 and isinstance(input, Tensor) and \
            input.data.dtype.kind in "iu":
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
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan).data.all())


def equal(input, other):
    """True when both have the same shape and elements (dtypes may differ; nan != nan)."""
    if input.shape != other.shape:
        return False
    return builtins.bool((input.data == other.data).all())


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
                                               x.data.dtype.kind in "fc"):
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


class NanToNum(Op):
    promote = None

    @staticmethod
    def forward(ctx, x, *, nan, posinf, neginf):
        ctx.save_inputs(0)
        if x.dtype.kind not in "fc":
            return x.copy()
        return ctx.xp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return _keep(isfinite(x), grad)  # replaced values do not depend on the input


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    return NanToNum.apply(input, nan=nan, posinf=posinf, neginf=neginf)


# ---------------------------------------------------------------- complex parts

class Conj(Op):
    promote = None

    @staticmethod
    def forward(ctx, x):
        return ctx.xp.conj(x)

    @staticmethod
    def backward(ctx, grad):
        return conj(grad)


def conj(input):
    return Conj.apply(input) if input.dtype.is_complex else input  # real: the input itself


class Real(Op):
    promote = None
    view = True

    @staticmethod
    def forward(ctx, x):
        return x.real

    @staticmethod
    def backward(ctx, grad):
        return grad  # the engine casts it to the complex input dtype


def real(input):
    return Real.apply(input) if input.dtype.is_complex else input


class Imag(Op):
    promote = None
    view = True

    @staticmethod
    def forward(ctx, x):
        return x.imag

    @staticmethod
    def backward(ctx, grad):
        return grad * 1j


def imag(input):
    if not input.dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return Imag.apply(input)
