"""Core speed, Ember beside torch (and beside raw NumPy where that is the reference).

    python benchmarks/bench_core.py

Prints one table: microseconds per call for each framework and the ratio Ember/reference.
torch runs with its default thread count (2 on the reference machine). Import time is
measured in fresh subprocesses (best of 5).
"""
import os
import subprocess
import sys
import timeit

import numpy

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))


def best_us(stmt, number, repeat=7):
    stmt()  # warm-up: first calls pay for caches, lazy imports and page faults
    times = timeit.repeat(stmt, number=number, repeat=repeat)
    return min(times) / number * 1e6


def pair_us(ember_stmt, ref_stmt, number, rounds=3):
    """Best time of each, measured in alternating rounds so drift hits both alike."""
    e = r = float("inf")
    for _ in range(rounds):
        e = min(e, best_us(ember_stmt, number, repeat=3))
        r = min(r, best_us(ref_stmt, number, repeat=3))
    return e, r


def import_seconds(module):
    best = float("inf")
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c",
                              f"import time; t=time.perf_counter(); import {module}; "
                              f"print(time.perf_counter()-t)"],
                             capture_output=True, text=True, check=True)
        best = min(best, float(out.stdout))
    return best


def main():
    import torch

    import ember

    rows = []

    def row(name, ember_us, ref_us, ref_name, target):
        rows.append((name, ember_us, ref_us, ref_name, ember_us / ref_us, target))

    # per-op overhead on 4-element tensors
    ea, eb = ember.ones(4), ember.ones(4)
    ta, tb = torch.ones(4), torch.ones(4)
    row("a + b (4 elements)", *pair_us(lambda: ea + eb, lambda: ta + tb, 20000), "torch",
        "<= 1.5")

    ega = ember.ones(4, requires_grad=True)
    egb = ember.ones(4, requires_grad=True)
    tga = torch.ones(4, requires_grad=True)
    tgb = torch.ones(4, requires_grad=True)

    def ember_fb():
        (ega * egb).sum().backward()

    def torch_fb():
        (tga * tgb).sum().backward()
    row("(a*b).sum().backward() (4)", *pair_us(ember_fb, torch_fb, 2000), "torch", "<= 1.0")

    # large elementwise and matmul: Ember against calling NumPy directly
    n = 1 << 22
    xa = numpy.random.rand(n).astype(numpy.float32)
    xb = numpy.random.rand(n).astype(numpy.float32)
    la, lb = ember.from_numpy(xa), ember.from_numpy(xb)
    row("a + b (4M float32)", *pair_us(lambda: la + lb, lambda: xa + xb, 20), "numpy", "<= 1.1")
    row("exp(a) (4M float32)", *pair_us(lambda: la.exp(), lambda: numpy.exp(xa), 20), "numpy",
        "<= 1.1")
    ma = numpy.random.rand(512, 512).astype(numpy.float32)
    mb = numpy.random.rand(512, 512).astype(numpy.float32)
    ema, emb = ember.from_numpy(ma), ember.from_numpy(mb)
    row("matmul 512x512 float32", *pair_us(lambda: ema @ emb, lambda: ma @ mb, 50), "numpy",
        "<= 1.1")
    tla, tlb = torch.from_numpy(xa), torch.from_numpy(xb)
    row("a + b (4M) vs torch", *pair_us(lambda: la + lb, lambda: tla + tlb, 20), "torch", "info")

    ember_import = import_seconds("ember")
    torch_import = import_seconds("torch")

    print(f"{'workload':32} {'ember us':>10} {'ref us':>10} {'ref':>6} {'ratio':>7} {'target':>7}")
    for name, e, r, ref, ratio, target in rows:
        print(f"{name:32} {e:10.2f} {r:10.2f} {ref:>6} {ratio:7.2f} {target:>7}")
    print(f"{'import (s)':32} {ember_import:10.3f} {torch_import:10.3f} {'torch':>6} "
          f"{ember_import / torch_import:7.2f} {'<0.25s':>7}")


if __name__ == "__main__":
    main()
