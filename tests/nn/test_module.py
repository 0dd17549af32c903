"""nn.Module and nn.Parameter against torch: registration, iteration, state_dict, hooks, repr."""
import copy
import pickle
from collections import OrderedDict

import numpy
import pytest
import torch

import ember
from ember import nn


def _pair(lib):
    """The same architecture built with torch.nn or ember.nn."""
    class Block(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = lib.nn.Linear(4, 3)
            self.register_buffer("running", lib.zeros(3))
            self.register_buffer("scratch", lib.ones(2), persistent=False)
            self.scale = lib.nn.Parameter(lib.ones(1))

        def forward(self, x):
            return self.fc(x) * self.scale + self.running

    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.features = lib.nn.Sequential(Block(), lib.nn.Identity(), lib.nn.Linear(3, 5))
            self.heads = lib.nn.ModuleDict({"b": lib.nn.Linear(5, 2), "a": lib.nn.Linear(5, 1,
                                                                                      bias=False)})
            self.extra = lib.nn.ParameterList([lib.nn.Parameter(lib.zeros(2)), lib.zeros(1)])

        def forward(self, x):
            h = self.features(x)
            return self.heads["b"](h).sum() + self.heads["a"](h).sum()

    return Net()


def _torch_to_ember_sd(tm):
    return {k: v.detach().numpy() for k, v in tm.state_dict().items()}


def test_state_dict_keys_and_order_match_torch():
    tm, em = _pair(torch), _pair(ember)
    assert list(em.state_dict()) == list(tm.state_dict())
    assert isinstance(em.state_dict(), OrderedDict)
    assert "features.0.scratch" not in em.state_dict()
    assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert [n for n, _ in em.named_buffers()] == [n for n, _ in tm.named_buffers()]
    assert [n for n, _ in em.named_modules()] == [n for n, _ in tm.named_modules()]
    assert [n for n, _ in em.named_children()] == [n for n, _ in tm.named_children()]
    assert [n for n, _ in em.named_parameters(prefix="m", recurse=True)] == \
        [n for n, _ in tm.named_parameters(prefix="m")]
    assert [n for n, _ in em.features[0].named_parameters(recurse=False)] == ["scale"]
    assert list(em.state_dict(prefix="p.")) == list(tm.state_dict(prefix="p."))
    sd = em.state_dict()
    assert not sd["features.0.fc.weight"].requires_grad
    assert em.state_dict(keep_vars=True)["features.0.fc.weight"] is em.features[0].fc.weight


def test_load_torch_weights_same_outputs_and_grads():
    tm, em = _pair(torch), _pair(ember)
    with torch.no_grad():
        tm.features[0].running.uniform_()
    result = em.load_state_dict(_torch_to_ember_sd(tm))
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    x = numpy.random.randn(6, 4).astype(numpy.float32)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    tm(tx).backward()
    em(ex).backward()
    numpy.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-6)
    for (tn, tp), (en, ep) in zip(tm.named_parameters(), em.named_parameters()):
        assert tn == en
        if tp.grad is None:  # the ParameterList is not used in forward
            assert ep.grad is None
            continue
        numpy.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_load_copies_in_place_keeping_identity():
    m = nn.Linear(4, 2)
    w = m.weight
    data = w._data
    v = w._version
    m.load_state_dict({"weight": numpy.full((2, 4), 3.0, numpy.float32),
                       "bias": ember.zeros(2)})
    assert m.weight is w and w._data is data and w.requires_grad
    assert w._version > v
    numpy.testing.assert_array_equal(data, numpy.full((2, 4), 3.0, numpy.float32))


