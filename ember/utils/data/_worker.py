"""What runs inside a DataLoader worker (a process, or a thread with worker_type="thread")."""
import os
import pickle
import queue
import random
import threading
import traceback

import numpy

__all__ = ["WorkerInfo", "get_worker_info"]

_BLAS_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
              "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
_POLL_S = 0.5  # how often an idle worker checks that its parent still lives

_process_info = None        # set in a worker process
_thread_info = threading.local()  # set in a worker thread (threads share the module)


class WorkerInfo:
    """id, num_workers, seed and dataset (this worker's copy) of the current worker."""

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            object.__setattr__(self, k, v)
        object.__setattr__(self, "_keys", tuple(kwargs))

    def __setattr__(self, key, val):
        raise RuntimeError(f"Cannot assign attributes to {self.__class__.__name__} objects")

    def __repr__(self):
        items = ", ".join(f"{k}={getattr(self, k)}" for k in self._keys)
        return f"{self.__class__.__name__}({items})"


def get_worker_info():
    """The WorkerInfo of the worker calling it; None in the main process."""
    return getattr(_thread_info, "info", None) or _process_info


class IterEnd:
    """A worker's iterable dataset is exhausted for this epoch."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


class Failure:
    """An exception raised while loading, carried to the main process as plain data."""

    def __init__(self, exc, where, index):
        self.exc_type = type(exc)
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        at = "" if index is None else f" while loading sample index {index!r}"
        self.message = f"Caught {type(exc).__name__} in {where}{at}.\nOriginal {tb}"

    def reraise(self):
        try:
            exc = self.exc_type(self.message)
        except Exception:  # exception types whose constructor wants other arguments
            exc = RuntimeError(self.message)
        raise exc


def limit_blas_threads():
    """One BLAS/OpenMP thread per worker process: N workers x N cores of BLAS threads would
    oversubscribe the machine. The variables reach libraries loaded later; threadpoolctl
    (when installed) also limits the ones NumPy has already loaded."""
    for var in _BLAS_VARS:
        os.environ[var] = "1"
    try:
        import threadpoolctl
    except ImportError:
        return None
    return threadpoolctl.threadpool_limits(1)


def seed_worker(base_seed, worker_id):
    """torch's rule: python and ember get base_seed + id; NumPy a state derived from both."""
    from ... import random as _random
    seed = (base_seed + worker_id) & 0xFFFF_FFFF_FFFF_FFFF
    random.seed(seed)
    _random.manual_seed(seed)
    numpy.random.seed(numpy.random.SeedSequence([worker_id, seed]).generate_state(4))
    return seed


def fetch(kind_iterable, dataset, it, auto_collation, collate_fn, drop_last, index):
    """One batch (or one sample without auto-collation). Raises StopIteration when an
    iterable dataset has nothing left; exceptions carry `_ember_index`, the sample at fault."""
    if kind_iterable:
        if not auto_collation:
            return collate_fn(next(it))
        data = []
        for _ in index:
            try:
                data.append(next(it))
            except StopIteration:
                break
        if not data or (drop_last and len(data) < len(index)):
            raise StopIteration
        return collate_fn(data)
    if not auto_collation:
        try:
            return collate_fn(dataset[index])
        except Exception as e:
            e._ember_index = index
            raise
    getitems = getattr(dataset, "__getitems__", None)
    if getitems is not None:
        try:
            data = getitems(index)
        except Exception as e:
            e._ember_index = index
            raise
    else:
        data = []
        for i in index:
            try:
                data.append(dataset[i])
            except Exception as e:
                e._ember_index = i
                raise
    return collate_fn(data)


def worker_loop(kind_iterable, dataset, index_queue, result_queue, auto_collation,
                collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers, is_thread,
                parent_pid):
    """Serve tasks until the None sentinel: (epoch, task, index) -> (epoch, task, result);
    ("reset", epoch) restarts an iterable dataset's stream for a new epoch."""
    global _process_info
    where = f"DataLoader worker {'thread' if is_thread else 'process'} {worker_id}"
    limits = None
    if is_thread:
        seed = (base_seed + worker_id) & 0xFFFF_FFFF_FFFF_FFFF  # global RNGs are shared
    else:
        limits = limit_blas_threads()
        seed = seed_worker(base_seed, worker_id)
    info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
    if is_thread:
        _thread_info.info = info
    else:
        _process_info = info

    def send(epoch, task, result):
        if is_thread:
            result_queue.put((epoch, task, result))
            return
        try:
            blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as e:  # unpicklable batch: say so instead of losing it silently
            blob = pickle.dumps(Failure(e, where, None))
        result_queue.put((epoch, task, blob))

    init_failure = None
    try:
        if init_fn is not None:
            init_fn(worker_id)
        it = iter(dataset) if kind_iterable else None
    except Exception as e:
        init_failure = Failure(e, where, None)
        it = None
    ended = False
    try:
        while True:
            try:
                msg = index_queue.get(timeout=_POLL_S)
            except queue.Empty:
                if not is_thread and os.getppid() != parent_pid:
                    return  # the main process is gone
                continue
            if msg is None:
                return
            if msg[0] == "reset":
                ended = False
                if kind_iterable and init_failure is None:
                    try:
                        it = iter(dataset)
                    except Exception as e:
                        init_failure = Failure(e, where, None)
                continue
            epoch, task, index = msg
            if init_failure is not None:
                send(epoch, task, init_failure)
                continue
            if ended:
                send(epoch, task, IterEnd(worker_id))
                continue
            try:
                result = fetch(kind_iterable, dataset, it, auto_collation, collate_fn,
                               drop_last, index)
            except StopIteration:
                ended = True
                result = IterEnd(worker_id)
            except Exception as e:
                result = Failure(e, where, getattr(e, "_ember_index", None))
            send(epoch, task, result)
    except KeyboardInterrupt:
        pass
    del limits  # kept alive until here so the BLAS limit holds while serving
