"""torch.<nn op> at top level: ATen's signatures (positional flags, int reductions, embedding's
weight-first order), compared with torch on the same inputs."""
import numpy
import pytest
import torch

import ember

_rng = numpy.random.default_rng(0)


def _pair(*shape):
    a = _rng.standard_normal(shape).astype(numpy.float32)
    return ember.tensor(a), torch.tensor(a)


def _close(e, t):
    numpy.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_every_top_level_name_exists_in_torch_too():
    names = [n for n, m in ember._LAZY_FUNCTIONS.items() if m == "_nn_ops"]
    assert len(names) > 35
    for name in names:
        assert callable(getattr(ember, name)) and callable(getattr(torch, name)), name


def test_aten_signatures_match_torch():
    xe, xt = _pair(4, 3, 5, 5)
    me, mt = _pair(3)
    ve, vt = (lambda a: (ember.tensor(a), torch.tensor(a)))(
        _rng.random(3).astype(numpy.float32) + 0.5)
    _close(ember.batch_norm(xe, None, None, me, ve, False, 0.1, 1e-5, False),
           torch.batch_norm(xt, None, None, mt, vt, False, 0.1, 1e-5, False))
    _close(ember.instance_norm(xe, None, None, None, None, True, 0.1, 1e-5, False),
           torch.instance_norm(xt, None, None, None, None, True, 0.1, 1e-5, False))
    _close(ember.layer_norm(xe, [5, 5]), torch.layer_norm(xt, [5, 5]))
    _close(ember.group_norm(xe, 3), torch.group_norm(xt, 3))
    we, wt = _pair(10, 4)
    idx = [[1, 2, 0], [9, 2, 2]]
    _close(ember.embedding(we, ember.tensor(idx), 2), torch.embedding(wt, torch.tensor(idx), 2))
    _close(ember.dropout(xe, 0.5, False), torch.dropout(xt, 0.5, False))
    ke, kt = _pair(3, 6)
    pe = ember.log_softmax(ke, 1)
    pt = torch.log_softmax(kt, 1)
    qe, qt = ember.softmax(ember.tensor(ke.numpy()[::-1].copy()), 1), torch.softmax(
        torch.tensor(ke.numpy()[::-1].copy()), 1)
    for r in (0, 1, 2):
        _close(ember.kl_div(pe, qe, r), torch.kl_div(pt, qt, r))
    ye = ember.tensor([1.0, -1.0, 1.0])
    yt = torch.tensor([1.0, -1.0, 1.0])
    _close(ember.margin_ranking_loss(ke[:, 0], ke[:, 1], ye, 0.2, 2),
           torch.margin_ranking_loss(kt[:, 0], kt[:, 1], yt, 0.2, 2))
    _close(ember.binary_cross_entropy_with_logits(ke, qe, None, None, 0),
           torch.binary_cross_entropy_with_logits(kt, qt, None, None, 0))
    se, st = _pair(2, 8, 3, 3)
    _close(ember.pixel_shuffle(se, 2), torch.pixel_shuffle(st, 2))
    ce, ct = _pair(6, 3, 3, 3)
    _close(ember.conv2d(xe, ce, None, 1, 1), torch.conv2d(xt, ct, None, 1, 1))
    out_e, idx_e = ember.max_pool1d_with_indices(ke[None], 2)
    out_t, idx_t = torch.max_pool1d_with_indices(kt[None], 2)
    _close(out_e, out_t)
    numpy.testing.assert_array_equal(idx_e.numpy(), idx_t.numpy())


def test_unknown_name_still_raises():
    with pytest.raises(AttributeError, match="has no attribute 'not_an_op'"):
        ember.not_an_op
