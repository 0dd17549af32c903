"""Op table rows for indexing: [] and []=, gather/scatter, index_*, masked_*, take, nonzero.

Index arrays are int64 NumPy arrays (they become integer tensors without grad); repeated
indices are there on purpose wherever gradients must accumulate.
"""
import numpy
import torch

import ember

from ._spec import OpSpec, SampleInput, fixed, rand

I = numpy.int64


def ix(*values):
    return numpy.array(values, dtype=I)


def _set(x, index, value):
    x[index] = value
    return x


def one(*shapes, low=-2.0, high=2.0):
    """One sample per shape: a single random float array."""
    def make(rng):
        return [SampleInput((rand(rng, s, low, high),)) for s in shapes]
    return make


def x_and(shape, *more, low=-2.0, high=2.0, **kwargs):
    """x of `shape`, then for each of `more`: a float array (given a shape tuple) or the
    value itself (index arrays, masks, numbers)."""
    def make(rng):
        args = [rand(rng, shape, low, high)]
        for m in more:
            args.append(rand(rng, m, low, high) if isinstance(m, tuple) else m)
        return [SampleInput(tuple(args), kwargs)]
    return make


MASK_34 = numpy.array([[True, False, True, False], [False, False, True, True],
                       [True, True, False, False]])
MASK_4 = numpy.array([False, True, True, False])

# values with ties: amax/amin gradients split between equal entries
TIES_SELF = numpy.array([[1.0, 2.0, 0.5, -1.0], [0.0, 3.0, 3.0, 1.0]])
TIES_SRC = numpy.array([[1.0, 2.0, 0.5], [3.0, -2.0, 3.0]])
TIES_INDEX = ix([0, 0, 2], [1, 2, 1])


def _ties(rng):
    return [SampleInput((TIES_SELF.copy(), 1, TIES_INDEX, TIES_SRC.copy()))]


