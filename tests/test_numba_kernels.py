"""The compiled kernels of the ember[numba] extra against the NumPy code they replace
(identical results, or equal to float32 rounding where a multiply-add may be fused),
and both against torch. The NumPy path is forced by emptying the kernel table."""
import math
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from ember._backend import numba_kernels

numba = pytest.importorskip("numba")
if os.environ.get("EMBER_NUMBA") == "0":
    pytest.skip("EMBER_NUMBA=0: the kernels are off", allow_module_level=True)


@pytest.fixture(autouse=True)
def kernels_for_small_arrays(monkeypatch):
    # the test arrays are small; in use the kernels start at MIN_ELEMENTS
    monkeypatch.setattr(numba_kernels, "MIN_ELEMENTS", 0)


def _run(fn, *, compiled, monkeypatch):
    """fn() with the kernels, or with an empty kernel table (the NumPy code)."""
    if compiled:
        return fn()
    with monkeypatch.context() as patch:
        patch.setattr(numba_kernels, "_compiled", {})
        return fn()


SPECIAL = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, -1e-30, 1e-6, -1e-6, 0.5,
                    -0.5, 3.0, -3.0, 5.0, -5.0, 9.0, -9.0, 14.0, -14.0, 3e38, -3e38],
                   dtype=np.float32)


def _gelu_with_grad(x, g):
    a = ember.tensor(x, requires_grad=True)
    y = F.gelu(a)
    y.backward(ember.tensor(g))
    return y.detach().numpy(), a.grad.numpy()


@pytest.mark.parametrize("shape", [(), (7,), (3, 5), (16, 64, 33)])
def test_gelu_compiled_equals_numpy(shape, monkeypatch):
    rng = np.random.default_rng(0)
    x = np.asarray(rng.standard_normal(shape) * 4, dtype=np.float32)
    if x.size >= SPECIAL.size:
        x.reshape(-1)[:SPECIAL.size] = SPECIAL
    g = np.asarray(rng.standard_normal(shape), dtype=np.float32)
    with np.errstate(invalid="ignore", over="ignore"):
        y1, g1 = _run(lambda: _gelu_with_grad(x, g), compiled=True, monkeypatch=monkeypatch)
        y0, g0 = _run(lambda: _gelu_with_grad(x, g), compiled=False, monkeypatch=monkeypatch)
    # equal to float32 rounding: the compiled loop may fuse multiply-adds. Phi(x) =
    # (1 - erf|z|) / 2 for x < 0 cancels, so the rounding is absolute, at the scale of 1
    np.testing.assert_allclose(y1, y0, rtol=4e-7, atol=2.5e-7, equal_nan=True)
    np.testing.assert_allclose(g1, g0, rtol=4e-7, atol=2.5e-7, equal_nan=True)


def test_gelu_float32_matches_torch_vectorized():
    # 4096 elements: torch's vectorized loop, whose float32 erf is an approximation too;
    # each is within 1.5e-6 of the exact value (ours within 5e-7)
    rng = np.random.default_rng(1)
    x = np.asarray(rng.standard_normal(4096) * 3, dtype=np.float32)
    g = np.asarray(rng.standard_normal(4096), dtype=np.float32)
    y, gx = _gelu_with_grad(x, g)
    xt = torch.tensor(x, requires_grad=True)
    yt = torch.nn.functional.gelu(xt)
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-6, atol=1.5e-6)
    np.testing.assert_allclose(gx, xt.grad.numpy(), rtol=1e-6, atol=1.5e-6)
    exact = np.array([v * 0.5 * math.erfc(-v / math.sqrt(2)) for v in x.astype(np.float64)])
    assert np.abs(y - exact).max() < 6e-7


def test_gelu_erf_approximation_error_bound():
    # A&S 7.1.26 is within 1.5e-7 of erf, so Phi within 7.5e-8; add float32 rounding of
    # Phi, of erf|z| near 1 before the cancelling 1 - erf, and of y / x here
    z = np.linspace(-6, 6, 20001).astype(np.float32)
    x = z * np.float32(math.sqrt(2))
    y, _ = _gelu_with_grad(x, np.ones_like(x))
    exact = np.array([0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x.astype(np.float64)])
    phi = np.divide(y, x, out=np.full_like(y, 0.5), where=x != 0)
    assert np.abs(phi - exact).max() < 3e-7


def _pool(x, g, **kw):
    a = ember.tensor(x, requires_grad=True)
    y, idx = F.max_pool2d(a, 2, return_indices=True, **kw)
    y.backward(ember.tensor(g))
    return y.detach().numpy(), idx.numpy(), a.grad.numpy()


