"""ember.save / ember.load against torch.save / torch.load (the zip checkpoint format)."""
import collections
import io
import os
import pickle
import subprocess
import sys
import zipfile

import numpy
import pytest
import torch

import ember
from ember.nn.parameter import Parameter
from ember.serialization import load, save

DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8",
          "uint8", "bool", "complex64", "complex128"]


def _torch_sample(name):
    g = torch.Generator().manual_seed(1)
    x = torch.randn(3, 4, generator=g, dtype=torch.float64) * 50
    if name == "bool":
        return x > 0
    if name.startswith("complex"):
        return torch.complex(x, -x).to(getattr(torch, name))
    return x.to(getattr(torch, name))


def _np(t):
    """Exact values of a torch tensor (bfloat16 widened to float32, which is exact)."""
    if t.dtype == torch.bfloat16:
        t = t.float()
    return t.detach().numpy()


def _ember_np(t):
    a = ember.ops.to_numpy(t)
    return a.astype(numpy.float32) if a.dtype.name == "bfloat16" else a


def _roundtrip_bytes(writer, obj):
    buf = io.BytesIO()
    writer(obj, buf)
    buf.seek(0)
    return buf


# ------------------------------------------------------------ torch.save -> ember.load

def test_torch_state_dict_loads():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2),
                                torch.nn.BatchNorm1d(2))
    sd = model.state_dict()
    out = load(_roundtrip_bytes(torch.save, sd))
    assert type(out) is collections.OrderedDict
    assert list(out) == list(sd)
    for k, v in sd.items():
        assert isinstance(out[k], ember.Tensor)
        assert out[k].dtype.name == str(v.dtype).split(".")[1]
        numpy.testing.assert_array_equal(_ember_np(out[k]), _np(v))
    # torch attaches module versions as an attribute of the OrderedDict
    assert out._metadata[""] == sd._metadata[""]


@pytest.mark.parametrize("name", DTYPES)
def test_torch_every_dtype(name):
    t = _torch_sample(name)
    out = load(_roundtrip_bytes(torch.save, {"x": t, "nc": t.t()[1:]}))
    assert out["x"].dtype is getattr(ember, name)
    assert out["x"].shape == t.shape
    numpy.testing.assert_array_equal(_ember_np(out["x"]), _np(t))
    numpy.testing.assert_array_equal(_ember_np(out["nc"]), _np(t.t()[1:]))


def test_torch_views_share_memory_after_load():
    base = torch.arange(24.0).reshape(4, 6)
    obj = {"base": base, "t": base.t(), "strided": base[1:, ::2], "row": base[2]}
    out = load(_roundtrip_bytes(torch.save, obj))
    for k, v in obj.items():
        numpy.testing.assert_array_equal(_ember_np(out[k]), v.numpy())
        assert out[k].stride() == v.stride()
        assert out[k].storage_offset() == v.storage_offset()
    out["base"][2, 2] = -7.0
    assert out["t"][2, 2].item() == -7.0
    assert out["strided"][1, 1].item() == -7.0
    assert out["row"][2].item() == -7.0


def test_torch_nested_containers_and_parameter():
    p = torch.nn.Parameter(torch.tensor([1.5, -2.0]))
    obj = {"list": [1, 2.5, "s", None, True, (3, torch.tensor([4, 5]))],
           "od": collections.OrderedDict(a=torch.ones(2, dtype=torch.int32)),
           "set": {1, 2}, "bytes": b"\x00\xff", "cplx": 1 + 2j,
           "dtype": torch.float16, "size": torch.Size([2, 3]), "dev": torch.device("cpu"),
           "param": p, "frozen": torch.nn.Parameter(torch.zeros(1), requires_grad=False)}
    out = load(_roundtrip_bytes(torch.save, obj))
    assert out["list"][:5] == [1, 2.5, "s", None, True]
    assert out["list"][5][0] == 3
    assert out["list"][5][1].tolist() == [4, 5]
    assert out["od"]["a"].dtype is ember.int32 and out["od"]["a"].tolist() == [1, 1]
    assert out["set"] == {1, 2} and out["bytes"] == b"\x00\xff" and out["cplx"] == 1 + 2j
    assert out["dtype"] is ember.float16
    assert out["size"] == (2, 3) and type(out["size"]) is ember.Size
    assert out["dev"] == ember.device("cpu")
    assert isinstance(out["param"], Parameter) and out["param"].requires_grad
    assert out["param"].tolist() == [1.5, -2.0]
    assert isinstance(out["frozen"], Parameter) and not out["frozen"].requires_grad


