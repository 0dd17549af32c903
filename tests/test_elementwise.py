"""Elementwise binary ops (ember/ops/elementwise.py) beyond the op table: torch's errors
(type and message), the dtype rules of the whole elementwise family checked against torch,
and exact small cases written out by hand. The other elementwise files have their own
tests (test_unary.py, test_clamping.py, test_comparison.py), which share T and grad_of."""
import math

import numpy
import pytest
import torch

import ember
import ember.ops.nn as enn

T = ember.tensor


def grad_of(fn, *values, dtype=ember.float64):
    xs = [T(v, dtype=dtype, requires_grad=True) for v in values]
    out = fn(*xs)
    grads = ember.autograd.grad(out.sum(), xs, allow_unused=True)
    return [g.tolist() for g in grads]


# ---------------------------------------------------------------- errors

def test_broadcast_mismatch_is_torchs_runtime_error():
    msg = r"The size of tensor a \(3\) must match the size of tensor b \(4\) at " \
          r"non-singleton dimension 1"
    with pytest.raises(RuntimeError, match=msg):
        ember.ones(2, 3) + ember.ones(2, 4)
    with pytest.raises(RuntimeError, match=msg):
        ember.mul(ember.ones(2, 3), ember.ones(4))
    # torch scans from the last dimension and numbers it in the broadcast shape
    with pytest.raises(RuntimeError, match=r"tensor a \(3\) .* tensor b \(5\) at "
                                           r"non-singleton dimension 1"):
        ember.ones(2, 3, 4) + ember.ones(5, 1)
    with pytest.raises(RuntimeError, match="at non-singleton dimension 0"):
        ember.where(T([True, False]), ember.ones(3), 0.0)
    with pytest.raises(RuntimeError, match="must match the size"):
        ember.clamp(ember.ones(3), ember.zeros(2))
    with pytest.raises(RuntimeError, match="must match the size"):
        ember.ones(3) < ember.ones(2)


def test_broadcast_message_equals_torchs():
    for a, b in [((2, 3), (2, 4)), ((3,), (4, 5)), ((2, 3, 4), (5, 1)), ((7, 1, 3), (2, 4))]:
        with pytest.raises(RuntimeError) as theirs:
            torch.ones(a) - torch.ones(b)
        with pytest.raises(RuntimeError) as ours:
            ember.ones(a) - ember.ones(b)
        assert str(ours.value) == str(theirs.value)


def test_inplace_cannot_cast_float_into_long():
    msg = "result type Float can't be cast to the desired output type Long"
    x = T([1, 2, 3])
    with pytest.raises(RuntimeError, match=msg):
        x.add_(T([0.5, 0.5, 0.5]))
    with pytest.raises(RuntimeError, match=msg):
        x.add_(1.5)
    with pytest.raises(RuntimeError, match=msg):
        x /= 2
    assert x.tolist() == [1, 2, 3]  # a failed in-place op leaves the tensor alone
    x.div_(2, rounding_mode="floor")  # integer result: allowed
    assert x.tolist() == [0, 1, 1]


def test_bool_subtraction():
    with pytest.raises(RuntimeError, match="with two bool tensors is not supported"):
        T([True, False]) - T([True, True])
    with pytest.raises(RuntimeError, match=r"with a bool tensor is not supported.*logical_not"):
        ember.sub(T([True]), 1)
    with pytest.raises(RuntimeError, match="with a bool tensor"):
        ember.sub(T([3]), T([True]))


def test_alpha_rules():
    with pytest.raises(RuntimeError, match="argument alpha must not be a floating point number"):
        ember.add(T([1]), T([2]), alpha=2.5)
    with pytest.raises(RuntimeError, match="Boolean alpha only supported for Boolean results"):
        ember.sub(T([1.0]), T([2.0]), alpha=True)
    assert ember.add(T([1.0]), T([2]), alpha=2.5).tolist() == [6.0]
    assert ember.sub(2, T([1]), alpha=2).tolist() == [0]


