"""Batch/instance/layer/group/local-response norm against torch: outputs, input and parameter
gradients, running statistics over several training steps, eval mode, gradcheck."""
import numpy
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.nn.modules.batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d
from ember.nn.modules.instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from ember.nn.modules.normalization import GroupNorm, LayerNorm, LocalResponseNorm
from ember.ops.normalization import (
    batch_norm,
    group_norm,
    instance_norm,
    layer_norm,
    local_response_norm,
)

RTOL, ATOL = 1e-4, 1e-5


def _randomise(tm):
    """Non-trivial parameters (torch's init gives ones/zeros, which hide layout mistakes)."""
    with torch.no_grad():
        for p in tm.parameters():
            p.copy_(torch.randn(p.shape))


def _copy(tm, em):
    missing = em.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})
    assert list(em.state_dict()) == list(tm.state_dict())
    return missing


def _close(e, t):
    numpy.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=RTOL, atol=ATOL)


def _step(tm, em, shape, scale=1.0, shift=0.0):
    """One forward/backward on the same input and upstream grad; compares everything."""
    x = (numpy.random.randn(*shape) * scale + shift).astype(numpy.float32)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    to, eo = tm(tx), em(ex)
    assert tuple(eo.shape) == tuple(to.shape) and str(eo.dtype) == str(to.dtype)
    _close(eo, to)
    g = numpy.random.randn(*to.shape).astype(numpy.float32)
    to.backward(torch.tensor(g))
    eo.backward(ember.tensor(g))
    _close(ex.grad, tx.grad)
    for (tn, tp), (en, ep) in zip(tm.named_parameters(), em.named_parameters()):
        assert tn == en
        _close(ep.grad, tp.grad)
    tsd, esd = tm.state_dict(), em.state_dict()
    for k in tsd:
        if "num_batches_tracked" in k:
            assert esd[k].dtype == ember.int64 and int(esd[k]) == int(tsd[k])
        else:
            _close(esd[k], tsd[k])


BN_CASES = [(BatchNorm1d, torch.nn.BatchNorm1d, (6, 3)),
            (BatchNorm1d, torch.nn.BatchNorm1d, (4, 3, 5)),
            (BatchNorm2d, torch.nn.BatchNorm2d, (2, 3, 4, 5)),
            (BatchNorm3d, torch.nn.BatchNorm3d, (2, 3, 2, 3, 2))]


@pytest.mark.parametrize("ecls,tcls,shape", BN_CASES)
@pytest.mark.parametrize("momentum", [0.1, 0.3, None])
def test_batchnorm_train_steps_then_eval(ecls, tcls, shape, momentum):
    tm, em = tcls(3, momentum=momentum), ecls(3, momentum=momentum)
    _randomise(tm)
    _copy(tm, em)
    assert repr(em) == repr(tm)
    for i in range(3):  # running stats move away from (0, 1): mean ~2, variance ~9
        _step(tm, em, shape, scale=3.0, shift=2.0 + i)
        tm.zero_grad()
        em.zero_grad()
    assert int(em.num_batches_tracked) == 3
    tm.eval()
    em.eval()
    _step(tm, em, shape, scale=3.0, shift=1.0)


@pytest.mark.parametrize("kwargs", [
    {"affine": False}, {"bias": False}, {"track_running_stats": False},
    {"affine": False, "track_running_stats": False, "momentum": None}])
def test_batchnorm_options(kwargs):
    tm, em = torch.nn.BatchNorm2d(3, **kwargs), BatchNorm2d(3, **kwargs)
    _randomise(tm)
    _copy(tm, em)
    assert repr(em) == repr(tm)
    for _ in range(2):
        _step(tm, em, (3, 3, 2, 2), scale=2.0, shift=1.0)
    tm.eval()
    em.eval()
    # track_running_stats=False: eval still uses the batch statistics
    _step(tm, em, (3, 3, 2, 2), scale=2.0, shift=1.0)


def test_batchnorm_eval_uses_running_stats_and_loads_old_checkpoint():
    tm, em = torch.nn.BatchNorm1d(4), BatchNorm1d(4)
    with torch.no_grad():
        tm.running_mean.copy_(torch.randn(4))
        tm.running_var.copy_(torch.rand(4) + 0.5)
    _randomise(tm)
    sd = {k: v.numpy() for k, v in tm.state_dict().items() if k != "num_batches_tracked"}
    # a version-1 checkpoint has no num_batches_tracked: it is filled with 0, as torch does
    em._load_from_state_dict(dict(sd), "", {"version": 1}, True, [], [], [])
    assert int(em.num_batches_tracked) == 0
    _copy(tm, em)
    tm.eval()
    em.eval()
    _step(tm, em, (1, 4))  # one sample is fine outside training


