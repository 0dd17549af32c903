"""scaled_dot_product_attention, multi_head_attention_forward and MultiheadAttention against
torch: torch's weights loaded into Ember, same inputs; outputs, attention weights, input grads
and every parameter grad compared."""
import numpy
import pytest
import torch
import torch.nn.functional as TF

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.nn.modules.attention import MultiheadAttention
from ember.ops.attention import multi_head_attention_forward, scaled_dot_product_attention

RTOL, ATOL = 1e-4, 1e-5


def _rng(seed=0):
    return numpy.random.default_rng(seed)


def _pair(x, grad):
    """The same array as a torch and an ember tensor (float arrays get requires_grad)."""
    g = grad and x.dtype.kind == "f"
    return torch.tensor(x, requires_grad=g), ember.tensor(x, requires_grad=g)


def _close(e, t, what):
    numpy.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=RTOL, atol=ATOL,
                                  err_msg=what)


def _backward_compare(t_outs, e_outs, t_leaves, e_leaves, seed=1):
    rng = _rng(seed)
    t_list, e_list, grads = [], [], []
    for t, e in zip(t_outs, e_outs):
        if t is None:
            assert e is None
            continue
        assert tuple(e.shape) == tuple(t.shape) and str(e.dtype) == str(t.dtype)
        _close(e, t, "forward")
        g = rng.standard_normal(tuple(t.shape)).astype(numpy.float32)
        t_list.append(t)
        e_list.append(e)
        grads.append(g)
    tg = torch.autograd.grad(t_list, t_leaves, [torch.tensor(g) for g in grads],
                             allow_unused=True)
    eg = ember.autograd.grad(e_list, e_leaves, [ember.tensor(g) for g in grads],
                             allow_unused=True)
    for i, (a, b) in enumerate(zip(eg, tg)):
        if b is None:
            assert a is None or not numpy.any(a.numpy()), f"grad {i}"
        else:
            _close(a, b, f"grad {i}")


# ---------------------------------------------------------------------------------------- sdpa

def _sdpa_case(q_shape, k_shape, v_shape, **kw):
    rng = _rng(3)
    arrays = [rng.standard_normal(s).astype(numpy.float32) for s in (q_shape, k_shape, v_shape)]
    pairs = [_pair(a, True) for a in arrays]
    tkw, ekw = {}, {}
    for name, val in kw.items():
        if isinstance(val, numpy.ndarray):
            tkw[name], ekw[name] = _pair(val, False)
        else:
            tkw[name] = ekw[name] = val
    t = TF.scaled_dot_product_attention(*[p[0] for p in pairs], **tkw)
    e = scaled_dot_product_attention(*[p[1] for p in pairs], **ekw)
    _backward_compare([t], [e], [p[0] for p in pairs], [p[1] for p in pairs])
    return e


def test_sdpa_plain_scale_and_unbatched():
    _sdpa_case((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7))
    _sdpa_case((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7), scale=0.3)
    _sdpa_case((4, 5), (6, 5), (6, 3))


def test_sdpa_bool_mask_keeps_true_and_fully_masked_rows_give_zero():
    m = _rng(4).random((4, 6)) > 0.4
    m[1] = False  # a row with every key masked: torch returns 0 there, and 0 gradients
    e = _sdpa_case((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5), attn_mask=m)
    assert not numpy.any(e.detach().numpy()[:, :, 1])
    # broadcast batch/head dims of the mask
    _sdpa_case((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5),
               attn_mask=_rng(5).random((2, 1, 4, 6)) > 0.3)


def test_sdpa_float_mask_with_neg_inf_rows():
    fm = _rng(6).standard_normal((2, 3, 4, 6)).astype(numpy.float32)
    fm[:, :, 2] = -numpy.inf
    fm[0, 1, 0, :3] = -numpy.inf
    e = _sdpa_case((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5), attn_mask=fm)
    assert numpy.isfinite(e.detach().numpy()).all()


