"""Loss modules against torch.nn: outputs and input gradients for every reduction and option,
weight buffers in state_dict, legacy size_average/reduce, constructor errors."""
import warnings

import numpy
import pytest
import torch

import ember
from ember.nn.modules import loss as L

RNG = numpy.random.default_rng(0)
F32 = numpy.float32


def _rand(*shape):
    return RNG.standard_normal(shape).astype(F32)


def _sign(*shape):
    return numpy.where(RNG.random(shape) < 0.5, -1.0, 1.0).astype(F32)


def _sigmoid(x):
    return (1 / (1 + numpy.exp(-x))).astype(F32)


def _log_softmax(x):
    m = x - x.max(1, keepdims=True)
    return (m - numpy.log(numpy.exp(m).sum(1, keepdims=True))).astype(F32)


W5 = RNG.random(5).astype(F32) + 0.5
W34 = RNG.random((3, 4)).astype(F32) + 0.5
POS4 = RNG.random(4).astype(F32) + 0.5
TARGET = numpy.array([0, 4, 1, 2, 4, 3], dtype=numpy.int64)
TARGET_IGN = numpy.array([0, 4, 1, -100, 4, 1], dtype=numpy.int64)
PROBS = numpy.exp(_log_softmax(_rand(6, 5)))

# (class name, constructor kwargs: numpy arrays become tensors, inputs, which need grad)
CASES = [
    ("L1Loss", {}, lambda: (_rand(3, 4), _rand(3, 4)), (True, True)),
    ("MSELoss", {}, lambda: (_rand(3, 4), _rand(3, 4)), (True, True)),
    ("SmoothL1Loss", {}, lambda: (_rand(3, 4), _rand(3, 4)), (True, True)),
    ("SmoothL1Loss", {"beta": 0.5}, lambda: (_rand(3, 4), _rand(3, 4)), (True, True)),
    ("SmoothL1Loss", {"beta": 0.0}, lambda: (_rand(3, 4), _rand(3, 4)), (True, True)),
    ("HuberLoss", {}, lambda: (_rand(3, 4), _rand(3, 4) * 2), (True, True)),
    ("HuberLoss", {"delta": 0.3}, lambda: (_rand(3, 4), _rand(3, 4)), (True, True)),
    ("CrossEntropyLoss", {}, lambda: (_rand(6, 5), TARGET), (True, False)),
    ("CrossEntropyLoss", {"weight": W5}, lambda: (_rand(6, 5), TARGET_IGN), (True, False)),
    ("CrossEntropyLoss", {"ignore_index": 4}, lambda: (_rand(6, 5), TARGET), (True, False)),
    ("CrossEntropyLoss", {"label_smoothing": 0.2, "weight": W5},
     lambda: (_rand(6, 5), TARGET_IGN), (True, False)),
    ("CrossEntropyLoss", {"label_smoothing": 0.1}, lambda: (_rand(6, 5), PROBS), (True, True)),
    ("CrossEntropyLoss", {"weight": W5}, lambda: (_rand(2, 5, 3), TARGET.reshape(2, 3)),
     (True, False)),
    ("NLLLoss", {}, lambda: (_log_softmax(_rand(6, 5)), TARGET), (True, False)),
    ("NLLLoss", {"weight": W5}, lambda: (_log_softmax(_rand(6, 5)), TARGET_IGN), (True, False)),
    ("NLLLoss", {"weight": W5, "ignore_index": 1},
     lambda: (_log_softmax(_rand(6, 5)), TARGET), (True, False)),
    ("BCELoss", {}, lambda: (_sigmoid(_rand(3, 4)), RNG.random((3, 4)).astype(F32)),
     (True, True)),
    ("BCELoss", {"weight": W34}, lambda: (_sigmoid(_rand(3, 4)),
                                          RNG.random((3, 4)).astype(F32)), (True, True)),
    ("BCEWithLogitsLoss", {}, lambda: (_rand(3, 4) * 3, RNG.random((3, 4)).astype(F32)),
     (True, True)),
    ("BCEWithLogitsLoss", {"weight": W34, "pos_weight": POS4},
     lambda: (_rand(3, 4) * 3, RNG.random((3, 4)).astype(F32)), (True, True)),
    ("KLDivLoss", {"log_target": False},
     lambda: (_log_softmax(_rand(3, 4)), numpy.exp(_log_softmax(_rand(3, 4)))), (True, True)),
    ("KLDivLoss", {"log_target": True},
     lambda: (_log_softmax(_rand(3, 4)), _log_softmax(_rand(3, 4))), (True, True)),
    ("MarginRankingLoss", {}, lambda: (_rand(6), _rand(6), _sign(6)), (True, True, False)),
    ("MarginRankingLoss", {"margin": 0.5}, lambda: (_rand(6), _rand(6), _sign(6)),
     (True, True, False)),
    ("HingeEmbeddingLoss", {}, lambda: (_rand(3, 4), _sign(3, 4)), (True, False)),
    ("HingeEmbeddingLoss", {"margin": 0.5}, lambda: (_rand(3, 4), _sign(3, 4)), (True, False)),
    ("CosineEmbeddingLoss", {}, lambda: (_rand(6, 5), _rand(6, 5), _sign(6)),
     (True, True, False)),
    ("CosineEmbeddingLoss", {"margin": 0.2}, lambda: (_rand(6, 5), _rand(6, 5), _sign(6)),
     (True, True, False)),
    ("TripletMarginLoss", {}, lambda: (_rand(4, 5), _rand(4, 5), _rand(4, 5)),
     (True, True, True)),
    ("TripletMarginLoss", {"margin": 2.0, "p": 1.0, "swap": True},
     lambda: (_rand(4, 5), _rand(4, 5), _rand(4, 5)), (True, True, True)),
    ("PoissonNLLLoss", {}, lambda: (_rand(3, 4), RNG.poisson(2.0, (3, 4)).astype(F32)),
     (True, True)),
    ("PoissonNLLLoss", {"log_input": False, "full": True},
     lambda: (RNG.random((3, 4)).astype(F32) + 0.1, RNG.poisson(2.0, (3, 4)).astype(F32)),
     (True, True)),
    ("GaussianNLLLoss", {}, lambda: (_rand(3, 4), _rand(3, 4),
                                     RNG.random((3, 4)).astype(F32) + 0.1), (True, True, True)),
    ("GaussianNLLLoss", {"full": True, "eps": 0.05},
     lambda: (_rand(3, 4), _rand(3, 4), RNG.random((3, 1)).astype(F32)), (True, True, True)),
]


