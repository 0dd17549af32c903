"""Op-table rows for ember/ops/elementwise.py (arithmetic, pow, logaddexp/xlogy/hypot,
where, lerp, addcmul/addcdiv, copysign) and the softmax family of ember/ops/nn.py, and the
row helpers and shared sample sets the other elementwise tables (unary.py, trig.py,
clamping.py, comparison.py) import from here.

Rows whose samples sit on a kink on purpose (pow at base 0, xlogy and copysign at 0; in
the other tables abs and relu at 0, clamp at its bounds, maximum/minimum with ties) check
torch's subgradient there and skip gradcheck: finite differences straddle the kink. Each
such op has a second row with random samples off the kinks for gradcheck/gradgradcheck.

Integer and bool rows (grad=False) pin torch's dtype rules: promotion across integer
widths, uint8 wraparound, integer true division giving float32, rounding modes keeping
integer dtypes.
"""
import numpy
import torch
import torch.nn.functional as TF

import ember
import ember.ops.nn as enn

from ._spec import OpSpec, binary, fixed, rand, SampleInput, unary

NAN, INF = float("nan"), float("inf")


def a(*values, dtype=numpy.float64):
    return numpy.array(values if len(values) > 1 else values[0], dtype=dtype)


def i64(*v):
    return a(*v, dtype=numpy.int64)


def torch_or_ember(x):
    """The framework a sample tensor belongs to, for rows written once for both."""
    return torch if isinstance(x, torch.Tensor) else ember


def same(fn):
    """One lambda serves both frameworks (method calls, operators)."""
    return fn, fn


def pair(name):
    """ember's and torch's function for a row name; a suffix after the function name
    (add_int, pow_base_zero) labels the sample set."""
    parts = name.split("_")
    while parts and not hasattr(torch, "_".join(parts)):
        parts.pop()
    fn = "_".join(parts)
    return getattr(ember, fn), getattr(torch, fn)


def row(name, samples, fn=None, **kw):
    e, t = same(fn) if fn is not None else pair(name)
    return OpSpec(name, e, t, samples, **kw)


# ---------------------------------------------------------------- sample sets
BIN = binary(scalar=2.5)
POS = unary(low=0.5, high=3.0)
DIVISOR = binary(other_low=0.5, other_high=2.0, scalar=3.0)
MIXED_SIGN_DIV = fixed((a([7.3, -7.3, 5.5, -5.5, 0.4], [1.1, 4.5, -3.3, 6.2, -2.9]),
                        a([2.0, 2.0, -2.0, -2.0, 3.0])))
# integer operands: plain, mixed widths, a Python int/float, a 0-dim tensor
INT_BIN = fixed((i64([[3, -4, 5], [0, 7, -8]]), i64([2, -3, 5])),
                (a([1, -2, 3], dtype=numpy.int8), a([100, 2, -300], dtype=numpy.int16)),
                (i64([1, 2, 3]), 2),
                (i64([1, 2, 3]), 2.5),
                (a([1, 2], dtype=numpy.int32), a(7, dtype=numpy.int64)),
                (a([200, 7], dtype=numpy.uint8), a([100, 250], dtype=numpy.uint8)))
UINT8_WRAP = fixed((a([200, 2, 0], dtype=numpy.uint8), 300),
                   (a([200, 2, 0], dtype=numpy.uint8), -1))
BOOL_BIN = fixed((a([True, False, True], dtype=bool), a([True, True, False], dtype=bool)),
                 (a([True, False], dtype=bool), i64([3, 4])),
                 (a([True, False], dtype=bool), 2))
INT_DIV = fixed((i64([7, -7, 7, -7, 0]), i64([2, 2, -2, -2, 5])),
                (i64([7, -9]), 4),
                (a([-7, 9], dtype=numpy.int8), a([2, -4], dtype=numpy.int8)))
WITH_SPECIALS = fixed((a([1.0, NAN, INF, -INF, -0.0, 0.0, -2.5]),))
INT_UNARY = fixed((i64([[3, -4, 0], [1, 7, -8]]),), (a([1, -2, 3], dtype=numpy.int8),))
SOFT = unary(low=-5, high=5, shapes=((3, 4), (2, 3, 4)))


def with_dim(dim, shapes=((3, 4), (2, 3, 4)), low=-5, high=5):
    def make(rng):
        return [SampleInput((rand(rng, s, low, high),), {"dim": dim}) for s in shapes]
    return make


