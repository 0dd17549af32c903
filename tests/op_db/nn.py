"""Op table rows for torch.nn.functional (ember/nn/functional.py, ember/ops/nn.py):
linear layers, activations, normalisation helpers, dropout in eval mode, embedding, losses.

Class weights and pos_weight go in kwargs as NumPy arrays: `_F` turns them into tensors
without grad (torch has no gradient for nll_loss's weight), of the input's dtype."""
import numpy
import torch
import torch.nn.functional as TF

import ember
import ember.nn.functional as EF

from ._spec import OpSpec, SampleInput, rand


def _F(name, **fixed):
    """(ember, torch) callables for F.<name>; NumPy kwargs become no-grad tensors."""
    def make(mod, tensor):
        fn = getattr(mod, name)

        def f(*args, **kwargs):
            kw = dict(fixed)
            kw.update(kwargs)
            ref = args[0]
            for k, v in kw.items():
                if isinstance(v, numpy.ndarray):
                    kw[k] = tensor(v.astype(numpy.dtype(str(ref.dtype).replace("torch.", ""))),
                                   ref.device)
            return fn(*args, **kw)
        return f
    return (make(EF, lambda a, d: ember.tensor(a, device=d)),
            make(TF, lambda a, d: torch.from_numpy(a)))


def row(name, fn=None, samples=None, **flags):
    e, t = _F(fn or name)
    return OpSpec(f"nn.functional.{name}", e, t, samples, **flags)


def act_samples(include=(), low=-3.0, high=3.0, **kwargs):
    def make(rng):
        out = [SampleInput((rand(rng, (3, 4), low, high, include),), dict(kwargs)),
               SampleInput((rand(rng, (2, 3, 2), low, high),), dict(kwargs)),
               SampleInput((rand(rng, (), low, high),), dict(kwargs))]
        return out
    return make


def smooth_samples(low=-3.0, high=3.0, **kwargs):
    def make(rng):
        return [SampleInput((rand(rng, (3, 4), low, high),), dict(kwargs)),
                SampleInput((rand(rng, (5,), low, high),), dict(kwargs))]
    return make


def activation(name, include, kwargs_list=({},), gradgrad=True, **flags):
    """A row on samples with the kinks/boundaries (values and subgradients vs torch, no
    finite differences there) and a row on random points for gradcheck/gradgradcheck."""
    rows = []
    for i, kw in enumerate(kwargs_list):
        sfx = f"_{i}" if i else ""
        rows.append(row(f"{name}{sfx}", name, act_samples(include, **kw), gradcheck=False,
                        **flags))
        rows.append(row(f"{name}{sfx}_gc", name, smooth_samples(**kw), gradgrad=gradgrad,
                        **flags))
    return rows


KINKS = (0.0, 1.0, -1.0, 6.0, -3.0, 3.0, 0.5, -0.5, 20.0, -20.0)


def linear_samples(rng):
    return [SampleInput((rand(rng, (4, 3)), rand(rng, (5, 3)), rand(rng, (5,)))),
            SampleInput((rand(rng, (2, 4, 3)), rand(rng, (5, 3)), rand(rng, (5,)))),
            SampleInput((rand(rng, (3,)), rand(rng, (5, 3)))),
            SampleInput((rand(rng, (4, 3)), rand(rng, (5, 3)), None))]


def bilinear_samples(rng):
    return [SampleInput((rand(rng, (4, 3)), rand(rng, (4, 2)), rand(rng, (5, 3, 2)),
                         rand(rng, (5,)))),
            SampleInput((rand(rng, (2, 4, 3)), rand(rng, (2, 4, 2)), rand(rng, (5, 3, 2))))]


def glu_samples(rng):
    return [SampleInput((rand(rng, (3, 4)),)), SampleInput((rand(rng, (4, 3)),), dict(dim=0)),
            SampleInput((rand(rng, (2, 6, 3)),), dict(dim=1))]


def prelu_samples(rng):
    return [SampleInput((rand(rng, (3, 4), include=(0.0,)), numpy.array([0.25]))),
            SampleInput((rand(rng, (2, 3, 4)), rand(rng, (3,)))),
            SampleInput((rand(rng, (2, 3)), rand(rng, (3,))))]


