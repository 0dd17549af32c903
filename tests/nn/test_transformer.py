"""Transformer layers, stacks and nn.Transformer against torch (torch's weights loaded, dropout
off): outputs, input grads and every parameter grad."""
import copy
import warnings

import numpy
import pytest
import torch

import ember
from ember.nn.modules.activation import GELU
from ember.nn.modules.normalization import LayerNorm
from ember.nn.modules.transformer import (
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)

RTOL, ATOL = 1e-4, 2e-5


def _load(tm, em):
    assert list(em.state_dict()) == list(tm.state_dict())
    em.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})
    tm.eval()  # dropout off in both (torch's fast path stays off: inputs require grad)
    em.eval()


def _check(tm, em, shapes, masks=None, **kw):
    rng = numpy.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(numpy.float32) for s in shapes]
    t_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    e_in = [ember.tensor(a, requires_grad=True) for a in arrays]
    tkw, ekw = dict(kw), dict(kw)
    for name, m in (masks or {}).items():
        tkw[name], ekw[name] = torch.tensor(m), ember.tensor(m)
    to, eo = tm(*t_in, **tkw), em(*e_in, **ekw)
    assert tuple(eo.shape) == tuple(to.shape)
    numpy.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=RTOL, atol=ATOL)
    g = rng.standard_normal(tuple(to.shape)).astype(numpy.float32)
    t_par = [p for _, p in tm.named_parameters()]
    e_par = [p for _, p in em.named_parameters()]
    tg = torch.autograd.grad([to], t_in + t_par, [torch.tensor(g)], allow_unused=True)
    eg = ember.autograd.grad([eo], e_in + e_par, [ember.tensor(g)], allow_unused=True)
    names = ["input"] * len(t_in) + [n for n, _ in tm.named_parameters()]
    for n, a, b in zip(names, eg, tg):
        if b is None:
            assert a is None or not numpy.any(a.numpy()), n
        else:
            numpy.testing.assert_allclose(a.numpy(), b.numpy(), rtol=RTOL, atol=ATOL, err_msg=n)


def _pair(cls_t, cls_e, *args, **kw):
    torch.manual_seed(0)
    tm = cls_t(*args, **kw)
    em = cls_e(*args, **kw)
    _load(tm, em)
    return tm, em


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_encoder_layer(norm_first, activation):
    tm, em = _pair(torch.nn.TransformerEncoderLayer, TransformerEncoderLayer, 8, 2, 16,
                   norm_first=norm_first, activation=activation)
    kpm = numpy.zeros((3, 5), dtype=bool)
    kpm[1, 3:] = True
    causal = numpy.triu(numpy.ones((5, 5), dtype=bool), 1)
    _check(tm, em, [(5, 3, 8)], masks={"src_mask": causal, "src_key_padding_mask": kpm})
    fkpm = numpy.where(kpm, -numpy.inf, 0.0).astype(numpy.float32)
    _check(tm, em, [(5, 3, 8)], masks={"src_key_padding_mask": fkpm})
    _check(tm, em, [(5, 8)])  # unbatched


def test_encoder_layer_batch_first_callable_activation_no_bias():
    tm = torch.nn.TransformerEncoderLayer(8, 4, 12, batch_first=True, bias=False,
                                          activation=torch.nn.GELU(approximate="tanh"))
    em = TransformerEncoderLayer(8, 4, 12, batch_first=True, bias=False,
                                 activation=GELU(approximate="tanh"))
    _load(tm, em)
    assert em.linear1.bias is None and em.norm1.bias is None
    _check(tm, em, [(2, 5, 8)], is_causal=True,
           masks={"src_mask": numpy.triu(numpy.ones((5, 5), dtype=bool), 1)})


@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_layer(norm_first):
    tm, em = _pair(torch.nn.TransformerDecoderLayer, TransformerDecoderLayer, 8, 2, 16,
                   norm_first=norm_first, activation="gelu")
    causal = numpy.triu(numpy.full((4, 4), -numpy.inf, dtype=numpy.float32), 1)
    mkpm = numpy.zeros((2, 6), dtype=bool)
    mkpm[0, 5] = True
    _check(tm, em, [(4, 2, 8), (6, 2, 8)],
           masks={"tgt_mask": causal, "memory_key_padding_mask": mkpm})


