"""Dropout modules: identity in eval(), torch's mask rate and exact scaling in train()."""
import math

import numpy
import pytest
import torch

import ember
from ember import nn

ALL = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]
SHAPES = {"Dropout": (40, 50), "Dropout1d": (40, 50, 6), "Dropout2d": (40, 50, 3, 2),
          "Dropout3d": (40, 50, 2, 2, 2), "AlphaDropout": (40, 50),
          "FeatureAlphaDropout": (40, 50, 3, 2)}


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("args,kwargs", [((), {}), ((0.2,), {}), ((), {"p": 0.7, "inplace": True})])
def test_repr_and_attributes(name, args, kwargs):
    em, tm = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(em) == repr(tm)
    assert (em.p, em.inplace) == (tm.p, tm.inplace)


@pytest.mark.parametrize("name", ALL)
def test_eval_is_identity(name):
    x = ember.randn(*SHAPES[name], requires_grad=True)
    m = getattr(nn, name)(0.5).eval()
    assert not m.training
    out = m(x)
    numpy.testing.assert_array_equal(out.detach().numpy(), x.detach().numpy())
    out.sum().backward()
    numpy.testing.assert_array_equal(x.grad.numpy(), numpy.ones(SHAPES[name], numpy.float32))


def _kept(name, out):
    """Boolean mask of kept units (per element, or per (N, C) channel for feature dropout)."""
    if name in ("Dropout", "AlphaDropout"):
        a = out
    else:
        a = out.reshape(out.shape[0], out.shape[1], -1)
    if name.startswith("Dropout"):
        kept = a != 0
    else:  # alpha dropout: dropped units all take the same value -a*alpha' + b
        kept = ~numpy.isclose(a, _alpha_consts(0.3)[1])
    if a.ndim == 3:
        # a feature is dropped or kept whole
        assert (kept.all(-1) | (~kept).all(-1)).all()
        kept = kept[..., 0]
    return kept


def _alpha_consts(p):
    alpha_p = -1.7580993408473766
    a = 1.0 / math.sqrt((alpha_p * alpha_p * p + 1) * (1 - p))
    return a, a * alpha_p + (-a * alpha_p * p)


@pytest.mark.parametrize("name", ALL)
def test_train_mask_rate_and_scaling(name):
    p = 0.3
    ember.manual_seed(0)
    x0 = numpy.random.default_rng(0).uniform(0.5, 2.0, SHAPES[name]).astype(numpy.float32)
    x = ember.tensor(x0, requires_grad=True)
    m = getattr(nn, name)(p)
    assert m.training
    out = m(x)
    o = out.detach().numpy()
    kept = _kept(name, o)
    n = kept.size
    rate = 1 - kept.mean()
    # 2000 draws: the dropped fraction is within 4.5 standard deviations of p
    assert abs(rate - p) < 4.5 * math.sqrt(p * (1 - p) / n)
    g = numpy.random.default_rng(1).standard_normal(SHAPES[name]).astype(numpy.float32)
    out.backward(ember.tensor(g))
    full = kept.reshape(kept.shape + (1,) * (x0.ndim - kept.ndim))
    full = numpy.broadcast_to(full, x0.shape)
    if name.startswith("Dropout"):
        scale = numpy.float32(1 / (1 - p))
        numpy.testing.assert_allclose(o[full], x0[full] * scale, rtol=1e-6)
        numpy.testing.assert_array_equal(o[~full], 0)
        numpy.testing.assert_allclose(x.grad.numpy(), numpy.where(full, g * scale, 0), rtol=1e-6)
    else:
        a, dropped_value = _alpha_consts(p)
        b = -a * (-1.7580993408473766) * p
        numpy.testing.assert_allclose(o[full], x0[full] * a + b, rtol=1e-5)
        numpy.testing.assert_allclose(o[~full], dropped_value, rtol=1e-5)
        numpy.testing.assert_allclose(x.grad.numpy(), numpy.where(full, g * a, 0), rtol=1e-5)


def test_alpha_constants_match_torch():
    # torch's alpha dropout of a constant input: kept units map to x*a+b, dropped to a fixed value
    torch.manual_seed(0)
    to = torch.nn.AlphaDropout(0.3)(torch.full((4000,), 1.5)).numpy()
    a, dropped = _alpha_consts(0.3)
    b = -a * (-1.7580993408473766) * 0.3
    numpy.testing.assert_allclose(numpy.unique(to), sorted([1.5 * a + b, dropped]), rtol=1e-6)


def test_p_edge_cases():
    x = ember.randn(5, 6)
    out = nn.Dropout(1.0)(x)
    numpy.testing.assert_array_equal(out.numpy(), numpy.zeros((5, 6), numpy.float32))
    numpy.testing.assert_array_equal(nn.Dropout(0.0)(x).numpy(), x.numpy())
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but "
                                         "got 1.5"):
        nn.Dropout(1.5)
    with pytest.raises(ValueError, match="but got -0.1"):
        nn.Dropout2d(-0.1)


def test_inplace_dropout_modifies_input():
    ember.manual_seed(1)
    x = ember.ones(50, 40)
    out = nn.Dropout(0.5, inplace=True)(x)
    vals = set(numpy.unique(x.numpy()).tolist())
    assert vals == {0.0, 2.0}
    numpy.testing.assert_array_equal(out.numpy(), x.numpy())


def test_dropout1d_unbatched_and_errors():
    ember.manual_seed(2)
    out = nn.Dropout1d(0.5)(ember.ones(300, 4)).numpy()
    # (C, L) input: whole rows (channels) dropped
    assert ((out == 0).all(1) | (out == 2).all(1)).all()
    assert 0.3 < (out[:, 0] == 0).mean() < 0.7
    with pytest.raises(RuntimeError) as te:
        torch.nn.Dropout1d()(torch.ones(2, 3, 4, 5))
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input, but received "
                                           "a 4D input") as ee:
        nn.Dropout1d()(ember.ones(2, 3, 4, 5))
    assert str(ee.value) == str(te.value)