def _kwargs(lib, kwargs):
    return {k: lib.tensor(v) if isinstance(v, numpy.ndarray) else v for k, v in kwargs.items()}


def _run(em, tm, arrays, needs_grad):
    exs = [ember.tensor(a, requires_grad=g) for a, g in zip(arrays, needs_grad)]
    txs = [torch.tensor(a, requires_grad=g) for a, g in zip(arrays, needs_grad)]
    eo, to = em(*exs), tm(*txs)
    assert tuple(eo.shape) == tuple(to.shape) and str(eo.dtype) == str(to.dtype)
    numpy.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=1e-5,
                                  atol=1e-6)
    up = RNG.standard_normal(tuple(to.shape)).astype(F32)
    to.backward(torch.tensor(up))
    eo.backward(ember.tensor(up))
    for ex, tx in zip(exs, txs):
        if tx.requires_grad:
            numpy.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-5,
                                          atol=1e-6)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}{sorted(c[1])}")
def test_loss_module_matches_torch(case, reduction):
    name, kwargs, make, needs_grad = case
    em = getattr(L, name)(reduction=reduction, **_kwargs(ember, kwargs))
    tm = getattr(torch.nn, name)(reduction=reduction, **_kwargs(torch, kwargs))
    assert em.reduction == tm.reduction == reduction
    assert repr(em) == repr(tm)
    with warnings.catch_warnings():
        # KLDivLoss 'mean' warns about 'batchmean' in both libraries
        warnings.simplefilter("ignore")
        _run(em, tm, make(), needs_grad)


@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_batchmean(log_target):
    x = _log_softmax(_rand(3, 4))
    y = _log_softmax(_rand(3, 4))
    if not log_target:
        y = numpy.exp(y)
    _run(L.KLDivLoss(reduction="batchmean", log_target=log_target),
         torch.nn.KLDivLoss(reduction="batchmean", log_target=log_target), (x, y), (True, True))


