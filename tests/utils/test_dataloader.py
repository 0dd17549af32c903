"""ember.utils.data.DataLoader against torch.utils.data.DataLoader and against its own
single-process results (the multi-worker paths must give the same batches)."""
import math
import os
import signal
import time

import numpy
import pytest
import torch
import torch.utils.data as tud

import ember
from ember.utils.data import (
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    TensorDataset,
    get_worker_info,
)


class Squares(Dataset):
    """Map-style: sample i is (tensor [i, i*i], i); index 7 fails when asked to."""

    def __init__(self, n=10, fail_at=None):
        self.n, self.fail_at = n, fail_at

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.fail_at:
            raise ValueError(f"cannot read item {i}")
        return ember.tensor([i, i * i]), i


class Stream(IterableDataset):
    """Iterable 0..n-1, split between workers as torch's docs show."""

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.n))
        per = int(math.ceil(self.n / info.num_workers))
        return iter(range(info.id * per, min(self.n, (info.id + 1) * per)))

    def __len__(self):
        return self.n


class WorkerFacts(Dataset):
    """Reports what the worker sees: info, seeds of the RNGs, BLAS env."""

    def __len__(self):
        return 4

    def __getitem__(self, i):
        info = get_worker_info()
        return {"id": -1 if info is None else info.id,
                "n": 0 if info is None else info.num_workers,
                "seed": -1 if info is None else info.seed % 1000003,
                "same_ds": info is not None and isinstance(info.dataset, WorkerFacts),
                "r": ember.rand(1).item(), "np": float(numpy.random.rand()),
                "omp": os.environ.get("OMP_NUM_THREADS", "")}


class Sleepy(Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, i):
        time.sleep(5)
        return i


