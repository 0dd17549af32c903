"""One-input elementwise math: negation, absolute value, sign, reciprocal and square;
exponentials, logarithms and roots; the activations and special functions (sigmoid, logit,
relu, erf, erfc, erfinv); rounding; nan_to_num; and the complex parts (conj, real, imag).

The trigonometric and hyperbolic functions are in trig.py. Each derivative (and each
subgradient at a kink) is torch's: abs'(0) = 0, relu'(0) = 0, sqrt'(0) = inf, and the
piecewise-constant ops (sign, rounding) have a zero gradient everywhere.
"""
import builtins
import math

from .._tensor import make_tensor
from ..autograd import grad_mode as _grad_mode
from ..autograd.function import Op
from .comparison import isfinite
from .elementwise import _is_integral, _keep, _not_implemented, _zeros, pow, where

__all__ = [
    # arithmetic
    "neg", "negative", "positive", "reciprocal", "square", "abs", "absolute", "sign", "sgn",
    # exponentials, logarithms, roots
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt",
    # activations and special functions
    "sigmoid", "logit", "relu", "erf", "erfc", "erfinv",
    # rounding
    "floor", "ceil", "round", "trunc", "fix", "frac",
    # non-finite values and complex parts
    "nan_to_num", "conj", "real", "imag",
]


_LN2 = math.log(2.0)


_LN10 = math.log(10.0)


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


_SQRT_PI_OVER_TWO = math.sqrt(math.pi) / 2.0


# ---------------------------------------------------------------- negation, absolute value, sign

class Neg(Op):
    promote = None

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        return -grad


def neg(input):
    if input._data.dtype.kind == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If "
                           "you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    return Neg.apply(input)


negative = neg


def positive(input):
    if input._data.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input  # torch returns the input itself


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
    if input._data.dtype.kind == "b":
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


# ---------------------------------------------------------------- exponentials, logarithms, roots

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
        y, g = ctx.output._data, grad._data
        if _grad_mode.state.enabled or g.dtype != y.dtype or g.shape != y.shape:
            return _keep(ctx.output > 0, grad)  # relu'(0) = 0, as torch
        # no graph wanted: the mask and a bitwise keep on arrays, with no Gt and Where nodes.
        # (A compiled select is 25% faster on 8 MB, but loading numba adds ~130 MB of
        # resident memory, which ResNet-18, with nothing else compiled, cannot spare.)
        return make_tensor(ctx.ext.keep(y > 0, g), grad.device)


def relu(input):
    if input._data.dtype.kind == "b":
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
    if input._data.dtype.kind == "b":
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
    kind = input._data.dtype.kind
    if kind == "b" or (decimals != 0 and kind in "iu"):
        raise _not_implemented("round_cpu", input)
    return Round.apply(input) if decimals == 0 else Round.apply(input, decimals=decimals)


def frac(input):
    if _is_integral(input):
        raise _not_implemented("frac_cpu", input)
    return input - trunc(input)  # torch's definition; the gradient is 1


# ---------------------------------------------------------------- non-finite values

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
