"""Sorting, selections, unique and counting beyond the op table: errors with torch's types
and messages, named-tuple results, dtype rules, and small cases checked by hand."""
import math
import pickle

import pytest

import ember
from test_reduction import X, grad_of


def test_bad_dim():
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of "
                                         r"\[-2, 1\], but got 2\)"):
        ember.ones(2, 3).sort(2)


def test_dtype_errors():
    with pytest.raises(NotImplementedError, match="\"histogram_cpu\" not implemented for 'Long'"):
        ember.histc(ember.tensor([1, 2]))
    with pytest.raises(NotImplementedError, match="\"bincount_cpu\" not implemented for 'Float'"):
        ember.bincount(ember.tensor([1.0]))


def test_argument_errors():
    x = ember.ones(2, 3)
    with pytest.raises(RuntimeError, match="kthvalue\\(\\): selected number k out of range for "
                                           "dimension 1"):
        ember.kthvalue(x, 4, 1)
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        ember.topk(x, 4)
    with pytest.raises(RuntimeError, match="bincount only supports 1-d non-negative integral"):
        ember.bincount(ember.tensor([-1, 2]))
    with pytest.raises(RuntimeError, match="minlength should be >= 0"):
        ember.bincount(ember.tensor([1]), minlength=-1)
    with pytest.raises(RuntimeError, match="torch.histc: max must be larger than min"):
        ember.histc(x, 4, 3, 1)
    with pytest.raises(RuntimeError, match="derivative for aten::bincount is not implemented"):
        w = ember.tensor([0.5, 1.0], requires_grad=True)
        ember.bincount(ember.tensor([1, 3]), w).sum().backward()


def test_named_tuple_fields():
    x = ember.tensor(X)
    s = x.sort(1, descending=True)
    assert s.values.tolist() == [[3.0, 3.0, 1.0], [2.0, 2.0, 0.0]]
    assert s.indices.tolist() == [[1, 2, 0], [0, 1, 2]]
    assert pickle.loads(pickle.dumps(ember.topk(x, 1))).indices.tolist() == [[1], [0]]
    # torch returns a plain tuple from unique
    assert type(ember.unique(x, return_counts=True)) is tuple


def test_bincount_dtypes():
    assert ember.bincount(ember.tensor([1, 3]), ember.tensor([1.0, 2.0])).dtype is ember.float32
    assert ember.bincount(ember.tensor([1, 3]), ember.tensor([1, 2])).dtype is ember.float64


def test_full_median_splits_ties():
    assert grad_of(ember.median, X) == [[0.0, 0.0, 0.0], [0.5, 0.5, 0.0]]


def test_median_mode_kthvalue_small():
    x = ember.tensor([[1.0, 3.0, 3.0, 1.0, 2.0], [2.0, 2.0, 0.0, 2.0, 0.0]])
    assert ember.median(x).item() == 2.0  # the lower median of ten values
    assert ember.median(ember.tensor([4.0, 1.0, 3.0, 2.0])).item() == 2.0
    m = ember.mode(x, 1)
    assert m.values.tolist() == [1.0, 2.0] and m.indices.tolist() == [3, 3]
    k = ember.kthvalue(ember.tensor([5.0, 1.0, 4.0]), 2)
    assert (k.values.item(), k.indices.item()) == (4.0, 2)
    nan = float("nan")
    assert ember.nanmedian(ember.tensor([1.0, nan, 2.0, 3.0])).item() == 2.0
    assert math.isnan(ember.median(ember.tensor([1.0, nan, 2.0])).item())
    assert math.isnan(ember.median(ember.tensor([])).item())


def test_zero_dim_inputs():
    s = ember.tensor(3.0, requires_grad=True)
    for r in (ember.sort(s), ember.median(s, 0), ember.kthvalue(s, 1), ember.topk(s, 1),
              ember.mode(s)):
        assert r.values.shape == () and r.indices.shape == () and r.indices.item() == 0


def test_topk_unsorted_holds_the_same_elements():
    x = ember.tensor([[0.3, -1.0, 2.5, 0.7, 1.1]])
    r = ember.topk(x, 3, sorted=False)
    assert sorted(r.values.tolist()[0]) == pytest.approx([0.7, 1.1, 2.5])
    assert sorted(r.indices.tolist()[0]) == [2, 3, 4]


def test_sort_is_stable_with_nan_last_or_first():
    nan = float("nan")
    x = ember.tensor([3.0, nan, 1.0, nan, 3.0])
    assert ember.sort(x).indices.tolist() == [2, 0, 4, 1, 3]
    assert ember.sort(x, descending=True).indices.tolist() == [1, 3, 0, 4, 2]
    assert ember.argsort(x, descending=True).tolist() == [1, 3, 0, 4, 2]


def test_unique_forms():
    x = ember.tensor([3, 1, 2, 3, 1, 5])
    values, inverse, counts = ember.unique(x, return_inverse=True, return_counts=True)
    assert values.tolist() == [1, 2, 3, 5] and inverse.tolist() == [2, 0, 1, 2, 0, 3]
    assert counts.tolist() == [2, 1, 2, 1]
    assert ember.unique(x, sorted=False).tolist() == [1, 2, 3, 5]
    rows = ember.tensor([[1, 2], [1, 2], [0, 5]])
    values, inverse = ember.unique(rows, dim=0, return_inverse=True)
    assert values.tolist() == [[0, 5], [1, 2]] and inverse.tolist() == [1, 1, 0]
    out, counts = ember.unique_consecutive(ember.tensor([1, 1, 2, 2, 3, 1]), return_counts=True)
    assert out.tolist() == [1, 2, 3, 1] and counts.tolist() == [2, 2, 1, 1]


def test_histc_and_bincount_small():
    assert ember.histc(ember.tensor([1.0, 2.0, 1.0, 4.0]), bins=4, min=0, max=3).tolist() == \
        [0.0, 2.0, 1.0, 0.0]
    assert ember.histc(ember.tensor([2.0, 2.0]), bins=4).tolist() == [0.0, 0.0, 2.0, 0.0]
    assert ember.bincount(ember.tensor([1, 3, 1]), minlength=6).tolist() == [0, 2, 0, 1, 0, 0]
    assert ember.bincount(ember.tensor([], dtype=ember.int64)).tolist() == []