def test_gaussian_nll_scalar_var():
    em, tm = L.GaussianNLLLoss(), torch.nn.GaussianNLLLoss()
    x, y = _rand(3, 4), _rand(3, 4)
    ex = ember.tensor(x, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    eo, to = em(ex, ember.tensor(y), 0.5), tm(tx, torch.tensor(y), 0.5)
    numpy.testing.assert_allclose(eo.item(), to.item(), rtol=1e-6)
    eo.backward()
    to.backward()
    numpy.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("size_average,reduce,expected",
                         [(False, None, "sum"), (None, False, "none"), (True, True, "mean"),
                          (False, True, "sum"), (True, False, "none")])
@pytest.mark.parametrize("name", ["MSELoss", "CrossEntropyLoss", "BCEWithLogitsLoss",
                                  "KLDivLoss", "MarginRankingLoss", "TripletMarginLoss"])
def test_legacy_size_average_reduce(name, size_average, reduce, expected):
    with pytest.warns(UserWarning) as ew:
        em = getattr(L, name)(size_average=size_average, reduce=reduce)
    with pytest.warns(UserWarning) as tw:
        tm = getattr(torch.nn, name)(size_average=size_average, reduce=reduce)
    assert em.reduction == tm.reduction == expected
    assert str(ew[0].message) == str(tw[0].message)


def test_legacy_args_override_reduction():
    with pytest.warns(UserWarning, match="reduction='sum'"):
        em = L.L1Loss(size_average=False, reduction="none")
    x, y = _rand(3, 4), _rand(3, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tm = torch.nn.L1Loss(size_average=False, reduction="none")
    _run(em, tm, (x, y), (True, True))


@pytest.mark.parametrize("name,kwargs", [
    ("CrossEntropyLoss", {"weight": W5}), ("NLLLoss", {"weight": W5}),
    ("BCELoss", {"weight": W34}), ("BCEWithLogitsLoss", {"weight": W34, "pos_weight": POS4}),
    ("BCEWithLogitsLoss", {"pos_weight": POS4}), ("CrossEntropyLoss", {}),
    ("BCEWithLogitsLoss", {}), ("MSELoss", {})])
def test_weight_buffers_in_state_dict(name, kwargs):
    em = getattr(L, name)(**_kwargs(ember, kwargs))
    tm = getattr(torch.nn, name)(**_kwargs(torch, kwargs))
    esd, tsd = em.state_dict(), tm.state_dict()
    assert list(esd) == list(tsd)
    assert [n for n, _ in em.named_buffers()] == [n for n, _ in tm.named_buffers()]
    assert list(em.parameters()) == []
    for k in tsd:
        numpy.testing.assert_array_equal(esd[k].numpy(), tsd[k].numpy())
    if "weight" in kwargs:
        assert em.weight is not None and not em.weight.requires_grad
    # a state_dict round trip restores the weights into a fresh module
    other = getattr(L, name)(**_kwargs(ember, {k: v * 2 for k, v in kwargs.items()}))
    other.load_state_dict(esd)
    for k in tsd:
        numpy.testing.assert_array_equal(other.state_dict()[k].numpy(), tsd[k].numpy())


def test_weight_buffer_follows_dtype_conversion():
    em = L.CrossEntropyLoss(weight=ember.tensor(W5)).double()
    tm = torch.nn.CrossEntropyLoss(weight=torch.tensor(W5)).double()
    assert str(em.weight.dtype) == str(tm.weight.dtype) == "torch.float64"
    x = _rand(6, 5).astype(numpy.float64)
    _run(em, tm, (x, TARGET_IGN), (True, False))


def test_constructor_errors_like_torch():
    for cls in ("TripletMarginLoss",):
        with pytest.raises(ValueError) as te:
            getattr(torch.nn, cls)(margin=0.0)
        with pytest.raises(ValueError) as ee:
            getattr(L, cls)(margin=0.0)
        assert str(ee.value) == str(te.value)
    with pytest.raises(TypeError) as te:
        torch.nn.HuberLoss(delta="1")
    with pytest.raises(TypeError) as ee:
        L.HuberLoss(delta="1")
    assert str(ee.value) == str(te.value)


def test_invalid_reduction_raises_at_call():
    em, tm = L.MSELoss(reduction="avg"), torch.nn.MSELoss(reduction="avg")
    x = _rand(3)
    with pytest.raises(ValueError) as te:
        tm(torch.tensor(x), torch.tensor(x))
    with pytest.raises(ValueError) as ee:
        em(ember.tensor(x), ember.tensor(x))
    assert str(ee.value) == str(te.value)


def test_options_are_attributes():
    em = L.CrossEntropyLoss(ignore_index=3, label_smoothing=0.25)
    assert (em.ignore_index, em.label_smoothing, em.reduction) == (3, 0.25, "mean")
    em = L.TripletMarginLoss(margin=0.5, p=1.0, eps=1e-3, swap=True)
    assert (em.margin, em.p, em.eps, em.swap) == (0.5, 1.0, 1e-3, True)
    em = L.PoissonNLLLoss(log_input=False, full=True, eps=1e-4)
    assert (em.log_input, em.full, em.eps) == (False, True, 1e-4)
    # changing an attribute after construction changes forward, as in torch
    em, tm = L.SmoothL1Loss(), torch.nn.SmoothL1Loss()
    em.beta = tm.beta = 0.25
    _run(em, tm, (_rand(3, 4), _rand(3, 4)), (True, True))
