"""Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict against torch."""
from collections import OrderedDict

import numpy
import pytest
import torch

import ember
from ember import nn


def _names(m):
    return list(m._modules)


def _both(build):
    return build(torch), build(ember)


def test_sequential_indexing_and_editing_like_torch():
    def build(lib):
        return lib.nn.Sequential(lib.nn.Linear(1, 2), lib.nn.Identity(), lib.nn.Linear(2, 3),
                                 lib.nn.Flatten())
    t, e = _both(build)
    assert repr(e[-1]) == repr(t[-1]) and repr(e[1:3]) == repr(t[1:3])
    assert isinstance(e[::2], nn.Sequential) and _names(e[::2]) == _names(t[::2])
    assert e[0] is e._modules["0"] and len(e) == 4 and list(e) == list(e._modules.values())
    for seq in (t, e):
        del seq[1]
        seq.append(type(seq[0])(3, 3))
        seq.insert(1, type(seq[0])(5, 5))
        seq.insert(-1, type(seq[0])(6, 6))
        seq.pop(0)
        del seq[1:2]
    assert repr(e) == repr(t) and list(e.state_dict()) == list(t.state_dict())
    with pytest.raises(IndexError, match="index 10 is out of range"):
        e[10]
    with pytest.raises(IndexError, match="Index out of range: 9"):
        e.insert(9, nn.Identity())
    e[0] = nn.Identity()
    assert isinstance(e[0], nn.Identity)


def test_sequential_constructors_and_operators():
    od = OrderedDict([("conv", nn.Linear(2, 2)), ("act", nn.Identity())])
    s = nn.Sequential(od)
    assert _names(s) == ["conv", "act"] and s.conv is od["conv"]
    s2 = nn.Sequential(nn.Identity()) + nn.Sequential(nn.Flatten())
    assert _names(s2) == ["0", "1"] and isinstance(s2[1], nn.Flatten)
    s2 += nn.Sequential(nn.Identity())
    assert len(s2) == 3
    s3 = s2 * 2
    assert len(s3) == 6 and s3[3] is s2[0]
    s2.extend([nn.Identity(), nn.Identity()])
    assert _names(s2) == [str(i) for i in range(5)]
    with pytest.raises(ValueError, match="add operator supports only objects of Sequential"):
        nn.Sequential() + nn.ModuleList()
    assert "0" not in dir(s2) and "append" in dir(s2)


def test_sequential_forward_matches_torch():
    def build(lib):
        return lib.nn.Sequential(lib.nn.Linear(6, 4), lib.nn.Unflatten(1, (2, 2)),
                                 lib.nn.Flatten(0), lib.nn.Identity())
    t, e = _both(build)
    e.load_state_dict({k: v.numpy() for k, v in t.state_dict().items()})
    x = numpy.random.randn(3, 6).astype(numpy.float32)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    to, eo = t(tx), e(ex)
    assert tuple(eo.shape) == tuple(to.shape)
    numpy.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=1e-5, atol=1e-6)
    g = numpy.random.randn(*to.shape).astype(numpy.float32)
    to.backward(torch.tensor(g))
    eo.backward(ember.tensor(g))
    numpy.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(e[0].weight.grad.numpy(), t[0].weight.grad.numpy(),
                                  rtol=1e-5, atol=1e-6)


def test_module_list():
    def build(lib):
        return lib.nn.ModuleList([lib.nn.Linear(1, 1), lib.nn.Identity()])
    t, e = _both(build)
    for ml in (t, e):
        ml.append(type(ml[0])(2, 2))
        ml.extend([type(ml[1])(), type(ml[1])()])
        ml.insert(1, type(ml[0])(3, 3))
        ml += [type(ml[2])()]
        del ml[0]
        ml.pop(-1)
    assert repr(e) == repr(t) and list(e.state_dict()) == list(t.state_dict())
    assert repr(e[1:3]) == repr(t[1:3]) and isinstance(e[1:3], nn.ModuleList)
    assert e[-1] is e[len(e) - 1]
    assert _names(e + nn.ModuleList([nn.Identity()])) == [str(i) for i in range(len(e) + 1)]
    with pytest.raises(IndexError, match="index 7 is out of range"):
        e[7]
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable, "
                                        "but got Identity"):
        e.extend(nn.Identity())
    with pytest.raises(NotImplementedError):
        e(ember.ones(1))
    assert repr(nn.ModuleList()) == repr(torch.nn.ModuleList()) == "ModuleList()"


def test_module_dict():
    def build(lib):
        return lib.nn.ModuleDict({"z": lib.nn.Linear(1, 1), "a": lib.nn.Identity()})
    t, e = _both(build)
    for md in (t, e):
        md["m"] = type(md["z"])(2, 2)
        md.update([("b", type(md["a"])())])
        md.pop("a")
    assert repr(e) == repr(t) and list(e.keys()) == list(t.keys()) == ["z", "m", "b"]
    assert "z" in e and len(e) == 3 and list(e) == ["z", "m", "b"]
    assert [k for k, _ in e.items()] == ["z", "m", "b"] and e["m"] is list(e.values())[1]
    with pytest.raises(ValueError, match="ModuleDict update sequence element #0 has length 1"):
        e.update([("x",)])
    e.clear()
    assert len(e) == 0


def test_parameter_list_and_dict():
    def build(lib):
        pl = lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2, 3)), lib.zeros(4)])
        pl.append(lib.ones(1, dtype=lib.float64))
        pd = lib.nn.ParameterDict({"w": lib.ones(2), "b": lib.nn.Parameter(lib.zeros(3))})
        pd["x"] = lib.ones(5)
        holder = lib.nn.Module()
        holder.pl, holder.pd = pl, pd
        return holder
    t, e = _both(build)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    pl, pd = e.pl, e.pd
    assert all(type(p) is nn.Parameter for p in pl) and len(pl) == 3
    assert isinstance(pl[0:2], nn.ParameterList) and len(pl[0:2]) == 2
    assert pl[-1].dtype == ember.float64
    assert list(pd.keys()) == list(t.pd.keys()) and "w" in pd and pd.get("nope", 1) == 1
    assert type(pd["w"]) is nn.Parameter
    assert pd.pop("w").shape == (2,) and list(pd) == ["b", "x"]
    with pytest.raises(TypeError, match="Index given to ParameterDict cannot be used as a key"):
        pd[1]
    with pytest.raises(RuntimeError, match="ParameterList should not be called."):
        pl()
    with pytest.raises(TypeError, match="ParameterList.extend should be called with an iterable"):
        pl.extend(ember.ones(2))
    merged = pd | nn.ParameterDict({"c": ember.ones(1)})
    assert list(merged) == ["b", "x", "c"]
    k, v = pd.popitem()
    assert k == "x" and v.shape == (5,) and list(pd) == ["b"]
