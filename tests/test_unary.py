"""One-input elementwise ops (ember/ops/unary.py) beyond the op table: torch's errors,
subgradients and rounding written out by hand, and the accuracy of the error-function
kernels against math.erf and a high-precision reference."""
import math

import numpy
import pytest
import torch

import ember
from ember._backend import numpy_ext
from test_elementwise import T, grad_of


# ---------------------------------------------------------------- errors

def test_bool_negation():
    with pytest.raises(RuntimeError, match=r"Negation, the `-` operator, on a bool tensor"):
        -T([True])
    with pytest.raises(RuntimeError, match=r"The `\+` operator, on a bool tensor"):
        ember.positive(T([True]))


def test_unsupported_dtypes():
    with pytest.raises(NotImplementedError, match="\"abs_cpu\" not implemented for 'Bool'"):
        ember.abs(T([True]))
    with pytest.raises(RuntimeError, match="Boolean inputs not supported for relu"):
        ember.relu(T([True]))
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        ember.round(T([15, 25]), decimals=-1)
    with pytest.raises(NotImplementedError, match="\"frac_cpu\" not implemented for 'Long'"):
        ember.frac(T([1]))


def test_imag_of_real():
    with pytest.raises(RuntimeError, match="imag is not implemented for tensors with "
                                           "non-complex dtypes"):
        ember.imag(T([1.0]))


# ---------------------------------------------------------------- exact small cases

def test_subgradients_at_kinks():
    assert grad_of(ember.abs, [-2.0, 0.0, 3.0]) == [[-1.0, 0.0, 1.0]]
    assert grad_of(ember.relu, [-1.0, 0.0, 2.0]) == [[0.0, 0.0, 1.0]]
    assert grad_of(ember.sign, [0.0, 2.0]) == [[0.0, 0.0]]
    assert grad_of(ember.round, [0.5, 1.2]) == [[0.0, 0.0]]
    assert grad_of(ember.floor, [0.5, 1.2]) == [[0.0, 0.0]]
    assert grad_of(ember.sqrt, [0.0, 4.0]) == [[math.inf, 0.25]]
    assert grad_of(ember.frac, [1.5, -2.25]) == [[1.0, 1.0]]


def test_rounding_by_hand():
    assert ember.round(T([0.5, 1.5, 2.5, -0.5, -2.5])).tolist() == [0.0, 2.0, 2.0, -0.0, -2.0]
    assert ember.round(T([1.2345, 2.5]), decimals=2).tolist() == \
        pytest.approx([1.23, 2.5], abs=1e-7)
    assert ember.round(T([15.0, 25.0, 1234.0]), decimals=-1).tolist() == [20.0, 20.0, 1230.0]
    assert ember.trunc(T([-1.7, 1.7])).tolist() == [-1.0, 1.0]


# ---------------------------------------------------------------- erf kernels

def test_erf_erfc_float64_accuracy():
    rng = numpy.random.default_rng(0)
    x = numpy.concatenate([rng.uniform(-6, 6, 2000), rng.uniform(-0.5, 0.5, 500),
                           [0.0, 0.46875, -0.46875, 4.0, -4.0, 1e-300, 26.0]])
    ref = numpy.array([math.erf(v) for v in x])
    numpy.testing.assert_allclose(numpy_ext.erf(x), ref, rtol=2e-15, atol=1e-300)
    refc = numpy.array([math.erfc(v) for v in x])
    numpy.testing.assert_allclose(numpy_ext.erfc(x), refc, rtol=2e-14, atol=1e-300)
    special = numpy_ext.erf(numpy.array([numpy.inf, -numpy.inf, numpy.nan]))
    assert special[0] == 1.0 and special[1] == -1.0 and numpy.isnan(special[2])
    assert numpy_ext.erfc(numpy.array([numpy.inf, -numpy.inf])).tolist() == [0.0, 2.0]


