"""autograd.gradcheck / gradgradcheck: accept right derivatives, catch wrong ones (as torch's
do on the same functions)."""
import numpy
import pytest
import torch

import ember

RNG = numpy.random.default_rng(2)


def _inputs(L, *shapes):
    return tuple(L.tensor(RNG.uniform(0.5, 2.0, size=s), dtype=L.float64, requires_grad=True)
                 for s in shapes)


def _wrong_square(L, scale=3.0, detach_in_backward=False):
    class WrongSquare(L.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            if detach_in_backward:  # right first derivative, no second derivative recorded
                return g * 2 * x.detach()
            return g * scale * x
    return WrongSquare


def test_gradcheck_accepts_composed_functions_with_several_inputs_and_outputs():
    def f(a, b):
        return (a * b).exp() / (b + 1), (a @ b.t()).sum(1) ** 2
    a, b = _inputs(ember, (3, 4), (3, 4))
    assert ember.autograd.gradcheck(f, (a, b))
    assert ember.autograd.gradgradcheck(f, (a, b))


def test_gradcheck_accepts_non_contiguous_inputs_and_view_outputs():
    (a,) = _inputs(ember, (4, 3))
    at = a.detach().t().requires_grad_()  # transposed memory
    assert ember.autograd.gradcheck(lambda x: x.reshape(12) * 2, (at,))
    assert ember.autograd.gradcheck(lambda x: x[1:, ::2], (at,))


def test_gradcheck_catches_a_wrong_backward_like_torch():
    for L in (torch, ember):
        (x,) = _inputs(L, (3,))
        Wrong = _wrong_square(L)
        assert L.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False) is False
        with pytest.raises(RuntimeError, match="Jacobian mismatch for output 0 with respect to "
                                               "input 0") as info:
            L.autograd.gradcheck(Wrong.apply, (x,))
        assert type(info.value).__name__ == "GradcheckError"
        Right = _wrong_square(L, scale=2.0)
        assert L.autograd.gradcheck(Right.apply, (x,))


def test_gradcheck_names_the_failing_output_and_input():
    Wrong = _wrong_square(ember)

    def f(a, b):
        return a * b, Wrong.apply(b)
    a, b = _inputs(ember, (2,), (2,))
    with pytest.raises(RuntimeError,
                       match="output 1 with respect to input 1"):
        ember.autograd.gradcheck(f, (a, b))


def test_gradgradcheck_catches_a_backward_that_is_not_differentiable():
    for L in (torch, ember):
        (x,) = _inputs(L, (3,))
        NoSecond = _wrong_square(L, detach_in_backward=True)
        assert L.autograd.gradcheck(NoSecond.apply, (x,))
        assert L.autograd.gradgradcheck(NoSecond.apply, (x,), raise_exception=False) is False
        Right = _wrong_square(L, scale=2.0)
        assert L.autograd.gradgradcheck(Right.apply, (x,))


def test_gradcheck_needs_an_input_that_requires_grad():
    msgs = []
    for L in (torch, ember):
        with pytest.raises(ValueError) as info:
            L.autograd.gradcheck(lambda x: x * 2, (L.ones(2, dtype=L.float64),))
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1]


def test_gradcheck_warns_for_single_precision_inputs():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="is not a double precision floating point"):
        assert ember.autograd.gradcheck(lambda t: t * 2, (x,), eps=1e-2, atol=1e-2, rtol=1e-2)


def test_gradcheck_leaves_inputs_unchanged():
    (x,) = _inputs(ember, (2, 3))
    before = x.tolist()
    ember.autograd.gradcheck(lambda t: t.exp().sum(0), (x,))
    assert x.tolist() == before and x.grad is None
