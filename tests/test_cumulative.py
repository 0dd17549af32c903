"""Scans and diff beyond the op table: errors with torch's messages, dtype rules, and small
cases whose gradients are written out by hand."""
import numpy
import pytest
import torch

import ember
from test_reduction import grad_of


def test_bad_dim():
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of "
                                         r"\[-2, 1\], but got 2\)"):
        ember.cumsum(ember.ones(2, 3), 2)


def test_argument_errors():
    x = ember.ones(2, 3)
    with pytest.raises(RuntimeError, match="diff expects input to be at least one-dimensional"):
        ember.diff(ember.tensor(3.0))
    with pytest.raises(RuntimeError, match="order must be non-negative but got -1"):
        ember.diff(x, -1)


def test_integer_and_bool_dtypes():
    i32 = ember.tensor([[1, 2], [3, 4]], dtype=ember.int32)
    b = ember.tensor([True, False, True])
    assert ember.cumsum(i32, 0).dtype is ember.int64 and ember.cumprod(b, 0).tolist() == [1, 0, 0]


def test_cumprod_gradient_with_a_zero():
    # y = (a, ab, abc); dL/dx for L = sum(y) at (2, 0, 5): (1 + b + bc, a + ac, ab)
    assert grad_of(lambda x: x.cumprod(0), [2.0, 0.0, 5.0]) == [1.0, 12.0, 0.0]
    assert grad_of(lambda x: x.cumprod(0), [2.0, 3.0, 5.0]) == [19.0, 12.0, 6.0]


def test_cummax_ties_go_to_the_latest_index():
    # cummax/cummin take the latest of equal running extremes, as torch
    assert ember.cummax(ember.tensor([1.0, 3.0, 3.0, 2.0, 3.0]), 0).indices.tolist() == \
        [0, 1, 2, 2, 4]
    nan = float("nan")
    assert ember.cummax(ember.tensor([1.0, nan, 3.0, nan]), 0).indices.tolist() == [0, 1, 1, 3]


def test_logcumsumexp_is_stable():
    y = ember.tensor([-200.0, 0.0, 150.0, -3.0], dtype=ember.float64)
    expected = torch.logcumsumexp(torch.tensor(y.tolist(), dtype=torch.float64), 0)
    numpy.testing.assert_allclose(ember.logcumsumexp(y, 0).tolist(), expected.tolist())


def test_zero_dim_inputs():
    s = ember.tensor(3.0, requires_grad=True)
    r = ember.cummax(s, -1)
    assert r.values.shape == () and r.indices.shape == () and r.indices.item() == 0
    assert ember.cumsum(s, 0).shape == ()
    ember.cumprod(s, 0).backward()
    assert s.grad.item() == 1.0


def test_diff_small():
    assert ember.diff(ember.tensor([1, 4, 9, 16])).tolist() == [3, 5, 7]
    assert ember.diff(ember.tensor([1, 4, 9, 16]), n=2).tolist() == [2, 2]
    assert ember.diff(ember.tensor([1.0, 2.0]), n=3).tolist() == []
    assert ember.diff(ember.tensor([True, False, False])).tolist() == [True, False]
