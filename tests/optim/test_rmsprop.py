import pytest
from _optim_cases import check_trajectory

import ember
import ember.optim

CASES = [
    {"lr": 0.01},
    {"lr": 0.01, "alpha": 0.9, "eps": 1e-6},
    {"lr": 0.01, "centered": True},
    {"lr": 0.01, "momentum": 0.9},
    {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.1},
    {"lr": 0.01, "weight_decay": 0.1, "maximize": True},
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_rmsprop_matches_torch(kwargs, dtype):
    check_trajectory("RMSprop", kwargs, dtype)


def test_rmsprop_hyperparameter_errors():
    p = [ember.randn(3, requires_grad=True)]
    with pytest.raises(ValueError, match="Invalid alpha value: -0.5"):
        ember.optim.RMSprop(p, alpha=-0.5)
    with pytest.raises(ValueError, match="Invalid momentum value: -1"):
        ember.optim.RMSprop(p, momentum=-1)
