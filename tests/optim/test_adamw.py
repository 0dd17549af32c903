import pytest
from _optim_cases import check_trajectory

import ember
import ember.optim

CASES = [
    {"lr": 0.05},
    {"lr": 0.05, "weight_decay": 0.3},
    {"lr": 0.05, "weight_decay": 0.3, "amsgrad": True},
    {"lr": 0.05, "betas": (0.5, 0.9), "maximize": True},
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_adamw_matches_torch(kwargs, dtype):
    check_trajectory("AdamW", kwargs, dtype, steps=8)


def test_adamw_defaults_like_torch():
    opt = ember.optim.AdamW([ember.randn(3, requires_grad=True)])
    group = opt.param_groups[0]
    assert group["weight_decay"] == 1e-2 and group["decoupled_weight_decay"] is True
    assert group["lr"] == 1e-3 and group["betas"] == (0.9, 0.999)
