"""ember.autocast against torch.autocast on the CPU (bfloat16 and float16): output dtypes,
values within the low type's rounding, gradients on float32 leaves, and the region's state."""
import subprocess
import sys
import threading
import warnings

import numpy
import pytest
import torch
import torch.nn.functional as TF

import ember
import ember.nn.functional as EF
from ember.amp import autocast_mode

pytest.importorskip("ml_dtypes")

DTYPES = ["bfloat16", "float16"]
# one rounding of the low type, relative (bf16 keeps 8 significant bits, fp16 11)
TOL = {"bfloat16": 2 ** -7, "float16": 2 ** -10}


def _np(t):
    return t.detach().float().numpy() if isinstance(t, torch.Tensor) else \
        numpy.asarray(t.detach().float().numpy())


def _pair(*shapes, seed=0, low=None):
    g = numpy.random.default_rng(seed)
    arrays = [g.standard_normal(s).astype(numpy.float32) for s in shapes]
    ts = [torch.tensor(a) for a in arrays]
    es = [ember.tensor(a) for a in arrays]
    if low is not None:
        ts = [t.to(getattr(torch, low)) for t in ts]
        es = [e.to(getattr(ember, low)) for e in es]
    return ts, es


TARGET = numpy.array([0, 2, 1, 3])

# name, function of (module namespace, functional namespace, *tensors), input shapes
CASES = [
    ("linear", lambda m, F, x, w, b: F.linear(x, w, b), [(4, 5), (3, 5), (3,)]),
    ("linear_nobias", lambda m, F, x, w: F.linear(x, w), [(2, 4, 5), (3, 5)]),
    ("matmul", lambda m, F, a, b: a @ b, [(4, 5), (5, 3)]),
    ("mm", lambda m, F, a, b: m.mm(a, b), [(4, 5), (5, 3)]),
    ("bmm", lambda m, F, a, b: m.bmm(a, b), [(2, 4, 5), (2, 5, 3)]),
    ("einsum", lambda m, F, a, b: m.einsum("ij,jk->ik", a, b), [(4, 5), (5, 3)]),
    ("conv2d", lambda m, F, x, w: F.conv2d(x, w, padding=1), [(2, 3, 5, 5), (4, 3, 3, 3)]),
    ("conv_transpose2d", lambda m, F, x, w: F.conv_transpose2d(x, w, stride=2),
     [(1, 3, 4, 4), (3, 2, 3, 3)]),
    ("softmax", lambda m, F, x: F.softmax(x, dim=1), [(4, 5)]),
    ("log_softmax", lambda m, F, x: F.log_softmax(x, dim=1), [(4, 5)]),
    ("cross_entropy", lambda m, F, x: F.cross_entropy(x, m.tensor(TARGET)), [(4, 5)]),
    ("nll_loss", lambda m, F, x: F.nll_loss(x, m.tensor(TARGET)), [(4, 5)]),
    ("layer_norm", lambda m, F, x, w, b: F.layer_norm(x, (5,), w, b), [(4, 5), (5,), (5,)]),
    ("sum", lambda m, F, x: x.sum(), [(4, 5)]),
    ("prod", lambda m, F, x: (x * 0.5 + 1).prod(1), [(4, 5)]),
    ("exp", lambda m, F, x: x.exp(), [(4, 5)]),
    ("relu", lambda m, F, x: F.relu(x), [(4, 5)]),
]


def _run(case, dtype, low_inputs):
    name, fn, shapes = case
    ts, es = _pair(*shapes, low=dtype if low_inputs else None)
    if name == "nll_loss":  # log-probabilities in
        ts, es = [TF.log_softmax(ts[0], 1)], [EF.log_softmax(es[0], 1)]
    with torch.autocast("cpu", dtype=getattr(torch, dtype)):
        t = fn(torch, TF, *ts)
    with ember.autocast("cpu", dtype=getattr(ember, dtype)):
        e = fn(ember, EF, *es)
    return t, e


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_float32_inputs_dtype_and_values(case, dtype):
    t, e = _run(case, dtype, low_inputs=False)
    assert str(e.dtype) == str(t.dtype)
    assert e.shape == tuple(t.shape)
    # torch rounds the inputs of a low-precision op once and its result once: the same
    # here, so the values agree within a couple of roundings of the low type
    numpy.testing.assert_allclose(_np(e), _np(t), rtol=4 * TOL[dtype], atol=4 * TOL[dtype])


