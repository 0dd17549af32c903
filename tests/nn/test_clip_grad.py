"""nn.utils: clip_grad_norm_, get_total_norm, clip_grads_with_norm_, clip_grad_value_,
parameters_to_vector and vector_to_parameters against torch."""
import math

import numpy
import pytest
import torch

import ember
import ember.nn.utils
from ember.nn.modules.linear import Linear
from ember.nn.parameter import Parameter

RNG = numpy.random.default_rng(0)
SHAPES = [(3, 4), (5,), (2, 1, 3)]


def _params(scale=3.0, with_none=True, dtype=numpy.float32):
    """The same parameters with the same grads in both libraries; the last has grad None."""
    values = [RNG.standard_normal(s).astype(dtype) for s in SHAPES]
    grads = [RNG.standard_normal(s).astype(dtype) * scale for s in SHAPES]
    ep = [Parameter(ember.tensor(v)) for v in values]
    tp = [torch.nn.Parameter(torch.tensor(v)) for v in values]
    for e, t, g in zip(ep, tp, grads):
        e.grad = ember.tensor(g)
        t.grad = torch.tensor(g)
    if with_none:
        ep.append(Parameter(ember.ones(2)))
        tp.append(torch.nn.Parameter(torch.ones(2)))
    return ep, tp


def _same_grads(ep, tp, rtol=1e-6):
    for e, t in zip(ep, tp):
        if t.grad is None:
            assert e.grad is None
        else:
            assert str(e.grad.dtype) == str(t.grad.dtype)
            numpy.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=1e-7)


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, 0.5, "inf", float("inf"), -float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    ep, tp = _params()
    en = ember.nn.utils.clip_grad_norm_(ep, max_norm, norm_type)
    tn = torch.nn.utils.clip_grad_norm_(tp, max_norm, norm_type)
    assert isinstance(en, ember.Tensor) and en.shape == () and str(en.dtype) == str(tn.dtype)
    numpy.testing.assert_allclose(en.item(), tn.item(), rtol=1e-6)
    _same_grads(ep, tp)


def test_clip_grad_norm_actually_clips():
    ep, _ = _params(scale=10.0)
    before = [p.grad.numpy().copy() for p in ep if p.grad is not None]
    total = ember.nn.utils.clip_grad_norm_(ep, 1.0).item()
    expected = math.sqrt(sum(float((b.astype(numpy.float64) ** 2).sum()) for b in before))
    assert total == pytest.approx(expected, rel=1e-5)
    after = ember.nn.utils.get_total_norm([p.grad for p in ep if p.grad is not None]).item()
    assert after == pytest.approx(1.0, rel=1e-5)
    # direction is preserved: each grad is the old one times one common factor
    for b, p in zip(before, ep):
        numpy.testing.assert_allclose(p.grad.numpy(), b * (1.0 / (expected + 1e-6)), rtol=1e-5)


def test_clip_grad_norm_is_in_place_and_not_recorded():
    ep, _ = _params(with_none=False)
    grad_obj = ep[0].grad
    version = grad_obj._version
    ember.nn.utils.clip_grad_norm_(ep, 0.1)
    assert ep[0].grad is grad_obj and grad_obj._version > version
    assert ep[0].grad.grad_fn is None and not ep[0].grad.requires_grad


def test_single_tensor_generator_and_float64():
    ep, tp = _params(with_none=False, dtype=numpy.float64)
    en = ember.nn.utils.clip_grad_norm_(ep[0], 0.7)
    tn = torch.nn.utils.clip_grad_norm_(tp[0], 0.7)
    assert str(en.dtype) == str(tn.dtype) == "torch.float64"
    numpy.testing.assert_allclose(en.item(), tn.item(), rtol=1e-12)
    en = ember.nn.utils.clip_grad_norm_((p for p in ep), 0.2, norm_type=1.0)
    tn = torch.nn.utils.clip_grad_norm_((p for p in tp), 0.2, norm_type=1.0)
    numpy.testing.assert_allclose(en.item(), tn.item(), rtol=1e-12)
    _same_grads(ep, tp, rtol=1e-12)


def test_module_parameters():
    tm = torch.nn.Linear(4, 3)
    em = Linear(4, 3)
    em.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})
    x = RNG.standard_normal((5, 4)).astype(numpy.float32)
    (tm(torch.tensor(x)) ** 2).sum().backward()
    (em(ember.tensor(x)) ** 2).sum().backward()
    en = ember.nn.utils.clip_grad_norm_(em.parameters(), 0.5)
    tn = torch.nn.utils.clip_grad_norm_(tm.parameters(), 0.5)
    numpy.testing.assert_allclose(en.item(), tn.item(), rtol=1e-5)
    _same_grads(list(em.parameters()), list(tm.parameters()), rtol=1e-5)


