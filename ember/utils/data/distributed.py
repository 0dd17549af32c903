"""DistributedSampler: each of `num_replicas` processes reads its own share of the dataset."""
import math

from .sampler import Sampler, _Stateful

__all__ = ["DistributedSampler"]


class DistributedSampler(_Stateful, Sampler):
    """Indices rank, rank + num_replicas, ... of a (shuffled) order padded by wrapping around
    to a multiple of num_replicas, or cut down to one with drop_last: torch's exact rule, so
    for shuffle=False the indices equal torch's. The shuffle comes from ember's generator
    seeded with seed + epoch (call set_epoch each epoch)."""

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0,
                 drop_last=False):
        if num_replicas is None or rank is None:
            # ember has no process groups: the world is given explicitly
            raise ValueError("Default process group has not been initialized, please make "
                             "sure to call init_process_group.")
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval "
                             f"[0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(self.dataset)
        if self.drop_last and n % self.num_replicas != 0:
            self.num_samples = math.ceil((n - self.num_replicas) / self.num_replicas)
        else:
            self.num_samples = math.ceil(n / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        start, skip = self._take_resume()
        if start is not None:
            self.epoch = start
        self._start = self.epoch
        return self._counted(iter(self._indices()), skip)

    def _indices(self):
        from ... import random as _random
        n = len(self.dataset)
        if self.shuffle:
            g = _random.Generator().manual_seed(self.seed + self.epoch)
            indices = _random.randperm(n, generator=g).tolist()
        else:
            indices = list(range(n))
        if not self.drop_last:
            pad = self.total_size - len(indices)
            if pad <= len(indices):
                indices += indices[:pad]
            else:
                indices += (indices * math.ceil(pad / len(indices)))[:pad]
        else:
            indices = indices[:self.total_size]
        return indices[self.rank:self.total_size:self.num_replicas]

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        self.epoch = epoch