@pytest.mark.parametrize("case", [c for c in CASES if c[0] in (
    "linear", "matmul", "conv2d", "softmax", "sum", "prod", "cross_entropy", "nll_loss",
    "layer_norm", "exp")], ids=lambda c: c[0])
def test_bfloat16_inputs_follow_the_cpu_lists(case):
    """With bfloat16 inputs the CPU's float32 list (losses, prod) gives float32 while softmax,
    sum, layer_norm and exp (on CUDA's list, not the CPU's) stay bfloat16, as torch."""
    t, e = _run(case, "bfloat16", low_inputs=True)
    assert str(e.dtype) == str(t.dtype)
    numpy.testing.assert_allclose(_np(e), _np(t), rtol=0.05, atol=0.05)


# Entry points that check dtypes, or add a bias, before their Op: autocast (at Op.apply)
# comes too late for them. torch casts at the entry. Fixed by calling
# ember.amp.autocast_mode.autocast_args at those entries (see the helpers' report).
COMPOSED = [
    ("addmm", lambda m, F, c, a, b: m.addmm(c, a, b), [(4, 3), (4, 5), (5, 3)]),
    ("conv2d_bias", lambda m, F, x, w, b: F.conv2d(x, w, b), [(2, 3, 5, 5), (4, 3, 3, 3), (4,)]),
    ("linear_after_low", lambda m, F, x, w, b: F.linear(F.linear(x, w, b), w[:, :3], b),
     [(4, 5), (3, 5), (3,)]),
    ("conv_after_low", lambda m, F, x, w: F.conv2d(F.conv2d(x, w), w.transpose(0, 1)),
     [(1, 3, 7, 7), (4, 3, 1, 1)]),
    ("conv_transpose_bias", lambda m, F, x, w, b: F.conv_transpose2d(x, w, b),
     [(2, 3, 5, 5), (3, 4, 3, 3), (4,)]),
    ("baddbmm", lambda m, F, c, a, b: m.baddbmm(c, a, b), [(2, 4, 3), (2, 4, 5), (2, 5, 3)]),
    ("addbmm", lambda m, F, c, a, b: m.addbmm(c, a, b), [(4, 3), (2, 4, 5), (2, 5, 3)]),
    ("bmm_after_low", lambda m, F, a, b: m.bmm(m.bmm(a, b), b.transpose(1, 2)),
     [(2, 4, 5), (2, 5, 5)]),
    ("sdpa", lambda m, F, q, k, v: F.scaled_dot_product_attention(q, k, v),
     [(2, 4, 8), (2, 4, 8), (2, 4, 8)]),
    ("prelu", lambda m, F, x: F.prelu(x, m.tensor([0.25])), [(4, 5)]),
    # losses composed of elementwise ops: on torch's float32 lists, cast at their entry
    ("mse_loss_low", lambda m, F, a, b: F.mse_loss(a.bfloat16(), b.bfloat16()), [(4, 5), (4, 5)]),
    ("l1_loss_low", lambda m, F, a, b: F.l1_loss(a.bfloat16(), b.bfloat16()), [(4, 5), (4, 5)]),
    ("bce_logits_low", lambda m, F, a, b: F.binary_cross_entropy_with_logits(
        a.bfloat16(), b.sigmoid().bfloat16()), [(4, 5), (4, 5)]),
    ("cross_entropy_low", lambda m, F, a: F.cross_entropy(
        a.bfloat16(), m.tensor([0, 1, 2, 3])), [(4, 5)]),
    ("huber_low", lambda m, F, a, b: F.huber_loss(a.bfloat16(), b.bfloat16()), [(4, 5), (4, 5)]),
    ("gaussian_nll_low", lambda m, F, a, b: F.gaussian_nll_loss(
        a.bfloat16(), b.bfloat16(), b.abs().bfloat16() + 1), [(4, 5), (4, 5)]),
]


