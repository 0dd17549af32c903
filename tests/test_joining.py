"""Copying, joining and splitting ops beyond the op table: which results share memory with
their input, backward through multi-output views, padding, and torch's errors, each checked
against torch itself."""
import warnings

import numpy
import pytest
import torch
import torch.nn.functional as TF
from test_shape import _check_copy, _check_view_writes, _np, _same_error, _x

import ember
import ember.nn.functional as EF

# (name, fn) as in test_shape.VIEWS: the splitting ops return views
SPLIT_VIEWS = [
    ("unbind", lambda lib, x: lib.unbind(x, 2)[1]),
    ("split", lambda lib, x: lib.split(x, [1, 2], 1)[1]),
    ("chunk", lambda lib, x: lib.chunk(x, 2, 2)[1]),
    ("tensor_split", lambda lib, x: lib.tensor_split(x, [1, 3], 2)[1]),
    ("hsplit", lambda lib, x: lib.hsplit(x, 3)[2]),
]


@pytest.mark.parametrize("name,fn", SPLIT_VIEWS, ids=[v[0] for v in SPLIT_VIEWS])
def test_split_views_write_through_to_base(name, fn):
    _check_view_writes(fn)


COPIES = [
    ("flip", lambda lib, x: lib.flip(x, (0,))),
    ("roll", lambda lib, x: lib.roll(x, 1, 1)),
    ("rot90_0", lambda lib, x: lib.rot90(x, 4)),
    ("cat_one", lambda lib, x: lib.cat([x])),
    ("stack", lambda lib, x: lib.stack([x, x])),
    ("repeat_ones", lambda lib, x: x.repeat(1, 1, 1)),
    ("tile", lambda lib, x: lib.tile(x, (1,))),
    ("repeat_interleave", lambda lib, x: lib.repeat_interleave(x, 2, 0)),
    ("diag_2d", lambda lib, x: lib.diag(x[0])),
    ("tril", lambda lib, x: lib.tril(x)),
    ("pad_zero", lambda lib, x: (EF if lib is ember else TF).pad(x, (0, 0))),
]


@pytest.mark.parametrize("name,fn", COPIES, ids=[c[0] for c in COPIES])
def test_copies_do_not_share_memory(name, fn):
    _check_copy(fn)


def test_backward_through_multi_output_views_uses_one_node():
    x = ember.randn(50, 3, requires_grad=True)
    parts = x.unbind(0)
    assert all(p.grad_fn is parts[0].grad_fn for p in parts)
    y = ember.stack(parts[::2]).sum() + parts[1].sum()
    y.backward()
    expected = numpy.zeros((50, 3))
    expected[::2] = 1
    expected[1] = 1
    numpy.testing.assert_array_equal(_np(x.grad), expected)


def test_diag_embed_and_diagonal_round_trip():
    x = ember.randn(2, 3)
    for offset in (-2, 0, 1):
        emb = ember.diag_embed(x, offset, 0, 2)
        numpy.testing.assert_array_equal(_np(emb.diagonal(offset, 0, 2)), _np(x))
        assert numpy.count_nonzero(_np(emb)) == numpy.count_nonzero(_np(x))
        assert emb.shape == torch.diag_embed(torch.zeros(2, 3), offset, 0, 2).shape


# ------------------------------------------------------------------ errors, against torch

ERRORS = [
    lambda lib: lib.cat([_x(lib, 2, 3), _x(lib, 2, 4)]),
    lambda lib: lib.cat([_x(lib, 2, 3), _x(lib, 3, 4)], 1),
    lambda lib: lib.cat([]),
    lambda lib: lib.cat([_x(lib, 2, 3)], 2),
    lambda lib: lib.cat([_x(lib, 2, 3), _x(lib, 2)]),
    lambda lib: lib.cat([lib.tensor(1.0), lib.tensor(2.0)]),
    lambda lib: lib.stack([_x(lib, 2, 3), _x(lib, 2, 4)]),
    lambda lib: lib.stack([]),
    lambda lib: lib.stack([_x(lib, 2)], 2),
    lambda lib: lib.unbind(lib.tensor(1.0)),
    lambda lib: lib.split(_x(lib, 3, 4), 0),
    lambda lib: lib.split(_x(lib, 3, 4), -1),
    lambda lib: lib.split(_x(lib, 3, 4), [1, 1]),
    lambda lib: lib.split(_x(lib, 3, 4), [1, -1, 3]),
    lambda lib: lib.chunk(_x(lib, 3, 4), 0),
    lambda lib: lib.tensor_split(_x(lib, 3, 4), 0),
    lambda lib: lib.tensor_split(lib.tensor(1.0), 1),
    lambda lib: lib.tensor_split(_x(lib, 3, 4), lib.tensor([1.5])),
    lambda lib: lib.hsplit(_x(lib, 3, 4), 3),
    lambda lib: lib.vsplit(_x(lib, 5), 5),
    lambda lib: lib.dsplit(_x(lib, 3, 4), 2),
    lambda lib: lib.flip(_x(lib, 3, 4), (0, -2)),
    lambda lib: lib.fliplr(_x(lib, 3)),
    lambda lib: lib.flipud(lib.tensor(3.0)),
    lambda lib: lib.roll(_x(lib, 3, 4), 1, (0, 1)),
    lambda lib: lib.roll(_x(lib, 3, 4), (1, 2)),
    lambda lib: lib.roll(_x(lib, 3, 4), ()),
    lambda lib: lib.rot90(_x(lib, 3, 4), 1, (0, 0)),
    lambda lib: lib.rot90(_x(lib, 3, 4), 1, (0,)),
    lambda lib: lib.rot90(_x(lib, 3)),
    lambda lib: _x(lib, 3, 4).repeat(2),
    lambda lib: _x(lib, 3, 4).repeat(-1, 2),
    lambda lib: lib.repeat_interleave(_x(lib, 3, 4), lib.tensor([1, 2]), 0),
    lambda lib: lib.repeat_interleave(_x(lib, 3, 4), -1),
    lambda lib: lib.repeat_interleave(_x(lib, 3, 4), lib.tensor([1, -2, 1]), 0),
    lambda lib: lib.repeat_interleave(_x(lib, 3, 4), 2, 0, output_size=5),
    lambda lib: lib.tril(_x(lib, 3)),
    lambda lib: lib.triu(_x(lib, 3)),
    lambda lib: lib.diag(_x(lib, 2, 3, 4)),
    lambda lib: lib.diag_embed(_x(lib, 3, 4), 0, 0, 0),
    lambda lib: lib.trace(_x(lib, 3)),
    lambda lib: lib.trace(lib.zeros(2, 2, dtype=lib.bool)),
    lambda lib: lib.meshgrid(_x(lib, 3), _x(lib, 4), indexing="a"),
    lambda lib: lib.meshgrid(_x(lib, 3), lib.zeros(3, dtype=lib.float64), indexing="ij"),
    lambda lib: lib.hstack([]),
    lambda lib: lib.vstack([]),
    lambda lib: lib.row_stack([]),
    lambda lib: lib.dstack([]),
    lambda lib: lib.column_stack([]),
    lambda lib: lib.constant_pad_nd(_x(lib, 3, 4), (1,)),
    lambda lib: lib.constant_pad_nd(_x(lib, 3, 4), (1, 1) * 3),
]


