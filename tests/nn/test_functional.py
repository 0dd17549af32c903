"""torch.nn.functional outside the op table: errors with torch's types and messages, dropout
and rrelu in training mode (ember's RNG), in-place variants, implicit softmax dims."""
import math
import warnings

import numpy
import pytest
import torch
import torch.nn.functional as TF

import ember
import ember.nn.functional as F


def E(a, **kw):
    return ember.tensor(numpy.asarray(a), **kw)


def T(a, **kw):
    return torch.tensor(numpy.asarray(a), **kw)


def test_linear_shape_errors_match_torch():
    for xs, ws in (((4, 3), (6, 5)), ((2, 4, 3), (6, 5)), ((3,), (6, 5))):
        with pytest.raises(RuntimeError) as te:
            TF.linear(torch.ones(xs), torch.ones(ws))
        with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied") as ee:
            F.linear(ember.ones(xs), ember.ones(ws))
        assert str(ee.value) == str(te.value)


def test_activation_errors():
    with pytest.raises(RuntimeError, match="Halving dimension must be even, but dimension 1 is "
                                           "size 3"):
        F.glu(ember.ones(3, 3))
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        F.gelu(ember.ones(3), approximate="foo")
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers and input channel"):
        F.prelu(ember.ones(2, 3), ember.ones(4))


@pytest.mark.parametrize("bad, msg", [
    (numpy.array([1.0]), "one_hot is only applicable to index tensor of type LongTensor."),
    (numpy.array([-1]), "Class values must be non-negative."),
])
def test_one_hot_errors(bad, msg):
    with pytest.raises(RuntimeError, match=msg):
        TF.one_hot(T(bad))
    with pytest.raises(RuntimeError, match=msg):
        F.one_hot(E(bad))


def test_one_hot_too_small_and_empty():
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes."):
        F.one_hot(E([3]), 3)
    out = F.one_hot(E(numpy.zeros(0, dtype=numpy.int64)), 3)
    assert tuple(out.shape) == (0, 3) and out.dtype is ember.int64


@pytest.mark.parametrize("fn", ["dropout", "dropout1d", "dropout2d", "alpha_dropout"])
def test_dropout_probability_error(fn):
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but "
                                         "got 1.5"):
        getattr(F, fn)(ember.ones(2, 3, 4), 1.5)
    with pytest.raises(ValueError, match="got -0.1"):
        getattr(F, fn)(ember.ones(2, 3, 4), -0.1)


def test_dropout_scaling_seed_and_gradient():
    x = ember.randn(200, 50, requires_grad=True)
    ember.manual_seed(3)
    y = F.dropout(x, 0.3)
    ember.manual_seed(3)
    y2 = F.dropout(x, 0.3)
    yn, xn = y.detach().numpy(), x.detach().numpy()
    numpy.testing.assert_array_equal(yn, y2.detach().numpy())    # follows manual_seed
    kept = yn != 0
    numpy.testing.assert_allclose(yn[kept], xn[kept] / 0.7, rtol=1e-6)
    assert abs(kept.mean() - 0.7) < 0.02
    y.sum().backward()
    numpy.testing.assert_allclose(x.grad.numpy(), kept / 0.7, rtol=1e-6)
    ember.manual_seed(4)
    assert (F.dropout(x, 0.3).detach().numpy() != yn).any()      # another seed, another mask


def test_dropout_eval_p0_p1():
    x = ember.randn(4, 5, requires_grad=True)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.alpha_dropout(x, 0.5) is x                    # training=False by default
    numpy.testing.assert_array_equal(F.dropout(x, 0.0).detach().numpy(), x.detach().numpy())
    z = F.dropout(x, 1.0)
    assert not z.detach().numpy().any()
    z.sum().backward()
    assert not x.grad.numpy().any()


def test_dropout_inplace_returns_input():
    x = ember.ones(10, 10)
    y = F.dropout(x, 0.5, inplace=True)
    assert y is x
    assert set(numpy.unique(x.numpy())) <= {0.0, 2.0}


@pytest.mark.parametrize("fn, shape", [("dropout1d", (4, 6, 30)), ("dropout1d", (6, 30)),
                                       ("dropout2d", (4, 6, 5, 6)),
                                       ("dropout3d", (4, 6, 2, 3, 5))])