def test_no_grads_and_empty_generator():
    p = Parameter(ember.ones(3))
    n = ember.nn.utils.clip_grad_norm_([p], 1.0)
    tn = torch.nn.utils.clip_grad_norm_([torch.nn.Parameter(torch.ones(3))], 1.0)
    assert n.item() == tn.item() == 0.0 and str(n.dtype) == str(tn.dtype)
    assert p.grad is None
    with pytest.warns(UserWarning, match="empty generator"):
        ember.nn.utils.clip_grad_norm_((q for q in []), 1.0)


# inf * 0 inside the norm makes NumPy warn where torch is silent (core elementwise behaviour)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("bad", [float("inf"), float("nan")])
def test_error_if_nonfinite(bad):
    ep, tp = _params()
    ep[0].grad[0, 0] = bad
    tp[0].grad[0, 0] = bad
    with pytest.raises(RuntimeError) as te:
        torch.nn.utils.clip_grad_norm_(tp, 1.0, error_if_nonfinite=True)
    with pytest.raises(RuntimeError) as ee:
        ember.nn.utils.clip_grad_norm_(ep, 1.0, error_if_nonfinite=True)
    assert str(ee.value) == str(te.value)
    assert "non-finite" in str(ee.value)
    _same_grads(ep, tp)  # nothing was scaled before the error
    # without the flag both scale by the non-finite norm
    en = ember.nn.utils.clip_grad_norm_(ep, 1.0)
    tn = torch.nn.utils.clip_grad_norm_(tp, 1.0)
    numpy.testing.assert_equal(en.item(), tn.item())
    numpy.testing.assert_array_equal(ep[1].grad.numpy(), tp[1].grad.numpy())


@pytest.mark.parametrize("norm_type", [2.0, "inf", 1.5])
def test_get_total_norm_then_clip_grads_with_norm(norm_type):
    ep, tp = _params()
    en = ember.nn.utils.get_total_norm([p.grad for p in ep if p.grad is not None], norm_type)
    tn = torch.nn.utils.get_total_norm([p.grad for p in tp if p.grad is not None], norm_type)
    numpy.testing.assert_allclose(en.item(), tn.item(), rtol=1e-6)
    ember.nn.utils.clip_grads_with_norm_(ep, 2.0, en)
    torch.nn.utils.clip_grads_with_norm_(tp, 2.0, tn)
    _same_grads(ep, tp)
    assert ember.nn.utils.get_total_norm([]).item() == 0.0


@pytest.mark.parametrize("clip_value", [0.5, 2, 100.0])
def test_clip_grad_value_matches_torch(clip_value):
    ep, tp = _params()
    ep[0].grad[0, 0] = clip_value  # exactly at the bound
    tp[0].grad[0, 0] = clip_value
    assert ember.nn.utils.clip_grad_value_(ep, clip_value) is None
    torch.nn.utils.clip_grad_value_(tp, clip_value)
    _same_grads(ep, tp, rtol=0)
    for p in ep[:-1]:
        assert numpy.abs(p.grad.numpy()).max() <= clip_value


def test_deprecated_clip_grad_norm_warns():
    ep, tp = _params()
    with pytest.warns(FutureWarning, match="deprecated"):
        en = ember.nn.utils.clip_grad_norm(ep, 0.5)
    tn = torch.nn.utils.clip_grad_norm_(tp, 0.5)
    numpy.testing.assert_allclose(en.item(), tn.item(), rtol=1e-6)
    _same_grads(ep, tp)


