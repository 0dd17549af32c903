"""The speed fast paths against torch and against Ember's general paths: the fused linear
(one op for x @ W^T + b), the engine without inputs= (one-pass dependency counting),
Tensor.backward's direct call into the engine, and Linear reading its parameters."""
import numpy
import pytest
import torch

import ember
import ember.nn.functional as F
from ember._backend import numpy_ext

RNG = numpy.random.default_rng(5)


def _arr(*shape, dtype=numpy.float32):
    return RNG.uniform(-2, 2, size=shape).astype(dtype)


def _np(t):
    return None if t is None else numpy.array(t.detach().tolist())


def _linear_both(x, w, b, needs, upstream):
    """Forward and gradients of linear in both libraries; needs says which inputs require grad."""
    res = {}
    for lib in (torch, ember):
        args = [None if a is None else lib.tensor(a, requires_grad=n)
                for a, n in zip((x, w, b), needs)]
        out = lib.nn.functional.linear(*args)
        out.backward(lib.tensor(upstream))
        res[lib] = (out, [None if a is None else a.grad for a in args])
    return res


@pytest.mark.parametrize("xshape", [(3, 4), (1, 4), (2, 3, 4), (2, 1, 3, 4)])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("needs", [(True, True, True), (True, False, False),
                                   (False, True, True), (False, False, True)])
def test_fused_linear_matches_torch(xshape, bias, needs):
    if not bias and not any(needs[:2]):
        needs = (True, False, False)  # something must require grad
    x, w = _arr(*xshape), _arr(5, 4)
    b = _arr(5) if bias else None
    upstream = _arr(*xshape[:-1], 5)
    res = _linear_both(x, w, b, needs, upstream)
    (to, tg), (eo, eg) = res[torch], res[ember]
    assert eo.dtype is ember.float32 and tuple(eo.shape) == tuple(to.shape)
    assert eo.grad_fn.name() == to.grad_fn.name()
    numpy.testing.assert_allclose(_np(eo), _np(to), rtol=1e-5, atol=1e-5)
    for e, t in zip(eg, tg):
        assert (e is None) == (t is None)
        if t is not None:
            assert tuple(e.shape) == tuple(t.shape)
            numpy.testing.assert_allclose(_np(e), _np(t), rtol=1e-5, atol=1e-5)


