"""View ops beyond the op table: memory sharing of views, in-place writes through views
(with and without a graph), and torch's errors, each checked against torch itself.
tests/test_joining.py uses the checks defined here for its own ops."""
import numpy
import pytest
import torch

import ember


def _np(t):
    return t.detach().numpy().copy()


def _pair(shape=(2, 3, 4)):
    a = numpy.arange(numpy.prod(shape), dtype=numpy.float32).reshape(shape)
    return ember.tensor(a), torch.tensor(a)


def _check_view_writes(fn):
    """fn(lib, x) is a view of x: it shares x's memory and version counter, as torch's does."""
    e, t = _pair()
    ev, tv = fn(ember, e), fn(torch, t)
    assert ev._base is e and tv._base is t
    assert numpy.shares_memory(ev._data, e._data)
    assert ev.shape == tv.shape and ev.stride() == tv.stride()
    before = e._version
    ev.add_(100)
    tv.add_(100)
    assert e._version == before + 1 == ev._version  # one counter for base and view
    numpy.testing.assert_array_equal(_np(e), _np(t))
    numpy.testing.assert_array_equal(_np(ev), _np(tv))


def _check_copy(fn):
    """fn(lib, x) copies x: writes to the result leave x alone, as torch's do."""
    e, t = _pair()
    ev, _ = fn(ember, e), fn(torch, t)
    assert ev._base is None
    assert not numpy.shares_memory(ev._data, e._data)
    ev.add_(1)
    numpy.testing.assert_array_equal(_np(e), _np(t))


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
    ("diagonal", lambda lib, x: lib.diagonal(x, 1, 1, 2)),
    ("diagonal_neg", lambda lib, x: lib.diagonal(x, -1, 2, 0)),
    ("as_strided", lambda lib, x: lib.as_strided(x, (3, 2), (2, 5), 3)),
    ("atleast_3d", lambda lib, x: lib.atleast_3d(x[0])),
    ("chain", lambda lib, x: x.permute(1, 0, 2).narrow(0, 1, 2).select(2, 3).t()),
]


@pytest.mark.parametrize("name,fn", VIEWS, ids=[v[0] for v in VIEWS])
def test_view_writes_reach_base(name, fn):
    _check_view_writes(fn)


def test_expand_and_broadcast_share_memory():
    e, t = _pair((3, 1))
    for out in (e.expand(2, 3, 4), ember.broadcast_to(e, (3, 5)), ember.broadcast_tensors(
            e, ember.zeros(4))[0], ember.meshgrid(e[:, 0], e[:2, 0], indexing="ij")[0]):
        assert out._base is e and numpy.shares_memory(out._data, e._data)
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


def test_reshape_of_noncontiguous_copies():
    _check_copy(lambda lib, x: lib.reshape(x.transpose(0, 2), (-1,)))


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
    lambda lib: lib.diagonal(_x(lib, 3, 4), 0, 0, -2),
    lambda lib: lib.as_strided(_x(lib, 3, 4), (2, 2), (1, 2), 100),
    lambda lib: lib.as_strided(_x(lib, 3, 4), (2,), (-1,)),
    lambda lib: lib.as_strided(_x(lib, 3, 4), (2,), (1, 1)),
]


@pytest.mark.parametrize("fn", ERRORS, ids=range(len(ERRORS)))
def test_errors_match_torch(fn):
    _same_error(fn)
