"""Pooling functions and modules against torch: values, indices, input gradients, reprs,
ceil_mode/padding edge cases, ties and NaN, float64 gradcheck and gradgradcheck."""
import numpy
import pytest
import torch
import torch.nn.functional as TF

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.nn.modules import pooling as M
from ember.ops import pooling as P

rng = numpy.random.default_rng(0)


def _both(fn_t, fn_e, x, multi=False, rtol=1e-5, atol=1e-6):
    tx = torch.tensor(x, requires_grad=True)
    ex = ember.tensor(x, requires_grad=True)
    to, eo = fn_t(tx), fn_e(ex)
    if multi:
        (to, ti), (eo, ei) = to, eo
        assert str(ei.dtype) == "torch.int64" and tuple(ei.shape) == tuple(ti.shape)
        numpy.testing.assert_array_equal(ei.numpy(), ti.numpy())
    assert tuple(eo.shape) == tuple(to.shape) and str(eo.dtype) == str(to.dtype)
    numpy.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=rtol, atol=atol)
    g = rng.standard_normal(to.shape).astype(x.dtype)
    to.backward(torch.tensor(g))
    eo.backward(ember.tensor(g))
    numpy.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=rtol, atol=atol)


MAX2D = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=2, stride=2, ceil_mode=True),           # last window half outside
    dict(kernel_size=3, stride=3, padding=1, ceil_mode=True),  # window starting in padding dropped
    dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 1), dilation=(2, 1)),
    dict(kernel_size=3, stride=1, padding=1, dilation=2, ceil_mode=True),
    dict(kernel_size=(1, 3), stride=(1, 2)),
]


@pytest.mark.parametrize("kw", MAX2D)
@pytest.mark.parametrize("shape", [(2, 3, 7, 6), (3, 5, 5)])
def test_max_pool2d_matches_torch(kw, shape):
    x = rng.standard_normal(shape).astype(numpy.float32)
    _both(lambda t: TF.max_pool2d(t, return_indices=True, **kw),
          lambda e: P.max_pool2d(e, return_indices=True, **kw), x, multi=True)


@pytest.mark.parametrize("kw", MAX2D[:5])
def test_max_pool2d_ties_go_to_torch_index(kw):
    # few distinct values: many windows with tied maxima, and windows of all ties
    x = rng.integers(0, 2, (2, 2, 7, 7)).astype(numpy.float32)
    x[0, 0] = 1.0
    _both(lambda t: TF.max_pool2d(t, return_indices=True, **kw),
          lambda e: P.max_pool2d(e, return_indices=True, **kw), x, multi=True)


def test_max_pool2d_nan_and_inf():
    x = rng.standard_normal((1, 2, 6, 6)).astype(numpy.float32)
    x[0, 0, 0, 0] = x[0, 0, 1, 1] = numpy.nan   # two NaNs in one window: torch takes the last
    x[0, 1, 2:4, 2:4] = -numpy.inf              # a window of -inf only
    x[0, 1, 0, 1] = numpy.inf
    tv, ti = TF.max_pool2d(torch.tensor(x), 2, return_indices=True)
    ev, ei = P.max_pool2d(ember.tensor(x), 2, return_indices=True)
    numpy.testing.assert_array_equal(ev.numpy(), tv.numpy())
    numpy.testing.assert_array_equal(ei.numpy(), ti.numpy())


def test_max_pool2d_int64():
    x = rng.integers(-5, 5, (1, 2, 5, 5))
    tv, ti = TF.max_pool2d(torch.tensor(x), 2, 2, 1, return_indices=True)
    ev, ei = P.max_pool2d(ember.tensor(x), 2, 2, 1, return_indices=True)
    assert str(ev.dtype) == "torch.int64"
    numpy.testing.assert_array_equal(ev.numpy(), tv.numpy())
    numpy.testing.assert_array_equal(ei.numpy(), ti.numpy())


AVG2D = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    dict(kernel_size=2, stride=2, ceil_mode=True),
    dict(kernel_size=2, stride=2, ceil_mode=True, count_include_pad=False),
    dict(kernel_size=(3, 2), stride=(2, 3), padding=(1, 1), ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, divisor_override=5),
]


