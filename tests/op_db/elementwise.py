"""Op-table rows for ember/ops/elementwise.py and the softmax family of ember/ops/nn.py.

Rows whose samples sit on a kink on purpose (abs at 0, relu at 0, clamp at its bounds,
maximum/minimum with ties, pow at base 0) check torch's subgradient there and skip
gradcheck: finite differences straddle the kink. Each such op has a second row with
random samples off the kinks for gradcheck/gradgradcheck.

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
TIES = fixed((a([[1.0, 2.0, 3.0, -0.5], [2.0, 0.0, -1.0, 4.0]]),
              a([[1.0, 3.0, 2.0, -0.5], [2.0, 1.0, -1.0, 3.0]])))
NAN_PAIRS = fixed((a([1.0, 2.0, 3.0, NAN, NAN, 2.0]), a([1.0, 3.0, NAN, 1.0, NAN, 2.0])))
WITH_SPECIALS = fixed((a([1.0, NAN, INF, -INF, -0.0, 0.0, -2.5]),))
INT_UNARY = fixed((i64([[3, -4, 0], [1, 7, -8]]),), (a([1, -2, 3], dtype=numpy.int8),))
# halves (round to even) and integers: the jumps themselves, so rows using it skip gradcheck
# (the gradient is 0 everywhere and the torch comparison checks it)
ROUNDING = unary(low=-3, high=3, include=[0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.0, 2.0])
BOUNDS = unary(low=-2, high=2, include=[-1.0, 1.0, 0.0, 1.5, -1.5])  # clamp(-1, 1) bounds
SHIFTS = fixed((i64([1, 3, -8, 5]), i64([2, 64, 1, -1])),
               (a([1, 3, -128], dtype=numpy.int8), 7),
               (a([200, 1], dtype=numpy.uint8), a([9, 3], dtype=numpy.uint8)))
LOGIC = fixed((a([1.0, 0.0, -2.0, NAN]), a([0.0, 0.0, 3.0, 1.0])),
              (i64([1, 0, 3]), a([True, False, False], dtype=bool)))
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
    # ---------------------------------------------------------------- neg, abs, sign
    row("neg", unary()),
    row("negative", unary()),
    row("Tensor.__neg__", unary(), lambda x: -x),
    row("Tensor.neg_", unary(), lambda x: x.clone().neg_()),
    row("neg_int_uint8_wraps", fixed((i64([1, -2]),), (a([1, 0], dtype=numpy.uint8),)),
        lambda x: -x, grad=False),
    row("positive", unary()),  # returns its input itself, as torch
    # abs'(0) = 0
    row("abs", unary(include=[0.0, -0.0]), gradcheck=False),
    row("abs_smooth", unary(), lambda x: torch_or_ember(x).abs(x)),
    row("absolute", unary()),
    row("Tensor.abs_", unary(), lambda x: x.clone().abs_()),
    row("abs_int", fixed((a([-128, 5, -3], dtype=numpy.int8),)), lambda x: abs(x), grad=False),
    row("sign", unary(include=[0.0, -0.0]), gradcheck=False),  # zero gradient everywhere
    row("sgn", unary(include=[0.0]), grad=False),  # torch's sgn backward fails on real input
    row("sign_int_bool", fixed((i64([-3, 0, 4]),), (a([True, False], dtype=bool),)),
        lambda x: x.sign(), grad=False),
    row("sign_special", WITH_SPECIALS, lambda x: x.sign(), grad=False),  # nan -> 0, as torch
    row("signbit", WITH_SPECIALS, grad=False),
    row("signbit_int", INT_UNARY, lambda x: x.signbit(), grad=False),
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
    row("square", unary()),
    row("square_int_bool", fixed((i64([-3, 4]),), (a([True, False], dtype=bool),)), grad=False),
    row("reciprocal", POS),
    row("Tensor.reciprocal_", POS, lambda x: x.clone().reciprocal_()),
    row("reciprocal_int", fixed((i64([1, 2, -4]),)), grad=False),
    # ---------------------------------------------------------------- exp and log
    row("exp", unary(low=-4, high=4)),
    row("Tensor.exp_", unary(), lambda x: x.clone().exp_()),
    row("exp_int_bool", fixed((i64([0, 1, 2]),), (a([True, False], dtype=bool),)), grad=False),
    row("exp2", unary(low=-4, high=4)),
    row("expm1", unary(low=-3, high=3, include=[1e-7, -1e-7])),
    row("log", unary(low=0.1, high=8)),
    row("log_special", fixed((a([0.0, -1.0, INF, 1.0]),)), gradcheck=False),
    row("Tensor.log_", POS, lambda x: x.clone().log_()),
    row("log_int", fixed((i64([1, 2, 10]),)), grad=False),
    row("log2", unary(low=0.1, high=8)),
    row("log10", unary(low=0.1, high=8)),
    row("log1p", unary(low=-0.9, high=3, include=[1e-8])),
    row("sqrt", unary(low=0.1, high=4)),
    row("sqrt_at_zero", fixed((a([0.0, 4.0, -1.0]),)), gradcheck=False),  # sqrt'(0) = inf
    row("Tensor.sqrt_", POS, lambda x: x.clone().sqrt_()),
    row("sqrt_int8", fixed((a([1, 4, 9], dtype=numpy.int8),)), grad=False),
    row("rsqrt", unary(low=0.2, high=4)),
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
    # ---------------------------------------------------------------- trigonometric
    row("sin", unary(low=-4, high=4)),
    row("Tensor.sin_", unary(), lambda x: x.clone().sin_()),
    row("cos", unary(low=-4, high=4)),
    row("tan", unary(low=-1.2, high=1.2)),
    row("asin", unary(low=-0.9, high=0.9)),
    row("arcsin", unary(low=-0.9, high=0.9)),
    row("acos", unary(low=-0.9, high=0.9)),
    row("arccos", unary(low=-0.9, high=0.9)),
    row("atan", unary(low=-4, high=4)),
    row("arctan", unary()),
    row("atan2", binary(low=-3, high=3)),
    row("arctan2", binary(low=-3, high=3, broadcasting=False)),
    row("atan2_origin", fixed((a([0.0, 1.0, 0.0]), a([0.0, 0.0, -1.0]))), gradcheck=False),
    row("sinh", unary(low=-3, high=3)),
    row("cosh", unary(low=-3, high=3)),
    row("tanh", unary(low=-4, high=4)),
    row("Tensor.tanh_", unary(), lambda x: x.clone().tanh_()),
    row("asinh", unary(low=-4, high=4)),
    row("arcsinh", unary()),
    row("acosh", unary(low=1.1, high=4)),
    row("arccosh", unary(low=1.1, high=4)),
    row("atanh", unary(low=-0.9, high=0.9)),
    row("arctanh", unary(low=-0.9, high=0.9)),
    row("deg2rad", unary(low=-360, high=360)),
    row("rad2deg", unary()),
    row("deg2rad_int", fixed((i64([180, -90]),)), grad=False),
    # the second derivative of torch's sinc formula is nan at exactly 0 (0/0 in the masked
    # branch), so the row with 0 skips gradgrad; sinc_smooth covers it off 0
    row("sinc", unary(include=[0.0]), gradgrad=False),
    row("sinc_smooth", unary(low=0.1, high=2), lambda x: torch_or_ember(x).sinc(x)),
    # ---------------------------------------------------------------- activations, special
    row("sigmoid", unary(low=-8, high=8, include=[-30.0, 30.0, 0.0])),
    row("Tensor.sigmoid_", unary(), lambda x: x.clone().sigmoid_()),
    row("sigmoid_int", fixed((i64([0, 1, -2]),)), grad=False),
    row("logit", unary(low=0.05, high=0.95)),
    OpSpec("logit_eps", lambda x: ember.logit(x, 0.1), lambda x: torch.logit(x, 0.1),
           unary(low=0.0, high=1.0, include=[0.05, 0.1, 0.9, 0.95, 0.5]), gradcheck=False),
    row("Tensor.logit", unary(low=0.2, high=0.8), lambda x: x.logit(eps=0.25)),
    row("relu", unary(include=[0.0]), gradcheck=False),  # relu'(0) = 0
    row("relu_smooth", unary(), lambda x: torch_or_ember(x).relu(x)),
    row("Tensor.relu_", unary(), lambda x: x.clone().relu_()),
    row("relu_int", INT_UNARY, grad=False),
    row("erf", unary(low=-3, high=3, include=[0.0, 0.46875, -4.5, 5.0])),
    row("Tensor.erf_", unary(), lambda x: x.clone().erf_()),
    row("erfc", unary(low=-3, high=5, include=[0.0, 0.46875, -4.5, 9.0])),
    row("erfinv", unary(low=-0.95, high=0.95, include=[0.0, 0.5, -0.999])),
    row("erfinv_edges", fixed((a([1.0, -1.0, 1.5, 0.9999]),)), grad=False),
    row("erf_int", fixed((i64([0, 1, -2]),)), grad=False),
    # ---------------------------------------------------------------- rounding
    row("floor", ROUNDING, gradcheck=False),
    row("ceil", ROUNDING, gradcheck=False),
    row("round", ROUNDING, gradcheck=False),  # half to even
    OpSpec("round_decimals", lambda x: ember.round(x, decimals=2),
           lambda x: torch.round(x, decimals=2),
           fixed((a([0.125, 1.005, -2.675, 3.14159, 0.5]),)), gradcheck=False),
    OpSpec("round_neg_decimals", lambda x: x.round(decimals=-1),
           lambda x: x.round(decimals=-1), fixed((a([15.0, 25.0, -35.0, 1234.5, 4.9]),)),
           gradcheck=False),
    row("Tensor.round_", ROUNDING, lambda x: x.clone().round_(decimals=1), gradcheck=False),
    row("trunc", ROUNDING, gradcheck=False),
    row("fix", ROUNDING, gradcheck=False),
    row("frac", ROUNDING, gradcheck=False),
    row("Tensor.floor_", ROUNDING, lambda x: x.clone().floor_(), gradcheck=False),
    row("Tensor.frac_", ROUNDING, lambda x: x.clone().frac_(), gradcheck=False),
    row("frac_smooth", unary(low=0.1, high=0.9), lambda x: (x * 3.0).frac()),
    row("rounding_int", INT_UNARY, lambda x: (torch_or_ember(x).floor(x), x.ceil(), x.round(),
                                              x.trunc()), grad=False),
    # ---------------------------------------------------------------- clamp
    # at the bounds the input keeps the gradient (min <= x <= max)
    OpSpec("clamp", lambda x: ember.clamp(x, -1.0, 1.0), lambda x: torch.clamp(x, -1.0, 1.0),
           BOUNDS, gradcheck=False),
    OpSpec("clamp_smooth", lambda x: ember.clamp(x, min=-0.5), lambda x: torch.clamp(x, min=-0.5),
           unary()),
    OpSpec("clip", lambda x: ember.clip(x, max=0.5), lambda x: torch.clip(x, max=0.5), unary()),
    # tensor bounds, including crossed bounds (min > max) where max wins
    row("clamp_tensor_bounds", fixed((a([[0.5, 0.5, 0.5, 2.0, -2.0], [0.0, 1.0, 0.3, 0.6, 0.9]]),
                                      a([1.0, 0.5, 0.7, 0.0, -1.0]),
                                      a([0.0, 0.5, 0.6, 1.0, 1.0]))),
        lambda x, lo, hi: torch_or_ember(x).clamp(x, lo, hi), gradcheck=False),
    row("clamp_tensor_bounds_smooth", fixed((a([[0.1, 0.9, 0.3], [-1.3, 1.7, 0.55]]),
                                             a([0.2, 0.0, 0.4]), a([0.8, 1.0, 0.5]))),
        lambda x, lo, hi: torch_or_ember(x).clamp(x, lo, hi)),
    row("clamp_min", unary(), lambda x: torch_or_ember(x).clamp_min(x, 0.2)),
    row("clamp_max_tensor", binary(broadcasting=True),
        lambda x, m: torch_or_ember(x).clamp_max(x, m)),
    row("Tensor.clamp_", BOUNDS, lambda x: x.clone().clamp_(-1.0, 1.0), gradcheck=False),
    row("Tensor.clamp_min_", unary(), lambda x: x.clone().clamp_min_(0.3)),
    row("clamp_int", fixed((i64([1, 5, -3]), 0, 3), (i64([1, 2, 3]), 1.5, None),
                           (a([True, False], dtype=bool), 0, 1)),
        lambda x, lo, hi: torch_or_ember(x).clamp(x, lo, hi), grad=False),
    row("clamp_nan", fixed((a([NAN, 0.5, 3.0]),)), lambda x: x.clamp(0.0, 1.0), gradcheck=False),
    # ---------------------------------------------------------------- maximum and friends
    # ties split the gradient in half, as torch
    row("maximum", TIES, gradcheck=False),
    row("maximum_smooth", binary(broadcasting=True), lambda x, y: torch_or_ember(x).maximum(x, y)),
    row("minimum", TIES, gradcheck=False),
    row("minimum_smooth", binary(broadcasting=True), lambda x, y: torch_or_ember(x).minimum(x, y)),
    row("maximum_nan", NAN_PAIRS, lambda x, y: x.maximum(y), gradcheck=False),
    row("maximum_int", fixed((i64([1, 5]), i64([3, 2])), (i64([1, 5]), a([2.5]))),
        lambda x, y: x.maximum(y), grad=False),
    row("fmax", NAN_PAIRS, gradcheck=False),
    row("fmin", NAN_PAIRS, gradcheck=False),
    row("fmax_smooth", binary(), lambda x, y: torch_or_ember(x).fmax(x, y)),
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
    # ---------------------------------------------------------------- comparisons
    *[row(n, fixed((a([1.0, 2.0, NAN, 3.0]), a([1.0, 3.0, NAN, 2.0])),
                   (a([[1.0, 2.0], [3.0, 4.0]]), 2.0),
                   (i64([1, 2, 3]), a([1.0, 2.5, 2.9])),
                   (i64([1, 2, 3]), 2.5),
                   (a([44, 3], dtype=numpy.uint8), 300)), grad=False)
      for n in ("eq", "ne", "lt", "le", "gt", "ge")],
    *[row(n, fixed((a([1.0, 2.0, 3.0]), a([2.0, 2.0, 2.0]))), grad=False)
      for n in ("not_equal", "less", "less_equal", "greater", "greater_equal")],
    row("Tensor.__lt__", BIN, lambda x, y: x < y, grad=False),
    row("Tensor.__eq__", fixed((i64([1, 2, 3]), i64([3, 2, 1]))), lambda x, y: x == y,
        grad=False),
    row("isclose", fixed((a([1.0, 2.0, NAN, INF, 1.0]), a([1.000001, 2.1, NAN, INF, -INF])),
                         ((a([1.0, NAN]), a([1.0, NAN])), {"equal_nan": True}),
                         ((a([1.0, 2.0]), a([1.05, 2.5])), {"rtol": 0.1, "atol": 0.0}),
                         (i64([1, 2, 3]), i64([1, 3, 3]))), grad=False),
    row("allclose", fixed((a([1.0, 2.0]), a([1.0, 2.000001])), (a([1.0, 2.0]), a([1.0, 2.1])),
                          (a([1.0, 2.0]), a(1.0))), grad=False),
    row("equal", fixed((i64([1, 2]), a([1.0, 2.0])), (i64([1, 2]), i64([1, 2, 3])),
                       (a([1.0, NAN]), a([1.0, NAN]))), grad=False),
    # ---------------------------------------------------------------- logic and bits
    row("logical_and", LOGIC, grad=False),
    row("logical_or", LOGIC, grad=False),
    row("logical_xor", LOGIC, grad=False),
    row("logical_not", fixed((a([1.0, 0.0, NAN]),), (i64([0, 3]),)), grad=False),
    row("Tensor.logical_not_", fixed((a([True, False], dtype=bool),)),
        lambda x: x.clone().logical_not_(), grad=False),
    *[row(n, fixed((i64([12, -7, 0]), i64([10, 3, 5])), (a([True, False], dtype=bool),
                                                       a([True, True], dtype=bool)),
                   (a([200, 7], dtype=numpy.uint8), a([1, 300], dtype=numpy.int16)),
                   (i64([12, -7]), True), (a([True, False], dtype=bool), i64([3, 2]))),
          grad=False) for n in ("bitwise_and", "bitwise_or", "bitwise_xor")],
    row("Tensor.__and__", fixed((a([True, False], dtype=bool), a([True, True], dtype=bool))),
        lambda x, y: x & y, grad=False),
    row("Tensor.__or__", fixed((i64([1, 2]), i64([4, 2]))), lambda x, y: x | y, grad=False),
    row("Tensor.__xor__", fixed((i64([1, 2]), 3)), lambda x, y: x ^ y, grad=False),
    row("Tensor.bitwise_and_", fixed((i64([5, 6]), i64([3, 3]))),
        lambda x, y: x.clone().bitwise_and_(y), grad=False),
    row("bitwise_not", fixed((i64([0, -1, 5]),), (a([True, False], dtype=bool),),
                             (a([0, 200], dtype=numpy.uint8),)), grad=False),
    row("Tensor.__invert__", fixed((a([True, False], dtype=bool),)), lambda x: ~x, grad=False),
    row("bitwise_left_shift", SHIFTS, grad=False),
    row("bitwise_right_shift", SHIFTS, grad=False),
    row("Tensor.__lshift__", fixed((i64([1, 3]), 2)), lambda x, s: x << s, grad=False),
    row("Tensor.__rshift__", fixed((i64([-8, 9]), 1)), lambda x, s: x >> s, grad=False),
    # ---------------------------------------------------------------- classification
    *[row(n, WITH_SPECIALS, grad=False) for n in ("isnan", "isinf", "isfinite", "isposinf",
                                                 "isneginf", "isreal")],
    row("isnan_int", INT_UNARY, lambda x: torch_or_ember(x).isnan(x) | x.isinf(), grad=False),
    # the gradient flows only where the input was finite
    row("nan_to_num", WITH_SPECIALS, gradcheck=False),
    OpSpec("nan_to_num_values", lambda x: ember.nan_to_num(x, 1.5, 2.0, -3.0),
           lambda x: torch.nan_to_num(x, 1.5, 2.0, -3.0), WITH_SPECIALS, gradcheck=False),
    row("nan_to_num_smooth", unary(), lambda x: x.nan_to_num(posinf=9.0)),
    row("Tensor.nan_to_num_", WITH_SPECIALS, lambda x: x.clone().nan_to_num_(),
        gradcheck=False),
    row("nan_to_num_float64", WITH_SPECIALS, dtypes=("float64",), grad=False),
    row("conj", unary()),  # identity for real input
    row("real", unary()),
    row("complex_parts", fixed((a([1 + 2j, 3 - 1j, -0.5j], dtype=numpy.complex128),)),
        lambda z: (torch_or_ember(z).real(z), torch_or_ember(z).imag(z), z.abs(), z.isreal(),
                   z * z, z.real.isreal()), grad=False),
    # ---------------------------------------------------------------- more in-place forms
    *[row(f"Tensor.{name}_", samples, (lambda n: lambda x: getattr(x.clone(), n + "_")())(name),
          **kw)
      for name, samples, kw in (("expm1", unary(), {}), ("log1p", POS, {}), ("rsqrt", POS, {}),
                                ("square", unary(), {}), ("cos", unary(), {}),
                                ("ceil", ROUNDING, {"gradcheck": False}),
                                ("trunc", ROUNDING, {"gradcheck": False}),
                                ("sign", unary(), {}))],
    row("Tensor.remainder_", DIVISOR, lambda x, y: x.clone().remainder_(y)),
    row("Tensor.atan2_", binary(), lambda x, y: x.clone().atan2_(y)),
    row("Tensor.arcsinh_", unary(), lambda x: x.clone().arcsinh_(), grad=False),  # torch: no grad
    row("Tensor.xlogy_", binary(other_low=0.2, other_high=3), lambda x, y: x.clone().xlogy_(y)),
    row("Tensor.float_power_", POS, lambda x: x.clone().float_power_(1.5), dtypes=("float64",)),
    row("Tensor.sinc", unary(low=0.1, high=2), lambda x: x.sinc()),
    row("Tensor.deg2rad_", unary(), lambda x: x.clone().deg2rad_()),
    row("Tensor.logit_", unary(low=0.1, high=0.9), lambda x: x.clone().logit_(0.2)),
    row("Tensor.logaddexp2", binary(), lambda x, y: x.logaddexp2(y)),
    row("Tensor.lt_", fixed((a([1.0, 2.0, 3.0]), a([2.0, 2.0, 2.0])), (i64([1, 2]), 1.5)),
        lambda x, y: x.clone().lt_(y), grad=False),
    row("Tensor.eq_", fixed((i64([1, 2]), i64([1, 3]))), lambda x, y: x.clone().eq_(y),
        grad=False),
    row("Tensor.logical_and_", fixed((i64([1, 0, 2]), a([1.0, 1.0, 0.0]))),
        lambda x, y: x.clone().logical_and_(y), grad=False),
    row("Tensor.bitwise_left_shift_", SHIFTS, lambda x, y: x.clone().bitwise_left_shift_(y),
        grad=False),
    row("Tensor.bitwise_not_", fixed((i64([0, 5]),)), lambda x: x.clone().bitwise_not_(),
        grad=False),
    row("Tensor.real_imag", fixed((a([1 + 2j, -3j], dtype=numpy.complex128),)),
        lambda z: (z.real, z.imag, z.real.positive()), grad=False),
    row("Tensor.clamp_max_", unary(), lambda x: x.clone().clamp_max_(0.5)),
    row("Tensor.floor_divide_", INT_DIV, lambda x, y: x.clone().floor_divide_(y), grad=False),
    row("Tensor.bitwise_or_", fixed((i64([5, 6]), i64([3, 8]))),
        lambda x, y: x.clone().bitwise_or_(y), grad=False),
    row("Tensor.logical_not_float", fixed((a([1.0, 0.0, NAN]),)),
        lambda x: x.clone().logical_not_(), grad=False),
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