def test_sdpa_is_causal_square_rectangular_and_with_mask():
    _sdpa_case((2, 2, 5, 4), (2, 2, 5, 4), (2, 2, 5, 4), is_causal=True)
    _sdpa_case((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 4), is_causal=True)
    # torch's CPU kernel applies both the causal mask and attn_mask
    fm = _rng(7).standard_normal((3, 5)).astype(numpy.float32)
    _sdpa_case((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 4), attn_mask=fm, is_causal=True)


def test_sdpa_enable_gqa():
    _sdpa_case((2, 4, 3, 5), (2, 2, 6, 5), (2, 1, 6, 5), enable_gqa=True)


def test_sdpa_dropout_zeroes_and_rescales():
    ember.manual_seed(0)
    q = ember.ones(1, 1, 64, 4)
    v = ember.arange(1, 9.0).reshape(1, 1, 8, 1)  # uniform attention: each row averages v
    out = scaled_dot_product_attention(q, ember.ones(1, 1, 8, 4), v, dropout_p=0.5)
    # every output is (sum of kept v) * (1/8) / (1 - p): a multiple of 0.25, and not all equal
    o = out.numpy().ravel()
    numpy.testing.assert_allclose(o * 4, numpy.round(o * 4), atol=1e-5)
    assert len(numpy.unique(o)) > 1 and o.max() <= 36 / 4 + 1e-5


def test_sdpa_gradcheck_and_gradgradcheck_float64():
    rng = _rng(8)
    q, k, v = (ember.tensor(rng.standard_normal(s), requires_grad=True)
               for s in ((1, 2, 3, 2), (1, 2, 4, 2), (1, 2, 4, 3)))
    mask = ember.tensor(rng.random((3, 4)) > 0.3)
    fmask = ember.tensor(rng.standard_normal((3, 4)))
    assert gradcheck(lambda a, b, c: scaled_dot_product_attention(a, b, c, attn_mask=mask),
                     (q, k, v))
    assert gradcheck(lambda a, b, c: scaled_dot_product_attention(a, b, c, is_causal=True,
                                                                  scale=0.7), (q, k, v))
    assert gradgradcheck(lambda a, b, c: scaled_dot_product_attention(a, b, c, fmask),
                         (q, k, v))


def test_sdpa_errors():
    q = ember.randn(1, 2, 3, 4)
    k = ember.randn(1, 2, 5, 4)
    with pytest.raises(RuntimeError, match=r"Expected attn_mask dtype to be bool or float or to "
                                           r"match query dtype, but got attn_mask.dtype: long "
                                           r"int and  query.dtype: float instead"):
        scaled_dot_product_attention(q, k, k, attn_mask=ember.ones(3, 5, dtype=ember.int64))
    with pytest.raises(RuntimeError, match=r"but got attn_mask.dtype: double and  query.dtype: "
                                           r"float instead"):
        scaled_dot_product_attention(q, k, k, attn_mask=ember.zeros(3, 5, dtype=ember.float64))
    # a float32 mask is accepted on float64 data and the result stays float64
    out = scaled_dot_product_attention(q.double(), k.double(), k.double(),
                                       attn_mask=ember.zeros(3, 5))
    assert out.dtype == ember.float64
    with pytest.raises(RuntimeError, match=r"size of tensor a \(5\) must match the size of "
                                           r"tensor b \(4\)"):
        scaled_dot_product_attention(q, k, k, attn_mask=ember.ones(3, 4))


# ----------------------------------------------------------------------------- MultiheadAttention

def _mha_pair(*args, **kw):
    torch.manual_seed(0)
    tm = torch.nn.MultiheadAttention(*args, **kw)
    em = MultiheadAttention(*args, **kw)
    # torch zeroes in_proj_bias/out_proj.bias at init: randomise them so their use is checked
    with torch.no_grad():
        for name, p in tm.named_parameters():
            if "bias" in name:
                p.normal_()
    assert list(em.state_dict()) == list(tm.state_dict())
    em.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})
    return tm, em


