"""Op-table rows for ember/ops/clamping.py: clamp/clip/clamp_min/clamp_max, maximum,
minimum, fmax and fmin, with samples on the bounds, on ties and on nan.

Rows on the bounds or on ties check torch's subgradient there and skip gradcheck; the
*_smooth rows cover gradcheck and gradgradcheck off the kinks.
"""
import torch

import ember

from ._spec import OpSpec, binary, fixed, unary
from .elementwise import NAN, a, i64, row, torch_or_ember


BOUNDS = unary(low=-2, high=2, include=[-1.0, 1.0, 0.0, 1.5, -1.5])  # clamp(-1, 1) bounds
TIES = fixed((a([[1.0, 2.0, 3.0, -0.5], [2.0, 0.0, -1.0, 4.0]]),
              a([[1.0, 3.0, 2.0, -0.5], [2.0, 1.0, -1.0, 3.0]])))
NAN_PAIRS = fixed((a([1.0, 2.0, 3.0, NAN, NAN, 2.0]), a([1.0, 3.0, NAN, 1.0, NAN, 2.0])))


OPS = [
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
    # ---------------------------------------------------------------- more in-place forms
    row("Tensor.clamp_max_", unary(), lambda x: x.clone().clamp_max_(0.5)),
]
