"""Op-table rows for ember/ops/unary.py: neg, abs, sign, reciprocal, square, the exp/log
family, sqrt/rsqrt, sigmoid/logit/relu, the erf family, rounding, nan_to_num, complex parts.

Rows on a kink (abs and relu at 0, sqrt at 0) or on the jumps of the rounding functions
skip gradcheck; a second row off the kinks covers it.
"""
import numpy
import torch

import ember

from ._spec import OpSpec, fixed, unary
from .elementwise import INF, INT_UNARY, POS, WITH_SPECIALS, a, i64, row, torch_or_ember


# halves (round to even) and integers: the jumps themselves, so rows using it skip gradcheck
# (the gradient is 0 everywhere and the torch comparison checks it)
ROUNDING = unary(low=-3, high=3, include=[0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.0, 2.0])


OPS = [
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
    # ---------------------------------------------------------------- reciprocal, square
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
    # ---------------------------------------------------------------- nan_to_num, complex parts
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
                                ("square", unary(), {}),
                                ("ceil", ROUNDING, {"gradcheck": False}),
                                ("trunc", ROUNDING, {"gradcheck": False}),
                                ("sign", unary(), {}))],
    row("Tensor.logit_", unary(low=0.1, high=0.9), lambda x: x.clone().logit_(0.2)),
    row("Tensor.real_imag", fixed((a([1 + 2j, -3j], dtype=numpy.complex128),)),
        lambda z: (z.real, z.imag, z.real.positive()), grad=False),
]
