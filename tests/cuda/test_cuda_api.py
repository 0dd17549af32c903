"""ember.cuda / ember.backends / moving data / DLPack / checkpoint locations: everything that
can be checked without a GPU, against torch (a CPU-only build here) where torch has an answer."""
import ast
import collections
import importlib.util
import io
import pathlib
import subprocess
import sys
import types
import warnings
import zipfile

import numpy
import pytest
import torch

import ember
import ember.backends
import ember.cuda
from ember._tensor import make_tensor

ROOT = pathlib.Path(__file__).resolve().parents[2]
HAS_CUPY = importlib.util.find_spec("cupy") is not None
no_cuda = pytest.mark.skipif(ember.cuda.is_available(), reason="a GPU is there: no CUDA errors")
no_cupy = pytest.mark.skipif(HAS_CUPY, reason="CuPy is installed")
INSTALL = r"pip install 'ember\[cuda\]'"


def _python(code, **env):
    import os
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, **env}, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


# ---------------------------------------------------------------- imports stay light

@no_cupy
def test_answering_no_imports_nothing_heavy():
    out = _python(
        "import sys, ember\n"
        "light = 'ember.backends' not in sys.modules and 'ember.cuda' not in sys.modules\n"
        "a = (ember.cuda.is_available(), ember.cuda.device_count(), ember.cuda.memory_allocated(),"
        " ember.backends.cudnn.is_available(), ember.backends.cudnn.version(),"
        " ember.ones(2).is_pinned())\n"
        "ember.backends.cuda.matmul.allow_tf32 = True\n"
        "print(light, a, [m for m in ('cupy', 'cudnn', 'ml_dtypes') if m in sys.modules])")
    assert out == "True (False, 0, 0, False, None, False) []"


@no_cupy
def test_availability_matches_a_cpu_only_torch():
    assert ember.cuda.is_available() is torch.cuda.is_available() is False
    assert ember.cuda.device_count() == torch.cuda.device_count() == 0
    assert ember.cuda.is_bf16_supported() is torch.cuda.is_bf16_supported() is False
    assert ember.cuda.is_initialized() is False


# ---------------------------------------------------------------- errors without CUDA

CALLS = {
    "current_device": lambda m: m.cuda.current_device(),
    "synchronize": lambda m: m.cuda.synchronize(),
    "set_device": lambda m: m.cuda.set_device(0),
    "get_device_name": lambda m: m.cuda.get_device_name(),
    "get_device_properties": lambda m: m.cuda.get_device_properties(0),
    "get_device_capability": lambda m: m.cuda.get_device_capability(),
    "Stream": lambda m: m.cuda.Stream(),
    "Event": lambda m: m.cuda.Event(enable_timing=True),
    "current_stream": lambda m: m.cuda.current_stream(),
    "default_stream": lambda m: m.cuda.default_stream(),
    "device context": lambda m: m.cuda.device(0).__enter__(),
    "zeros on cuda": lambda m: m.zeros(1, device="cuda"),
    "to cuda non_blocking": lambda m: m.ones(2).to("cuda", non_blocking=True),
    "Tensor.cuda": lambda m: m.ones(2).cuda(),
    "mem_get_info": lambda m: m.cuda.mem_get_info(),
}


@no_cupy
@pytest.mark.parametrize("name", CALLS)
def test_cuda_calls_without_cuda_raise_and_name_the_install(name):
    with pytest.raises((AssertionError, RuntimeError, AttributeError)):  # torch fails too
        CALLS[name](torch)
    with pytest.raises(RuntimeError, match=INSTALL) as info:
        CALLS[name](ember)
    assert "CuPy is not installed" in str(info.value)


@no_cuda
def test_calls_meaningful_without_a_gpu_answer_as_torch():
    assert ember.cuda.memory_allocated() == torch.cuda.memory_allocated() == 0
    assert ember.cuda.max_memory_allocated() == torch.cuda.max_memory_allocated() == 0
    assert ember.cuda.memory_reserved() == torch.cuda.memory_reserved() == 0
    assert ember.cuda.max_memory_reserved() == torch.cuda.max_memory_reserved() == 0
    assert ember.cuda.memory_stats() == torch.cuda.memory_stats() == collections.OrderedDict()
    assert ember.cuda.empty_cache() is None and ember.cuda.reset_peak_memory_stats() is None
    with ember.cuda.stream(None) as s, torch.cuda.stream(None) as t:
        assert s is None and t is None


