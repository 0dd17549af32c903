"""EmbeddingBag and F.embedding_bag: module behaviour and errors against torch (the values
and gradients of every mode are swept in tests/op_db/sampling.py)."""
import numpy
import pytest
import torch
import torch.nn.functional as TF

import ember
from ember.nn.modules.sparse import EmbeddingBag
from ember.ops.embedding_bag import embedding_bag


def test_module_matches_torch_with_copied_weight():
    tm = torch.nn.EmbeddingBag(10, 3, mode="max", padding_idx=2)
    em = EmbeddingBag(10, 3, mode="max", padding_idx=2)
    assert repr(em) == repr(tm)
    assert float(em.weight[2].abs().sum()) == 0.0  # the padding row starts at zero
    em.weight.data.copy_(ember.tensor(tm.weight.detach().numpy()))
    idx, off = [1, 2, 4, 5, 2, 3, 9], [0, 3, 3]
    got = em(ember.tensor(idx), ember.tensor(off))
    want = tm(torch.tensor(idx), torch.tensor(off))
    numpy.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-6)
    got.sum().backward()
    want.sum().backward()
    numpy.testing.assert_allclose(em.weight.grad.numpy(), tm.weight.grad.numpy())


def test_init_is_standard_normal():
    ember.manual_seed(0)
    w = EmbeddingBag(2000, 50).weight.detach().numpy()
    assert abs(w.mean()) < 0.01 and abs(w.std() - 1.0) < 0.01


def test_from_pretrained_freezes_and_sums():
    w = numpy.arange(12, dtype=numpy.float32).reshape(4, 3)
    m = EmbeddingBag.from_pretrained(ember.tensor(w), mode="sum")
    assert not m.weight.requires_grad
    out = m(ember.tensor([[0, 1], [2, 3]]))
    numpy.testing.assert_array_equal(out.numpy(), w[[0, 2]] + w[[1, 3]])
    assert EmbeddingBag.from_pretrained(ember.tensor(w), freeze=False).weight.requires_grad


def test_max_norm_renormalises_used_rows_in_place():
    w = numpy.random.default_rng(0).standard_normal((6, 4)) * 3
    we, wt = ember.tensor(w), torch.tensor(w)
    idx, off = [0, 2, 2, 5], [0, 1]
    got = embedding_bag(ember.tensor(idx), we, ember.tensor(off), max_norm=1.0, mode="sum")
    want = TF.embedding_bag(torch.tensor(idx), wt, torch.tensor(off), max_norm=1.0, mode="sum")
    numpy.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
    numpy.testing.assert_allclose(we.numpy(), wt.numpy(), rtol=1e-6)


@pytest.mark.parametrize("args, kwargs, exc, match", [
    (([1, 2], [0]), {"mode": "foo"}, ValueError, "mode has to be one of sum, mean or max"),
    (([1, 2], None), {}, ValueError, "offsets has to be a 1D Tensor but got None"),
    (([[1, 2]], [0]), {}, ValueError, "if input is 2D, then offsets has to be None"),
    (([1, 2], [0]), {"mode": "mean", "per_sample_weights": [1.0, 2.0]}, NotImplementedError,
     "per_sample_weights is only supported for mode='sum' \\(got mode='mean'\\)"),
    (([1, 20], [0]), {}, RuntimeError, (r"Index 1 of input takes value 20 which is not in the "
     r"valid range \[0, 10\)")),
    (([1, 2], [1]), {}, RuntimeError, "offsets\\[0\\] has to be 0"),
])
def test_errors_match_torch(args, kwargs, exc, match):
    w = numpy.ones((10, 3), dtype=numpy.float32)
    for lib, fn in ((ember, embedding_bag), (torch, TF.embedding_bag)):
        kw = dict(kwargs)
        if "per_sample_weights" in kw:
            kw["per_sample_weights"] = lib.tensor(kw["per_sample_weights"])
        inp = lib.tensor(args[0])
        off = None if args[1] is None else lib.tensor(args[1])
        with pytest.raises(exc, match=match):
            fn(inp, lib.tensor(w), off, **kw)