def test_batch_norm_functional_and_errors():
    x = numpy.random.randn(5, 3, 4).astype(numpy.float32)
    rm, rv = numpy.random.randn(3).astype(numpy.float32), numpy.random.rand(3).astype(numpy.float32)
    trm, trv, erm, erv = (torch.tensor(rm), torch.tensor(rv), ember.tensor(rm),
                          ember.tensor(rv))
    to = torch.nn.functional.batch_norm(torch.tensor(x), trm, trv, training=True, momentum=0.5)
    eo = batch_norm(ember.tensor(x), erm, erv, training=True, momentum=0.5)
    _close(eo, to)
    _close(erm, trm)
    _close(erv, trv)
    to = torch.nn.functional.batch_norm(torch.tensor(x), None, None, training=True)
    _close(batch_norm(ember.tensor(x), None, None, training=True), to)
    with pytest.raises(ValueError, match=r"Expected more than 1 value per channel when "
                       r"training, got input size torch.Size\(\[1, 3\]\)"):
        BatchNorm1d(3)(ember.randn(1, 3))
    with pytest.raises(ValueError, match=r"Expected more than 1 value per channel"):
        batch_norm(ember.randn(1, 3, 1), None, None, training=True)
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        BatchNorm1d(3)(ember.randn(2, 3, 4, 5))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        BatchNorm2d(3)(ember.randn(2, 3, 4))
    with pytest.raises(RuntimeError, match="running_mean should contain 3 elements not 4"):
        batch_norm(ember.randn(2, 3), ember.zeros(4), ember.ones(4), training=True)
    with pytest.raises(RuntimeError, match="running_mean must be defined in evaluation mode"):
        batch_norm(ember.randn(2, 3), None, None, training=False)
    with pytest.raises(ValueError, match="running_mean and running_var must either both be "
                       "None or neither be None"):
        batch_norm(ember.randn(2, 3), ember.zeros(3), None, training=True)


def test_batch_norm_gradcheck_double():
    x = ember.randn(4, 3, 2, dtype=ember.float64, requires_grad=True)
    w = ember.randn(3, dtype=ember.float64, requires_grad=True)
    b = ember.randn(3, dtype=ember.float64, requires_grad=True)
    f = lambda x, w, b: batch_norm(x, None, None, w, b, training=True)
    assert gradcheck(f, (x, w, b))
    assert gradgradcheck(f, (x, w, b))
    rm, rv = ember.randn(3, dtype=ember.float64), ember.rand(3, dtype=ember.float64) + 0.5
    g = lambda x, w, b: batch_norm(x, rm, rv, w, b, training=False)
    assert gradcheck(g, (x, w, b))


@pytest.mark.parametrize("shape,normalized_shape,kwargs", [
    ((4, 5), 5, {}), ((2, 3, 4), (3, 4), {}), ((2, 3, 4), [4], {"bias": False}),
    ((3, 6), (6,), {"elementwise_affine": False, "eps": 1e-3})])
def test_layernorm_matches_torch(shape, normalized_shape, kwargs):
    tm, em = torch.nn.LayerNorm(normalized_shape, **kwargs), LayerNorm(normalized_shape, **kwargs)
    _randomise(tm)
    _copy(tm, em)
    assert repr(em) == repr(tm)
    _step(tm, em, shape, scale=2.0, shift=3.0)


def test_layer_norm_gradcheck_and_errors():
    x = ember.randn(3, 2, 4, dtype=ember.float64, requires_grad=True)
    w = ember.randn(2, 4, dtype=ember.float64, requires_grad=True)
    b = ember.randn(2, 4, dtype=ember.float64, requires_grad=True)
    f = lambda x, w, b: layer_norm(x, (2, 4), w, b)
    assert gradcheck(f, (x, w, b))
    assert gradgradcheck(f, (x, w, b))
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[5\], expected input with "
                       r"shape \[\*, 5\], but got input of size\[2, 6, 4\]"):
        layer_norm(ember.randn(2, 6, 4), (5,))


@pytest.mark.parametrize("groups,channels,shape,kwargs", [
    (2, 4, (3, 4, 5), {}), (3, 6, (2, 6, 2, 3), {}), (1, 3, (2, 3), {"bias": False}),
    (3, 3, (2, 3, 4), {"affine": False, "eps": 1e-3})])
def test_groupnorm_matches_torch(groups, channels, shape, kwargs):
    tm, em = torch.nn.GroupNorm(groups, channels, **kwargs), GroupNorm(groups, channels, **kwargs)
    _randomise(tm)
    _copy(tm, em)
    assert repr(em) == repr(tm)
    _step(tm, em, shape, scale=2.0, shift=-1.0)


def test_group_norm_gradcheck_and_errors():
    x = ember.randn(2, 4, 3, dtype=ember.float64, requires_grad=True)
    w = ember.randn(4, dtype=ember.float64, requires_grad=True)
    b = ember.randn(4, dtype=ember.float64, requires_grad=True)
    f = lambda x, w, b: group_norm(x, 2, w, b)
    assert gradcheck(f, (x, w, b))
    assert gradgradcheck(f, (x, w, b))
    with pytest.raises(RuntimeError, match=r"Expected number of channels in input to be "
                       r"divisible by num_groups, but got input of shape \[2, 6, 4\] and "
                       r"num_groups=4"):
        group_norm(ember.randn(2, 6, 4), 4)
    with pytest.raises(ValueError, match=r"num_channels \(6\) must be divisible by "
                       r"num_groups \(4\)"):
        GroupNorm(4, 6)


