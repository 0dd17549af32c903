"""benchmarks/profile_models.py: its per-Op table accounts for the step, and its GEMM FLOP
counts and forward/backward attribution match the shapes it saw."""
import importlib.util
import os
import subprocess
import sys

import numpy

import ember

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "benchmarks", "profile_models.py")


def _module():
    sys.path.insert(0, os.path.dirname(SCRIPT))
    try:
        spec = importlib.util.spec_from_file_location("profile_models", SCRIPT)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod
    finally:
        sys.path.remove(os.path.dirname(SCRIPT))


def test_mlp_table_accounts_for_the_step():
    cmd = [sys.executable, SCRIPT, "--only", "mlp", "--steps", "2", "--rounds", "1",
           "--ceiling", "100"]  # a given ceiling: no 2048^2 products in a unit test
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                         check=True).stdout.splitlines()
    head = next(line for line in out if line.startswith("== mlp"))
    profiled = float(head.split(",")[1].split()[0])
    rows = out[out.index(head) + 2:]
    assert len(rows) <= 14
    ms, pct, names = 0.0, 0.0, []
    for line in rows:
        name, nums = line[:22].strip(), line[22:].split()
        names.append(name)
        if name.startswith(("autograd", "optimizer", "other")):
            ms += float(nums[0])
            pct += float(nums[1])
        else:  # calls, fwd ms, bwd ms, %step [, GF/s, ceil]
            ms += float(nums[1]) + float(nums[2])
            pct += float(nums[3])
    assert abs(ms - profiled) <= 0.15 * profiled
    assert abs(pct - 100) <= 15
    assert "Matmul" in names and any(n.startswith("_Linear") for n in names)
    other = float(rows[-1][22:].split()[0])
    assert other > -0.05 * profiled  # exclusive times: no call counted twice
    assert other < 0.5 * profiled    # the ops, not unattributed glue, hold the step


def test_flops_and_phases_match_the_shapes():
    pm = _module()
    rng = numpy.random.default_rng(0)
    x = ember.tensor(rng.standard_normal((2, 3, 8, 8), dtype=numpy.float32),
                     requires_grad=True)
    conv = ember.nn.Conv2d(3, 4, 3, padding=1)
    lin = ember.nn.Linear(256, 5)
    prof = pm.Profiler()
    prof.install(ember)
    try:
        lin(conv(x).flatten(1)).sum().backward()
    finally:
        prof.uninstall()
    s = prof.stats
    # conv: 2*N*O*C*K*P; its input and weight gradients are the same product, in backward
    f = 2 * 2 * 4 * 3 * 9 * 64
    assert s["ConvNd"][0] == 1 and s["ConvNd"][4] == f and s["ConvNd"][1] > 0
    for name in ("ConvWeightNd", "ConvTransposeNd"):
        calls, fwd, in_bwd, _, flops, _ = s[name]
        assert (calls, fwd, flops) == (1, 0.0, f) and in_bwd > 0
    # Linear forward 2*N*I*O; its backward's two GEMMs run as Matmul
    assert s["_Linear"][0] == 1 and s["_Linear"][4] == 2 * 2 * 256 * 5
    assert s["Matmul"][0] == 2 and s["Matmul"][1] == 0.0
    assert s["Matmul"][4] == 2 * (2 * 2 * 5 * 256)
    assert s["_Linear"][3] > 0 and s["ConvNd"][3] > 0  # their backward methods ran
    # uninstall restored the classes' own methods
    from ember.ops.linalg import Matmul
    assert Matmul.__dict__["forward"].__func__.__module__ == "ember.ops.linalg"
    assert x.grad is not None and x.grad.shape == x.shape
