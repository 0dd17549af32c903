"""The CUDA device plumbing on the CPU, through tests/cuda/fake_cupy.py (a NumPy stand-in for
CuPy whose arrays refuse to mix with host arrays). These check that models, losses,
optimizers, checkpoints and autocast keep their tensors on the device of their inputs and
give the CPU's numbers; what only a GPU can show (kernels, cuDNN, speed, memory) is in the
@pytest.mark.gpu tests. The stand-in is installed per test and removed afterwards."""
import copy
import io
import sys
import warnings

import numpy
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
import fake_cupy


@pytest.fixture
def fake_cuda(monkeypatch):
    # the CPU reference runs the same NumPy code as the stand-in device: the compiled CPU
    # kernels (ember[numba]) round differently, and RMSprop turns a gradient that is
    # rounding noise (the key bias of attention) into steps of size lr
    from ember._backend import numba_kernels
    monkeypatch.setattr(numba_kernels, "_compiled", {})
    with fake_cupy.installed() as cp:
        yield cp


def _data(t):
    return t._data


def _train(model, opt_fn, batches, device, clip=None):
    model = copy.deepcopy(model).to(device)
    opt = opt_fn(model.parameters())
    losses = []
    for x, y in batches:
        x, y = ember.tensor(x, device=device), ember.tensor(y, device=device)
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        losses.append(loss.item())
    return model, losses


def _same_training(model, opt_fn, batches, clip=None):
    ember.manual_seed(1)
    cpu_model, cpu_losses = _train(model, opt_fn, batches, "cpu", clip)
    ember.manual_seed(1)
    gpu_model, gpu_losses = _train(model, opt_fn, batches, "cuda", clip)
    numpy.testing.assert_allclose(gpu_losses, cpu_losses, rtol=1e-5)
    for (name, p), q in zip(gpu_model.named_parameters(), cpu_model.parameters()):
        assert p.device.type == "cuda" and type(_data(p)) is fake_cupy.FakeDeviceArray, name
        assert type(_data(p.grad)) is fake_cupy.FakeDeviceArray, name
        numpy.testing.assert_allclose(p.detach().cpu().numpy(), q.detach().numpy(), rtol=1e-5,
                                      atol=1e-6, err_msg=name)
    for b in gpu_model.buffers():
        assert type(_data(b)) is fake_cupy.FakeDeviceArray
    return gpu_model


def test_the_stand_in_refuses_host_device_mixing(fake_cuda):
    d, h = fake_cuda.ones(3), numpy.ones(3)
    with pytest.raises(TypeError, match="mixing host and device"):
        d + h
    with pytest.raises(TypeError, match="mixing host and device"):
        numpy.asarray(d)
    with pytest.raises(TypeError, match="mixing host and device"):
        fake_cuda.maximum(d, h)
    assert type(fake_cuda.asnumpy(d + 1)) is numpy.ndarray
    assert type(fake_cuda.asarray(h).sum()) is fake_cupy.FakeDeviceArray   # 0-d, as CuPy
    assert ember.cuda.is_available() and ember.cuda.device_count() == 1


def test_mlp_training_step_matches_cpu(fake_cuda):
    ember.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.GELU(), nn.LayerNorm(16), nn.Dropout(0.2),
                          nn.Linear(16, 3))
    rng = numpy.random.default_rng(0)
    batches = [(rng.standard_normal((4, 8), dtype=numpy.float32), rng.integers(0, 3, 4))
               for _ in range(2)]
    for opt_fn in (lambda p: ember.optim.Adam(p, lr=1e-2, amsgrad=True),
                   lambda p: ember.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True,
                                             weight_decay=1e-2)):
        _same_training(model, opt_fn, batches, clip=0.5)


def test_cnn_training_step_matches_cpu(fake_cuda):
    ember.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Conv2d(4, 4, 3, stride=2, groups=2),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 3))
    rng = numpy.random.default_rng(0)
    batches = [(rng.standard_normal((2, 3, 8, 8), dtype=numpy.float32), rng.integers(0, 3, 2))
               for _ in range(2)]
    gpu_model = _same_training(model, lambda p: ember.optim.AdamW(p, lr=1e-2), batches)
    assert gpu_model[1].running_mean.device.type == "cuda"


def test_lstm_and_transformer_stay_on_the_device(fake_cuda):
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(10, 8)
            self.rnn = nn.LSTM(8, 4, batch_first=True, bidirectional=True)
            self.tr = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
            self.head = nn.Linear(8, 3)

        def forward(self, x):
            h = self.tr(self.emb(x), is_causal=True, src_mask=nn.Transformer.
                        generate_square_subsequent_mask(x.shape[1], device=x.device))
            return self.head(self.rnn(h)[0][:, -1])

    ember.manual_seed(0)
    rng = numpy.random.default_rng(0)
    batches = [(rng.integers(0, 10, (2, 5)), rng.integers(0, 3, 2)) for _ in range(2)]
    _same_training(Net(), lambda p: ember.optim.RMSprop(p, lr=1e-2), batches)