def test_load_failure_leaves_model_untouched_and_lists_every_error():
    m = nn.Sequential(nn.Linear(4, 2), nn.Linear(2, 3))
    before = {k: v.clone() for k, v in m.state_dict().items()}
    bad = {"0.weight": ember.ones(2, 4), "0.bias": ember.ones(2),
           "1.weight": ember.ones(3, 4), "1.bias": ember.ones(5), "2.weight": ember.ones(1)}
    with pytest.raises(RuntimeError) as info:
        m.load_state_dict(bad)
    msg = str(info.value)
    tm = torch.nn.Sequential(torch.nn.Linear(4, 2), torch.nn.Linear(2, 3))
    with pytest.raises(RuntimeError) as tinfo:
        tm.load_state_dict({k: torch.tensor(v.numpy()) for k, v in bad.items()})
    assert msg == str(tinfo.value)
    assert "size mismatch for 1.weight: copying a param with shape torch.Size([3, 4]) from " \
           "checkpoint, the shape in current model is torch.Size([3, 2])." in msg
    assert "size mismatch for 1.bias" in msg and 'Unexpected key(s) in state_dict: "2.weight"' \
        in msg
    for k, v in m.state_dict().items():  # 0.weight was valid but must not have been loaded
        numpy.testing.assert_array_equal(v.numpy(), before[k].numpy())


def test_load_state_dict_missing_and_unexpected_non_strict():
    m = nn.Linear(4, 2)
    result = m.load_state_dict({"weight": ember.ones(2, 4), "foo": ember.ones(1)}, strict=False)
    # torch reports unexpected keys even when strict=False
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["foo"]
    numpy.testing.assert_array_equal(m.weight.detach().numpy(), numpy.ones((2, 4)))
    with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "bias"\. '):
        m.load_state_dict({"weight": ember.ones(2, 4)})
    with pytest.raises(RuntimeError, match="size mismatch for weight"):
        m.load_state_dict({"weight": ember.ones(3, 4)}, strict=False)
    with pytest.raises(RuntimeError, match="expected torch.Tensor or Tensor-like object"):
        m.load_state_dict({"weight": "nope", "bias": ember.ones(2)})


def test_load_state_dict_module_prefix_hint():
    m = nn.Sequential(nn.Linear(4, 2))
    sd = {"module." + k: v for k, v in m.state_dict().items()}
    with pytest.raises(RuntimeError, match="only by a 'module.' prefix") as info:
        m.load_state_dict(sd)
    assert str(info.value).startswith("Error(s) in loading state_dict for Sequential:\n\t"
                                      'Missing key(s) in state_dict: "0.weight", "0.bias". ')
    with pytest.raises(RuntimeError) as info:
        m.load_state_dict({"0.weight": ember.ones(2, 4)})
    assert "module." not in str(info.value)


def test_parameter_basics():
    p = nn.Parameter(ember.ones(2, 3))
    tp = torch.nn.Parameter(torch.ones(2, 3))
    assert repr(p) == repr(tp)
    assert repr(nn.Parameter(ember.ones(2), requires_grad=False)) == \
        repr(torch.nn.Parameter(torch.ones(2), requires_grad=False))
    assert repr(nn.Parameter()) == repr(torch.nn.Parameter())
    assert p.requires_grad and p.is_leaf and isinstance(p, ember.Tensor)
    base = ember.zeros(3)
    q = nn.Parameter(base)
    q._data[0] = 5  # shares memory with the tensor it wraps, as in torch
    assert base[0].item() == 5
    for clone in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert type(clone) is nn.Parameter and clone.requires_grad
        assert clone._data is not p._data
        numpy.testing.assert_array_equal(clone.detach().numpy(), p.detach().numpy())
    frozen = pickle.loads(pickle.dumps(nn.Parameter(ember.ones(1), requires_grad=False)))
    assert type(frozen) is nn.Parameter and not frozen.requires_grad
    y = p * 2
    assert type(y) is ember.Tensor