def test_cuda_seeding_is_the_one_generator():
    ember.cuda.manual_seed(123)
    assert ember.cuda.initial_seed() == ember.initial_seed() == 123
    a = ember.rand(5)
    ember.manual_seed(123)
    assert ember.equal(a, ember.rand(5))
    ember.cuda.manual_seed_all(7)
    state = ember.cuda.get_rng_state()
    b = ember.randn(4)
    ember.cuda.set_rng_state(state)
    assert ember.equal(b, ember.randn(4))
    ember.cuda.seed()
    assert ember.cuda.initial_seed() == ember.initial_seed()


# ---------------------------------------------------------------- ember.backends

def test_backend_flags_default_as_torch():
    eb, tb = ember.backends, torch.backends
    assert eb.cuda.matmul.allow_tf32 is tb.cuda.matmul.allow_tf32 is False
    assert (eb.cuda.matmul.allow_fp16_reduced_precision_reduction
            is tb.cuda.matmul.allow_fp16_reduced_precision_reduction)
    for name in ("allow_tf32", "benchmark", "deterministic", "enabled"):
        assert getattr(eb.cudnn, name) == getattr(tb.cudnn, name), name
    assert eb.cudnn.benchmark_limit == 10  # torch's value where it has cuDNN (None without)
    assert eb.mps.is_available() is tb.mps.is_available() is False
    if not torch.cuda.is_available() and not ember.cuda.is_available():
        assert eb.cudnn.is_available() is tb.cudnn.is_available() is False
        assert eb.cudnn.version() is tb.cudnn.version() is None


def test_cudnn_flags_context_sets_all_and_restores_as_torch():
    eb, tb = ember.backends.cudnn, torch.backends.cudnn
    names = ("enabled", "benchmark", "deterministic", "allow_tf32")
    eb.benchmark = tb.benchmark = True
    try:
        with eb.flags(enabled=True, deterministic=True), tb.flags(enabled=True,
                                                                   deterministic=True):
            inside = [getattr(eb, n) for n in names]
            assert inside == [getattr(tb, n) for n in names] == [True, False, True, True]
        assert [getattr(eb, n) for n in names] == [getattr(tb, n) for n in names]
        assert eb.benchmark is True
    finally:
        eb.benchmark = tb.benchmark = False


def test_matmul_tf32_flag_reaches_cupy_only_once_loaded(monkeypatch):
    calls = []
    matmul = ember.backends.cuda.matmul
    monkeypatch.setattr(matmul, "_allow_tf32", False)
    matmul.allow_tf32 = True          # CuPy not loaded: only the flag changes
    assert matmul.allow_tf32 is True and calls == []
    fake_ext = types.SimpleNamespace(set_matmul_tf32=calls.append)
    monkeypatch.setattr("ember._device.cupy_loaded", lambda: True)   # a stand-in for CuPy
    monkeypatch.setattr("ember._device._cupy_ext", lambda: fake_ext)
    matmul.allow_tf32 = 0
    matmul.allow_tf32 = "yes"
    assert calls == [False, True] and matmul.allow_tf32 is True


def test_matmul_tf32_default_follows_cupys_environment_switch():
    code = "import ember; print(ember.backends.cuda.matmul.allow_tf32)"
    assert _python(code, CUPY_TF32="1") == "True"
    assert _python(code, CUPY_TF32="0") == "False"


# ---------------------------------------------------------------- moving data

def test_numpy_of_a_cuda_tensor_raises_torchs_type_error():
    t = make_tensor(numpy.ones(2, numpy.float32), ember.device("cuda", 0))  # never touched
    with pytest.raises(TypeError) as e:
        t.numpy()
    with pytest.raises(TypeError) as expected:
        torch.ones(2, device="meta").numpy()  # torch's message names the device the same way
    assert str(e.value) == str(expected.value).replace("meta", "cuda:0")


@no_cuda
def test_pin_memory_without_cuda_raises_as_torch():
    with pytest.raises(RuntimeError) as expected:
        torch.ones(2).pin_memory()
    with pytest.raises(RuntimeError) as e:
        ember.ones(2).pin_memory()
    assert str(e.value) == str(expected.value)
    assert ember.ones(2).is_pinned() is torch.ones(2).is_pinned() is False


