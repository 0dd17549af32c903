"""Learning-rate sequences against torch's, built side by side with the same arguments."""

import math
import warnings

import pytest
import torch
from torch.optim import lr_scheduler as T

import ember
import ember.optim
from ember.optim import lr_scheduler as E

STEPS = 30


def _opt(lib, optim, name="SGD"):
    a = lib.zeros(2, requires_grad=True)
    b = lib.zeros(3, requires_grad=True)
    groups = [{"params": [a]}, {"params": [b], "lr": 0.05}]
    if name == "SGD":
        return optim.SGD(groups, lr=0.1, momentum=0.9)
    return optim.Adam(groups, lr=0.1)


def _hyper(opt):
    out = []
    for g in opt.param_groups:
        out.append((g["lr"], g.get("momentum"), g.get("betas")))
    return out


# name -> builder(scheduler module, optimizer, lib); builders get the module so nested
# schedulers (SequentialLR, ChainedScheduler) come from the same framework
CASES = {
    "StepLR": lambda S, o: S.StepLR(o, step_size=4, gamma=0.5),
    "MultiStepLR": lambda S, o: S.MultiStepLR(o, milestones=[3, 7, 7, 20], gamma=0.3),
    "ExponentialLR": lambda S, o: S.ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR": lambda S, o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
    "LambdaLR": lambda S, o: S.LambdaLR(o, lr_lambda=[lambda e: 0.95 ** e,
                                                      lambda e: 1 / (e + 1)]),
    "MultiplicativeLR": lambda S, o: S.MultiplicativeLR(o, lr_lambda=lambda e: 0.97),
    "LinearLR": lambda S, o: S.LinearLR(o, start_factor=0.25, end_factor=0.9, total_iters=12),
    "ConstantLR": lambda S, o: S.ConstantLR(o, factor=0.4, total_iters=6),
    "PolynomialLR": lambda S, o: S.PolynomialLR(o, total_iters=20, power=2.0),
    "OneCycleLR": lambda S, o: S.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=STEPS + 1),
    "OneCycleLR-linear-3phase": lambda S, o: S.OneCycleLR(
        o, max_lr=0.8, epochs=4, steps_per_epoch=8, anneal_strategy="linear",
        three_phase=True, pct_start=0.25),
    "CyclicLR": lambda S, o: S.CyclicLR(o, base_lr=0.01, max_lr=[0.1, 0.2], step_size_up=4,
                                        step_size_down=6),
    "CyclicLR-triangular2": lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=3,
                                                    mode="triangular2"),
    "CyclicLR-exp_range": lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=5,
                                                  mode="exp_range", gamma=0.95),
    "CosineAnnealingWarmRestarts": lambda S, o: S.CosineAnnealingWarmRestarts(
        o, T_0=3, T_mult=2, eta_min=0.01),
    "SequentialLR": lambda S, o: S.SequentialLR(
        o, [S.ConstantLR(o, factor=0.5, total_iters=3), S.ExponentialLR(o, gamma=0.9),
            S.CosineAnnealingLR(o, T_max=8)], milestones=[5, 12]),
    "ChainedScheduler": lambda S, o: S.ChainedScheduler(
        [S.LinearLR(o, start_factor=0.5, total_iters=5), S.StepLR(o, step_size=3, gamma=0.7)]),
}


# momentum cycling (momentum for SGD, beta1 for Adam) is the only optimizer-dependent part
PAIRS = [(c, "SGD") for c in sorted(CASES)] + [(c, "Adam") for c in sorted(CASES)
                                               if c.startswith(("OneCycle", "Cyclic"))]


@pytest.mark.parametrize("case,optname", PAIRS)
def test_sequence_matches_torch(case, optname):
    oe, ot = _opt(ember, ember.optim, optname), _opt(torch, torch.optim, optname)
    se, st = CASES[case](E, oe), CASES[case](T, ot)
    assert se.get_last_lr() == st.get_last_lr()
    assert _hyper(oe) == _hyper(ot)
    for _ in range(STEPS):
        oe.step()
        ot.step()
        se.step()
        st.step()
        # the same recurrences in the same order: equal to the last bit
        assert se.get_last_lr() == st.get_last_lr()
        assert [g["lr"] for g in oe.param_groups] == se.get_last_lr()
        assert _hyper(oe) == _hyper(ot)
    assert oe.param_groups[0]["initial_lr"] == ot.param_groups[0]["initial_lr"]


