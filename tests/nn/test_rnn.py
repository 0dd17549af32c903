"""RNN, LSTM, GRU and the cells against torch (weights copied from torch): outputs, final
states, input gradients and every parameter gradient."""
import math

import numpy
import pytest
import torch

import ember
from ember.autograd.gradcheck import gradcheck, gradgradcheck
from ember.nn.modules import rnn as ernn
from ember.nn.utils import rnn as eutils

RTOL, ATOL = 1e-4, 1e-5


def _pair(tcls, ecls, *args, **kwargs):
    tm = tcls(*args, **kwargs)
    em = ecls(*args, **kwargs)
    em.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})
    assert list(em.state_dict()) == list(tm.state_dict())
    assert repr(em) == repr(tm)
    return tm, em


def _close(e, t, rtol=RTOL, atol=ATOL):
    assert tuple(e.shape) == tuple(t.shape) and str(e.dtype) == str(t.dtype)
    numpy.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)


def _flat(out):
    """Output tensors of a module call, flattened (PackedSequence -> its data)."""
    if isinstance(out, (torch.nn.utils.rnn.PackedSequence, eutils.PackedSequence)):
        return [out.data]
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flat(o)]
    return [out]


def _run_both(tm, em, make_inputs):
    """make_inputs(lib, arrays) builds the call arguments from shared random arrays."""
    tin, ein = make_inputs(torch), make_inputs(ember)
    tout, eout = _flat(tm(*tin)), _flat(em(*ein))
    assert len(tout) == len(eout)
    for e, t in zip(eout, tout):
        _close(e, t)
    gs = [numpy.random.randn(*t.shape).astype(numpy.float32) for t in tout]
    torch.autograd.backward(tout, [torch.tensor(g) for g in gs])
    ember.autograd.backward(eout, [ember.tensor(g) for g in gs])
    assert len(list(tm.parameters())) == len(list(em.parameters()))
    for (tn, tp), (en, ep) in zip(tm.named_parameters(), em.named_parameters()):
        assert tn == en
        _close(ep.grad, tp.grad)
    return tin, ein


def _leaves(lib, arrays):
    return [lib.tensor(a, requires_grad=True) for a in arrays]


def _check_leaf_grads(tin, ein):
    tl = [t for t in tin if isinstance(t, torch.Tensor) and t.requires_grad]
    el = [t for t in ein if isinstance(t, ember.Tensor) and t.requires_grad]
    assert len(tl) == len(el) > 0
    for e, t in zip(el, tl):
        _close(e.grad, t.grad)


def _randn(*shape):
    return numpy.random.randn(*shape).astype(numpy.float32)


@pytest.mark.parametrize("batch_first", [False, True])
def test_lstm_two_layers_bidirectional(batch_first):
    tm, em = _pair(torch.nn.LSTM, ernn.LSTM, 3, 5, num_layers=2, bidirectional=True,
                   batch_first=batch_first)
    x = _randn(4, 6, 3)  # (B, T, I) with batch_first, else (T, B, I)
    B = 4 if batch_first else 6
    h0, c0 = _randn(4, B, 5), _randn(4, B, 5)
    arrays = (x, h0, c0)

    def make(lib):
        a, h, c = _leaves(lib, arrays)
        return a, (h, c)
    tin, ein = _run_both(tm, em, make)
    _close(ein[0].grad, tin[0].grad)
    _close(ein[1][0].grad, tin[1][0].grad)
    _close(ein[1][1].grad, tin[1][1].grad)


def test_lstm_proj_size_and_default_state():
    tm, em = _pair(torch.nn.LSTM, ernn.LSTM, 4, 6, num_layers=2, proj_size=3,
                   bidirectional=True)
    x = _randn(5, 2, 4)
    tin, ein = _run_both(tm, em, lambda lib: _leaves(lib, (x,)))
    _check_leaf_grads(tin, ein)
    assert [n for n, _ in em.named_parameters()][:5] == [
        "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0"]
    assert em.weight_hh_l1_reverse.shape == (24, 3) and em.weight_ih_l1.shape == (24, 6)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_gru_matches_torch(bidirectional):
    tm, em = _pair(torch.nn.GRU, ernn.GRU, 3, 4, num_layers=2, bidirectional=bidirectional,
                   batch_first=True)
    D = 2 if bidirectional else 1
    arrays = (_randn(2, 5, 3), _randn(2 * D, 2, 4))
    tin, ein = _run_both(tm, em, lambda lib: _leaves(lib, arrays))
    _check_leaf_grads(tin, ein)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_matches_torch(nonlinearity):
    tm, em = _pair(torch.nn.RNN, ernn.RNN, 3, 4, num_layers=2, nonlinearity=nonlinearity,
                   bidirectional=True)
    arrays = (_randn(5, 2, 3), _randn(4, 2, 4))
    tin, ein = _run_both(tm, em, lambda lib: _leaves(lib, arrays))
    _check_leaf_grads(tin, ein)
    assert em.nonlinearity == nonlinearity