@no_cuda
def test_dataloader_pin_memory_without_cuda_warns_and_skips_as_torch():
    def run(m):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            loader = m.utils.data.DataLoader(list(range(5)), batch_size=2, pin_memory=True)
            batches = [b.tolist() for b in loader]
            pinned = [b.is_pinned() for b in loader]
        return batches, pinned, [(x.category, str(x.message)) for x in w][:1]
    ours, theirs = run(ember), run(torch)
    assert ours == theirs
    assert ours[2] and ours[1] == [False] * 3


def test_pin_memory_walks_containers_like_torch(monkeypatch):
    from ember.utils.data import _pin_memory
    monkeypatch.setattr(ember.Tensor, "pin_memory", lambda self, device=None: ("pinned",
                                                                               self.tolist()))
    Pair = collections.namedtuple("Pair", "x y")
    batch = {"a": ember.ones(1), "b": [ember.zeros(1), "text"], "c": Pair(ember.ones(1), 3)}
    out = _pin_memory.pin_memory(batch)
    assert out == {"a": ("pinned", [1.0]), "b": [("pinned", [0.0]), "text"],
                   "c": Pair(("pinned", [1.0]), 3)}
    assert type(out["c"]) is Pair


# ---------------------------------------------------------------- checkpoint locations

def _with_cuda_location(raw):
    """The checkpoint `raw` with every storage location 'cpu' rewritten as 'cuda:0' (what
    torch writes for tensors saved from the first GPU)."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in src.namelist():
            data = src.read(name)
            if name.endswith("data.pkl"):
                assert b"X\x03\x00\x00\x00cpu" in data
                data = data.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
            z.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def cuda_checkpoint():
    buf = io.BytesIO()
    torch.save({"w": torch.arange(6.0).reshape(2, 3), "i": torch.tensor([1, 2])}, buf)
    return _with_cuda_location(buf.getvalue())


@no_cuda
@pytest.mark.parametrize("map_location", [None, "cuda", "cuda:0"])
def test_loading_cuda_storages_without_cuda_raises_torchs_error(cuda_checkpoint, map_location):
    with pytest.raises(RuntimeError) as expected:
        torch.load(io.BytesIO(cuda_checkpoint), map_location=map_location)
    with pytest.raises(RuntimeError) as e:
        ember.load(io.BytesIO(cuda_checkpoint), map_location=map_location)
    assert str(e.value) == str(expected.value)
    assert "map_location=torch.device('cpu')" in str(e.value)


@pytest.mark.parametrize("map_location", [
    "cpu", ember.device("cpu"), {"cuda:0": "cpu"}, lambda storage, location: storage,
], ids=["str", "device", "dict", "callable"])
def test_cuda_storages_load_anywhere_with_map_location(cuda_checkpoint, map_location):
    ours = ember.load(io.BytesIO(cuda_checkpoint), map_location=map_location)
    tm = map_location if not isinstance(map_location, ember.device) else torch.device("cpu")
    theirs = torch.load(io.BytesIO(cuda_checkpoint), map_location=tm)
    for k in theirs:
        assert ours[k].device == ember.device("cpu")
        assert str(ours[k].dtype) == str(theirs[k].dtype)
        assert ours[k].tolist() == theirs[k].tolist()


def test_map_location_callable_sees_the_saved_location(cuda_checkpoint):
    seen = []
    ember.load(io.BytesIO(cuda_checkpoint), map_location=lambda s, loc: seen.append(loc) or s)
    assert seen and set(seen) == {"cuda:0"}


# ---------------------------------------------------------------- DLPack

DTYPES = ["float32", "float64", "float16", "bfloat16", "int8", "uint8", "int16", "int32",
          "int64", "bool", "complex64"]


@pytest.mark.parametrize("name", DTYPES)
def test_from_dlpack_of_torch_shares_memory_and_keeps_dtype(name):
    t = (torch.arange(6) % 2 == 0) if name == "bool" else torch.arange(6).to(getattr(torch, name))
    e = ember.from_dlpack(t)
    assert str(e.dtype) == str(t.dtype) and e.device == ember.device("cpu")
    t[1] = 1  # written through torch, seen by ember: one buffer
    assert e.tolist() == t.tolist()


def test_from_dlpack_keeps_strides_and_reads_capsules():
    t = torch.arange(12.0).reshape(3, 4)[:, 1::2]
    e = ember.from_dlpack(t)
    assert e.shape == t.shape and e.stride() == t.stride() and e.tolist() == t.tolist()
    from torch.utils.dlpack import to_dlpack
    base = torch.arange(4.0)
    c = ember.from_dlpack(to_dlpack(base))
    base[0] = 9.0
    assert c.tolist() == [9.0, 1.0, 2.0, 3.0]


def test_torch_and_numpy_read_ember_tensors_without_copies():
    e = ember.arange(6, dtype=ember.float32).reshape(2, 3)
    t = torch.from_dlpack(e)
    n = numpy.from_dlpack(e)
    e[0, 0] = 42.0
    assert t.dtype == torch.float32 and t[0, 0].item() == 42.0 and n[0, 0] == 42.0
    assert ember.from_dlpack(numpy.arange(3)).tolist() == [0, 1, 2]
    assert e.__dlpack_device__() == t.__dlpack_device__()


def test_dlpack_export_of_a_tensor_requiring_grad_raises_as_torch():
    with pytest.raises(BufferError) as expected:
        torch.ones(2, requires_grad=True).__dlpack__()
    with pytest.raises(BufferError) as e:
        ember.ones(2, requires_grad=True).__dlpack__()
    assert str(e.value) == str(expected.value)


# ---------------------------------------------------------------- NumPy / CuPy parity

def _public_functions(path):
    tree = ast.parse(path.read_text())
    return {node.name: ast.unparse(node.args) for node in tree.body
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")}


def test_every_numpy_kernel_has_a_cupy_twin_with_the_same_signature():
    backend = ROOT / "ember" / "_backend"
    numpy_side = _public_functions(backend / "numpy_ext.py")
    cupy_side = _public_functions(backend / "cupy_ext.py")
    assert len(numpy_side) >= 10
    missing = sorted(set(numpy_side) - set(cupy_side))
    assert not missing, f"cupy_ext.py lacks {missing}"
    differ = {n: (numpy_side[n], cupy_side[n]) for n in numpy_side
              if numpy_side[n] != cupy_side[n]}
    assert not differ, f"signatures differ (numpy_ext, cupy_ext): {differ}"


# ---------------------------------------------------------------- memory peaks (stand-in GPU)

class _FakePool:
    """A stand-in for CuPy's MemoryPool: used/total bytes of one device."""

    def __init__(self):
        self.used = self.total = 0

    def used_bytes(self):
        return self.used

    def total_bytes(self):
        return self.total

    def malloc(self, size):
        self.used += size
        self.total = max(self.total, self.used)
        return types.SimpleNamespace(device_id=0, size=size)

    def free(self, ptr):
        self.used -= ptr.size


