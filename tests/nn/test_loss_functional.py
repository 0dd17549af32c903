"""Loss functions outside the op table: torch's errors, legacy reduction arguments, weighted
means, and numerical stability at extreme inputs."""
import warnings

import numpy
import pytest
import torch
import torch.nn.functional as TF

import ember
import ember.nn.functional as F

RNG = numpy.random.default_rng(0)


def both(*arrays):
    return ([ember.tensor(a) for a in arrays], [torch.from_numpy(a.copy()) for a in arrays])


def same_error(name, *arrays, exc=RuntimeError, **kwargs):
    e, t = both(*arrays)
    with pytest.raises(exc) as te:
        getattr(TF, name)(*t, **kwargs)
    with pytest.raises(exc) as ee:
        getattr(F, name)(*e, **kwargs)
    assert str(ee.value) == str(te.value)
    assert type(ee.value) is type(te.value)


X = RNG.standard_normal((3, 4)).astype(numpy.float32)


def test_target_out_of_bounds_is_index_error():
    for t in ([0, 1, 5], [0, -5, 1]):
        same_error("cross_entropy", X, numpy.array(t), exc=IndexError)
        same_error("nll_loss", X, numpy.array(t), exc=IndexError)
    with pytest.raises(IndexError, match="Target 5 is out of bounds."):
        F.cross_entropy(ember.tensor(X), ember.tensor([0, 1, 5]))


def test_target_shape_and_dtype_errors():
    same_error("cross_entropy", X, numpy.array([0, 1]), exc=ValueError)
    same_error("cross_entropy", X, numpy.ones((3, 4), dtype=numpy.int64))
    same_error("cross_entropy", X, numpy.ones(3, dtype=numpy.float32))
    same_error("nll_loss", X, numpy.ones(3, dtype=numpy.float32))
    x3 = RNG.standard_normal((3, 4, 2)).astype(numpy.float32)
    same_error("nll_loss", x3, numpy.ones((3, 4), dtype=numpy.int64))
    same_error("nll_loss", x3, numpy.ones(3, dtype=numpy.int64))
    with pytest.raises(RuntimeError, match="Expected floating point type for target with class "
                                           "probabilities, got Long"):
        F.cross_entropy(ember.tensor(X), ember.ones(3, 4, dtype=ember.int64))


def test_weight_size_error():
    e, t = both(X, numpy.array([0, 1, 2]))
    with pytest.raises(RuntimeError) as te:
        TF.cross_entropy(*t, weight=torch.ones(3))
    with pytest.raises(RuntimeError) as ee:
        F.cross_entropy(*e, weight=ember.ones(3))
    assert str(ee.value) == str(te.value)


def test_bce_errors():
    p = numpy.full((3, 1), 0.5, dtype=numpy.float32)
    same_error("binary_cross_entropy", p, numpy.ones(3, dtype=numpy.float32), exc=ValueError)
    same_error("binary_cross_entropy", p * 4, p)
    same_error("binary_cross_entropy_with_logits", p, numpy.ones(3, dtype=numpy.float32),
               exc=ValueError)


def test_invalid_reduction():
    for name in ("mse_loss", "l1_loss", "kl_div", "cross_entropy"):
        with pytest.raises(ValueError, match="foo is not a valid value for reduction"):
            args = (ember.tensor(X), ember.tensor([0, 1, 2])) if name == "cross_entropy" else \
                (ember.tensor(X), ember.tensor(X))
            getattr(F, name)(*args, reduction="foo")
    with pytest.raises(ValueError, match="var is of incorrect size"):
        F.gaussian_nll_loss(ember.tensor(X), ember.tensor(X), ember.ones(2))
    with pytest.raises(ValueError, match="var has negative entry/entries"):
        F.gaussian_nll_loss(ember.tensor(X), ember.tensor(X), -ember.ones(3, 4))


def test_legacy_size_average_reduce():
    e, t = both(X, X[::-1].copy())
    for sa, rd in ((False, None), (None, False), (True, True), (False, True)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = TF.mse_loss(*t, size_average=sa, reduce=rd)
        out = F.mse_loss(*e, size_average=sa, reduce=rd)
        numpy.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-6)


def test_weighted_mean_divides_by_weights_of_kept_targets():
    x = RNG.standard_normal((5, 3)).astype(numpy.float32)
    t = numpy.array([0, 2, -100, 1, 2])
    w = numpy.array([1.0, 2.0, 5.0], dtype=numpy.float32)
    e, tt = both(x, t, w)
    out = F.cross_entropy(e[0], e[1], weight=e[2])
    logp = x - numpy.log(numpy.exp(x).sum(1, keepdims=True))
    keep = t != -100
    picked = -logp[keep.nonzero()[0], t[keep]] * w[t[keep]]
    numpy.testing.assert_allclose(out.item(), picked.sum() / w[t[keep]].sum(), rtol=1e-5)
    numpy.testing.assert_allclose(out.item(), TF.cross_entropy(tt[0], tt[1], weight=tt[2]).item(),
                                  rtol=1e-5)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # 0 / 0, silent in torch