def test_erf_float32_is_rounded_from_double():
    x = numpy.random.default_rng(1).uniform(-4, 4, 5000).astype(numpy.float32)
    out = numpy_ext.erf(x)
    assert out.dtype == numpy.float32
    ref = numpy.array([math.erf(float(v)) for v in x])
    numpy.testing.assert_allclose(out, ref, rtol=1.2e-7, atol=1e-30)


def test_erf_float32_within_two_ulp_on_a_dense_grid():
    # GELU evaluates erf on every activation, so float32 erf gets fast approximations; this
    # bounds any of them by 2 float32 ulp of the correctly rounded value over the whole line
    # (the random-sample test above misses narrow bad spots, e.g. just below a power of 2)
    grid = numpy.linspace(-6, 6, 120001, dtype=numpy.float32)
    tiny = numpy.float32(2.0) ** -numpy.arange(1, 150, 0.5).astype(numpy.float32)
    x = numpy.concatenate([grid, tiny, -tiny, numpy.nextafter(grid, numpy.float32(numpy.inf))])
    out = numpy_ext.erf(x)
    assert out.dtype == numpy.float32
    ref = numpy.array([math.erf(float(v)) for v in x])
    ulp = numpy.spacing(numpy.abs(ref.astype(numpy.float32))).astype(numpy.float64)
    err = numpy.abs(out.astype(numpy.float64) - ref) / ulp
    assert err.max() <= 2.0, (err.max(), x[err.argmax()])
    assert (numpy.sign(out) == numpy.sign(x)).all()
    assert (numpy.abs(out[numpy.abs(x) >= 4]) == 1).all()


def test_erfinv_inverts_erf_including_the_tails():
    rng = numpy.random.default_rng(2)
    t = numpy.concatenate([rng.uniform(-5.5, 5.5, 3000), [0.0, 1e-10, -3e-200]])
    y = numpy.array([math.erf(v) for v in t])
    y = y[numpy.abs(y) < 1.0]
    back = numpy_ext.erfinv(y)
    centre = numpy.abs(y) <= 0.5
    numpy.testing.assert_allclose([math.erf(v) for v in back[centre]], y[centre], rtol=1e-15,
                                  atol=1e-300)
    # in the tails one ulp of y moves erfinv a lot: check erfc(erfinv(y)) = 1 - |y| (exact)
    numpy.testing.assert_allclose([math.erfc(v) for v in numpy.abs(back[~centre])],
                                  1.0 - numpy.abs(y[~centre]), rtol=1e-14)
    edge = numpy_ext.erfinv(numpy.array([1.0, -1.0, 1.5, numpy.nan, 1 - 2.0 ** -53]))
    assert edge[0] == numpy.inf and edge[1] == -numpy.inf and numpy.isnan(edge[2:4]).all()
    assert edge[4] == pytest.approx(5.863584748755168, rel=1e-15)  # erfinv(1 - 2**-53)
    y32 = rng.uniform(-1, 1, 2000).astype(numpy.float32)
    out = numpy_ext.erfinv(y32)
    assert out.dtype == numpy.float32
    numpy.testing.assert_allclose(out, torch.erfinv(torch.from_numpy(y32)).numpy(), rtol=3e-7)


@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_relu_backward_on_arrays_equals_torch(dtype):
    rng = numpy.random.default_rng(6)
    x = rng.standard_normal((4, 5, 6)).astype(dtype)
    x.reshape(-1)[:4] = [0.0, -0.0, numpy.inf, -numpy.inf]
    g = rng.standard_normal(x.shape).astype(dtype)
    g.reshape(-1)[4:8] = [numpy.inf, numpy.nan, -numpy.inf, numpy.nan]  # kept as is, or zeroed

    def run():
        a = ember.tensor(x, requires_grad=True)
        ember.nn.functional.relu(a).backward(ember.tensor(g))
        return a.grad.numpy()

    t = torch.tensor(x, requires_grad=True)
    torch.relu(t).backward(torch.tensor(g))
    numpy.testing.assert_array_equal(run(), t.grad.numpy())
