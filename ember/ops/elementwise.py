"""Elementwise operations: arithmetic, unary math, comparisons, logic.

Broadcasting is undone by the engine (sum_to), so formulas here never mention it.
"""
from .._tensor import Tensor
from ..autograd.function import Op

__all__ = ["add", "sub", "mul", "div", "neg", "exp", "log", "pow", "relu",
           "eq", "ne", "lt", "le", "gt", "ge"]


class Add(Op):
    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


def add(input, other, *, alpha=1):
    if alpha != 1:
        other = mul(other, alpha)
    return Add.apply(input, other)


class Sub(Op):
    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, grad):
        return grad, -grad if ctx.needs_input_grad[1] else None


def sub(input, other, *, alpha=1):
    if alpha != 1:
        other = mul(other, alpha)
    return Sub.apply(input, other)


class Mul(Op):
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


class Div(Op):
    promote = "float"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_inputs(0, 1)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        need_a, need_b = ctx.needs_input_grad
        return (grad / b if need_a else None), (-grad * a / (b * b) if need_b else None)


def div(input, other, *, rounding_mode=None):
    return Div.apply(input, other)


class Neg(Op):
    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        return -grad


def neg(input):
    return Neg.apply(input)


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


class Pow(Op):
    @staticmethod
    def forward(ctx, x, e):
        ctx.save_inputs(0, 1)
        return x ** e

    @staticmethod
    def backward(ctx, grad):
        x, e = ctx.inputs
        return grad * e * x ** (e - 1), None


def pow(input, exponent):
    return Pow.apply(input, exponent)


class Relu(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return ctx.xp.maximum(x, 0)

    @staticmethod
    def backward(ctx, grad):
        return grad * (ctx.output > 0)  # relu'(0) = 0, as torch


def relu(input):
    return Relu.apply(input)


class _Compare(Op):
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
    return Eq.apply(input, other)


def ne(input, other):
    return Ne.apply(input, other)


def lt(input, other):
    return Lt.apply(input, other)


def le(input, other):
    return Le.apply(input, other)


def gt(input, other):
    return Gt.apply(input, other)


def ge(input, other):
    return Ge.apply(input, other)
