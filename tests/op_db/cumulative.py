"""Op-table rows for ember/ops/cumulative.py: scans and diff.

cummax/cummin send the gradient to the returned index (the latest of equal running extremes);
their *_ties rows skip gradcheck because finite differences break ties.
"""
import torch

import ember

from ._spec import OpSpec, fixed, unary
from .reduction import BOOLS, INTS, M34, M234, NAN, ONE_ZERO, TUPLE, TWO_ZEROS, a

OPS = [
    # ---- scans
    OpSpec("cumsum", lambda x: ember.cumsum(x, 0), lambda x: torch.cumsum(x, 0), unary()),
    OpSpec("Tensor.cumsum", lambda x: x.cumsum(-1), lambda x: x.cumsum(-1), unary(shapes=M234)),
    OpSpec("cumsum_int", lambda x: ember.cumsum(x, 0), lambda x: torch.cumsum(x, 0), INTS,
           grad=False),
    OpSpec("cumsum_dtype", lambda x: x.cumsum(1, dtype=ember.float64),
           lambda x: x.cumsum(1, dtype=torch.float64), unary(shapes=M34)),
    OpSpec("cumprod", lambda x: ember.cumprod(x, 1), lambda x: torch.cumprod(x, 1),
           unary(low=0.5, high=1.5, shapes=M34)),
    OpSpec("cumprod_one_zero", lambda x: x.cumprod(1), lambda x: x.cumprod(1), ONE_ZERO),
    OpSpec("cumprod_two_zeros", lambda x: x.cumprod(-1), lambda x: x.cumprod(-1), TWO_ZEROS),
    OpSpec("cumprod_int", lambda x: x.cumprod(0), lambda x: x.cumprod(0), BOOLS, grad=False),
    OpSpec("cummax", lambda x: ember.cummax(x, 1), lambda x: torch.cummax(x, 1),
           unary(shapes=M34), **TUPLE),
    OpSpec("cummax_ties", lambda x: x.cummax(0), lambda x: x.cummax(0),
           fixed((a([1.0, 3.0, 3.0, 2.0, 3.0, NAN, 4.0, NAN]),)), gradcheck=False),
    OpSpec("cummin", lambda x: ember.cummin(x, 0), lambda x: torch.cummin(x, 0),
           unary(shapes=M34), **TUPLE),
    OpSpec("cummin_ties", lambda x: x.cummin(-1), lambda x: x.cummin(-1),
           fixed((a([3.0, 1.0, 1.0, 2.0, 1.0], [0.0, 0.0, -1.0, -1.0, 5.0]),)), gradcheck=False),
    OpSpec("logcumsumexp", lambda x: ember.logcumsumexp(x, 1),
           lambda x: torch.logcumsumexp(x, 1), unary(low=-5, high=5, shapes=M34)),
    OpSpec("logcumsumexp_wide", lambda x: x.logcumsumexp(0), lambda x: x.logcumsumexp(0),
           fixed((a([-200.0, 0.0, 150.0, -3.0, 100.0]),))),  # exp alone would overflow
    # ---- second derivatives of the selections (values only: see TUPLE)
    OpSpec("cummax.values", lambda x: x.cummax(1).values, lambda x: x.cummax(1).values,
           unary(shapes=M34)),
    OpSpec("cummin.values", lambda x: x.cummin(0).values, lambda x: x.cummin(0).values,
           unary(shapes=M34)),
    # ---- diff
    OpSpec("diff", ember.diff, torch.diff, unary(shapes=((3, 4), (5,)))),
    OpSpec("diff_n_dim", lambda x: x.diff(2, 1), lambda x: x.diff(2, 1), unary(shapes=M234)),
    OpSpec("diff_bool", ember.diff, torch.diff, BOOLS, grad=False),
    OpSpec("diff_prepend_append", lambda x, p, q: ember.diff(x, 2, 0, p, q),
           lambda x, p, q: torch.diff(x, 2, 0, p, q),
           fixed((a([1.0, 4.0], [9.0, 16.0]), a([[0.5, -1.0]]), a([2.0, 3.0], [0.0, 1.0])))),
]
