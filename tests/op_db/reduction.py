"""Op-table rows for ember/ops/reduction.py. The sample sets and TUPLE defined here serve
the rows of cumulative.py and sorting.py too.

Rows named *_ties put equal extremes in the samples on purpose: torch splits the gradient
of full max/min/median and amax/amin evenly over ties, and sends the gradient of max(dim),
sort, cummax, ... to the returned index. Finite differences break ties, so those rows skip
gradcheck.
"""
import numpy
import torch

import ember

from ._spec import OpSpec, binary, fixed, unary

NAN, INF = float("nan"), float("inf")
M34 = ((3, 4),)
M234 = ((2, 3, 4),)


def a(*rows, dtype=numpy.float64):
    return numpy.array(rows if len(rows) > 1 else rows[0], dtype=dtype)


INTS = fixed((a([3, -1, 4], [1, 5, -9], dtype=numpy.int32),),
             (a([7, 2, 2, 0], dtype=numpy.int64),))
BOOLS = fixed((a([True, False, True], [True, True, True], dtype=bool),))
UINT8 = fixed((a([200, 0, 7], [1, 2, 3], dtype=numpy.uint8),))
WITH_NAN = unary(include=[NAN, 0.5, NAN], shapes=((3, 4), (5,)))
ONE_ZERO = fixed((a([1.5, 0.0, -2.0, 0.7], [0.5, 1.2, -1.1, 2.0]),))
TWO_ZEROS = fixed((a([1.5, 0.0, -2.0, 0.0, 0.7], [0.0, 1.2, 0.0, 0.0, 2.0]),))
MAX_TIES = unary(low=-1, high=1, include=[2.0, 2.0, 0.3, 2.0], shapes=M34)
MIN_TIES = unary(low=-1, high=1, include=[-2.0, -2.0, 0.3, -2.0], shapes=M34)
ZERO_ROW = fixed((a([0.0, 0.0, 0.0], [1.0, -2.0, 2.0]),))
# Rows returning (values, int64 indices) skip gradgradcheck: ember's gradgradcheck makes a
# grad_output that requires grad for every output, which an int64 tensor cannot (torch only
# does so for outputs that require grad). A `.values` row checks each one's second derivative.
TUPLE = dict(gradgrad=False)



