import pytest
from _optim_cases import check_trajectory

import ember
import ember.optim

CASES = [
    {"lr": 0.05},
    {"lr": 0.05, "momentum": 0.9},
    {"lr": 0.05, "momentum": 0.9, "dampening": 0.3},
    {"lr": 0.05, "momentum": 0.9, "nesterov": True},
    {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.1},
    {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1, "maximize": True},
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_sgd_matches_torch(kwargs, dtype):
    check_trajectory("SGD", kwargs, dtype)


def test_sgd_l1_regularisation_matches_torch():
    check_trajectory("SGD", {"lr": 0.05, "momentum": 0.9}, l1=0.3)


def test_sgd_hyperparameter_errors():
    p = [ember.randn(3, requires_grad=True)]
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        ember.optim.SGD(p, lr=-1)
    with pytest.raises(ValueError, match="Invalid momentum value: -0.5"):
        ember.optim.SGD(p, lr=0.1, momentum=-0.5)
    with pytest.raises(ValueError, match="Invalid weight_decay value: -0.1"):
        ember.optim.SGD(p, lr=0.1, weight_decay=-0.1)
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum and zero "
                                         "dampening"):
        ember.optim.SGD(p, lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="Nesterov momentum requires"):
        ember.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)
