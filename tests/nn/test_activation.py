"""Activation modules against torch: outputs, input and parameter gradients, reprs."""
import warnings

import numpy
import pytest
import torch

import ember
from ember import nn

# boundary points of the piecewise activations (relu/hardtanh/relu6/hardsigmoid/hardswish,
# shrinks at +-0.5, threshold at 0.1) sit among the random samples
_KINKS = numpy.array([0.0, -1.0, 1.0, -3.0, 3.0, 6.0, 0.5, -0.5, 0.1, 25.0, -25.0])


def _sample(shape, dtype=numpy.float32, seed=0):
    rng = numpy.random.default_rng(seed)
    x = (rng.standard_normal(shape) * 3).astype(dtype)
    flat = x.reshape(-1)
    k = min(flat.size, _KINKS.size)
    flat[:k] = _KINKS[:k]
    return x


def _compare(tm, em, x, rtol=1e-5, atol=1e-6, inplace=False):
    assert repr(em) == repr(tm)
    tx = torch.tensor(x, requires_grad=True)
    ex = ember.tensor(x, requires_grad=True)
    # in-place modules need a non-leaf input
    to = tm(tx * 1 if inplace else tx)
    eo = em(ex * 1 if inplace else ex)
    assert tuple(eo.shape) == tuple(to.shape) and str(eo.dtype) == str(to.dtype)
    numpy.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=rtol, atol=atol)
    g = numpy.random.default_rng(1).standard_normal(tuple(to.shape)).astype(x.dtype)
    to.backward(torch.tensor(g))
    eo.backward(ember.tensor(g))
    numpy.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=rtol, atol=atol)
    for (tn, tp), (en, ep) in zip(tm.named_parameters(), em.named_parameters(), strict=True):
        assert tn == en
        numpy.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), rtol=rtol, atol=atol)


CASES = [
    ("ReLU", (), {}), ("ReLU", (), {"inplace": True}),
    ("ReLU6", (), {}), ("ReLU6", (True,), {}),
    ("LeakyReLU", (), {}), ("LeakyReLU", (0.2,), {"inplace": True}),
    ("ELU", (), {}), ("ELU", (0.5,), {"inplace": True}),
    ("SELU", (), {}), ("SELU", (True,), {}),
    ("CELU", (), {}), ("CELU", (2.0,), {"inplace": True}),
    ("GELU", (), {}), ("GELU", (), {"approximate": "tanh"}),
    ("SiLU", (), {}), ("SiLU", (), {"inplace": True}),
    ("Mish", (), {}), ("Mish", (), {"inplace": True}),
    ("Softplus", (), {}), ("Softplus", (2.0, 5.0), {}),
    ("Softsign", (), {}),
    ("Hardtanh", (), {}), ("Hardtanh", (-2.0, 3.0), {"inplace": True}),
    ("Hardsigmoid", (), {}), ("Hardsigmoid", (True,), {}),
    ("Hardswish", (), {}), ("Hardswish", (True,), {}),
    ("Sigmoid", (), {}), ("LogSigmoid", (), {}), ("Tanh", (), {}), ("Tanhshrink", (), {}),
    ("Softshrink", (), {}), ("Softshrink", (1.5,), {}),
    ("Hardshrink", (), {}), ("Hardshrink", (1.0,), {}),
    ("Threshold", (0.1, 20.0), {}), ("Threshold", (0.1, -1.0), {"inplace": True}),
    ("GLU", (), {}), ("GLU", (0,), {}),
    ("Softmax", (1,), {}), ("Softmax", (), {"dim": -1}),
    ("LogSoftmax", (1,), {}), ("LogSoftmax", (0,), {}),
    ("Softmin", (1,), {}), ("Softmin", (-1,), {}),
    ("Softmax2d", (), {}),
    ("RReLU", (), {}), ("RReLU", (0.1, 0.3), {"inplace": True}),
]


@pytest.mark.parametrize("name,args,kwargs", CASES,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(CASES)])
def test_activation_matches_torch(name, args, kwargs):
    tm = getattr(torch.nn, name)(*args, **kwargs)
    em = getattr(nn, name)(*args, **kwargs)
    if name == "RReLU":  # random slopes in training: compare the deterministic eval mode
        tm.eval()
        em.eval()
    inplace = kwargs.get("inplace", False) or (args and args[-1] is True)
    _compare(tm, em, _sample((4, 6, 3, 2)), inplace=inplace)
    # torch's float64 hardsigmoid backward multiplies by 1/6 rounded to float32
    rtol = 1e-7 if name == "Hardsigmoid" else 1e-10
    _compare(tm, em, _sample((4, 6, 3, 2), numpy.float64, seed=3), rtol=rtol, atol=1e-12,
             inplace=inplace)