def test_no_bias_and_unbatched_input():
    for tcls, ecls in ((torch.nn.LSTM, ernn.LSTM), (torch.nn.GRU, ernn.GRU),
                       (torch.nn.RNN, ernn.RNN)):
        tm, em = _pair(tcls, ecls, 3, 4, bias=False)
        assert len(list(em.parameters())) == 2
        tin, ein = _run_both(tm, em, lambda lib: _leaves(lib, (_seed_arr(),)))
        _check_leaf_grads(tin, ein)
        assert ein[0].ndim == 2


def _seed_arr():
    rng = numpy.random.default_rng(7)
    return rng.standard_normal((5, 3)).astype(numpy.float32)


@pytest.mark.parametrize("cls", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_packed_input(cls, enforce_sorted):
    tcls, ecls = getattr(torch.nn, cls), getattr(ernn, cls)
    tm, em = _pair(tcls, ecls, 3, 4, num_layers=2, bidirectional=True)
    lengths = [5, 3, 3, 1] if enforce_sorted else [2, 5, 1, 4]
    x = _randn(5, 4, 3)
    h0 = _randn(4, 4, 4)
    c0 = _randn(4, 4, 4)

    def make(lib):
        pk = torch.nn.utils.rnn if lib is torch else eutils
        a, h, c = _leaves(lib, (x, h0, c0))
        packed = pk.pack_padded_sequence(a, lengths, enforce_sorted=enforce_sorted)
        return (packed, (h, c) if cls == "LSTM" else h), (a, h, c)

    tin, ein = make(torch), make(ember)
    tout, eout = tm(*tin[0]), em(*ein[0])
    assert isinstance(eout[0], eutils.PackedSequence)
    for e, t in zip(_flat(eout), _flat(tout)):
        _close(e, t)
    # the padded view, the gradient path through pad_packed_sequence
    tp, tl = torch.nn.utils.rnn.pad_packed_sequence(tout[0])
    ep, el = eutils.pad_packed_sequence(eout[0])
    _close(ep, tp)
    assert el.tolist() == tl.tolist() == lengths
    g = _randn(*tp.shape)
    tfin = _flat(tout[1])
    efin = _flat(eout[1])
    gf = [_randn(*t.shape) for t in tfin]
    torch.autograd.backward([tp] + tfin, [torch.tensor(g)] + [torch.tensor(a) for a in gf])
    ember.autograd.backward([ep] + efin, [ember.tensor(g)] + [ember.tensor(a) for a in gf])
    used = 3 if cls == "LSTM" else 2
    for e, t in zip(ein[1][:used], tin[1][:used]):
        _close(e.grad, t.grad)
    for (tn, tp_), (en, ep_) in zip(tm.named_parameters(), em.named_parameters()):
        _close(ep_.grad, tp_.grad)


@pytest.mark.parametrize("cls", ["LSTMCell", "GRUCell", "RNNCell"])
def test_cells(cls):
    tcls, ecls = getattr(torch.nn, cls), getattr(ernn, cls)
    kw = {"nonlinearity": "relu"} if cls == "RNNCell" else {}
    tm, em = _pair(tcls, ecls, 3, 4, **kw)
    arrays = (_randn(2, 3), _randn(2, 4), _randn(2, 4))

    def make(lib):
        x, h, c = _leaves(lib, arrays)
        return x, ((h, c) if cls == "LSTMCell" else h)
    tin, ein = _run_both(tm, em, make)
    _close(ein[0].grad, tin[0].grad)
    # unbatched input and the default zero state
    tm.zero_grad()
    em.zero_grad()
    _run_both(tm, em, lambda lib: _leaves(lib, (arrays[0][0],)))
    tm2, em2 = _pair(tcls, ecls, 3, 4, bias=False)
    assert em2.bias_ih is None and len(list(em2.parameters())) == 2
    _run_both(tm2, em2, lambda lib: _leaves(lib, (arrays[0],)))


def test_reprs_and_init():
    for tm, em in (
            (torch.nn.LSTM(3, 4, 2, bidirectional=True, proj_size=2, batch_first=True,
                           dropout=0.25),
             ernn.LSTM(3, 4, 2, bidirectional=True, proj_size=2, batch_first=True,
                       dropout=0.25)),
            (torch.nn.RNN(3, 4, nonlinearity="relu", bias=False),
             ernn.RNN(3, 4, nonlinearity="relu", bias=False)),
            (torch.nn.GRU(3, 4), ernn.GRU(3, 4)),
            (torch.nn.RNNCell(3, 4, bias=False, nonlinearity="relu"),
             ernn.RNNCell(3, 4, bias=False, nonlinearity="relu")),
            (torch.nn.LSTMCell(3, 4), ernn.LSTMCell(3, 4))):
        assert repr(em) == repr(tm)
        assert [(n, tuple(p.shape)) for n, p in em.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in tm.named_parameters()]
    em = ernn.LSTM(10, 400, proj_size=20)
    bound = 1 / math.sqrt(400)  # torch: U(+-1/sqrt(hidden_size)) for every parameter
    for p in em.parameters():
        a = p.detach().numpy()
        assert a.min() >= -bound and a.max() <= bound
    w = em.weight_hh_l0.detach().numpy()
    assert w.max() > 0.99 * bound and abs(w.std() - bound / math.sqrt(3)) < 0.02 * bound
    em.flatten_parameters()
    assert len(em.all_weights) == 1 and len(em.all_weights[0]) == 5


def test_dropout_between_layers_zeroes_and_scales():
    em = ernn.RNN(4, 4, num_layers=2, dropout=0.5, bias=False)
    with ember.no_grad():
        em.weight_ih_l0.copy_(ember.eye(4) * 0.1)
        em.weight_hh_l0.zero_()
        em.weight_ih_l1.copy_(ember.eye(4))
        em.weight_hh_l1.zero_()
    x = ember.ones(50, 8, 4)
    out, _ = em(x)
    # layer 0 gives tanh(0.1); layer 1 sees it dropped (0) or scaled by 2
    vals = numpy.unique(numpy.round(out.detach().numpy(), 6))
    assert numpy.allclose(vals, [0.0, round(math.tanh(2 * math.tanh(0.1)), 6)], atol=1e-6)
    frac = float((out.detach().numpy() == 0).mean())
    assert 0.4 < frac < 0.6
    em.eval()
    out, _ = em(x)
    assert numpy.allclose(out.detach().numpy(), math.tanh(math.tanh(0.1)), atol=1e-6)


def test_float64_gradcheck_tiny_lstm():
    em = ernn.LSTM(2, 3, num_layers=1, bidirectional=True, proj_size=2, dtype=ember.float64)
    x = ember.tensor(numpy.random.randn(3, 2, 2), requires_grad=True)
    params = list(em.parameters())
    inputs = (x,) + tuple(p.detach().clone().requires_grad_(True) for p in params)

    def g(x, *ps):
        from ember.nn import functional as F
        from ember.ops import rnn as ops
        w_ih, w_hh, b_ih, b_hh, w_hr = ps[:5]
        w_ih_r, w_hh_r, b_ih_r, b_hh_r, w_hr_r = ps[5:]
        flat = x.reshape((-1, 2))
        h0 = ember.zeros(2, 2, dtype=ember.float64)
        c0 = ember.zeros(2, 3, dtype=ember.float64)
        o1, h1, c1 = ops.lstm_layer(F.linear(flat, w_ih, b_ih + b_hh), h0, c0, w_hh, w_hr,
                                    batch_sizes=(2, 2, 2))
        o2, h2, c2 = ops.lstm_layer(F.linear(flat, w_ih_r, b_ih_r + b_hh_r), h0, c0, w_hh_r,
                                    w_hr_r, batch_sizes=(2, 2, 2), reverse=True)
        return o1, o2, h1, h2, c1, c2

    assert gradcheck(g, inputs)
    # double backward (replayed through ember ops) on a smaller packed call: it is slow
    from ember.ops import rnn as ops
    small = tuple(ember.tensor(numpy.random.randn(*s), requires_grad=True)
                  for s in ((3, 8), (2, 1), (2, 2), (8, 1), (1, 2)))
    assert gradgradcheck(lambda *a: ops.lstm_layer(*a, batch_sizes=(2, 1), reverse=True),
                         small)
    # the module path gives the same as this functional replay
    out, (h, c) = em(x)
    o1, o2, h1, h2, c1, c2 = g(x, *params)
    numpy.testing.assert_allclose(out.detach().numpy(), numpy.concatenate(
        [o1.detach().numpy(), o2.detach().numpy()], 1).reshape(3, 2, 4), rtol=1e-12)
    numpy.testing.assert_allclose(h.detach().numpy(), ember.stack([h1, h2]).detach().numpy(),
                                  rtol=1e-12)
    numpy.testing.assert_allclose(c.detach().numpy(), ember.stack([c1, c2]).detach().numpy(),
                                  rtol=1e-12)


@pytest.mark.parametrize("kind", ["gru", "rnn"])
def test_float64_gradcheck_gru_rnn_packed(kind):
    from ember.ops import rnn as ops
    bs = (2, 1, 1)
    N = sum(bs)
    H = 2
    gates = 3 if kind == "gru" else 1
    arrays = [numpy.random.randn(N, gates * H), numpy.random.randn(2, H),
              numpy.random.randn(gates * H, H)] + ([numpy.random.randn(gates * H)]
                                                   if kind == "gru" else [])
    inputs = tuple(ember.tensor(a, requires_grad=True) for a in arrays)
    for reverse in (False, True):
        if kind == "gru":
            def f(*a, reverse=reverse):
                return ops.gru_layer(*a, batch_sizes=bs, reverse=reverse)
        else:
            def f(*a, reverse=reverse):
                return ops.rnn_layer(*a, batch_sizes=bs, reverse=reverse)
        assert gradcheck(f, inputs)
        if reverse:  # double backward replays the loop with ember ops: slow, so once
            assert gradgradcheck(f, inputs)


def test_errors_match_torch():
    m = ernn.LSTM(3, 4)
    with pytest.raises(ValueError, match="LSTM: Expected input to be 2D or 3D, got 4D instead"):
        m(ember.zeros(2, 2, 2, 3))
    with pytest.raises(RuntimeError, match=r"input.size\(-1\) must be equal to input_size. "
                                           r"Expected 3, got 5"):
        m(ember.zeros(2, 2, 5))
    with pytest.raises(RuntimeError, match=r"Expected hidden\[0\] size \(1, 2, 4\), got "
                                           r"\[2, 2, 4\]"):
        m(ember.zeros(2, 2, 3), (ember.zeros(2, 2, 4), ember.zeros(1, 2, 4)))
    with pytest.raises(RuntimeError, match=r"Expected hidden\[1\] size \(1, 2, 4\), got "
                                           r"\[2, 2, 4\]"):
        m(ember.zeros(2, 2, 3), (ember.zeros(1, 2, 4), ember.zeros(2, 2, 4)))
    with pytest.raises(RuntimeError, match=r"For unbatched 2-D input, hx and cx should also "
                                           r"be 2-D but got \(3-D, 3-D\) tensors"):
        m(ember.zeros(2, 3), (ember.zeros(1, 1, 4), ember.zeros(1, 1, 4)))
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(1, 2, 4\), got \[2, 2, 4\]"):
        ernn.GRU(3, 4)(ember.zeros(2, 2, 3), ember.zeros(2, 2, 4))
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        ernn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="dropout should be a number in range"):
        ernn.GRU(3, 4, dropout=1.5)
    with pytest.raises(ValueError, match="Unknown nonlinearity 'sigmoid'"):
        ernn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        ernn.LSTM(3, 4, dropout=0.5)
    c = ernn.LSTMCell(3, 4)
    with pytest.raises(ValueError, match="LSTMCell: Expected input to be 1D or 2D, got 3D"):
        c(ember.zeros(2, 2, 3))
    with pytest.raises(RuntimeError, match="Input batch size 2 doesn't match hidden0 batch "
                                           "size 3"):
        c(ember.zeros(2, 3), (ember.zeros(3, 4), ember.zeros(3, 4)))
    with pytest.raises(RuntimeError, match="hidden0 has inconsistent hidden_size: got 5, "
                                           "expected 4"):
        c(ember.zeros(2, 3), (ember.zeros(2, 5), ember.zeros(2, 5)))