def test_setattr_registration_order_and_errors():
    m = nn.Module()
    m.b = nn.Parameter(ember.ones(1))
    m.a = nn.Linear(1, 1)
    m.register_buffer("c", ember.zeros(1))
    m.x = 3
    assert list(m._parameters) == ["b"] and list(m._modules) == ["a"]
    assert list(m._buffers) == ["c"] and m.x == 3
    with pytest.raises(TypeError, match=r"cannot assign 'ember.nn.modules.linear.Linear' as "
                                        r"parameter 'b' \(torch.nn.Parameter or None expected"):
        m.b = nn.Linear(2, 2)
    m.b = None
    del m.b
    m.b = nn.Linear(2, 2)
    assert "b" not in m._parameters and list(m._modules) == ["a", "b"]
    with pytest.raises(TypeError, match=r"cannot assign 'int' as child module 'a' "
                                        r"\(torch.nn.Module or None expected\)"):
        m.a = 3
    m.p = nn.Parameter(ember.ones(1))
    with pytest.raises(TypeError, match=r"cannot assign 'torch.FloatTensor' as parameter 'p' "
                                        r"\(torch.nn.Parameter or None expected\)"):
        m.p = ember.ones(1)
    with pytest.raises(TypeError, match="cannot assign 'str' as buffer 'c'"):
        m.c = "x"
    with pytest.raises(KeyError, match="attribute 'x' already exists"):
        m.register_buffer("x", ember.ones(1))
    with pytest.raises(KeyError, match="parameter name can"):
        m.register_parameter("a.b", None)
    with pytest.raises(TypeError, match="cannot assign 'torch.FloatTensor' object to parameter"):
        m.register_parameter("q", ember.ones(1))
    with pytest.raises(TypeError, match="int is not a Module subclass"):
        m.add_module("z", 3)
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'foo'"):
        nn.Linear(1, 1).foo  # noqa: B018
    with pytest.raises(AttributeError, match="cannot assign module before Module.__init__"):
        class Bad(nn.Module):
            def __init__(self):
                self.l = nn.Linear(1, 1)
        Bad()
    del m.c, m.a, m.p, m.x
    assert not m._buffers and list(m._modules) == ["b"] and not m._parameters
    assert not hasattr(m, "x")
    m.p = None  # None is allowed once 'p' is gone: a plain attribute
    assert "b" in dir(m) and "training" in dir(m)


def test_none_entries_and_shared_params():
    m = nn.Linear(3, 2, bias=False)
    assert m.bias is None and list(m.state_dict()) == ["weight"]
    seq = nn.Sequential(m, m)
    assert len(list(seq.parameters())) == 1
    assert len(list(seq.named_parameters(remove_duplicate=False))) == 2
    assert [n for n, _ in seq.named_modules(remove_duplicate=False)] == ["", "0", "1"]
    assert list(seq.state_dict()) == ["0.weight", "1.weight"]