def test_fused_linear_equals_the_composition():
    # the general path (matmul then add) gives the same numbers, bit for bit in float64
    x, w, b = (ember.tensor(_arr(*s, dtype=numpy.float64), requires_grad=True)
               for s in ((6, 4), (3, 4), (3,)))
    g = ember.tensor(_arr(6, 3, dtype=numpy.float64))
    fused = F.linear(x, w, b)
    assert fused.grad_fn.name() == "AddmmBackward0"
    grads = ember.autograd.grad(fused, (x, w, b), g)
    comp = x.matmul(w.t()) + b
    assert comp.grad_fn.name() != "AddmmBackward0"
    ref = ember.autograd.grad(comp, (x, w, b), g)
    numpy.testing.assert_allclose(_np(fused), _np(comp), rtol=1e-15)
    for a, r in zip(grads, ref):
        numpy.testing.assert_allclose(_np(a), _np(r), rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("xshape", [(3, 4), (2, 3, 4)])
def test_fused_linear_gradcheck_and_double_backward(xshape):
    x = ember.tensor(_arr(*xshape, dtype=numpy.float64), requires_grad=True)
    w = ember.tensor(_arr(5, 4, dtype=numpy.float64), requires_grad=True)
    b = ember.tensor(_arr(5, dtype=numpy.float64), requires_grad=True)
    assert ember.autograd.gradcheck(F.linear, (x, w, b))
    assert ember.autograd.gradgradcheck(F.linear, (x, w, b))
    # a second derivative against torch: d/dw of sum(d(sum(y^2))/dx)
    outs = []
    for lib in (torch, ember):
        xs = [lib.tensor(_np(t).astype(numpy.float64), requires_grad=True) for t in (x, w, b)]
        y = lib.nn.functional.linear(*xs)
        gx, = lib.autograd.grad((y * y).sum(), xs[0], create_graph=True)
        outs.append(lib.autograd.grad(gx.sum(), xs[1])[0])
    numpy.testing.assert_allclose(_np(outs[1]), _np(outs[0]), rtol=1e-12)


def test_linear_cases_outside_the_fused_op_still_match_torch():
    # a vector input, a broadcast (0-d) bias and float64: the general path
    cases = [((4,), (5, 4), (5,)), ((3, 4), (5, 4), ())]
    for xs, ws, bs in cases:
        arrays = [_arr(*s, dtype=numpy.float64) for s in (xs, ws, bs)]
        r = [lib.nn.functional.linear(*[lib.tensor(a) for a in arrays]) for lib in (torch, ember)]
        numpy.testing.assert_allclose(_np(r[1]), _np(r[0]), rtol=1e-12)
    for lib in (torch, ember):  # mixed dtypes keep torch's error
        with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype"):
            lib.nn.functional.linear(lib.ones(3, 4), lib.ones(5, 4, dtype=lib.float64))
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(3x4 "
                                           r"and 3x5\)"):
        F.linear(ember.ones(3, 4), ember.ones(5, 3))


def test_linear_module_reads_parameters_moved_out_of_the_dict():
    # pruning-style: the weight deleted from _parameters and set as a plain attribute
    lin = ember.nn.Linear(4, 3)
    w = lin.weight.detach() * 0 + 1
    del lin.weight
    lin.weight = w
    x = ember.ones(2, 4)
    numpy.testing.assert_allclose(_np(lin(x)), 4 + _np(lin.bias)[None, :].repeat(2, 0),
                                  rtol=1e-6)
    nob = ember.nn.Linear(4, 3, bias=False)
    numpy.testing.assert_allclose(_np(nob(x)), _np(x.matmul(nob.weight.t())), rtol=1e-6)


def _graph(lib, a, b, c):
    """A DAG with shared nodes, a node used twice by one op, and several paths to a leaf."""
    s = a * b
    t = s.exp() + s * c
    u = (t * t).sum(0) + s.sum(0)
    return u, t


def test_engine_dag_and_multiple_roots_match_torch():
    arrays = [_arr(3, 4) for _ in range(3)]
    grads = {}
    for lib in (torch, ember):
        xs = [lib.tensor(a, requires_grad=True) for a in arrays]
        u, t = _graph(lib, *xs)
        # two roots, one reachable from the other
        lib.autograd.backward([u, t], [lib.ones(4), lib.ones(3, 4) * 0.5])
        grads[lib] = [x.grad for x in xs]
    for e, t in zip(grads[ember], grads[torch]):
        numpy.testing.assert_allclose(_np(e), _np(t), rtol=1e-5)


def test_backward_fast_path_retain_graph_and_accumulation():
    a = ember.tensor(_arr(4), requires_grad=True)
    b = ember.tensor(_arr(4), requires_grad=True)
    loss = (a * b).sum()
    loss.backward(retain_graph=True)
    first = a.grad
    numpy.testing.assert_allclose(_np(first), _np(b), rtol=1e-6)
    loss.backward()  # accumulates into the existing .grad, in place as torch
    assert a.grad is first
    numpy.testing.assert_allclose(_np(a.grad), 2 * _np(b), rtol=1e-6)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        loss.backward()
    c = ember.tensor(_arr(4), requires_grad=True)
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad"):
        c.detach().sum().backward()
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar"):
        (c * 2).backward()


def test_stolen_gradient_is_not_shared():
    # a fresh gradient becomes .grad without a copy, but one reaching two leaves is copied
    a = ember.tensor(_arr(3), requires_grad=True)
    b = ember.tensor(_arr(3), requires_grad=True)
    (a + b).sum().backward()
    assert not numpy.shares_memory(a.grad._data, b.grad._data)
    a.grad.add_(1)
    numpy.testing.assert_allclose(_np(b.grad), numpy.ones(3))


# ---- no-graph fast paths of backward (array formulas used when create_graph is off)
@pytest.mark.parametrize("xs,shape", [((), (4,)), ((3, 1), (2, 3, 5)), ((1,), (0,)),
                                      ((2, 3), (2, 3)), ((1, 1), (4, 1)),
                                      ((2, 1, 3), (5, 2, 4, 3))])
def test_broadcast_view_matches_broadcast_to(xs, shape):
    x = numpy.asarray(numpy.random.default_rng(0).random(xs), dtype=numpy.float32)
    got, want = numpy_ext.broadcast_view(x, shape), numpy.broadcast_to(x, shape)
    assert got.shape == want.shape and got.strides == want.strides
    assert numpy.array_equal(got, want) and not got.flags.writeable
    assert numpy.shares_memory(got, x) or x.size == 0 or got.size == 0


def test_broadcast_view_non_contiguous_and_bad_shape():
    x = numpy.arange(6.0).reshape(2, 3)[:, :1]
    assert numpy.array_equal(numpy_ext.broadcast_view(x, (2, 4)), numpy.broadcast_to(x, (2, 4)))
    with pytest.raises(ValueError):
        numpy_ext.broadcast_view(numpy.ones(3), (4,))


def _grads(lib, fn, arrays, create_graph=False):
    ts = [lib.tensor(a, requires_grad=True) for a in arrays]
    out = fn(lib, *ts)
    gs = lib.autograd.grad(out, ts, create_graph=create_graph)
    return out, ts, gs


@pytest.mark.parametrize("dim,keepdim", [(None, False), (0, False), ((0, 1), False),
                                         (1, False), (2, True), (0, True)])
def test_sum_backward_matches_torch(dim, keepdim):
    x = numpy.random.default_rng(1).standard_normal((3, 4, 5)).astype(numpy.float32)
    w = numpy.random.default_rng(2).standard_normal((3, 4, 5)).astype(numpy.float32)

    def f(lib, t):
        s = t.sum() if dim is None else t.sum(dim, keepdim=keepdim)
        return (s * s).sum()
    for create in (False, True):
        _, _, (ge,) = _grads(ember, f, [x], create)
        _, _, (gt,) = _grads(torch, f, [x], create)
        numpy.testing.assert_allclose(ge.detach().numpy(), gt.detach().numpy(), rtol=1e-5)
    # second derivative through the differentiable path
    def g(lib, t):
        return (t.sum(0) ** 3).sum()
    _, te, (ge,) = _grads(ember, g, [w], True)
    _, tt, (gt,) = _grads(torch, g, [w], True)
    (ge * ge).sum().backward()
    (gt * gt).sum().backward()
    numpy.testing.assert_allclose(te[0].grad.numpy(), tt[0].grad.numpy(), rtol=1e-4)


@pytest.mark.parametrize("shape", [(6, 5), (4, 5, 3), (5,)])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_matches_torch(shape, reduction, weighted):
    rng = numpy.random.default_rng(3)
    x = rng.standard_normal(shape).astype(numpy.float32)
    tshape = (shape[0],) + shape[2:] if len(shape) >= 2 else ()
    t = rng.integers(0, 5, tshape)
    if t.ndim:
        t.flat[1] = -100
    w = rng.random(5).astype(numpy.float32) if weighted else None
    res = []
    for lib in (ember, torch):
        xx = lib.tensor(x, requires_grad=True)
        loss = lib.nn.functional.cross_entropy(xx, lib.tensor(t), reduction=reduction,
                                               weight=None if w is None else lib.tensor(w))
        loss.sum().backward()
        res.append((loss.detach().numpy(), xx.grad.numpy()))
    numpy.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-5, atol=1e-6)


