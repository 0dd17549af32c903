"""Op table rows for ember/ops/joining.py: splitting, cat/stack, repetition, reordering,
triangles and diag, meshgrid, padding."""
import numpy
import torch
import torch.nn.functional as TF

import ember
import ember.nn.functional as EF

from ._spec import OpSpec, SampleInput, rand
from .shape import INT, both, each, s


def lists(*groups, **kwargs):
    """Samples whose first argument is a list of random arrays, one list per group of shapes."""
    def make(rng):
        return [SampleInput(([rand(rng, sh) for sh in shapes],), dict(kwargs))
                for shapes in groups]
    return make


OPS = [
    # ---------------------------------------------------------------- splitting
    OpSpec("unbind", ember.unbind, torch.unbind, each(((3, 4),), ((3, 4), [1]), ((2,), [-1])),
           dtypes=INT),
    OpSpec("Tensor.unbind", *both(lambda x: x.unbind(1)), s((2, 3, 4))),
    OpSpec("unbind_partial_use", lambda x: ember.unbind(x, 1)[1],
           lambda x: torch.unbind(x, 1)[1], s((2, 3, 4))),
    OpSpec("split", ember.split, torch.split,
           each(((5, 4), [2]), ((5, 4), [[1, 3, 1]]), ((5, 4), [3, 1]), ((5, 4), [[0, 4], -1]),
                ((0, 2), [2])), dtypes=INT),
    OpSpec("Tensor.split", *both(lambda x: x.split(2, 1)), s((3, 5))),
    OpSpec("chunk", ember.chunk, torch.chunk,
           each(((5, 4), [2]), ((6, 4), [4]), ((5, 4), [3, 1]), ((0,), [3]))),
    OpSpec("Tensor.chunk", *both(lambda x: x.chunk(3, -1)), s((3, 5))),
    OpSpec("tensor_split", ember.tensor_split, torch.tensor_split,
           each(((7, 2), [3]), ((7, 2), [[1, 5]]), ((5, 3), [[3, 1]]), ((5,), [[-1, 7]]),
                ((2, 7), [4, 1]))),
    OpSpec("tensor_split_tensor", lambda x: ember.tensor_split(x, ember.tensor([1, 3])),
           lambda x: torch.tensor_split(x, torch.tensor([1, 3])), s((5, 2))),
    OpSpec("Tensor.tensor_split", *both(lambda x: x.tensor_split(2, 1)), s((3, 5))),
    OpSpec("hsplit", ember.hsplit, torch.hsplit,
           each(((3, 4), [2]), ((6,), [3]), ((3, 4), [[1, 3]]))),
    OpSpec("vsplit", ember.vsplit, torch.vsplit, each(((4, 3), [2]), ((4, 3), [[1]]))),
    OpSpec("dsplit", ember.dsplit, torch.dsplit, each(((2, 2, 4), [2]), ((2, 2, 4), [[3]]))),
    # ---------------------------------------------------------------- joining
    OpSpec("cat", ember.cat, torch.cat, lists([(2, 3), (4, 3)], [(2, 3)], [(5,), (3,)]),
           dtypes=INT),
    OpSpec("cat_dim", lambda ts: ember.cat(ts, dim=-1), lambda ts: torch.cat(ts, dim=-1),
           lists([(2, 3), (2, 1)], [(2, 2, 1), (2, 2, 3)])),
    # empty inputs: ember's gradcheck cannot build a Jacobian with 0 columns (reported)
    OpSpec("cat_empty", lambda ts: ember.cat(ts, -1), lambda ts: torch.cat(ts, -1),
           lists([(2, 3), (0,), (2, 2)], [(2, 0), (2, 2)], [(0,), (0,)], [(5,), (0,)]),
           gradcheck=False),
    OpSpec("cat_promotes", lambda a, b: ember.cat([a, b.to(ember.float64)]),
           lambda a, b: torch.cat([a, b.to(torch.float64)]), each(([(2, 3), (1, 3)],))),
    OpSpec("cat_int_float", lambda a, b: ember.cat([a, b.long()]),
           lambda a, b: torch.cat([a, b.long()]), each(([(2, 3), (1, 3)],))),
    OpSpec("concat", ember.concat, torch.concat, lists([(2, 3), (2, 3)], dim=1)),
    OpSpec("concatenate", ember.concatenate, torch.concatenate,
           lists([(2, 3), (1, 3)], axis=0)),
    OpSpec("stack", ember.stack, torch.stack, lists([(2, 3), (2, 3), (2, 3)], [()]),
           dtypes=INT),
    OpSpec("stack_dim", lambda ts: ember.stack(ts, -1), lambda ts: torch.stack(ts, -1),
           lists([(2, 3), (2, 3)])),
    OpSpec("hstack", ember.hstack, torch.hstack, lists([(2, 3), (2, 1)], [(3,), ()])),
    OpSpec("vstack", ember.vstack, torch.vstack, lists([(2, 3), (3,)], [(), ()])),
    OpSpec("row_stack", ember.row_stack, torch.row_stack, lists([(3,), (3,)])),
    OpSpec("dstack", ember.dstack, torch.dstack, lists([(2, 3), (2, 3, 2)], [(3,), (3,)])),
    OpSpec("column_stack", ember.column_stack, torch.column_stack,
           lists([(3,), (3, 2)], [(), ()])),
    # ---------------------------------------------------------------- repetition
    OpSpec("Tensor.repeat", *both(lambda x: x.repeat(2, 1, 3)), s((3, 2), (2,), ()),
           dtypes=INT),
    OpSpec("Tensor.repeat_same_rank", *both(lambda x: x.repeat(1, 1)), s((3, 2))),
    OpSpec("tile", ember.tile, torch.tile, each(((3, 2), [(2,)]), ((3,), [(2, 2)]), ((), [()]))),
    OpSpec("Tensor.tile", *both(lambda x: x.tile(2, 1)), s((3, 2))),
    OpSpec("repeat_interleave", ember.repeat_interleave, torch.repeat_interleave,
           each(((3, 2), [2]), ((3, 2), [3, 1]), ((3, 2), [2, -2]), ((), [3]),
                ((3, 2), [0, 0])), dtypes=INT),
    OpSpec("repeat_interleave_tensor",
           lambda x: ember.repeat_interleave(x, ember.tensor([1, 0, 3]), dim=0),
           lambda x: torch.repeat_interleave(x, torch.tensor([1, 0, 3]), dim=0),
           s((3, 2))),
    OpSpec("Tensor.repeat_interleave",
           lambda x: x.repeat_interleave(ember.tensor([2, 1]), dim=1, output_size=3),
           lambda x: x.repeat_interleave(torch.tensor([2, 1]), dim=1, output_size=3),
           s((3, 2))),
    OpSpec("repeat_interleave_indices", lambda r: ember.repeat_interleave(r),
           lambda r: torch.repeat_interleave(r),
           lambda rng: [SampleInput((numpy.array([2, 0, 3]),))], grad=False),
    # ---------------------------------------------------------------- reordering
    OpSpec("flip", ember.flip, torch.flip,
           each(((3, 4), [(0,)]), ((2, 3, 4), [(0, -1)]), ((3, 4), [()]), ((), [(0,)])),
           dtypes=INT),
    OpSpec("Tensor.flip", *both(lambda x: x.flip(1)), s((3, 4))),
    OpSpec("fliplr", ember.fliplr, torch.fliplr, s((3, 4), (2, 3, 4))),
    OpSpec("flipud", ember.flipud, torch.flipud, s((3, 4), (5,))),
    OpSpec("roll", ember.roll, torch.roll,
           each(((3, 4), [1]), ((3, 4), [-5, 1]), ((3, 4), [(1, 2), (0, 1)]), ((), [2]),
                ((3, 4), [(2, 2), (1, 1)])), dtypes=INT),
    OpSpec("Tensor.roll", *both(lambda x: x.roll(2, 0)), s((3, 4))),
    OpSpec("rot90", ember.rot90, torch.rot90,
           each(((3, 4),), ((3, 4), [2]), ((3, 4), [3]), ((3, 4), [-1]), ((3, 4), [4]),
                ((2, 3, 4), [1, (2, 0)])), dtypes=INT),
    OpSpec("Tensor.rot90", *both(lambda x: x.rot90(1, (1, 2))), s((2, 3, 4))),
    # ---------------------------------------------------------------- triangles, diagonals
    OpSpec("tril", ember.tril, torch.tril,
           each(((4, 3),), ((4, 3), [1]), ((2, 3, 4), [-1]), ((3, 3), [-5])), dtypes=INT),
    OpSpec("triu", ember.triu, torch.triu,
           each(((4, 3),), ((4, 3), [-1]), ((2, 3, 4), [2])), dtypes=INT),
    OpSpec("Tensor.tril_", lambda x: (x * 1).tril_(1), lambda x: (x * 1).tril_(1), s((4, 3))),
    OpSpec("Tensor.triu_", lambda x: (x * 1).triu_(), lambda x: (x * 1).triu_(), s((4, 3))),
    OpSpec("diag", ember.diag, torch.diag,
           each(((3,),), ((3,), [1]), ((3,), [-2]), ((3, 4),), ((3, 4), [1]), ((3, 4), [-2]),
                ((3, 4), [5])), dtypes=INT),
    OpSpec("Tensor.diag", *both(lambda x: x.diag(-1)), s((4, 4))),
    OpSpec("diag_embed", ember.diag_embed, torch.diag_embed,
           each(((2, 3),), ((2, 3), [1]), ((2, 3), [-1, 0, 2]), ((4,), [0, 1, 0]))),
    OpSpec("trace", ember.trace, torch.trace, s((3, 4), (4, 4), (4, 2)), dtypes=INT),
    OpSpec("trace_empty", ember.trace, torch.trace, s((0, 2)), gradcheck=False),  # see cat_empty
    # ---------------------------------------------------------------- grids
    OpSpec("meshgrid_ij", lambda a, b: ember.meshgrid(a, b, indexing="ij"),
           lambda a, b: torch.meshgrid(a, b, indexing="ij"), each(([(3,), (4,)],), ([(2,), ()],))),
    OpSpec("meshgrid_xy", lambda *ts: ember.meshgrid(*ts, indexing="xy"),
           lambda *ts: torch.meshgrid(*ts, indexing="xy"), each(([(3,), (4,), (2,)],))),
    # ---------------------------------------------------------------- padding
    OpSpec("constant_pad_nd", ember.constant_pad_nd, torch.constant_pad_nd,
           each(((2, 3), [(1, 2)]), ((2, 3), [(1, -1, -1, 2)], {"value": 1.5}),
                ((3,), [(0, 0)])), dtypes=INT),
    OpSpec("F.pad_constant", EF.pad, TF.pad,
           each(((2, 3, 4), [(1, 2)]), ((2, 3, 4), [(1, 1, 2, 0)], {"value": -2.0}),
                ((2, 3, 4), [(-1, 1, 0, 0, 1, 1)]), ((1, 2, 3, 4), [(2, 2, 1, 1, 0, 0, 1, 0)])),
           dtypes=INT),
    OpSpec("F.pad_reflect", lambda x, p: EF.pad(x, p, mode="reflect"),
           lambda x, p: TF.pad(x, p, mode="reflect"),
           each(((2, 5), [(2, 3)]), ((2, 3, 5), [(4, 1)]), ((2, 3, 5), [(-1, 3)]),
                ((1, 3, 4), [(1, 2, 2, 0)]), ((2, 2, 3, 4), [(3, 0, 1, 1)]),
                ((1, 2, 3, 4), [(1, 1, 2, 1, 1, 0)]), ((2, 1, 2, 3, 3), [(2, 2, 0, 1, 1, 1)]))),
    OpSpec("F.pad_replicate", lambda x, p: EF.pad(x, p, mode="replicate"),
           lambda x, p: TF.pad(x, p, mode="replicate"),
           each(((2, 4), [(2, 3)]), ((2, 3, 4), [(5, 0)]), ((2, 3, 5), [(-2, 3)]),
                ((1, 3, 4), [(1, 2, 2, 3)]), ((2, 2, 3, 4), [(3, 0, 1, 1)]),
                ((1, 2, 2, 3), [(1, 1, 2, 1, 1, 0)]), ((2, 1, 1, 3, 3), [(2, 2, 0, 1, 1, 1)]))),
    OpSpec("F.pad_circular", lambda x, p: EF.pad(x, p, mode="circular"),
           lambda x, p: TF.pad(x, p, mode="circular"),
           each(((2, 4), [(2, 3)]), ((2, 3, 4), [(4, 0)]), ((2, 3, 5), [(-2, 2)]),
                ((1, 3, 4), [(1, 2, 2, 3)]), ((2, 2, 3, 4), [(3, 0, 1, 1)]),
                ((1, 2, 2, 3), [(1, 1, 2, 1, 1, 0)]), ((2, 1, 2, 3, 3), [(2, 2, 0, 1, 1, 1)]))),
    OpSpec("F.pad_int", lambda x, m: EF.pad(x.long(), (1, 2), mode=m),
           lambda x, m: TF.pad(x.long(), (1, 2), mode=m),
           each(((2, 4), ["reflect"]), ((2, 4), ["replicate"]), ((2, 4), ["circular"])),
           grad=False),
]