def test_integer_power_and_division_errors():
    with pytest.raises(RuntimeError, match="Integers to negative integer powers are not allowed"):
        T([1, 2]) ** -1
    with pytest.raises(NotImplementedError, match="\"pow\" not implemented for 'Bool'"):
        T([True]) ** T([True])
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        ember.div(T([7]), 0, rounding_mode="floor")
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        T([7, 1]) % T([2, 0])
    with pytest.raises(RuntimeError, match="rounding_mode to be one of None, 'trunc', or "
                                           "'floor' but found 'round'"):
        ember.div(T([1.0]), 2, rounding_mode="round")


def test_floor_divide_has_no_derivative():
    x = T([3.0, 4.0], requires_grad=True)
    y = ember.floor_divide(x, 2)
    assert y.tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError, match="derivative for aten::floor_divide is not "
                                           "implemented"):
        y.sum().backward()


def test_softmax_needs_floating_dtype():
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        ember.softmax(T([1, 2]), 0)


def test_where_lerp_addcdiv_checks():
    with pytest.raises(RuntimeError, match="where expected condition to be a boolean tensor, "
                                           "but got a tensor with dtype Long"):
        ember.where(T([1, 0]), T([1.0, 2.0]), 0.0)
    with pytest.raises(RuntimeError, match="expected dtype float for `end` but got dtype "
                                           "double"):
        ember.lerp(T([1.0]), T([2.0], dtype=ember.float64), 0.5)
    with pytest.raises(RuntimeError, match="Integer division with addcdiv is no longer "
                                           "supported"):
        ember.addcdiv(T([1.0]), T([3]), T([2]))


def test_softmax_dim_errors():
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range "
                                         r"of \[-1, 0\], but got 1\)"):
        ember.softmax(T([1.0, 2.0]), 1)
    with pytest.raises(TypeError, match="argument 'dim' must be int, not NoneType"):
        ember.log_softmax(T([1.0, 2.0]), None)


# ---------------------------------------------------------------- dtype rules vs torch

@pytest.mark.parametrize("expr", [
    "T([1, 2, 3]) + 2.5",                               # int tensor + float -> float32
    "T([1, 2, 3]) / T([2, 2, 2])",                      # int / int -> float32
    "T([1, 2], dtype=D.int8) + T([1, 2], dtype=D.int16)",
    "T([200, 2], dtype=D.uint8) + 300",                 # wraps: 300 is cast to uint8 (44)
    "T([200, 2], dtype=D.uint8) - 1",
    "T([44, 3], dtype=D.uint8) == 300",                 # compares with the wrapped 44
    "T([1, 2], dtype=D.int32) * T(7)",                  # 0-dim tensors do not widen
    "T([1.0, 2.0]) + T(1.0, dtype=D.float64)",
    "T([1, 2]) + T(1.5)",                               # ... unless they bring a category
    "T([True, False]) + T([True, True])",               # bool + bool stays bool
    "T([True, False]) * 3",
    "T([1, 2]) ** 2.0",
    "2 ** T([1, 2, 3])",
    "T([True, False]) ** 2",
    "D.sqrt(T([1, 4], dtype=D.int8))",
    "D.exp(T([True]))",
    "D.floor(T([3, -4]))",                              # integers round to themselves
    "D.square(T([True, False]))",
    "D.float_power(T([2]), -1)",
    "D.div(T([-7, 7]), 2, rounding_mode='trunc')",
    "D.div(T([-7, 7]), 2.0, rounding_mode='floor')",
    "D.clamp(T([1, 2, 3]), 1.5)",
    "D.clamp(T([True, False]), 0, 1)",
    "D.where(T([True, False]), T([1, 2]), 2.5)",
    "D.where(T([True, False]), 1, 2)",
    "D.copysign(T([1, 2]), T([-1, 1]))",
    "D.bitwise_and(T([True]), T([1], dtype=D.uint8))",
    "D.bitwise_left_shift(T([1], dtype=D.int8), 7)",
    "D.isclose(T([1, 2]), T([1, 3]))",
    "D.logical_xor(T([1, 0]), T([1.0, 2.0]))",
    "D.nan_to_num(T([float('nan'), float('inf')], dtype=D.float16))",
])
def test_result_dtype_and_values_match_torch(expr):
    ours = eval(expr, {"T": ember.tensor, "D": ember})
    theirs = eval(expr, {"T": torch.tensor, "D": torch})
    assert ours.dtype.name == str(theirs.dtype).replace("torch.", "")
    numpy.testing.assert_allclose(ours.numpy().astype(numpy.float64),
                                  theirs.numpy().astype(numpy.float64), rtol=1e-6)