def test_cross_entropy_double_backward_matches_torch():
    rng = numpy.random.default_rng(4)
    x = rng.standard_normal((6, 5))
    t = rng.integers(0, 5, (6,))
    res = []
    for lib in (ember, torch):
        xx = lib.tensor(x, requires_grad=True)
        (g,) = lib.autograd.grad(lib.nn.functional.cross_entropy(xx, lib.tensor(t)), xx,
                                 create_graph=True)
        (g * g).sum().backward()
        res.append((g.detach().numpy(), xx.grad.numpy()))
    numpy.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-10)
    numpy.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-8, atol=1e-12)


def test_nll_target_out_of_bounds():
    with pytest.raises(IndexError, match="Target 4 is out of bounds"):
        ember.nn.functional.cross_entropy(ember.randn(3, 4), ember.tensor([0, 4, 1]))
    with pytest.raises(IndexError, match="Target -2 is out of bounds"):
        ember.nn.functional.nll_loss(ember.randn(3, 4), ember.tensor([0, -2, 1]))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_broadcast_grads_summed_like_torch(dtype):
    rng = numpy.random.default_rng(5)
    a = rng.standard_normal((2, 3, 4)).astype(dtype)
    b = rng.standard_normal((3, 1)).astype(dtype)
    c = rng.standard_normal((4,)).astype(dtype)

    def f(lib, x, y, z):
        return ((x + y) * z).sum()
    for create in (False, True):
        _, _, ge = _grads(ember, f, [a, b, c], create)
        _, _, gt = _grads(torch, f, [a, b, c], create)
        for e, t in zip(ge, gt):
            assert e.shape == tuple(t.shape) and str(e.dtype) == str(t.dtype)
            numpy.testing.assert_allclose(e.detach().numpy().astype("float64"),
                                          t.detach().numpy().astype("float64"),
                                          rtol=1e-2 if dtype == "float16" else 1e-5)


