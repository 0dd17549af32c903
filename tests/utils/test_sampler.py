"""Samplers: torch's orders where they are deterministic, torch's rules where random."""
import pytest
import torch.utils.data as tud

import ember
from ember.utils.data import (
    BatchSampler,
    DistributedSampler,
    RandomSampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)


def test_sequential_and_batch_match_torch():
    assert list(SequentialSampler(range(5))) == list(tud.SequentialSampler(range(5)))
    for n, bs, drop in [(10, 3, False), (10, 3, True), (9, 3, True), (2, 5, False)]:
        e = BatchSampler(SequentialSampler(range(n)), bs, drop)
        t = tud.BatchSampler(tud.SequentialSampler(range(n)), bs, drop)
        assert list(e) == list(t) and len(e) == len(t)


@pytest.mark.parametrize("n,replicas,drop", [(10, 3, False), (10, 3, True), (2, 5, False),
                                             (12, 4, False), (7, 2, True)])
def test_distributed_sampler_equals_torch_without_shuffle(n, replicas, drop):
    for rank in range(replicas):
        e = DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop)
        t = tud.DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop)
        assert list(e) == list(t) and len(e) == len(t)


def test_distributed_sampler_shuffle_partitions_and_follows_epoch():
    parts = [list(DistributedSampler(range(11), 3, r, seed=4)) for r in range(3)]
    flat = sum(parts, [])
    assert len(flat) == 12 and set(flat) == set(range(11))  # one index repeated as padding
    s = DistributedSampler(range(11), 3, 0, seed=4)
    first = list(s)
    assert list(s) == first
    s.set_epoch(1)
    assert list(s) != first
    order = ember.randperm(11, generator=ember.Generator().manual_seed(5)).tolist()
    assert list(s) == (order + order[:1])[0:12:3]


def test_random_sampler_seeding_and_replacement():
    ember.manual_seed(0)
    a = list(RandomSampler(range(20)))
    ember.manual_seed(0)
    assert list(RandomSampler(range(20))) == a and sorted(a) == list(range(20))
    g = ember.Generator().manual_seed(2)
    b = list(RandomSampler(range(20), generator=g))
    assert list(RandomSampler(range(20), generator=ember.Generator().manual_seed(2))) == b
    r = list(RandomSampler(range(5), replacement=True, num_samples=70))
    assert len(r) == 70 and set(r) <= set(range(5))
    r = list(RandomSampler(range(5), num_samples=12))
    assert len(r) == 12 and sorted(r[:10]) == sorted(list(range(5)) * 2)


def test_subset_and_weighted_samplers():
    s = list(SubsetRandomSampler([3, 5, 9], generator=ember.Generator().manual_seed(1)))
    assert sorted(s) == [3, 5, 9]
    w = list(WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 200))
    assert set(w) == {1, 3} and 100 < w.count(3) < 190
    w = list(WeightedRandomSampler([1.0, 1.0, 5.0], 3, replacement=False))
    assert sorted(w) == [0, 1, 2]


@pytest.mark.parametrize("make", [
    lambda: RandomSampler(range(11)),
    lambda: RandomSampler(range(11), generator=ember.Generator().manual_seed(3)),
    lambda: RandomSampler(range(4), replacement=True, num_samples=40),
    lambda: SubsetRandomSampler(list(range(0, 22, 2))),
    lambda: WeightedRandomSampler([1.0, 2.0, 3.0], 9),
    lambda: DistributedSampler(range(11), 2, 1, seed=3),
    lambda: BatchSampler(RandomSampler(range(11)), 3, False),
])
def test_state_dict_resumes_exactly(make):
    ember.manual_seed(8)
    full = list(make())
    ember.manual_seed(8)
    s = make()
    it = iter(s)
    head = [next(it) for _ in range(3)]
    state = s.state_dict()
    ember.manual_seed(100)
    s2 = make()
    s2.load_state_dict(state)
    assert head + list(s2) == full
    assert s2.state_dict()["yielded"] == len(full)


def test_bad_arguments_match_torch():
    for ctor, msg in [(lambda m: m.RandomSampler(range(3), replacement=1), "replacement should "
                       "be a boolean value, but got replacement=1"),
                      (lambda m: m.RandomSampler(range(3), num_samples=0), "num_samples should "
                       "be a positive integer value, but got num_samples=0"),
                      (lambda m: m.BatchSampler(range(3), 0, False), "batch_size should be a "
                       "positive integer value, but got batch_size=0"),
                      (lambda m: m.BatchSampler(range(3), 2, 1), "drop_last should be a "
                       "boolean value, but got drop_last=1"),
                      (lambda m: m.WeightedRandomSampler([[1.0]], 2), r"weights should be a "
                       r"1d sequence but given weights have shape \(1, 1\)"),
                      (lambda m: m.DistributedSampler(range(3), 2, 2), r"Invalid rank 2, rank "
                       r"should be in the interval \[0, 1\]")]:
        for mod in (tud, __import__("ember.utils.data", fromlist=["x"])):
            with pytest.raises((ValueError, TypeError), match=msg):
                ctor(mod)
    with pytest.raises(TypeError):
        RandomSampler(range(3), replacement=1)
