"""Samplers: which dataset keys a DataLoader fetches, in which order.

Beyond torch, the built-in samplers have `state_dict()` / `load_state_dict()`: the state is
what reproduces the current pass from its start (a seed or a generator state) plus how many
items were already given, so a resumed pass yields exactly the items that were still due.
"""
import itertools

__all__ = [
    "BatchSampler",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
]


class Sampler:
    """Base class: subclasses define __iter__ (and usually __len__)."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError

    def __class_getitem__(cls, item):
        return cls


class _Stateful:
    """Counting and resuming for samplers whose pass is fixed by `_start` (see module doc)."""
    _start = None
    _yielded = 0
    _resume = None

    def state_dict(self):
        return {"start": self._start, "yielded": self._yielded}

    def load_state_dict(self, state_dict):
        self._resume = dict(state_dict)

    def _take_resume(self):
        """(start state or None, items to skip) for the pass that begins now."""
        r, self._resume = self._resume, None
        return (None, 0) if r is None else (r.get("start"), int(r.get("yielded", 0)))

    def _counted(self, items, skip):
        self._yielded = skip
        for i in itertools.islice(items, skip, None):
            self._yielded += 1
            yield i


def _generator_for(own, start):
    """The generator a random pass draws from, and the state that replays it.

    With no generator of its own the pass draws from a private copy of the default
    generator's state, so a replay never rewinds the global stream."""
    from ... import random as _random
    if own is not None:
        if start is None:
            start = own.get_state()
        else:
            own.set_state(start)
        return own, start
    if start is None:
        start = _random.default_generator.get_state()
        _random.default_generator.set_state(start)
        g = _random.default_generator
    else:
        g = _random.Generator()
        g.set_state(start)
    return g, start


class SequentialSampler(_Stateful, Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        _, skip = self._take_resume()
        return self._counted(iter(range(len(self.data_source))), skip)

    def __len__(self):
        return len(self.data_source)


class RandomSampler(_Stateful, Sampler):
    """A random permutation (or `num_samples` draws with replacement); with no generator each
    pass seeds a private one from the default generator, as torch does."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got "
                            f"replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        start, skip = self._take_resume()
        return self._counted(self._draw(start), skip)

    def _draw(self, start):
        from ... import _creation, _dtype
        from ... import random as _random
        if self.generator is None:
            if start is None:
                start = int(_creation.empty((), dtype=_dtype.int64).random_().item())
            g = _random.Generator().manual_seed(start)
        else:
            g, start = _generator_for(self.generator, start)
        self._start = start
        n, total = len(self.data_source), self.num_samples
        if self.replacement:
            for _ in range(total // 32):
                yield from _random.randint(high=n, size=(32,), generator=g).tolist()
            yield from _random.randint(high=n, size=(total % 32,), generator=g).tolist()
        else:
            for _ in range(total // n):
                yield from _random.randperm(n, generator=g).tolist()
            yield from _random.randperm(n, generator=g).tolist()[:total % n]

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(_Stateful, Sampler):
    """The given indices in random order, without replacement."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        start, skip = self._take_resume()
        return self._counted(self._draw(start), skip)

    def _draw(self, start):
        from ... import random as _random
        g, self._start = _generator_for(self.generator, start)
        for i in _random.randperm(len(self.indices), generator=g).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(_Stateful, Sampler):
    """Indices 0..len(weights)-1 drawn with probability proportional to the weights."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        from ... import _creation, _dtype
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or \
                num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got "
                             f"replacement={replacement}")
        w = _creation.as_tensor(weights, dtype=_dtype.float64)
        if len(w.shape) != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape "
                             f"{tuple(w.shape)}")
        self.weights = w
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        start, skip = self._take_resume()
        return self._counted(self._draw(start), skip)

    def _draw(self, start):
        from ... import random as _random
        g, self._start = _generator_for(self.generator, start)
        yield from _random.multinomial(self.weights, self.num_samples, self.replacement,
                                       generator=g).tolist()

    def __len__(self):
        return self.num_samples


class BatchSampler(_Stateful, Sampler):
    """Groups the indices of `sampler` into lists of `batch_size` (the last one shorter unless
    drop_last)."""

    def __init__(self, sampler, batch_size, drop_last):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got "
                             f"drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def state_dict(self):
        inner = getattr(self.sampler, "state_dict", None)
        return {"start": inner()["start"] if inner else None, "yielded": self._yielded}

    def __iter__(self):
        start, skip = self._take_resume()
        if start is not None and hasattr(self.sampler, "load_state_dict"):
            self.sampler.load_state_dict({"start": start, "yielded": 0})
        return self._counted(self._batches(), skip)

    def _batches(self):
        it = iter(self.sampler)
        if self.drop_last:
            for batch in zip(*[it] * self.batch_size):
                yield list(batch)
        else:
            batch = list(itertools.islice(it, self.batch_size))
            while batch:
                yield batch
                batch = list(itertools.islice(it, self.batch_size))

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
