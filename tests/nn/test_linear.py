"""Identity, Linear, Bilinear, Flatten, Unflatten against torch (weights copied from torch)."""
import math

import numpy
import pytest
import torch

import ember
from ember import nn


def _copy_weights(tm, em):
    em.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})


def _check(tm, em, *shapes, dtype=numpy.float32, rtol=1e-5, atol=1e-6):
    xs = [numpy.random.randn(*s).astype(dtype) for s in shapes]
    txs = [torch.tensor(x, requires_grad=True) for x in xs]
    exs = [ember.tensor(x, requires_grad=True) for x in xs]
    to, eo = tm(*txs), em(*exs)
    assert tuple(eo.shape) == tuple(to.shape) and str(eo.dtype) == str(to.dtype)
    numpy.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=rtol, atol=atol)
    g = numpy.random.randn(*to.shape).astype(dtype)
    to.backward(torch.tensor(g))
    eo.backward(ember.tensor(g))
    for tx, ex in zip(txs, exs):
        numpy.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=rtol, atol=atol)
    for (tn, tp), (en, ep) in zip(tm.named_parameters(), em.named_parameters()):
        assert tn == en
        numpy.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(5, 4), (4,), (2, 3, 4)])
def test_linear_matches_torch(bias, shape):
    tm, em = torch.nn.Linear(4, 3, bias=bias), nn.Linear(4, 3, bias=bias)
    _copy_weights(tm, em)
    assert repr(em) == repr(tm) and list(em.state_dict()) == list(tm.state_dict())
    _check(tm, em, shape)


def test_linear_float64_and_attributes():
    tm = torch.nn.Linear(3, 2, dtype=torch.float64)
    em = nn.Linear(3, 2, dtype=ember.float64)
    assert em.weight.dtype == ember.float64 and em.bias.dtype == ember.float64
    assert (em.in_features, em.out_features) == (3, 2)
    assert type(em.weight) is nn.Parameter and em.weight.shape == (2, 3)
    _copy_weights(tm, em)
    _check(tm, em, (4, 3), dtype=numpy.float64, rtol=1e-12, atol=1e-12)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied "
                                           r"\(4x5 and 3x2\)"):
        em(ember.ones(4, 5, dtype=ember.float64))


def test_linear_default_init_distribution():
    # torch: weight and bias uniform on +-1/sqrt(in_features)
    em = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w, b = em.weight.detach().numpy(), em.bias.detach().numpy()
    assert w.min() >= -bound and w.max() <= bound and b.min() >= -bound and b.max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.01 * bound  # std of U(-a, a) is a/sqrt(3)
    assert abs(w.mean()) < 0.01 * bound and w.max() > 0.99 * bound
    assert abs(b.std() - bound / math.sqrt(3)) < 0.1 * bound
    assert em.weight.requires_grad and em.weight.is_leaf


def test_bilinear_matches_torch():
    tm, em = torch.nn.Bilinear(3, 4, 2), nn.Bilinear(3, 4, 2)
    _copy_weights(tm, em)
    assert repr(em) == repr(tm)
    _check(tm, em, (5, 3), (5, 4))
    bound = 1 / math.sqrt(30)  # torch: U(+-1/sqrt(in1_features))
    w = nn.Bilinear(30, 4, 50).weight.detach().numpy()
    assert w.min() >= -bound and w.max() <= bound and w.max() > 0.95 * bound


def test_identity_flatten_unflatten():
    assert nn.Identity(54, unused="x")(ember.ones(2)).tolist() == [1.0, 1.0]
    for args in ((), (0,), (1, 2), (-3, -2)):
        tm, em = torch.nn.Flatten(*args), nn.Flatten(*args)
        assert repr(em) == repr(tm)
        _check(tm, em, (2, 3, 4, 5))
    for dim, size in ((1, (2, 3)), (-1, [5, 1]), (1, (-1, 2))):
        tm, em = torch.nn.Unflatten(dim, size), nn.Unflatten(dim, size)
        assert repr(em) == repr(tm)
        _check(tm, em, (4, 6, 5) if dim == 1 else (4, 5))
    with pytest.raises(TypeError, match="unflattened_size must be tuple of ints, but found "
                                        "element of type float at pos 1"):
        nn.Unflatten(1, (2, 3.0))
    with pytest.raises(TypeError, match="unflattened_size must be a tuple of ints, but found "
                                        "type int"):
        nn.Unflatten(1, 6)
