"""ember.amp.GradScaler against torch.amp.GradScaler("cpu"): scale values, growth and
backoff, skipped steps, the per-optimizer stages, state_dict, unscale_ + clipping, and a
training loop under autocast equal to torch's."""
import pickle
import warnings

import numpy
import pytest
import torch

import ember
import ember.nn.functional as EF

pytest.importorskip("ml_dtypes")


def _models(seed=0, n_in=6, n_out=3):
    torch.manual_seed(seed)
    tm = torch.nn.Linear(n_in, n_out)
    em = ember.nn.Linear(n_in, n_out)
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    return tm, em


def _set_grads(model, arrays, fw):
    for p, a in zip(model.parameters(), arrays):
        p.grad = fw.tensor(a.copy())


def _params(model):
    return [p.detach().numpy().copy() for p in model.parameters()]


def test_scale_values_and_structures():
    ts, es = torch.amp.GradScaler("cpu", init_scale=1024.0), ember.amp.GradScaler("cpu",
                                                                              init_scale=1024.0)
    assert es.get_scale() == ts.get_scale() == 1024.0   # before the first scale()
    x = numpy.array([0.5, -3.0, 1e-3], dtype=numpy.float32)
    t, e = ts.scale(torch.tensor(x)), es.scale(ember.tensor(x))
    numpy.testing.assert_array_equal(e.numpy(), t.numpy())
    assert e.dtype is ember.float32
    h = es.scale(ember.tensor(x).half())       # a float16 output stays float16
    assert h.dtype is ember.float16
    pair = es.scale((ember.tensor(x), [ember.tensor(2 * x)]))
    assert isinstance(pair, tuple) and isinstance(pair[1], list)
    numpy.testing.assert_array_equal(pair[1][0].numpy(), 2048 * x)
    with pytest.raises(ValueError, match="outputs must be a Tensor or an iterable of Tensors"):
        es.scale(3.0)


def test_gradient_through_scaled_loss():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    s = ember.amp.GradScaler("cpu", init_scale=8.0)
    s.scale((x * x).sum()).backward()
    numpy.testing.assert_array_equal(x.grad.numpy(), [16.0, 32.0])


@pytest.mark.parametrize("optim", ["SGD", "Adam"])
def test_sequence_of_steps_matches_torch(optim):
    """Good steps grow the scale after growth_interval; a step with inf or NaN gradients is
    skipped (parameters and optimizer state untouched) and backs the scale off."""
    tm, em = _models()
    kw = {"lr": 0.1, "momentum": 0.9} if optim == "SGD" else {"lr": 0.01}
    topt = getattr(torch.optim, optim)(tm.parameters(), **kw)
    eopt = getattr(ember.optim, optim)(em.parameters(), **kw)
    args = dict(init_scale=4.0, growth_factor=3.0, backoff_factor=0.25, growth_interval=2)
    ts, es = torch.amp.GradScaler("cpu", **args), ember.amp.GradScaler("cpu", **args)
    g = numpy.random.default_rng(0)
    bad = {2: numpy.inf, 5: numpy.nan, 6: -numpy.inf}
    for it in range(9):
        grads = [g.standard_normal(p.shape).astype(numpy.float32) * 4 for p in tm.parameters()]
        if it in bad:
            grads[0][0, 1] = bad[it]
        # scale() makes the scale tensor; the gradients are the "scaled" ones
        ts.scale(torch.ones(()))
        es.scale(ember.ones(()))
        _set_grads(tm, grads, torch)
        _set_grads(em, grads, ember)
        before = _params(em)
        assert ts.step(topt) is None and es.step(eopt) is None   # optimizer.step()'s
        for a, b in zip(before, _params(em)):
            assert numpy.array_equal(a, b) == (it in bad)
        ts.update()
        es.update()
        assert es.get_scale() == ts.get_scale()
        assert es._get_growth_tracker() == ts._get_growth_tracker()
        for a, b in zip(_params(tm), _params(em)):
            numpy.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    if optim == "Adam":  # skipped steps did not count
        st_t = topt.state[next(iter(tm.parameters()))]
        st_e = eopt.state[next(iter(em.parameters()))]
        assert float(st_e["step"]) == float(st_t["step"]) == 6


def test_growth_is_skipped_when_it_overflows():
    es = ember.amp.GradScaler("cpu", init_scale=3e38, growth_interval=1)
    es.scale(ember.ones(()))
    p = ember.nn.Parameter(ember.ones(2))
    p.grad = ember.ones(2)
    opt = ember.optim.SGD([p], lr=0.1)
    es.step(opt)
    es.update()
    assert es.get_scale() == float(numpy.float32(3e38))
    assert es._get_growth_tracker() == 0


