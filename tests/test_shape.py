"""Shape ops beyond the op table: memory sharing of views, in-place writes through views
(with and without a graph), and torch's errors, each checked against torch itself."""
import warnings

import numpy
import pytest
import torch
import torch.nn.functional as TF

import ember
import ember.nn.functional as EF


def _np(t):
    return t.detach().numpy().copy()


def _pair(shape=(2, 3, 4)):
    a = numpy.arange(numpy.prod(shape), dtype=numpy.float32).reshape(shape)
    return ember.tensor(a), torch.tensor(a)


# (name, fn) where fn only calls methods/functions both libraries share under one name;
# `lib` is ember or torch
VIEWS = [
    ("view", lambda lib, x: x.view(6, 4)),
    ("view_noncontiguous", lambda lib, x: x.transpose(1, 2).view(2, 2, 2, 3)),
    ("reshape", lambda lib, x: lib.reshape(x, (4, 6))),
    ("flatten", lambda lib, x: lib.flatten(x, 1)),
    ("unflatten", lambda lib, x: lib.unflatten(x, 2, (2, 2))),
    ("ravel", lambda lib, x: lib.ravel(x)),
    ("permute", lambda lib, x: lib.permute(x, (2, 0, 1))),
    ("transpose", lambda lib, x: lib.transpose(x, 0, 2)),
    ("swapaxes", lambda lib, x: lib.swapaxes(x, 1, 2)),
    ("movedim", lambda lib, x: lib.movedim(x, 0, -1)),
    ("mT", lambda lib, x: x.mT),
    ("t", lambda lib, x: lib.t(x[0])),
    ("squeeze", lambda lib, x: lib.squeeze(x[:, :1], 1)),
    ("unsqueeze", lambda lib, x: lib.unsqueeze(x, 1)),
    ("narrow", lambda lib, x: lib.narrow(x, 2, 1, 2)),
    ("select", lambda lib, x: lib.select(x, 1, -1)),
    ("select_to_0d", lambda lib, x: lib.select(lib.select(lib.select(x, 0, 1), 0, 2), 0, 3)),
    ("unbind", lambda lib, x: lib.unbind(x, 2)[1]),
    ("split", lambda lib, x: lib.split(x, [1, 2], 1)[1]),
    ("chunk", lambda lib, x: lib.chunk(x, 2, 2)[1]),
    ("tensor_split", lambda lib, x: lib.tensor_split(x, [1, 3], 2)[1]),
    ("hsplit", lambda lib, x: lib.hsplit(x, 3)[2]),
    ("diagonal", lambda lib, x: lib.diagonal(x, 1, 1, 2)),
    ("diagonal_neg", lambda lib, x: lib.diagonal(x, -1, 2, 0)),
    ("as_strided", lambda lib, x: lib.as_strided(x, (3, 2), (2, 5), 3)),
    ("atleast_3d", lambda lib, x: lib.atleast_3d(x[0])),
    ("chain", lambda lib, x: x.permute(1, 0, 2).narrow(0, 1, 2).select(2, 3).t()),
]


@pytest.mark.parametrize("name,fn", VIEWS, ids=[v[0] for v in VIEWS])
def test_view_writes_reach_base(name, fn):
    e, t = _pair()
    ev, tv = fn(ember, e), fn(torch, t)
    assert ev._base is e and tv._base is t
    assert numpy.shares_memory(ev.data, e.data)
    assert ev.shape == tv.shape and ev.stride() == tv.stride()
    before = e._version
    ev.add_(100)
    tv.add_(100)
    assert e._version == before + 1 == ev._version  # one counter for base and view
    numpy.testing.assert_array_equal(_np(e), _np(t))
    numpy.testing.assert_array_equal(_np(ev), _np(tv))


