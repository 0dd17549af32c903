"""Op-table rows for ember/ops/sorting.py: sorting, selections, unique, counting.

Samples for median(dim)/kthvalue/topk avoid ties: which of several equal elements torch
reports there depends on its partial-sort algorithm, not on a documented rule. Rows with
ties (full median, mode, stable sort) skip gradcheck: finite differences break ties.
"""
import numpy
import torch

import ember

from ._spec import OpSpec, fixed, unary
from .reduction import INTS, M34, M234, NAN, TUPLE, a

OPS = [
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
    OpSpec("median_dim.values", lambda x: x.median(0).values, lambda x: x.median(0).values,
           unary(shapes=M34)),
    OpSpec("kthvalue.values", lambda x: x.kthvalue(2, 1).values,
           lambda x: x.kthvalue(2, 1).values, unary(shapes=M34)),
    OpSpec("sort.values", lambda x: x.sort(-1, True).values, lambda x: x.sort(-1, True).values,
           unary(shapes=M34)),
    OpSpec("topk.values", lambda x: x.topk(2, 0).values, lambda x: x.topk(2, 0).values,
           unary(shapes=M34)),
    # ---- unique / counting / histograms (no gradients)
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
]