def test_feature_dropout_drops_whole_channels(fn, shape):
    x = ember.ones(*shape)
    y = getattr(F, fn)(x, 0.5).numpy()
    ch = y.reshape(shape[:-1 if len(shape) == 2 else 2] + (-1,))
    for c in ch.reshape(-1, ch.shape[-1]):
        assert (c == 0).all() or numpy.allclose(c, 2.0)
    assert (y == 0).any() and (y == 2).any()


def test_dropout1d_wrong_dims():
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input, but received a "
                                           "4D input"):
        F.dropout1d(ember.ones(2, 3, 4, 5))


def test_alpha_dropout_values_and_moments():
    p = 0.2
    x = ember.randn(400, 500)
    y = F.alpha_dropout(x, p, training=True).numpy()
    alpha = 1.7580993408473766
    a = 1 / math.sqrt((alpha * alpha * p + 1) * (1 - p))
    xn = x.numpy()
    dropped_value = alpha * a * (p - 1)
    kept = ~numpy.isclose(y, dropped_value, atol=1e-6)
    numpy.testing.assert_allclose(y[kept], xn[kept] * a + alpha * a * p, rtol=1e-5, atol=1e-6)
    assert abs((~kept).mean() - p) < 0.01
    # keeps zero mean and unit variance of a standard normal input (its purpose, with SELU)
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02


def test_rrelu_training_slopes():
    x = -ember.rand(1000) - 0.1
    ember.manual_seed(1)
    y = F.rrelu(x, 0.1, 0.3, training=True)
    ember.manual_seed(1)
    y2 = F.rrelu(x, 0.1, 0.3, training=True)
    slope = (y / x).numpy()
    assert (slope >= 0.1 - 1e-6).all() and (slope <= 0.3 + 1e-6).all()
    assert slope.std() > 0.03                              # random, not the fixed eval slope
    numpy.testing.assert_array_equal(y.numpy(), y2.numpy())
    pos = ember.rand(10)
    numpy.testing.assert_array_equal(F.rrelu(pos, training=True).numpy(), pos.numpy())


def test_softmax_implicit_dim_warns_and_matches_torch():
    for shape in ((4,), (3, 4), (2, 3, 4), (2, 3, 4, 5)):
        a = numpy.random.default_rng(0).standard_normal(shape).astype(numpy.float32)
        for name in ("softmax", "log_softmax", "softmin"):
            with pytest.warns(UserWarning, match="Implicit dimension choice"):
                e = getattr(F, name)(E(a))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t = getattr(TF, name)(T(a))
            numpy.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-5, atol=1e-6)


def test_softmax_dtype_and_stacklevel_args():
    a = numpy.random.default_rng(0).standard_normal((3, 4)).astype(numpy.float32)
    e = F.softmax(E(a), 1, _stacklevel=5, dtype=ember.float64)
    t = TF.softmax(T(a), 1, _stacklevel=5, dtype=torch.float64)
    assert e.dtype is ember.float64
    numpy.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-12)


def test_stable_extremes():
    x = numpy.array([-1000.0, -100.0, 0.0, 100.0, 1000.0], dtype=numpy.float32)
    for name in ("logsigmoid", "softplus", "silu", "mish", "gelu", "elu", "selu", "sigmoid"):
        e = getattr(F, name)(E(x)).numpy()
        t = getattr(TF, name)(T(x)).numpy()
        numpy.testing.assert_allclose(e, t, rtol=1e-6, atol=1e-6, err_msg=name)
        assert numpy.isfinite(e).all(), name


def test_normalize_out_and_embedding_max_norm():
    a = numpy.random.default_rng(0).standard_normal((3, 4)).astype(numpy.float32)
    out = ember.empty(3, 4)
    r = F.normalize(E(a), out=out)
    assert r is out
    numpy.testing.assert_allclose(out.numpy(), TF.normalize(T(a)).numpy(), rtol=1e-6)
    w = numpy.random.default_rng(1).standard_normal((5, 3)).astype(numpy.float32) * 3
    idx = numpy.array([[0, 2], [2, 4]])
    ew, tw = E(w.copy()), T(w.copy())
    e = F.embedding(E(idx), ew, max_norm=1.0)
    t = TF.embedding(T(idx), tw, max_norm=1.0)
    numpy.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-5)
    numpy.testing.assert_allclose(ew.numpy(), tw.numpy(), rtol=1e-5)   # rows renormed in place


def _arr(x, dtype=numpy.float32):
    return numpy.array(x, dtype=dtype)


