"""DataLoader: batches from a dataset, loaded in the main process or in parallel workers.

Workers are processes (multiprocessing; the default start method, 'fork' on Linux, or the
`multiprocessing_context` given) or, with worker_type="thread", threads that share the
dataset. The main process owns the sampler: it sends each worker lists of indices (round
robin, at most prefetch_factor tasks per worker in flight) and hands batches out in sampler
order. Batches cross process boundaries pickled (tensors pickle their NumPy arrays).
"""
import itertools
import multiprocessing
import os
import pickle
import queue
import threading
import time
import warnings
import weakref

from . import _pin_memory, _worker
from ._collate import default_collate, default_convert
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader"]

_WAIT_S = 0.1  # how often a waiting main process checks that its workers still live


class _InfiniteConstantSampler(Sampler):
    """The index sampler of an iterable dataset: None forever (the dataset picks samples)."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """torch.utils.data.DataLoader, plus `worker_type="thread"` and state_dict() /
    load_state_dict() to resume an interrupted epoch with exactly its remaining batches."""

    _initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True, worker_type="process"):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in "
                             "multiprocessing.let num_workers > 0 to enable multiprocessing, "
                             "otherwise set prefetch_factor to None.")
        elif num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if worker_type not in ("process", "thread"):
            raise ValueError(f"worker_type should be 'process' or 'thread', but got "
                             f"worker_type={worker_type!r}")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory  # batches pinned when CUDA is there (_pin_memory.py)
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.worker_type = worker_type
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        if isinstance(dataset, IterableDataset):
            self._iterable = True
            if shuffle not in {False, None}:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle "
                                 f"option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler "
                                 f"option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
            self._iterable = False
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._iterator = None
        self._live = None          # weak reference to the latest iterator (for state_dict)
        self._resume_state = None  # set by load_state_dict, used by the next iterator
        self._initialized = True
        self.check_worker_number_rationality()

    # ------------------------------------------------------------------ configuration

    @property
    def multiprocessing_context(self):
        return self._mp_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, ctx):
        if ctx is not None:
            if self.num_workers <= 0:
                raise ValueError(f"multiprocessing_context can only be used with multi-process "
                                 f"loading (num_workers > 0), but got "
                                 f"num_workers={self.num_workers}")
            if isinstance(ctx, str):
                methods = multiprocessing.get_all_start_methods()
                if ctx not in methods:
                    raise ValueError(f"multiprocessing_context option should specify a valid "
                                     f"start method in {methods!r}, but got "
                                     f"multiprocessing_context={ctx!r}")
                ctx = multiprocessing.get_context(ctx)
            if not isinstance(ctx, multiprocessing.context.BaseContext):
                raise TypeError(f"multiprocessing_context option should be a valid context "
                                f"object or a string specifying the start method, but got "
                                f"multiprocessing_context={ctx}")
        object.__setattr__(self, "_mp_context", ctx)

    def __setattr__(self, attr, val):
        if self._initialized and attr in ("batch_size", "batch_sampler", "sampler", "drop_last",
                                          "dataset", "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after "
                             f"{self.__class__.__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def check_worker_number_rationality(self):
        if self.num_workers == 0 or self.worker_type == "thread":
            return
        try:
            cpus = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            cpus = os.cpu_count()
        if cpus is not None and self.num_workers > cpus:
            warnings.warn(f"This DataLoader will create {self.num_workers} worker processes in "
                          f"total. Our suggested max number of worker in current system is "
                          f"{cpus}, which is smaller than what this DataLoader is going to "
                          f"create. Please be aware that excessive worker creation might get "
                          f"DataLoader running slow or even freeze, lower the worker number to "
                          f"avoid potential slowness/freeze if necessary.", stacklevel=3)

    # ------------------------------------------------------------------ iteration

    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        return _MultiWorkerIter(self)

    def __iter__(self):
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(first=False)
            it = self._iterator
        else:
            it = self._get_iterator()
        self._live = weakref.ref(it)
        return it

    def __len__(self):
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else -(-n // self.batch_size)
            return n
        return len(self._index_sampler)

    # ------------------------------------------------------------------ resuming

    def state_dict(self):
        """Where the current epoch stands: the sampler's start state, the number of batches
        already handed out and the workers' base seed. A finished (or not started) epoch
        gives a state that starts the next epoch afresh."""
        it = self._live() if self._live is not None else None
        if it is None or it._finished or it._num_yielded == 0:
            return {"num_yielded": 0, "sampler_start": None, "base_seed": None}
        start = None
        sd = getattr(self._index_sampler, "state_dict", None)
        if sd is not None:
            start = sd()["start"]
        return {"num_yielded": it._num_yielded, "sampler_start": start,
                "base_seed": it._base_seed}

    def load_state_dict(self, state_dict):
        """The next iteration resumes from `state_dict` (from `state_dict()` of a loader with
        the same dataset, sampler and batch settings)."""
        self._resume_state = dict(state_dict)


class _BaseIter:
    def __init__(self, loader):
        from ... import _creation, _dtype
        self._loader = loader
        self._dataset = loader.dataset
        self._iterable = loader._iterable
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._collate_fn = loader.collate_fn
        self._index_sampler = loader._index_sampler
        self._persistent = loader.persistent_workers
        self._base_seed = int(_creation.empty((), dtype=_dtype.int64)
                              .random_(generator=loader.generator).item())
        self._resume = None
        self._pin = _pin_memory.wanted(loader)
        self._begin_epoch()

    def _begin_epoch(self):
        """Start the index stream of a pass (resuming it when load_state_dict asked)."""
        state, self._loader._resume_state = self._loader._resume_state, None
        self._num_yielded = 0
        self._discard = 0
        self._finished = False
        if state and state.get("num_yielded"):
            n = int(state["num_yielded"])
            if state.get("base_seed") is not None:
                self._base_seed = state["base_seed"]
            self._num_yielded = n
            sampler = self._index_sampler
            if self._iterable:
                self._discard = n  # a stream can only be replayed: fetch and drop
            elif hasattr(sampler, "load_state_dict"):
                sampler.load_state_dict({"start": state.get("sampler_start"), "yielded": n})
                self._sampler_iter = iter(sampler)
                return
            else:
                self._sampler_iter = itertools.islice(iter(sampler), n, None)
                return
        self._sampler_iter = iter(self._index_sampler)

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)

    def __next__(self):
        while True:
            data = self._next_data()
            if self._discard:
                self._discard -= 1
                continue
            self._num_yielded += 1
            return _pin_memory.pin_memory(data) if self._pin else data

    def __getstate__(self):
        raise NotImplementedError(f"{self.__class__.__name__} cannot be pickled")


class _SingleProcessIter(_BaseIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._dataset_iter = iter(self._dataset) if self._iterable else None

    def _next_data(self):
        try:
            index = next(self._sampler_iter)
            return _worker.fetch(self._iterable, self._dataset, self._dataset_iter,
                                 self._auto_collation, self._collate_fn, self._drop_last, index)
        except StopIteration:
            self._finished = True
            raise
        except Exception as e:
            if hasattr(e, "_ember_index"):
                e.add_note(f"(while loading sample index {e._ember_index!r})")
                del e._ember_index
            raise


class _MultiWorkerIter(_BaseIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._num_workers = loader.num_workers
        self._prefetch = max(1, loader.prefetch_factor) * self._num_workers
        self._timeout = loader.timeout
        self._in_order = loader.in_order
        self._threads = loader.worker_type == "thread"
        self._shutdown = True
        self._epoch = 0
        ctx = loader.multiprocessing_context or multiprocessing
        if self._threads:
            self._result_queue = queue.Queue()
            make_queue, make_worker = queue.Queue, threading.Thread
        else:
            self._result_queue = ctx.Queue()
            make_queue, make_worker = ctx.Queue, ctx.Process
        self._index_queues, self._workers = [], []
        saved = {v: os.environ.get(v) for v in _worker._BLAS_VARS}
        try:
            if not self._threads:
                # a spawned worker reads these before it imports NumPy
                os.environ.update({v: "1" for v in _worker._BLAS_VARS})
            for wid in range(self._num_workers):
                q = make_queue()
                w = make_worker(target=_worker.worker_loop, daemon=True, args=(
                    self._iterable, self._dataset, q, self._result_queue,
                    self._auto_collation, self._collate_fn, self._drop_last, self._base_seed,
                    loader.worker_init_fn, wid, self._num_workers, self._threads, os.getpid()))
                w.start()
                self._index_queues.append(q)
                self._workers.append(w)
        finally:
            for v, old in saved.items():
                if old is None:
                    os.environ.pop(v, None)
                else:
                    os.environ[v] = old
            self._shutdown = False
            if len(self._workers) < self._num_workers:
                self._shutdown_workers()
        self._reset(first=True)

    def _reset(self, first):
        if not first:
            self._begin_epoch()
        self._epoch += 1
        self._send_idx = 0
        self._rcvd_idx = 0
        self._task_info = {}
        self._outstanding = 0
        self._active = [True] * self._num_workers
        self._next_worker = itertools.cycle(range(self._num_workers))
        if not first:
            for q in self._index_queues:
                q.put(("reset", self._epoch))
        for _ in range(self._prefetch):
            self._try_put_index()

    def _try_put_index(self):
        if self._outstanding >= self._prefetch:
            return
        try:
            index = next(self._sampler_iter)
        except StopIteration:
            return
        for _ in range(self._num_workers):
            wid = next(self._next_worker)
            if self._active[wid]:
                break
        else:
            return  # every worker's stream has ended
        self._index_queues[wid].put((self._epoch, self._send_idx, index))
        self._task_info[self._send_idx] = (wid,)
        self._outstanding += 1
        self._send_idx += 1

    def _next_data(self):
        while True:
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info is not None and (len(info) == 2 or self._active[info[0]]):
                    break
                self._task_info.pop(self._rcvd_idx, None)  # delivered early, or stream ended
                self._rcvd_idx += 1
            else:
                self._finished = True
                if not self._persistent:
                    self._shutdown_workers()
                raise StopIteration
            info = self._task_info[self._rcvd_idx]
            if len(info) == 2:
                del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
                return self._process(info[1])
            idx, data = self._get_data()
            self._outstanding -= 1
            if isinstance(data, _worker.IterEnd):
                self._active[data.worker_id] = False
                self._try_put_index()
                continue
            if idx != self._rcvd_idx and self._in_order:
                self._task_info[idx] += (data,)
                continue
            del self._task_info[idx]
            if idx == self._rcvd_idx:
                self._rcvd_idx += 1
            return self._process(data)

    def _process(self, data):
        self._try_put_index()
        if isinstance(data, _worker.Failure):
            data.reraise()
        return data

    def _get_data(self):
        """The next result of this epoch; raises if a worker died or `timeout` passed."""
        start = time.monotonic()
        while True:
            wait = _WAIT_S
            if self._timeout > 0:
                left = self._timeout - (time.monotonic() - start)
                if left <= 0:
                    raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")
                wait = min(wait, left)
            try:
                epoch, idx, data = self._result_queue.get(timeout=wait)
            except queue.Empty:
                self._check_workers()
                continue
            if epoch != self._epoch:
                continue  # left over from an epoch that was abandoned
            if not self._threads:
                data = pickle.loads(data)
            return idx, data

    def _check_workers(self):
        if self._threads:
            return
        dead = [w for w in self._workers if not w.is_alive()]
        if dead:
            desc = ", ".join(f"{w.pid} (exit code {w.exitcode})" for w in dead)
            self._shutdown_workers()
            raise RuntimeError(f"DataLoader worker (pid(s) {desc}) exited unexpectedly")

    def _shutdown_workers(self):
        if self._shutdown:
            return
        self._shutdown = True
        for q in self._index_queues:
            try:
                q.put(None)
            except (ValueError, OSError):
                pass
        for w in self._workers:
            w.join(timeout=0.5 if not self._threads else 0.2)
            if not self._threads and w.is_alive():
                w.terminate()
                w.join(timeout=1.0)
        if not self._threads:
            for q in self._index_queues + [self._result_queue]:
                q.cancel_join_thread()
                q.close()

    def __del__(self):
        try:
            self._shutdown_workers()
        except Exception:
            pass
