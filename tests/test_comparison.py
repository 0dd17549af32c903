"""Comparisons, logic, bits and classification (ember/ops/comparison.py) beyond the op
table: torch's errors, and that no result is ever linked into the graph."""
import pytest

import ember
from test_elementwise import T


def test_bitwise_needs_integral_dtypes():
    with pytest.raises(NotImplementedError, match="\"bitwise_and_cpu\" not implemented for "
                                                  "'Float'"):
        ember.bitwise_and(T([1.0]), T([1]))
    with pytest.raises(NotImplementedError, match="'Float'"):
        ~T([1.0])


def test_isclose_checks():
    with pytest.raises(RuntimeError, match="Float did not match Long"):
        ember.isclose(T([1.0]), T([1]))
    with pytest.raises(RuntimeError, match="rtol must be greater than or equal to zero, but "
                                           "got -1"):
        ember.isclose(T([1.0]), T([1.0]), rtol=-1)


def test_comparisons_never_require_grad():
    x = T([1.0, -1.0], requires_grad=True)
    for out in (x > 0, x == x, ember.isnan(x), ember.isclose(x, x), ember.signbit(x)):
        assert out.dtype is ember.bool and not out.requires_grad and out.grad_fn is None
