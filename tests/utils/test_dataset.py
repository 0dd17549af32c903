"""Datasets and random_split against torch.utils.data."""
import warnings

import numpy
import pytest
import torch
import torch.utils.data as tud

import ember
from ember.utils.data import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    StackDataset,
    Subset,
    TensorDataset,
    random_split,
)


class Count(IterableDataset):
    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    def __iter__(self):
        return iter(range(self.lo, self.hi))

    def __len__(self):
        return self.hi - self.lo


def test_tensor_dataset():
    x = numpy.arange(12.0).reshape(4, 3)
    e = TensorDataset(ember.tensor(x), ember.arange(4))
    t = tud.TensorDataset(torch.tensor(x), torch.arange(4))
    assert len(e) == len(t) == 4
    for i in (0, 3, -1):
        numpy.testing.assert_array_equal(e[i][0].numpy(), t[i][0].numpy())
        assert e[i][1].item() == t[i][1].item()
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(ember.ones(3), ember.ones(4))


def test_concat_subset_stack():
    a, b = list(range(5)), list(range(10, 13))
    e, t = ConcatDataset([a, b]), tud.ConcatDataset([a, b])
    assert len(e) == len(t) == 8 and e.cumulative_sizes == t.cumulative_sizes
    assert [e[i] for i in range(-8, 8)] == [t[i] for i in range(-8, 8)]
    with pytest.raises(ValueError, match="absolute value of index should not exceed"):
        e[-9]
    s = Subset(list("abcdef"), [4, 0, 2])
    assert len(s) == 3 and [s[i] for i in range(3)] == ["e", "a", "c"]
    assert s.__getitems__([2, 0]) == ["c", "e"]
    st = StackDataset(a, [x * 2 for x in a])
    assert st[3] == tud.StackDataset(a, [x * 2 for x in a])[3] == (3, 6)
    assert StackDataset(x=a, y=a).__getitems__([1, 2]) == [{"x": 1, "y": 1}, {"x": 2, "y": 2}]
    with pytest.raises(ValueError, match="Size mismatch between datasets"):
        StackDataset(a, b)
    with pytest.raises(ValueError, match="At least one dataset should be passed"):
        StackDataset()


def test_add_and_chain():
    class L(Dataset):
        def __init__(self, n):
            self.n = n

        def __len__(self):
            return self.n

        def __getitem__(self, i):
            return i
    both = L(2) + L(3)
    assert isinstance(both, ConcatDataset) and [both[i] for i in range(5)] == [0, 1, 0, 1, 2]
    chain = Count(0, 2) + Count(5, 7)
    assert isinstance(chain, ChainDataset) and list(chain) == [0, 1, 5, 6] and len(chain) == 4
    with pytest.raises(NotImplementedError):
        Dataset()[0]


def test_random_split_lengths_and_fractions():
    g = ember.Generator().manual_seed(0)
    parts = random_split(range(10), [3, 7], generator=g)
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(sum((list(p) for p in parts), [])) == list(range(10))
    again = random_split(range(10), [3, 7], generator=ember.Generator().manual_seed(0))
    assert [list(p) for p in again] == [list(p) for p in parts]
    for fr in ([0.3, 0.3, 0.4], [0.5, 0.5], [0.1, 0.2, 0.7]):
        e = [len(p) for p in random_split(range(11), fr)]
        t = [len(p) for p in tud.random_split(range(11), fr)]
        assert e == t
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match="Fraction at index 2 is not between 0 and 1"):
        random_split(range(10), [0.5, 0.7, -0.2])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        random_split(range(2), [0.1, 0.9])
    assert any("Length of split at index" in str(x.message) for x in w) == any(
        len(p) == 0 for p in tud.random_split(range(2), [0.1, 0.9]))
