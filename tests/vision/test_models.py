"""ember.vision.models against torchvision outputs stored in fixtures/model_fixtures.npz
(written by fixtures/make_model_fixtures.py; torchvision is not needed here)."""
import importlib.util
import os
import time

import numpy
import pytest

import ember
from ember import nn
from ember.vision import models

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("_make_model_fixtures",
                                               os.path.join(HERE, "fixtures", "make_model_fixtures.py"))
mk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mk)
FIX = numpy.load(os.path.join(HERE, "fixtures", "model_fixtures.npz"))

# VGG: 130M+ parameters; building, filling and loading them takes > 5 s on one core.
SLOW = {"vgg11", "vgg11_bn", "vgg16", "vgg16_bn"}


def _build(arch, **kw):
    if arch.startswith("vgg"):
        kw.setdefault("init_weights", False)   # the fixture weights replace the init anyway
    return getattr(models, arch)(**kw)


def _load_fixture_weights(model, arch):
    keys_shapes = mk.decode_keys(FIX[f"{arch}/keys"])
    ours = [(k, tuple(v.shape)) for k, v in model.state_dict().items()]
    assert ours == keys_shapes   # same names, order and shapes as torchvision
    weights = mk.fill_weights(keys_shapes)
    model.load_state_dict({k: ember.from_numpy(v) for k, v in weights.items()}, strict=True)


@pytest.mark.parametrize("arch", [pytest.param(a, marks=pytest.mark.slow) if a in SLOW else a
                                  for a in mk.ARCHS])
def test_matches_torchvision(arch):
    model = _build(arch)
    _load_fixture_weights(model, arch)
    model.eval()
    with ember.no_grad():
        out = model(ember.from_numpy(mk.make_input(mk.ARCHS[arch]))).numpy()
    numpy.testing.assert_allclose(out, FIX[f"{arch}/eval"], rtol=1e-4, atol=1e-5)


def test_resnet18_train_mode_matches_torchvision():
    model = models.resnet18()
    _load_fixture_weights(model, "resnet18")
    model.train()
    out = model(ember.from_numpy(mk.make_input(64, n=2)))
    numpy.testing.assert_allclose(out.detach().numpy(), FIX["resnet18/train"], rtol=1e-4, atol=1e-5)


def test_torchvision_init():
    m = models.resnet18(num_classes=7)
    assert m.fc.out_features == 7
    bn = m.layer1[0].bn2
    assert (bn.weight.detach().numpy() == 1).all() and (bn.bias.detach().numpy() == 0).all()
    w = m.layer3[0].conv1.weight.detach().numpy()   # kaiming_normal_, fan_out = 256*3*3
    assert abs(w.std() - (2.0 / (256 * 9)) ** 0.5) < 0.1 * (2.0 / (256 * 9)) ** 0.5
    z = models.resnet18(zero_init_residual=True)
    assert (z.layer2[1].bn2.weight.detach().numpy() == 0).all()
    mb = models.mobilenet_v2(num_classes=3)
    lin = mb.classifier[1]
    assert lin.out_features == 3 and (lin.bias.detach().numpy() == 0).all()
    assert abs(lin.weight.detach().numpy().std() - 0.01) < 0.002


def test_lenet_shapes_and_errors():
    net = models.LeNet()
    assert [k for k in net.state_dict()][:2] == ["conv1.weight", "conv1.bias"]
    assert net(ember.randn(4, 3, 32, 32)).shape == (4, 10)
    assert models.LeNet(num_classes=5)(ember.randn(1, 3, 32, 32)).shape == (1, 5)
    with pytest.raises(ValueError, match=r"\(N, C, 32, 32\), got \(1, 3, 28, 28\)"):
        net(ember.randn(1, 3, 28, 28))


def test_transfer_learning_only_fc_changes():
    model = models.resnet18()
    for p in model.parameters():
        p.requires_grad_(False)
    model.fc = nn.Linear(model.fc.in_features, 3)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    opt = ember.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
    model.eval()   # frozen BN: running stats must not move either
    x, y = ember.randn(2, 3, 64, 64), ember.tensor([0, 2])
    loss = nn.functional.cross_entropy(model(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    changed = {k for k, v in model.state_dict().items() if not numpy.array_equal(v.numpy(), before[k].numpy())}
    assert changed == {"fc.weight", "fc.bias"}
    assert all(p.grad is None for n, p in model.named_parameters() if not n.startswith("fc."))


def test_weights_offline_fails_fast_naming_file(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBER_HOME", str(tmp_path))
    from ember.vision.models import _api
    monkeypatch.setitem(_api._WEIGHTS, "resnet18", {"IMAGENET1K_V1": "http://127.0.0.1:9/resnet18-f37072fd.pth"})
    t = time.monotonic()
    with pytest.raises(RuntimeError, match=r"resnet18-f37072fd\.pth") as exc:
        models.resnet18(weights="IMAGENET1K_V1")
    assert str(tmp_path / "checkpoints") in str(exc.value)
    assert time.monotonic() - t < 30


def test_weights_from_cache_dir_verified_by_hash(tmp_path, monkeypatch):
    """A checkpoint written by torch.save (torchvision's format) under its hash-named file in
    $EMBER_HOME/checkpoints loads through weights=/pretrained= and gives torchvision's output."""
    import hashlib

    import torch
    monkeypatch.setenv("EMBER_HOME", str(tmp_path))
    from ember.vision.models import _api
    weights = mk.fill_weights(mk.decode_keys(FIX["resnet18/keys"]))
    blob = tmp_path / "tmp.pth"
    torch.save({k: torch.from_numpy(v) for k, v in weights.items()}, str(blob))
    digest = hashlib.sha256(blob.read_bytes()).hexdigest()[:8]
    name = f"resnet18-{digest}.pth"
    (tmp_path / "checkpoints").mkdir()
    blob.rename(tmp_path / "checkpoints" / name)
    monkeypatch.setitem(_api._WEIGHTS, "resnet18", {"IMAGENET1K_V1": "http://127.0.0.1:9/" + name})
    x = ember.from_numpy(mk.make_input(64))
    for m in (models.resnet18(weights="DEFAULT"), models.resnet18(pretrained=True)):
        m.eval()
        with ember.no_grad():
            numpy.testing.assert_allclose(m(x).numpy(), FIX["resnet18/eval"], rtol=1e-4, atol=1e-5)
    # A corrupted file fails the hash check, naming the file.
    bad = tmp_path / "checkpoints" / "resnet18-00000000.pth"
    bad.write_bytes(b"junk")
    monkeypatch.setitem(_api._WEIGHTS, "resnet18", {"IMAGENET1K_V1": "http://127.0.0.1:9/resnet18-00000000.pth"})
    with pytest.raises(RuntimeError, match=r"invalid hash value for checkpoint .*resnet18-00000000\.pth"):
        models.resnet18(weights="IMAGENET1K_V1")


def test_weights_bad_arguments():
    with pytest.raises(ValueError, match="unknown weights 'IMAGENET9K'"):
        models.alexnet(weights="IMAGENET9K")
    with pytest.raises(ValueError, match="num_classes=10"):
        models.resnet18(weights="DEFAULT", num_classes=10)