@pytest.mark.parametrize("name, args, kwargs", [
    ("softshrink", (_arr([1.0, 2.0]), -1.0), {}),
    ("softshrink", (_arr([1.0, 2.0], numpy.float64), -0.5), {}),
    ("hardtanh", (_arr([1.0]), 2.0, 1.0), {}),
    ("rrelu", (_arr([1.0]), 0.5, 0.1), {}),
    ("glu", (_arr(1.0),), {}),
    ("prelu", (_arr([[1.0, 2.0, 3.0]]), _arr([1.0, 2.0])), {}),
    ("one_hot", (numpy.zeros(0, dtype=numpy.int64),), {}),
    ("embedding", (numpy.array([1]), _arr([[1.0, 2.0]])), dict(padding_idx=5)),
    ("bilinear", (_arr([[1.0, 2.0]]), _arr([[1.0, 2.0]]), numpy.ones((3, 2, 3), "f")), {}),
    ("bilinear", (_arr([[1.0, 2.0]]), _arr([[1.0, 2.0], [3, 4]]), numpy.ones((3, 2, 2), "f")),
     {}),
    ("dropout2d", (_arr([1.0, 2.0]),), {}),
    ("linear", (numpy.ones((2, 3)), numpy.ones((4, 3), "f")), {}),
    ("cosine_similarity", (_arr([[1.0, 2.0]]), _arr([[1.0, 2.0, 3.0]])), {}),
])
def test_errors_match_torch(name, args, kwargs):
    with pytest.raises(Exception) as te, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        getattr(TF, name)(*[torch.from_numpy(a) for a in args if isinstance(a, numpy.ndarray)],
                          *[a for a in args if not isinstance(a, numpy.ndarray)], **kwargs)
    with pytest.raises(type(te.value)) as ee, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        getattr(F, name)(*[E(a) for a in args if isinstance(a, numpy.ndarray)],
                         *[a for a in args if not isinstance(a, numpy.ndarray)], **kwargs)
    assert str(ee.value) == str(te.value)


def test_dropout_warnings_and_shapes():
    x = ember.ones(2, 3, 4)
    with pytest.warns(UserWarning, match="assuming that channel-wise 1D dropout"):
        y = F.dropout2d(x, 0.5)
    assert tuple(y.shape) == (2, 3, 4)
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout3d"):
        y = F.dropout3d(ember.ones(3, 4), 0.5, training=False)
    assert tuple(y.shape) == (3, 4)


def test_embedding_max_norm_padding_grad_on_leaf():
    w = numpy.random.default_rng(0).standard_normal((5, 3)).astype(numpy.float32) * 3
    ew, tw = E(w.copy(), requires_grad=True), T(w.copy(), requires_grad=True)
    i = numpy.array([1, 3, 1])
    e = F.embedding(E(i), ew, max_norm=1.0, padding_idx=3)
    t = TF.embedding(T(i), tw, max_norm=1.0, padding_idx=3)
    (e * e).sum().backward()
    (t * t).sum().backward()
    numpy.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-6)
    numpy.testing.assert_allclose(ew.grad.numpy(), tw.grad.numpy(), rtol=1e-6)
    assert not ew.grad.numpy()[3].any()                  # padding row: no gradient
    numpy.testing.assert_allclose(ew.detach().numpy(), tw.detach().numpy(), rtol=1e-6)


def test_embedding_scale_grad_by_freq_matches_torch():
    import numpy
    import torch
    w = numpy.random.default_rng(0).normal(size=(5, 3)).astype(numpy.float32)
    idx = numpy.array([[1, 1, 2], [4, 1, 0]])
    up = numpy.random.default_rng(1).normal(size=(2, 3, 3)).astype(numpy.float32)
    got = []
    for L in (ember, torch):
        weight = L.tensor(w, requires_grad=True)
        out = L.nn.functional.embedding(L.tensor(idx), weight, scale_grad_by_freq=True)
        (out * L.tensor(up)).sum().backward()
        got.append((out.detach().numpy(), weight.grad.numpy()))
    numpy.testing.assert_array_equal(got[0][0], got[1][0])
    numpy.testing.assert_allclose(got[0][1], got[1][1], rtol=1e-6)


def test_prelu_1d_input_has_one_channel_like_torch():
    import torch
    for L in (ember, torch):
        with pytest.raises(RuntimeError, match="parameter numbers = 4 and channel size = 1"):
            L.nn.functional.prelu(L.randn(4), L.ones(4))