@pytest.mark.parametrize("shape,dtype", [((4, 3, 8, 10), np.float32),
                                         ((2, 5, 7, 9), np.float32),
                                         ((3, 6, 5), np.float64), ((2, 4, 6), np.float64),
                                         ((1, 2, 4, 4), np.float32)])
def test_max_pool2_compiled_equals_numpy_and_torch(shape, dtype, monkeypatch):
    rng = np.random.default_rng(2)
    x = rng.standard_normal(shape).astype(dtype)
    flat = x.reshape(-1)
    flat[:3] = np.nan                         # NaN windows: torch keeps the last NaN
    flat[-4:] = 1.5                           # ties: torch keeps the first maximum
    flat[5] = np.inf
    oshape = shape[:-2] + (shape[-2] // 2, shape[-1] // 2)
    g = rng.standard_normal(oshape).astype(dtype)
    r1 = _run(lambda: _pool(x, g), compiled=True, monkeypatch=monkeypatch)
    r0 = _run(lambda: _pool(x, g), compiled=False, monkeypatch=monkeypatch)
    xt = torch.tensor(x, requires_grad=True)
    yt, it = torch.nn.functional.max_pool2d(xt, 2, return_indices=True)
    yt.backward(torch.tensor(g))
    for a, b, c in zip(r1, r0, (yt.detach().numpy(), it.numpy(), xt.grad.numpy())):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)


def test_max_pool2_noncontiguous_input_and_double_backward():
    rng = np.random.default_rng(3)
    base = rng.standard_normal((2, 6, 8, 3)).astype(np.float32)
    a = ember.tensor(base, requires_grad=True)
    y = F.max_pool2d(a.permute(0, 3, 1, 2), 2)
    (gx,) = ember.autograd.grad(y.pow(2).sum(), a, create_graph=True)
    gx.sum().backward()
    t = torch.tensor(base, requires_grad=True)
    yt = torch.nn.functional.max_pool2d(t.permute(0, 3, 1, 2), 2)
    (gt,) = torch.autograd.grad(yt.pow(2).sum(), t, create_graph=True)
    gt.sum().backward()
    np.testing.assert_array_equal(y.detach().numpy(), yt.detach().numpy())
    np.testing.assert_allclose(gx.detach().numpy(), gt.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-6)


def _python(code, **env):
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, **env}, check=True)
    return out.stdout.strip()


def test_import_does_not_load_numba_and_env_turns_kernels_off():
    assert _python("import sys, ember; print('numba' in sys.modules)") == "False"
    # small arrays never load it (numba costs ~130 MB resident); large ones do
    small = ("import sys, ember; x = ember.randn(32, 10, requires_grad=True); "
             "ember.nn.functional.cross_entropy(x, ember.zeros(32, dtype=ember.long))"
             ".backward(); print('numba' in sys.modules)")
    assert _python(small) == "False"
    assert _python(small.replace("32, 10", "64, 1000").replace("zeros(32", "zeros(64")) \
        == "True"
    code = "from ember._backend import numba_kernels as k; print(k.available())"
    assert _python(code) == "True"
    assert _python(code, EMBER_NUMBA="0") == "False"


def _layer_norm_run(lib, x, ns, w, b, g, create_graph=False):
    xt = lib.tensor(x, requires_grad=True)
    wt = None if w is None else lib.tensor(w, requires_grad=True)
    bt = None if b is None else lib.tensor(b, requires_grad=True)
    fn = F.layer_norm if lib is ember else torch.nn.functional.layer_norm
    y = fn(xt.transpose(0, 1).transpose(0, 1) if create_graph else xt, ns, wt, bt)
    leaves = [t for t in (xt, wt, bt) if t is not None]
    grads = lib.autograd.grad(y, leaves, lib.tensor(g), create_graph=create_graph)
    if create_graph:  # a second derivative through the composed backward
        grads = lib.autograd.grad(sum((gr * gr).sum() for gr in grads), leaves,
                                  allow_unused=True)  # the bias gradient is grad itself
    return [y.detach().numpy()] + [gr.detach().numpy() for gr in grads if gr is not None]


@pytest.mark.parametrize("shape,ns,affine", [((16, 64, 128), (128,), "wb"),
                                             ((4, 6, 5), (6, 5), "wb"),
                                             ((3, 7), (7,), ""), ((2, 3, 8), (8,), "w"),
                                             ((0, 4), (4,), "wb")])