@pytest.mark.parametrize("case", COMPOSED, ids=[c[0] for c in COMPOSED])
def test_composed_entry_points(case):
    """Entry points that check dtypes or add a bias before their Op cast at the entry, as
    torch's autocast does (ember.autograd.function.autocast_args)."""
    t, e = _run(case, "bfloat16", low_inputs=False)
    assert str(e.dtype) == str(t.dtype)
    numpy.testing.assert_allclose(_np(e), _np(t), rtol=0.05, atol=0.05)


def test_mv_keeps_float32_on_cpu():
    """torch's CPU list has matmul but not mv."""
    t, e = _run(("mv", lambda m, F, a, v: m.mv(a, v), [(4, 5), (5,)]), "bfloat16",
                low_inputs=False)
    assert str(e.dtype) == str(t.dtype)


def test_autocast_args_casts_at_an_entry_point():
    """What those entry points need: the args as the Op will see them."""
    from ember.amp.autocast_mode import autocast_args
    from ember.nn.functional import _Linear
    (tx, tw, tb), (ex, ew, eb) = _pair((4, 3), (2, 3), (2,))
    tx, ex = tx.bfloat16(), ex.bfloat16()   # the output of an earlier low-precision layer
    assert autocast_args(_Linear, ex, ew, eb) == (ex, ew, eb)   # autocast off: unchanged
    with torch.autocast("cpu"):
        t = TF.linear(tx, tw, tb)
    with ember.autocast("cpu"):
        args = autocast_args(_Linear, ex, ew, eb)
        assert [a.dtype for a in args] == [ember.bfloat16] * 3
        e = EF.linear(*args)
    assert str(e.dtype) == str(t.dtype)
    numpy.testing.assert_allclose(_np(e), _np(t), rtol=4 * TOL["bfloat16"], atol=1e-2)


def test_lower_precision_values_are_rounded_inputs_then_rounded_result():
    """On the CPU a low-precision op is exactly: inputs rounded, float32 math, result rounded."""
    _, (ea, eb) = _pair((6, 7), (7, 5), seed=3)
    with ember.autocast("cpu"):
        out = ea @ eb
    ra = ea.to(ember.bfloat16).float()
    rb = eb.to(ember.bfloat16).float()
    expected = (ra @ rb).to(ember.bfloat16)
    assert out.dtype is ember.bfloat16
    numpy.testing.assert_array_equal(_np(out), _np(expected))


def test_mixed_inputs_promote():
    (ta, tb), (ea, eb) = _pair((3, 4), (3, 4))
    with torch.autocast("cpu"):
        t_sum = ta.bfloat16() + tb
        t_cat = torch.cat([ta.bfloat16(), tb])
    with ember.autocast("cpu"):
        e_sum = ea.bfloat16() + eb
        e_cat = ember.cat([ea.bfloat16(), eb])
    assert str(e_sum.dtype) == str(t_sum.dtype) == "torch.float32"
    assert str(e_cat.dtype) == str(t_cat.dtype)
    numpy.testing.assert_allclose(_np(e_sum), _np(t_sum), rtol=1e-6)
    numpy.testing.assert_allclose(_np(e_cat), _np(t_cat), rtol=1e-6)


def test_float64_is_not_eligible():
    a = ember.randn(3, 3, dtype=ember.float64)
    with ember.autocast("cpu"):
        assert (a @ a).dtype is ember.float64
        assert EF.linear(a, a).dtype is ember.float64


