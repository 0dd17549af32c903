"""Margin losses and CTC (module forms) against torch.nn: values, input gradients, legacy
reduction arguments, constructor and argument errors."""
import numpy
import pytest
import torch

import ember
from ember.nn import _losses as EL
from ember.nn.modules import loss as L

RNG = numpy.random.default_rng(1)
F32 = numpy.float32
X = RNG.standard_normal((4, 5)).astype(F32)
W5 = RNG.uniform(0.5, 2, 5).astype(F32)
SIGN = numpy.where(RNG.random((4, 5)) < 0.5, -1.0, 1.0).astype(F32)
MULTI = (RNG.random((4, 5)) < 0.5).astype(F32)
CLS = numpy.array([0, 3, 4, 1])
LABELS = numpy.array([[3, 0, -1, 1, 2], [4, 4, -1, -1, -1], [0, 1, 2, 3, 4], [-1, 2, 3, 0, 0]])
LP = RNG.standard_normal((6, 2, 4)).astype(F32)


def _run(mod, cls, kw, inputs, grads):
    tensor = ember.tensor if mod is ember else torch.tensor
    ts = [tensor(a, requires_grad=g) if isinstance(a, numpy.ndarray) else a
          for a, g in zip(inputs, grads)]
    kw = {k: tensor(v) if isinstance(v, numpy.ndarray) else v for k, v in kw.items()}
    out = getattr(L if mod is ember else torch.nn, cls)(**kw)(*ts)
    out.sum().backward()
    return out.detach().numpy(), [t.grad.numpy() for t, g in zip(ts, grads) if g]


CASES = [
    ("SoftMarginLoss", {}, (X, SIGN), (True, False)),
    ("SoftMarginLoss", {"reduction": "none"}, (X, SIGN), (True, False)),
    ("MultiLabelSoftMarginLoss", {"weight": W5}, (X, MULTI), (True, True)),
    ("MultiLabelSoftMarginLoss", {"size_average": False}, (X, MULTI), (True, True)),
    ("MultiMarginLoss", {}, (X, CLS), (True, False)),
    ("MultiMarginLoss", {"p": 2, "margin": 0.5, "weight": W5, "reduction": "none"}, (X, CLS),
     (True, False)),
    ("MultiMarginLoss", {"reduce": False}, (X, CLS), (True, False)),
    ("MultiLabelMarginLoss", {}, (X, LABELS), (True, False)),
    ("MultiLabelMarginLoss", {"reduction": "sum"}, (X, LABELS), (True, False)),
    ("TripletMarginWithDistanceLoss", {"swap": True, "margin": 2.0}, (X, X[::-1].copy(), W5 * X),
     (True, True, True)),
    ("CTCLoss", {}, (LP, numpy.array([[1, 2, 2], [3, 3, 0]]), (6, 5), (3, 2)),
     (True, False, False, False)),
    ("CTCLoss", {"blank": 3, "reduction": "sum"}, (LP, numpy.array([1, 2, 2, 0, 1]), (6, 6),
                                                  (3, 2)), (True, False, False, False)),
]


@pytest.mark.parametrize("cls,kw,inputs,grads", CASES, ids=[c[0] for c in CASES])
def test_module_matches_torch(cls, kw, inputs, grads):
    if cls == "CTCLoss":
        # log_softmax output, as CTC expects; a leaf, so the raw CTC gradient is compared
        inputs = (torch.tensor(inputs[0]).log_softmax(2).numpy(),) + inputs[1:]
    with pytest.warns(UserWarning) if ("size_average" in kw or "reduce" in kw) else _null():
        eo, eg = _run(ember, cls, kw, inputs, grads)
    to, tg = _run(torch, cls, dict(kw), inputs, grads)
    numpy.testing.assert_allclose(eo, to, rtol=1e-4, atol=1e-6)
    assert eo.shape == to.shape
    for a, b in zip(eg, tg):
        numpy.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def test_custom_distance_function():
    def cos_dist(a, b):
        return 1 - (a * b).sum(1) / ((a * a).sum(1) * (b * b).sum(1)).sqrt()
    a, p, n = (RNG.standard_normal((3, 4)) for _ in range(3))
    res = []
    for mod in (ember, torch):
        ts = [mod.tensor(v, requires_grad=True) for v in (a, p, n)]
        out = (L if mod is ember else torch.nn).TripletMarginWithDistanceLoss(distance_function=cos_dist, margin=0.5)(*ts)
        out.backward()
        res.append([out.item()] + [t.grad.numpy() for t in ts])
    for e, t in zip(*res):
        numpy.testing.assert_allclose(e, t, rtol=1e-10)