# ---- session 9: the no-graph binary operators, the direct Linear call, the full sum, the
# lean engine loop

_BIN = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b}


@pytest.mark.parametrize("op", sorted(_BIN))
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32", "bool"])
@pytest.mark.parametrize("shapes", [((2, 3), (2, 3)), ((2, 3), (3,)), ((), ()), ((4, 1), (1, 5))])
def test_plain_binary_operators_match_torch(op, dtype, shapes):
    x = RNG.uniform(-3, 3, size=shapes[0]).astype(dtype)
    y = RNG.uniform(-3, 3, size=shapes[1]).astype(dtype)
    f = _BIN[op]
    if op == "sub" and dtype == "bool":  # the fast path must leave torch's refusal in place
        for lib in (torch, ember):
            with pytest.raises(RuntimeError, match="Subtraction, the `-` operator, with two bool"):
                f(lib.tensor(x), lib.tensor(y))
        return
    t = f(torch.tensor(x), torch.tensor(y))
    e = f(ember.tensor(x), ember.tensor(y))
    assert type(e._data) is numpy.ndarray  # a 0-d result is an array, not a NumPy scalar
    assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
    assert e.grad_fn is None and not e.requires_grad and e._vc == [0]
    numpy.testing.assert_array_equal(e.numpy(), t.numpy())


def test_plain_binary_operators_against_the_general_path():
    x, y = _arr(3, 4), _arr(3, 4)
    from ember.ops.elementwise import Add, Mul
    for fast, op in ((lambda a, b: a + b, Add), (lambda a, b: a * b, Mul)):
        a, b = ember.tensor(x), ember.tensor(y)
        numpy.testing.assert_array_equal(fast(a, b).numpy(), op.apply(a, b).numpy())
    a, b = ember.tensor(x), ember.tensor(y)
    numpy.testing.assert_array_equal((a - b).numpy(), ember.sub(a, b).numpy())