@pytest.mark.parametrize("ecls,tcls,shape", [
    (InstanceNorm1d, torch.nn.InstanceNorm1d, (2, 3, 5)),
    (InstanceNorm1d, torch.nn.InstanceNorm1d, (3, 5)),  # no batch dim
    (InstanceNorm2d, torch.nn.InstanceNorm2d, (2, 3, 2, 3)),
    (InstanceNorm3d, torch.nn.InstanceNorm3d, (2, 3, 2, 2, 2))])
@pytest.mark.parametrize("kwargs", [{}, {"affine": True, "track_running_stats": True}])
def test_instancenorm_matches_torch(ecls, tcls, shape, kwargs):
    tm, em = tcls(3, **kwargs), ecls(3, **kwargs)
    _randomise(tm)
    _copy(tm, em)
    assert repr(em) == repr(tm)
    for i in range(2):
        _step(tm, em, shape, scale=2.0, shift=1.0 + i)
        tm.zero_grad()
        em.zero_grad()
    tm.eval()
    em.eval()
    _step(tm, em, shape, scale=2.0, shift=1.0)


def test_instance_norm_gradcheck_and_errors():
    x = ember.randn(2, 3, 4, dtype=ember.float64, requires_grad=True)
    w = ember.randn(3, dtype=ember.float64, requires_grad=True)
    f = lambda x, w: instance_norm(x, weight=w)
    assert gradcheck(f, (x, w))
    assert gradgradcheck(f, (x, w))
    with pytest.raises(ValueError, match=r"Expected more than 1 spatial element when "
                       r"training, got input size torch.Size\(\[2, 3, 1\]\)"):
        instance_norm(ember.randn(2, 3, 1))
    with pytest.raises(ValueError, match=r"Expected more than 1 spatial element when "
                       r"training, got input size torch.Size\(\[4, 3\]\)"):
        instance_norm(ember.randn(4, 3))
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        InstanceNorm1d(3)(ember.randn(2, 3, 4, 5))


@pytest.mark.parametrize("size,shape,kwargs", [
    (2, (2, 5, 3), {}), (3, (2, 4, 2, 3), {"alpha": 0.5, "beta": 0.6, "k": 2.0}),
    (4, (1, 3, 2, 2, 2), {"alpha": 1.0})])
def test_local_response_norm_matches_torch(size, shape, kwargs):
    tm, em = torch.nn.LocalResponseNorm(size, **kwargs), LocalResponseNorm(size, **kwargs)
    assert repr(em) == repr(tm)
    _step(tm, em, shape, scale=2.0)


def test_local_response_norm_gradcheck_and_errors():
    x = ember.randn(2, 4, 3, dtype=ember.float64, requires_grad=True)
    f = lambda x: local_response_norm(x, 3, alpha=0.5)
    assert gradcheck(f, (x,))
    assert gradgradcheck(f, (x,))
    with pytest.raises(ValueError, match=r"Expected 3D or higher dimensionality\s+input "
                       r"\(got 2 dimensions\)"):
        local_response_norm(ember.randn(2, 3), 2)


@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5, 4)])
def test_batch_norm_eval_no_grad_fast_path_matches_composed_and_torch(shape, affine):
    """Under no_grad, eval batch_norm runs on arrays; it must equal the composed graph path
    (taken when the input requires grad) and torch, and leave the input untouched."""
    rng = numpy.random.default_rng(0)
    x = rng.normal(size=shape).astype(numpy.float32)
    c = shape[1]
    rm, rv = rng.normal(size=c).astype(numpy.float32), rng.uniform(0.5, 2, c).astype(numpy.float32)
    w, b = (rng.normal(size=c).astype(numpy.float32) for _ in range(2)) if affine else (None, None)
    e = lambda a: None if a is None else ember.tensor(a)  # noqa: E731
    t = lambda a: None if a is None else torch.tensor(a)  # noqa: E731
    ex = ember.tensor(x)
    with ember.no_grad():
        fast = batch_norm(ex, e(rm), e(rv), e(w), e(b), training=False, eps=1e-3)
    composed = batch_norm(ember.tensor(x, requires_grad=True), e(rm), e(rv), e(w), e(b),
                          training=False, eps=1e-3)
    expect = torch.nn.functional.batch_norm(t(x), t(rm), t(rv), t(w), t(b), training=False,
                                            eps=1e-3)
    assert fast.dtype == ember.float32 and not fast.requires_grad
    numpy.testing.assert_allclose(fast.numpy(), composed.detach().numpy(), rtol=1e-6, atol=1e-6)
    numpy.testing.assert_allclose(fast.numpy(), expect.numpy(), rtol=RTOL, atol=ATOL)
    numpy.testing.assert_array_equal(ex.numpy(), x)