def softmax_samples(rng):
    return [SampleInput((rand(rng, (3, 4)),), dict(dim=1)),
            SampleInput((rand(rng, (3, 4)),), dict(dim=0)),
            SampleInput((rand(rng, (2, 3, 4)),), dict(dim=-1)),
            SampleInput((rand(rng, (3, 4)) * 50,), dict(dim=1))]


def normalize_samples(rng):
    return [SampleInput((rand(rng, (3, 4)),)),
            SampleInput((rand(rng, (3, 4)),), dict(p=1.0, dim=0)),
            SampleInput((rand(rng, (2, 3, 4)),), dict(dim=-1, p=3.0))]


def two(shape1, shape2=None, **kwargs):
    def make(rng):
        return [SampleInput((rand(rng, shape1), rand(rng, shape2 or shape1)), dict(kwargs))]
    return make


def cos_samples(rng):
    return [SampleInput((rand(rng, (4, 3)), rand(rng, (4, 3)))),
            SampleInput((rand(rng, (4, 3)), rand(rng, (1, 3))), dict(dim=-1)),
            SampleInput((rand(rng, (2, 3, 4)), rand(rng, (2, 3, 4))), dict(dim=0))]


def pdist_samples(rng):
    return [SampleInput((rand(rng, (4, 3)), rand(rng, (4, 3)))),
            SampleInput((rand(rng, (4, 3)), rand(rng, (4, 3))), dict(p=1.0, keepdim=True)),
            SampleInput((rand(rng, (5,)), rand(rng, (5,))), dict(p=3.0))]


def one_hot_samples(rng):
    return [SampleInput((numpy.array([0, 2, 1, 2]),)),
            SampleInput((numpy.array([[0, 3], [1, 1]]), 5)),
            SampleInput((numpy.array(1), 3))]


def embedding_samples(rng):
    idx = numpy.array([[0, 2, 4], [2, 2, 1]])
    return [SampleInput((idx, rand(rng, (6, 3)))),
            SampleInput((idx, rand(rng, (6, 3))), dict(padding_idx=2)),
            SampleInput((numpy.array([5, 0]), rand(rng, (6, 3))), dict(padding_idx=-1))]


def dropout_eval_samples(rng):
    return [SampleInput((rand(rng, (3, 4)),), dict(p=0.3, training=False)),
            SampleInput((rand(rng, (3, 4)),), dict(p=0.0, training=True))]


# ---------------------------------------------------------------------------------- losses

RED = ("mean", "sum", "none")


def ce_samples(rng):
    t = numpy.array([0, 4, 2, 1])
    ti = numpy.array([0, -100, 2, 3])
    w = rng.uniform(0.5, 2.0, (5,))
    out = [SampleInput((rand(rng, (4, 5)), t), dict(reduction=r)) for r in RED]
    out += [SampleInput((rand(rng, (4, 5)), ti), dict(weight=w, reduction=r)) for r in RED]
    out += [SampleInput((rand(rng, (4, 5)), t), dict(ignore_index=4, weight=w)),
            SampleInput((rand(rng, (2, 4, 3, 2)), rng.integers(0, 4, (2, 3, 2)))),
            SampleInput((rand(rng, (2, 4, 3)), rng.integers(0, 4, (2, 3))),
                        dict(weight=rng.uniform(0.5, 2.0, (4,)), reduction="none")),
            SampleInput((rand(rng, (5,)), numpy.array(3))),
            SampleInput((rand(rng, (4, 5)) * 100, t))]  # stable for large logits
    return out


def ce_smooth_samples(rng):
    ti = numpy.array([0, -100, 2, 3])
    w = rng.uniform(0.5, 2.0, (5,))
    out = [SampleInput((rand(rng, (4, 5)), ti), dict(label_smoothing=0.2, reduction=r))
           for r in RED]
    out += [SampleInput((rand(rng, (4, 5)), ti), dict(label_smoothing=0.1, weight=w,
                                                          reduction=r)) for r in RED]
    out.append(SampleInput((rand(rng, (2, 4, 3)), rng.integers(0, 4, (2, 3))),
                           dict(label_smoothing=0.3)))
    return out


