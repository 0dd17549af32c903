"""One training step of an MLP (784-128-10, batch 64, cross entropy, SGD momentum), Ember
beside torch, each in a fresh process, alternating; prints ms/step and the ratio.

    python3 benchmarks/bench_mlp.py

(The full training benchmark of the six workloads is issue 5's; this is its first row.)
"""
import os
import subprocess
import sys
import time

import numpy

ROUNDS = 3


def step_ms(framework):
    L = __import__(framework)
    if framework == "torch":
        L.set_num_threads(2)
    F = L.nn.functional

    class MLP(L.nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = L.nn.Linear(784, 128)
            self.out = L.nn.Linear(128, 10)

        def forward(self, x):
            return self.out(F.relu(self.hidden(x)))

    model = MLP()
    opt = L.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rng = numpy.random.default_rng(0)
    x = L.tensor(rng.normal(size=(64, 784)).astype(numpy.float32))
    y = L.tensor(rng.integers(0, 10, 64))

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    for _ in range(20):  # warm-up
        step()
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(100):
            step()
        best = min(best, (time.perf_counter() - t) / 100)
    return best * 1e3


def main():
    if len(sys.argv) == 2:
        print(step_ms(sys.argv[1]))
        return
    here = os.path.abspath(__file__)
    best = {"ember": float("inf"), "torch": float("inf")}
    for _ in range(ROUNDS):
        for fw in best:
            out = subprocess.run([sys.executable, here, fw], capture_output=True, text=True,
                                 check=True)
            best[fw] = min(best[fw], float(out.stdout))
    print(f"{'workload':32} {'ember ms':>10} {'torch ms':>10} {'ratio':>7}")
    print(f"{'mlp train step (batch 64)':32} {best['ember']:10.3f} {best['torch']:10.3f} "
          f"{best['ember'] / best['torch']:7.2f}")


if __name__ == "__main__":
    main()