def test_plain_binary_operators_keep_errors_grad_and_modes():
    a, b = ember.ones(2, 3), ember.ones(4)
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of "
                                           r"tensor b \(4\) at non-singleton dimension 1"):
        a + b
    with pytest.raises(RuntimeError, match="must match the size"):
        a * b
    # one operand needing grad records the graph; under no_grad it does not
    w = ember.ones(3, requires_grad=True)
    x = ember.full((3,), 2.0)
    y = x * w
    assert y.requires_grad and y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    numpy.testing.assert_array_equal(w.grad.numpy(), [2.0, 2.0, 2.0])
    with ember.no_grad():
        z = x * w + w - x
    assert not z.requires_grad and z.grad_fn is None
    numpy.testing.assert_array_equal(z.numpy(), [1.0, 1.0, 1.0])
    with ember.inference_mode():
        assert (x + w).grad_fn is None
    # mixed dtypes still promote as torch (the general path)
    r = ember.ones(2, dtype=ember.int64) + ember.ones(2, dtype=ember.float32)
    assert r.dtype is ember.float32


def test_plain_binary_operators_leave_anomaly_mode_its_nan_check():
    a = ember.tensor([float("inf")])
    with ember.autograd.set_detect_anomaly(True), numpy.errstate(invalid="ignore"), \
            pytest.raises(RuntimeError, match="returned nan values"):
        a - a  # inf - inf makes a nan: anomaly mode must still see the op


def test_linear_module_direct_call_matches_functional():
    lin = ember.nn.Linear(4, 3)
    for shape in ((5, 4), (1, 4), (2, 5, 4), (4,)):
        x = ember.tensor(_arr(*shape))
        out = lin(x)
        ref = F.linear(x, lin.weight, lin.bias)
        assert out.grad_fn.name() == ref.grad_fn.name()
        numpy.testing.assert_array_equal(out.detach().numpy(), ref.detach().numpy())
        tl = torch.nn.Linear(4, 3)
        with torch.no_grad():
            tl.weight.copy_(torch.tensor(lin.weight.detach().numpy()))
            tl.bias.copy_(torch.tensor(lin.bias.detach().numpy()))
        numpy.testing.assert_allclose(out.detach().numpy(),
                                      tl(torch.tensor(x.numpy())).detach().numpy(),
                                      rtol=1e-5, atol=1e-6)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied "
                                           r"\(5x3 and 4x3\)"):
        lin(ember.ones(5, 3))
    # a dtype mismatch goes to F.linear's general path, which refuses it as torch does
    with pytest.raises(RuntimeError):
        torch.nn.Linear(4, 3)(torch.ones(2, 4, dtype=torch.float64))
    with pytest.raises(RuntimeError):
        lin(ember.ones(2, 4, dtype=ember.float64))


def test_linear_module_direct_call_gradients():
    lin = ember.nn.Linear(4, 3)
    x = ember.tensor(_arr(6, 4), requires_grad=True)
    g = _arr(6, 3)
    lin(x).backward(ember.tensor(g))
    w = lin.weight.detach().numpy()
    numpy.testing.assert_allclose(x.grad.numpy(), g @ w, rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(lin.weight.grad.numpy(), g.T @ x.detach().numpy(),
                                  rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(lin.bias.grad.numpy(), g.sum(0), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "complex64", "int32", "bool"])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3, 4)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_full_sum_matches_torch(dtype, shape, keepdim):
    x = RNG.uniform(-2, 2, size=shape).astype(dtype)
    t = torch.tensor(x).sum() if not keepdim else torch.sum(torch.tensor(x), dim=None,
                                                            keepdim=True)
    e = ember.tensor(x).sum() if not keepdim else ember.sum(ember.tensor(x), dim=None,
                                                            keepdim=True)
    assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
    numpy.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-2 if dtype == "float16" else 1e-6)


def test_complex_root_needs_an_explicit_gradient():
    for lib in (torch, ember):
        x = lib.tensor([1 + 1j], dtype=lib.complex64, requires_grad=True)
        with pytest.raises(RuntimeError, match="grad can be implicitly created only for real "
                                               "scalar outputs"):
            (x * x).sum().backward()


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_scalar_root_backward_seed(dtype):
    # the 0-d seed gradient made with array(1): its dtype and value as torch's ones
    for lib in (torch, ember):
        x = lib.tensor(RNG.uniform(-1, 1, size=(3,)).astype(dtype), requires_grad=True)
        (x * x).sum().backward()
        assert str(x.grad.dtype) == str(getattr(lib, dtype))
    x = ember.tensor(numpy.array(2.0, dtype=dtype), requires_grad=True)
    x.backward()  # a leaf root: the seed itself becomes .grad
    assert x.grad.shape == () and x.grad.dtype is getattr(ember, dtype)
    numpy.testing.assert_array_equal(x.grad.numpy(), numpy.ones((), dtype))
    x.backward()  # accumulated in place; the first seed must not be a shared constant
    numpy.testing.assert_array_equal(x.grad.numpy(), numpy.full((), 2, dtype))