def ce_prob_samples(rng):
    def probs(shape, axis=1):
        p = rng.uniform(0.1, 1.0, shape)
        return p / p.sum(axis, keepdims=True)
    w = rng.uniform(0.5, 2.0, (5,))
    out = [SampleInput((rand(rng, (4, 5)), probs((4, 5))), dict(reduction=r)) for r in RED]
    out += [SampleInput((rand(rng, (4, 5)), probs((4, 5))), dict(weight=w, reduction=r))
            for r in RED]
    out += [SampleInput((rand(rng, (2, 5, 3)), probs((2, 5, 3))), dict(label_smoothing=0.1)),
            SampleInput((rand(rng, (5,)), probs((5,), 0)))]
    return out


def nll_samples(rng):
    ti = numpy.array([0, -100, 2, 3])
    w = rng.uniform(0.5, 2.0, (5,))
    out = [SampleInput((rand(rng, (4, 5)), ti), dict(reduction=r)) for r in RED]
    out += [SampleInput((rand(rng, (4, 5)), ti), dict(weight=w, reduction=r)) for r in RED]
    out += [SampleInput((rand(rng, (2, 4, 3)), rng.integers(0, 4, (2, 3))),
                        dict(ignore_index=1)),
            SampleInput((rand(rng, (5,)), numpy.array(3)))]
    return out


def pair_samples(low=-2.0, high=2.0, tie=False, **extra):
    def make(rng):
        out = []
        for r in RED:
            a, b = rand(rng, (3, 4), low, high), rand(rng, (3, 4), low, high)
            if tie:
                b.reshape(-1)[:2] = a.reshape(-1)[:2]   # zero difference: the subgradient
            out.append(SampleInput((a, b), dict(reduction=r, **extra)))
        out.append(SampleInput((rand(rng, (5,), low, high), rand(rng, (5,), low, high)),
                               dict(extra)))
        return out
    return make


def bce_samples(rng):
    w = rng.uniform(0.5, 2.0, (3, 4))
    out = [SampleInput((rand(rng, (3, 4), 0.05, 0.95), rand(rng, (3, 4), 0, 1)), dict(reduction=r))
           for r in RED]
    out.append(SampleInput((rand(rng, (3, 4), 0.05, 0.95), rand(rng, (3, 4), 0, 1)),
                           dict(weight=w)))
    return out


def bce_logits_samples(rng):
    pw = rng.uniform(0.5, 3.0, (4,))
    out = [SampleInput((rand(rng, (3, 4), -4, 4), rand(rng, (3, 4), 0, 1)), dict(reduction=r))
           for r in RED]
    out += [SampleInput((rand(rng, (3, 4), -4, 4), rand(rng, (3, 4), 0, 1)),
                        dict(pos_weight=pw, weight=rng.uniform(0.5, 2, (3, 4)))),
            SampleInput((numpy.array([100.0, -100.0, 50.0, -50.0]),
                         numpy.array([0.0, 1.0, 0.5, 1.0])), dict(reduction="none"))]
    return out


def kl_samples(rng):
    def logp(shape):
        x = rng.uniform(-2, 2, shape)
        return x - numpy.log(numpy.exp(x).sum(-1, keepdims=True))
    out = [SampleInput((logp((3, 4)), numpy.exp(logp((3, 4)))), dict(reduction=r))
           for r in ("batchmean", "sum", "none")]
    out.append(SampleInput((logp((3, 4)), logp((3, 4))), dict(log_target=True,
                                                                reduction="batchmean")))
    return out


def ranking_samples(rng):
    return [SampleInput((rand(rng, (5,)), rand(rng, (5,)), numpy.array([1., -1, 1, -1, 1])),
                        dict(margin=m, reduction=r)) for m, r in ((0.0, "mean"), (0.5, "none"),
                                                                  (0.2, "sum"))]