def test_parameters_to_vector_and_back():
    ep, tp = _params(with_none=False)
    ev = ember.nn.utils.parameters_to_vector(ep)
    tv = torch.nn.utils.parameters_to_vector(tp)
    numpy.testing.assert_array_equal(ev.detach().numpy(), tv.detach().numpy())
    # the vector is differentiable with respect to the parameters
    w = RNG.standard_normal(tuple(tv.shape)).astype(numpy.float32)
    old = [p.grad.numpy().copy() for p in ep]
    (ev * ember.tensor(w)).sum().backward()
    offset = 0
    for p, g, s in zip(ep, old, SHAPES):
        n = p.numel()
        assert tuple(p.grad.shape) == s
        # backward accumulates onto the existing grad: old + the matching slice of w
        numpy.testing.assert_allclose(p.grad.numpy(), g + w[offset:offset + n].reshape(s),
                                      rtol=1e-6)
        offset += n
    new = RNG.standard_normal(tuple(tv.shape)).astype(numpy.float32)
    ember.nn.utils.vector_to_parameters(ember.tensor(new), ep)
    torch.nn.utils.vector_to_parameters(torch.tensor(new), tp)
    for e, t, s in zip(ep, tp, SHAPES):
        assert isinstance(e, Parameter) and e.requires_grad and tuple(e.shape) == s
        numpy.testing.assert_array_equal(e.detach().numpy(), t.detach().numpy())
    with pytest.raises(TypeError) as te:
        torch.nn.utils.vector_to_parameters(new, tp)
    with pytest.raises(TypeError) as ee:
        ember.nn.utils.vector_to_parameters(new, ep)
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("foreach", [None, True, False])
def test_mixed_dtypes_promote_total_norm(foreach):
    a = RNG.standard_normal(3).astype(numpy.float32) * 4
    b = RNG.standard_normal(2) * 4
    ep = [Parameter(ember.tensor(a)), Parameter(ember.tensor(b))]
    tp = [torch.nn.Parameter(torch.tensor(a)), torch.nn.Parameter(torch.tensor(b))]
    for e, t, x in zip(ep, tp, (a, b)):
        e.grad = ember.tensor(x)
        t.grad = torch.tensor(x)
    en = ember.nn.utils.clip_grad_norm_(ep, 0.1, foreach=foreach)
    tn = torch.nn.utils.clip_grad_norm_(tp, 0.1, foreach=foreach)
    assert str(en.dtype) == str(tn.dtype) == "torch.float64"
    numpy.testing.assert_allclose(en.item(), tn.item(), rtol=1e-7)
    _same_grads(ep, tp)


@pytest.mark.parametrize("max_norm", [0.25, 1e6])
def test_fused_2norm_clip_matches_unfused_and_torch(max_norm):
    """clip_grad_norm_'s fused 2-norm path (one dot per grad) against the op path
    (get_total_norm + clip_grads_with_norm_) and torch, on larger grads, one of them a
    non-contiguous view."""
    shapes = [(300, 70), (70,), (9, 40, 5)]
    grads = [RNG.standard_normal(s).astype(numpy.float32) for s in shapes]
    fused = [Parameter(ember.zeros(*s)) for s in shapes]
    plain = [Parameter(ember.zeros(*s)) for s in shapes]
    tp = [torch.nn.Parameter(torch.zeros(*s)) for s in shapes]
    for f, p, t, g in zip(fused, plain, tp, grads):
        f.grad, p.grad, t.grad = ember.tensor(g), ember.tensor(g), torch.tensor(g)
    base = ember.tensor(grads[0].T.copy())
    fused[0].grad = base.t()  # a transposed view: reshape copies it for the dot
    versions = [f.grad._version for f in fused]
    nf = ember.nn.utils.clip_grad_norm_(fused, max_norm)
    npl = ember.nn.utils.get_total_norm([p.grad for p in plain])
    ember.nn.utils.clip_grads_with_norm_(plain, max_norm, npl)
    nt = torch.nn.utils.clip_grad_norm_(tp, max_norm)
    assert str(nf.dtype) == "torch.float32" and nf.shape == ()
    numpy.testing.assert_allclose(nf.item(), npl.item(), rtol=1e-6)
    numpy.testing.assert_allclose(nf.item(), nt.item(), rtol=1e-6)
    for f, p, t, v in zip(fused, plain, tp, versions):
        assert f.grad._version > v
        numpy.testing.assert_allclose(f.grad.numpy(), p.grad.numpy(), rtol=1e-6, atol=1e-9)
        numpy.testing.assert_allclose(f.grad.numpy(), t.grad.numpy(), rtol=1e-6, atol=1e-9)
    assert numpy.all(base.numpy() == fused[0].grad.numpy().T)  # written through the view


def test_fused_clip_falls_back_on_overflow():
    """float32 sum of squares overflowing: the op path (and torch) give the exact norm."""
    ep, tp = _params(scale=1e30, with_none=False)
    en = ember.nn.utils.clip_grad_norm_(ep, 1.0)
    tn = torch.nn.utils.clip_grad_norm_(tp, 1.0)
    assert math.isfinite(tn.item()) == math.isfinite(en.item())
    numpy.testing.assert_allclose(en.item(), tn.item(), rtol=1e-5)
    _same_grads(ep, tp, rtol=1e-5)