OPS = [
    # ---------------------------------------------------------------- basic getitem (views)
    OpSpec("getitem_slices_none_step", lambda x: x[1:, None, ::2], lambda x: x[1:, None, ::2],
           one((3, 4, 5))),
    OpSpec("getitem_int", lambda x: x[1], lambda x: x[1], one((3, 4), (5,))),
    OpSpec("getitem_negative_ints", lambda x: x[-1, 2], lambda x: x[-1, 2], one((3, 4))),
    OpSpec("getitem_ellipsis", lambda x: x[..., 1], lambda x: x[..., 1], one((2, 3, 4))),
    OpSpec("getitem_ellipsis_none", lambda x: x[0, ..., None], lambda x: x[0, ..., None],
           one((2, 3, 4))),
    OpSpec("getitem_clamped_slice", lambda x: x[-10:2, 1:100:3], lambda x: x[-10:2, 1:100:3],
           one((3, 7))),
    OpSpec("getitem_scalar_none", lambda x: x[None, ...], lambda x: x[None, ...], one(())),
    OpSpec("getitem_chained", lambda x: x[1][::2][1:], lambda x: x[1][::2][1:], one((3, 6))),
    # ---------------------------------------------------------------- advanced getitem
    OpSpec("getitem_int_array_repeats", lambda x, i: x[i], lambda x, i: x[i],
           x_and((3, 4), ix(2, 0, 2, 2))),
    OpSpec("getitem_2d_int_array", lambda x, i: x[i], lambda x, i: x[i],
           x_and((4, 3), numpy.array([[0, 3], [3, 1]], dtype=I))),
    OpSpec("getitem_negative_array", lambda x, i: x[:, i], lambda x, i: x[:, i],
           x_and((3, 4), ix(-1, 0, -4))),
    OpSpec("getitem_broadcast_arrays", lambda x, i, j: x[i, j], lambda x, i, j: x[i, j],
           x_and((3, 4), numpy.array([[0], [2]], dtype=I), ix(1, 1, 3))),
    OpSpec("getitem_arrays_split_by_slice", lambda x, i, j: x[i, :, j],
           lambda x, i, j: x[i, :, j], x_and((3, 4, 5), ix(0, 2, 0), ix(4, 1, 4))),
    OpSpec("getitem_arrays_adjacent", lambda x, i, j: x[:, i, j], lambda x, i, j: x[:, i, j],
           x_and((2, 3, 4), ix(0, 2, 2), ix(3, 1, 3))),
    OpSpec("getitem_int_then_array", lambda x, i: x[0, :, i], lambda x, i: x[0, :, i],
           x_and((3, 4, 5), ix(1, 2, 1))),
    OpSpec("getitem_none_array_slice", lambda x, i: x[None, i, 1:3],
           lambda x, i: x[None, i, 1:3], x_and((3, 4), ix(2, 2, 0))),
    OpSpec("getitem_list", lambda x: x[[0, 2, 2]], lambda x: x[[0, 2, 2]], one((3, 4))),
    OpSpec("getitem_list_and_int", lambda x: x[1, [0, 0, 3]], lambda x: x[1, [0, 0, 3]],
           one((3, 4))),
    OpSpec("getitem_zero_dim_tensor", lambda x, i: x[i, 1:], lambda x, i: x[i, 1:],
           x_and((3, 4), numpy.array(2, dtype=I))),
    # gradgrad=False: ember's gradgradcheck builds a (0, 0) numerical Jacobian for an empty
    # grad_output where the analytical one is (12, 0) (gradcheck.py, _numerical_jacobian)
    OpSpec("getitem_empty_array", lambda x, i: x[i], lambda x, i: x[i],
           x_and((3, 4), numpy.zeros(0, dtype=I)), gradgrad=False),
    OpSpec("getitem_bool_mask", lambda x, m: x[m], lambda x, m: x[m], x_and((3, 4), MASK_34)),
    OpSpec("getitem_bool_mask_inner", lambda x, m: x[:, m], lambda x, m: x[:, m],
           x_and((2, 4, 3), MASK_4)),
    OpSpec("getitem_mask_and_array", lambda x, m, i: x[m, i], lambda x, m, i: x[m, i],
           x_and((4, 3), MASK_4, ix(2, 0))),
    OpSpec("getitem_python_bool", lambda x: x[True], lambda x: x[True], one((2, 3))),
    OpSpec("getitem_python_bool_false", lambda x: x[1, False], lambda x: x[1, False],
           one((2, 3)), gradgrad=False),  # empty output: see getitem_empty_array
    OpSpec("getitem_bool_list", lambda x: x[[True, False, True]],
           lambda x: x[[True, False, True]], one((3, 2))),
    # ---------------------------------------------------------------- setitem
    OpSpec("setitem_basic", lambda x, v: _set(x.clone(), (0, slice(1, 3)), v),
           lambda x, v: _set(x.clone(), (0, slice(1, 3)), v), x_and((3, 4), (2,))),
    OpSpec("setitem_basic_number", lambda x: _set(x.clone(), (slice(None), 1), 2.5),
           lambda x: _set(x.clone(), (slice(None), 1), 2.5), one((3, 4))),
    OpSpec("setitem_leading_ones", lambda x, v: _set(x.clone(), 1, v),
           lambda x, v: _set(x.clone(), 1, v), x_and((3, 4), (1, 1, 4))),
    OpSpec("setitem_int_array", lambda x, i, v: _set(x.clone(), i, v),
           lambda x, i, v: _set(x.clone(), i, v), x_and((3, 4), ix(2, 0), (4,))),
    OpSpec("setitem_int_and_array", lambda x, i, v: _set(x.clone(), (1, i), v),
           lambda x, i, v: _set(x.clone(), (1, i), v), x_and((3, 4), ix(3, 0), (2,))),
    OpSpec("setitem_arrays_split", lambda x, i, j, v: _set(x.clone(), (i, slice(None), j), v),
           lambda x, i, j, v: _set(x.clone(), (i, slice(None), j), v),
           x_and((3, 2, 4), ix(0, 2), ix(1, 3), (2, 1))),
    OpSpec("setitem_mask_number", lambda x, m: _set(x.clone(), m, 0.5),
           lambda x, m: _set(x.clone(), m, 0.5), x_and((3, 4), MASK_34)),
    OpSpec("setitem_mask_values", lambda x, m, v: _set(x.clone(), m, v),
           lambda x, m, v: _set(x.clone(), m, v), x_and((3, 4), MASK_34, (6,))),
    OpSpec("setitem_int_tensor", lambda x: _set(x, [0, 2], 7.9), lambda x: _set(x, [0, 2], 7.9),
           fixed((numpy.arange(12, dtype=I).reshape(3, 4),)), grad=False),
    # ---------------------------------------------------------------- gather / scatter
    OpSpec("gather", ember.gather, torch.gather,
           lambda rng: [SampleInput((rand(rng, (3, 4)), 0, ix([0, 2, 2, 1], [1, 1, 0, 0]))),
                        SampleInput((rand(rng, (3, 4)), 1, ix([3, 3], [0, 1]))),
                        SampleInput((rand(rng, (3, 4)), -1, numpy.zeros((1, 0), dtype=I)))]),
    OpSpec("Tensor.gather", lambda x, i: x.gather(1, i), lambda x, i: x.gather(1, i),
           x_and((2, 3, 2), numpy.array([[[2, 0]], [[1, 1]]], dtype=I))),
    OpSpec("scatter_src", ember.scatter, torch.scatter,
           lambda rng: [SampleInput((rand(rng, (3, 4)), 1, ix([3, 0], [1, 2]),
                                     rand(rng, (2, 2))))]),
    OpSpec("scatter_value", lambda x, i: ember.scatter(x, 0, i, value=-1.5),
           lambda x, i: torch.scatter(x, 0, i, value=-1.5), x_and((3, 4), ix([2, 0, 1, 2]))),
    OpSpec("Tensor.scatter_", lambda x, i, s: x.clone().scatter_(0, i, s),
           lambda x, i, s: x.clone().scatter_(0, i, s), x_and((3, 2), ix([2, 0]), (1, 2))),
    OpSpec("scatter_add", ember.scatter_add, torch.scatter_add,
           lambda rng: [SampleInput((rand(rng, (3, 4)), 1, ix([0, 0, 3], [2, 2, 2]),
                                     rand(rng, (2, 3))))]),
    OpSpec("Tensor.scatter_add_", lambda x, i, s: x.clone().scatter_add_(0, i, s),
           lambda x, i, s: x.clone().scatter_add_(0, i, s), x_and((3, 2), ix([1, 1], [1, 0]),
                                                                  (2, 2))),
    OpSpec("scatter_reduce_sum", lambda x, i, s: ember.scatter_reduce(x, 1, i, s, "sum"),
           lambda x, i, s: torch.scatter_reduce(x, 1, i, s, "sum"),
           x_and((2, 4), ix([0, 0, 3], [1, 2, 1]), (2, 3))),
    OpSpec("scatter_reduce_sum_exclude_self",
           lambda x, i, s: ember.scatter_reduce(x, 1, i, s, "sum", include_self=False),
           lambda x, i, s: torch.scatter_reduce(x, 1, i, s, "sum", include_self=False),
           x_and((2, 4), ix([0, 0, 3], [1, 2, 1]), (2, 3))),
    OpSpec("scatter_reduce_prod", lambda x, i, s, inc: ember.scatter_reduce(
        x, 1, i, s, "prod", include_self=inc),
        lambda x, i, s, inc: torch.scatter_reduce(x, 1, i, s, "prod", include_self=inc),
        lambda rng: [SampleInput((rand(rng, (2, 4), 0.5, 2.0), ix([0, 0, 3], [1, 2, 1]),
                                  rand(rng, (2, 3), -2.0, -0.5), inc)) for inc in (True, False)]),
    OpSpec("scatter_reduce_prod_zeros", lambda x, i, s: ember.scatter_reduce(x, 1, i, s, "prod"),
           lambda x, i, s: torch.scatter_reduce(x, 1, i, s, "prod"),
           fixed((numpy.array([[0.0, 2.0, 1.5, -1.0]]), ix([0, 1, 1, 3]),
                  numpy.array([[1.5, 0.0, 3.0, -0.5]])))),
    OpSpec("scatter_reduce_mean", lambda x, i, s, inc: ember.scatter_reduce(
        x, 0, i, s, "mean", include_self=inc),
        lambda x, i, s, inc: torch.scatter_reduce(x, 0, i, s, "mean", include_self=inc),
        lambda rng: [SampleInput((rand(rng, (3, 2)), ix([0, 1], [0, 1], [2, 1]),
                                  rand(rng, (3, 2)), inc)) for inc in (True, False)]),
    OpSpec("scatter_reduce_mean_int", lambda x, i, s: ember.scatter_reduce(x, 1, i, s, "mean"),
           lambda x, i, s: torch.scatter_reduce(x, 1, i, s, "mean"),
           fixed((-numpy.arange(8, dtype=I).reshape(2, 4), ix([0, 1], [2, 0]),
                  ix([3, 4], [5, 6]))), grad=False),
    OpSpec("scatter_reduce_amax", lambda x, i, s, inc: ember.scatter_reduce(
        x, 1, i, s, "amax", include_self=inc),
        lambda x, i, s, inc: torch.scatter_reduce(x, 1, i, s, "amax", include_self=inc),
        lambda rng: [SampleInput((rand(rng, (2, 4)), ix([0, 0, 3], [1, 2, 1]),
                                  rand(rng, (2, 3)), inc)) for inc in (True, False)]),
    # ties: the gradient is split evenly, finite differences cannot see that
    OpSpec("scatter_reduce_amax_ties", lambda x, d, i, s: ember.scatter_reduce(x, d, i, s, "amax"),
           lambda x, d, i, s: torch.scatter_reduce(x, d, i, s, "amax"), _ties, gradcheck=False),
    OpSpec("scatter_reduce_amin_ties", lambda x, d, i, s: ember.scatter_reduce(
        x, d, i, s, "amin", include_self=False),
        lambda x, d, i, s: torch.scatter_reduce(x, d, i, s, "amin", include_self=False), _ties,
        gradcheck=False),
    OpSpec("Tensor.scatter_reduce_", lambda x, i, s: x.clone().scatter_reduce_(0, i, s, "amin"),
           lambda x, i, s: x.clone().scatter_reduce_(0, i, s, "amin"),
           x_and((3, 2), ix([2, 0], [2, 2]), (2, 2))),
    # ---------------------------------------------------------------- index_*
    OpSpec("index_select", ember.index_select, torch.index_select,
           lambda rng: [SampleInput((rand(rng, (3, 4)), 1, ix(3, 0, 3))),
                        SampleInput((rand(rng, (3, 4)), 0, numpy.array(1, dtype=I)))]),
    OpSpec("Tensor.index_select", lambda x, i: x.index_select(0, i),
           lambda x, i: x.index_select(0, i), x_and((3, 2), ix(2, 2, 0, 2))),
    OpSpec("index_add", lambda x, i, s: ember.index_add(x, 0, i, s, alpha=-2.0),
           lambda x, i, s: torch.index_add(x, 0, i, s, alpha=-2.0),
           x_and((3, 4), ix(1, 1, 0), (3, 4))),
    OpSpec("Tensor.index_add_", lambda x, i, s: x.clone().index_add_(1, i, s),
           lambda x, i, s: x.clone().index_add_(1, i, s), x_and((2, 3), ix(2, 2), (2, 2))),
    OpSpec("index_copy", lambda x, i, s: ember.index_copy(x, 1, i, s),
           lambda x, i, s: torch.index_copy(x, 1, i, s), x_and((2, 4), ix(3, 0), (2, 2))),
    OpSpec("Tensor.index_copy_", lambda x, i, s: x.clone().index_copy_(0, i, s),
           lambda x, i, s: x.clone().index_copy_(0, i, s), x_and((3, 2), ix(2, 0), (2, 2))),
    OpSpec("index_fill", lambda x, i: ember.index_fill(x, 1, i, -0.5),
           lambda x, i: torch.index_fill(x, 1, i, -0.5), x_and((2, 4), ix(3, -4))),
    OpSpec("index_fill_tensor_value", lambda x, i, v: ember.index_fill(x, 0, i, v),
           lambda x, i, v: torch.index_fill(x, 0, i, v), x_and((3, 2), ix(0, 2), ())),
    OpSpec("Tensor.index_fill_", lambda x, i: x.clone().index_fill_(0, i, 3.0),
           lambda x, i: x.clone().index_fill_(0, i, 3.0), x_and((3, 2), ix(1))),
    OpSpec("index_put_accumulate", lambda x, i, j, v: ember.index_put(x, (i, j), v, True),
           lambda x, i, j, v: torch.index_put(x, (i, j), v, True),
           x_and((3, 4), ix(0, 2, 0), ix(1, 1, 1), (3,))),
    OpSpec("index_put", lambda x, i, v: ember.index_put(x, (i,), v),
           lambda x, i, v: torch.index_put(x, (i,), v), x_and((3, 4), ix(2, 0), (1, 4))),
    OpSpec("index_put_mask", lambda x, m, v: ember.index_put(x, (m,), v),
           lambda x, m, v: torch.index_put(x, (m,), v), x_and((3, 4), MASK_34, ())),
    OpSpec("Tensor.index_put_", lambda x, i, v: x.clone().index_put_((i,), v, accumulate=True),
           lambda x, i, v: x.clone().index_put_((i,), v, accumulate=True),
           x_and((4,), ix(3, 3, 1), (3,))),
    # ---------------------------------------------------------------- masked_*
    OpSpec("masked_fill", ember.masked_fill, torch.masked_fill,
           lambda rng: [SampleInput((rand(rng, (3, 4)), MASK_34, 1.5)),
                        SampleInput((rand(rng, (3, 4)), MASK_4, -2.0)),
                        SampleInput((rand(rng, (4,)), MASK_34, 0.0))]),
    OpSpec("masked_fill_tensor_value", ember.masked_fill, torch.masked_fill,
           x_and((3, 4), MASK_34, ())),
    OpSpec("masked_fill_int", ember.masked_fill, torch.masked_fill,
           fixed((numpy.arange(4, dtype=I), MASK_4, -1.5)), grad=False),
    OpSpec("Tensor.masked_fill_", lambda x, m: x.clone().masked_fill_(m, 0.25),
           lambda x, m: x.clone().masked_fill_(m, 0.25), x_and((3, 4), MASK_4)),
    OpSpec("Tensor.masked_fill", lambda x, m, v: x.masked_fill(m, v),
           lambda x, m, v: x.masked_fill(m, v), x_and((2, 3, 4), MASK_34, ())),
    OpSpec("masked_select", ember.masked_select, torch.masked_select,
           lambda rng: [SampleInput((rand(rng, (3, 4)), MASK_34)),
                        SampleInput((rand(rng, (4,)), MASK_34)),
                        SampleInput((rand(rng, (3, 4)), numpy.array(True)))]),
    OpSpec("masked_scatter", ember.masked_scatter, torch.masked_scatter,
           lambda rng: [SampleInput((rand(rng, (3, 4)), MASK_34, rand(rng, (2, 4)))),
                        SampleInput((rand(rng, (4,)), MASK_34, rand(rng, (6,))))]),
    OpSpec("Tensor.masked_scatter_", lambda x, m, s: x.clone().masked_scatter_(m, s),
           lambda x, m, s: x.clone().masked_scatter_(m, s), x_and((3, 4), MASK_4, (7,))),
    # ---------------------------------------------------------------- take / nonzero
    OpSpec("take", ember.take, torch.take,
           lambda rng: [SampleInput((rand(rng, (3, 4)), numpy.array([[0, 11], [-1, 0]], dtype=I))),
                        SampleInput((rand(rng, (4, 3)), ix(1, 1, 5))),
                        SampleInput((rand(rng, (5,)), numpy.array(-2, dtype=I)))]),
    OpSpec("Tensor.take", lambda x, i: x.take(i), lambda x, i: x.take(i),
           x_and((2, 3), ix(5, 5, 0))),
    OpSpec("take_along_dim", ember.take_along_dim, torch.take_along_dim,
           lambda rng: [SampleInput((rand(rng, (3, 4)), ix([0, 3], [1, 1], [2, 0]), 1)),
                        SampleInput((rand(rng, (3, 4)), ix([2, 2, 0, 1]), 0)),
                        SampleInput((rand(rng, (3, 4)), ix([0, 3]), 1)),
                        SampleInput((rand(rng, (3, 4)), ix(11, 0, 0)))]),
    # ---------------------------------------------------------------- out-of-place methods
    OpSpec("Tensor.scatter", lambda x, i, s: x.scatter(1, i, s), lambda x, i, s: x.scatter(1, i, s),
           x_and((2, 3), ix([2], [0]), (2, 1))),
    OpSpec("Tensor.scatter_add", lambda x, i, s: x.scatter_add(0, i, s),
           lambda x, i, s: x.scatter_add(0, i, s), x_and((2, 3), ix([1, 1, 1]), (1, 3))),
    OpSpec("Tensor.scatter_reduce", lambda x, i, s: x.scatter_reduce(0, i, s, "mean",
                                                                     include_self=False),
           lambda x, i, s: x.scatter_reduce(0, i, s, "mean", include_self=False),
           x_and((2, 3), ix([1, 1, 0], [1, 0, 0]), (2, 3))),
    OpSpec("Tensor.index_add", lambda x, i, s: x.index_add(0, i, s, alpha=3),
           lambda x, i, s: x.index_add(0, i, s, alpha=3), x_and((2, 3), ix(0, 0, 1), (3, 3))),
    OpSpec("Tensor.index_copy", lambda x, i, s: x.index_copy(1, i, s),
           lambda x, i, s: x.index_copy(1, i, s), x_and((2, 3), ix(2), (2, 1))),
    OpSpec("Tensor.index_fill", lambda x, i: x.index_fill(-1, i, 1.0),
           lambda x, i: x.index_fill(-1, i, 1.0), x_and((2, 3), ix(2, 0))),
    OpSpec("Tensor.index_put", lambda x, m, v: x.index_put((m,), v),
           lambda x, m, v: x.index_put((m,), v), x_and((4, 2), MASK_4, (2,))),
    OpSpec("Tensor.masked_select", lambda x, m: x.masked_select(m),
           lambda x, m: x.masked_select(m), x_and((2, 4), MASK_4)),
    OpSpec("Tensor.masked_scatter", lambda x, m, s: x.masked_scatter(m, s),
           lambda x, m, s: x.masked_scatter(m, s), x_and((3, 4), MASK_34, (3, 3))),
    OpSpec("Tensor.take_along_dim", lambda x, i: x.take_along_dim(i, 0),
           lambda x, i: x.take_along_dim(i, 0), x_and((3, 2), ix([2, 0], [2, 2]))),
    OpSpec("Tensor.argwhere", lambda x: x.argwhere(), lambda x: x.argwhere(),
           fixed((numpy.array([[True, False], [True, True]]),)), grad=False),
    OpSpec("nonzero", ember.nonzero, torch.nonzero,
           fixed((numpy.array([[0.0, 1.5, 0.0], [-2.0, 0.0, 3.0]]),),
                 (numpy.array(3.0),), (numpy.array([True, False, True]),)), grad=False),
    OpSpec("nonzero_as_tuple", lambda x: ember.nonzero(x, as_tuple=True),
           lambda x: torch.nonzero(x, as_tuple=True),
           fixed((numpy.array([[0, 1, 0], [2, 0, 3]], dtype=I),), (numpy.array(0.0),)),
           grad=False),
    OpSpec("argwhere", ember.argwhere, torch.argwhere,
           fixed((numpy.array([[0.0, 1.5], [-2.0, 0.0]]),), (numpy.array(0.0),)), grad=False),
    OpSpec("Tensor.nonzero", lambda x: x.nonzero(), lambda x: x.nonzero(),
           fixed((numpy.array([0.0, 1.5, 0.0, -1.0]),)), grad=False),
]