def test_explicit_dtype_argument_is_kept():
    (ta,), (ea,) = _pair((3, 4))
    with torch.autocast("cpu"):
        t = ta.bfloat16().sum(dtype=torch.float64)
    with ember.autocast("cpu"):
        e = ea.bfloat16().sum(dtype=ember.float64)
    assert str(e.dtype) == str(t.dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gradients_reach_float32_leaves_as_float32(dtype):
    (tx, tw, tb), _ = _pair((4, 5), (3, 5), (3,), seed=1)
    _, (ex, ew, eb) = _pair((4, 5), (3, 5), (3,), seed=1)
    for t in (tx, tw, tb, ex, ew, eb):
        t.requires_grad_()
    target = numpy.array([0, 2, 1, 1])
    with torch.autocast("cpu", dtype=getattr(torch, dtype)):
        ty = TF.linear(tx, tw, tb)
        tl = TF.cross_entropy(ty, torch.tensor(target)) + ty.float().pow(2).mean()
    with ember.autocast("cpu", dtype=getattr(ember, dtype)):
        ey = EF.linear(ex, ew, eb)
        el = EF.cross_entropy(ey, ember.tensor(target)) + ey.float().pow(2).mean()
    assert str(ey.dtype) == str(ty.dtype)
    assert el.dtype is ember.float32
    tl.backward()
    el.backward()
    for t, e in ((tx, ex), (tw, ew), (tb, eb)):
        assert e.grad.dtype is ember.float32
        numpy.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=0.02, atol=0.02)


def test_backward_of_a_low_op_runs_in_the_low_dtype():
    """grad_input of a bfloat16 matmul is rounded to bfloat16 before it reaches the float32
    leaf (torch's ToCopyBackward casts the bfloat16 gradient)."""
    a = ember.randn(4, 6, requires_grad=True)
    b = ember.randn(6, 3)
    with ember.autocast("cpu"):
        y = a @ b
    g = ember.randn(4, 3)
    y.backward(g.bfloat16())
    rb = b.to(ember.bfloat16).float()
    expected = (g.bfloat16().float() @ rb.t()).bfloat16().float()
    numpy.testing.assert_allclose(a.grad.numpy(), expected.numpy(), rtol=2 ** -7, atol=1e-6)
    assert a.grad.dtype is ember.float32


def test_nesting_and_disabled_inside():
    a = ember.randn(3, 3)
    assert not ember.is_autocast_enabled("cpu")
    with ember.autocast("cpu"):
        assert ember.is_autocast_enabled("cpu")
        with ember.autocast("cpu", enabled=False):
            assert not ember.is_autocast_enabled("cpu")
            assert (a @ a).dtype is ember.float32
        with ember.autocast("cpu", dtype=ember.float16):
            assert ember.get_autocast_dtype("cpu") is ember.float16
            assert (a @ a).dtype is ember.float16
        assert ember.get_autocast_dtype("cpu") is ember.bfloat16
        assert (a @ a).dtype is ember.bfloat16
    assert not ember.is_autocast_enabled("cpu")
    assert (a @ a).dtype is ember.float32
    # with no autocast region left the hook is off: Op.apply's path is the plain one
    from ember.autograd.function import hooks
    assert hooks.autocast is None


def test_decorator_form():
    @ember.autocast("cpu")
    def f(a):
        assert ember.is_autocast_enabled("cpu")
        return a @ a

    a = ember.randn(2, 2)
    assert f(a).dtype is ember.bfloat16
    assert not ember.is_autocast_enabled("cpu")
    with pytest.raises(TypeError, match="requires a callable"):
        ember.autocast("cpu")(3)


def test_state_restored_after_exception():
    with pytest.raises(ValueError, match="boom"):
        with ember.autocast("cpu", dtype=ember.float16):
            raise ValueError("boom")
    assert not ember.is_autocast_enabled("cpu")
    assert ember.get_autocast_dtype("cpu") is ember.bfloat16
    assert autocast_mode._state.nesting == 0
    assert autocast_mode._state.cache == {}
    assert (ember.ones(2, 2) @ ember.ones(2, 2)).dtype is ember.float32