def test_train_eval_apply_requires_grad_zero_grad():
    m = _pair(ember)
    assert m.training and m.features[0].training
    m.eval()
    assert not any(mod.training for mod in m.modules())
    m.train()
    assert all(mod.training for mod in m.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        m.train("no")
    seen = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    tm = _pair(torch)
    tseen = []
    tm.apply(lambda mod: tseen.append(type(mod).__name__))
    assert seen == tseen
    m(ember.randn(2, 4)).backward()
    assert all(p.grad is not None for p in m.features.parameters())
    m.zero_grad(set_to_none=False)
    assert all(float(p.grad.abs().sum()) == 0 for p in m.parameters() if p.grad is not None)
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_dtype_conversion_keeps_parameter_identity():
    m = _pair(ember)
    w = m.features[0].fc.weight
    m(ember.randn(2, 4)).backward()
    m.double()
    assert m.features[0].fc.weight is w and w.dtype == ember.float64
    assert type(w) is nn.Parameter and w.requires_grad and w.grad.dtype == ember.float64
    assert m.features[0].running.dtype == ember.float64
    m.to(ember.float32)
    assert w.dtype == ember.float32
    m.half()
    assert w.dtype == ember.float16
    m.float().to("cpu").cpu()
    assert w.dtype == ember.float32 and w.device.type == "cpu"
    m.register_buffer("steps", ember.tensor(3))
    m.double()
    assert m.steps.dtype == ember.int64  # integer buffers are left alone, as in torch
    m.type(ember.float32)
    assert w.dtype == ember.float32
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point or complex"):
        m.to(ember.int64)


def test_get_submodule_parameter_buffer():
    m, t = _pair(ember), _pair(torch)
    assert m.get_submodule("features.0.fc") is m.features[0].fc
    assert m.get_submodule("") is m
    assert m.get_parameter("features.0.fc.weight") is m.features[0].fc.weight
    assert m.get_buffer("features.0.running") is m.features[0].running
    for call, arg in (("get_submodule", "features.9"), ("get_submodule", "features.0.scale"),
                      ("get_parameter", "features.0.running"),
                      ("get_parameter", "features.0.nope"), ("get_buffer", "features.0.scale")):
        with pytest.raises(AttributeError) as tinfo:
            getattr(t, call)(arg)
        with pytest.raises(AttributeError) as einfo:
            getattr(m, call)(arg)
        assert str(einfo.value) == str(tinfo.value)


def test_repr_matches_torch():
    tm, em = _pair(torch), _pair(ember)
    assert repr(em) == repr(tm)
    for lib in (torch, ember):
        lib.seq = lib.nn.Sequential(
            lib.nn.Linear(2, 3), lib.nn.Sequential(lib.nn.Flatten(), lib.nn.Identity()),
            lib.nn.ModuleList([lib.nn.Linear(3, 3) for _ in range(3)] + [lib.nn.Identity()]),
            lib.nn.Unflatten(1, (1, 3)))
    assert repr(ember.seq) == repr(torch.seq)
    del ember.seq, torch.seq


def test_hooks_order_and_results():
    log = []
    m = nn.Linear(2, 2)
    h1 = m.register_forward_pre_hook(lambda mod, args: log.append("pre1"))
    m.register_forward_pre_hook(lambda mod, args: log.append("pre0"), prepend=True)
    m.register_forward_pre_hook(lambda mod, args: (args[0] * 0,))
    m.register_forward_hook(lambda mod, args, out: log.append(("post", args[0].shape)))
    h2 = m.register_forward_hook(lambda mod, args, out: out + 100)
    m.register_forward_hook(lambda mod, args, kwargs, out: log.append(("kw", kwargs)),
                            with_kwargs=True)
    out = m(ember.ones(3, 2))
    assert log == ["pre0", "pre1", ("post", (3, 2)), ("kw", {})]
    numpy.testing.assert_allclose(out.detach().numpy(),
                                  numpy.broadcast_to(m.bias.detach().numpy() + 100, (3, 2)))
    h1.remove()
    h2.remove()
    log.clear()
    out = m(ember.ones(1, 2))
    assert log == ["pre0", ("post", (1, 2)), ("kw", {})]
    numpy.testing.assert_allclose(out.detach().numpy()[0], m.bias.detach().numpy())

    def pre_kw(mod, args, kwargs):
        return (args[0] + 1,), kwargs

    m2 = nn.Identity()
    with m2.register_forward_pre_hook(pre_kw, with_kwargs=True):
        assert m2(ember.zeros(1)).item() == 1
    assert m2(ember.zeros(1)).item() == 0


def test_error_in_submodule_names_its_path():
    model = nn.Sequential(OrderedDict(features=nn.Sequential(nn.Identity(), nn.Flatten(),
                                                             nn.Linear(4, 2))))
    x = ember.randn(2, 3)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied") as info:
        model(x)
    assert info.value.__notes__ == [
        ("Raised in module features.2 (Linear(in_features=4, out_features=2, bias=True)) "
         "with input of shape [2, 3]")]
    # called directly, the layer is the whole model
    with pytest.raises(RuntimeError) as info:
        model.features[2](x)
    assert info.value.__notes__ == [
        ("Raised in module <model> (Linear(in_features=4, out_features=2, bias=True)) "
         "with input of shape [2, 3]")]


def test_missing_forward_and_pickle_module():
    with pytest.raises(NotImplementedError, match='Module \\[Module\\] is missing the required '
                                                  '"forward" function'):
        nn.Module()(1)
    m = nn.Sequential(nn.Linear(2, 3), nn.ModuleList([nn.Identity()]),
                      nn.ParameterDict({"p": ember.ones(2)}))
    m[0].register_buffer("buf", ember.arange(3.0))
    m2 = pickle.loads(pickle.dumps(m))
    assert type(m2[0].weight) is nn.Parameter and type(m2[2]["p"]) is nn.Parameter
    for (k, a), (_, b) in zip(m.state_dict().items(), m2.state_dict().items()):
        numpy.testing.assert_array_equal(a.numpy(), b.numpy())
    m3 = copy.deepcopy(m)
    assert m3[0].weight is not m[0].weight and type(m3[0].weight) is nn.Parameter
    assert list(m3.state_dict()) == list(m.state_dict())


def test_full_backward_hooks_match_torch():
    def run(lib):
        log = []
        m = lib.nn.Linear(3, 2)
        with lib.no_grad():
            m.weight.copy_(lib.tensor(numpy.arange(6.0, dtype=numpy.float32).reshape(2, 3)))
        m.register_full_backward_pre_hook(
            lambda mod, go: log.append(("pre", [g.tolist() for g in go])))
        m.register_full_backward_hook(lambda mod, gi, go: log.append(
            ("bw", [None if g is None else g.tolist() for g in gi], [g.tolist() for g in go])))
        # the result replaces grad_input: x.grad doubles
        m.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 2,) if gi[0] is not None
                                      else None)
        x = lib.ones(1, 3, requires_grad=True)
        m(x).sum().backward()
        log.append(x.grad.tolist())
        with pytest.warns(UserWarning, match="Full backward hook is firing"):
            m(lib.ones(1, 3)).sum().backward()  # no input needs grad: grad_input is (None,)
        m.register_full_backward_pre_hook(lambda mod, go: (go[0] * 10,), prepend=True)
        lib.nn.Sequential(lib.nn.Identity(), m)(x).sum().backward()
        log.append(x.grad.tolist())
        return log
    assert run(ember) == run(torch)