def test_peak_tracking_through_the_allocator_hook(monkeypatch):
    from ember.cuda import memory
    pool = _FakePool()
    allocator = {"fn": pool.malloc}
    fake_cupy = types.SimpleNamespace(cuda=types.SimpleNamespace(
        Device=lambda idx: __import__("contextlib").nullcontext(),
        get_allocator=lambda: allocator["fn"],
        set_allocator=lambda fn: allocator.update(fn=fn)))
    monkeypatch.setattr(memory, "_pool_or_none", lambda: pool)
    monkeypatch.setattr(memory, "_index", lambda device: 0)
    monkeypatch.setattr(memory, "_tracking", False)
    monkeypatch.setattr(memory, "_peaks", {})
    monkeypatch.setattr("ember._device._cupy", lambda: fake_cupy)

    a = allocator["fn"](100)            # before anyone asks: no hook yet
    assert allocator["fn"] == pool.malloc
    memory.reset_peak_memory_stats()
    assert allocator["fn"] != pool.malloc
    assert memory.max_memory_allocated() == memory.memory_allocated() == 100
    b = allocator["fn"](300)
    pool.free(b)
    assert memory.memory_allocated() == 100 and memory.max_memory_allocated() == 400
    assert memory.max_memory_reserved() == memory.memory_reserved() == 400
    stats = memory.memory_stats()
    assert stats["allocated_bytes.all.peak"] == 400 and stats["allocated_bytes.all.current"] == 100
    memory.reset_peak_memory_stats()
    assert memory.max_memory_allocated() == 100
    pool.free(a)


# ---------------------------------------------------------------- streams/events (stand-in CuPy)

