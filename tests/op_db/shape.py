"""Op table rows for ember/ops/shape.py: view ops (reshape/view, permutations, squeeze,
broadcasting, narrow/select, diagonal, atleast_nd, as_strided)."""
import numpy
import torch

import ember

from ._spec import OpSpec, SampleInput, rand

INT = ("float32", "int64")  # shape ops move values: check integer tensors keep their dtype


def s(*shapes, **kwargs):
    """Samples of random arrays with the given shapes, each with the same extra args/kwargs."""
    extra = kwargs.pop("args", ())

    def make(rng):
        return [SampleInput((rand(rng, sh),) + tuple(extra), dict(kwargs)) for sh in shapes]
    return make


def each(*samples):
    """Samples written as (shape, args, kwargs); a list of shapes gives several arrays."""
    def make(rng):
        out = []
        for item in samples:
            shapes, args, kwargs = (tuple(item) + ((), {}))[:3]
            shapes = shapes if isinstance(shapes, list) else [shapes]
            arrays = tuple(rand(rng, sh) for sh in shapes)
            out.append(SampleInput(arrays + tuple(args), dict(kwargs)))
        return out
    return make


def shaped(shape):
    """An int64 array used only for its shape (int arrays never require grad)."""
    return numpy.zeros(shape, dtype=numpy.int64)


def both(fn):
    """The same lambda source for ember and torch when it only calls methods."""
    return fn, fn


