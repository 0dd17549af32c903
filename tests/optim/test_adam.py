import pytest
from _optim_cases import check_trajectory

import ember
import ember.optim

CASES = [
    {"lr": 0.05},
    {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6},
    {"lr": 0.05, "amsgrad": True},
    {"lr": 0.05, "weight_decay": 0.1},
    {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True},
    {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1, "maximize": True},
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_adam_matches_torch(kwargs, dtype):
    check_trajectory("Adam", kwargs, dtype, steps=8)


def test_adam_l1_regularisation_matches_torch():
    check_trajectory("Adam", {"lr": 0.05}, l1=0.3)


def test_adam_hyperparameter_errors():
    p = [ember.randn(3, requires_grad=True)]
    with pytest.raises(ValueError, match="Invalid learning rate: -0.1"):
        ember.optim.Adam(p, lr=-0.1)
    with pytest.raises(ValueError, match="Invalid epsilon value: -1e-08"):
        ember.optim.Adam(p, eps=-1e-8)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 0: 1.0"):
        ember.optim.Adam(p, betas=(1.0, 0.9))
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1: -0.1"):
        ember.optim.Adam(p, betas=(0.9, -0.1))
    with pytest.raises(ValueError, match="Invalid weight_decay value: -1"):
        ember.optim.Adam(p, weight_decay=-1)