@pytest.mark.parametrize("kw", AVG2D)
@pytest.mark.parametrize("shape", [(2, 3, 7, 6), (3, 5, 5)])
def test_avg_pool2d_matches_torch(kw, shape):
    x = rng.standard_normal(shape).astype(numpy.float32)
    _both(lambda t: TF.avg_pool2d(t, **kw), lambda e: P.avg_pool2d(e, **kw), x)


@pytest.mark.parametrize("kw", [dict(kernel_size=3), dict(kernel_size=3, stride=2, padding=1,
                                                          ceil_mode=True),
                                dict(kernel_size=2, stride=1, padding=1, dilation=3)])
def test_max_pool1d_matches_torch(kw):
    x = rng.standard_normal((2, 3, 9)).astype(numpy.float32)
    _both(lambda t: TF.max_pool1d(t, return_indices=True, **kw),
          lambda e: P.max_pool1d(e, return_indices=True, **kw), x, multi=True)
    _both(lambda t: TF.max_pool1d(t, **kw), lambda e: P.max_pool1d(e, **kw), x[0])


@pytest.mark.parametrize("kw", [dict(kernel_size=3), dict(kernel_size=3, stride=2, padding=1,
                                                          ceil_mode=True),
                                dict(kernel_size=4, stride=3, padding=2, ceil_mode=True,
                                     count_include_pad=False)])
def test_avg_pool1d_matches_torch(kw):
    x = rng.standard_normal((2, 3, 9)).astype(numpy.float32)
    _both(lambda t: TF.avg_pool1d(t, **kw), lambda e: P.avg_pool1d(e, **kw), x)


@pytest.mark.parametrize("out", [(3, 4), 1, (5, None), 7, (2, 9)])
def test_adaptive_pool2d_matches_torch(out):
    x = rng.standard_normal((2, 3, 7, 9)).astype(numpy.float32)
    _both(lambda t: TF.adaptive_avg_pool2d(t, out), lambda e: P.adaptive_avg_pool2d(e, out), x)
    _both(lambda t: TF.adaptive_max_pool2d(t, out, True),
          lambda e: P.adaptive_max_pool2d(e, out, True), x, multi=True)
    _both(lambda t: TF.adaptive_max_pool2d(t, out), lambda e: P.adaptive_max_pool2d(e, out), x[0])


@pytest.mark.parametrize("out", [1, 3, 4, 10])
def test_adaptive_pool1d_matches_torch(out):
    x = rng.standard_normal((2, 3, 10)).astype(numpy.float32)
    _both(lambda t: TF.adaptive_avg_pool1d(t, out), lambda e: P.adaptive_avg_pool1d(e, out), x)
    _both(lambda t: TF.adaptive_max_pool1d(t, out, True),
          lambda e: P.adaptive_max_pool1d(e, out, True), x, multi=True)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0, float("inf")])
def test_lp_pool_matches_torch(p):
    x = (rng.standard_normal((2, 3, 7, 6)) + 0.1).astype(numpy.float32)
    _both(lambda t: TF.lp_pool2d(t, p, 3, 2, ceil_mode=True),
          lambda e: P.lp_pool2d(e, p, 3, 2, ceil_mode=True), x, rtol=1e-4, atol=1e-5)
    _both(lambda t: TF.lp_pool1d(t, p, 2), lambda e: P.lp_pool1d(e, p, 2), x[0],
          rtol=1e-4, atol=1e-5)


def test_max_unpool_matches_torch():
    x = rng.standard_normal((2, 3, 6, 6)).astype(numpy.float32)
    tv, ti = TF.max_pool2d(torch.tensor(x), 2, return_indices=True)
    ev, ei = P.max_pool2d(ember.tensor(x), 2, return_indices=True)
    _both(lambda t: TF.max_unpool2d(t, ti, 2), lambda e: P.max_unpool2d(e, ei, 2), tv.numpy())
    _both(lambda t: TF.max_unpool2d(t, ti, 2, output_size=(7, 7)),
          lambda e: P.max_unpool2d(e, ei, 2, output_size=(7, 7)), tv.numpy())
    tv, ti = TF.max_pool1d(torch.tensor(x[0]), 2, return_indices=True)
    ev, ei = P.max_pool1d(ember.tensor(x[0]), 2, return_indices=True)
    _both(lambda t: TF.max_unpool1d(t, ti, 2), lambda e: P.max_unpool1d(e, ei, 2), tv.numpy())