def hinge_samples(rng):
    t = numpy.array([[1, -1, 1, -1], [-1, -1, 1, 1], [1, 1, -1, -1]])
    return [SampleInput((rand(rng, (3, 4)), t), dict(margin=m, reduction=r))
            for m, r in ((1.0, "mean"), (0.5, "none"), (2.0, "sum"))]


def cos_emb_samples(rng):
    t = numpy.array([1, -1, 1, -1])
    return [SampleInput((rand(rng, (4, 3)), rand(rng, (4, 3)), t), dict(margin=m, reduction=r))
            for m, r in ((0.0, "mean"), (0.3, "none"), (-0.2, "sum"))]


def triplet_samples(rng):
    return [SampleInput((rand(rng, (4, 3)), rand(rng, (4, 3)), rand(rng, (4, 3))),
                        dict(margin=m, p=p, swap=s, reduction=r))
            for m, p, s, r in ((1.0, 2, False, "mean"), (2.0, 1, True, "none"),
                               (1.5, 3, False, "sum"))]


def poisson_samples(rng):
    return [SampleInput((rand(rng, (3, 4)), rand(rng, (3, 4), 0, 4)), dict(reduction="mean")),
            SampleInput((rand(rng, (3, 4), 0.2, 3), rand(rng, (3, 4), 0, 4)),
                        dict(log_input=False, reduction="none")),
            SampleInput((rand(rng, (3, 4)), rand(rng, (3, 4), 0, 4)),
                        dict(full=True, reduction="sum"))]


def gaussian_samples(rng):
    return [SampleInput((rand(rng, (3, 4)), rand(rng, (3, 4)), rand(rng, (3, 4), 0.1, 2))),
            SampleInput((rand(rng, (3, 4)), rand(rng, (3, 4)), rand(rng, (3,), 0.1, 2)),
                        dict(full=True, reduction="sum")),
            SampleInput((rand(rng, (3, 4)), rand(rng, (3, 4)), rand(rng, (3, 1), 0.1, 2)),
                        dict(reduction="none"))]


