"""torch.device: construction, comparison, printing, errors; CUDA placement and its errors."""
import copy
import pickle

import pytest
import torch

import ember


def _describe(make, m):
    try:
        d = make(m)
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return "error", type(e).__name__, str(e)
    if isinstance(d, (ember.device, torch.device)):
        return "device", repr(d), str(d), d.type, d.index
    return type(d).__name__, d


def check(make):
    e, t = _describe(make, ember), _describe(make, torch)
    assert e == t, f"\nember: {e}\ntorch: {t}"


CASES = {
    "cpu": lambda m: m.device("cpu"),
    "cuda": lambda m: m.device("cuda"),
    "cuda:1": lambda m: m.device("cuda:1"),
    "cuda, 0": lambda m: m.device("cuda", 0),
    "cpu, 0": lambda m: m.device("cpu", 0),
    "cpu:0": lambda m: m.device("cpu:0"),
    "from device": lambda m: m.device(m.device("cuda:2")),
    "keywords": lambda m: m.device(type="cuda", index=3),
    "str": lambda m: str(m.device("cuda", 1)),
    "format": lambda m: f"{m.device('cuda', 1)} {m.device('cpu')}",
    "== device": lambda m: m.device("cuda:1") == m.device("cuda", 1),
    "!= other index": lambda m: m.device("cuda:0") != m.device("cuda:1"),
    "cuda != cuda:0": lambda m: m.device("cuda") == m.device("cuda:0"),
    "cpu != cpu:0": lambda m: m.device("cpu") == m.device("cpu", 0),
    # torch compares devices with devices only
    "== str": lambda m: m.device("cpu") == "cpu",
    "str ==": lambda m: "cpu" == m.device("cpu"),
    "!= str": lambda m: m.device("cpu") != "cpu",
    "== bad str": lambda m: m.device("cpu") == "foo",
    "== int": lambda m: m.device("cpu") == 1,
    "tensor.device == str": lambda m: m.zeros(1).device == "cpu",
    "tensor.device.type == str": lambda m: m.zeros(1).device.type == "cpu",
    "hash": lambda m: hash(m.device("cuda:1")) == hash(m.device("cuda", 1)),
    "set": lambda m: len({m.device("cpu"), m.device("cpu"), m.device("cuda:0")}),
    "pickle": lambda m: pickle.loads(pickle.dumps(m.device("cuda:1"))),
    "deepcopy": lambda m: copy.deepcopy(m.device("cuda:1")),
    "bad index string": lambda m: m.device("cuda:x"),
    "negative in string": lambda m: m.device("cuda:-1"),
    "negative index": lambda m: m.device("cuda", -1),
    "index twice": lambda m: m.device("cuda:0", 1),
    "empty string": lambda m: m.device(""),
    "space": lambda m: m.device("cuda: 1"),
    "leading space": lambda m: m.device(" cuda"),
    "no colon": lambda m: m.device("cuda0"),
    "leading zero": lambda m: m.device("cuda:01"),
    "empty index": lambda m: m.device("cuda:"),
    "two indices": lambda m: m.device("cuda:1:2"),
    "tensor device": lambda m: m.zeros(2).device,
    "device= str": lambda m: m.zeros(2, device="cpu").device,
    "device= object": lambda m: m.zeros(2, device=m.device("cpu")).device,
    "is_cuda": lambda m: m.zeros(2).is_cuda,
    "get_device": lambda m: m.zeros(2).get_device(),
    "generator device": lambda m: m.Generator().device,
}


@pytest.mark.parametrize("name", list(CASES))
def test_device_matches_torch(name):
    check(CASES[name])


@pytest.mark.parametrize("bad", ["foo", "CUDA", "gpu", "cu_da"])
def test_unknown_device_type_raises_like_torch(bad):
    # torch lists every backend it knows; ember lists the two it has
    tail = f"device type at start of device string: {bad}"
    with pytest.raises(RuntimeError, match="^Expected one of cpu, cuda.*" + tail):
        ember.device(bad)
    with pytest.raises(RuntimeError, match="^Expected one of cpu, cuda.*" + tail):
        torch.device(bad)


def test_device_argument_types():
    with pytest.raises(TypeError):
        ember.device(None)
    with pytest.raises(TypeError):
        torch.device(None)
    with pytest.raises(TypeError):
        ember.device(1.5)


def test_devices_are_interned_and_immutable_enough():
    assert ember.device("cpu") is ember.device(ember.device("cpu"))
    assert ember.device("cuda", 1) is ember.device("cuda:1")


def test_default_device_context():
    assert ember.get_default_device() == ember.device("cpu")
    with ember.device("cpu"):
        assert ember.zeros(1).device == ember.device("cpu")


def _has_cupy():
    try:
        import cupy  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(_has_cupy(), reason="CuPy is installed: the missing-CuPy error cannot occur")
@pytest.mark.parametrize("make", [
    lambda: ember.zeros(2, device="cuda"),
    lambda: ember.tensor([1.0], device="cuda:0"),
    lambda: ember.ones(2).to("cuda"),
    lambda: ember.ones(2).cuda(),
    lambda: ember.rand(2, device="cuda"),
    lambda: ember.arange(3, device=ember.device("cuda", 1)),
    lambda: ember.full((2,), 1.0, device="cuda"),
], ids=["zeros", "tensor", "to", "cuda()", "rand", "arange", "full"])
def test_cuda_without_cupy_names_the_extra(make):
    with pytest.raises(RuntimeError, match=r"pip install 'ember\[cuda\]'"):
        make()


def test_importing_ember_does_not_need_cupy():
    # a device object for cuda can exist without CuPy; only using it needs CuPy
    d = ember.device("cuda:0")
    assert d.type == "cuda" and d.index == 0 and repr(d) == repr(torch.device("cuda:0"))


# ------------------------------------------------------------------ on a GPU

@pytest.mark.gpu
def test_cuda_tensor_basics():
    t = ember.tensor([1.5, 2.0], device="cuda")
    assert t.is_cuda and t.device.type == "cuda" and t.get_device() == t.device.index
    assert t.cpu().tolist() == [1.5, 2.0]
    assert repr(t) == f"tensor([1.5000, 2.0000], device='{t.device}')"
    assert t.type() == "torch.cuda.FloatTensor"
    with pytest.raises(TypeError, match="can't convert cuda"):
        t.numpy()
    for make in (ember.zeros, ember.ones, ember.empty, ember.rand, ember.randn):
        assert make(3, device="cuda").device == t.device
    assert ember.arange(4, device="cuda").cpu().tolist() == [0, 1, 2, 3]
    assert ember.zeros_like(t).device == t.device


@pytest.mark.gpu
def test_mixing_devices_raises():
    a = ember.ones(2)
    b = ember.ones(2, device="cuda:0")
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device, but "
                                           "found at least two devices, cpu and cuda:0!"):
        a + b


@pytest.mark.gpu
def test_second_gpu_placement():
    import cupy
    if cupy.cuda.runtime.getDeviceCount() < 2:
        pytest.skip("needs two GPUs")
    t = ember.zeros(2, device="cuda:1")
    assert t.device == ember.device("cuda", 1) and t._data.device.id == 1
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        t + ember.zeros(2, device="cuda:0")