# ---------------------------------------------------------------- exact small cases

def test_pow_gradients_by_hand():
    gx, ge = grad_of(ember.pow, [2.0, 0.0, 0.0, 3.0], [3.0, 0.0, 2.0, 1.0])
    assert gx == [12.0, 0.0, 0.0, 1.0]                   # e x^(e-1), 0 where e == 0
    assert ge == pytest.approx([8 * math.log(2), 0.0, 0.0, 3 * math.log(3)])
    (ge,) = grad_of(lambda e: 2.0 ** e, [1.0, 3.0])
    assert ge == pytest.approx([2 * math.log(2), 8 * math.log(2)])
    # second derivative of x**3 at 2 is 6 x = 12
    x = T(2.0, dtype=ember.float64, requires_grad=True)
    (g,) = ember.autograd.grad(x ** 3, [x], create_graph=True)
    (gg,) = ember.autograd.grad(g, [x])
    assert (g.item(), gg.item()) == (12.0, 12.0)


def test_integer_tensor_power_with_negative_exponents():
    out = T([0, 1, -1, 2, -1]) ** T([-1, -3, -3, -1, -2])
    assert out.tolist() == [0, 1, -1, 0, 1] and out.dtype is ember.int64


def test_division_rounding_by_hand():
    assert ember.div(T([-7, 7]), 2, rounding_mode="trunc").tolist() == [-3, 3]
    assert ember.div(T([-7, 7]), 2, rounding_mode="floor").tolist() == [-4, 3]
    assert (T([-7, 7]) % 3).tolist() == [2, 1]
    assert ember.fmod(T([-7, 7]), 3).tolist() == [-1, 1]


def test_lerp_addcmul_hypot_by_hand():
    assert ember.lerp(T([1.0, 2.0]), T([3.0, 4.0]), 0.5).tolist() == [2.0, 3.0]
    ga, gb, gw = grad_of(ember.lerp, [1.0, 2.0], [3.0, 5.0], [0.25, 0.75])
    assert (ga, gb, gw) == ([0.75, 0.25], [0.25, 0.75], [2.0, 3.0])
    assert ember.addcmul(T([1.0, 2.0]), T([3.0, 4.0]), T([1.0, 2.0]), value=2).tolist() == \
        [7.0, 18.0]
    assert ember.hypot(T([3.0, 5.0]), T([4.0, 12.0])).tolist() == [5.0, 13.0]
    assert ember.xlogy(T([0.0, 0.0]), T([0.0, float("nan")])).tolist()[0] == 0.0


def test_where_delegates_single_argument_to_nonzero():
    (idx,) = ember.where(T([[False, True], [True, True]]).reshape(-1))
    assert idx.tolist() == [1, 2, 3]
    rows, cols = ember.where(T([[False, True], [True, False]]))
    assert (rows.tolist(), cols.tolist()) == ([0, 1], [1, 0])


def test_inplace_returns_self_and_bumps_version():
    x = T([1.0, 2.0])
    v = x._version
    assert x.mul_(3) is x and x.tolist() == [3.0, 6.0] and x._version == v + 1
    y = T([5, 6])
    y += 1
    assert y.tolist() == [6, 7] and y.dtype is ember.int64


def test_softmax_family_by_hand():
    x = T([[1000.0, 0.0], [1.0, 1.0]], dtype=ember.float64)
    assert enn.log_softmax(x, 1).tolist() == [[0.0, -1000.0], [-math.log(2), -math.log(2)]]
    assert ember.softmax(x, 1).tolist() == [[1.0, 0.0], [0.5, 0.5]]
    assert enn.softmin(T([0.0, math.log(3)]), 0).tolist() == pytest.approx([0.75, 0.25])
    s = ember.softmax(ember.randn(4, 5, dtype=ember.float64), 0)
    numpy.testing.assert_allclose(s.sum(0).numpy(), numpy.ones(5), rtol=1e-15)
