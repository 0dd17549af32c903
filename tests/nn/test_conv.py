"""Convolutions against torch: functional forms (values, input/weight/bias grads), modules with
torch's weights, float64 gradcheck and gradgradcheck, and torch's error messages."""
import math

import numpy
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.nn.modules.conv import (
    Conv1d,
    Conv2d,
    Conv3d,
    ConvTranspose1d,
    ConvTranspose2d,
    ConvTranspose3d,
)
from ember.ops.conv import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)

TF = torch.nn.functional
# torch notes that it copies the input for asymmetric "same" padding; nothing to check
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same'")
rng = numpy.random.default_rng(0)


def _compare(efn, tfn, arrays, rtol=1e-4, atol=1e-5, **kw):
    ets = [ember.tensor(a, requires_grad=True) for a in arrays]
    tts = [torch.tensor(a, requires_grad=True) for a in arrays]
    eo, to = efn(*ets, **kw), tfn(*tts, **kw)
    assert tuple(eo.shape) == tuple(to.shape) and str(eo.dtype) == str(to.dtype)
    numpy.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=rtol, atol=atol)
    g = rng.standard_normal(tuple(to.shape)).astype(arrays[0].dtype)
    egs = ember.autograd.grad(eo, ets, ember.tensor(g))
    tgs = torch.autograd.grad(to, tts, torch.tensor(g))
    for eg, tg in zip(egs, tgs):
        numpy.testing.assert_allclose(eg.numpy(), tg.numpy(), rtol=rtol, atol=atol)


def _arr(*shape, dtype=numpy.float32):
    return rng.standard_normal(shape).astype(dtype)


CONV_CASES = [
    # fn name, input shape, weight shape, kwargs
    ("conv2d", (2, 4, 9, 8), (6, 4, 3, 3), {}),
    ("conv2d", (2, 4, 9, 8), (6, 2, 3, 2), {"stride": (2, 1), "padding": (1, 2), "dilation": (1, 2),
                                                "groups": 2}),
    ("conv2d", (2, 4, 7, 7), (8, 1, 3, 3), {"padding": 1, "groups": 4}),  # depthwise, x2
    ("conv2d", (2, 4, 7, 6), (4, 1, 2, 4), {"padding": "same", "dilation": (2, 1), "groups": 4}),
    ("conv2d", (1, 3, 6, 5), (2, 3, 3, 3), {"padding": "valid", "stride": 3}),
    ("conv2d", (6, 6, 6), (4, 3, 2, 2), {"groups": 2, "padding": [1, 0]}),  # unbatched
    ("conv1d", (2, 4, 11), (6, 2, 3), {"stride": 2, "padding": 1, "dilation": 2, "groups": 2}),
    ("conv1d", (4, 10), (3, 4, 4), {"padding": "same"}),
    ("conv3d", (2, 2, 5, 4, 6), (3, 2, 2, 3, 2), {"stride": (1, 2, 2), "padding": 1}),
    ("conv3d", (1, 4, 4, 5, 4), (4, 2, 3, 1, 2), {"padding": "same", "groups": 2,
                                                      "dilation": (1, 1, 2)}),
]

TRANSPOSE_CASES = [
    ("conv_transpose2d", (2, 4, 5, 4), (4, 3, 3, 2), {"stride": (2, 3), "padding": (1, 0),
                                                           "output_padding": (1, 2), "groups": 2,
                                                           "dilation": (1, 2)}),
    ("conv_transpose2d", (2, 4, 5, 5), (4, 2, 3, 3), {"stride": 1, "dilation": 2,
                                                           "output_padding": 1}),
    ("conv_transpose2d", (3, 4, 4), (3, 5, 2, 2), {"stride": 2}),  # unbatched
    ("conv_transpose1d", (2, 4, 7), (4, 3, 3), {"stride": 3, "padding": 1, "output_padding": 2}),
    ("conv_transpose1d", (2, 6, 5), (6, 1, 4), {"groups": 6, "padding": 2}),
    ("conv_transpose3d", (1, 2, 3, 4, 3), (2, 3, 2, 2, 3), {"stride": 2, "padding": (0, 1, 1)}),
]