def _mha_check(tm, em, shapes, self_attn=False, masks=None, **kw):
    rng = _rng(11)
    arrays = [rng.standard_normal(s).astype(numpy.float32) for s in shapes]
    pairs = [_pair(a, True) for a in arrays]
    t_in, e_in = [p[0] for p in pairs], [p[1] for p in pairs]
    if self_attn:
        t_in, e_in = t_in * 3, e_in * 3
    tkw, ekw = dict(kw), dict(kw)
    for name, val in (masks or {}).items():
        tkw[name], ekw[name] = _pair(val, False)
    to, tw = tm(*t_in, **tkw)
    eo, ew = em(*e_in, **ekw)
    t_params = [p for _, p in tm.named_parameters()]
    e_params = [p for _, p in em.named_parameters()]
    _backward_compare([to, tw], [eo, ew], [p[0] for p in pairs] + t_params,
                      [p[1] for p in pairs] + e_params)
    return eo, ew


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_key_padding_and_attn_mask(need_weights):
    tm, em = _mha_pair(8, 2)
    kpm = numpy.zeros((3, 6), dtype=bool)
    kpm[0, 4:] = True
    kpm[2, 0] = True
    am = numpy.triu(numpy.ones((5, 6), dtype=bool), 2)
    _mha_check(tm, em, [(5, 3, 8), (6, 3, 8), (6, 3, 8)], need_weights=need_weights,
               masks={"key_padding_mask": kpm, "attn_mask": am})
    fam = _rng(2).standard_normal((6, 5, 6)).astype(numpy.float32)  # (N*H, L, S) float mask
    _mha_check(tm, em, [(5, 3, 8), (6, 3, 8), (6, 3, 8)], need_weights=need_weights,
               masks={"attn_mask": fam})


def test_mha_self_attention_per_head_weights_and_batch_first():
    tm, em = _mha_pair(8, 4, batch_first=True)
    _, ew = _mha_check(tm, em, [(2, 5, 8)], self_attn=True, average_attn_weights=False)
    assert tuple(ew.shape) == (2, 4, 5, 5)
    numpy.testing.assert_allclose(ew.detach().numpy().sum(-1), 1, rtol=1e-5)
    _mha_check(tm, em, [(2, 5, 8), (2, 7, 8), (2, 7, 8)], need_weights=False)


def test_mha_kdim_vdim_bias_kv_zero_attn_and_no_bias():
    tm, em = _mha_pair(8, 2, kdim=3, vdim=5, add_bias_kv=True, add_zero_attn=True)
    assert em.in_proj_weight is None and tuple(em.k_proj_weight.shape) == (8, 3)
    kpm = numpy.zeros((2, 6), dtype=bool)
    kpm[1, 3:] = True
    _mha_check(tm, em, [(4, 2, 8), (6, 2, 3), (6, 2, 5)], masks={"key_padding_mask": kpm})
    _mha_check(tm, em, [(4, 2, 8), (6, 2, 3), (6, 2, 5)], need_weights=False,
               masks={"attn_mask": numpy.eye(4, 6, dtype=bool)})
    tm, em = _mha_pair(8, 2, bias=False)
    assert em.in_proj_bias is None and em.out_proj.bias is None
    _mha_check(tm, em, [(4, 2, 8), (6, 2, 8), (6, 2, 8)])


def test_mha_unbatched_and_is_causal():
    tm, em = _mha_pair(6, 3)
    _mha_check(tm, em, [(4, 6), (5, 6), (5, 6)],
               masks={"key_padding_mask": numpy.array([0, 0, 1, 0, 1], dtype=bool)})
    causal = numpy.triu(numpy.full((4, 4), -numpy.inf, dtype=numpy.float32), 1)
    for need_weights in (True, False):
        _mha_check(tm, em, [(4, 2, 6)], self_attn=True, need_weights=need_weights,
                   is_causal=True, masks={"attn_mask": causal})


def test_mha_eval_dropout_inactive_and_train_dropout_active():
    tm, em = _mha_pair(8, 2, dropout=0.5)
    tm.eval()
    em.eval()
    _mha_check(tm, em, [(3, 2, 8)], self_attn=True)
    x = ember.randn(3, 2, 8)
    w0 = em(x, x, x, average_attn_weights=False)[1].detach().numpy()
    em.train()
    ember.manual_seed(1)
    a = em(x, x, x, average_attn_weights=False)[1].detach().numpy()
    # train mode: each weight is dropped (0) or kept and scaled by 1/(1-p)
    dropped = a == 0
    assert dropped.any() and not dropped.all()
    numpy.testing.assert_allclose(a[~dropped], 2 * w0[~dropped], rtol=1e-5)