def test_reduce_lr_on_plateau_matches_torch():
    metrics = [1.0, 0.9, 0.95, 0.97, 0.96, 0.9, 0.91, 0.92, 0.93, 0.94, 0.8, 0.85, 0.86,
               0.87, 0.88, 0.89, 0.9, 0.91, 0.92, 0.93]
    for kwargs in [{"patience": 2, "factor": 0.5}, {"mode": "max", "patience": 1, "cooldown": 2},
                   {"threshold_mode": "abs", "threshold": 0.05, "patience": 0, "min_lr": [0.02, 0.01]}]:
        oe, ot = _opt(ember, ember.optim), _opt(torch, torch.optim)
        se, st = E.ReduceLROnPlateau(oe, **kwargs), T.ReduceLROnPlateau(ot, **kwargs)
        for m in metrics:
            se.step(m)
            st.step(m)
            assert se.get_last_lr() == st.get_last_lr()
            assert se.num_bad_epochs == st.num_bad_epochs and se.best == st.best


def test_state_dict_round_trip_and_keys():
    oe, ot = _opt(ember, ember.optim), _opt(torch, torch.optim)
    se, st = E.StepLR(oe, 3, 0.5), T.StepLR(ot, 3, 0.5)
    for _ in range(4):
        oe.step()
        ot.step()
        se.step()
        st.step()
    sde = se.state_dict()
    assert set(sde) <= set(st.state_dict())
    assert sde["last_epoch"] == st.state_dict()["last_epoch"] == 4
    assert sde["base_lrs"] == [0.1, 0.05]
    # a fresh scheduler resumes from the saved state, and torch's state loads as well
    oe2 = _opt(ember, ember.optim)
    oe2.load_state_dict(oe.state_dict())
    se2 = E.StepLR(oe2, 3, 0.5)
    se2.load_state_dict({k: v for k, v in st.state_dict().items() if k in sde})
    for _ in range(5):
        oe2.step()
        ot.step()
        se2.step()
        st.step()
        assert se2.get_last_lr() == st.get_last_lr()


def test_sequential_state_dict_nests_children():
    oe = _opt(ember, ember.optim)
    s = CASES["SequentialLR"](E, oe)
    sd = s.state_dict()
    assert len(sd["_schedulers"]) == 3 and "optimizer" not in sd["_schedulers"][0]


def test_initial_lr_and_resume_errors():
    oe = _opt(ember, ember.optim)
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in "
                                       r"param_groups\[0\]"):
        E.StepLR(oe, 3, last_epoch=4)
    E.StepLR(oe, 3)
    assert [g["initial_lr"] for g in oe.param_groups] == [0.1, 0.05]
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        E.StepLR([], 3)


def test_closed_form_with_epoch_argument():
    oe, ot = _opt(ember, ember.optim), _opt(torch, torch.optim)
    se, st = E.CosineAnnealingLR(oe, T_max=10), T.CosineAnnealingLR(ot, T_max=10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in [3, 7, 1, 12]:
            se.step(epoch)
            st.step(epoch)
            assert se.get_last_lr() == st.get_last_lr()
    assert se.get_last_lr()[0] == pytest.approx(0.1 * (1 + math.cos(math.pi * 12 / 10)) / 2)


def test_scheduler_argument_errors_like_torch():
    oe = _opt(ember, ember.optim)
    with pytest.raises(ValueError, match="Constant multiplicative factor expected to be "
                                         "between 0 and 1."):
        E.ConstantLR(oe, factor=2.0)
    with pytest.raises(ValueError, match="Starting multiplicative factor"):
        E.LinearLR(oe, start_factor=0)
    with pytest.raises(ValueError, match="Expected positive integer T_0, but got 0"):
        E.CosineAnnealingWarmRestarts(oe, T_0=0)
    with pytest.raises(ValueError, match="You must define either total_steps OR"):
        E.OneCycleLR(oe, max_lr=1.0)
    with pytest.raises(ValueError, match="Factor should be < 1.0."):
        E.ReduceLROnPlateau(oe, factor=1.0)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 3"):
        E.LambdaLR(oe, [lambda e: 1] * 3)
    s = E.OneCycleLR(oe, max_lr=1.0, total_steps=2)
    oe.step()
    s.step()
    s.step()
    with pytest.raises(ValueError, match="Tried to step 3 times. The specified number of "
                                         "total steps is 2"):
        s.step()


def test_warns_when_scheduler_steps_before_optimizer_like_torch():
    oe = _opt(ember, ember.optim)
    s = E.StepLR(oe, 3)
    with pytest.warns(UserWarning, match="Detected call of `lr_scheduler.step\\(\\)` before "
                                         "`optimizer.step\\(\\)`"):
        s.step()
    oe2 = _opt(ember, ember.optim)
    s2 = E.StepLR(oe2, 3)
    oe2.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s2.step()
        s2.step()
