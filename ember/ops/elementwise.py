"""Elementwise binary operations and what every elementwise op shares.

Here: the broadcasting and promotion machinery (infer_size, _Binary and the dtype checks),
the masking helpers backward formulas across the family use (where, _keep, _zeros, _mask),
arithmetic (add, sub, mul, div, floor_divide, remainder, fmod, pow, float_power), the binary
exponential functions (logaddexp, logaddexp2, xlogy, hypot), where, lerp, addcmul, addcdiv
and copysign. One-input math is in unary.py and trig.py, clamping and extrema in clamping.py,
comparisons, logic, bits and classification in comparison.py.

Broadcasting is undone by the engine (sum_to), so formulas here never mention it. Each
derivative (and each subgradient at a kink) is torch's, from derivatives.yaml: where torch
masks a case (pow at base 0, xlogy at x == 0, copysign at 0) the same mask is here.
"""
import builtins
import math

from .. import _dtype
from .._tensor import Tensor, make_tensor
from ..autograd.function import Op
from .inplace import _NAMES
from .shape import infer_size

__all__ = [
    # arithmetic
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide",
    "floor_divide", "remainder", "fmod", "pow", "float_power",
    # binary exponentials and logarithms
    "logaddexp", "logaddexp2", "xlogy", "hypot",
    # selection, interpolation
    "where", "lerp", "addcmul", "addcdiv", "copysign",
]


# ---------------------------------------------------------------- shared helpers

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
    def _forward_failed(cls, exc, args, attrs):
        if isinstance(exc, ValueError):
            err = _broadcast_error(args)
            if err is None:
                raise exc
            raise err from None
        wrapped = _wrap_ints(args) if cls.wraps_ints else None
        if wrapped is None:
            raise exc
        return cls.apply(*wrapped, **attrs)


def _type_name(t):
    return _NAMES[t.dtype.name]


def _is_bool(x):
    return x._data.dtype.kind == "b" if isinstance(x, Tensor) else type(x) is bool


def _is_integral(x):
    """True for integer and bool tensors."""
    return x._data.dtype.kind in "iub"


def _float_only(name, input, other):
    """torch implements some binary ops for floating (and complex) dtypes only."""
    def integral(x):
        return x._data.dtype.kind in "iub" if isinstance(x, Tensor) else \
            isinstance(x, (int, bool))
    if integral(input) and integral(other):
        t = _result_dtype(input, other)
        raise NotImplementedError(f'"{name}" not implemented for \'{_NAMES[t.name]}\'')


def _no_bool(name, input, other):
    if _is_bool(input) and _is_bool(other):
        raise NotImplementedError(f'"{name}" not implemented for \'Bool\'')


def _not_implemented(name, t):
    return NotImplementedError(f'"{name}" not implemented for \'{_type_name(t)}\'')


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
        need_a, need_b = ctx.needs_input_grad
        # a's gradient needs b and b's needs a: keep only those, as torch does
        ctx._save_idx = (0 if need_b else None, 1 if need_a else None)  # save_inputs
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
        # a's gradient needs b; b's needs both
        ctx.save_inputs(0 if ctx.needs_input_grad[1] else None, 1)
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
        _check_int_divisor(ctx.xp, a, b)
        ctx.save_inputs(0, 1)
        return ctx.xp.remainder(a, b)

    @staticmethod
    def backward(ctx, grad):
        return _modulus_grads(ctx, grad, "floor")


def _check_int_divisor(xp, a, b):
    """Integer modulus by zero raises, as torch (NumPy would warn and give 0)."""
    if (a if isinstance(a, xp.ndarray) else b).dtype.kind in "iu" and _any_zero(xp, b):
        raise RuntimeError("ZeroDivisionError")


def _modulus_grads(ctx, grad, mode):
    """a - b * q with q = div(a, b, rounding_mode=mode), piecewise constant: d/da = 1 and
    d/db = -q."""
    a, b = ctx.inputs
    need_a, need_b = ctx.needs_input_grad
    return (grad if need_a else None), \
        (-grad * div(a, b, rounding_mode=mode) if need_b else None)


def remainder(input, other):
    _no_bool("remainder_cpu", input, other)
    return Remainder.apply(input, other)


class Fmod(_Binary):
    """C's fmod: the result takes the sign of the dividend."""

    @staticmethod
    def forward(ctx, a, b):
        _check_int_divisor(ctx.xp, a, b)
        ctx.save_inputs(0, 1)
        return ctx.xp.fmod(a, b)

    @staticmethod
    def backward(ctx, grad):
        return _modulus_grads(ctx, grad, "trunc")


def fmod(input, other):
    _no_bool("fmod_cpu", input, other)
    return Fmod.apply(input, other)


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
        from .unary import log  # unary.py imports this module, so not at the top
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


# ---------------------------------------------------------------- exponentials of two operands

class Logaddexp(_Binary):
    promote = "float"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_inputs(0, 1)
        ctx.save_output()
        return ctx.xp.logaddexp(a, b)

    @staticmethod
    def backward(ctx, grad):
        from .unary import exp  # unary.py imports this module, so not at the top
        return _logaddexp_grads(ctx, grad, exp)


def _logaddexp_grads(ctx, grad, power):
    """out = log_k(k**a + k**b) has d/da = k**a / (k**a + k**b) = k**(a - out), with
    power(t) = k**t. Written with the output, the exponent is never positive: the form
    1 / (1 + k**(b - a)) overflows for b - a above ~88 in float32 and its second
    derivative turns into nan."""
    a, b = ctx.inputs
    out = ctx.output
    need_a, need_b = ctx.needs_input_grad
    return (grad * power(a - out) if need_a else None), \
        (grad * power(b - out) if need_b else None)


def logaddexp(input, other):
    _float_only("logaddexp_cpu", input, other)
    return Logaddexp.apply(input, other)


class Logaddexp2(_Binary):
    promote = "float"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_inputs(0, 1)
        ctx.save_output()
        return ctx.xp.logaddexp2(a, b)

    @staticmethod
    def backward(ctx, grad):
        from .unary import exp2  # unary.py imports this module, so not at the top
        return _logaddexp_grads(ctx, grad, exp2)


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


# ---------------------------------------------------------------- selection, interpolation

class Where(_Binary):
    promote = None  # the condition stays bool; the two values are cast in forward

    @staticmethod
    def forward(ctx, cond, a, b, *, dtype):
        ctx.cond = cond
        if type(b) is float and b == 0.0 and math.copysign(1.0, b) > 0 and a.dtype == dtype:
            # where(mask, x, 0.0): the gradient masks of relu, clamp, max, ... (fast kernel)
            return ctx.ext.keep(cond, a)
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
    if condition._data.dtype.kind != "b":
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
