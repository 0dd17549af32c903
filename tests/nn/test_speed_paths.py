"""The fast paths of conv/pool/norm against the general paths they short-cut.

Each fast path (strided-view pooling, average pooling by view sums, convolution columns
kept from forward, array backward of the norms when no graph is built) must give the same
numbers as the general code, which the op table checks against torch.
"""
import numpy
import pytest

import ember
import ember.ops.conv as EC
import ember.ops.normalization as EN
import ember.ops.pooling as EP


def _t(a, grad=True):
    return ember.tensor(numpy.asarray(a, dtype=numpy.float32), requires_grad=grad)


def _general_max(x, k, s, d=1):
    H, W = x.shape[-2:]
    oh, ow = (H - d * (k - 1) - 1) // s + 1, (W - d * (k - 1) - 1) // s + 1
    ih, okh = EP._window_dim(H, k, s, 0, d, oh)
    iw, okw = EP._window_dim(W, k, s, 0, d, ow)
    return EP._max2d(x, ih, okh, iw, okw, True)


@pytest.mark.parametrize("k,s,d", [(2, 2, 1), (3, 1, 1), (3, 2, 2), (2, 3, 1)])
def test_max_pool_strided_matches_gather(k, s, d):
    rng = numpy.random.default_rng(0)
    a = rng.integers(-2, 3, (2, 3, 9, 8)).astype(numpy.float32)  # many ties
    a[0, 0, :2, :2] = numpy.nan
    x1, x2 = _t(a), _t(a)
    out1, idx1 = EP.max_pool2d(x1, k, s, dilation=d, return_indices=True)
    out2, idx2 = _general_max(x2, k, s, d)
    assert numpy.array_equal(idx1.numpy(), idx2.numpy())
    numpy.testing.assert_array_equal(out1.detach().numpy(), out2.detach().numpy())
    g = rng.standard_normal(out1.shape).astype(numpy.float32)
    out1.backward(ember.tensor(g))
    out2.backward(ember.tensor(g))
    numpy.testing.assert_allclose(x1.grad.numpy(), x2.grad.numpy(), rtol=0, atol=1e-6)


def test_max_pool_strided_double_backward():
    # create_graph takes the differentiable scatter; the array path must agree with it
    rng = numpy.random.default_rng(1)
    x = _t(rng.standard_normal((2, 2, 6, 6)))
    gy = _t(rng.standard_normal((2, 2, 3, 3)))
    y = EP.max_pool2d(x, 2)
    g1, = ember.autograd.grad(y, x, gy, create_graph=True)
    g2, = ember.autograd.grad(EP.max_pool2d(x, 2), x, gy)
    numpy.testing.assert_array_equal(g1.detach().numpy(), g2.numpy())
    gg, = ember.autograd.grad((g1 * g1).sum(), gy)
    # d/dgy sum(scatter(gy)^2) = 2 * gy (each window sends its gradient to one element)
    numpy.testing.assert_allclose(gg.numpy(), 2 * gy.detach().numpy(), rtol=1e-6)


@pytest.mark.parametrize("k,s", [(2, 2), (3, 1), (3, 2)])
def test_avg_pool_views_match_gather(k, s):
    rng = numpy.random.default_rng(2)
    a = rng.standard_normal((2, 3, 7, 8))
    x1, x2 = _t(a), _t(a)
    y1 = EP.avg_pool2d(x1, k, s)
    H, W = a.shape[-2:]
    oh, ow = (H - k) // s + 1, (W - k) // s + 1
    ih, okh = EP._window_dim(H, k, s, 0, 1, oh)
    iw, okw = EP._window_dim(W, k, s, 0, 1, ow)
    y2 = EP._sum_pool(x2, ih, okh, iw, okw, k * k)
    numpy.testing.assert_allclose(y1.detach().numpy(), y2.detach().numpy(), atol=1e-6)
    g = rng.standard_normal(y1.shape).astype(numpy.float32)
    y1.backward(ember.tensor(g))
    y2.backward(ember.tensor(g))
    numpy.testing.assert_allclose(x1.grad.numpy(), x2.grad.numpy(), atol=1e-6)


def test_adaptive_avg_equal_windows_is_mean():
    a = numpy.arange(2 * 3 * 4 * 6, dtype=numpy.float32).reshape(2, 3, 4, 6)
    y = EP.adaptive_avg_pool2d(_t(a, False), (2, 3))
    want = a.reshape(2, 3, 2, 2, 3, 2).mean(axis=(3, 5))
    numpy.testing.assert_allclose(y.numpy(), want, rtol=1e-6)


def test_conv_cached_columns_match_rebuilt(monkeypatch):
    rng = numpy.random.default_rng(3)
    a, w = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 3, 3))
    grads = []
    for limit in (EC._COLS_CACHE_BYTES, 0):
        monkeypatch.setattr(EC, "_COLS_CACHE_BYTES", limit)
        x, wt = _t(a), _t(w)
        EC.conv2d(x, wt, padding=1, stride=(1, 2)).square().sum().backward()
        grads.append((x.grad.numpy(), wt.grad.numpy()))
    numpy.testing.assert_array_equal(grads[0][0], grads[1][0])
    numpy.testing.assert_array_equal(grads[0][1], grads[1][1])


@pytest.mark.parametrize("norm", ["batch", "layer", "group"])
def test_norm_array_backward_matches_graph_backward(norm):
    rng = numpy.random.default_rng(4)
    x = _t(rng.standard_normal((4, 6, 3)))
    w, b = _t(rng.standard_normal(6)), _t(rng.standard_normal(6))
    gy = ember.tensor(rng.standard_normal((4, 6, 3)).astype(numpy.float32))

    def f():
        if norm == "batch":
            return EN.batch_norm(x, None, None, w, b, training=True)
        if norm == "layer":
            return EN.layer_norm(x.transpose(1, 2), (6,), w, b).transpose(1, 2)
        return EN.group_norm(x, 3, w, b)
    fast = ember.autograd.grad(f(), (x, w, b), gy)
    graph = ember.autograd.grad(f(), (x, w, b), gy, create_graph=True)
    for a, c in zip(fast, graph):
        numpy.testing.assert_allclose(a.numpy(), c.detach().numpy(), rtol=1e-4, atol=1e-5)
