"""cuDNN-frontend convolutions (ember/_backend/cudnn.py).

On the CPU the plumbing runs against FakeCudnn, a stand-in `cudnn` module injected into
sys.modules for one test at a time: it records every graph built and executes a graph with
real torch convolutions from the pre/post padding, stride and dilation the graph was given,
so the values check how Ember's (lo, hi) padding, 1-d lift and conv_transpose shapes are
translated. The `gpu` tests run the real library against torch CPU and Ember's im2col path.
"""
import subprocess
import sys
import types

import numpy
import pytest
import torch
import torch.nn.functional as F

import ember
from ember._backend import cudnn as conv

# ---------------------------------------------------------------- the fake module

class _FakeTensor:
    def __init__(self, name, dim=None):
        self.name, self.dim = name, list(dim) if dim is not None else None

    def set_output(self, value):
        return self

    def set_dim(self, dim):
        self.dim = list(dim)
        return self

    def set_stride(self, stride):
        return self


class _FakeGraph:
    def __init__(self, module, **kwargs):
        self.module, self.kwargs = module, kwargs
        self.deselected, self.policy, self.executions = [], None, 0
        module.graphs.append(self)

    def tensor(self, name, dim, stride, data_type):
        assert data_type == self.kwargs["io_data_type"]
        return _FakeTensor(name, dim)

    def _op(self, kind, a, b, **attrs):
        self.kind, self.a, self.b, self.attrs = kind, a, b, attrs
        self.out = _FakeTensor(kind)
        return self.out

    def conv_fprop(self, image, weight, **attrs):
        return self._op("forward", image, weight, **attrs)

    def conv_dgrad(self, loss, filter, **attrs):
        return self._op("dgrad", loss, filter, **attrs)

    def conv_wgrad(self, image, loss, **attrs):
        return self._op("wgrad", image, loss, **attrs)

    def validate(self):
        pass

    def build_operation_graph(self):
        pass

    def create_execution_plans(self, modes):
        assert modes == ["A", "FALLBACK"]

    def deselect_numeric_notes(self, notes):
        self.deselected += notes

    def check_support(self):
        if self.module.unsupported:
            raise RuntimeError("cudnnGraphNotSupportedError")

    def build_plans(self, policy=None):
        self.policy = policy

    def get_workspace_size(self):
        return 64

    def execute(self, pack, workspace, handle):
        assert handle is self.module.handle and workspace.nbytes >= 64
        self.executions += 1
        a, b, out = pack[self.a], pack[self.b], pack[self.out]
        assert list(out.shape) == self.out.dim
        pad = []
        for lo, hi in zip(self.attrs["pre_padding"][::-1], self.attrs["post_padding"][::-1]):
            pad += [lo, hi]
        conv_fn = {4: F.conv2d, 5: F.conv3d}[a.ndim]
        opts = {"stride": self.attrs["stride"], "dilation": self.attrs["dilation"]}
        t = lambda v, grad=False: torch.tensor(numpy.asarray(v, numpy.float64),
                                               requires_grad=grad)
        if self.kind == "forward":
            y = conv_fn(F.pad(t(a), pad), t(b), groups=a.shape[1] // b.shape[1], **opts)
            res = y
        elif self.kind == "dgrad":  # a = dy, b = w, out = dx
            x = t(numpy.zeros(out.shape), True)
            y = conv_fn(F.pad(x, pad), t(b), groups=out.shape[1] // b.shape[1], **opts)
            assert y.shape == a.shape, "dgrad: cuDNN's output-size rule does not hold"
            y.backward(t(a))
            res = x.grad
        else:  # a = x, b = dy, out = dw
            w = t(numpy.zeros(out.shape), True)
            y = conv_fn(F.pad(t(a), pad), w, groups=a.shape[1] // out.shape[1], **opts)
            assert y.shape == b.shape, "wgrad: cuDNN's output-size rule does not hold"
            y.backward(t(b))
            res = w.grad
        assert tuple(res.shape) == out.shape
        out[...] = res.detach().numpy()


def _fake_module():
    m = types.ModuleType("cudnn")
    m.graphs, m.unsupported, m.streams = [], False, []
    m.handle = object()
    m.data_type = types.SimpleNamespace(HALF="HALF", FLOAT="FLOAT", BFLOAT16="BFLOAT16",
                                        DOUBLE="DOUBLE")
    m.heur_mode = types.SimpleNamespace(A="A", FALLBACK="FALLBACK")
    m.numerical_note = types.SimpleNamespace(TENSOR_CORE="TENSOR_CORE",
                                             DOWN_CONVERT_INPUTS="DOWN_CONVERT_INPUTS",
                                             NONDETERMINISTIC="NONDETERMINISTIC")
    m.build_plan_policy = types.SimpleNamespace(ALL="ALL", HEURISTICS_CHOICE="HEURISTICS")
    m.pygraph = lambda **kw: _FakeGraph(m, **kw)
    m.create_handle = lambda: m.handle
    m.set_stream = lambda handle, stream: m.streams.append(stream)
    return m


@pytest.fixture
def fake(monkeypatch):
    """The fake cudnn in sys.modules, default backend flags, numpy arrays as 'device'
    arrays on device 0 / stream 7; every cache emptied before and after."""
    m = _fake_module()
    monkeypatch.setitem(sys.modules, "cudnn", m)
    monkeypatch.setitem(sys.modules, "ember.backends.cudnn", types.SimpleNamespace(
        allow_tf32=True, deterministic=False, benchmark=False))
    monkeypatch.setattr(conv, "_device_and_stream", lambda xp, a: (0, 7))
    conv.reset()
    yield m
    conv.reset()


def _rand(*shape, dtype="float32"):
    return numpy.random.default_rng(len(shape) + sum(shape)).standard_normal(shape).astype(dtype)


def _forward(x, w, stride=(1, 1), padding=((1, 1), (1, 1)), dilation=(1, 1), groups=1):
    out = tuple((s + lo + hi - d * (k - 1) - 1) // st + 1 for s, (lo, hi), d, k, st in
                zip(x.shape[2:], padding, dilation, w.shape[2:], stride))
    return conv.forward(numpy, x, w, stride, padding, dilation, groups, out)


# ---------------------------------------------------------------- graph cache (CPU)

def test_same_key_builds_one_graph(fake):
    x, w = _rand(2, 4, 6, 6), _rand(8, 4, 3, 3)
    y1 = _forward(x, w)
    y2 = _forward(x.copy(), w.copy())
    assert len(fake.graphs) == 1 and fake.graphs[0].executions == 2
    assert fake.streams == [7]  # the handle's stream is set once, not per call
    ref = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding=1).numpy()
    numpy.testing.assert_allclose(y1, ref, rtol=1e-5, atol=1e-5)
    numpy.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("change", ["shape", "stride", "dtype", "tf32", "groups",
                                    "padding_hi", "deterministic", "kind"])
def test_each_key_field_builds_a_new_graph(fake, monkeypatch, change):
    x, w = _rand(2, 4, 6, 6), _rand(8, 4, 3, 3)
    _forward(x, w)
    assert len(fake.graphs) == 1
    if change == "shape":
        _forward(_rand(3, 4, 6, 6), w)
    elif change == "stride":
        _forward(x, w, stride=(2, 2))
    elif change == "dtype":
        _forward(x.astype("float16"), w.astype("float16"))
        assert fake.graphs[-1].kwargs["io_data_type"] == "HALF"
        assert fake.graphs[-1].kwargs["compute_data_type"] == "FLOAT"
    elif change in ("tf32", "deterministic"):
        flags = sys.modules["ember.backends.cudnn"]
        monkeypatch.setattr(flags, "allow_tf32" if change == "tf32" else "deterministic",
                            change != "tf32")
        _forward(x, w)
        want = (["TENSOR_CORE", "DOWN_CONVERT_INPUTS"] if change == "tf32"
                else ["NONDETERMINISTIC"])
        assert fake.graphs[-1].deselected == want
    elif change == "groups":
        _forward(x, _rand(8, 2, 3, 3), groups=2)
    elif change == "padding_hi":
        _forward(x, w, padding=((1, 1), (1, 2)))
        assert fake.graphs[-1].attrs["post_padding"] == [1, 2]
    else:
        y = _forward(x, w)
        conv.wgrad(numpy, x, y, (1, 1), ((1, 1), (1, 1)), (1, 1), 1, (3, 3))
    assert len(fake.graphs) == 2
    assert fake.graphs[0].deselected == []  # the default flags filter no engines
    _forward(x, w)  # the first key is still cached
    assert len(fake.graphs) == 2


def test_unavailable_cudnn_gives_none(monkeypatch):
    monkeypatch.setitem(sys.modules, "cudnn", None)  # `import cudnn` raises ImportError
    conv.reset()
    try:
        x, w = _rand(1, 2, 5, 5), _rand(3, 2, 3, 3)
        assert conv.forward(numpy, x, w, (1, 1), ((0, 0), (0, 0)), (1, 1), 1, (3, 3)) is None
        assert conv.dgrad(numpy, _rand(1, 3, 3, 3), w, (1, 1), ((0, 0), (0, 0)), (1, 1), 1,
                          (5, 5)) is None
        assert conv.wgrad(numpy, x, _rand(1, 3, 3, 3), (1, 1), ((0, 0), (0, 0)), (1, 1), 1,
                          (3, 3)) is None
        assert numpy_ext_conv_native() is None
    finally:
        conv.reset()


def numpy_ext_conv_native():
    from ember._backend import numpy_ext
    return numpy_ext.conv_native("forward", _rand(1, 1, 3, 3), _rand(1, 1, 1, 1), (1, 1),
                                 ((0, 0), (0, 0)), (1, 1), 1, (3, 3))


def test_unsupported_case_is_remembered(fake):
    fake.unsupported = True
    x, w = _rand(1, 2, 5, 5), _rand(3, 2, 3, 3)
    assert _forward(x, w) is None
    assert _forward(x, w) is None
    assert len(fake.graphs) == 1  # one failed attempt, then the im2col path directly


def test_unsupported_dtype_gives_none_without_a_graph(fake):
    x, w = _rand(1, 2, 5, 5).astype("int64"), _rand(3, 2, 3, 3).astype("int64")
    assert _forward(x, w) is None and not fake.graphs


def test_import_ember_loads_neither_cudnn_nor_this_module():
    code = ("import sys, ember; assert 'cudnn' not in sys.modules; "
            "assert 'ember._backend.cudnn' not in sys.modules; "
            "assert 'ember._backend.cupy_ext' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------- argument translation, through the fake (CPU)

CASES = [  # (input shape, weight shape, stride, (lo, hi) padding, dilation, groups)
    ((2, 4, 9), (6, 2, 3), (2,), ((1, 2),), (1,), 2),
    ((2, 3, 7, 6), (4, 3, 3, 2), (1, 2), ((1, 1), (0, 1)), (2, 1), 1),
    ((1, 4, 5, 6, 5), (4, 1, 2, 3, 2), (2, 1, 1), ((1, 0), (1, 1), (0, 0)), (1, 1, 2), 4),
]


def _torch_conv(x, w, stride, padding, dilation, groups):
    pad = [p for lo_hi in padding[::-1] for p in lo_hi]
    fn = {3: F.conv1d, 4: F.conv2d, 5: F.conv3d}[x.ndim]
    return fn(F.pad(x, pad), w, stride=stride, dilation=dilation, groups=groups)


@pytest.mark.parametrize("case", CASES, ids=["1d", "2d", "3d"])
def test_forward_dgrad_wgrad_match_torch(fake, case):
    xs, ws, stride, padding, dilation, groups = case
    x = torch.tensor(_rand(*xs), dtype=torch.float64, requires_grad=True)
    w = torch.tensor(_rand(*ws), dtype=torch.float64, requires_grad=True)
    y = _torch_conv(x, w, stride, padding, dilation, groups)
    g = torch.tensor(_rand(*y.shape), dtype=torch.float64)
    gx, gw = torch.autograd.grad(y, (x, w), g)
    xn, wn, gn = x.detach().numpy(), w.detach().numpy(), g.numpy()
    out = conv.forward(numpy, xn, wn, stride, padding, dilation, groups, tuple(y.shape[2:]))
    dx = conv.dgrad(numpy, gn, wn, stride, padding, dilation, groups, xs[2:])
    dw = conv.wgrad(numpy, xn, gn, stride, padding, dilation, groups, ws[2:])
    for mine, ref in ((out, y), (dx, gx), (dw, gw)):
        assert mine.shape == tuple(ref.shape) and mine.dtype == numpy.float64
        numpy.testing.assert_allclose(mine, ref.detach().numpy(), rtol=1e-10, atol=1e-10)
    if len(xs) == 3:  # 1-d runs as 2-d over a unit height
        assert fake.graphs[0].attrs["stride"] == [1, 2]


def test_dgrad_of_conv_transpose_with_output_padding(fake):
    # conv_transpose2d(output_padding=1) reaches dgrad with an input one row longer than
    # the forward size rule gives: the extra row gets nothing and hi is cut back
    g = torch.tensor(_rand(2, 4, 3, 3), dtype=torch.float64)
    w = torch.tensor(_rand(4, 3, 3, 3), dtype=torch.float64)
    ref = F.conv_transpose2d(g, w, stride=2, padding=1, output_padding=1)
    dx = conv.dgrad(numpy, g.numpy(), w.numpy(), (2, 2), ((1, 1), (1, 1)), (1, 1), 1,
                    tuple(ref.shape[2:]))
    numpy.testing.assert_allclose(dx, ref.numpy(), rtol=1e-10, atol=1e-10)
    # output_padding >= stride (allowed when smaller than dilation) leaves input rows no
    # window reaches even without padding: cuDNN cannot describe it, the im2col path serves
    g1, w1 = g[:, :, 0], w[..., 0]
    ref = F.conv_transpose1d(g1, w1, stride=1, padding=0, output_padding=1, dilation=2)
    assert conv.dgrad(numpy, g1.numpy(), w1.numpy(), (1,), ((0, 0),), (2,), 1,
                      tuple(ref.shape[2:])) is None
    assert len(fake.graphs) == 1


# ---------------------------------------------------------------- the real library (GPU)

GPU_CASES = CASES + [
    ((4, 8, 12, 12), (16, 8, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1),
    ((2, 8, 9, 9), (8, 1, 3, 3), (2, 2), ((1, 1), (1, 1)), (1, 1), 8),  # depthwise
    ((2, 4, 6, 6, 6), (8, 4, 3, 3, 3), (1, 1, 1), ((1, 1),) * 3, (1, 1, 1), 1),
]


@pytest.fixture
def gpu_flags(monkeypatch):
    import ember.backends.cudnn as flags  # the real module exists wherever a GPU does
    monkeypatch.setattr(flags, "allow_tf32", False)  # plain float32 math, as the oracle
    conv.reset()
    yield
    conv.reset()


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", ["float32", "float16"])
@pytest.mark.parametrize("case", GPU_CASES)
def test_gpu_cudnn_matches_torch_and_im2col(gpu_flags, case, dtype):
    import cupy
    xs, ws, stride, padding, dilation, groups = case
    tol = {"rtol": 1e-4, "atol": 1e-4} if dtype == "float32" else {"rtol": 2e-2, "atol": 2e-2}
    xn, wn = _rand(*xs, dtype=dtype), _rand(*ws, dtype=dtype)
    x = torch.tensor(xn, dtype=torch.float64, requires_grad=True)
    w = torch.tensor(wn, dtype=torch.float64, requires_grad=True)
    y = _torch_conv(x, w, stride, padding, dilation, groups)
    gn = _rand(*y.shape, dtype=dtype)
    gx, gw = torch.autograd.grad(y, (x, w), torch.tensor(gn, dtype=torch.float64))
    out_shape = tuple(y.shape[2:])
    xc, wc, gc = cupy.asarray(xn), cupy.asarray(wn), cupy.asarray(gn)
    mine = (conv.forward(cupy, xc, wc, stride, padding, dilation, groups, out_shape),
            conv.dgrad(cupy, gc, wc, stride, padding, dilation, groups, xs[2:]),
            conv.wgrad(cupy, xc, gc, stride, padding, dilation, groups, ws[2:]))
    if any(m is None for m in mine):
        pytest.skip(f"cuDNN has no engine for {case} in {dtype} (the im2col path serves it)")
    scale = [float(abs(r).max()) or 1.0 for r in (y, gx, gw)]
    for m, ref, s in zip(mine, (y, gx, gw), scale):
        assert m.dtype.name == dtype
        numpy.testing.assert_allclose(cupy.asnumpy(m).astype("float64") / s,
                                      ref.detach().numpy() / s, **tol)
    # Ember's im2col path (on the CPU: the path taken without cudnn) gives the same numbers
    n = len(xs) - 2
    e = ember.nn.functional
    fn = {1: e.conv1d, 2: e.conv2d, 3: e.conv3d}[n]
    if all(lo == hi for lo, hi in padding):
        ref = fn(ember.tensor(xn.astype("float32")), ember.tensor(wn.astype("float32")),
                 stride=stride, padding=[lo for lo, _ in padding], dilation=dilation,
                 groups=groups)
        numpy.testing.assert_allclose(cupy.asnumpy(mine[0]).astype("float32") / scale[0],
                                      ember.ops.to_numpy(ref) / scale[0], **tol)


@pytest.mark.gpu
def test_gpu_conv2d_end_to_end_matches_torch(device):
    if device != "cuda":
        pytest.skip("cuda only")
    xn, wn = _rand(2, 3, 8, 8), _rand(5, 3, 3, 3)
    x = ember.tensor(xn, device="cuda", requires_grad=True)
    w = ember.tensor(wn, device="cuda", requires_grad=True)
    y = ember.nn.functional.conv2d(x, w, stride=2, padding=1)
    y.sum().backward()
    xt, wt = torch.tensor(xn, requires_grad=True), torch.tensor(wn, requires_grad=True)
    yt = F.conv2d(xt, wt, stride=2, padding=1)
    yt.sum().backward()
    for mine, ref in ((y, yt), (x.grad, xt.grad), (w.grad, wt.grad)):
        numpy.testing.assert_allclose(ember.ops.to_numpy(mine.detach()), ref.detach().numpy(),
                                      rtol=2e-3, atol=2e-3)  # tf32 may be on (torch default)


# ---------------------------------------------------------------- benchmarks/bench_gpu.py

def _bench_gpu():
    import importlib.util
    import pathlib
    path = pathlib.Path(__file__).resolve().parents[2] / "benchmarks" / "bench_gpu.py"
    spec = importlib.util.spec_from_file_location("bench_gpu", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, path


def test_bench_gpu_workloads_and_arguments():
    bench, _ = _bench_gpu()
    assert bench.GPT == {"d": 512, "heads": 8, "seq": 256, "vocab": 256, "batch": 32,
                         "layers": 6}
    assert bench.RESNET == {"batch": 256}
    assert {n: w[2] for n, w in bench.WORKLOADS.items()} == {
        "resnet": False, "resnet_amp": True, "gpt": False, "gpt_amp": True, "ovh_add": False}
    with pytest.raises(SystemExit) as err:
        bench.main(["--only", "resnet,nope"])
    assert err.value.code == 2


def test_bench_gpu_without_gpu_exits_cleanly_and_smoke_runs():
    if ember.cuda.is_available():
        pytest.skip("a GPU is here: the no-GPU message is not printed")
    _, path = _bench_gpu()
    out = subprocess.run([sys.executable, str(path), "--quick"], capture_output=True,
                         text=True, timeout=120, check=False)
    assert out.returncode == 0 and "no GPU here" in out.stdout, out.stderr
    # the float32 workloads run (toy sizes, CPU) through the same child code the GPU uses
    out = subprocess.run([sys.executable, str(path), "--smoke", "--only", "gpt,ovh_add"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "smoke gpt: ok" in out.stdout and "smoke ovh_add: ok" in out.stdout


def test_harness_requires_results_on_the_tested_device():
    # the op table's sweep on cuda must catch an op that quietly answers on the CPU
    from _harness import assert_same
    assert_same(ember.ones(2), torch.ones(2), 0, 0, device="cpu")
    with pytest.raises(AssertionError, match="expected cuda"):
        assert_same([ember.ones(2)], [torch.ones(2)], 0, 0, device="cuda")


def test_cudnn_disabled_sends_convolutions_to_im2col(fake, monkeypatch):
    """ember.backends.cudnn.enabled = False (torch's switch): no graph, the caller's im2col."""
    flags = sys.modules["ember.backends.cudnn"]  # the fixture's stand-in for the flags
    monkeypatch.setattr(flags, "enabled", False, raising=False)
    x, w = _rand(2, 3, 6, 6), _rand(4, 3, 3, 3)
    assert _forward(x, w) is None
    assert not fake.graphs
    monkeypatch.setattr(flags, "enabled", True)
    assert _forward(x, w) is not None
    assert len(fake.graphs) == 1