OPS = [
    row("linear", samples=linear_samples),
    row("bilinear", samples=bilinear_samples),
    *activation("relu", KINKS),
    *activation("relu6", KINKS),
    *activation("leaky_relu", KINKS, ({}, dict(negative_slope=0.2))),
    *activation("elu", KINKS, ({}, dict(alpha=0.5))),
    *activation("selu", KINKS),
    *activation("celu", KINKS, (dict(alpha=2.0),)),
    *activation("gelu", KINKS, ({}, dict(approximate="tanh"))),
    # above 32768 elements gelu evaluates erf in blocks (ember/ops/nn.py, _erf_blocked);
    # values and gradients against torch there, including a ragged last block and a
    # non-contiguous input (finite differences on 40k points would be slow)
    row("gelu_blocked", "gelu", lambda rng: [
        SampleInput((rand(rng, (200, 201), -5.0, 5.0),)),
        SampleInput((rand(rng, (201, 200), -5.0, 5.0).T,))], gradcheck=False,
        gradgrad=False),
    *activation("silu", KINKS),
    *activation("mish", KINKS),
    *activation("softplus", KINKS, ({}, dict(beta=2.0, threshold=5.0))),
    *activation("softsign", KINKS),
    *activation("hardtanh", KINKS, ({}, dict(min_val=-0.5, max_val=3.0))),
    *activation("hardsigmoid", KINKS),
    *activation("hardswish", KINKS),
    *activation("sigmoid", KINKS),
    *activation("logsigmoid", KINKS),
    *activation("tanh", KINKS),
    *activation("tanhshrink", KINKS),
    *activation("softshrink", KINKS, ({}, dict(lambd=1.0))),
    *activation("hardshrink", KINKS, ({}, dict(lambd=1.0))),
    *activation("threshold", KINKS, (dict(threshold=1.0, value=-2.0),)),
    *activation("rrelu", KINKS),
    row("logsigmoid_large", "logsigmoid",
        lambda rng: [SampleInput((numpy.array([-100.0, -30.0, 30.0, 100.0]),))]),
    row("softplus_large", "softplus",
        lambda rng: [SampleInput((numpy.array([-100.0, -30.0, 30.0, 100.0]),))]),
    row("glu", samples=glu_samples),
    row("prelu", samples=prelu_samples, gradcheck=False),
    row("prelu_gc", "prelu", lambda rng: [SampleInput((rand(rng, (2, 3, 4)), rand(rng, (3,))))]),
    row("softmax", samples=softmax_samples),
    row("log_softmax", samples=softmax_samples),
    row("softmin", samples=softmax_samples),
    row("normalize", samples=normalize_samples),
    row("cosine_similarity", samples=cos_samples),
    row("pairwise_distance", samples=pdist_samples),
    row("one_hot", samples=one_hot_samples, grad=False),
    # the padding row gets no gradient (not the true derivative): no finite differences there
    row("embedding", samples=embedding_samples, gradcheck=False),
    row("embedding_gc", "embedding",
        lambda rng: [SampleInput((numpy.array([[0, 2, 4], [2, 2, 1]]), rand(rng, (6, 3))))]),
    row("dropout", samples=dropout_eval_samples),
    row("alpha_dropout", samples=dropout_eval_samples),
    row("dropout1d", samples=dropout_eval_samples),
    row("dropout2d", samples=lambda rng: [SampleInput((rand(rng, (2, 3, 4, 2)),),
                                                      dict(training=False))]),
    # losses
    row("cross_entropy", samples=ce_samples),
    row("cross_entropy_smoothing", "cross_entropy", ce_smooth_samples),
    row("cross_entropy_probs", "cross_entropy", ce_prob_samples),
    row("nll_loss", samples=nll_samples),
    row("mse_loss", samples=pair_samples()),
    row("mse_loss_weight", "mse_loss",
        lambda rng: [SampleInput((rand(rng, (3, 4)), rand(rng, (3, 4))),
                                 dict(weight=rng.uniform(0.5, 2, (3, 4)), reduction=r))
                     for r in RED]),
    row("l1_loss", samples=pair_samples(tie=True), gradcheck=False),
    row("l1_loss_gc", "l1_loss", pair_samples()),
    row("smooth_l1_loss", samples=pair_samples(tie=True, beta=0.5)),
    row("smooth_l1_loss_beta0", "smooth_l1_loss", pair_samples(beta=0.0)),
    row("huber_loss", samples=pair_samples(tie=True, delta=0.7)),
    row("huber_loss_weight", "huber_loss",
        lambda rng: [SampleInput((rand(rng, (3, 4)), rand(rng, (3, 4))),
                                 dict(weight=rng.uniform(0.5, 2, (3, 4)), reduction=r))
                     for r in RED]),
    row("l1_loss_weight", "l1_loss",
        lambda rng: [SampleInput((rand(rng, (3, 4)), rand(rng, (3, 4))),
                                 dict(weight=rng.uniform(0.5, 2, (3, 4)), reduction=r))
                     for r in RED]),
    row("binary_cross_entropy", samples=bce_samples),
    row("binary_cross_entropy_with_logits", samples=bce_logits_samples),
    row("kl_div", samples=kl_samples),
    row("margin_ranking_loss", samples=ranking_samples),
    row("hinge_embedding_loss", samples=hinge_samples),
    row("cosine_embedding_loss", samples=cos_emb_samples),
    row("triplet_margin_loss", samples=triplet_samples),
    row("poisson_nll_loss", samples=poisson_samples),
    row("gaussian_nll_loss", samples=gaussian_samples),
]


def _inplace_row(name, **kw):
    def make(mod):
        fn = getattr(mod, name)
        # clone first: torch refuses in-place on a leaf that requires grad; the result must
        # be the clone itself, carrying the right history
        return lambda x: fn(x.clone(), inplace=True, **kw)
    return OpSpec(f"nn.functional.{name}_inplace", make(EF), make(TF),
                  smooth_samples())


OPS += [_inplace_row(n) for n in ("relu", "relu6", "leaky_relu", "elu", "selu", "celu", "silu",
                                  "mish", "hardtanh", "hardsigmoid", "hardswish", "rrelu")]
OPS.append(_inplace_row("threshold", threshold=0.5, value=-1.0))