class Suicidal(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        if get_worker_info() is not None and get_worker_info().id == 0:
            os.kill(os.getpid(), signal.SIGKILL)
        return i


def _init_fn(worker_id):
    numpy.random.seed(100 + worker_id)


def _values(loader):
    return [b[1].tolist() for b in loader]


def test_batches_match_torch_sequential():
    x = numpy.arange(20, dtype=numpy.float32).reshape(10, 2)
    e = DataLoader(TensorDataset(ember.tensor(x)), batch_size=4)
    t = tud.DataLoader(tud.TensorDataset(torch.tensor(x)), batch_size=4)
    eb, tb = list(e), list(t)
    assert len(e) == len(t) == 3 and len(eb) == 3
    for a, b in zip(eb, tb):
        numpy.testing.assert_array_equal(a[0].numpy(), b[0].numpy())
        assert a[0].dtype == ember.float32
    e = DataLoader(TensorDataset(ember.tensor(x)), batch_size=4, drop_last=True)
    assert len(e) == 2 and [b[0].shape[0] for b in e] == [4, 4]


def test_no_auto_batching_converts():
    e = DataLoader([numpy.ones(2, numpy.float32), numpy.zeros(2, numpy.float32)],
                   batch_size=None)
    out = list(e)
    assert isinstance(out[0], ember.Tensor) and out[0].shape == (2,) and len(e) == 2


@pytest.mark.parametrize("kw", [dict(num_workers=2), dict(num_workers=2, worker_type="thread"),
                                dict(num_workers=1, prefetch_factor=1),
                                dict(num_workers=2, in_order=False)])
def test_workers_give_the_same_batches(kw):
    ember.manual_seed(5)
    ref = _values(DataLoader(Squares(11), batch_size=3, shuffle=True))
    ember.manual_seed(5)
    got = _values(DataLoader(Squares(11), batch_size=3, shuffle=True, **kw))
    if kw.get("in_order", True):
        assert got == ref
    else:
        assert sorted(map(tuple, got)) == sorted(map(tuple, ref))
    assert sorted(sum(ref, [])) == list(range(11))


def test_generator_fixes_the_order():
    g1, g2 = ember.Generator().manual_seed(3), ember.Generator().manual_seed(3)
    a = _values(DataLoader(Squares(), batch_size=4, shuffle=True, generator=g1))
    b = _values(DataLoader(Squares(), batch_size=4, shuffle=True, generator=g2, num_workers=2))
    assert a == b and sorted(sum(a, [])) == list(range(10))
    c = _values(DataLoader(Squares(), batch_size=4, shuffle=True, generator=g1))
    assert c != a  # the generator advanced: a new epoch gets a new order


def test_spawn_context():
    # an ember-only dataset: a spawned child then imports ember, not this torch-laden module
    data = TensorDataset(ember.arange(10), ember.arange(10) * 2)
    loader = DataLoader(data, batch_size=4, num_workers=2, multiprocessing_context="spawn")
    assert _values(loader) == [[0, 2, 4, 6], [8, 10, 12, 14], [16, 18]]


@pytest.mark.parametrize("worker_type", ["process", "thread"])
def test_iterable_dataset_sharded_across_workers(worker_type):
    ref = [[0, 1], [2, 3], [4, 5], [6]]
    assert [b.tolist() for b in DataLoader(Stream(7), batch_size=2)] == ref
    got = [b.tolist() for b in DataLoader(Stream(7), batch_size=2, num_workers=2,
                                          worker_type=worker_type)]
    # torch's interleaving: worker 0 has 0..3, worker 1 has 4..6, batches alternate
    assert got == [[0, 1], [4, 5], [2, 3], [6]]
    assert len(DataLoader(Stream(7), batch_size=2)) == 4


def test_worker_info_seeds_and_blas_env():
    ember.manual_seed(1)
    batches = list(DataLoader(WorkerFacts(), batch_size=1, num_workers=2,
                              worker_init_fn=_init_fn))
    ids = [int(b["id"]) for b in batches]
    assert ids == [0, 1, 0, 1]
    assert all(int(b["n"]) == 2 and bool(b["same_ds"]) for b in batches)
    assert all(b["omp"] == ["1"] for b in batches)
    # each worker's seed is base_seed + id
    s0, s1 = int(batches[0]["seed"]), int(batches[1]["seed"])
    assert (s1 - s0) % 1000003 == 1
    # worker_init_fn ran after seeding: numpy draws follow seeds 100 and 101
    assert float(batches[0]["np"]) == numpy.random.RandomState(100).rand()
    assert float(batches[1]["np"]) == numpy.random.RandomState(101).rand()
    # the same ember seed gives the same worker RNG streams
    ember.manual_seed(1)
    again = list(DataLoader(WorkerFacts(), batch_size=1, num_workers=2))
    assert [float(b["r"]) for b in again] == [float(b["r"]) for b in batches]
    assert get_worker_info() is None


def test_persistent_workers_reuse_and_new_order():
    ember.manual_seed(0)
    loader = DataLoader(Squares(), batch_size=5, shuffle=True, num_workers=2,
                        persistent_workers=True)
    e1 = _values(loader)
    it = loader._iterator
    e2 = _values(loader)
    assert loader._iterator is it and all(w.is_alive() for w in it._workers)
    # as in torch, the reused iterator draws no new base seed: each epoch only the sampler
    # draws its seed from the default generator
    ember.manual_seed(0)
    seeds = [int(ember.empty((), dtype=ember.int64).random_().item()) for _ in range(3)]
    orders = [ember.randperm(10, generator=ember.Generator().manual_seed(s)).tolist()
              for s in seeds[1:]]
    assert [e1, e2] == [[o[:5], o[5:]] for o in orders]
    # an abandoned epoch leaves no stale batches behind
    next(iter(loader))
    assert sorted(sum(_values(loader), [])) == list(range(10))
    it._shutdown_workers()
    ember.manual_seed(0)
    stream = DataLoader(Stream(5), batch_size=2, num_workers=2, persistent_workers=True)
    assert [b.tolist() for b in stream] == [b.tolist() for b in stream] == [[0, 1], [3, 4], [2]]
    stream._iterator._shutdown_workers()


@pytest.mark.parametrize("worker_type", ["process", "thread"])
def test_worker_exception_names_index_and_traceback(worker_type):
    loader = DataLoader(Squares(fail_at=7), batch_size=3, num_workers=2,
                        worker_type=worker_type)
    with pytest.raises(ValueError, match=r"(?s)sample index 7.*Traceback.*cannot read item 7"):
        list(loader)
    with pytest.raises(ValueError, match="cannot read item 7") as info:
        list(DataLoader(Squares(fail_at=7), batch_size=3))
    assert "sample index 7" in str(info.value.__notes__)


def test_killed_worker_is_reported():
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+ .*exited "
                                           r"unexpectedly"):
        list(DataLoader(Suicidal(), batch_size=1, num_workers=2))
    assert time.monotonic() - start < 10


def test_timeout():
    with pytest.raises(RuntimeError, match="DataLoader timed out after 0.2 seconds"):
        list(DataLoader(Sleepy(), num_workers=1, timeout=0.2))


@pytest.mark.parametrize("kw", [dict(), dict(num_workers=2), dict(num_workers=2,
                                                                  worker_type="thread")])