_E = {"conv1d": conv1d, "conv2d": conv2d, "conv3d": conv3d, "conv_transpose1d": conv_transpose1d,
          "conv_transpose2d": conv_transpose2d, "conv_transpose3d": conv_transpose3d}


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("name,xs,ws,kw", CONV_CASES + TRANSPOSE_CASES)
def test_functional_matches_torch(name, xs, ws, kw, bias):
    arrays = [_arr(*xs), _arr(*ws)]
    if bias:
        groups = kw.get("groups", 1)
        arrays.append(_arr(ws[1] * groups if name.startswith("conv_t") else ws[0]))
    _compare(_E[name], getattr(TF, name), arrays, **kw)


@pytest.mark.parametrize("name,xs,ws,kw", [CONV_CASES[1], CONV_CASES[3], CONV_CASES[6],
                                           CONV_CASES[9], TRANSPOSE_CASES[0],
                                           TRANSPOSE_CASES[3]])
def test_gradcheck_and_gradgradcheck_float64(name, xs, ws, kw):
    # shrink the batch to keep finite differences cheap
    xs = (1,) + xs[1:] if len(xs) == len(ws) else xs
    groups = kw.get("groups", 1)
    b = ws[1] * groups if name.startswith("conv_t") else ws[0]
    inputs = [ember.tensor(_arr(*s, dtype=numpy.float64), requires_grad=True)
              for s in (xs, ws, (b,))]
    fn = _E[name]

    def f(x, w, bias):
        return fn(x, w, bias, **kw)
    assert gradcheck(f, inputs)
    assert gradgradcheck(f, inputs)


def test_double_backward_matches_torch():
    # d/dx of |grad_w|^2 goes through all three conv ops; compare with torch
    x, w = _arr(2, 4, 6, 5, dtype=numpy.float64), _arr(6, 2, 3, 2, dtype=numpy.float64)
    kw = {"stride": (2, 1), "padding": 1, "dilation": (1, 2), "groups": 2}
    res = []
    for lib, fn in ((ember, conv2d), (torch, TF.conv2d)):
        tx, tw = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = fn(tx, tw, **kw)
        gx, gw = lib.autograd.grad((y * y).sum(), (tx, tw), create_graph=True)
        res.append([t.detach().numpy() for t in
                    lib.autograd.grad((gw * gw).sum() + (gx ** 3).sum(), (tx, tw))])
    for e, t in zip(*res):
        numpy.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-10)


def _copy_weights(tm, em):
    em.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})


def _check_module(tm, em, shape, rtol=1e-4, atol=1e-5, **call):
    _copy_weights(tm, em)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    for (n1, p1), (n2, p2) in zip(em.named_parameters(), tm.named_parameters()):
        assert n1 == n2 and tuple(p1.shape) == tuple(p2.shape)
    x = _arr(*shape)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    to, eo = tm(tx, **call), em(ex, **call)
    assert tuple(eo.shape) == tuple(to.shape)
    numpy.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=rtol, atol=atol)
    g = _arr(*to.shape)
    to.backward(torch.tensor(g))
    eo.backward(ember.tensor(g))
    numpy.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=rtol, atol=atol)
    for (_, tp), (_, ep) in zip(tm.named_parameters(), em.named_parameters()):
        numpy.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding", [1, (2, 1), "same"])
def test_conv2d_module_padding_modes(mode, padding):
    args = (4, 6, (3, 4))
    kw = {"padding": padding, "padding_mode": mode, "groups": 2}
    _check_module(torch.nn.Conv2d(*args, **kw), Conv2d(*args, **kw), (2, 4, 7, 8))


