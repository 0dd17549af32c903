"""The Optimizer base class: groups, zero_grad, closures, state_dict, failed steps."""

import numpy
import pytest
import torch
from _optim_cases import check_trajectory, run_both, to_ember, to_torch

import ember
import ember.optim


def _params(n=2):
    return [ember.randn(3, 2, requires_grad=True) for _ in range(n)]


def test_param_groups_with_per_group_options_match_torch():
    groups = [{"params": [0]}, {"params": [1], "lr": 0.2, "momentum": 0.5, "nesterov": True}]
    check_trajectory("SGD", {"lr": 0.05, "momentum": 0.9}, groups=groups)
    groups = [{"params": [0], "betas": (0.5, 0.9)}, {"params": [1], "amsgrad": True}]
    check_trajectory("Adam", {"lr": 0.05}, groups=groups)


def test_defaults_fill_groups_and_add_param_group():
    a, b = _params()
    opt = ember.optim.SGD([a], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": b, "lr": 0.5})
    assert len(opt.param_groups) == 2
    assert opt.param_groups[1]["params"] == [b] or opt.param_groups[1]["params"][0] is b
    assert opt.param_groups[1]["lr"] == 0.5 and opt.param_groups[1]["momentum"] == 0.9
    assert opt.param_groups[0]["lr"] == 0.1


def test_param_errors_like_torch():
    a, b = _params()
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter "
                                         "group"):
        ember.optim.SGD([{"params": [a]}, {"params": [a, b]}], lr=0.1)
    opt = ember.optim.SGD([a], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    assert len(opt.param_groups) == 1
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        ember.optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="params argument given to the optimizer should be an "
                                        "iterable of Tensors or dicts"):
        ember.optim.SGD(a, lr=0.1)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        ember.optim.SGD([a * 2], lr=0.1)
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors"):
        ember.optim.SGD([1.0], lr=0.1)
    with pytest.raises(TypeError, match="ordered collections"):
        opt.add_param_group({"params": {b}})


def test_zero_grad_set_to_none_and_in_place():
    a, b = _params()
    opt = ember.optim.SGD([a, b], lr=0.1)
    (a.sum() + b.sum()).backward()
    g = a.grad
    opt.zero_grad(set_to_none=False)
    assert g is a.grad and numpy.array_equal(a.grad._data, numpy.zeros((3, 2)))
    assert b.grad is not None and not b.grad._data.any()
    opt.zero_grad()
    assert a.grad is None and b.grad is None


def test_step_with_closure_returns_loss_and_runs_with_grad_enabled():
    w = ember.tensor([1.0, -2.0], requires_grad=True)
    opt = ember.optim.SGD([w], lr=0.1)
    seen = []

    def closure():
        opt.zero_grad()
        seen.append(ember.is_grad_enabled())
        loss = (w * w).sum()
        loss.backward()
        return loss

    with ember.no_grad():
        loss = opt.step(closure)
    assert seen == [True]
    assert float(loss) == 5.0
    numpy.testing.assert_allclose(w._data, [0.8, -1.6], rtol=1e-6)
    assert opt.step() is None


def test_update_is_in_place_views_see_it_and_version_bumps():
    w = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    data = w._data
    view = w.detach()[1:]
    v0 = w._version
    opt = ember.optim.SGD([w], lr=0.5)
    w.grad = ember.ones(3)
    opt.step()
    assert w._data is data
    assert view.tolist() == [1.5, 2.5]
    assert w._version == v0 + 1


def test_params_without_grad_are_skipped():
    a, b = _params()
    before = b._data.copy()
    opt = ember.optim.Adam([a, b], lr=0.1)
    a.sum().backward()
    opt.step()
    assert numpy.array_equal(b._data, before)
    assert b not in opt.state and "step" in opt.state[a]


def test_failed_step_changes_nothing():
    a, b = _params()
    opt = ember.optim.Adam([a, b], lr=0.1)
    (a.sum() + b.sum()).backward()
    before = [a._data.copy(), b._data.copy()]
    b.grad._data = numpy.ones((5,), numpy.float32)   # wrong shape, as torch's .grad._data = ...
    with pytest.raises(RuntimeError, match=r"shape \[5\].*shape \[3, 2\]"):
        opt.step()
    assert numpy.array_equal(a._data, before[0]) and numpy.array_equal(b._data, before[1])
    assert len(opt.state) == 0
    b.grad._data = numpy.ones((3, 2), numpy.float64)  # wrong dtype
    with pytest.raises(RuntimeError, match="float64.*float32"):
        opt.step()
    assert numpy.array_equal(a._data, before[0]) and numpy.array_equal(b._data, before[1])


