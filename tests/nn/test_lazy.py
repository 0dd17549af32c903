"""LazyLinear and UninitializedParameter against torch's lazy-module behaviour."""
import math

import numpy
import pytest
import torch

import ember
from ember.nn.modules.lazy import LazyLinear, UninitializedParameter
from ember.nn.modules.linear import Linear
from ember.nn.parameter import Parameter


def test_uninitialized_parameter_refuses_shape_queries():
    p = UninitializedParameter()
    assert repr(p) == repr(torch.nn.parameter.UninitializedParameter()) == \
        "<UninitializedParameter>"
    assert p.requires_grad
    with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized"):
        _ = p.shape
    p.materialize((2, 3))
    assert type(p) is Parameter and tuple(p.shape) == (2, 3) and p.requires_grad


def test_first_forward_materialises_and_becomes_linear():
    m = LazyLinear(3)
    assert repr(m) == repr(torch.nn.LazyLinear(3)) == \
        "LazyLinear(in_features=0, out_features=3, bias=True)"
    assert m.has_uninitialized_params()
    sd = m.state_dict()
    assert list(sd) == ["weight", "bias"] and all(isinstance(v, UninitializedParameter)
                                                  for v in sd.values())
    x = ember.randn(4, 7)
    y = m(x)
    assert type(m) is Linear and m.in_features == 7 and tuple(y.shape) == (4, 3)
    assert type(m.weight) is Parameter and tuple(m.weight.shape) == (3, 7)
    # torch's Linear init: everything within 1/sqrt(fan_in)
    bound = 1 / math.sqrt(7)
    assert float(m.weight.abs().max()) <= bound and float(m.bias.abs().max()) <= bound
    numpy.testing.assert_allclose(
        y.detach().numpy(), x.numpy() @ m.weight.detach().numpy().T + m.bias.detach().numpy(),
        rtol=1e-5, atol=1e-6)
    # the parameters are trainable leaves that the module owns
    y.sum().backward()
    numpy.testing.assert_allclose(m.weight.grad.numpy(), numpy.tile(x.numpy().sum(0), (3, 1)),
                                  rtol=1e-5)
    assert [n for n, _ in m.named_parameters()] == ["weight", "bias"]


def test_load_state_dict_materialises_to_the_stored_shapes():
    w = ember.randn(3, 4)
    m = LazyLinear(3, bias=False)
    m.load_state_dict({"weight": w})
    assert not m.has_uninitialized_params()
    numpy.testing.assert_array_equal(m.weight.detach().numpy(), w.numpy())
    out = m(ember.ones(2, 4))
    assert type(m) is Linear
    numpy.testing.assert_allclose(out.detach().numpy(), numpy.tile(w.numpy().sum(1), (2, 1)),
                                  rtol=1e-6)


def test_lazy_conv2d_infers_channels_and_matches_torch():
    from ember.nn.modules.conv import Conv2d
    from ember.nn.modules.lazy import LazyConv2d
    m, tm = LazyConv2d(4, 3, groups=2, padding=1), torch.nn.LazyConv2d(4, 3, groups=2, padding=1)
    assert repr(m) == repr(tm)
    x = numpy.random.default_rng(0).standard_normal((2, 6, 5, 5)).astype(numpy.float32)
    tm(torch.from_numpy(x))
    y = m(ember.tensor(x))
    assert type(m) is Conv2d and m.in_channels == 6 and repr(m) == repr(tm)
    assert tuple(m.weight.shape) == tuple(tm.weight.shape) == (4, 3, 3, 3)
    assert float(m.weight.abs().max()) <= 1 / math.sqrt(27)
    m.weight.data.copy_(ember.tensor(tm.weight.detach().numpy()))
    m.bias.data.copy_(ember.tensor(tm.bias.detach().numpy()))
    numpy.testing.assert_allclose(m(ember.tensor(x)).detach().numpy(),
                                  tm(torch.from_numpy(x)).detach().numpy(), rtol=1e-5, atol=1e-5)
    assert tuple(y.shape) == (2, 4, 5, 5)