@pytest.mark.parametrize("cls,ecls,args,kw,shape", [
    (torch.nn.Conv1d, Conv1d, (3, 4, 3), {"stride": 2, "dilation": 2, "bias": False}, (2, 3, 12)),
    (torch.nn.Conv1d, Conv1d, (3, 4, 3), {"padding": 2, "padding_mode": "circular"}, (3, 9)),
    (torch.nn.Conv2d, Conv2d, (4, 8, 3), {"padding": 1, "groups": 4}, (2, 4, 6, 6)),
    (torch.nn.Conv3d, Conv3d, (2, 4, (2, 3, 3)), {"padding": (1, 0, 1), "stride": (1, 2, 1)},
     (2, 2, 4, 6, 5)),
    (torch.nn.Conv3d, Conv3d, (2, 4, 3), {"padding": "same", "padding_mode": "replicate"},
     (1, 2, 4, 4, 4)),
    (torch.nn.ConvTranspose1d, ConvTranspose1d, (4, 6, 3), {"stride": 2, "output_padding": 1,
                                                                "groups": 2}, (2, 4, 5)),
    (torch.nn.ConvTranspose2d, ConvTranspose2d, (4, 3, (3, 2)), {"stride": 2, "padding": 1,
                                                                     "dilation": (1, 2)},
     (2, 4, 5, 4)),
    (torch.nn.ConvTranspose3d, ConvTranspose3d, (2, 3, 2), {"stride": 2, "bias": False},
     (1, 2, 3, 2, 3)),
])
def test_modules_match_torch(cls, ecls, args, kw, shape):
    _check_module(cls(*args, **kw), ecls(*args, **kw), shape)


@pytest.mark.parametrize("output_size", [[9, 10], [2, 3, 10, 9], [10, 10]])
def test_conv_transpose_output_size(output_size):
    args, kw = (3, 2, 3), {"stride": 2, "padding": 1}
    _check_module(torch.nn.ConvTranspose2d(*args, **kw), ConvTranspose2d(*args, **kw),
                  (2, 3, 5, 5), output_size=output_size)


def test_conv_transpose_output_size_out_of_range():
    em = ConvTranspose2d(3, 2, 3, stride=2, padding=1)
    with pytest.raises(ValueError, match=r"requested an output size of \[12, 9\], but valid "
                                         r"sizes range from \[9, 9\] to \[10, 10\] \(for an "
                                         r"input of \[5, 5\]\)"):
        em(ember.zeros(2, 3, 5, 5), output_size=[12, 9])


@pytest.mark.parametrize("cls,ecls,args", [
    (torch.nn.Conv2d, Conv2d, (12, 30, (3, 5))), (torch.nn.Conv1d, Conv1d, (6, 8, 4)),
    (torch.nn.ConvTranspose2d, ConvTranspose2d, (12, 30, 3))])
def test_reset_parameters_bounds(cls, ecls, args):
    em, tm = ecls(*args), cls(*args)
    assert tuple(em.weight.shape) == tuple(tm.weight.shape)
    fan_in = tm.weight.shape[1] * math.prod(tm.weight.shape[2:])
    bound = 1 / math.sqrt(fan_in)
    w, b = em.weight.detach().numpy(), em.bias.detach().numpy()
    assert numpy.abs(w).max() <= bound and numpy.abs(b).max() <= bound
    # kaiming_uniform_(a=sqrt(5)) fills the whole interval, not a narrower one
    assert numpy.abs(w).max() > 0.9 * bound
    assert w.dtype == numpy.float32


def test_float64_module():
    tm = torch.nn.Conv2d(2, 3, 2, dtype=torch.float64)
    em = Conv2d(2, 3, 2, dtype=ember.float64)
    assert em.weight.dtype == ember.float64 and em.bias.dtype == ember.float64
    _copy_weights(tm, em)
    x = _arr(1, 2, 4, 4, dtype=numpy.float64)
    numpy.testing.assert_allclose(em(ember.tensor(x)).detach().numpy(),
                                  tm(torch.tensor(x)).detach().numpy(), rtol=1e-12)