def test_inplace_writes_into_input():
    x = _sample((3, 4))
    for cls in ("ReLU", "Hardtanh", "SiLU", "ELU"):
        ex = ember.tensor(x)
        out = getattr(nn, cls)(inplace=True)(ex)
        expected = getattr(torch.nn, cls)()(torch.tensor(x)).numpy()
        numpy.testing.assert_allclose(ex.numpy(), expected, rtol=1e-6, atol=1e-7)
        numpy.testing.assert_allclose(out.numpy(), expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("num_parameters,shape", [(1, (4, 3, 5)), (3, (4, 3, 5)), (3, (2, 3)),
                                                  (1, (7,)), (4, (2, 4, 3, 1)), (1, ())])
def test_prelu_matches_torch(num_parameters, shape):
    tm = torch.nn.PReLU(num_parameters, init=0.1)
    em = nn.PReLU(num_parameters, init=0.1)
    numpy.testing.assert_array_equal(em.weight.detach().numpy(), tm.weight.detach().numpy())
    with torch.no_grad():
        tm.weight.copy_(torch.linspace(-0.5, 0.7, num_parameters))
    em.load_state_dict({k: v.numpy() for k, v in tm.state_dict().items()})
    assert list(em.state_dict()) == ["weight"] and type(em.weight) is nn.Parameter
    _compare(tm, em, _sample(shape))


def test_prelu_attributes_and_dtype():
    em = nn.PReLU(2, init=0.3, dtype=ember.float64)
    assert em.weight.dtype == ember.float64 and tuple(em.weight.shape) == (2,)
    assert em.num_parameters == 2 and em.init == 0.3
    numpy.testing.assert_array_equal(em.weight.detach().numpy(), [0.3, 0.3])
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers and input channel "
                                           "size. Found parameter numbers = 2 and channel size "
                                           "= 3"):
        em(ember.ones(4, 3, dtype=ember.float64))


def test_rrelu_training_slopes_within_bounds():
    ember.manual_seed(0)
    em = nn.RReLU(0.1, 0.3)
    x = ember.tensor(_sample((2000,)), requires_grad=True)
    out = em(x)
    out.backward(ember.ones_like(out))
    xv, ov, gv = x.detach().numpy(), out.detach().numpy(), x.grad.numpy()
    pos = xv >= 0
    numpy.testing.assert_array_equal(ov[pos], xv[pos])
    numpy.testing.assert_array_equal(gv[pos], 1.0)
    slopes = ov[~pos] / xv[~pos]
    assert slopes.min() >= 0.1 - 1e-6 and slopes.max() <= 0.3 + 1e-6
    assert slopes.std() > 0.03  # random per element, not the eval-mode mean
    numpy.testing.assert_allclose(gv[~pos], slopes, rtol=1e-5)


@pytest.mark.parametrize("name,args,kwargs", [
    ("ReLU", (), {}), ("ReLU", (True,), {}), ("LeakyReLU", (0.2, True), {}),
    ("PReLU", (5,), {}), ("RReLU", (), {}), ("Hardtanh", (-2, 2), {}), ("ReLU6", (True,), {}),
    ("ELU", (), {"alpha": 2}), ("CELU", (), {}), ("GELU", ("tanh",), {}), ("Softplus", (), {}),
    ("Softshrink", (), {}), ("Hardshrink", (0.3,), {}), ("Threshold", (1, 2, True), {}),
    ("GLU", (), {}), ("Softmax", (), {}), ("LogSoftmax", (2,), {}), ("Softmin", (0,), {}),
    ("Softmax2d", (), {}), ("Hardswish", (True,), {}), ("Mish", (), {}), ("SiLU", (True,), {}),
])
def test_repr_matches_torch(name, args, kwargs):
    assert repr(getattr(nn, name)(*args, **kwargs)) == repr(getattr(torch.nn, name)(*args,
                                                                                    **kwargs))


def test_repr_inside_sequential():
    tm = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(inplace=True),
                             torch.nn.Softmax(dim=1))
    em = nn.Sequential(nn.Linear(3, 4), nn.ReLU(inplace=True), nn.Softmax(dim=1))
    assert repr(em) == repr(tm)


def test_errors_match_torch():
    with pytest.raises(AssertionError, match=r"max_val \(1\) must be greater than min_val \(2\)"):
        nn.Hardtanh(2, 1)
    with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D, got 2D "
                                         "instead"):
        nn.Softmax2d()(ember.ones(2, 3))
    with pytest.raises(RuntimeError, match="Halving dimension must be even, but dimension 1 is "
                                           "size 3"):
        nn.GLU(1)(ember.ones(2, 3))
    with pytest.warns(FutureWarning, match="min_value` is deprecated"):
        m = nn.Hardtanh(min_value=-2.0)
    assert m.min_val == -2.0


def test_softmax_without_dim_warns_like_torch():
    x = _sample((2, 3))
    with warnings.catch_warnings(record=True) as tw:
        warnings.simplefilter("always")
        to = torch.nn.Softmax()(torch.tensor(x))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        eo = nn.Softmax()(ember.tensor(x))
    assert tw
    numpy.testing.assert_allclose(eo.numpy(), to.numpy(), rtol=1e-6)