def test_functional_mha_matches_torch_separate_weights():
    rng = _rng(12)
    E, H = 6, 2
    arrays = {n: rng.standard_normal(s).astype(numpy.float32) for n, s in [
        ("q", (3, 2, E)), ("k", (4, 2, 5)), ("v", (4, 2, 7)), ("qw", (E, E)), ("kw", (E, 5)),
        ("vw", (E, 7)), ("b", (3 * E,)), ("ow", (E, E)), ("ob", (E,))]}
    t = {n: _pair(a, True)[0] for n, a in arrays.items()}
    e = {n: _pair(a, True)[1] for n, a in arrays.items()}

    def call(f, d):
        return f(d["q"], d["k"], d["v"], E, H, None, d["b"], None, None, False, 0.0, d["ow"],
                 d["ob"], use_separate_proj_weight=True, q_proj_weight=d["qw"],
                 k_proj_weight=d["kw"], v_proj_weight=d["vw"])
    to, tw = call(TF.multi_head_attention_forward, t)
    eo, ew = call(multi_head_attention_forward, e)
    _backward_compare([to, tw], [eo, ew], list(t.values()), list(e.values()))


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_mha_fully_masked_rows_follow_torch():
    # torch: the need_weights path uses a plain softmax (NaN rows), the sdpa path gives 0
    tm, em = _mha_pair(4, 2)
    x = numpy.random.default_rng(1).standard_normal((3, 1, 4)).astype(numpy.float32)
    kpm = numpy.ones((1, 3), dtype=bool)
    for need_weights in (True, False):
        to = tm(*[torch.tensor(x)] * 3, key_padding_mask=torch.tensor(kpm),
                need_weights=need_weights)[0]
        eo = em(*[ember.tensor(x)] * 3, key_padding_mask=ember.tensor(kpm),
                need_weights=need_weights)[0]
        assert numpy.isnan(eo.detach().numpy()).all() == need_weights
        numpy.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=RTOL,
                                      atol=ATOL)


def test_mha_repr_and_init():
    em = MultiheadAttention(8, 2)
    assert repr(em) == repr(torch.nn.MultiheadAttention(8, 2))
    assert not numpy.any(em.in_proj_bias.detach().numpy())
    bound = (6 / (8 + 24)) ** 0.5  # xavier_uniform on (3E, E)
    assert numpy.abs(em.in_proj_weight.detach().numpy()).max() <= bound


def test_mha_errors():
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        MultiheadAttention(10, 3)
    with pytest.raises(ValueError, match="embed_dim and num_heads must be greater than 0, got "
                                         "embed_dim=0 and num_heads=2 instead"):
        MultiheadAttention(0, 2)
    em = MultiheadAttention(8, 2)
    x = ember.randn(3, 1, 6)
    with pytest.raises(AssertionError, match="was expecting embedding dimension of 8, but got 6"):
        em(x, x, x)
    q, kv = ember.randn(3, 1, 8), ember.randn(4, 1, 8)
    with pytest.raises(RuntimeError, match=r"The shape of the 2D attn_mask is torch.Size\(\[3, 3\]\), "
                                           r"but should be \(3, 4\)\."):
        em(q, kv, kv, attn_mask=ember.ones(3, 3, dtype=ember.bool))
    with pytest.raises(RuntimeError, match=r"The shape of the 3D attn_mask is torch.Size\(\[3, 3, 4\]\), "
                                           r"but should be \(2, 3, 4\)\."):
        em(q, kv, kv, attn_mask=ember.ones(3, 3, 4))
    with pytest.raises(AssertionError, match="expecting key_padding_mask shape of"):
        em(q, kv, kv, key_padding_mask=ember.ones(1, 5, dtype=ember.bool))
    with pytest.raises(AssertionError, match="only bool and floating types of attn_mask"):
        em(q, kv, kv, attn_mask=ember.ones(3, 4, dtype=ember.int64))
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        em(q, q, q, is_causal=True)