# ------------------------------------------------------ margin losses and CTC (session 8)

def soft_margin_samples(rng):
    # torch refuses a gradient for target: it goes in as a keyword (a no-grad tensor)
    return [SampleInput((rand(rng, (3, 4)),),
                        dict(target=numpy.where(rng.random((3, 4)) < 0.5, -1.0, 1.0),
                             reduction=r)) for r in RED]


def ml_soft_margin_samples(rng):
    y = (rng.random((3, 4)) < 0.5).astype(numpy.float64)
    return ([SampleInput((rand(rng, (3, 4)), y), dict(reduction=r)) for r in RED]
            + [SampleInput((rand(rng, (3, 4)), y), dict(weight=rng.uniform(0.5, 2, (4,))))])


def multi_margin_samples(rng):
    t = numpy.array([0, 3, 4, 1])
    w = rng.uniform(0.5, 2, (5,))
    return ([SampleInput((rand(rng, (4, 5)), t), dict(p=p, margin=m, reduction=r))
             for p, m, r in ((1, 1.0, "mean"), (2, 0.7, "none"), (1, 2.0, "sum"))]
            + [SampleInput((rand(rng, (4, 5)), t), dict(p=2, weight=w)),
               SampleInput((rand(rng, (5,)), numpy.array(2)))])


def multilabel_margin_samples(rng):
    t = numpy.array([[3, 0, -1, 1, 2], [4, 4, -1, -1, -1], [0, 1, 2, 3, 4], [-1, 2, 3, 0, 0]])
    return ([SampleInput((rand(rng, (4, 5)), t), dict(reduction=r)) for r in RED]
            + [SampleInput((rand(rng, (5,)), t[0]))])


def triplet_distance_samples(rng):
    return [SampleInput((rand(rng, (4, 3)), rand(rng, (4, 3)), rand(rng, (4, 3))),
                        dict(margin=m, swap=s, reduction=r))
            for m, s, r in ((1.0, False, "mean"), (2.0, True, "none"), (0.5, False, "sum"))]


def _ctc(mod):
    # through log_softmax, as CTC is used: torch's CTC backward is exp(lp) - occupancy, which
    # is the true derivative only after log_softmax's backward
    fn = mod.ctc_loss
    return lambda x, targets, **kw: fn(x.log_softmax(-1), targets, **kw)


def ctc_samples(rng):
    t2 = numpy.array([[1, 2, 2], [3, 1, 0], [4, 4, 4]])
    lens = dict(input_lengths=(7, 6, 7), target_lengths=(3, 2, 3))
    out = [SampleInput((rand(rng, (7, 3, 5)), t2), dict(lens, reduction=r)) for r in RED]
    out += [SampleInput((rand(rng, (7, 3, 5)), numpy.array([1, 2, 2, 3, 1, 4, 4, 4])),
                        dict(lens)),
            SampleInput((rand(rng, (7, 3, 5)), numpy.array([[1, 2, 2], [3, 1, 0], [0, 0, 0]])),
                        dict(lens, blank=4, reduction="sum")),
            SampleInput((rand(rng, (6, 5)), numpy.array([1, 1, 3])),
                        dict(input_lengths=(6,), target_lengths=(3,))),
            # the second sample cannot fit (2 frames for 1, blank, 1): infinite, zeroed
            SampleInput((rand(rng, (4, 2, 5)), numpy.array([[1, 2], [1, 1]])),
                        dict(input_lengths=(4, 2), target_lengths=(2, 2), zero_infinity=True,
                             reduction="none"))]
    return out


OPS += [
    row("soft_margin_loss", samples=soft_margin_samples),
    row("multilabel_soft_margin_loss", samples=ml_soft_margin_samples),
    row("multi_margin_loss", samples=multi_margin_samples),
    row("multilabel_margin_loss", samples=multilabel_margin_samples),
    row("triplet_margin_with_distance_loss", samples=triplet_distance_samples),
    # torch has no double backward for CTC (_ctc_loss_backward is not differentiable)
    OpSpec("nn.functional.ctc_loss", _ctc(EF), _ctc(TF), ctc_samples, gradgrad=False),
]
