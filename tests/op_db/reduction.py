"""Op-table rows for ember/ops/reduction.py.

Rows named *_ties put equal extremes in the samples on purpose: torch splits the gradient
of full max/min/median and amax/amin evenly over ties, and sends the gradient of max(dim),
sort, cummax, ... to the returned index. Finite differences break ties, so those rows skip
gradcheck. Samples for median(dim)/kthvalue/topk avoid ties: which of several equal elements
torch reports there depends on its partial-sort algorithm, not on a documented rule.
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
    # ---- median / mode / kthvalue
    OpSpec("median_ties", ember.median, torch.median,
           fixed((a([1.0, 3.0, 3.0], [2.0, 2.0, 0.0]),)), gradcheck=False),  # even split
    OpSpec("median", ember.median, torch.median, unary()),
    OpSpec("median_dim", lambda x: x.median(1), lambda x: x.median(1), unary(shapes=M34), **TUPLE),
    OpSpec("median_dim_nan", lambda x: ember.median(x, -1, True),
           lambda x: torch.median(x, -1, True), fixed((a([1.0, NAN, 2.0], [0.5, -1.0, 3.0]),)),
           gradcheck=False),  # finite differences of NaN are NaN
    OpSpec("nanmedian", ember.nanmedian, torch.nanmedian,
           fixed((a([1.0, NAN, 2.0, 3.0, 0.5]),))),
    OpSpec("nanmedian_dim", lambda x: x.nanmedian(1), lambda x: x.nanmedian(1),
           fixed((a([1.0, NAN, 2.0, 3.0], [4.0, -1.0, NAN, NAN]),)), **TUPLE),
    OpSpec("mode", lambda x: ember.mode(x, 1), lambda x: torch.mode(x, 1),
           fixed((a([1.0, 3.0, 3.0, 1.0, 2.0], [2.0, 2.0, 0.0, 2.0, 0.0],
                    [5.0, 4.0, 3.0, 2.0, 1.0]),)), gradcheck=False),
    OpSpec("mode_int", lambda x: x.mode(0, keepdim=True), lambda x: x.mode(0, keepdim=True),
           INTS, grad=False),
    OpSpec("kthvalue", lambda x: ember.kthvalue(x, 2, 1), lambda x: torch.kthvalue(x, 2, 1),
           unary(shapes=M34), **TUPLE),
    OpSpec("kthvalue_keepdim", lambda x: x.kthvalue(3, 0, True),
           lambda x: x.kthvalue(3, 0, True), unary(shapes=M34), **TUPLE),
    # ---- sort / argsort / msort / topk
    OpSpec("sort", lambda x: ember.sort(x, 1), lambda x: torch.sort(x, 1), unary(shapes=M34),
           **TUPLE),
    OpSpec("sort_ties_stable", lambda x: ember.sort(x, stable=True),
           lambda x: torch.sort(x, stable=True),
           fixed((a([1.0, 3.0, 3.0, 1.0, NAN, 0.0, 3.0]),)), gradcheck=False),
    OpSpec("sort_descending", lambda x: x.sort(0, True), lambda x: x.sort(0, True),
           fixed((a([1.0, 3.0, 3.0, 1.0, NAN, 0.0, 3.0, NAN]),)), gradcheck=False),
    OpSpec("sort_desc_random", lambda x: x.sort(-1, descending=True),
           lambda x: x.sort(-1, descending=True), unary(shapes=M234), **TUPLE),
    OpSpec("argsort", lambda x: ember.argsort(x, 0, True), lambda x: torch.argsort(x, 0, True),
           fixed((a([[1.0, 2.0], [3.0, 2.0], [1.0, 0.0]]),)), grad=False),
    OpSpec("msort", ember.msort, torch.msort, unary(shapes=M34)),
    OpSpec("topk", lambda x: ember.topk(x, 2), lambda x: torch.topk(x, 2), unary(shapes=M34),
           **TUPLE),
    OpSpec("topk_smallest", lambda x: x.topk(3, 0, largest=False),
           lambda x: x.topk(3, 0, largest=False), unary(shapes=((4, 3),)), **TUPLE),
    OpSpec("topk_int", lambda x: x.topk(2), lambda x: x.topk(2),
           fixed((a([3, -1, 4, 0], dtype=numpy.int64),)), grad=False),
    # ---- second derivatives of the selections (values only: see TUPLE)
    OpSpec("max_dim.values", lambda x: x.max(1).values, lambda x: x.max(1).values,
           unary(shapes=M34)),
    OpSpec("min_dim.values", lambda x: x.min(0, True).values, lambda x: x.min(0, True).values,
           unary(shapes=M34)),
    OpSpec("cummax.values", lambda x: x.cummax(1).values, lambda x: x.cummax(1).values,
           unary(shapes=M34)),
    OpSpec("cummin.values", lambda x: x.cummin(0).values, lambda x: x.cummin(0).values,
           unary(shapes=M34)),
    OpSpec("median_dim.values", lambda x: x.median(0).values, lambda x: x.median(0).values,
           unary(shapes=M34)),
    OpSpec("kthvalue.values", lambda x: x.kthvalue(2, 1).values,
           lambda x: x.kthvalue(2, 1).values, unary(shapes=M34)),
    OpSpec("sort.values", lambda x: x.sort(-1, True).values, lambda x: x.sort(-1, True).values,
           unary(shapes=M34)),
    OpSpec("topk.values", lambda x: x.topk(2, 0).values, lambda x: x.topk(2, 0).values,
           unary(shapes=M34)),
    OpSpec("aminmax.max", lambda x: x.aminmax(dim=1).max, lambda x: x.aminmax(dim=1).max,
           unary(shapes=M34)),
    # ---- unique / counting / histograms / diff (no gradients)
    OpSpec("unique", ember.unique, torch.unique,
           fixed((a([3.0, 1.0, 2.0, 3.0, 1.0, NAN, NAN]),), ((a([[3, 1], [1, 2]],
                                                               dtype=numpy.int64),),
                                                            {"return_inverse": True,
                                                             "return_counts": True})),
           grad=False),
    OpSpec("unique_dim", lambda x: x.unique(dim=0, return_inverse=True, return_counts=True),
           lambda x: x.unique(dim=0, return_inverse=True, return_counts=True),
           fixed((a([[1, 2], [1, 2], [0, 5], [-1, 3]], dtype=numpy.int64),)), grad=False),
    OpSpec("unique_consecutive", ember.unique_consecutive, torch.unique_consecutive,
           fixed(((a([1, 1, 2, 2, 3, 1, 1, 2], dtype=numpy.int64),),
                  {"return_inverse": True, "return_counts": True}),
                 ((a([[1, 1], [1, 1], [2, 3], [1, 1]], dtype=numpy.int64),),
                  {"return_counts": True, "dim": 0})), grad=False),
    OpSpec("bincount", ember.bincount, torch.bincount,
           fixed((a([1, 3, 1, 0], dtype=numpy.int64),),
                 ((a([1, 3, 1], dtype=numpy.int64), a([0.5, 1.0, 2.0], dtype=numpy.float32)),
                  {"minlength": 6}),
                 (a([2, 0], dtype=numpy.int64), a([1.0, 2.0]))), grad=False),
    OpSpec("histc", lambda x: ember.histc(x, 5), lambda x: torch.histc(x, 5), unary(), grad=False),
    OpSpec("histc_range", lambda x: x.histc(4, -1, 1), lambda x: x.histc(4, -1, 1), unary(),
           grad=False),
    OpSpec("diff", ember.diff, torch.diff, unary(shapes=((3, 4), (5,)))),
    OpSpec("diff_n_dim", lambda x: x.diff(2, 1), lambda x: x.diff(2, 1), unary(shapes=M234)),
    OpSpec("diff_bool", ember.diff, torch.diff, BOOLS, grad=False),
    OpSpec("diff_prepend_append", lambda x, p, q: ember.diff(x, 2, 0, p, q),
           lambda x, p, q: torch.diff(x, 2, 0, p, q),
           fixed((a([1.0, 4.0], [9.0, 16.0]), a([[0.5, -1.0]]), a([2.0, 3.0], [0.0, 1.0])))),
    OpSpec("max_binary", ember.max, torch.max, binary()),  # max(input, other) is maximum
    OpSpec("Tensor.min_binary", lambda x, y: x.min(y), lambda x, y: x.min(y),
           binary(broadcasting=False)),
]