def test_state_is_thread_local():
    seen = []
    with ember.autocast("cpu"):
        t = threading.Thread(target=lambda: seen.append(
            (ember.is_autocast_enabled("cpu"), (ember.ones(2, 2) @ ember.ones(2, 2)).dtype)))
        t.start()
        t.join()
    assert seen == [(False, ember.float32)]


def test_state_functions_match_torch():
    assert str(ember.get_autocast_dtype("cpu")) == str(torch.get_autocast_dtype("cpu"))
    assert str(ember.get_autocast_dtype("cuda")) == str(torch.get_autocast_dtype("cuda"))
    with ember.autocast("cpu"):
        # without an argument torch answers for CUDA
        assert ember.is_autocast_enabled() is False
    ember.set_autocast_enabled("cpu", True)
    try:
        assert ember.is_autocast_enabled("cpu")
        assert (ember.ones(2, 2) @ ember.ones(2, 2)).dtype is ember.bfloat16
    finally:
        ember.set_autocast_enabled("cpu", False)
    assert (ember.ones(2, 2) @ ember.ones(2, 2)).dtype is ember.float32
    assert ember.amp.autocast is ember.autocast


def test_weight_cast_once_per_region():
    w = ember.randn(4, 4, requires_grad=True)
    x = ember.randn(2, 4)
    with ember.autocast("cpu"):
        y1 = EF.linear(x, w)
        n = len(autocast_mode._state.cache)
        y2 = EF.linear(x, w)
        assert len(autocast_mode._state.cache) == n == 1
        (y1.float().sum() + y2.float().sum()).backward()
    assert autocast_mode._state.cache == {}
    expected = 2 * x.bfloat16().float().sum(0, keepdim=True).expand(4, 4)
    numpy.testing.assert_allclose(w.grad.numpy(), expected.numpy(), rtol=0.02)


def test_bad_arguments():
    with pytest.raises(RuntimeError, match="unsupported autocast device_type 'tpu'"):
        ember.autocast("tpu")
    with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
        ember.autocast(ember.device("cpu"))
    with pytest.warns(UserWarning, match="CPU Autocast only supports dtypes of torch.bfloat16"):
        ctx = ember.autocast("cpu", dtype=ember.float64)
    with ctx:
        assert not ember.is_autocast_enabled("cpu")


def test_cuda_autocast_without_a_gpu_warns_and_disables():
    if ember.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.warns(UserWarning, match="CUDA is not available or torch_xla is imported. "
                                         "Disabling autocast."):
        ctx = ember.autocast("cuda")
    with ctx:
        assert not ember.is_autocast_enabled("cuda")


