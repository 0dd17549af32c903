"""Clamping and extrema (ember/ops/clamping.py) beyond the op table: torch's errors and the
subgradients at the bounds and at ties written out by hand."""
import pytest

import ember
from test_elementwise import T, grad_of


def test_clamp_checks():
    with pytest.raises(RuntimeError, match="At least one of 'min' or 'max' must not be None"):
        ember.clamp(T([1.0]))
    with pytest.raises(RuntimeError, match="value cannot be converted to type uint8_t without "
                                           "overflow"):
        ember.clamp(T([1, 2], dtype=ember.uint8), -5, 300)


def test_subgradients_at_bounds_and_ties():
    assert grad_of(lambda x: x.clamp(0.0, 1.0), [-1.0, 0.0, 0.5, 1.0, 2.0]) == \
        [[0.0, 1.0, 1.0, 1.0, 0.0]]
    assert grad_of(ember.maximum, [1.0, 2.0, 3.0], [1.0, 3.0, 2.0]) == \
        [[0.5, 0.0, 1.0], [0.5, 1.0, 0.0]]
    assert grad_of(ember.minimum, [1.0, 2.0], [1.0, 3.0]) == [[0.5, 1.0], [0.5, 0.0]]
