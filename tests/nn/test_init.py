"""nn.init: torch's formulas and errors; distributions checked statistically (the RNG differs)."""
import math

import numpy
import pytest
import torch

import ember
from ember import nn
from ember.nn import init


def _w(*shape, dtype=ember.float32):
    return nn.Parameter(ember.empty(*shape, dtype=dtype))


def test_calculate_gain_matches_torch():
    for name, param in (("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None),
                        ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2),
                        ("leaky_relu", 3), ("selu", None), ("conv_transpose3d", None)):
        assert init.calculate_gain(name, param) == torch.nn.init.calculate_gain(name, param)
    with pytest.raises(ValueError, match="Unsupported nonlinearity gelu"):
        init.calculate_gain("gelu")
    with pytest.raises(ValueError, match="negative_slope True not a valid number"):
        init.calculate_gain("leaky_relu", True)


def test_fans_match_torch():
    for shape in ((3, 4), (8, 3, 5, 5), (2, 6, 7), (4, 2, 1, 2, 3)):
        assert init._calculate_fan_in_and_fan_out(ember.empty(*shape)) == \
            torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed for tensor with "
                                         "fewer than 2 dimensions"):
        init.xavier_uniform_(ember.empty(5))
    with pytest.raises(ValueError, match=r"Mode fan_avg not supported, please use one of "
                                         r"\['fan_in', 'fan_out'\]"):
        init.kaiming_uniform_(ember.empty(3, 3), mode="fan_avg")


def test_in_place_on_parameters_without_history():
    w = _w(50, 40)
    data = w._data
    for fn in (init.uniform_, init.normal_, init.zeros_, init.ones_, init.xavier_uniform_,
               init.xavier_normal_, init.kaiming_uniform_, init.kaiming_normal_,
               init.trunc_normal_, init.orthogonal_, init.eye_,
               lambda t: init.constant_(t, 0.5)):
        out = fn(w)
        assert out is w and w._data is data and w.grad_fn is None and w.is_leaf
        assert w.requires_grad


def _assert_uniform(x, lo, hi):
    assert x.min() >= lo and x.max() <= hi
    width = hi - lo
    assert x.min() < lo + 0.01 * width and x.max() > hi - 0.01 * width
    assert abs(x.mean() - (lo + hi) / 2) < 0.01 * width
    assert abs(x.std() - width / math.sqrt(12)) < 0.01 * width


def _assert_normal(x, mean, std):
    assert abs(x.mean() - mean) < 0.02 * std
    assert abs(x.std() - std) < 0.02 * std
    # about 95.45% of the mass lies within 2 std
    assert abs(numpy.mean(numpy.abs(x - mean) < 2 * std) - 0.9545) < 0.01


def test_uniform_normal_constant():
    w = _w(200, 100)
    _assert_uniform(init.uniform_(w, -2, 3).detach().numpy(), -2, 3)
    _assert_normal(init.normal_(w, 1.5, 0.5).detach().numpy(), 1.5, 0.5)
    assert (init.constant_(w, 0.25).detach().numpy() == 0.25).all()
    assert (init.ones_(w).detach().numpy() == 1).all()
    assert (init.zeros_(w).detach().numpy() == 0).all()
    d = init.normal_(_w(100, 100, dtype=ember.float64), 0, 1)
    assert d.dtype == ember.float64


def test_xavier_and_kaiming_spreads():
    w = _w(256, 128, 3)  # fan_in 384, fan_out 768
    std = math.sqrt(2.0 / (384 + 768))
    a = math.sqrt(3) * std
    _assert_uniform(init.xavier_uniform_(w).detach().numpy(), -a, a)
    _assert_uniform(init.xavier_uniform_(w, gain=2.0).detach().numpy(), -2 * a, 2 * a)
    _assert_normal(init.xavier_normal_(w).detach().numpy(), 0, std)
    for mode, fan in (("fan_in", 384), ("fan_out", 768)):
        for nl, param in (("relu", 0), ("leaky_relu", math.sqrt(5)), ("tanh", 0)):
            gain = torch.nn.init.calculate_gain(nl, param)
            std = gain / math.sqrt(fan)
            bound = math.sqrt(3) * std
            _assert_uniform(init.kaiming_uniform_(w, a=param, mode=mode, nonlinearity=nl)
                            .detach().numpy(), -bound, bound)
            _assert_normal(init.kaiming_normal_(w, a=param, mode=mode, nonlinearity=nl)
                           .detach().numpy(), 0, std)
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        init.kaiming_uniform_(ember.empty(0, 3))


def test_trunc_normal():
    w = _w(400, 250)
    x = init.trunc_normal_(w, mean=0.5, std=2.0, a=-1.0, b=3.0).detach().numpy()
    assert x.min() >= -1.0 and x.max() <= 3.0 and x.min() < -0.99 and x.max() > 2.99
    # the moments of N(0.5, 2^2) truncated to [-1, 3], computed in closed form
    alpha, beta = (-1.0 - 0.5) / 2.0, (3.0 - 0.5) / 2.0
    pdf = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    cdf = lambda z: (1 + math.erf(z / math.sqrt(2))) / 2
    zmass = cdf(beta) - cdf(alpha)
    mean = 0.5 + 2.0 * (pdf(alpha) - pdf(beta)) / zmass
    var = 4.0 * (1 + (alpha * pdf(alpha) - beta * pdf(beta)) / zmass -
                 ((pdf(alpha) - pdf(beta)) / zmass) ** 2)
    assert abs(x.mean() - mean) < 0.01 and abs(x.std() - math.sqrt(var)) < 0.01
    y = init.trunc_normal_(w, std=0.02).detach().numpy()  # the ViT default: barely truncated
    assert abs(y.std() - 0.02) < 0.0005 and abs(y).max() <= 2.0


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 2, 3), (7, 7)])
def test_orthogonal(shape):
    w = init.orthogonal_(_w(*shape), gain=2.0).detach().numpy().reshape(shape[0], -1)
    rows, cols = w.shape
    gram = w @ w.T if rows <= cols else w.T @ w
    numpy.testing.assert_allclose(gram, 4.0 * numpy.eye(min(rows, cols)), atol=1e-5)
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions are supported"):
        init.orthogonal_(ember.empty(3))


def test_eye_and_dirac_match_torch():
    for shape in ((3, 5), (4, 2)):
        numpy.testing.assert_array_equal(init.eye_(_w(*shape)).detach().numpy(),
                                         torch.nn.init.eye_(torch.empty(*shape)).numpy())
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
        init.eye_(ember.empty(2, 2, 2))
    for shape, groups in (((4, 3, 3), 1), ((6, 2, 3, 3), 2), ((4, 4, 1, 2, 3), 1),
                          ((6, 5, 3, 3), 3)):
        numpy.testing.assert_array_equal(
            init.dirac_(_w(*shape), groups).detach().numpy(),
            torch.nn.init.dirac_(torch.empty(*shape), groups).numpy())
    with pytest.raises(ValueError, match="dim 0 must be divisible by groups"):
        init.dirac_(ember.empty(5, 2, 3), groups=2)
    with pytest.raises(ValueError, match="Only tensors with 3, 4, or 5 dimensions are supported"):
        init.dirac_(ember.empty(5, 2))