def test_state_dict_resumes_interrupted_epoch(kw):
    ember.manual_seed(7)
    loader = DataLoader(Squares(13), batch_size=2, shuffle=True, **kw)
    full = _values(loader)
    ember.manual_seed(7)
    loader = DataLoader(Squares(13), batch_size=2, shuffle=True, **kw)
    it = iter(loader)
    head = [next(it)[1].tolist() for _ in range(3)]
    state = loader.state_dict()
    del it
    ember.manual_seed(123)  # whatever happened since, the rest of the epoch is the same
    fresh = DataLoader(Squares(13), batch_size=2, shuffle=True, **kw)
    fresh.load_state_dict(state)
    rest = _values(fresh)
    assert head + rest == full and len(rest) == 4
    # a generator-driven loader resumes too, and its generator ends where it would have
    g = ember.Generator().manual_seed(1)
    ref = _values(DataLoader(Squares(13), batch_size=4, shuffle=True, generator=g))
    ref_after = g.get_state().tolist()
    g.manual_seed(1)
    loader = DataLoader(Squares(13), batch_size=4, shuffle=True, generator=g, **kw)
    it = iter(loader)
    head = [next(it)[1].tolist()]
    state = loader.state_dict()
    del it
    g.manual_seed(99)
    loader.load_state_dict(state)
    assert head + _values(loader) == ref
    assert g.get_state().tolist() == ref_after


def test_state_dict_resumes_iterable_dataset():
    loader = DataLoader(Stream(9), batch_size=2)
    it = iter(loader)
    next(it), next(it)
    state = loader.state_dict()
    loader2 = DataLoader(Stream(9), batch_size=2)
    loader2.load_state_dict(state)
    assert [b.tolist() for b in loader2] == [[4, 5], [6, 7], [8]]
    assert loader.state_dict()["num_yielded"] == 2


BAD = [
    (dict(num_workers=-1), "num_workers option should be non-negative"),
    (dict(timeout=-1), "timeout option should be non-negative"),
    (dict(prefetch_factor=2), "prefetch_factor option could only be specified"),
    (dict(num_workers=1, prefetch_factor=-1), "prefetch_factor option should be non-negative"),
    (dict(persistent_workers=True), "persistent_workers option needs num_workers > 0"),
    (dict(shuffle=True, sampler=[0, 1]), "sampler option is mutually exclusive with shuffle"),
    (dict(batch_sampler=[[0, 1]], batch_size=2), "batch_sampler option is mutually exclusive"),
    (dict(batch_sampler=[[0, 1]], drop_last=True), "batch_sampler option is mutually exclusive"),
    (dict(batch_size=None, drop_last=True), "batch_size=None option disables auto-batching"),
    (dict(batch_size=0), "batch_size should be a positive integer value, but got batch_size=0"),
    (dict(multiprocessing_context="spawn"), "multiprocessing_context can only be used"),
]


@pytest.mark.parametrize("kw,msg", BAD)
def test_bad_arguments_raise_torchs_value_error(kw, msg):
    with pytest.raises(ValueError, match=msg.replace("(", r"\(").replace(")", r"\)")):
        tud.DataLoader(list(range(4)), **kw)
    with pytest.raises(ValueError, match=msg.replace("(", r"\(").replace(")", r"\)")):
        DataLoader(list(range(4)), **kw)


def test_bad_arguments_iterable_and_attributes():
    for kw in (dict(shuffle=True), dict(sampler=[0]), dict(batch_sampler=[[0]])):
        with pytest.raises(ValueError, match="DataLoader with IterableDataset: expected "
                                             "unspecified"):
            DataLoader(Stream(3), **kw)
    with pytest.raises(ValueError, match="multiprocessing_context option should specify"):
        DataLoader([1], num_workers=1, multiprocessing_context="nope")
    with pytest.raises(ValueError, match="worker_type should be 'process' or 'thread'"):
        DataLoader([1], num_workers=1, worker_type="green")
    loader = DataLoader([1, 2])
    with pytest.raises(ValueError, match="batch_size attribute should not be set after "
                                         "DataLoader is initialized"):
        loader.batch_size = 3


def test_custom_sampler_and_batch_sampler():
    loader = DataLoader(Squares(), batch_sampler=[[3, 1], [0]])
    assert _values(loader) == [[3, 1], [0]]
    loader = DataLoader(Squares(), sampler=SequentialSampler(range(5)), batch_size=2,
                        num_workers=2, pin_memory=True)
    assert _values(loader) == [[0, 1], [2, 3], [4]]
    assert isinstance(DataLoader(Squares(), shuffle=True).sampler, RandomSampler)
