"""In-place operations and views against torch: version counter errors, leaf rules, memory
sharing, and gradients through writes into views of graph tensors (CopySlices)."""
import numpy
import pytest
import torch

import ember

RNG = numpy.random.default_rng(1)
A = RNG.standard_normal((4, 5)).astype(numpy.float32)
B = RNG.standard_normal((4, 5)).astype(numpy.float32)


def _np(t):
    return numpy.array(t.detach().tolist())


def _run(fn, lib):
    x = lib.tensor(A, requires_grad=True)
    w = lib.tensor(B, requires_grad=True)
    out = fn(lib, x, w)
    seed = numpy.arange(out.numel(), dtype=numpy.float32).reshape(tuple(out.shape)) / 3 + 1
    out.backward(lib.tensor(seed))
    return out, x.grad, w.grad


def _error_text(fn, lib):
    with pytest.raises(RuntimeError) as info:
        fn(lib)
    return str(info.value)


def _same_error(fn):
    assert _error_text(fn, ember) == _error_text(fn, torch)


# ---------------------------------------------------------------- gradients through views

def _slice(L, x, w):
    y = x * 1
    y[1:3].mul_(w[1:3])
    return y


def _strided(L, x, w):
    y = x * 2
    y[::2, 1::2].mul_(w[::2, 1::2])
    return y * y


def _transposed(L, x, w):
    y = x * 3
    t = y.t()
    t[1].add_(w[:, 1] * 2)
    return y.exp() * t[2].sum()


def _nested(L, x, w):
    y = x * 1
    v = y[1:]
    vv = v[:, 2:]
    vv.mul_(w[1:, 2:])
    return y.sum(0) * v.sum()


def _setitem_constant(L, x, w):
    y = x * w
    y[:, 0] = 0.0
    return y


def _setitem_tensor(L, x, w):
    y = x * 1
    y[2] = w[0] * 3
    return y


def _base_changed_after_view(L, x, w):
    y = x * 1
    v = y[:, 1]  # made before the base changes: must read the new history
    y.mul_(w)
    return v * 2


def _overlapping_views(L, x, w):
    y = x * 1
    a = y[1:3]
    b = y[2:]
    a.mul_(w[1:3])
    return b * b


def _zero(L, x, w):
    y = x * w
    y.zero_()
    return y + x


def _fill_view(L, x, w):
    y = x * w
    y[1].fill_(2.0)
    return y * x


def _copy_into_view(L, x, w):
    y = x * 1
    y[0].copy_(w[1])
    return y * y


def _write_into_constant_base(L, x, w):
    a = L.zeros(4, 5)
    a[1:3] = x[1:3] * w[1:3]
    return a


def _relu_through_view(L, x, w):
    y = x * w
    y[:2].relu_()
    return y


def _fill_diagonal(L, x, w):
    y = x * w
    y.fill_diagonal_(3.0)
    return y


def _reshape_view(L, x, w):
    y = x * 1
    r = y.reshape(20)
    r[3:7].mul_(w.reshape(20)[3:7])
    return y


def _permuted_view(L, x, w):
    y = (x * 1).reshape(2, 2, 5)
    p = y.permute(2, 0, 1)
    p[1:3, 0].mul_(w[0, :2])
    return y


def _unsqueezed_view(L, x, w):
    y = x * 1
    u = y.unsqueeze(0)
    u[0, 0].add_(w[0])
    return y


def _self_saved_by_the_op(L, x, w):
    y = x * 1
    y.mul_(w)  # Mul needs the old y for w's gradient
    y.div_(w * w + 1)
    return y


def _chain_of_in_place(L, x, w):
    y = x.exp()
    z = y * 1
    z.add_(w).mul_(x).sub_(w * 2)
    return z


def _double_write(L, x, w):
    y = x * 1
    y[0] = w[0]
    y[0].mul_(x[0])
    return y


def _fortran_ordered_base(L, x, w):
    y = x.t() * 2  # NumPy keeps the transposed memory order: the base is not C-contiguous
    y[1:3, ::2].mul_(w.t()[1:3, ::2])
    y.t()[0].add_(w[0])
    return y


def _expanded_view_after_base_change(L, x, w):
    y = x * 1
    e = y[0].expand(3, 5)  # several view elements are one base element
    y.mul_(w)
    return e * e