def test_unscale_and_clip_then_step_matches_torch():
    tm, em = _models(1)
    topt, eopt = torch.optim.SGD(tm.parameters(), lr=0.5), ember.optim.SGD(em.parameters(), lr=0.5)
    ts, es = torch.amp.GradScaler("cpu", init_scale=64.0), ember.amp.GradScaler("cpu",
                                                                             init_scale=64.0)
    x = numpy.random.default_rng(1).standard_normal((5, 6)).astype(numpy.float32)
    ts.scale(tm(torch.tensor(x)).pow(2).sum()).backward()
    es.scale(em(ember.tensor(x)).pow(2).sum()).backward()
    ts.unscale_(topt)
    es.unscale_(eopt)
    for tp, ep in zip(tm.parameters(), em.parameters()):   # unscaled: the true gradient
        numpy.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), rtol=1e-5, atol=1e-5)
    tn = torch.nn.utils.clip_grad_norm_(tm.parameters(), 1.0)
    en = ember.nn.utils.clip_grad_norm_(em.parameters(), 1.0)
    numpy.testing.assert_allclose(float(en), float(tn), rtol=1e-5)
    ts.step(topt)   # does not unscale a second time
    es.step(eopt)
    ts.update()
    es.update()
    for a, b in zip(_params(tm), _params(em)):
        numpy.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)


def test_stage_errors():
    p = ember.nn.Parameter(ember.ones(2))
    opt = ember.optim.SGD([p], lr=0.1)
    s = ember.amp.GradScaler("cpu")
    with pytest.raises(AssertionError, match="Attempted unscale_ but _scale is None"):
        s.unscale_(opt)
    s.scale(ember.ones(()))
    p.grad = ember.ones(2)
    s.unscale_(opt)
    with pytest.raises(RuntimeError, match=r"unscale_\(\) has already been called on this "
                                           r"optimizer since the last update\(\)\."):
        s.unscale_(opt)
    s.step(opt)
    with pytest.raises(RuntimeError, match=r"unscale_\(\) is being called after step\(\)\."):
        s.unscale_(opt)
    with pytest.raises(RuntimeError, match=r"step\(\) has already been called since the last "
                                           r"update\(\)\."):
        s.step(opt)
    with pytest.raises(RuntimeError, match="Closure use is not currently supported"):
        s.step(opt, closure=lambda: 0)
    with pytest.raises(RuntimeError, match="only be pickled at the beginning"):
        pickle.dumps(s)
    s.update()
    s.unscale_(opt)   # a fresh iteration
    h = ember.nn.Parameter(ember.ones(2).half())
    h.grad = ember.ones(2).half()
    s2 = ember.amp.GradScaler("cpu")
    s2.scale(ember.ones(()))
    with pytest.raises(ValueError, match="Attempting to unscale FP16 gradients."):
        s2.unscale_(ember.optim.SGD([h], lr=0.1))
    s3 = ember.amp.GradScaler("cpu")
    s3.scale(ember.ones(()))
    with pytest.raises(AssertionError, match="No inf checks were recorded prior to update."):
        s3.update()
    with pytest.raises(AssertionError, match="The growth factor must be > 1.0."):
        ember.amp.GradScaler("cpu", growth_factor=1.0)
    with pytest.raises(AssertionError, match="The backoff factor must be < 1.0."):
        ember.amp.GradScaler("cpu", backoff_factor=1.0)


def test_update_with_new_scale():
    s = ember.amp.GradScaler("cpu")
    s.scale(ember.ones(()))
    s.update(new_scale=5.0)
    assert s.get_scale() == 5.0
    s.update(ember.tensor([7.0]))
    assert s.get_scale() == 7.0
    with pytest.raises(AssertionError, match="new_scale should be a float or a 1-element"):
        s.update(ember.tensor([1.0, 2.0]))


def test_state_dict_round_trip_matches_torch():
    args = dict(init_scale=16.0, growth_factor=4.0, backoff_factor=0.125, growth_interval=3)
    ts, es = torch.amp.GradScaler("cpu", **args), ember.amp.GradScaler("cpu", **args)
    p = ember.nn.Parameter(ember.ones(2))
    opt = ember.optim.SGD([p], lr=0.1)
    tp = torch.nn.Parameter(torch.ones(2))
    topt = torch.optim.SGD([tp], lr=0.1)
    for s, param, o, fw in ((ts, tp, topt, torch), (es, p, opt, ember)):
        s.scale(fw.ones(()))
        for _ in range(2):
            param.grad = fw.ones(2)
            s.step(o)
            s.update()
    assert es.state_dict() == ts.state_dict()
    assert es.state_dict()["_growth_tracker"] == 2
    fresh = ember.amp.GradScaler("cpu")
    fresh.load_state_dict(es.state_dict())
    assert fresh.state_dict() == es.state_dict()
    fresh.scale(ember.ones(()))   # the loaded values seed the lazily made tensors
    assert fresh.get_scale() == 16.0 and fresh._get_growth_tracker() == 2
    loaded = pickle.loads(pickle.dumps(es))
    assert loaded.state_dict() == es.state_dict()
    with pytest.raises(RuntimeError, match="The source state dict is empty"):
        fresh.load_state_dict({})