def test_layer_norm_compiled_equals_numpy_and_torch(shape, ns, affine, monkeypatch):
    rng = np.random.default_rng(4)
    x = (rng.standard_normal(shape) * 3 + 1).astype(np.float32)
    w = rng.standard_normal(ns).astype(np.float32) if "w" in affine else None
    b = rng.standard_normal(ns).astype(np.float32) if "b" in affine else None
    g = rng.standard_normal(shape).astype(np.float32)
    r1 = _run(lambda: _layer_norm_run(ember, x, ns, w, b, g), compiled=True,
              monkeypatch=monkeypatch)
    r0 = _run(lambda: _layer_norm_run(ember, x, ns, w, b, g), compiled=False,
              monkeypatch=monkeypatch)
    rt = _layer_norm_run(torch, x, ns, w, b, g)
    # the compiled row sums are reassociated (vectorized), so rounding differs slightly;
    # the weight and bias gradients sum over every row
    for a, c, t in zip(r1, r0, rt):
        np.testing.assert_allclose(a, c, rtol=1e-5, atol=2e-5)
        np.testing.assert_allclose(a, t, rtol=1e-5, atol=2e-4)


def test_layer_norm_double_backward_with_kernels():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((5, 6)).astype(np.float32)
    w, b = rng.standard_normal(6).astype(np.float32), rng.standard_normal(6).astype(np.float32)
    g = rng.standard_normal((5, 6)).astype(np.float32)
    for a, t in zip(_layer_norm_run(ember, x, (6,), w, b, g, create_graph=True),
                    _layer_norm_run(torch, x, (6,), w, b, g, create_graph=True)):
        np.testing.assert_allclose(a, t, rtol=1e-4, atol=1e-5)



def test_exp32_within_two_ulp():
    numba_kernels.kernel("softmax_forward")  # compiles _exp32
    exp32 = numba_kernels._exp32

    @numba.njit
    def apply(x, out):
        for i in range(x.size):
            out[i] = exp32(x[i])

    rng = np.random.default_rng(7)
    x = np.concatenate([rng.uniform(-103.9, 88.7, 200000), np.linspace(-1, 1, 20001),
                        np.linspace(-87.4, -86.6, 2001)]).astype(np.float32)
    out = np.empty_like(x)
    apply(x, out)
    exact = np.exp(x.astype(np.float64))
    ulp = np.abs(out - exact) / np.spacing(exact.astype(np.float32))
    assert ulp.max() <= 2.0
    special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 88.8, 89.5, -104.5, -200.0],
                       dtype=np.float32)
    out = np.empty_like(special)
    apply(special, out)
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(out, np.exp(special))


@pytest.mark.parametrize("shape", [(3, 5), (700, 1000), (2, 3, 64)])
@pytest.mark.parametrize("log", [False, True])
def test_softmax_compiled_equals_numpy_and_torch(shape, log, monkeypatch):
    rng = np.random.default_rng(8)
    x = (rng.standard_normal(shape) * 4).astype(np.float32)
    x[0, 0] = np.nan if len(shape) == 2 else x[0, 0]   # a NaN row stays NaN
    g = rng.standard_normal(shape).astype(np.float32)
    fn, tfn = (F.log_softmax, torch.log_softmax) if log else (F.softmax, torch.softmax)

    def run():
        a = ember.tensor(x, requires_grad=True)
        y = fn(a, -1)
        y.backward(ember.tensor(g))
        return y.detach().numpy(), a.grad.numpy()

    r1 = _run(run, compiled=True, monkeypatch=monkeypatch)
    r0 = _run(run, compiled=False, monkeypatch=monkeypatch)
    t = torch.tensor(x, requires_grad=True)
    yt = tfn(t, -1)
    yt.backward(torch.tensor(g))
    # exp within 2 ulp and float32 row sums in another order: rounding-level differences,
    # at the scale of the row (the log-softmax gradient carries sum(g) over 1000 terms,
    # whose float32 rounding is ~1e-6 of the row's scale in any summation order)
    for a, b, c in zip(r1, r0, (yt.detach().numpy(), t.grad.numpy())):
        scale = np.abs(np.nan_to_num(c)).max(axis=-1, keepdims=True) + 1
        for other in (b, c):
            assert np.array_equal(np.isnan(a), np.isnan(other))
            assert np.nanmax(np.abs(a - other) / scale) < 4e-6


def test_kernels_compile_uncached_where_numba_cannot_cache(monkeypatch):
    real_njit = numba.njit

    def njit_without_cache(*args, cache=False, **flags):
        if cache:  # what numba raises when no folder for its cache is writable
            raise RuntimeError("cannot cache function: no locator available for file")
        return real_njit(*args, **flags)

    monkeypatch.setattr(numba, "njit", njit_without_cache)
    monkeypatch.setattr(numba_kernels, "_compiled", None)
    gelu_kernel = numba_kernels.kernel("gelu_forward")
    assert gelu_kernel is not None
    x = np.array([-1.0, 0.0, 2.0], dtype=np.float32)
    out = np.empty_like(x)
    gelu_kernel(x, out)
    np.testing.assert_allclose(out, torch.nn.functional.gelu(torch.tensor(x)).numpy(),
                               atol=1e-6)