MODULES = [
    ("MaxPool2d", (2,), {}), ("MaxPool2d", (3, 2, 1, 1, False, True), {}),
    ("MaxPool1d", (3,), dict(stride=2, padding=1, dilation=2, ceil_mode=True)),
    ("AvgPool2d", (3, 2, 1, True, False), {}), ("AvgPool2d", (2,), dict(divisor_override=3)),
    ("AvgPool1d", (3,), dict(padding=1, count_include_pad=False)),
    ("AdaptiveAvgPool2d", ((3, None),), {}), ("AdaptiveAvgPool1d", (4,), {}),
    ("AdaptiveMaxPool2d", (3,), {}), ("AdaptiveMaxPool1d", (3,), {}),
    ("LPPool2d", (2, 3), dict(stride=2)), ("LPPool1d", (2.0, 3, 2, True), {}),
]


@pytest.mark.parametrize("name,args,kwargs", MODULES)
def test_modules_match_torch(name, args, kwargs):
    tm, em = getattr(torch.nn, name)(*args, **kwargs), getattr(M, name)(*args, **kwargs)
    assert repr(em) == repr(tm)
    shape = (2, 3, 8, 7) if name.endswith("2d") else (2, 3, 9)
    x = (rng.standard_normal(shape) + 0.1).astype(numpy.float32)
    _both(tm, em, x, rtol=1e-4, atol=1e-5)


def test_module_return_indices_and_unpool():
    tm, em = torch.nn.MaxPool2d(2, return_indices=True), M.MaxPool2d(2, return_indices=True)
    tu, eu = torch.nn.MaxUnpool2d(2), M.MaxUnpool2d(2)
    assert repr(eu) == repr(tu) and repr(M.MaxUnpool1d(3)) == repr(torch.nn.MaxUnpool1d(3))
    x = rng.standard_normal((1, 2, 4, 4)).astype(numpy.float32)
    _both(lambda t: tu(*tm(t)), lambda e: eu(*em(e)), x)
    assert repr(M.AdaptiveMaxPool1d(3, True)) == repr(torch.nn.AdaptiveMaxPool1d(3, True))
    _both(torch.nn.AdaptiveMaxPool1d(3, True), M.AdaptiveMaxPool1d(3, True), x[0], multi=True)


def _f64(shape):
    # distinct values spaced well apart so finite differences never cross a tie
    n = int(numpy.prod(shape))
    x = rng.permutation(n).reshape(shape).astype(numpy.float64) * 0.1
    return ember.tensor(x, requires_grad=True)


@pytest.mark.parametrize("fn", [
    lambda x: P.max_pool2d(x, 3, 2, 1, ceil_mode=True),
    lambda x: P.max_pool1d(x.flatten(-2), 2, dilation=2),
    lambda x: P.adaptive_max_pool2d(x, (2, 3)),
    lambda x: P.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
    lambda x: P.avg_pool1d(x.flatten(-2), 3, 2, 1),
    lambda x: P.adaptive_avg_pool2d(x, (3, 2)),
    lambda x: P.lp_pool2d(x + 0.5, 2.0, 2),
])
def test_gradcheck_and_gradgradcheck(fn):
    x = _f64((1, 2, 5, 4))
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_errors_match_torch():
    x = ember.randn(1, 1, 4, 4)
    with pytest.raises(RuntimeError, match="pad should be at most half of effective kernel "
                                           "size, but got pad=2, kernel_size=2 and dilation=1"):
        P.max_pool2d(x, 2, padding=2)
    with pytest.raises(RuntimeError, match=r"Given input size: \(1x4x4\). Calculated output "
                                           r"size: \(1x0x0\). Output size is too small"):
        P.avg_pool2d(x, 5)
    with pytest.raises(RuntimeError, match="non-empty 3D or 4D"):
        P.max_pool2d(ember.randn(4, 4), 2)
    with pytest.raises(RuntimeError, match="stride should not be zero"):
        P.max_pool2d(x, 2, stride=0)
    with pytest.raises(RuntimeError, match=r"Expected 3D or 4D tensor, but got \[4\]"):
        P.adaptive_avg_pool2d(ember.randn(4), 2)