def test_disabled_scaler_is_transparent():
    s = ember.amp.GradScaler("cpu", enabled=False)
    x = ember.ones(3)
    assert s.scale(x) is x
    p = ember.nn.Parameter(ember.ones(2))
    p.grad = ember.full((2,), numpy.inf)
    opt = ember.optim.SGD([p], lr=0.1)
    s.unscale_(opt)
    s.step(opt)   # not skipped: there is no scaling to check
    s.update()
    assert not numpy.isfinite(p.detach().numpy()).any()
    assert s.get_scale() == 1.0 and s.state_dict() == {} and not s.is_enabled()


def test_cuda_scaler_without_gpu_disables_with_torchs_warning():
    if ember.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.warns(UserWarning, match="torch.cuda.amp.GradScaler is enabled, but CUDA is "
                                         "not available.  Disabling."):
        s = ember.amp.GradScaler()
    assert not s.is_enabled()


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_training_under_autocast_matches_torch(dtype):
    """Linear + cross_entropy under CPU autocast with a GradScaler, several steps (one with
    an overflowing gradient), same weights loaded: losses and parameters equal torch's
    within the low type's rounding."""
    tm, em = _models(2, 6, 4)
    topt = torch.optim.SGD(tm.parameters(), lr=0.2, momentum=0.9)
    eopt = ember.optim.SGD(em.parameters(), lr=0.2, momentum=0.9)
    ts = torch.amp.GradScaler("cpu", init_scale=2.0 ** 10, growth_interval=2)
    es = ember.amp.GradScaler("cpu", init_scale=2.0 ** 10, growth_interval=2)
    g = numpy.random.default_rng(2)
    y = numpy.array([0, 1, 2, 3, 1, 0, 2, 3])
    for it in range(5):
        x = g.standard_normal((8, 6)).astype(numpy.float32)
        if it == 3:
            x[0, 0] = numpy.inf   # the gradients are not finite: the step is skipped
        with torch.autocast("cpu", dtype=getattr(torch, dtype)):
            to = tm(torch.tensor(x))
            tl = torch.nn.functional.cross_entropy(to, torch.tensor(y))
        with ember.autocast("cpu", dtype=getattr(ember, dtype)), \
                numpy.errstate(invalid="ignore"):
            eo = em(ember.tensor(x))
            el = EF.cross_entropy(eo, ember.tensor(y))
        assert str(eo.dtype) == str(to.dtype) and str(el.dtype) == str(tl.dtype)
        if it != 3:
            numpy.testing.assert_allclose(el.item(), tl.item(), rtol=0.01)
        topt.zero_grad()
        eopt.zero_grad()
        with warnings.catch_warnings(), numpy.errstate(invalid="ignore"):
            warnings.simplefilter("ignore")
            ts.scale(tl).backward()
            es.scale(el).backward()
        for tp, ep in zip(tm.parameters(), em.parameters()):
            assert ep.grad.dtype is ember.float32
        before = _params(em)
        ts.step(topt)
        es.step(eopt)
        for a, b in zip(before, _params(em)):
            assert numpy.array_equal(a, b) == (it == 3)
        ts.update()
        es.update()
        assert es.get_scale() == ts.get_scale()
        for a, b in zip(_params(tm), _params(em)):
            numpy.testing.assert_allclose(b, a, rtol=0.02, atol=0.01)


def test_two_layer_mlp_under_autocast():
    """The second Linear sees a bfloat16 input and float32 weights: cast at F.linear's entry,
    outputs and float32 leaf gradients equal to torch's."""
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    em = ember.nn.Sequential(ember.nn.Linear(6, 8), ember.nn.ReLU(), ember.nn.Linear(8, 3))
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    x = numpy.random.default_rng(1).standard_normal((5, 6)).astype(numpy.float32)
    with torch.autocast("cpu"):
        tout = tm(torch.tensor(x))
    with ember.autocast("cpu"):
        eout = em(ember.tensor(x))
    assert eout.dtype is ember.bfloat16 and tout.dtype is torch.bfloat16
    numpy.testing.assert_allclose(eout.float().detach().numpy(), tout.float().detach().numpy(),
                                  rtol=1e-2, atol=1e-2)
    tout.float().square().sum().backward()
    eout.float().square().sum().backward()
    for (name, tp), ep in zip(tm.named_parameters(), em.parameters()):
        assert ep.grad.dtype is ember.float32, name
        numpy.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), rtol=2e-2, atol=2e-2,
                                      err_msg=name)


@pytest.mark.gpu
def test_cuda_scaler_step():
    p = ember.nn.Parameter(ember.ones(3, device="cuda"))
    opt = ember.optim.SGD([p], lr=0.5)
    s = ember.amp.GradScaler("cuda", init_scale=4.0)
    with ember.autocast("cuda"):
        loss = (p.half() * 2).sum()
    s.scale(loss).backward()
    s.step(opt)
    s.update()
    numpy.testing.assert_allclose(p.detach().cpu().numpy(), [0.0, 0.0, 0.0])
    p.grad = ember.full((3,), float("inf"), device="cuda")
    s.scale(loss.detach())
    s.step(opt)
    s.update()
    numpy.testing.assert_allclose(p.detach().cpu().numpy(), [0.0, 0.0, 0.0])
    assert s.get_scale() == 2.0
