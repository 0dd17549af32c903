"""ember.cuda on a real GPU (CuPy): moving data, ops on CUDA against the CPU, streams, events,
memory counters, one generator for both devices, checkpoints across devices. Skipped
without CuPy and an NVIDIA GPU."""
import io

import numpy
import pytest
import torch

import ember

pytestmark = pytest.mark.gpu


def test_round_trips_keep_values_dtype_and_history():
    x = ember.randn(3, 4, requires_grad=True)
    y = x.to("cuda", non_blocking=True)
    assert y.is_cuda and y.device == ember.device("cuda", ember.cuda.current_device())
    assert y.dtype == x.dtype and y.requires_grad
    z = (y * 2).cpu()
    assert z.device == ember.device("cpu") and ember.equal(z, x.detach() * 2)
    z.sum().backward()
    assert ember.equal(x.grad, ember.full((3, 4), 2.0))
    assert ember.equal(x.cuda().cpu(), x.detach()) and x.cuda(0).get_device() == 0
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        y.numpy()


def test_ops_on_cuda_match_the_cpu():
    a, b = ember.randn(8, 16), ember.randn(16, 4)
    cpu = ember.nn.functional.gelu(a @ b).softmax(-1).sum(0)
    gpu = ember.nn.functional.gelu(a.cuda() @ b.cuda()).softmax(-1).sum(0)
    numpy.testing.assert_allclose(gpu.cpu().numpy(), cpu.numpy(), rtol=1e-5, atol=1e-6)


def test_same_seed_same_numbers_on_cpu_and_cuda():
    for draw in (lambda d: ember.rand(5, device=d), lambda d: ember.randn(2, 3, device=d),
                 lambda d: ember.randint(0, 9, (6,), device=d),
                 lambda d: ember.nn.functional.dropout(ember.ones(20, device=d), 0.5)):
        ember.manual_seed(11)
        on_cpu = draw("cpu")
        ember.cuda.manual_seed(11)
        on_gpu = draw("cuda")
        assert on_gpu.is_cuda and ember.equal(on_gpu.cpu(), on_cpu)


def test_events_time_work_and_streams_order_it():
    start, end = ember.cuda.Event(enable_timing=True), ember.cuda.Event(enable_timing=True)
    x = ember.randn(512, 512, device="cuda")
    start.record()
    for _ in range(5):
        x = x @ x / 512
    end.record()
    end.synchronize()
    assert end.query() and start.elapsed_time(end) > 0
    s = ember.cuda.Stream()
    s.wait_stream(ember.cuda.current_stream())
    with ember.cuda.stream(s):
        assert ember.cuda.current_stream() == s
        y = x * 2
    ember.cuda.current_stream().wait_stream(s)
    ember.cuda.synchronize()
    assert s.query() and ember.allclose(y, x * 2)
    assert ember.cuda.current_stream() == ember.cuda.default_stream()
    with pytest.raises(RuntimeError, match="enable_timing=True"):
        ember.cuda.Event().elapsed_time(end)


def test_memory_counters_follow_an_allocation():
    ember.cuda.synchronize()
    ember.cuda.reset_peak_memory_stats()
    before = ember.cuda.memory_allocated()
    x = ember.empty(1 << 20, device="cuda")  # 4 MiB
    assert ember.cuda.memory_allocated() >= before + 4 * (1 << 20)
    assert ember.cuda.max_memory_allocated() >= ember.cuda.memory_allocated()
    assert ember.cuda.memory_reserved() >= ember.cuda.memory_allocated()
    del x
    assert ember.cuda.memory_allocated() == before
    assert ember.cuda.max_memory_allocated() >= before + 4 * (1 << 20)
    ember.cuda.empty_cache()
    assert ember.cuda.memory_reserved() <= ember.cuda.max_memory_reserved()
    free, total = ember.cuda.mem_get_info()
    assert 0 < free <= total
    stats = ember.cuda.memory_stats()
    assert stats["allocated_bytes.all.current"] == ember.cuda.memory_allocated()


def test_device_queries():
    props = ember.cuda.get_device_properties(0)
    assert props.total_memory > 0 and props.multi_processor_count > 0
    assert ember.cuda.get_device_name(0) == props.name
    assert ember.cuda.get_device_capability(0) == (props.major, props.minor)
    assert ember.cuda.device_count() >= 1 and ember.cuda.is_available()
    with ember.cuda.device(0):
        assert ember.cuda.current_device() == 0
    assert ember.cuda.is_bf16_supported() == (props.major >= 8)


def test_save_on_cuda_load_on_cpu_and_back():
    state = {"w": ember.randn(3, 2, device="cuda"), "n": ember.arange(4, device="cuda")}
    buf = io.BytesIO()
    ember.save(state, buf)
    raw = buf.getvalue()
    on_cpu = ember.load(io.BytesIO(raw), map_location="cpu")
    assert on_cpu["w"].device == ember.device("cpu") and ember.equal(on_cpu["w"], state["w"].cpu())
    back = ember.load(io.BytesIO(raw))
    assert back["w"].is_cuda and ember.equal(back["n"], state["n"])
    theirs = torch.load(io.BytesIO(raw), map_location="cpu")  # torch reads our cuda locations
    assert theirs["w"].tolist() == state["w"].cpu().tolist()


def test_pin_memory_and_dataloader_pinning():
    t = ember.arange(6.0)
    p = t.pin_memory()
    assert p.is_pinned() and not t.is_pinned() and ember.equal(p, t)
    assert p.pin_memory() is p
    loader = ember.utils.data.DataLoader(list(range(4)), batch_size=2, pin_memory=True)
    assert all(b.is_pinned() for b in loader)
    assert p.to("cuda", non_blocking=True).cpu().tolist() == t.tolist()


def test_dlpack_with_cupy_shares_gpu_memory():
    import cupy
    c = cupy.arange(4, dtype=cupy.float32)
    e = ember.from_dlpack(c)
    assert e.is_cuda and e.dtype == ember.float32
    c[0] = 7
    assert e.cpu().tolist()[0] == 7.0
    back = cupy.from_dlpack(e)
    e.add_(1)
    assert float(back[0]) == 8.0


def test_matmul_tf32_switch_reaches_cupy():
    from cupy._core import _routines_linalg as linalg
    old = ember.backends.cuda.matmul.allow_tf32
    try:
        ember.backends.cuda.matmul.allow_tf32 = True
        expect = linalg.COMPUTE_TYPE_TF32 if ember.cuda.get_device_capability()[0] >= 8 else \
            linalg.COMPUTE_TYPE_DEFAULT
        assert linalg.get_compute_type(numpy.float32) == expect
        ember.backends.cuda.matmul.allow_tf32 = False
        assert linalg.get_compute_type(numpy.float32) == linalg.COMPUTE_TYPE_DEFAULT
    finally:
        ember.backends.cuda.matmul.allow_tf32 = old