def test_map_location_forms():
    buf = _roundtrip_bytes(torch.save, {"x": torch.tensor([1.0, 2.0])})
    data = buf.getvalue()
    for ml in (None, "cpu", ember.device("cpu"), {"cpu": "cpu"}, lambda storage, loc: storage,
               lambda storage, loc: None):
        out = load(io.BytesIO(data), map_location=ml)
        assert out["x"].device == ember.device("cpu") and out["x"].tolist() == [1.0, 2.0]
    seen = []
    load(io.BytesIO(data), map_location=lambda s, loc: seen.append(loc))
    assert seen == ["cpu"]


# ------------------------------------------------------------ ember.save -> torch.load

def _ember_sample(name):
    return ember.from_numpy(_np(_torch_sample(name))).to(getattr(ember, name))


@pytest.mark.parametrize("name", DTYPES)
def test_ember_save_torch_load_every_dtype(name):
    x = _ember_sample(name)
    out = torch.load(_roundtrip_bytes(save, {"x": x, "nc": x.t()[1:]}), weights_only=True)
    assert out["x"].dtype == getattr(torch, name)
    numpy.testing.assert_array_equal(_np(out["x"]), _ember_np(x))
    numpy.testing.assert_array_equal(_np(out["nc"]), _ember_np(x.t()[1:]))


def test_ember_state_dict_torch_load_into_model():
    ember.manual_seed(3)
    model = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.ReLU(), ember.nn.Linear(3, 2))
    sd = torch.load(_roundtrip_bytes(save, model.state_dict()), weights_only=True)
    tmodel = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    tmodel.load_state_dict(sd)
    x = numpy.random.randn(5, 4).astype(numpy.float32)
    numpy.testing.assert_allclose(tmodel(torch.from_numpy(x)).detach().numpy(),
                                  ember.ops.to_numpy(model(ember.from_numpy(x))),
                                  rtol=1e-6, atol=1e-6)


def test_ember_save_containers_and_shared_views():
    base = ember.arange(24.0).reshape(4, 6)
    obj = collections.OrderedDict(
        base=base, t=base.t(), strided=base[1:, ::2], other=ember.ones(3),
        param=Parameter(ember.tensor([1.0, 2.0])), nested=[1, (2.5, "s"), None, {"k": True}],
        dtype=ember.bfloat16, size=ember.zeros(2, 3).shape, dev=ember.device("cpu"),
        raw=b"ab", st={3})
    out = torch.load(_roundtrip_bytes(save, obj), weights_only=True)
    assert type(out) is collections.OrderedDict and list(out) == list(obj)
    for k in ("base", "t", "strided", "other"):
        numpy.testing.assert_array_equal(out[k].numpy(), ember.ops.to_numpy(obj[k]))
    ptr = out["base"].untyped_storage().data_ptr()
    assert out["t"].untyped_storage().data_ptr() == ptr
    assert out["strided"].untyped_storage().data_ptr() == ptr
    assert out["strided"].storage_offset() == 6 and out["strided"].stride() == (6, 2)
    assert out["other"].untyped_storage().data_ptr() != ptr
    assert isinstance(out["param"], torch.nn.Parameter) and out["param"].requires_grad
    assert out["param"].tolist() == [1.0, 2.0]
    assert out["nested"] == [1, (2.5, "s"), None, {"k": True}]
    assert out["dtype"] is torch.bfloat16 and out["size"] == torch.Size([2, 3])
    assert out["dev"] == torch.device("cpu") and out["raw"] == b"ab" and out["st"] == {3}


def test_ember_file_layout(tmp_path):
    path = tmp_path / "m.pt"
    save({"x": ember.ones(2)}, path)
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        assert {"archive/data.pkl", "archive/byteorder", "archive/version",
                "archive/data/0"} <= names
        assert zf.read("archive/byteorder") == b"little"
        assert zf.read("archive/data/0") == numpy.ones(2, numpy.float32).tobytes()
        for info in zf.infolist():  # records are stored, and aligned so torch can mmap them
            assert info.compress_type == zipfile.ZIP_STORED
            assert (info.header_offset + 30 + len(info.filename) + len(info.extra)) % 64 == 0
    out = torch.load(path, weights_only=True, mmap=True)
    assert out["x"].tolist() == [1.0, 1.0]


# ------------------------------------------------------------ ember -> ember