class _FakeCupy:
    """The slice of CuPy's documented API that ember.cuda's streams, events and device
    queries use, recording the calls (cupy.cuda.Stream/Event/get_elapsed_time/runtime)."""

    def __init__(self):
        log = self.log = []
        fake = self
        self.current_device = 0

        class Event:
            def __init__(self, block=False, disable_timing=False, interprocess=False):
                self.flags = (block, disable_timing, interprocess)
                self.ptr = id(self)
                self.done = True

            def record(self, stream=None):
                log.append(("record", self, stream))

            def synchronize(self):
                log.append(("event sync", self))

        class Stream:
            null = None
            _stack = []  # noqa: RUF012 - CuPy's stack of current streams, shared by design

            def __init__(self, null=False, non_blocking=False):
                self.ptr = 0 if null else id(self)
                self.non_blocking = non_blocking
                self.done = True

            def wait_event(self, event):
                log.append(("wait", self, event))

            def synchronize(self):
                log.append(("stream sync", self))

            def __enter__(self):
                Stream._stack.append(self)

            def __exit__(self, *exc):
                Stream._stack.pop()

        Stream.null = Stream(null=True)

        def set_device(i):
            fake.current_device = i

        props = {"name": b"Fake GPU", "totalGlobalMem": 8 << 30, "major": 8, "minor": 6,
                 "multiProcessorCount": 84}
        runtime = types.SimpleNamespace(getDevice=lambda: fake.current_device,
                                        setDevice=set_device,
                                        getDeviceProperties=lambda i: props)
        self.cuda = types.SimpleNamespace(
            Event=Event, Stream=Stream, runtime=runtime,
            get_current_stream=lambda: Stream._stack[-1] if Stream._stack else Stream.null,
            get_elapsed_time=lambda a, b: log.append(("elapsed", a, b)) or 1.5)


@pytest.fixture
def fake_cupy(monkeypatch):
    fake = _FakeCupy()
    monkeypatch.setattr("ember._device._cupy", lambda: fake)
    return fake


def test_event_timing_plumbing(fake_cupy):
    start, end = ember.cuda.Event(enable_timing=True), ember.cuda.Event(enable_timing=True)
    assert start._cp.flags == (False, False, False)           # timing on: disable_timing off
    assert ember.cuda.Event(blocking=True)._cp.flags == (True, True, False)
    with pytest.raises(RuntimeError, match="recorded"):
        start.elapsed_time(end)
    start.record()
    end.record()
    null = fake_cupy.cuda.Stream.null
    assert fake_cupy.log == [("record", start._cp, null), ("record", end._cp, null)]
    assert start.elapsed_time(end) == 1.5 and fake_cupy.log[-1] == ("elapsed", start._cp,
                                                                    end._cp)
    with pytest.raises(RuntimeError, match="enable_timing=True"):
        ember.cuda.Event().elapsed_time(end)
    assert end.query() is True


def test_stream_context_and_ordering_plumbing(fake_cupy):
    s = ember.cuda.Stream()
    assert s._cp.non_blocking and s.device == ember.device("cuda", 0)
    assert ember.cuda.current_stream() == ember.cuda.default_stream() != s
    with ember.cuda.stream(s):
        assert ember.cuda.current_stream() == s
    assert ember.cuda.current_stream() == ember.cuda.default_stream()
    with s:
        assert ember.cuda.current_stream() == s
    fake_cupy.log.clear()
    other = ember.cuda.Stream()
    s.wait_stream(other)                      # an event recorded on `other`, waited on by s
    (_, event, on), (_, waiter, waited) = fake_cupy.log
    assert on is other._cp and waiter is s._cp and waited is event
    assert s.query() is True


def test_device_queries_and_context_plumbing(fake_cupy):
    props = ember.cuda.get_device_properties(0)
    assert (props.name, props.total_memory, props.major, props.minor,
            props.multi_processor_count) == ("Fake GPU", 8 << 30, 8, 6, 84)
    assert "name='Fake GPU'" in repr(props) and "total_memory=8192MB" in repr(props)
    assert ember.cuda.get_device_capability() == (8, 6)
    assert ember.cuda.get_device_name("cuda:0") == "Fake GPU"
    with ember.cuda.device(1):
        assert ember.cuda.current_device() == 1
    assert ember.cuda.current_device() == 0
    with ember.cuda.device(None):
        assert ember.cuda.current_device() == 0
