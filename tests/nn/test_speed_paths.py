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


@pytest.mark.parametrize("o,groups", [(4, 1), (40, 1), (6, 3), (66, 3)])
def test_conv_weight_grad_gemm_orientations_match_torch(o, groups):
    # Og <= 32 takes the transposed GEMM (cols @ g^T), more channels the direct one
    torch = pytest.importorskip("torch")
    rng = numpy.random.default_rng(5)
    a, w = rng.standard_normal((3, 6, 7, 6)), rng.standard_normal((o, 6 // groups, 3, 2))
    gy = rng.standard_normal((3, o, 5, 5))
    x, wt = _t(a), _t(w)
    EC.conv2d(x, wt, padding=(0, 0), groups=groups).backward(_t(gy, grad=False))
    tw = torch.tensor(w, dtype=torch.float32, requires_grad=True)
    torch.nn.functional.conv2d(torch.tensor(a, dtype=torch.float32), tw, groups=groups
                               ).backward(torch.tensor(gy, dtype=torch.float32))
    numpy.testing.assert_allclose(wt.grad.numpy(), tw.grad.numpy(), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("norm", ["batch", "layer", "group", "instance", "batch4d",
                                  "batch_noaffine", "batch_strided"])
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
        if norm == "instance":  # per-channel path: parameter grads also sum the batch
            return EN.instance_norm(x, weight=w, bias=b)
        if norm == "batch4d":  # per-channel path, matmul dot products over (0, 2, 3)
            return EN.batch_norm(x.reshape(4, 6, 3, 1) * 3.0 + 5.0, None, None, w, b,
                                 training=True).reshape(4, 6, 3)
        if norm == "batch_noaffine":
            y = EN.batch_norm(x, None, None, None, None, training=True)
            return y * w.reshape(6, 1) + b.reshape(6, 1)
        if norm == "batch_strided":  # a non-contiguous input: the multiply-sum reduction
            xs = x.transpose(1, 2).contiguous().transpose(1, 2)
            return EN.batch_norm(xs, None, None, w, b, training=True)
        return EN.group_norm(x, 3, w, b)
    fast = ember.autograd.grad(f(), (x, w, b), gy)
    graph = ember.autograd.grad(f(), (x, w, b), gy, create_graph=True)
    for a, c in zip(fast, graph):
        numpy.testing.assert_allclose(a.numpy(), c.detach().numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("cfg", [
    {"padding": 1}, {"padding": 2, "dilation": 2, "groups": 2}, {"padding": "same"},
    {"padding": 0}, {"padding": (2, 0)}])
def test_conv_input_grad_as_flipped_conv_matches_scatter(cfg):
    # stride 1 with C >= O computes the input gradient as a convolution of the output
    # gradient with the flipped kernel; the scatter-add path (taken when C < O) is the
    # reference, reached here by the transposed convolution with the roles swapped
    rng = numpy.random.default_rng(5)
    k = (4, 3) if cfg.get("padding") == "same" else (3, 3)
    groups = cfg.get("groups", 1)
    a, w = rng.standard_normal((2, 6, 7, 8)), rng.standard_normal((4, 6 // groups) + k)
    x, wt = _t(a), _t(w)
    y = EC.conv2d(x, wt, **cfg)
    gy = rng.standard_normal(y.shape).astype(numpy.float32)
    gx, gw = ember.autograd.grad(y, (x, wt), ember.tensor(gy))
    # gx by the definition: d/dx <conv(x, w), gy>, with the scatter path forced through a
    # zero-padded weight that makes C < O (extra output channels see zero upstream grad)
    pad_o = 8
    w2 = numpy.concatenate([w, numpy.zeros((pad_o,) + w.shape[1:])], 0)
    g2 = numpy.concatenate([gy, numpy.zeros((2, pad_o * 1) + gy.shape[2:])], 1) \
        if groups == 1 else None
    if g2 is not None:
        x2, wt2 = _t(a), _t(w2)
        y2 = EC.conv2d(x2, wt2, **cfg)
        gx2, = ember.autograd.grad(y2, (x2,), ember.tensor(g2.astype(numpy.float32)))
        numpy.testing.assert_allclose(gx.numpy(), gx2.numpy(), rtol=1e-5, atol=1e-5)
    import torch
    tx = torch.tensor(a, dtype=torch.float32, requires_grad=True)
    tw = torch.tensor(w, dtype=torch.float32, requires_grad=True)
    ty = torch.nn.functional.conv2d(tx, tw, **cfg)
    tgx, tgw = torch.autograd.grad(ty, (tx, tw), torch.tensor(gy))
    numpy.testing.assert_allclose(gx.numpy(), tgx.numpy(), rtol=1e-4, atol=1e-4)
    numpy.testing.assert_allclose(gw.numpy(), tgw.numpy(), rtol=1e-4, atol=1e-4)


def test_conv_transpose_stride1_output_padding_matches_torch():
    # stride 1 with output_padding < dilation: the flipped-conv path's right pad grows
    import torch
    rng = numpy.random.default_rng(6)
    a, w = rng.standard_normal((2, 6, 5, 5)), rng.standard_normal((6, 4, 3, 3))
    x, wt = _t(a), _t(w)
    y = EC.conv_transpose2d(x, wt, padding=1, output_padding=1, dilation=2)
    ty = torch.nn.functional.conv_transpose2d(torch.tensor(a, dtype=torch.float32),
                                              torch.tensor(w, dtype=torch.float32),
                                              padding=1, output_padding=1, dilation=2)
    assert tuple(y.shape) == tuple(ty.shape)
    numpy.testing.assert_allclose(y.detach().numpy(), ty.numpy(), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("norm", ["batch", "layer", "instance"])
def test_norm_dot_product_reductions_match_graph_backward(norm):
    # spatial/feature sizes >= 8 take the batched dot products (matmul) for the variance
    # and the backward's sum(g * (x - mean)); shifted data checks they are centred
    rng = numpy.random.default_rng(7)
    x = _t(rng.standard_normal((4, 6, 4, 4)) * 2.0 + 7.0)
    w, b = _t(rng.standard_normal(6)), _t(rng.standard_normal(6))
    wl, bl = _t(rng.standard_normal(16)), _t(rng.standard_normal(16))
    gy = ember.tensor(rng.standard_normal((4, 6, 4, 4)).astype(numpy.float32))
    args = (x, w, b) if norm != "layer" else (x, wl, bl)

    def f():
        if norm == "batch":
            return EN.batch_norm(x, None, None, w, b, training=True)
        if norm == "instance":
            return EN.instance_norm(x, weight=w, bias=b)
        return EN.layer_norm(x.reshape(4, 6, 16), (16,), wl, bl).reshape(4, 6, 4, 4)
    fast = ember.autograd.grad(f(), args, gy)
    graph = ember.autograd.grad(f(), args, gy, create_graph=True)
    for a, c in zip(fast, graph):
        numpy.testing.assert_allclose(a.numpy(), c.detach().numpy(), rtol=1e-4, atol=1e-4)
    import torch
    tx = torch.tensor(x.detach().numpy(), requires_grad=True)
    if norm == "batch":
        ty = torch.nn.functional.batch_norm(tx, None, None, torch.tensor(w.detach().numpy()),
                                            torch.tensor(b.detach().numpy()), training=True)
    elif norm == "instance":
        ty = torch.nn.functional.instance_norm(tx, weight=torch.tensor(w.detach().numpy()),
                                               bias=torch.tensor(b.detach().numpy()))
    else:
        ty = torch.nn.functional.layer_norm(tx.reshape(4, 6, 16), (16,),
                                            torch.tensor(wl.detach().numpy()),
                                            torch.tensor(bl.detach().numpy())).reshape(4, 6, 4, 4)
    numpy.testing.assert_allclose(f().detach().numpy(), ty.detach().numpy(), rtol=1e-4,
                                  atol=1e-4)
    tgx, = torch.autograd.grad(ty, (tx,), torch.tensor(gy.numpy()))
    numpy.testing.assert_allclose(fast[0].numpy(), tgx.numpy(), rtol=1e-4, atol=1e-4)


def _conv_fwd_bwd(a, w, gy, torch_mod=None):
    """(y, gx, gw) of conv2d(a, w, padding=1) in float32, by Ember or by torch."""
    if torch_mod is not None:
        tx = torch_mod.tensor(a, dtype=torch_mod.float32, requires_grad=True)
        tw = torch_mod.tensor(w, dtype=torch_mod.float32, requires_grad=True)
        ty = torch_mod.nn.functional.conv2d(tx, tw, padding=1)
        gx, gw = torch_mod.autograd.grad(ty, (tx, tw), torch_mod.tensor(gy))
        return ty.detach().numpy(), gx.numpy(), gw.numpy()
    x, wt = _t(a), _t(w)
    y = EC.conv2d(x, wt, padding=1)
    gx, gw = ember.autograd.grad(y, (x, wt), ember.tensor(gy))
    return y.detach().numpy(), gx.numpy(), gw.numpy()


@pytest.mark.parametrize("shape,o,limit", [((2, 5, 6, 4), 3, 1), ((2, 128, 4, 6), 128, None),
                                           ((1, 2, 8, 8), 4, 1)])
def test_conv_winograd_matches_im2col_and_torch(monkeypatch, shape, o, limit):
    # 3x3 stride-1 pad-1 float32 convolutions with enough channels take Winograd F(2x2,3x3)
    # in forward, in the input gradient (a flipped 3x3 stride-1 conv) and in the weight
    # gradient (from forward's kept tiles); limit=1 forces it on small layers (C < O
    # included: the input gradient then scatters instead)
    import ember.ops.winograd as EW
    torch = pytest.importorskip("torch")
    if limit is not None:
        monkeypatch.setattr(EW, "MIN_CHANNELS", limit)
    rng = numpy.random.default_rng(7)
    a = rng.standard_normal(shape).astype(numpy.float32)
    w = (rng.standard_normal((o, shape[1], 3, 3)) / (3 * shape[1] ** 0.5)).astype(numpy.float32)
    gy = rng.standard_normal((shape[0], o) + shape[2:]).astype(numpy.float32)
    assert EW.applies(a, w, (1, 1), ((1, 1), (1, 1)), (1, 1), 1)
    calls, wcalls = [], []
    real, wreal = EW.conv3x3, EW.weight_grad3x3
    monkeypatch.setattr(EW, "conv3x3", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(EW, "weight_grad3x3", lambda *a: wcalls.append(1) or wreal(*a))
    fast = _conv_fwd_bwd(a, w, gy)
    assert len(calls) == (2 if shape[1] >= o else 1) and len(wcalls) == 1
    monkeypatch.setattr(EW, "MIN_CHANNELS", 10 ** 9)
    general = _conv_fwd_bwd(a, w, gy)
    want = _conv_fwd_bwd(a, w, gy, torch)
    for f, g, t in zip(fast, general, want):
        numpy.testing.assert_allclose(f, g, rtol=1e-5, atol=2e-5)
        numpy.testing.assert_allclose(f, t, rtol=1e-4, atol=1e-4)


def test_conv_winograd_float64_error_bound():
    # the transforms only add and halve: float32 Winograd stays within im2col's error
    # against a float64 reference (max abs error seen: 2-3e-6 on unit-variance layers)
    import ember.ops.winograd as EW
    rng = numpy.random.default_rng(8)
    a = rng.standard_normal((2, 16, 8, 6))
    w = rng.standard_normal((16, 16, 3, 3)) / 12.0
    ref = EC.conv2d(ember.tensor(a), ember.tensor(w), padding=1).numpy()
    y = EW.conv3x3(numpy, a.astype(numpy.float32), w.astype(numpy.float32))
    y64 = EW.conv3x3(numpy, a, w)
    assert y.dtype == numpy.float32
    numpy.testing.assert_allclose(y64, ref, rtol=1e-12, atol=1e-12)
    assert numpy.abs(y - ref).max() < 1e-5


@pytest.mark.parametrize("cache", [True, False])
def test_conv_winograd_weight_grad_matches_torch(monkeypatch, cache):
    # from forward's tiles, or (tiles over the cache budget) from tiles rebuilt from x
    import ember.ops.winograd as EW
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(EW, "MIN_CHANNELS", 1)
    if not cache:
        monkeypatch.setattr(EC, "_COLS_CACHE_BYTES", 0)
    rng = numpy.random.default_rng(10)
    a = rng.standard_normal((3, 5, 6, 8)).astype(numpy.float32)
    w = rng.standard_normal((7, 5, 3, 3)).astype(numpy.float32)
    gy = rng.standard_normal((3, 7, 6, 8)).astype(numpy.float32)
    x, wt = _t(a), _t(w)
    gw, = ember.autograd.grad(EC.conv2d(x, wt, padding=1), (wt,), ember.tensor(gy))
    tw = torch.tensor(w, requires_grad=True)
    tgw, = torch.autograd.grad(torch.nn.functional.conv2d(torch.tensor(a), tw, padding=1),
                               (tw,), torch.tensor(gy))
    numpy.testing.assert_allclose(gw.numpy(), tgw.numpy(), rtol=1e-4, atol=1e-4)


def test_conv_winograd_double_backward(monkeypatch):
    # the fast path lives inside ConvNd/ConvTransposeNd's forwards: second derivatives go
    # through the same three Ops and match the im2col path
    import ember.ops.winograd as EW
    rng = numpy.random.default_rng(9)
    a, w = rng.standard_normal((2, 4, 4, 6)), rng.standard_normal((4, 4, 3, 3)) / 6.0
    out = []
    for limit in (1, 10 ** 9):
        monkeypatch.setattr(EW, "MIN_CHANNELS", limit)
        x, wt = _t(a), _t(w)
        y = EC.conv2d(x, wt, padding=1)
        gx, = ember.autograd.grad(y.square().sum(), (x,), create_graph=True)
        gw, = ember.autograd.grad(gx.square().sum(), (wt,), create_graph=True)
        # a third order: the weight gradient's own backward (ConvWeightNd's)
        gx3, = ember.autograd.grad(gw.square().sum(), (x,))
        out.append((gx.detach().numpy(), gw.detach().numpy(), gx3.numpy()))
    for f, g in zip(*out):
        numpy.testing.assert_allclose(f, g, rtol=1e-4, atol=1e-4)


# ---------------------------------------------------------------- softmax, gelu, masked_fill

import ember.ops.nn as ENN  # noqa: E402


@pytest.mark.parametrize("n", [7, 8, 9, 16, 33, 64, 127, 128, 129, 1000])
def test_last_axis_max_and_sum_match_numpy(n):
    # the halving max and the gemv row sum against NumPy's reductions: nan, -inf rows,
    # ties, odd lengths
    rng = numpy.random.default_rng(n)
    a = rng.integers(-3, 4, (5, 6, n)).astype(numpy.float32)
    a[0, 0, n // 2] = numpy.nan
    a[1, 2] = -numpy.inf
    a[2, 3, -1] = numpy.inf
    numpy.testing.assert_array_equal(ENN._last_max(numpy, a, 2), a.max(axis=2, keepdims=True))
    b = rng.standard_normal((5, 6, n)).astype(numpy.float32)
    b[0, 0, 0] = numpy.nan
    numpy.testing.assert_allclose(ENN._last_sum(numpy, b, 2), b.sum(axis=2, keepdims=True),
                                  rtol=1e-5, atol=1e-5)
    c = b.transpose(2, 0, 1)  # not the last axis, not contiguous: NumPy's own reductions
    numpy.testing.assert_array_equal(ENN._last_max(numpy, c, 0), c.max(axis=0, keepdims=True))


@pytest.mark.parametrize("shape,dim", [((4, 2, 64, 64), -1), ((700 // 7, 1000), 1),
                                       ((3, 20, 5), 1), ((6, 130), -1)])
@pytest.mark.parametrize("log", [False, True])
def test_softmax_fast_paths_match_torch(shape, dim, log):
    import torch
    rng = numpy.random.default_rng(0)
    a = (rng.standard_normal(shape) * 4).astype(numpy.float32)
    mask = numpy.triu(numpy.ones(shape[-2:], bool), 1) if len(shape) == 4 else None
    g = rng.standard_normal(shape).astype(numpy.float32)
    outs = []
    for L in (ember, torch):
        x = L.tensor(a, requires_grad=True)
        z = x.masked_fill(L.tensor(mask), float("-inf")) if mask is not None else x
        f = L.log_softmax if log else L.softmax
        y = f(z, dim)
        gx, = L.autograd.grad(y, (x,), L.tensor(g))
        outs.append((y.detach().numpy(), gx.numpy()))
    if log and mask is not None:  # -inf - lse stays -inf in both
        assert numpy.array_equal(numpy.isinf(outs[0][0]), numpy.isinf(outs[1][0]))
        outs = [(numpy.where(numpy.isinf(o), 0, o), gx) for o, gx in outs]
    for e, t in zip(outs[0], outs[1]):
        numpy.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-6)


def test_softmax_double_backward_keeps_graph_path():
    import torch
    rng = numpy.random.default_rng(1)
    a = rng.standard_normal((3, 40)).astype(numpy.float64)
    res = []
    for L in (ember, torch):
        x = L.tensor(a, requires_grad=True)
        gx, = L.autograd.grad((L.softmax(x, 1) ** 2).sum(), (x,), create_graph=True)
        gg, = L.autograd.grad((gx ** 2).sum(), (x,))
        res.append(gg.numpy())
    numpy.testing.assert_allclose(res[0], res[1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mshape", [(64, 64), (1, 64), (2, 1, 1, 64), (64,)])
def test_masked_fill_fast_path_matches_torch(mshape):
    import torch
    rng = numpy.random.default_rng(2)
    a = rng.standard_normal((2, 3, 64, 64)).astype(numpy.float32)[:, :, :, ::-1]  # a view
    m = rng.random(mshape) < 0.4
    g = rng.standard_normal((2, 3, 64, 64)).astype(numpy.float32)
    res = []
    for L in (ember, torch):
        x = L.tensor(a.copy(), requires_grad=True)
        y = x.flip(-1).masked_fill(L.tensor(m), -2.5)
        gx, = L.autograd.grad(y, (x,), L.tensor(g))
        res.append((y.detach().numpy(), gx.numpy()))
    for e, t in zip(*res):
        numpy.testing.assert_array_equal(e, t)


def test_gelu_array_backward_matches_torch():
    import torch
    rng = numpy.random.default_rng(3)
    a = (rng.standard_normal((4, 8, 96)) * 3).astype(numpy.float32)
    a[0, 0, :3] = (0.0, -10.0, 10.0)
    g = rng.standard_normal(a.shape).astype(numpy.float32)
    res = []
    for L in (ember, torch):
        x = L.tensor(a, requires_grad=True)
        gx, = L.autograd.grad(L.nn.functional.gelu(x), (x,), L.tensor(g))
        res.append(gx.numpy())
    numpy.testing.assert_allclose(res[0], res[1], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape,norm", [((4, 8, 128), (128,)), ((3, 5, 4, 8), (4, 8)),
                                        ((6, 200), (200,)), ((2, 3, 16), (16,))])
@pytest.mark.parametrize("affine", [True, False])
def test_layer_norm_row_sum_paths_match_torch(shape, norm, affine):
    # the BLAS row means of the forward and the array backward (dot products for
    # mean(g * xhat)), against torch; (200,) takes NumPy's reductions
    import torch
    rng = numpy.random.default_rng(4)
    a = (rng.standard_normal(shape) * 3 + 1).astype(numpy.float32)
    w = rng.standard_normal(norm).astype(numpy.float32)
    b = rng.standard_normal(norm).astype(numpy.float32)
    g = rng.standard_normal(shape).astype(numpy.float32)
    res = []
    for L in (ember, torch):
        x = L.tensor(a, requires_grad=True)
        ps = (L.tensor(w, requires_grad=True), L.tensor(b, requires_grad=True)) if affine \
            else (None, None)
        y = L.nn.functional.layer_norm(x, norm, *ps)
        grads = L.autograd.grad(y, (x,) + (ps if affine else ()), L.tensor(g))
        res.append([y.detach().numpy()] + [t.numpy() for t in grads])
    for e, t in zip(*res):
        numpy.testing.assert_allclose(e, t, rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize("plane_limit", [0, 10 ** 9])
@pytest.mark.parametrize("shape,o", [((2, 5, 6, 4), 3), ((3, 4, 10, 8), 6)])
def test_conv_winograd_both_tile_layouts_match_torch(monkeypatch, plane_limit, shape, o):
    # input tiles are planar (16, C, N*T) on large planes and channels-last (16, T*N, C) on
    # small ones (winograd._LAST_MAX_PLANE); forward, input and weight gradients (the
    # latter from forward's kept tiles) must match torch in both layouts
    import ember.ops.winograd as EW
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(EW, "MIN_CHANNELS", 1)
    monkeypatch.setattr(EW, "_LAST_MAX_PLANE", plane_limit)
    rng = numpy.random.default_rng(11)
    a = rng.standard_normal(shape).astype(numpy.float32)
    w = (rng.standard_normal((o, shape[1], 3, 3)) / (3 * shape[1] ** 0.5)).astype(numpy.float32)
    gy = rng.standard_normal((shape[0], o) + shape[2:]).astype(numpy.float32)
    v = EW.input_tiles(numpy, a)
    t = shape[2] * shape[3] // 4 * shape[0]
    assert v.shape == ((16, t, shape[1]) if plane_limit else (16, shape[1], t))
    fast = _conv_fwd_bwd(a, w, gy)
    want = _conv_fwd_bwd(a, w, gy, torch)
    for f, t in zip(fast, want):
        numpy.testing.assert_allclose(f, t, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("n", [8, 13, 16, 17, 31, 100])
def test_last_axis_max_on_strided_and_empty_inputs(n):
    # the transposed tail of the halving max reshapes its input: strided rows (a column
    # slice, a transposed array), float64 and zero rows must give NumPy's max exactly
    rng = numpy.random.default_rng(n)
    base = rng.standard_normal((4, 3, 2 * n)).astype(numpy.float64)
    base[1, 1, 4] = numpy.nan
    for a in (base[..., ::2], base[..., :n], base[..., :n].transpose(1, 0, 2)):
        out = ENN._last_max(numpy, a, 2)
        assert out.shape == a.shape[:-1] + (1,) and out.dtype == a.dtype
        numpy.testing.assert_array_equal(out, a.max(axis=2, keepdims=True))
    empty = numpy.zeros((0, 5, n), numpy.float32)
    assert ENN._last_max(numpy, empty, 2).shape == (0, 5, 1)


def test_conv_winograd_training_threshold(monkeypatch):
    # with the weight gradient wanted, Winograd starts at MIN_CHANNELS // 2 channels and the
    # weight gradient comes from forward's kept tiles (no rebuild); inference and layers
    # below the halved threshold stay on im2col. Values match the im2col path and torch.
    import ember.ops.winograd as EW
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(EW, "MIN_CHANNELS", 12)
    rng = numpy.random.default_rng(11)
    a = rng.standard_normal((2, 6, 6, 4)).astype(numpy.float32)
    w = (rng.standard_normal((7, 6, 3, 3)) / 8.0).astype(numpy.float32)
    gy = rng.standard_normal((2, 7, 6, 4)).astype(numpy.float32)
    assert not EW.applies(a, w, (1, 1), ((1, 1), (1, 1)), (1, 1), 1)
    assert EW.applies(a, w, (1, 1), ((1, 1), (1, 1)), (1, 1), 1, train=True)
    calls = []
    real = (EW.conv3x3, EW.weight_grad3x3, EW.input_tiles)
    monkeypatch.setattr(EW, "conv3x3", lambda *a, **k: calls.append("f") or real[0](*a, **k))
    monkeypatch.setattr(EW, "weight_grad3x3", lambda *a: calls.append("w") or real[1](*a))
    monkeypatch.setattr(EW, "input_tiles", lambda *a: calls.append("t") or real[2](*a))
    fast = _conv_fwd_bwd(a, w, gy)
    # forward (its tiles inside conv3x3) and the weight gradient from them; the input
    # gradient (C < O: a scatter) is not a training forward
    assert calls == ["f", "t", "w"]
    calls.clear()
    with ember.no_grad():
        y = EC.conv2d(_t(a, False), _t(w, False), padding=1)
    assert calls == []
    numpy.testing.assert_allclose(y.numpy(), fast[0], rtol=1e-5, atol=2e-5)
    monkeypatch.setattr(EC, "_COLS_CACHE_BYTES", 4 * a.nbytes - 1)  # tiles would not be kept
    over = _conv_fwd_bwd(a, w, gy)
    assert calls == []
    monkeypatch.setattr(EC, "_COLS_CACHE_BYTES", 32 << 20)
    monkeypatch.setattr(EW, "MIN_CHANNELS", 14)  # halved: 7 > min(C, O) = 6
    general = _conv_fwd_bwd(a, w, gy)
    assert calls == []
    want = _conv_fwd_bwd(a, w, gy, torch)
    for f, g, t, o in zip(fast, general, want, over):
        numpy.testing.assert_allclose(f, g, rtol=1e-5, atol=2e-5)
        numpy.testing.assert_allclose(f, t, rtol=1e-4, atol=1e-4)
        numpy.testing.assert_array_equal(o, g)