def test_load_state_dict_overridable_hook_and_metadata():
    class WithDefault(nn.Module):  # the BatchNorm pattern: fill in a key old checkpoints lack
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(2, 2)
            self.register_buffer("count", ember.tensor(5))

        def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict,
                                  missing_keys, unexpected_keys, error_msgs):
            state_dict.setdefault(prefix + "count", ember.tensor(0))
            super()._load_from_state_dict(state_dict, prefix, local_metadata, strict,
                                          missing_keys, unexpected_keys, error_msgs)

    m = nn.Sequential(WithDefault())
    sd = m.state_dict()
    tsd = torch.nn.Sequential(torch.nn.Module()).state_dict()
    assert sd._metadata[""] == tsd._metadata[""] == {"version": 1}
    assert list(sd._metadata) == ["", "0", "0.lin"]
    del sd["0.count"]
    sd["0.lin.weight"] = numpy.full((2, 2), 2.0)  # float64 is cast to the parameter's float32
    assert m.load_state_dict(sd).missing_keys == []
    assert m[0].count.item() == 0
    assert m[0].lin.weight.dtype == ember.float32
    numpy.testing.assert_array_equal(m[0].lin.weight.detach().numpy(), numpy.full((2, 2), 2.0))


def test_always_call_forward_hook_runs_on_error():
    log = []
    m = nn.Linear(2, 2)
    m.register_forward_hook(lambda mod, args, out: log.append(("always", out)), always_call=True)
    m.register_forward_hook(lambda mod, args, out: log.append("normal"))
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        m(ember.ones(1, 3))
    assert log == [("always", None)]
    log.clear()
    out = m(ember.ones(1, 2))
    assert log == [("always", out), "normal"]  # once, in registration order


def test_extra_state_round_trip_like_torch():
    def build(lib):
        class Counter(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = lib.nn.Linear(1, 1)
                self.n = 3

            def get_extra_state(self):
                return {"n": self.n}

            def set_extra_state(self, state):
                self.n = state["n"]
        return lib.nn.Sequential(Counter())
    t, e = build(torch), build(ember)
    # a module's own entries come before its children's
    assert list(e.state_dict()) == list(t.state_dict()) == ["0._extra_state", "0.lin.weight",
                                                            "0.lin.bias"]
    sd = e.state_dict()
    sd["0._extra_state"] = {"n": 7}
    e.load_state_dict(sd)
    assert e[0].n == 7
    del sd["0._extra_state"]
    with pytest.raises(RuntimeError, match='Missing key.*"0._extra_state"'):
        e.load_state_dict(sd)
    with pytest.raises(RuntimeError, match='Unexpected key.*"_extra_state"'):
        nn.Linear(1, 1).load_state_dict({"weight": ember.ones(1, 1), "bias": ember.ones(1),
                                         "_extra_state": 1})