def test_encoder_decoder_stacks_deep_copy_layers():
    torch.manual_seed(0)
    tl = torch.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
    el = TransformerEncoderLayer(8, 2, 16, batch_first=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tm = torch.nn.TransformerEncoder(tl, 2, norm=torch.nn.LayerNorm(8),
                                         enable_nested_tensor=False)
    em = TransformerEncoder(el, 2, norm=LayerNorm(8), enable_nested_tensor=False)
    # independent copies, not the same layer twice
    assert em.layers[0].linear1.weight is not em.layers[1].linear1.weight
    assert em.layers[0].linear1.weight is not el.linear1.weight
    _load(tm, em)
    kpm = numpy.zeros((2, 5), dtype=bool)
    kpm[0, 4] = True
    _check(tm, em, [(2, 5, 8)], masks={"src_key_padding_mask": kpm})

    tm, em = _pair(lambda *a: torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(*a),
                                                          2),
                   lambda *a: TransformerDecoder(TransformerDecoderLayer(*a), 2), 8, 2, 16)
    causal = numpy.triu(numpy.full((3, 3), -numpy.inf, dtype=numpy.float32), 1)
    _check(tm, em, [(3, 2, 8), (4, 2, 8)], masks={"tgt_mask": causal})


def test_transformer_end_to_end():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tm, em = _pair(torch.nn.Transformer, Transformer, 16, 2, 2, 2, 32)
    assert repr(em) == repr(tm)
    mask = Transformer.generate_square_subsequent_mask(4).numpy()
    numpy.testing.assert_array_equal(
        mask, torch.nn.Transformer.generate_square_subsequent_mask(4).numpy())
    skpm = numpy.zeros((2, 5), dtype=bool)
    skpm[1, 3:] = True
    _check(tm, em, [(5, 2, 16), (4, 2, 16)],
           masks={"tgt_mask": mask, "src_key_padding_mask": skpm,
                  "memory_key_padding_mask": skpm})


def test_transformer_batch_first_norm_first():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tm, em = _pair(torch.nn.Transformer, Transformer, 8, 2, 1, 1, 16, batch_first=True,
                       norm_first=True)
    _check(tm, em, [(2, 5, 8), (2, 3, 8)], tgt_is_causal=True,
           masks={"tgt_mask": Transformer.generate_square_subsequent_mask(3).numpy()})


def test_transformer_init_and_deepcopy():
    em = Transformer(8, 2, 1, 1, 16)
    w = em.encoder.layers[0].linear1.weight.detach().numpy()
    bound = (6 / (8 + 16)) ** 0.5  # xavier_uniform on every matrix
    assert numpy.abs(w).max() <= bound and numpy.abs(w).max() > bound / 2
    em2 = copy.deepcopy(em)
    assert em2.encoder.layers[0].linear1.weight is not em.encoder.layers[0].linear1.weight
    numpy.testing.assert_array_equal(em2.encoder.layers[0].linear1.weight.detach().numpy(), w)


def test_mismatched_mask_types_warn_like_torch():
    em = TransformerEncoderLayer(8, 2, 16)
    x = ember.randn(5, 2, 8)
    with pytest.warns(UserWarning, match="Support for mismatched src_key_padding_mask and "
                                         "src_mask is deprecated"):
        em(x, src_mask=Transformer.generate_square_subsequent_mask(5),
           src_key_padding_mask=ember.zeros(2, 5, dtype=ember.bool))


def test_transformer_errors():
    em = Transformer(8, 2, 1, 1, 16)
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        em(ember.randn(5, 2, 8), ember.randn(4, 3, 8))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to "
                                           "d_model"):
        em(ember.randn(5, 2, 8), ember.randn(4, 2, 6))
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        TransformerEncoderLayer(8, 2, activation="tanh")
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        TransformerDecoderLayer(8, 3)