OPS = [
    # ---------------------------------------------------------------- add / sub
    row("add", BIN),
    OpSpec("add_alpha", lambda x, y: ember.add(x, y, alpha=2.5),
           lambda x, y: torch.add(x, y, alpha=2.5), BIN),
    row("Tensor.add", BIN, lambda x, y: x.add(y, alpha=-1)),
    row("Tensor.add_", BIN, lambda x, y: x.clone().add_(y)),
    row("Tensor.__iadd__", BIN, lambda x, y: x.clone().__iadd__(y)),
    row("Tensor.__radd__", unary(), lambda x: 2.5 + x),
    row("add_int", INT_BIN, grad=False),
    row("add_uint8_wraps", UINT8_WRAP, lambda x, s: x + s, grad=False),
    row("add_bool", BOOL_BIN, grad=False),
    row("add_int_alpha", fixed((i64([1, 2]), i64([3, 4]))),
        lambda x, y: x.add(y, alpha=3), grad=False),
    row("sub", BIN),
    OpSpec("sub_alpha", lambda x, y: ember.sub(x, y, alpha=-0.5),
           lambda x, y: torch.sub(x, y, alpha=-0.5), BIN),
    row("subtract", BIN),
    row("Tensor.sub_", BIN, lambda x, y: x.clone().sub_(y, alpha=2)),
    row("Tensor.__rsub__", unary(), lambda x: 1.5 - x),
    row("sub_int", INT_BIN, grad=False),
    row("sub_uint8_underflow", fixed((a([1, 0, 255], dtype=numpy.uint8), 2)),
        lambda x, s: x - s, grad=False),
    # ---------------------------------------------------------------- mul / div
    row("mul", binary(scalar=-1.5)),
    row("multiply", binary(broadcasting=True)),
    row("Tensor.mul_", BIN, lambda x, y: x.clone().mul_(y)),
    row("Tensor.__rmul__", unary(), lambda x: -3 * x),
    row("mul_int", INT_BIN, grad=False),
    row("mul_bool", BOOL_BIN, grad=False),
    row("div", DIVISOR),
    row("divide", DIVISOR),
    row("true_divide", DIVISOR),
    row("Tensor.div_", DIVISOR, lambda x, y: x.clone().div_(y)),
    row("Tensor.__rtruediv__", POS, lambda x: 2.0 / x),
    row("div_int_is_float", INT_DIV, lambda x, y: x / y, grad=False),
    OpSpec("div_trunc", lambda x, y: ember.div(x, y, rounding_mode="trunc"),
           lambda x, y: torch.div(x, y, rounding_mode="trunc"), MIXED_SIGN_DIV),
    OpSpec("div_floor", lambda x, y: ember.div(x, y, rounding_mode="floor"),
           lambda x, y: torch.div(x, y, rounding_mode="floor"), MIXED_SIGN_DIV),
    OpSpec("div_trunc_int", lambda x, y: ember.div(x, y, rounding_mode="trunc"),
           lambda x, y: torch.div(x, y, rounding_mode="trunc"), INT_DIV, grad=False),
    OpSpec("div_floor_int", lambda x, y: x.div(y, rounding_mode="floor"),
           lambda x, y: x.div(y, rounding_mode="floor"), INT_DIV, grad=False),
    # torch has no derivative for floor_divide (its backward raises)
    row("floor_divide", MIXED_SIGN_DIV, grad=False),
    row("floor_divide_int", INT_DIV, lambda x, y: x // y, grad=False),
    row("remainder", binary(low=-4, high=4, other_low=0.5, other_high=2.0, scalar=1.5)),
    row("remainder_neg_divisor", MIXED_SIGN_DIV, lambda x, y: torch_or_ember(x).remainder(x, y)),
    row("remainder_int", INT_DIV, lambda x, y: x % y, grad=False),
    row("Tensor.__rmod__", POS, lambda x: 5.0 % x, grad=False),  # torch: no derivative
    row("fmod", MIXED_SIGN_DIV),
    row("Tensor.fmod_", binary(low=-4, high=4, other_low=0.5, other_high=2.0),
        lambda x, y: x.clone().fmod_(y)),
    row("fmod_int", INT_DIV, grad=False),
    # ---------------------------------------------------------------- pow
    row("pow", binary(low=0.5, high=2.0, other_low=-2.0, other_high=2.0, scalar=2.5)),
    OpSpec("pow_scalar_exponent", lambda x: ember.pow(x, 3), lambda x: torch.pow(x, 3),
           unary()),
    row("Tensor.__pow__", POS, lambda x: x ** -1.5),
    row("Tensor.__rpow__", unary(), lambda x: 2.0 ** x),
    OpSpec("pow_scalar_base", lambda e: ember.pow(3.0, e), lambda e: torch.pow(3.0, e),
           unary()),
    # torch's masks at base 0: d/dx is 0 where the exponent is 0, d/de is 0 where e >= 0
    row("pow_base_zero", fixed((a([0.0, 0.0, 0.0, 0.0, 2.0, -2.0, 1.5]),
                                a([0.0, 1.0, -1.0, 0.5, 2.0, 2.0, 0.0]))), gradcheck=False),
    OpSpec("pow_zero_exponent", lambda x: ember.pow(x, 0), lambda x: torch.pow(x, 0),
           fixed((a([0.0, 1.0, -2.0]),)), gradcheck=False),
    OpSpec("pow_scalar_base_zero", lambda e: ember.pow(0.0, e), lambda e: torch.pow(0.0, e),
           fixed((a([0.0, 1.0, -1.0, 2.5]),)), gradcheck=False),
    row("Tensor.pow_", POS, lambda x: x.clone().pow_(2)),
    row("pow_int", fixed((i64([0, 1, -1, 2, 3]), i64([-1, -2, -3, 2, 0])),
                         (i64([0, 1, -1, 2, 3]), 2),
                         (2, i64([0, 1, 5])),
                         (i64([1, 2, 3]), 0.5),
                         (a([True, False], dtype=bool), 2),
                         (a([2, 3], dtype=numpy.int8), i64([2, 3]))), grad=False),
    row("float_power", binary(low=0.5, high=2.0, scalar=2)),
    row("float_power_int", fixed((i64([1, 2, 3]), -1), (2, i64([1, 2]))), grad=False),
    # ---------------------------------------------------------------- logaddexp, xlogy, hypot
    row("logaddexp", binary(low=-5, high=5)),
    row("logaddexp_large", fixed((a([100.0, -100.0, 30.0]), a([100.5, -99.0, -30.0])))),
    row("logaddexp2", binary(low=-5, high=5)),
    row("xlogy", binary(low=-2, high=2, other_low=0.2, other_high=3)),
    row("xlogy_zeros", fixed((a([0.0, 0.0, 1.0, 0.0, 2.0]), a([0.0, 1.0, 2.0, NAN, 0.0]))),
        gradcheck=False),
    OpSpec("xlogy_scalar_x", lambda y: ember.xlogy(2, y), lambda y: torch.xlogy(2, y),
           POS),
    row("hypot", binary(low=-3, high=3, broadcasting=True)),
    row("float_only_ops_int", fixed((i64([1, 2]), i64([3, 4]))),
        lambda x, y: (torch_or_ember(x).atan2(x, y), x.copysign(y), x.xlogy(y),
                      torch_or_ember(x).logaddexp(x.float(), y)), grad=False),
    # ---------------------------------------------------------------- where, lerp, addc*
    row("where", fixed((a([[True, False, True], [False, False, True]], dtype=bool),
                        a([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), a([-1.0, -2.0, -3.0])),
                       (a([True, False], dtype=bool), a([1.0, 2.0]), 2.5),
                       (a([True, False], dtype=bool), 1.5, a([[1.0, 2.0]])))),
    row("Tensor.where", fixed((a([1.0, -2.0, 3.0]), a([5.0, 6.0, 7.0]))),
        lambda x, y: x.where(x > 0, y)),
    row("where_dtypes", fixed((a([True, False], dtype=bool), i64([1, 2]), 2.5),
                              (a([True, False], dtype=bool), 1, 2),
                              (a([True, False], dtype=bool), i64([1, 2]), a(2.0)),
                              (a([True, False], dtype=bool), a([True]), 2)),
        lambda c, x, y: torch_or_ember(c).where(c, x, y), grad=False),
    OpSpec("lerp", lambda x, y: ember.lerp(x, y, 0.3), lambda x, y: torch.lerp(x, y, 0.3),
           binary(broadcasting=True)),
    OpSpec("lerp_big_weight", lambda x, y: ember.lerp(x, y, 0.75),
           lambda x, y: torch.lerp(x, y, 0.75), binary(broadcasting=False)),
    row("lerp_tensor_weight", fixed((a([[1.0, 2.0, -1.0], [0.5, 0.0, 3.0]]), a([3.0, 5.0, 1.0]),
                                     a([0.25, 0.75, -0.5])))),
    row("Tensor.lerp_", binary(broadcasting=True), lambda x, y: x.clone().lerp_(y, 0.6)),
    OpSpec("addcmul", lambda x, y, z: ember.addcmul(x, y, z, value=0.5),
           lambda x, y, z: torch.addcmul(x, y, z, value=0.5),
           lambda rng: [SampleInput((rand(rng, (3, 4)), rand(rng, (3, 1)), rand(rng, (4,))))]),
    row("Tensor.addcmul_", lambda rng: [SampleInput((rand(rng, (3, 4)), rand(rng, (3, 4)),
                                                     rand(rng, (4,))))],
        lambda x, y, z: x.clone().addcmul_(y, z, value=-2)),
    row("addcmul_int", fixed((i64([1, 2]), i64([3, 4]), i64([1, 2]))),
        lambda x, y, z: x.addcmul(y, z, value=2), grad=False),
    OpSpec("addcdiv", lambda x, y, z: ember.addcdiv(x, y, z, value=2),
           lambda x, y, z: torch.addcdiv(x, y, z, value=2),
           lambda rng: [SampleInput((rand(rng, (3, 4)), rand(rng, (3, 4)),
                                     rand(rng, (4,), 0.5, 2.0)))]),
    row("Tensor.addcdiv_", lambda rng: [SampleInput((rand(rng, (3, 4)), rand(rng, (3, 4)),
                                                     rand(rng, (3, 4), 0.5, 2.0)))],
        lambda x, y, z: x.clone().addcdiv_(y, z)),
    row("copysign", binary(low=-3, high=3, scalar=-0.0)),
    row("copysign_zero", fixed((a([1.0, -2.0, 0.0, 0.0]), a([-1.0, 1.0, -1.0, 1.0]))),
        gradcheck=False),
    row("copysign_int", fixed((i64([1, -2]), i64([-1, 1]))), grad=False),
    # ---------------------------------------------------------------- more in-place forms
    row("Tensor.remainder_", DIVISOR, lambda x, y: x.clone().remainder_(y)),
    row("Tensor.xlogy_", binary(other_low=0.2, other_high=3), lambda x, y: x.clone().xlogy_(y)),
    row("Tensor.float_power_", POS, lambda x: x.clone().float_power_(1.5), dtypes=("float64",)),
    row("Tensor.logaddexp2", binary(), lambda x, y: x.logaddexp2(y)),
    row("Tensor.floor_divide_", INT_DIV, lambda x, y: x.clone().floor_divide_(y), grad=False),
    # ---------------------------------------------------------------- softmax family
    OpSpec("softmax", ember.softmax, torch.softmax, with_dim(-1)),
    OpSpec("softmax_dim0", ember.softmax, torch.softmax, with_dim(0)),
    OpSpec("softmax_large_logits", lambda x: ember.softmax(x * 100, 1),
           lambda x: torch.softmax(x * 100, 1), SOFT),
    OpSpec("softmax_dtype", lambda x: ember.softmax(x, 1, dtype=ember.float64),
           lambda x: torch.softmax(x, 1, dtype=torch.float64), SOFT),
    OpSpec("softmax_0dim", lambda x: ember.softmax(x, 0), lambda x: torch.softmax(x, 0),
           unary(shapes=((),))),
    row("Tensor.softmax", SOFT, lambda x: x.softmax(-2)),
    OpSpec("log_softmax", ember.log_softmax, torch.log_softmax, with_dim(1)),
    OpSpec("log_softmax_large_logits", lambda x: ember.log_softmax(x * 100, -1),
           lambda x: torch.log_softmax(x * 100, -1), SOFT),
    OpSpec("log_softmax_dtype", lambda x: ember.log_softmax(x, 0, dtype=ember.float64),
           lambda x: torch.log_softmax(x, 0, dtype=torch.float64), SOFT),
    row("Tensor.log_softmax", SOFT, lambda x: x.log_softmax(-1)),
    OpSpec("softmin", lambda x: enn.softmin(x, 1), lambda x: TF.softmin(x, 1), SOFT),
    OpSpec("softmin_dtype", lambda x: enn.softmin(x, 0, dtype=ember.float64),
           lambda x: TF.softmin(x, 0, dtype=torch.float64), SOFT),
]