def test_state_dict_layout_matches_torch():
    _, _, oe, ot = run_both("Adam", {"lr": 0.05, "amsgrad": True}, steps=3)
    se, st = oe.state_dict(), ot.state_dict()
    assert se["param_groups"] == st["param_groups"]
    assert se["param_groups"][0]["params"] == [0, 1]
    step = se["state"][0]["step"]
    assert isinstance(step, ember.Tensor) and step.dtype == ember.float32 and step.dim() == 0
    assert float(step) == 3.0
    _pe, _pt, oe, ot = run_both("SGD", {"lr": 0.05, "momentum": 0.9}, steps=3)
    assert list(oe.state_dict()["state"][0]) == ["momentum_buffer"]


@pytest.mark.parametrize("name,kwargs", [("Adam", {"lr": 0.05, "amsgrad": True}),
                                         ("SGD", {"lr": 0.05, "momentum": 0.9}),
                                         ("RMSprop", {"lr": 0.01, "centered": True,
                                                          "momentum": 0.5}),
                                         ("NAdam", {"lr": 0.05})])
def test_torch_state_resumes_in_ember(name, kwargs):
    """Train 3 steps in torch, load its optimizer state into ember, continue both."""
    rng = numpy.random.default_rng(1)
    w0, x = rng.standard_normal((4,)).astype("float32"), rng.standard_normal((4,)).astype(
        "float32")
    wt = torch.tensor(w0, requires_grad=True)
    ot = getattr(torch.optim, name)([wt], **kwargs)

    def t_step():
        ot.zero_grad()
        ((wt * torch.tensor(x)) ** 2).sum().backward()
        ot.step()

    for _ in range(3):
        t_step()
    sd = ot.state_dict()
    we = ember.tensor(wt.detach().numpy().copy(), requires_grad=True)
    oe = getattr(ember.optim, name)([we], lr=123.0)
    oe.load_state_dict({"state": {k: {n: to_ember(v) if torch.is_tensor(v) else v
                                      for n, v in s.items()} for k, s in sd["state"].items()},
                        "param_groups": sd["param_groups"]})
    assert oe.param_groups[0]["lr"] == kwargs["lr"]
    assert oe.param_groups[0]["params"][0] is we
    for _ in range(3):
        t_step()
        oe.zero_grad()
        ((we * ember.tensor(x)) ** 2).sum().backward()
        oe.step()
    numpy.testing.assert_allclose(we._data, wt.detach().numpy(), rtol=1e-5, atol=1e-6)
    # and back: ember's state loads in torch
    sd = oe.state_dict()
    ot2 = getattr(torch.optim, name)([wt], lr=1.0)
    ot2.load_state_dict({"state": {k: {n: to_torch(v) if isinstance(v, ember.Tensor) else v
                                       for n, v in s.items()} for k, s in sd["state"].items()},
                         "param_groups": sd["param_groups"]})
    assert ot2.state_dict()["param_groups"] == ot.state_dict()["param_groups"]


def test_load_state_dict_casts_to_param_dtype_but_keeps_step():
    w = ember.zeros(2, dtype=ember.float64, requires_grad=True)
    opt = ember.optim.Adam([w])
    opt.load_state_dict({"state": {0: {"step": ember.tensor(2.0),
                                       "exp_avg": ember.ones(2),
                                       "exp_avg_sq": ember.ones(2)}},
                         "param_groups": [dict(opt.state_dict()["param_groups"][0])]})
    st = opt.state[w]
    assert st["exp_avg"].dtype == ember.float64 and st["step"].dtype == ember.float32


def test_load_state_dict_validates_first():
    a, b = _params()
    opt = ember.optim.SGD([a, b], lr=0.1)
    good = opt.state_dict()
    bad = {"state": {}, "param_groups": good["param_groups"] * 2}
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict(bad)
    bad = {"state": {}, "param_groups": [dict(good["param_groups"][0], params=[0])]}
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        opt.load_state_dict(bad)
    assert opt.param_groups[0]["params"][0] is a and len(opt.param_groups[0]["params"]) == 2


def test_repr_matches_torch():
    for name, kwargs in [("SGD", {"lr": 0.1, "momentum": 0.9}), ("AdamW", {}), ("RMSprop", {}),
                         ("Adagrad", {}), ("RAdam", {})]:
        e = getattr(ember.optim, name)([ember.randn(2, requires_grad=True)], **kwargs)
        t = getattr(torch.optim, name)([torch.randn(2, requires_grad=True)], **kwargs)
        assert repr(e) == repr(t)