def test_ctc_infeasible_is_inf_and_zero_infinity_zeroes_it():
    lp = torch.tensor(LP).log_softmax(2).numpy()
    # two frames cannot hold 1, blank, 1
    args = (numpy.array([[1, 1], [1, 2]]), (2, 6), (2, 2))
    out = EL.ctc_loss(ember.tensor(lp), ember.tensor(args[0]), *args[1:], reduction="none")
    assert numpy.isinf(out.detach().numpy()[0]) and numpy.isfinite(out.detach().numpy()[1])
    x = ember.tensor(lp, requires_grad=True)
    z = EL.ctc_loss(x, ember.tensor(args[0]), *args[1:], reduction="none", zero_infinity=True)
    z.sum().backward()
    assert z.detach().numpy()[0] == 0.0
    assert (x.grad.numpy()[:, 0] == 0).all() and numpy.isfinite(x.grad.numpy()).all()
    t = torch.nn.functional.ctc_loss(torch.tensor(lp), torch.tensor(args[0]), *args[1:],
                                     reduction="none", zero_infinity=True)
    numpy.testing.assert_allclose(z.detach().numpy(), t.numpy(), rtol=1e-5)


def test_ctc_gradcheck_float64():
    lp = RNG.standard_normal((4, 2, 3))
    x = ember.tensor(lp, requires_grad=True)
    tg = ember.tensor(numpy.array([[1, 2], [2, 2]]))
    # through log_softmax: torch's CTC gradient convention is exact only after it
    assert ember.autograd.gradcheck(
        lambda v: EL.ctc_loss(v.log_softmax(2), tg, (4, 4), (2, 1), reduction="sum"), (x,))


@pytest.mark.parametrize("call,exc,match", [
    (lambda: EL.multi_margin_loss(ember.tensor(X), ember.tensor(CLS), p=3), ValueError,
     "only p == 1 and p == 2 supported"),
    (lambda: EL.multi_margin_loss(ember.tensor(X), ember.tensor(numpy.array([0, 1, 5, 2]))),
     RuntimeError, "target out of range"),
    (lambda: EL.multi_margin_loss(ember.tensor(X), ember.tensor(CLS[:2])), RuntimeError,
     r"Expected target size \[4\], but got \[2\]"),
    (lambda: EL.multi_margin_loss(ember.tensor(X), ember.tensor(CLS), weight=ember.ones(3)),
     RuntimeError, r"inconsistent weight size, expected 5 but got \[3\]"),
    (lambda: EL.multilabel_margin_loss(ember.tensor(X), ember.tensor(LABELS[:, :2])),
     RuntimeError, r"inconsistent target size: \[4, 2\] for input of size: \[4, 5\]"),
    (lambda: EL.triplet_margin_with_distance_loss(*[ember.tensor(X)] * 3, margin=0),
     ValueError, "margin must be greater than 0, got 0"),
    (lambda: L.TripletMarginWithDistanceLoss(margin=-1), ValueError,
     "expected margin to be greater than 0, got -1"),
    (lambda: L.MultiMarginLoss(p=3), ValueError, "only p == 1 and p == 2 supported"),
    (lambda: EL.ctc_loss(ember.tensor(LP), ember.tensor(numpy.array([[1, 2], [1, 1]])), (5, 5),
                         (2, 3)), RuntimeError, "Expected tensor to have size at least 3"),
    (lambda: EL.ctc_loss(ember.tensor(LP), ember.tensor(numpy.array([[1, 2], [1, 1]])), (5, 7),
                         (2, 2)), RuntimeError, "Expected input_lengths to have value at most 6"),
])
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
