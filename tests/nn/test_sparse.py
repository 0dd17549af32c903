"""nn.Embedding against torch: lookup, weight gradient, padding_idx, max_norm, from_pretrained."""
import numpy
import pytest
import torch

import ember
from ember import nn


def _pair(*args, **kwargs):
    tm = torch.nn.Embedding(*args, **kwargs)
    em = nn.Embedding(*args, **kwargs)
    em.load_state_dict({k: v.numpy() for k, v in tm.state_dict().items()})
    return tm, em


def _run(tm, em, idx, rtol=1e-6, atol=1e-7):
    to, eo = tm(torch.tensor(idx)), em(ember.tensor(idx))
    assert tuple(eo.shape) == tuple(to.shape) and str(eo.dtype) == str(to.dtype)
    numpy.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=rtol, atol=atol)
    g = numpy.random.default_rng(0).standard_normal(tuple(to.shape)).astype(numpy.float32)
    to.backward(torch.tensor(g))
    eo.backward(ember.tensor(g))
    numpy.testing.assert_allclose(em.weight.grad.numpy(), tm.weight.grad.numpy(), rtol=rtol,
                                  atol=atol)
    numpy.testing.assert_allclose(em.weight.detach().numpy(), tm.weight.detach().numpy(),
                                  rtol=rtol, atol=atol)


# repeated indices: their gradients accumulate into one row
IDX = numpy.array([[1, 2, 4, 5], [4, 3, 2, 9], [0, 0, 9, 1]], dtype=numpy.int64)


@pytest.mark.parametrize("idx", [IDX, IDX[0], numpy.array(3), IDX.reshape(3, 2, 2)])
def test_embedding_matches_torch(idx):
    tm, em = _pair(10, 3)
    assert repr(em) == repr(tm) == "Embedding(10, 3)"
    assert list(em.state_dict()) == ["weight"] and type(em.weight) is nn.Parameter
    _run(tm, em, idx)


@pytest.mark.parametrize("padding_idx", [0, 4, -1])
def test_padding_idx(padding_idx):
    em = nn.Embedding(10, 3, padding_idx=padding_idx)
    tm = torch.nn.Embedding(10, 3, padding_idx=padding_idx)
    assert em.padding_idx == tm.padding_idx and repr(em) == repr(tm)
    row = em.padding_idx
    # the padding row starts at zero
    numpy.testing.assert_array_equal(em.weight.detach().numpy()[row], numpy.zeros(3))
    # give the pad a nonzero value: it is still looked up but gets no gradient
    with torch.no_grad():
        tm.weight[row] = torch.tensor([1.0, 2.0, 3.0])
    em.load_state_dict({k: v.numpy() for k, v in tm.state_dict().items()})
    _run(tm, em, IDX)
    numpy.testing.assert_array_equal(em.weight.grad.numpy()[row], numpy.zeros(3))


def test_padding_idx_out_of_range():
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(10, 3, padding_idx=10)
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(10, 3, padding_idx=-11)


def test_max_norm_renormalises_rows_in_place():
    tm, em = _pair(10, 4, max_norm=1.0)
    assert repr(em) == repr(tm)
    _run(tm, em, IDX, rtol=1e-5, atol=1e-6)
    norms = numpy.linalg.norm(em.weight.detach().numpy()[numpy.unique(IDX)], axis=1)
    assert (norms <= 1.0 + 1e-5).all()


def test_reprs_match_torch():
    for kwargs in ({"padding_idx": 2, "max_norm": 2.0, "norm_type": 1.0},
                   {"scale_grad_by_freq": True}, {"sparse": True}, {"norm_type": 2}):
        assert repr(nn.Embedding(5, 2, **kwargs)) == repr(torch.nn.Embedding(5, 2, **kwargs))


def test_default_init_is_standard_normal():
    ember.manual_seed(0)
    w = nn.Embedding(1000, 50).weight.detach().numpy()
    assert w.dtype == numpy.float32 and w.shape == (1000, 50)
    assert abs(w.mean()) < 0.01 and abs(w.std() - 1) < 0.01  # 50000 draws of N(0, 1)


def test_dtype_and_shape_attributes():
    em = nn.Embedding(6, 2, dtype=ember.float64)
    assert em.weight.dtype == ember.float64
    assert (em.num_embeddings, em.embedding_dim, em.max_norm, em.norm_type) == (6, 2, None, 2.0)
    assert (em.scale_grad_by_freq, em.sparse) == (False, False)
    with pytest.raises(AssertionError, match="Shape of weight does not match num_embeddings "
                                             "and embedding_dim"):
        nn.Embedding(6, 3, _weight=ember.zeros(6, 2))


@pytest.mark.parametrize("freeze", [True, False])
def test_from_pretrained(freeze):
    w = numpy.arange(12, dtype=numpy.float32).reshape(4, 3)
    tm = torch.nn.Embedding.from_pretrained(torch.tensor(w), freeze=freeze, padding_idx=1)
    em = nn.Embedding.from_pretrained(ember.tensor(w), freeze=freeze, padding_idx=1)
    assert repr(em) == repr(tm) == "Embedding(4, 3, padding_idx=1)"
    assert em.weight.requires_grad is (not freeze) and type(em.weight) is nn.Parameter
    # the given weights are used as they are (the pad row is not zeroed)
    numpy.testing.assert_array_equal(em.weight.detach().numpy(), w)
    idx = numpy.array([[0, 1], [3, 3]])
    to, eo = tm(torch.tensor(idx)), em(ember.tensor(idx))
    numpy.testing.assert_array_equal(eo.detach().numpy(), to.detach().numpy())
    assert eo.requires_grad is to.requires_grad is (not freeze)
    if not freeze:
        g = numpy.ones((2, 2, 3), numpy.float32)
        to.backward(torch.tensor(g))
        eo.backward(ember.tensor(g))
        numpy.testing.assert_array_equal(em.weight.grad.numpy(), tm.weight.grad.numpy())
        assert not em.weight.grad.numpy()[1].any()
    else:
        assert em.weight.grad is None
    assert next(iter(em.parameters())) is em.weight


def test_from_pretrained_requires_2d():
    with pytest.raises(AssertionError, match="Embeddings parameter is expected to be "
                                             "2-dimensional"):
        nn.Embedding.from_pretrained(ember.zeros(3))


def test_int32_indices():
    tm, em = _pair(10, 3)
    _run(tm, em, IDX.astype(numpy.int32))