def test_expand_and_broadcast_share_memory():
    e, t = _pair((3, 1))
    for out in (e.expand(2, 3, 4), ember.broadcast_to(e, (3, 5)), ember.broadcast_tensors(
            e, ember.zeros(4))[0], ember.meshgrid(e[:, 0], e[:2, 0], indexing="ij")[0]):
        assert out._base is e and numpy.shares_memory(out.data, e.data)
    assert e.expand(2, 3, 4).stride() == t.expand(2, 3, 4).stride()


def test_view_dtype_shares_memory():
    e, t = _pair((2, 4))
    ev, tv = e.view(ember.int32), t.view(torch.int32)
    numpy.testing.assert_array_equal(_np(ev), _np(tv))
    ev.fill_(0)
    assert not _np(e).any()
    half = e.view(ember.float16)
    assert half.shape == t.view(torch.float16).shape == (2, 8)
    x = ember.ones(3, requires_grad=True)
    assert not x.view(ember.float32).requires_grad  # torch: view(dtype) is not differentiable


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
    ("reshape_noncontiguous", lambda lib, x: lib.reshape(x.transpose(0, 2), (-1,))),
    ("pad_zero", lambda lib, x: (EF if lib is ember else TF).pad(x, (0, 0))),
]


@pytest.mark.parametrize("name,fn", COPIES, ids=[c[0] for c in COPIES])
def test_copies_do_not_share_memory(name, fn):
    e, t = _pair()
    ev, tv = fn(ember, e), fn(torch, t)
    assert ev._base is None
    assert not numpy.shares_memory(ev.data, e.data)
    ev.add_(1)
    numpy.testing.assert_array_equal(_np(e), _np(t))


def test_reshape_views_exactly_when_torch_does():
    for shape, fn in [((3, 4), lambda x: x.t()), ((2, 3, 4), lambda x: x[:, 1:]),
                      ((2, 3, 4), lambda x: x.transpose(1, 2)), ((4, 6), lambda x: x[::2]),
                      ((2, 1, 4), lambda x: x.permute(2, 1, 0))]:
        e, t = _pair(shape)
        for target in [(-1,), (shape[0], -1), (-1, shape[-1]), (1, -1, 1)]:
            tv = fn(t)
            try:
                t_view = tv.view(target)
            except RuntimeError:
                t_view = None
            ev = fn(e)
            if t_view is None:
                with pytest.raises(RuntimeError, match=r"Use \.reshape\(\.\.\.\) instead"):
                    ev.view(target)
            else:
                assert ev.view(target).stride() == t_view.stride()
            er, tr = ember.reshape(ev, target), torch.reshape(tv, target)
            assert (er._base is not None) == (tr._base is not None)
            numpy.testing.assert_array_equal(_np(er), _np(tr))


def test_inplace_through_views_without_grad():
    a = ember.zeros(2, 3)
    b = a.view(3, 2)
    b.add_(1)
    assert (_np(a) == 1).all()
    a.transpose(0, 1)[0].fill_(0)
    numpy.testing.assert_array_equal(_np(a), [[0, 1, 1], [0, 1, 1]])


def _graph_with_view_writes(lib, x):
    a = x * 2
    a.view(3, 2).add_(1)
    a.transpose(0, 1)[0].fill_(0)
    a.diagonal().mul_(3)
    a.select(1, 2).mul_(a.select(1, 1).detach().clone())
    a.narrow(1, 1, 2).sub_(x[:, :2] ** 2)
    return a, (a * a).sum()


def test_inplace_through_views_of_nonleaf_matches_torch():
    data = numpy.arange(6.0).reshape(2, 3) / 3
    results = []
    for lib in (ember, torch):
        x = lib.tensor(data, requires_grad=True)
        a, y = _graph_with_view_writes(lib, x)
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        results.append((_np(a), _np(y), _np(g), _np(gg)))
    for e, t in zip(*results):
        numpy.testing.assert_allclose(e, t, rtol=1e-12)


def test_inplace_on_view_of_leaf_raises_like_torch():
    for lib in (ember, torch):
        x = lib.ones(2, 3, requires_grad=True)
        with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
            x.view(6).add_(1)


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

