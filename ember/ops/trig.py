"""Trigonometric and hyperbolic functions: sin, cos, tan and their inverses, atan2, the
hyperbolic functions and their inverses, deg2rad, rad2deg and sinc.

Each derivative is torch's, from derivatives.yaml, with torch's masks where the formula
divides by zero: atan2 has a zero gradient at the origin, sinc at 0 (the limit).
"""
import math

from ..autograd.function import Op
from .elementwise import _Binary, mul, where
from .unary import rsqrt

__all__ = [
    "sin", "cos", "tan", "asin", "arcsin", "acos", "arccos", "atan", "arctan", "atan2",
    "arctan2", "sinh", "cosh", "tanh", "asinh", "arcsinh", "acosh", "arccosh", "atanh",
    "arctanh", "deg2rad", "rad2deg", "sinc",
]


# ---------------------------------------------------------------- trigonometric

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


# ---------------------------------------------------------------- hyperbolic

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
