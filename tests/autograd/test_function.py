"""Custom autograd.Function against torch: ctx API, needs_input_grad, non-differentiable
outputs, returned inputs, double backward, errors."""
import numpy
import pytest
import torch

import ember


def _np(t):
    return numpy.array(t.detach().tolist())


def _square_fn(L, log):
    class Square(L.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            log.append((ctx.needs_input_grad, L.is_grad_enabled(), x.requires_grad))
            ctx.save_for_backward(x)
            ctx.k = k
            return x * x * k

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 2 * x * ctx.k, None
    return Square


def test_save_for_backward_and_needs_input_grad_match_torch():
    res = {}
    for L in (torch, ember):
        log = []
        Square = _square_fn(L, log)
        x = L.tensor([1.0, -2.0, 3.0], requires_grad=True)
        y = Square.apply(x, 3.0)
        assert y.requires_grad and y.grad_fn.name() == "SquareBackward"
        assert y.grad_fn.next_functions[0][0].variable is x
        y.sum().backward()
        c = L.tensor([1.0, 2.0])
        z = Square.apply(c, 2.0)
        assert not z.requires_grad and z.grad_fn is None
        res[L] = (log, x.grad, y)
    t, e = res[torch], res[ember]
    assert e[0] == t[0]  # ((True, False), False, True) then ((False, False), False, False)
    numpy.testing.assert_allclose(_np(e[1]), _np(t[1]))
    numpy.testing.assert_allclose(_np(e[2]), _np(t[2]))


def test_double_backward_through_a_function_whose_backward_uses_ops():
    res = {}
    for L in (torch, ember):
        class Cube(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return g * 3 * x * x

        x = L.tensor([0.5, -1.5], dtype=L.float64, requires_grad=True)
        (g,) = L.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
        (gg,) = L.autograd.grad(g.sum(), x)
        res[L] = (g, gg)
    for e, t in zip(res[ember], res[torch]):
        numpy.testing.assert_allclose(_np(e), _np(t))
    numpy.testing.assert_allclose(_np(res[ember][1]), [3.0, -9.0])


def test_mark_non_differentiable_output_gets_zero_grad_in_backward():
    res = {}
    for L in (torch, ember):
        seen = []

        class SumAndCopy(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                m = x * 1
                ctx.mark_non_differentiable(m)
                return x.sum(), m

            @staticmethod
            def backward(ctx, g_sum, g_m):
                seen.append(g_m.tolist())
                return L.ones(2) * g_sum

        x = L.tensor([1.0, 2.0], requires_grad=True)
        s, m = SumAndCopy.apply(x)
        assert not m.requires_grad and m.grad_fn is None and s.requires_grad
        s.backward()
        res[L] = (seen, x.grad.tolist())
    assert res[ember] == res[torch] == ([[0.0, 0.0]], [1.0, 1.0])


def test_returning_an_input_gives_a_new_tensor_with_the_function_history():
    for L in (torch, ember):
        class Ident(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, g):
                return g * 5

        x = L.tensor([1.0, 2.0], requires_grad=True)
        y = Ident.apply(x)
        assert y is not x and not y.is_leaf and y.grad_fn.name() == "IdentBackward"
        y.sum().backward()
        assert x.grad.tolist() == [5.0, 5.0]


def test_multiple_outputs_and_unused_output_gets_zeros():
    for L in (torch, ember):
        seen = []

        class Two(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, g1, g2):
                seen.append(g2.tolist())
                return g1 * 2 + g2 * 3

        x = L.tensor([1.0, 2.0], requires_grad=True)
        p, q = Two.apply(x)
        assert p.grad_fn is q.grad_fn and q.output_nr == 1
        p.sum().backward()
        assert seen == [[0.0, 0.0]] and x.grad.tolist() == [2.0, 2.0]


def test_set_materialize_grads_false_passes_none():
    for L in (torch, ember):
        seen = []

        class Two(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.set_materialize_grads(False)
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, g1, g2):
                seen.append(g2)
                return g1 * 2

        x = L.tensor([1.0, 2.0], requires_grad=True)
        Two.apply(x)[0].sum().backward()
        assert seen == [None] and x.grad.tolist() == [2.0, 2.0]


def test_non_tensor_outputs_pass_through():
    for L in (torch, ember):
        class WithInt(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2, 5

            @staticmethod
            def backward(ctx, g, g_int):
                assert g_int is None
                return g * 2

        x = L.tensor([1.0, 2.0], requires_grad=True)
        y, k = WithInt.apply(x)
        assert k == 5
        y.sum().backward()
        assert x.grad.tolist() == [2.0, 2.0]


def test_returning_none_gradient_leaves_grad_unset():
    for L in (torch, ember):
        class NoGrad(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return None

        x = L.tensor([1.0, 2.0], requires_grad=True)
        NoGrad.apply(x).sum().backward()
        assert x.grad is None


def _errors(make):
    out = []
    for L in (torch, ember):
        with pytest.raises(RuntimeError) as info:
            make(L)
        out.append(str(info.value))
    return out


def test_wrong_number_of_gradients_error_matches_torch():
    def too_few(L):
        class Wrong(L.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                return x + y

            @staticmethod
            def backward(ctx, g):
                return g
        a = L.tensor([1.0], requires_grad=True)
        Wrong.apply(a, a * 2).sum().backward()

    def too_many(L):
        class Wrong3(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g, g, g
        Wrong3.apply(L.tensor([1.0], requires_grad=True)).sum().backward()

    t, e = _errors(too_few)
    assert e == t
    t, e = _errors(too_many)
    assert e == t


def test_invalid_gradient_shape_error_matches_torch():
    def bad(L):
        class WrongShape(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return L.ones(3)
        WrongShape.apply(L.tensor([1.0, 2.0], requires_grad=True)).sum().backward()
    t, e = _errors(bad)
    assert e == t


def test_broadcastable_gradient_is_summed_to_the_input_shape():
    for L in (torch, ember):
        class Wide(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return L.ones(3, 2)
        x = L.tensor([1.0, 2.0], requires_grad=True)
        Wide.apply(x).sum().backward()
        assert x.grad.tolist() == [3.0, 3.0]


def test_saved_tensor_modified_in_place_raises_torch_error():
    def make(L):
        class Keep(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * 2

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return g * x
        a = L.tensor([1.0, 2.0], requires_grad=True)
        b = a * 1
        y = Keep.apply(b)
        b.add_(1)
        y.sum().backward()
    t, e = _errors(make)
    assert e == t


def test_saved_tensors_after_backward_raise_torch_error():
    def make(L):
        class Keep(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * 2

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return g * x
        y = Keep.apply(L.tensor([1.0, 2.0], requires_grad=True) * 1)
        y.sum().backward()
        _ = y.grad_fn.saved_tensors
    t, e = _errors(make)
    assert e == t


def test_mark_dirty_in_place_function():
    for L in (torch, ember):
        class Double_(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                x.mul_(2)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, g):
                return g * 2

        a = L.tensor([1.0, 2.0], requires_grad=True)
        b = a * 1
        y = Double_.apply(b)
        assert y is b and b.grad_fn.name() == "Double_Backward" and b._version == 2
        y.sum().backward()
        assert a.grad.tolist() == [2.0, 2.0] and b.tolist() == [2.0, 4.0]
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad has been "
                                               "used in an in-place operation."):
            Double_.apply(a)


def test_once_differentiable_refuses_double_backward():
    t, e = _errors(lambda L: _once(L))
    assert e == t


def _once(L):
    class Sq(L.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 2

        @staticmethod
        @L.autograd.function.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 2 * x

    a = L.tensor([1.0, 2.0], requires_grad=True)
    (g,) = L.autograd.grad(Sq.apply(a).sum(), a, create_graph=True)
    assert g.tolist() == [2.0, 4.0] and not g.requires_grad
    g.sum().backward()


def test_setup_context_style():
    for L in (torch, ember):
        class Mul(L.autograd.Function):
            @staticmethod
            def forward(x, y):
                return x * y

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.save_for_backward(*inputs)

            @staticmethod
            def backward(ctx, g):
                x, y = ctx.saved_tensors
                return g * y, g * x

        a = L.tensor([1.0, 2.0], requires_grad=True)
        b = L.tensor([3.0, 4.0], requires_grad=True)
        Mul.apply(a, b).sum().backward()
        assert a.grad.tolist() == [3.0, 4.0] and b.grad.tolist() == [1.0, 2.0]


def test_function_under_no_grad_records_nothing():
    for L in (torch, ember):
        Square = _square_fn(L, [])
        x = L.tensor([1.0, 2.0], requires_grad=True)
        with L.no_grad():
            y = Square.apply(x, 1.0)
        assert not y.requires_grad and y.grad_fn is None