def test_lean_engine_loop_keeps_hooks_retain_graph_and_accumulation():
    a = ember.ones(4, requires_grad=True)
    b = ember.full((4,), 3.0, requires_grad=True)
    for _ in range(3):
        (a * b).sum().backward()  # accumulates into .grad in place
    numpy.testing.assert_array_equal(a.grad.numpy(), [9.0] * 4)
    numpy.testing.assert_array_equal(b.grad.numpy(), [3.0] * 4)
    loss = (a * b).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        loss.backward()
    seen = []
    p = a * b
    p.grad_fn.register_hook(lambda gi, go: seen.append("post"))
    p.grad_fn.register_prehook(lambda go: seen.append("pre"))
    p.register_hook(lambda g: seen.append("tensor"))
    a.register_post_accumulate_grad_hook(lambda t: seen.append("acc"))
    p.sum().backward()
    assert seen == ["tensor", "pre", "post", "acc"]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("ignore_index", [-100, 2])
def test_cross_entropy_class_index_fast_path(reduction, ignore_index):
    """(N, C) logits and (N,) int64 targets skip the general path: values and gradients
    against torch and against the general path (reached through a 3-D input)."""
    x = _arr(6, 5)
    y = numpy.array([0, 2, 4, 2, 1, 3], dtype=numpy.int64)
    g = _arr(6) if reduction == "none" else numpy.float32(1.5)
    outs = {}
    for lib in (torch, ember):
        xt = lib.tensor(x, requires_grad=True)
        out = lib.nn.functional.cross_entropy(xt, lib.tensor(y), reduction=reduction,
                                              ignore_index=ignore_index)
        out.backward(lib.tensor(g))
        outs[lib] = (_np(out), _np(xt.grad))
    # the general path: the same problem with a trailing length-1 dimension
    xe = ember.tensor(x[:, :, None], requires_grad=True)
    gen = F.cross_entropy(xe, ember.tensor(y[:, None]), reduction=reduction,
                          ignore_index=ignore_index)
    gen.backward(ember.tensor(g if reduction != "none" else g[:, None]))
    for a, b in zip(outs[ember], outs[torch]):
        numpy.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(_np(gen).reshape(outs[ember][0].shape), outs[ember][0],
                                  rtol=1e-6, atol=1e-7)
    numpy.testing.assert_allclose(_np(xe.grad)[:, :, 0], outs[ember][1], rtol=1e-6, atol=1e-7)


def test_cross_entropy_fast_path_errors():
    x = ember.tensor(_arr(3, 4))
    for bad in ([0, 4, 1], [0, -1, 1]):
        with pytest.raises(IndexError, match=f"Target {bad[1]} is out of bounds"):
            F.cross_entropy(x, ember.tensor(bad))
    # an ignored target is never out of bounds
    ok = F.cross_entropy(x, ember.tensor([0, -100, 1]))
    ref = torch.nn.functional.cross_entropy(torch.tensor(x.tolist()), torch.tensor([0, -100, 1]))
    numpy.testing.assert_allclose(ok.item(), ref.item(), rtol=1e-5)
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        F.cross_entropy(x, ember.tensor([0, 1, 2]), reduction="avg")
    with pytest.raises(ValueError, match=r"Expected input batch_size \(3\) to match target "
                                         r"batch_size \(2\)"):
        F.cross_entropy(x, ember.tensor([0, 1]))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long"):
        F.cross_entropy(x, ember.tensor([0, 1, 2], dtype=ember.int32))