def test_round_trips_and_host_conversions(fake_cuda):
    x = ember.randn(3, 4, requires_grad=True)
    y = x.to("cuda")
    assert y.device == ember.device("cuda", 0) and type(_data(y)) is fake_cupy.FakeDeviceArray
    back = (y * 2).cpu()      # a move to the CPU holds a host array (it once held a device one)
    assert back.device.type == "cpu" and type(_data(back)) is numpy.ndarray
    back.sum().backward()
    numpy.testing.assert_array_equal(x.grad.numpy(), numpy.full((3, 4), 2, numpy.float32))
    assert type(_data(x.grad)) is numpy.ndarray
    with pytest.raises(TypeError, match="cuda"):
        y.detach().numpy()
    assert y.tolist() == x.tolist() and y.sum().item() == pytest.approx(x.sum().item())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert ember.tensor(y).device.type == "cuda"           # torch keeps the data's device
        assert ember.tensor(y, device="cpu").device.type == "cpu"
    pinned = ember.ones(3).pin_memory()
    assert pinned.is_pinned() and pinned.to("cuda", non_blocking=True).is_cuda


def test_save_on_cuda_load_anywhere(fake_cuda):
    model = nn.Linear(3, 2).to("cuda")
    buf = io.BytesIO()
    ember.save({"model": model.state_dict(), "step": ember.tensor(7, device="cuda")}, buf)
    buf.seek(0)
    on_cpu = ember.load(buf, map_location="cpu")
    assert all(type(_data(t)) is numpy.ndarray for t in on_cpu["model"].values())
    cpu_model = nn.Linear(3, 2)
    cpu_model.load_state_dict(on_cpu["model"])
    numpy.testing.assert_array_equal(cpu_model.weight.detach().numpy(),
                                     model.weight.detach().cpu().numpy())
    buf.seek(0)
    again = ember.load(buf)
    assert again["step"].device.type == "cuda" and again["step"].item() == 7


def test_autocast_cuda_on_the_stand_in(fake_cuda):
    x = ember.randn(4, 5, device="cuda", requires_grad=True)
    lin = nn.Linear(5, 3).to("cuda")
    with ember.autocast("cuda"):
        y = lin(x)
        s = y.softmax(1)
    assert y.dtype is ember.float16 and y.is_cuda and s.dtype is ember.float32
    s.sum().backward()
    assert x.grad.dtype is ember.float32 and x.grad.is_cuda
    ref = F.linear(x.detach().half().float(), lin.weight.detach().half().float(),
                   lin.bias.detach().half().float())
    numpy.testing.assert_allclose(y.detach().float().cpu().numpy(), ref.cpu().numpy(),
                                  rtol=2e-3, atol=2e-3)
    with pytest.raises(RuntimeError, match="bfloat16"):    # CuPy has no bfloat16
        with ember.autocast("cuda", dtype=ember.bfloat16):
            pass


def test_same_random_numbers_on_both_devices(fake_cuda):
    ember.manual_seed(3)
    cpu = [ember.randn(5), ember.rand(5), F.dropout(ember.ones(8), 0.5)]
    ember.manual_seed(3)
    gpu = [ember.randn(5, device="cuda"), ember.rand(5, device="cuda"),
           F.dropout(ember.ones(8, device="cuda"), 0.5)]
    for a, b in zip(cpu, gpu):
        assert b.is_cuda
        numpy.testing.assert_array_equal(a.numpy(), b.cpu().numpy())


def test_the_stand_in_leaves_no_trace():
    with fake_cupy.installed():
        assert ember.cuda.is_available()
        ember.ones(2, device="cuda")
    assert not any(name in sys.modules for name in fake_cupy.MODULE_NAMES) or \
        type(sys.modules.get("cupy")).__name__ == "_Namespace"   # EMBER_FAKE_CUDA=1 runs
    if "cupy" not in sys.modules:
        assert not ember.cuda.is_available()
        with pytest.raises(RuntimeError, match="CuPy"):
            ember.ones(2, device="cuda")


def test_metrics_on_cuda_match_cpu(fake_cuda):
    import ember.metrics as M
    rng = numpy.random.default_rng(0)
    scores, labels = rng.standard_normal((6, 3), dtype=numpy.float32), rng.integers(0, 3, 6)
    for fn in (M.accuracy, M.f1_score, M.confusion_matrix):
        cpu = fn(ember.tensor(scores), ember.tensor(labels), num_classes=3)
        gpu = fn(ember.tensor(scores, device="cuda"), ember.tensor(labels, device="cuda"),
                 num_classes=3)
        assert gpu.is_cuda and gpu.dtype == cpu.dtype
        numpy.testing.assert_array_equal(gpu.cpu().numpy(), cpu.numpy())
    metric = M.Accuracy(task="multiclass", num_classes=3, average="macro")
    metric.update(ember.tensor(scores, device="cuda"), ember.tensor(labels, device="cuda"))
    assert metric.compute().is_cuda


def test_nll_loss_names_a_host_target_or_weight(fake_cuda):
    """Target and class weight reach the fused loss as arrays: the device check is torch's."""
    x = ember.randn(4, 3, device="cuda")
    y = ember.tensor([0, 1, 2, 0])
    with pytest.raises(RuntimeError, match="same device, but found at least two devices, "
                                           "cuda:0 and cpu"):
        ember.nn.functional.cross_entropy(x, y)
    with pytest.raises(RuntimeError, match="cuda:0 and cpu"):
        ember.nn.functional.nll_loss(x, y.to("cuda"), weight=ember.ones(3))
    loss = ember.nn.functional.nll_loss(x, y.to("cuda"), weight=ember.ones(3, device="cuda"))
    assert loss.device.type == "cuda"