@pytest.mark.parametrize("fn", [
    _fortran_ordered_base, _expanded_view_after_base_change, _slice, _strided, _transposed, _nested, _setitem_constant, _setitem_tensor,
    _base_changed_after_view, _overlapping_views, _zero, _fill_view, _copy_into_view,
    _write_into_constant_base, _relu_through_view, _fill_diagonal, _reshape_view,
    _permuted_view, _unsqueezed_view, _self_saved_by_the_op, _chain_of_in_place, _double_write,
], ids=lambda f: f.__name__.strip("_"))
def test_gradients_through_in_place_writes_match_torch(fn):
    t_out, t_gx, t_gw = _run(fn, torch)
    e_out, e_gx, e_gw = _run(fn, ember)
    numpy.testing.assert_allclose(_np(e_out), _np(t_out), rtol=1e-5, atol=1e-6)
    for e, t in ((e_gx, t_gx), (e_gw, t_gw)):
        if t is None:
            assert e is None
        else:
            numpy.testing.assert_allclose(_np(e), _np(t), rtol=1e-5, atol=1e-5)


def test_double_backward_through_copy_slices():
    res = {}
    for L in (torch, ember):
        x = L.tensor(A.astype(numpy.float64), requires_grad=True)
        y = x * 1
        y[1:3, ::2].mul_(x[1:3, ::2])
        v = y.t()[1]  # a view made after the write
        (g,) = L.autograd.grad((y * y).sum() + (v ** 3).sum(), x, create_graph=True)
        (gg,) = L.autograd.grad((g * g).sum(), x)
        res[L] = (g, gg)
    for e, t in zip(res[ember], res[torch]):
        numpy.testing.assert_allclose(_np(e), _np(t), rtol=1e-10)


def test_grad_fn_names_after_writes_through_views():
    for L in (torch, ember):
        x = L.tensor(A, requires_grad=True)
        y = x * 1
        v = y[1:]
        y[0].mul_(2)
        assert y.grad_fn.name() == "torch::autograd::CopySlices"
        w = v * 1  # v is used after its base changed: torch regenerates its history
        assert w.grad_fn.next_functions[0][0].name() == "AsStridedBackward0"


# ---------------------------------------------------------------- memory sharing

def test_views_share_memory_and_version_with_the_base():
    for L in (torch, ember):
        x = L.zeros(3, 4)
        v = x[1:, ::2]
        t = x.t()
        v.add_(1)
        assert x.tolist() == [[0, 0, 0, 0], [1, 0, 1, 0], [1, 0, 1, 0]]
        x[0, 0] = 5.0
        assert t[0, 0].item() == 5.0
        assert x._version == v._version == t._version == 2
        d = x.detach()
        d.mul_(2)
        assert x[0, 0].item() == 10.0 and x._version == 3
        assert v.data_ptr() != x.data_ptr() and v.storage_offset() == 4
        dv = x[1:].detach()
        assert dv._base is None and dv.storage_offset() == 4 and dv[1:].storage_offset() == 8


def test_version_counter_counts_like_torch():
    res = {}
    for L in (torch, ember):
        x = L.ones(3)
        versions = [x._version]
        x.add_(1)
        versions.append(x._version)
        x[0] = 3.0
        versions.append(x._version)
        x.mul_(2).sub_(1)
        versions.append(x._version)
        y = x + 1  # out-of-place: no bump
        versions.append(x._version)
        res[L] = (versions, y.tolist())
    assert res[ember] == res[torch]


# ---------------------------------------------------------------- version counter errors

def _exp_output_modified(L):
    x = L.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.add_(1)
    y.sum().backward()


def _mul_input_modified(L):
    x = L.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    z = y * y
    y.add_(1)
    z.sum().backward()


def _base_saved_view_modified(L):
    x = L.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x * 1
    z = y * y  # saves the base
    y[0].mul_(2)
    z.sum().backward()


def _view_saved_base_modified(L):
    x = L.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x * 1
    v = y[1:]
    z = v * v  # saves the view
    y.mul_(2)
    z.sum().backward()


def _leaf_modified_under_no_grad(L):
    x = L.tensor([1.0, 2.0], dtype=L.float64, requires_grad=True)
    z = x * x
    with L.no_grad():
        x.add_(1)
    z.sum().backward()


def _detached_alias_modified(L):
    x = L.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    z = x * x
    d.zero_()
    z.sum().backward()


def _output_modified_through_view(L):
    x = L.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    z = y.exp()
    zz = z.view(2)
    zz.add_(1)
    z.sum().backward()


@pytest.mark.parametrize("fn", [
    _exp_output_modified, _mul_input_modified, _base_saved_view_modified,
    _view_saved_base_modified, _leaf_modified_under_no_grad, _detached_alias_modified,
    _output_modified_through_view,
], ids=lambda f: f.__name__.strip("_"))
def test_version_counter_errors_match_torch(fn):
    _same_error(fn)