def test_cuda_amp_spellings_warn_as_torch():
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        ctx = ember.cuda.amp.autocast()
    msgs = [str(w.message) for w in rec if w.category is FutureWarning]
    assert msgs == ["`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                    "`torch.amp.autocast('cuda', args...)` instead."]
    assert ctx.device == "cuda" and ctx.fast_dtype is ember.float16
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        s = ember.cuda.amp.GradScaler(init_scale=8.0)
    msgs = [str(w.message) for w in rec if w.category is FutureWarning]
    assert msgs == ["`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                    "`torch.amp.GradScaler('cuda', args...)` instead."]
    assert s._device == "cuda"
    assert s.is_enabled() == ember.cuda.is_available()


def test_custom_fwd_casts_inputs():
    class Double(ember.autograd.Function):
        @staticmethod
        @ember.amp.custom_fwd(device_type="cpu", cast_inputs=ember.float32)
        def forward(ctx, x):
            ctx.dt = x.dtype
            return x @ x

        @staticmethod
        @ember.amp.custom_bwd(device_type="cpu")
        def backward(ctx, g):
            return g

    x = ember.randn(3, 3).bfloat16()
    with ember.autocast("cpu"):
        out = Double.apply(x)
    # inputs cast to float32 and autocast off inside: the matmul ran in float32
    assert out.dtype is ember.float32


def test_import_stays_lazy():
    code = ("import sys, ember; assert 'ember.amp' not in sys.modules; "
            "assert 'ml_dtypes' not in sys.modules; "
            "from ember.autograd.function import hooks; assert hooks.autocast is None; "
            "ember.autocast; assert 'ember.amp' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_bfloat16_without_ml_dtypes_is_a_clear_error():
    code = ("import sys; sys.modules['ml_dtypes'] = None\n"
            "import ember\n"
            "try:\n"
            "    ember.autocast('cpu').__enter__()\n"
            "except Exception as e:\n"
            "    print(type(e).__name__, e)\n")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    assert "ml_dtypes" in out and "ember[bfloat16]" in out


# ---------------------------------------------------------------- CUDA (needs a GPU)

@pytest.mark.gpu
def test_cuda_bfloat16_is_refused():
    with pytest.raises(RuntimeError, match="does not support bfloat16"):
        ember.autocast("cuda", dtype=ember.bfloat16)


@pytest.mark.gpu
def test_cuda_float16_policy():
    x = ember.randn(4, 5, device="cuda", requires_grad=True)
    w = ember.randn(3, 5, device="cuda", requires_grad=True)
    with ember.autocast("cuda"):
        y = EF.linear(x, w)
        s = EF.softmax(y, 1)
        lsum = y.sum()
        conv = EF.conv2d(ember.randn(1, 2, 5, 5, device="cuda"),
                         ember.randn(3, 2, 3, 3, device="cuda"))
    assert y.dtype is ember.float16 and y.device.type == "cuda"
    assert conv.dtype is ember.float16
    assert s.dtype is ember.float32          # softmax and sum are on CUDA's float32 list
    assert lsum.dtype is ember.float32
    (s.sum() + lsum).backward()
    assert x.grad.dtype is ember.float32 and w.grad.dtype is ember.float32
    ref = EF.linear(x.detach().half().float(), w.detach().half().float())
    numpy.testing.assert_allclose(y.detach().float().cpu().numpy(), ref.cpu().numpy(), rtol=2e-3,
                                  atol=2e-3)


def test_backward_inside_the_region_gives_the_same_gradients():
    """The engine's ops are not autocast (torch's usual pattern runs backward after the
    region; inside it the recorded ops already carry their dtypes)."""
    grads = []
    for inside in (False, True):
        ember.manual_seed(5)
        w = ember.randn(4, 3, requires_grad=True)
        x = ember.randn(2, 4)
        with ember.autocast("cpu"):
            loss = EF.log_softmax(x @ w, 1).float().pow(2).sum()
            if inside:
                loss.backward()
        if not inside:
            loss.backward()
        grads.append(w.grad.numpy())
    numpy.testing.assert_array_equal(grads[0], grads[1])


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_recurrent_layers(kind):
    """torch's CPU autocast gives LSTM and RNN outputs in bfloat16 and GRU's in float32."""
    torch.manual_seed(0)
    tl = getattr(torch.nn, kind)(6, 5, batch_first=True)
    el = getattr(ember.nn, kind)(6, 5, batch_first=True)
    el.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tl.state_dict().items()})
    (tx,), (ex,) = _pair((2, 4, 6), seed=4)
    with torch.autocast("cpu"):
        to, _ = tl(tx)
    with ember.autocast("cpu"):
        eo, _ = el(ex)
    assert str(eo.dtype) == str(to.dtype)
    numpy.testing.assert_allclose(_np(eo), _np(to), rtol=0.02, atol=0.02)
    to.float().sum().backward()
    eo.float().sum().backward()
    for (name, tp), ep in zip(tl.named_parameters(), el.parameters()):
        assert ep.grad.dtype is ember.float32, name
        numpy.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), rtol=0.05, atol=0.05)
