"""ember.load on torch's legacy (pre-zip) format, read without torch, and whole-object
pickles with weights_only=False. Fixtures: tests/fixtures/make_legacy.py (torch wrote them)."""
import io
import os
import pickle
import subprocess
import sys

import numpy
import pytest
import torch

import ember
from ember.serialization import load, save

FIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
STATE = os.path.join(FIX, "legacy_state.pt")
MODULE = os.path.join(FIX, "legacy_module.pt")


def _expected():
    return torch.load(STATE, weights_only=True)


def test_legacy_state_loads_without_torch(tmp_path):
    out = tmp_path / "vals.npz"
    code = (
        "import sys\n"
        "sys.modules['torch'] = None\n"
        "import numpy, ember\n"
        "from ember.serialization import load\n"
        f"d = load({STATE!r})\n"
        "assert d['epoch'] == 3 and d['name'] == 'legacy', d\n"
        "s = d['state']\n"
        "assert [str(v.dtype) for v in s.values()] == ['torch.float32', 'torch.float64', "
        "'torch.int64', 'torch.float32', 'torch.float16', 'torch.bool'], s\n"
        f"numpy.savez({str(out)!r}, **{{k: v.numpy() for k, v in s.items()}})\n"
        "print('OK')\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "OK"
    got = numpy.load(out)
    for k, v in _expected()["state"].items():
        assert got[k].shape == tuple(v.shape)
        numpy.testing.assert_array_equal(got[k], v.numpy())


def test_legacy_view_shares_storage_with_its_base():
    s = load(STATE)["state"]
    s["weight"][1, 2] = 42.0
    assert s["view"][2].item() == 42.0


@pytest.mark.parametrize("ml", ["cpu", {"cpu": "cpu"}, lambda storage, loc: storage,
                                ember.device("cpu")])
def test_legacy_map_location(ml):
    s = load(STATE, map_location=ml)["state"]
    assert s["bias"].device == ember.device("cpu")
    numpy.testing.assert_array_equal(s["weight"].numpy(), _expected()["state"]["weight"].numpy())


@pytest.mark.parametrize("cut,match", [
    (5, "not a torch checkpoint"),
    (20, "protocol version record is missing"),
    (60, "sys_info record is cut short"),
    (300, "main pickle is cut short"),
    (-200, "storage key list record is cut short"),
    (-4, "has no size record"),
    (-1, r"should hold 2 bytes but only 1 remain"),
])
def test_truncated_legacy_file_gives_clear_error(cut, match):
    with open(STATE, "rb") as fh:
        data = fh.read()
    with pytest.raises(RuntimeError, match=match):
        load(io.BytesIO(data[:cut]))


def test_legacy_size_mismatch_refused():
    with open(STATE, "rb") as fh:
        data = bytearray(fh.read())
    # the last storage is 2 bools: its size record says 2; claim 3
    data[-10:-2] = (3).to_bytes(8, "little")
    with pytest.raises(RuntimeError, match="declares 3 elements, the pickle 2"):
        load(io.BytesIO(bytes(data)))


def test_legacy_pickled_module_refused_by_default():
    with pytest.raises(pickle.UnpicklingError,
                       match=r"weights_only.*\n.*torch\.nn\.modules\.linear\.Linear"):
        load(MODULE)
    # a torch class cannot be rebuilt without torch, even when full pickling is allowed
    with pytest.raises(pickle.UnpicklingError, match="cannot rebuild the torch object"):
        load(MODULE, weights_only=False)


def test_whole_module_roundtrip_with_weights_only_false(tmp_path):
    model = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.ReLU(), ember.nn.Linear(4, 2))
    path = tmp_path / "m.pt"
    save(model, path)
    for wo in (None, True):
        with pytest.raises(pickle.UnpicklingError, match="ember.nn.modules.container.Sequential"):
            load(path, weights_only=wo)
    back = load(path, weights_only=False)
    assert type(back) is ember.nn.Sequential and back is not model
    assert isinstance(back[0].weight, ember.nn.Parameter) and back[0].weight.requires_grad
    x = ember.randn(5, 3)
    numpy.testing.assert_array_equal(back(x).detach().numpy(), model(x).detach().numpy())
    assert list(back.state_dict()) == list(model.state_dict())