def test_all_targets_ignored_gives_nan_like_torch():
    e, t = both(X, numpy.full(3, -100))
    assert numpy.isnan(F.cross_entropy(*e).item()) and numpy.isnan(TF.cross_entropy(*t).item())
    assert F.cross_entropy(*e, reduction="sum").item() == 0.0


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # log(0) before the clamp
def test_stability_at_extremes():
    logits = numpy.array([[1000.0, -1000.0, 0.0]], dtype=numpy.float32)
    e, t = both(logits, numpy.array([1]))
    ce = F.cross_entropy(*e)
    assert numpy.isfinite(ce.item())
    numpy.testing.assert_allclose(ce.item(), TF.cross_entropy(*t).item(), rtol=1e-6)
    x = numpy.array([100.0, -100.0, 100.0, -100.0], dtype=numpy.float32)
    y = numpy.array([0.0, 1.0, 1.0, 0.0], dtype=numpy.float32)
    e, t = both(x, y)
    e[0].requires_grad_(True)
    t[0].requires_grad_(True)
    out = F.binary_cross_entropy_with_logits(*e, reduction="none")
    ref = TF.binary_cross_entropy_with_logits(*t, reduction="none")
    numpy.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-6,
                                  atol=1e-40)   # exp(-100) is a float32 denormal
    out.sum().backward()
    ref.sum().backward()
    numpy.testing.assert_allclose(e[0].grad.numpy(), t[0].grad.numpy(), atol=1e-7)
    # binary_cross_entropy clamps each log at -100: a confident wrong answer costs 100
    p = numpy.array([0.0, 1.0, 0.0, 1.0], dtype=numpy.float32)
    e, t = both(p, y)
    out = F.binary_cross_entropy(*e, reduction="none")
    numpy.testing.assert_allclose(out.numpy(), TF.binary_cross_entropy(*t, reduction="none")
                                  .numpy())
    numpy.testing.assert_allclose(out.numpy(), [0.0, 0.0, 100.0, 100.0])


def test_kl_div_mean_warns_and_batchmean():
    lp = numpy.log(numpy.full((2, 4), 0.25, dtype=numpy.float32))
    q = numpy.array([[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]], dtype=numpy.float32)
    e, t = both(lp, q)
    with pytest.warns(UserWarning, match="'batchmean'"):
        F.kl_div(*e)
    expect = (q * (numpy.log(q) - lp)).sum() / 2
    numpy.testing.assert_allclose(F.kl_div(*e, reduction="batchmean").item(), expect, rtol=1e-6)
    numpy.testing.assert_allclose(TF.kl_div(*t, reduction="batchmean").item(), expect, rtol=1e-6)


@pytest.mark.parametrize("name, args, kwargs", [
    ("cosine_embedding_loss", (X, X[0], numpy.array([1])), {}),
    ("cosine_embedding_loss", (X[0], X[0], numpy.array([1])), {}),
    ("cosine_embedding_loss", (X[0], X[0], numpy.ones((1, 1), dtype=numpy.int64)), {}),
    ("margin_ranking_loss", (X[0], X, X[0]), {}),
    ("triplet_margin_loss", (X, X[0], X), {}),
    ("mse_loss", (X, X), dict(weight=torch.ones(3))),
    ("cross_entropy", (X, numpy.array([0, 1, 2])), dict(label_smoothing=1.5)),
    ("cross_entropy", (X, numpy.full((3, 4), 0.25, dtype=numpy.float32)), dict(ignore_index=1)),
    ("nll_loss", (X[0], numpy.zeros((1, 1), dtype=numpy.int64)), {}),
    ("smooth_l1_loss", (X, X), dict(beta=-1.0)),
    ("kl_div", (X, X), dict(reduction="foo")),
])
def test_loss_errors_match_torch(name, args, kwargs):
    t_kw = dict(kwargs)
    e_kw = {k: (ember.ones(*v.shape) if isinstance(v, torch.Tensor) else v)
            for k, v in kwargs.items()}
    with pytest.raises(Exception) as te:
        getattr(TF, name)(*[torch.from_numpy(a.copy()) for a in args], **t_kw)
    with pytest.raises(type(te.value)) as ee:
        getattr(F, name)(*[ember.tensor(a) for a in args], **e_kw)
    assert str(ee.value) == str(te.value)