@pytest.mark.parametrize("fn", ERRORS, ids=range(len(ERRORS)))
def test_errors_match_torch(fn):
    _same_error(fn)


def _pad(mode, shape, pad, **kw):
    return lambda lib: (EF if lib is ember else TF).pad(lib.zeros(*shape), pad, mode=mode, **kw)


PAD_ERRORS = [
    _pad("foo", (2, 3), (1,)),
    _pad("constant", (2, 3), (1,)),
    _pad("constant", (2, 3), (1, 1) * 3),
    _pad("constant", (2, 3), (-4, 0)),
    _pad("constant", (2, 3), (-2, -2)),
    _pad("reflect", (2, 3, 4), (1, 1), value=1.0),
    _pad("reflect", (4,), (1, 1)),
    _pad("replicate", (3, 4), (1, 1, 1, 1)),
    _pad("circular", (1, 1, 1, 2, 3, 4), (1, 1) * 3),
    _pad("reflect", (2, 3, 4), (4, 4)),
    _pad("reflect", (2, 3, 4), (1, 1, 3, 0)),
    _pad("reflect", (1, 2, 3, 4), (0, 0, 1, 1, 2, 0)),
    _pad("reflect", (2, 3, 4), (-2, -2)),
    _pad("replicate", (2, 3, 4), (-3, -2)),
    _pad("replicate", (2, 3, 4), (0, 0, -2, -2)),
    _pad("reflect", (2, 0, 3), (1, 1)),
    _pad("replicate", (0, 3, 4), (1, 1, 1, 1)),
    _pad("circular", (2, 3, 4), (5, 0)),
    _pad("circular", (2, 3, 4), (-3, -2)),
    _pad("circular", (2, 3, 0), (1, 1)),
    lambda lib: (EF if lib is ember else TF).pad(lib.zeros(2, 3), (1.5, 1)),
]


@pytest.mark.parametrize("fn", PAD_ERRORS, ids=range(len(PAD_ERRORS)))
def test_pad_errors_match_torch(fn):
    _same_error(fn)


def test_pad_accepts_zero_value_for_other_modes():
    x = numpy.arange(12.0).reshape(1, 3, 4)
    out = EF.pad(ember.tensor(x), (2, 1), mode="reflect", value=0)
    ref = TF.pad(torch.tensor(x), (2, 1), mode="reflect", value=0)
    numpy.testing.assert_array_equal(_np(out), _np(ref))


def test_pad_gradients_sum_onto_sources():
    # reflect (1, 2) on [a, b, c, d]: [b, a, b, c, d, c, b]; b appears 3 times, c twice
    x = ember.tensor([[1.0, 2.0, 3.0, 4.0]], requires_grad=True)
    EF.pad(x, (1, 2), mode="reflect").sum().backward()
    numpy.testing.assert_array_equal(_np(x.grad), [[1, 3, 2, 1]])
    x.grad = None
    EF.pad(x, (2, 1), mode="replicate").sum().backward()
    numpy.testing.assert_array_equal(_np(x.grad), [[3, 1, 1, 2]])
    x.grad = None
    EF.pad(x, (3, 2), mode="circular").sum().backward()  # [b, c, d, a, b, c, d, a, b]
    numpy.testing.assert_array_equal(_np(x.grad), [[2, 3, 2, 2]])


def test_meshgrid_warns_without_indexing_like_torch():
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        grids = ember.meshgrid(ember.zeros(2), ember.zeros(3))
    assert any("indexing" in str(w.message) for w in rec)
    assert [g.shape for g in grids] == [(2, 3), (2, 3)]