def test_error_hint_changes_under_anomaly_mode():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        msgs = []
        for L in (torch, ember):
            with L.autograd.detect_anomaly():
                msgs.append(_error_text(_mul_input_modified, L))
    assert msgs[0] == msgs[1] and msgs[1].endswith("Good luck!")


# ---------------------------------------------------------------- leaf and view rules

def _leaf_in_place(L):
    L.tensor([1.0, 2.0], requires_grad=True).add_(1)


def _leaf_view_in_place(L):
    L.tensor([1.0, 2.0], requires_grad=True)[0].mul_(2)


def _leaf_setitem(L):
    x = L.tensor([1.0, 2.0], requires_grad=True)
    x[0] = 3.0


def _no_grad_view_of_leaf(L):
    x = L.tensor([1.0, 2.0], requires_grad=True)
    with L.no_grad():
        v = x[1:]
    v.mul_(2)


def _expanded_write(L):
    L.zeros(2).expand(3, 2).add_(1)


def _leaf_copy_(L):
    L.zeros(2, requires_grad=True).copy_(L.ones(2))


@pytest.mark.parametrize("fn", [
    _leaf_in_place, _leaf_view_in_place, _leaf_setitem, _no_grad_view_of_leaf,
    _expanded_write, _leaf_copy_,
], ids=lambda f: f.__name__.strip("_"))
def test_forbidden_in_place_errors_match_torch(fn):
    _same_error(fn)


def test_allowed_in_place_cases():
    for L in (torch, ember):
        x = L.tensor([1.0, 2.0], requires_grad=True)
        with L.no_grad():
            v = x[1:]
            v.mul_(2)  # view and write both inside no_grad
        assert x.tolist() == [1.0, 4.0] and x.is_leaf
        d = x.detach()[1:]
        d.add_(1)  # a view of a detached tensor is not a view of the leaf
        assert x.tolist() == [1.0, 5.0]
        a = L.zeros(3)
        a[1:].mul_(x)  # a constant base takes the history of what is written into it
        assert a.requires_grad and not a.is_leaf


def test_no_grad_view_of_a_constant_written_with_grad_arguments():
    # torch refuses this ("A view was created in no_grad mode ..."); ember records it as any
    # write through a view, which gives the gradient torch gives for the same write made
    # outside no_grad
    grads = []
    for L, nograd_view in ((torch, False), (ember, True)):
        a = L.zeros(3)
        w = L.tensor([1.0, 2.0], requires_grad=True)
        if nograd_view:
            with L.no_grad():
                v = a[1:]
        else:
            v = a[1:]
        v.mul_(w).add_(w * w)
        (a * L.tensor([1.0, 2.0, 3.0])).sum().backward()
        grads.append(w.grad.tolist())
    assert grads[0] == grads[1] == [4.0, 12.0]


def _output_saved_by_in_place_op_then_modified(L):
    x = L.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = x * 2
    y.relu_()  # saves its output: y itself
    y.mul_(x)
    y.sum().backward()


def test_in_place_op_that_saves_its_output_sees_later_changes():
    _same_error(_output_saved_by_in_place_op_then_modified)


def test_in_place_on_non_leaf_keeps_correct_history():
    res = {}
    for L in (torch, ember):
        x = L.tensor([1.0, -2.0, 3.0], requires_grad=True)
        y = x * 2
        y.mul_(x)
        y.relu_()
        y.sum().backward()
        res[L] = (y.grad_fn.name(), x.grad.tolist())
    assert res[ember] == res[torch]


def test_copy_casts_and_broadcasts_with_gradient():
    res = {}
    for L in (torch, ember):
        src = L.tensor([1.0, 2.0], dtype=L.float64, requires_grad=True)
        x = L.tensor([[0.5, 0.5], [0.5, 0.5]], requires_grad=True)
        y = x * 1
        y.copy_(src)  # broadcast over rows, float64 -> float32
        (y * y).sum().backward()
        res[L] = (y.dtype, src.grad.dtype, src.grad.tolist(), x.grad.tolist())
    assert str(res[ember][0]) == str(res[torch][0]) and str(res[ember][1]) == str(res[torch][1])
    assert res[ember][2:] == res[torch][2:]


@pytest.mark.parametrize("shapes", [((2,), (3,)), ((2, 3), (2,)), ((3,), (2, 3)),
                                    ((1, 3), (2, 3))], ids=str)
def test_copy_shape_errors_match_torch(shapes):
    dst, src = shapes
    _same_error(lambda L: L.zeros(*dst).copy_(L.ones(*src)))