OPS = [
    # ---------------------------------------------------------------- reshape / view
    OpSpec("reshape", ember.reshape, torch.reshape,
           each(((3, 4), [(2, -1)]), ((3, 4), [(12,)]), ((), [(1, 1)]), ((2, 0), [(0, 5)])),
           dtypes=INT),
    OpSpec("reshape_noncontiguous", lambda x: ember.reshape(x.t(), (-1,)),
           lambda x: torch.reshape(x.t(), (-1,)), s((3, 4))),
    OpSpec("Tensor.reshape", *both(lambda x: x.reshape(2, 2, -1)), s((3, 4))),
    OpSpec("Tensor.reshape_as", *both(lambda x, y: x.reshape_as(y)),
           lambda rng: [SampleInput((rand(rng, (3, 4)), shaped((6, 2))))]),
    OpSpec("Tensor.view", *both(lambda x: x.view(4, 3)), s((3, 4), (2, 6)), dtypes=INT),
    OpSpec("Tensor.view_tuple", *both(lambda x: x.view((-1,))), s((3, 4))),
    OpSpec("Tensor.view_noncontiguous_viewable", *both(lambda x: x.t().view(2, 2, 3)),
           s((3, 4))),
    OpSpec("Tensor.view_as", *both(lambda x, y: x.view_as(y)),
           lambda rng: [SampleInput((rand(rng, (3, 4)), shaped((2, 6))))]),
    OpSpec("Tensor.view_dtype", lambda x: x.view(ember.int32), lambda x: x.view(torch.int32),
           s((3, 4)), grad=False),
    OpSpec("Tensor.view_dtype_half", lambda x: x.view(ember.float16),
           lambda x: x.view(torch.float16), s((3, 4)), grad=False),
    OpSpec("flatten", ember.flatten, torch.flatten,
           each(((2, 3, 4),), ((2, 3, 4), [1]), ((2, 3, 4), [0, 1]), ((2, 3, 4), [-2, -1]),
                ((),)), dtypes=INT),
    OpSpec("Tensor.flatten", *both(lambda x: x.flatten(1)), s((2, 3, 4))),
    OpSpec("unflatten", ember.unflatten, torch.unflatten,
           each(((3, 4), [1, (2, 2)]), ((3, 4), [-1, (-1, 2)]), ((6,), [0, (1, 2, 3)]))),
    OpSpec("Tensor.unflatten", *both(lambda x: x.unflatten(0, (3, 1))), s((3, 4))),
    OpSpec("ravel", ember.ravel, torch.ravel, s((3, 4), ())),
    OpSpec("ravel_noncontiguous", lambda x: ember.ravel(x.mT), lambda x: torch.ravel(x.mT),
           s((2, 3, 4))),
    OpSpec("squeeze", ember.squeeze, torch.squeeze,
           each(((1, 3, 1, 4),), ((1, 3, 1, 4), [2]), ((1, 3, 1, 4), [(0, 2)]),
                ((1, 3, 1, 4), [1]), ((),), ((), [0]))),
    OpSpec("Tensor.squeeze", *both(lambda x: x.squeeze(-2)), s((3, 1, 4))),
    OpSpec("unsqueeze", ember.unsqueeze, torch.unsqueeze,
           each(((3, 4), [0]), ((3, 4), [-1]), ((3, 4), [1]), ((), [0]))),
    OpSpec("Tensor.unsqueeze", *both(lambda x: x.unsqueeze(-2)), s((3, 4))),
    # ---------------------------------------------------------------- permutations
    OpSpec("permute", ember.permute, torch.permute,
           each(((2, 3, 4), [(2, 0, 1)]), ((2, 3, 4), [(-1, 0, 1)]), ((), [()]))),
    OpSpec("Tensor.permute", *both(lambda x: x.permute(1, 2, 0)), s((2, 3, 4))),
    OpSpec("transpose", ember.transpose, torch.transpose,
           each(((2, 3, 4), [0, 2]), ((2, 3, 4), [-1, 1]), ((), [0, -1])), dtypes=INT),
    OpSpec("Tensor.transpose", *both(lambda x: x.transpose(0, 1)), s((3, 4))),
    OpSpec("swapaxes", ember.swapaxes, torch.swapaxes, s((2, 3, 4), args=(0, 2))),
    OpSpec("swapdims", ember.swapdims, torch.swapdims, s((2, 3, 4), args=(1, -1))),
    OpSpec("Tensor.swapaxes", *both(lambda x: x.swapaxes(0, 1)), s((3, 4))),
    OpSpec("t", ember.t, torch.t, s((3, 4), (5,), ())),
    OpSpec("Tensor.t", *both(lambda x: x.t()), s((3, 4))),
    OpSpec("Tensor.T", *both(lambda x: x.T), s((3, 4))),
    OpSpec("Tensor.mT", *both(lambda x: x.mT), s((2, 3, 4))),
    OpSpec("adjoint", ember.adjoint, torch.adjoint, s((3, 4), (2, 3, 4))),
    OpSpec("movedim", ember.movedim, torch.movedim,
           each(((2, 3, 4), [0, 2]), ((2, 3, 4), [(0, 1), (2, 0)]), ((2, 3, 4), [-1, 0]))),
    OpSpec("moveaxis", ember.moveaxis, torch.moveaxis, s((2, 3, 4), args=((0, 2), (1, 0)))),
    OpSpec("Tensor.movedim", *both(lambda x: x.movedim(1, 0)), s((2, 3, 4))),
    # ---------------------------------------------------------------- broadcasting
    OpSpec("Tensor.expand", *both(lambda x: x.expand(2, 3, 4)), s((3, 1), (1, 4), (4,), ())),
    OpSpec("Tensor.expand_minus_one", *both(lambda x: x.expand(5, -1, 4)), s((3, 1))),
    OpSpec("Tensor.expand_as", *both(lambda x, y: x.expand_as(y)),
           lambda rng: [SampleInput((rand(rng, (3, 1)), shaped((2, 3, 4))))]),
    OpSpec("broadcast_to", ember.broadcast_to, torch.broadcast_to,
           each(((3, 1), [(2, 3, 4)]), ((), [(2, 2)])), dtypes=INT),
    OpSpec("broadcast_tensors", ember.broadcast_tensors, torch.broadcast_tensors,
           each(([(3, 1), (1, 4)],), ([(2, 3, 4), (4,), ()],))),
    OpSpec("broadcast_shapes", ember.broadcast_shapes, torch.broadcast_shapes,
           lambda rng: [SampleInput(((2,), (3, 1), (1, 1, 1))), SampleInput((5, (1,))),
                        SampleInput(((0, 1), (3,)))], grad=False),
    # ---------------------------------------------------------------- slicing
    OpSpec("narrow", ember.narrow, torch.narrow,
           each(((3, 4), [0, 1, 2]), ((3, 4), [-1, -3, 2]), ((3, 4), [1, 4, 0])), dtypes=INT),
    OpSpec("Tensor.narrow", *both(lambda x: x.narrow(1, 1, 2)), s((3, 4))),
    OpSpec("select", ember.select, torch.select,
           each(((3, 4), [0, 1]), ((3, 4), [1, -1]), ((5,), [0, 2])), dtypes=INT),
    OpSpec("Tensor.select", *both(lambda x: x.select(-1, 0)), s((3, 4))),
    # ---------------------------------------------------------------- diagonals
    OpSpec("diagonal", ember.diagonal, torch.diagonal,
           each(((3, 4),), ((3, 4), [1]), ((3, 4), [-1]), ((2, 3, 4), [0, 1, 2]),
                ((2, 3, 4), [1, -1, 0]), ((3, 4), [7]))),
    OpSpec("Tensor.diagonal", *both(lambda x: x.diagonal(0, -2, -1)), s((2, 3, 3))),
    # ---------------------------------------------------------------- atleast_nd
    OpSpec("atleast_1d", ember.atleast_1d, torch.atleast_1d, s((), (3,), (2, 3))),
    OpSpec("atleast_2d", ember.atleast_2d, torch.atleast_2d, s((), (3,), (2, 3))),
    OpSpec("atleast_3d", ember.atleast_3d, torch.atleast_3d, s((), (3,), (2, 3), (1, 2, 3))),
    OpSpec("atleast_2d_many", lambda a, b: ember.atleast_2d(a, b),
           lambda a, b: torch.atleast_2d(a, b), each(([(), (3,)],))),
    OpSpec("atleast_3d_list", lambda a, b: ember.atleast_3d([a, b]),
           lambda a, b: torch.atleast_3d([a, b]), each(([(2,), (2, 3)],))),
    # ---------------------------------------------------------------- as_strided
    OpSpec("as_strided", ember.as_strided, torch.as_strided,
           each(((3, 4), [(2, 2), (1, 2)]), ((3, 4), [(3, 3), (4, 1), 1]),
                ((12,), [(4, 3), (2, 1)]))),  # the last one overlaps: grads accumulate
    OpSpec("as_strided_of_view", lambda x: x[1:].as_strided((2, 2), (1, 2)),
           lambda x: x[1:].as_strided((2, 2), (1, 2)), s((3, 4))),
]