def _same_error(fn):
    """fn(lib) raises in torch; ember must raise the same type with the same message."""
    with pytest.raises(Exception) as t_err:
        fn(torch)
    with pytest.raises(Exception) as e_err:
        fn(ember)
    assert type(e_err.value) is type(t_err.value), (e_err.value, t_err.value)
    assert str(e_err.value).splitlines()[0] == str(t_err.value).splitlines()[0]


def _x(lib, *shape):
    return lib.zeros(*shape)


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
    lambda lib: _x(lib, 3, 4).t().view(-1),
    lambda lib: _x(lib, 3, 4).view(5, -1),
    lambda lib: _x(lib, 3, 4).view(-1, -1),
    lambda lib: _x(lib, 3, 4).view(-2, 6),
    lambda lib: _x(lib, 0, 4).view(-1, 0),
    lambda lib: _x(lib, 3).view(lib.float64),
    lambda lib: _x(lib, 3, 4).t().view(lib.float16),
    lambda lib: lib.tensor(1.0).view(lib.float16),
    lambda lib: _x(lib, 3, 4).reshape(5, 3),
    lambda lib: _x(lib, 3, 4).expand(2, 3),
    lambda lib: _x(lib, 3, 4).expand(4),
    lambda lib: _x(lib, 3, 4).permute(0),
    lambda lib: _x(lib, 3, 4).permute(0, 0),
    lambda lib: _x(lib, 3, 4).transpose(0, 2),
    lambda lib: _x(lib, 2, 3, 4).t(),
    lambda lib: lib.adjoint(_x(lib, 3)),
    lambda lib: _x(lib, 3, 4).squeeze(2),
    lambda lib: _x(lib, 3, 4).unsqueeze(3),
    lambda lib: _x(lib, 3, 4).flatten(1, 0),
    lambda lib: lib.unflatten(_x(lib, 3, 4), 1, (3, 3)),
    lambda lib: lib.unflatten(_x(lib, 3, 4), 1, ()),
    lambda lib: lib.movedim(_x(lib, 3, 4), (0, 1), (0,)),
    lambda lib: lib.movedim(_x(lib, 3, 4), (0, 0), (0, 1)),
    lambda lib: lib.movedim(_x(lib, 3, 4), (0, 1), (1, 1)),
    lambda lib: lib.broadcast_shapes((2, 3), (4, 3)),
    lambda lib: lib.broadcast_tensors(_x(lib, 3, 4), _x(lib, 2, 4)),
    lambda lib: lib.narrow(_x(lib, 3, 4), 0, 2, 2),
    lambda lib: lib.narrow(_x(lib, 3, 4), 0, 4, 0),
    lambda lib: lib.narrow(_x(lib, 3, 4), 0, 0, -1),
    lambda lib: lib.narrow(lib.tensor(1.0), 0, 0, 1),
    lambda lib: lib.select(_x(lib, 3, 4), 0, 5),
    lambda lib: lib.select(_x(lib, 3, 4), 1, -5),
    lambda lib: lib.select(lib.tensor(1.0), 0, 0),
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
    lambda lib: lib.diagonal(_x(lib, 3, 4), 0, 0, -2),
    lambda lib: lib.diag_embed(_x(lib, 3, 4), 0, 0, 0),
    lambda lib: lib.trace(_x(lib, 3)),
    lambda lib: lib.trace(lib.zeros(2, 2, dtype=lib.bool)),
    lambda lib: lib.meshgrid(_x(lib, 3), _x(lib, 4), indexing="a"),
    lambda lib: lib.meshgrid(_x(lib, 3), lib.zeros(3, dtype=lib.float64), indexing="ij"),
    lambda lib: lib.as_strided(_x(lib, 3, 4), (2, 2), (1, 2), 100),
    lambda lib: lib.as_strided(_x(lib, 3, 4), (2,), (-1,)),
    lambda lib: lib.as_strided(_x(lib, 3, 4), (2,), (1, 1)),
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