def test_functional_errors():
    w = ember.zeros(8, 3, 3, 3)
    with pytest.raises(RuntimeError, match=r"Given groups=1, weight of size \[8, 3, 3, 3\], "
                                           r"expected input\[2, 4, 10, 10\] to have 3 channels, "
                                           r"but got 4 channels instead"):
        conv2d(ember.zeros(2, 4, 10, 10), w)
    with pytest.raises(RuntimeError, match=r"Given groups=2, weight of size \[8, 3, 3, 3\], "
                                           r"expected input\[1, 3, 5, 5\] to have 6 channels"):
        conv2d(ember.zeros(1, 3, 5, 5), w, groups=2)
    with pytest.raises(RuntimeError, match=r"Given transposed=1, weight of size \[8, 3, 3, 3\], "
                                           r"expected input\[1, 3, 2, 2\] to have 8 channels, "
                                           r"but got 3 channels instead"):
        conv_transpose2d(ember.zeros(1, 3, 2, 2), w)
    with pytest.raises(RuntimeError, match=r"Expected 3D \(unbatched\) or 4D \(batched\) input "
                                           r"to conv2d, but got input of size: \[5, 5\]"):
        conv2d(ember.zeros(5, 5), w)
    with pytest.raises(RuntimeError, match=r"Calculated padded input size per channel: "
                                           r"\(2 x 2\)\. Kernel size: \(3 x 3\)\. Kernel size "
                                           r"can't be greater than actual input size"):
        conv2d(ember.zeros(1, 3, 2, 2), w)
    with pytest.raises(RuntimeError, match="padding='same' is not supported for strided"):
        conv2d(ember.zeros(1, 3, 5, 5), w, stride=2, padding="same")
    with pytest.raises(RuntimeError, match=r"Invalid padding string: 'foo'"):
        conv2d(ember.zeros(1, 3, 5, 5), w, padding="foo")
    with pytest.raises(RuntimeError, match="expected scalar type Double but found Float"):
        conv2d(ember.zeros(1, 3, 5, 5, dtype=ember.float64), w)


def test_module_errors():
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        Conv2d(3, 6, 3, groups=2)
    with pytest.raises(ValueError, match="out_channels must be divisible by groups"):
        Conv2d(4, 6, 3, groups=4)
    with pytest.raises(ValueError, match=r"padding_mode must be one of .*but got "
                                         r"padding_mode='foo'"):
        Conv2d(4, 6, 3, padding_mode="foo")
    with pytest.raises(ValueError, match=r"Invalid padding string 'foo', should be one of"):
        Conv2d(4, 6, 3, padding="foo")
    with pytest.raises(ValueError, match="padding='same' is not supported for strided"):
        Conv2d(4, 6, 3, padding="same", stride=2)
    with pytest.raises(ValueError, match='Only "zeros" padding mode is supported for '
                                         'ConvTranspose2d'):
        ConvTranspose2d(4, 6, 3, padding_mode="reflect")


def test_integer_and_bool_dtypes():
    x, w = numpy.arange(75).reshape(1, 3, 5, 5), numpy.arange(108).reshape(4, 3, 3, 3) - 50
    out = conv2d(ember.tensor(x), ember.tensor(w), padding=1)
    expect = TF.conv2d(torch.tensor(x), torch.tensor(w), padding=1)
    assert out.dtype == ember.int64
    numpy.testing.assert_array_equal(out.numpy(), expect.numpy())
    with pytest.raises(NotImplementedError, match="\"slow_conv2d_cpu\" not implemented for "
                                                  "'Bool'"):
        conv2d(ember.ones(1, 3, 5, 5, dtype=ember.bool), ember.ones(4, 3, 3, 3, dtype=ember.bool))


def test_empty_batch_and_noncontiguous_input():
    w = _arr(4, 3, 3, 3)
    x = ember.zeros(0, 3, 5, 5, requires_grad=True)
    y = conv2d(x, ember.tensor(w, requires_grad=True))
    assert tuple(y.shape) == (0, 4, 3, 3)
    y.sum().backward()
    assert tuple(x.grad.shape) == (0, 3, 5, 5)
    xl = _arr(2, 5, 6, 3)  # channels-last memory, permuted to NCHW
    out = conv2d(ember.tensor(xl).permute(0, 3, 1, 2), ember.tensor(w), stride=2)
    expect = TF.conv2d(torch.tensor(xl).permute(0, 3, 1, 2), torch.tensor(w), stride=2)
    numpy.testing.assert_allclose(out.numpy(), expect.numpy(), rtol=1e-4, atol=1e-5)