OPS = [
    # ---- sums and means
    OpSpec("sum", ember.sum, torch.sum, unary()),
    OpSpec("sum_dim", ember.sum, torch.sum, unary(shapes=M34, dim=1, keepdim=True)),
    OpSpec("sum_neg_dims", ember.sum, torch.sum, unary(shapes=M234, dim=(-1, 0))),
    OpSpec("sum_dtype", lambda x: ember.sum(x, 1, dtype=ember.float64),
           lambda x: torch.sum(x, 1, dtype=torch.float64), unary(shapes=M34)),
    OpSpec("sum_int", ember.sum, torch.sum, INTS, grad=False),  # ints and bools sum as int64
    OpSpec("sum_bool", lambda x: ember.sum(x, 0), lambda x: torch.sum(x, 0), BOOLS, grad=False),
    OpSpec("Tensor.sum", lambda x: x.sum(-1, keepdim=True), lambda x: x.sum(-1, keepdim=True),
           unary(shapes=M234)),
    OpSpec("nansum", ember.nansum, torch.nansum, WITH_NAN),
    OpSpec("nansum_dim", lambda x: x.nansum(1), lambda x: x.nansum(1),
           unary(include=[NAN], shapes=M34)),
    OpSpec("mean", ember.mean, torch.mean, unary()),
    OpSpec("mean_dims", ember.mean, torch.mean, unary(shapes=M234, dim=(0, 2))),
    OpSpec("Tensor.mean", lambda x: x.mean(-2, True), lambda x: x.mean(-2, True),
           unary(shapes=M234)),
    OpSpec("mean_int_dtype", lambda x: ember.mean(x, dtype=ember.float64),
           lambda x: torch.mean(x, dtype=torch.float64), INTS, grad=False),
    OpSpec("nanmean", ember.nanmean, torch.nanmean, WITH_NAN),
    OpSpec("nanmean_dim", lambda x: x.nanmean(0, keepdim=True),
           lambda x: x.nanmean(0, keepdim=True), unary(include=[NAN, NAN, NAN], shapes=M34)),
    # ---- products (exact with zeros: the gradient at a zero is the product of the others)
    OpSpec("prod", ember.prod, torch.prod, unary(low=0.5, high=1.5)),
    OpSpec("prod_dim", ember.prod, torch.prod, unary(shapes=M234, dim=-2, keepdim=True)),
    OpSpec("prod_one_zero", ember.prod, torch.prod, ONE_ZERO),
    OpSpec("prod_one_zero_dim", lambda x: x.prod(1), lambda x: x.prod(1), ONE_ZERO),
    OpSpec("prod_two_zeros", lambda x: x.prod(1), lambda x: x.prod(1), TWO_ZEROS),
    OpSpec("prod_two_zeros_all", ember.prod, torch.prod, TWO_ZEROS),
    OpSpec("prod_int", lambda x: x.prod(0), lambda x: x.prod(0), INTS, grad=False),
    # ---- max / min / amax / amin / aminmax / argmax / argmin
    OpSpec("max", ember.max, torch.max, unary(low=-1, high=1)),
    OpSpec("max_ties", ember.max, torch.max, MAX_TIES, gradcheck=False),  # even split
    OpSpec("max_dim", lambda x: ember.max(x, 1), lambda x: torch.max(x, 1), unary(shapes=M34),
           **TUPLE),
    OpSpec("max_dim_ties", lambda x: x.max(dim=1, keepdim=True),
           lambda x: x.max(dim=1, keepdim=True), MAX_TIES, gradcheck=False),  # to the index
    OpSpec("max_0d", lambda x: ember.max(x, 0), lambda x: torch.max(x, 0),
           unary(shapes=((),)), **TUPLE),
    OpSpec("max_int", lambda x: x.max(-1), lambda x: x.max(-1), INTS, grad=False),
    OpSpec("min", ember.min, torch.min, MIN_TIES, gradcheck=False),
    OpSpec("min_dim", lambda x: x.min(0), lambda x: x.min(0), unary(shapes=M34), **TUPLE),
    OpSpec("min_dim_ties", lambda x: ember.min(x, -1), lambda x: torch.min(x, -1), MIN_TIES,
           gradcheck=False),
    OpSpec("amax", ember.amax, torch.amax, unary(shapes=M234, dim=(0, -1))),
    OpSpec("amax_ties", lambda x: x.amax(1), lambda x: x.amax(1), MAX_TIES, gradcheck=False),
    OpSpec("amin_ties", lambda x: ember.amin(x, 1, keepdim=True),
           lambda x: torch.amin(x, 1, keepdim=True), MIN_TIES, gradcheck=False),
    OpSpec("amin", ember.amin, torch.amin, unary()),
    OpSpec("aminmax", ember.aminmax, torch.aminmax, unary(shapes=M34, dim=0)),
    OpSpec("aminmax_all", lambda x: x.aminmax(), lambda x: x.aminmax(), unary()),
    OpSpec("argmax", ember.argmax, torch.argmax, unary(), grad=False),
    OpSpec("argmax_dim", lambda x: x.argmax(1, keepdim=True), lambda x: x.argmax(1, keepdim=True),
           MAX_TIES, grad=False),  # ties: the first index, as torch
    OpSpec("argmin", lambda x: ember.argmin(x, -1), lambda x: torch.argmin(x, -1), INTS,
           grad=False),
    OpSpec("argmax_keepdim_all", lambda x: ember.argmax(x, keepdim=True),
           lambda x: torch.argmax(x, keepdim=True), unary(shapes=M234), grad=False),
    # ---- var / std
    OpSpec("var", ember.var, torch.var, unary(shapes=((3, 4), (5,)))),
    OpSpec("var_dims", ember.var, torch.var, unary(shapes=M234, dim=(0, -1), keepdim=True)),
    OpSpec("var_unbiased_false", lambda x: ember.var(x, 1, False),
           lambda x: torch.var(x, 1, False), unary(shapes=M34)),
    OpSpec("var_correction", lambda x: x.var(0, correction=2), lambda x: x.var(0, correction=2),
           unary(shapes=M34)),
    OpSpec("std", ember.std, torch.std, unary(shapes=((3, 4), (5,)))),
    OpSpec("std_dim", lambda x: x.std(-1, keepdim=True, correction=0),
           lambda x: x.std(-1, keepdim=True, correction=0), unary(shapes=M234)),
    OpSpec("std_constant_row", lambda x: ember.std(x, 1), lambda x: torch.std(x, 1),
           fixed((a([2.0, 2.0, 2.0], [1.0, -2.0, 2.5]),)), gradcheck=False),  # torch: grad 0
    OpSpec("var_mean", ember.var_mean, torch.var_mean, unary(shapes=M34, dim=1)),
    OpSpec("std_mean", lambda x: ember.std_mean(x, (0, 1), correction=0),
           lambda x: torch.std_mean(x, (0, 1), correction=0), unary(shapes=M234)),
    # ---- logsumexp
    OpSpec("logsumexp", ember.logsumexp, torch.logsumexp, unary(shapes=M34, dim=1)),
    OpSpec("logsumexp_dims", lambda x: x.logsumexp((0, 2), keepdim=True),
           lambda x: x.logsumexp((0, 2), keepdim=True), unary(low=-50, high=50, shapes=M234)),
    OpSpec("logsumexp_inf", lambda x: ember.logsumexp(x, 1), lambda x: torch.logsumexp(x, 1),
           fixed((a([-INF, -INF], [1.0, INF], [0.0, -INF]),)), gradcheck=False),
    OpSpec("logsumexp_int", lambda x: ember.logsumexp(x, 0), lambda x: torch.logsumexp(x, 0),
           INTS, grad=False),
    # ---- norm
    OpSpec("norm", ember.norm, torch.norm, unary()),
    OpSpec("norm_p1", lambda x: ember.norm(x, 1, 1), lambda x: torch.norm(x, 1, 1),
           unary(shapes=M34)),
    OpSpec("norm_p3", lambda x: x.norm(3, (0, 1)), lambda x: x.norm(3, (0, 1)), unary(shapes=M34)),
    OpSpec("norm_p0.5", lambda x: ember.norm(x, 0.5, -1, True),
           lambda x: torch.norm(x, 0.5, -1, True), unary(shapes=M34)),
    OpSpec("norm_p1.5", lambda x: ember.norm(x, 1.5), lambda x: torch.norm(x, 1.5), unary()),
    OpSpec("norm_inf_ties", lambda x: ember.norm(x, INF, 1), lambda x: torch.norm(x, INF, 1),
           unary(low=-1, high=1, include=[2.0, -2.0], shapes=M34), gradcheck=False),
    OpSpec("norm_-inf", lambda x: ember.norm(x, -INF), lambda x: torch.norm(x, -INF), unary()),
    OpSpec("norm_p0", lambda x: ember.norm(x, 0, 1), lambda x: torch.norm(x, 0, 1),
           unary(include=[0.0], shapes=M34), gradcheck=False),
    OpSpec("norm_fro_dims", lambda x: ember.norm(x, "fro", (0, 2)),
           lambda x: torch.norm(x, "fro", (0, 2)), unary(shapes=M234)),
    OpSpec("norm_zero_row", lambda x: ember.norm(x, dim=1), lambda x: torch.norm(x, dim=1),
           ZERO_ROW, gradcheck=False),  # p=2 at 0: gradient 0, as torch
    OpSpec("norm_p3_zero_row", lambda x: ember.norm(x, 3, 1), lambda x: torch.norm(x, 3, 1),
           ZERO_ROW, gradcheck=False),
    # ---- logical reductions
    OpSpec("all", ember.all, torch.all, BOOLS, grad=False),
    OpSpec("all_dim_float", lambda x: x.all(1), lambda x: x.all(1),
           unary(include=[0.0], shapes=M34), grad=False),
    OpSpec("all_uint8", lambda x: ember.all(x, 0), lambda x: torch.all(x, 0), UINT8,
           grad=False),  # uint8 in, uint8 out
    OpSpec("any", lambda x: ember.any(x, 1, keepdim=True), lambda x: torch.any(x, 1, keepdim=True),
           BOOLS, grad=False),
    OpSpec("any_uint8_dims", lambda x: x.any((0, 1)), lambda x: x.any((0, 1)), UINT8,
           grad=False),
    OpSpec("count_nonzero", ember.count_nonzero, torch.count_nonzero,
           fixed((a([0.0, 1.0, 0.0], [2.0, 0.0, 3.0]),), ((a([0.0, 1.0], [2.0, 0.0]),),
                                                          {"dim": (0, 1)})), grad=False),
    # ---- second derivatives of the selections (values only: see TUPLE)
    OpSpec("max_dim.values", lambda x: x.max(1).values, lambda x: x.max(1).values,
           unary(shapes=M34)),
    OpSpec("min_dim.values", lambda x: x.min(0, True).values, lambda x: x.min(0, True).values,
           unary(shapes=M34)),
    OpSpec("aminmax.max", lambda x: x.aminmax(dim=1).max, lambda x: x.aminmax(dim=1).max,
           unary(shapes=M34)),
    OpSpec("max_binary", ember.max, torch.max, binary()),  # max(input, other) is maximum
    OpSpec("Tensor.min_binary", lambda x, y: x.min(y), lambda x, y: x.min(y),
           binary(broadcasting=False)),
]