def test_ember_roundtrip(tmp_path):
    base = ember.randn(3, 5)
    obj = {"a": base, "v": base[:, 1:4:2], "i": ember.tensor([1, 2], dtype=ember.int16),
           "bf": ember.tensor([0.5, -1.25], dtype=ember.bfloat16),
           "p": Parameter(ember.randn(2)), "meta": [1, "two", 3.0, None]}
    save(obj, tmp_path / "r.pt")
    out = load(tmp_path / "r.pt")
    for k in ("a", "v", "i", "bf", "p"):
        assert out[k].dtype is obj[k].dtype
        numpy.testing.assert_array_equal(_ember_np(out[k]), _ember_np(obj[k]))
    assert isinstance(out["p"], Parameter) and out["p"].requires_grad
    assert out["meta"] == [1, "two", 3.0, None]
    out["a"][0, 1] = 42.0
    assert out["v"][0, 0].item() == 42.0  # the view was saved with its base: still shared


# ------------------------------------------------------------ safety and corrupt files

class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > " + str(self.marker),))


def test_forbidden_global_refused_and_not_run(tmp_path):
    marker = tmp_path / "pwned"
    evil = _Evil()
    evil.marker = marker
    # a torch-format file whose data.pkl calls os.system: written by hand, since torch.save
    # and ember.save would both pickle it the same way
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", pickle.dumps({"x": evil}, protocol=2))
        zf.writestr("archive/byteorder", "little")
        zf.writestr("archive/version", "3\n")
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match=r"(posix|os|nt)\.system"):
        load(buf)
    assert not marker.exists()


def _rewrite(good, pkl_edit=None, record_edit=None):
    zin = zipfile.ZipFile(io.BytesIO(good))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zout:
        for name in zin.namelist():
            payload = zin.read(name)
            if name.endswith("/data.pkl") and pkl_edit:
                payload = pkl_edit(payload)
            if name.endswith("/data/0") and record_edit:
                payload = record_edit(payload)
            zout.writestr(name, payload)
    buf.seek(0)
    return buf


def test_lying_geometry_refused():
    good = _roundtrip_bytes(torch.save, torch.arange(4.0)).getvalue()
    # BINPERSID, offset 0, size (4,) -> size (9,): more elements than the storage holds
    old = b"QK\x00K\x04\x85"
    assert zipfile.ZipFile(io.BytesIO(good)).read("archive/data.pkl").count(old) == 1
    buf = _rewrite(good, pkl_edit=lambda b: b.replace(old, b"QK\x00K\x09\x85"))
    with pytest.raises(RuntimeError, match=r"tensor of size \[9\], stride \[1\] and storage "
                                           r"offset 0 needs 9 elements but its storage holds "
                                           r"only 4"):
        load(buf)


def test_truncated_storage_record_refused():
    good = _roundtrip_bytes(torch.save, {"x": torch.arange(4.0)}).getvalue()
    zin = zipfile.ZipFile(io.BytesIO(good))
    prefix = zin.namelist()[0].split("/")[0]
    pkl = zin.read(f"{prefix}/data.pkl")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zout:
        for name in zin.namelist():
            payload = zin.read(name)
            if name.endswith("data/0"):
                payload = payload[:8]  # the storage record holds 2 of its 4 floats
            zout.writestr(name, payload if name != f"{prefix}/data.pkl" else pkl)
    buf.seek(0)
    with pytest.raises(RuntimeError, match=r"storage 0 should hold 4 elements of float32 "
                                           r"\(16 bytes\) but its record has only 8 bytes"):
        load(buf)


def test_truncated_file_raises_clear_error(tmp_path):
    data = _roundtrip_bytes(torch.save, {"x": torch.randn(100)}).getvalue()
    with pytest.raises(RuntimeError, match="not a torch zip checkpoint, or the file is truncated"):
        load(io.BytesIO(data[: len(data) // 2]))


def test_load_without_torch(tmp_path):
    path = tmp_path / "t.pt"
    base = torch.arange(6.0).reshape(2, 3)
    torch.save({"w": base, "t": base.t(), "b": torch.tensor([1.5], dtype=torch.bfloat16),
                "p": torch.nn.Parameter(torch.ones(2))}, path)
    code = (
        "import sys\n"
        "sys.modules['torch'] = None\n"
        "import ember\n"
        "from ember.serialization import load, save\n"
        f"d = load({str(path)!r})\n"
        "assert d['w'].tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], d\n"
        "assert d['t'].tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]], d\n"
        "assert d['b'].dtype is ember.bfloat16 and d['b'].tolist() == [1.5]\n"
        "assert d['p'].requires_grad and d['p'].tolist() == [1.0, 1.0]\n"
        f"save(d, {str(tmp_path / 'back.pt')!r})\n"
        "print('OK')\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "OK"
    back = torch.load(tmp_path / "back.pt", weights_only=True)
    assert torch.equal(back["t"], base.t()) and torch.equal(back["p"], torch.ones(2))
