"""DataLoader throughput: a dataset whose __getitem__ costs about 1 ms of NumPy work
(a small matrix power and an FFT), batch 16, num_workers 0 and 2, Ember's DataLoader beside
torch's on the same dataset; prints batches/s and the ratios.

    python3 benchmarks/bench_dataloader.py [--samples 512]

With 2 workers on a 2-core machine the loaders should approach twice the 0-worker rate.
"""
import argparse
import os
import sys
import time

# one BLAS thread everywhere (set before NumPy loads), as Ember's workers use: otherwise the
# 0-worker baseline would use every core through BLAS and the comparison would be unfair
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


class Work:
    """Map-style dataset: each sample is a float32 vector computed from its index."""

    def __init__(self, n, reps):
        self.n, self.reps = n, reps

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        rng = numpy.random.default_rng(i)
        a = rng.standard_normal((64, 64))
        for _ in range(self.reps):
            a = numpy.tanh(a @ a.T / 64.0)
        return numpy.abs(numpy.fft.rfft(a, axis=0)).astype(numpy.float32).ravel()[:256], i % 10


def calibrate():
    """Repetitions that make one __getitem__ cost about 1 ms here."""
    for reps in (1, 2, 4, 8, 16, 32):
        d = Work(50, reps)
        t = time.perf_counter()
        for i in range(50):
            d[i]
        if (time.perf_counter() - t) / 50 >= 1e-3:
            return reps
    return 32


def rate(loader_cls, dataset, workers, batch):
    loader = loader_cls(dataset, batch_size=batch, num_workers=workers, shuffle=True,
                        persistent_workers=workers > 0)
    for _ in loader:  # warm-up epoch: starts the workers
        pass
    t = time.perf_counter()
    n = sum(1 for _ in loader)
    return n / (time.perf_counter() - t)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=512)
    ap.add_argument("--batch", type=int, default=16)
    args = ap.parse_args()
    import torch
    import torch.utils.data

    import ember.utils.data
    torch.set_num_threads(1)
    reps = calibrate()
    dataset = Work(args.samples, reps)
    t = time.perf_counter()
    for i in range(100):
        dataset[i]
    print(f"__getitem__: {(time.perf_counter() - t) * 10:.2f} ms; {args.samples} samples, "
          f"batch {args.batch}, {os.cpu_count()} CPUs")
    res = {}
    for workers in (0, 2):
        for name, cls in (("ember", ember.utils.data.DataLoader),
                          ("torch", torch.utils.data.DataLoader)):
            res[name, workers] = rate(cls, dataset, workers, args.batch)
            print(f"{name:6s} num_workers={workers}: {res[name, workers]:8.1f} batches/s")
    for name in ("ember", "torch"):
        print(f"{name}: 2 workers / 0 workers = {res[name, 2] / res[name, 0]:.2f}x")
    for workers in (0, 2):
        print(f"num_workers={workers}: ember / torch = "
              f"{res['ember', workers] / res['torch', workers]:.2f}x")


if __name__ == "__main__":
    main()
