import pytest
from _optim_cases import check_trajectory

import ember
import ember.optim

CASES = [
    {"lr": 0.1},
    {"lr": 0.1, "lr_decay": 0.05},
    {"lr": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-6},
    {"lr": 0.1, "weight_decay": 0.1, "maximize": True},
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_adagrad_matches_torch(kwargs, dtype):
    check_trajectory("Adagrad", kwargs, dtype)


def test_adagrad_state_exists_before_first_step_like_torch():
    p = ember.randn(2, requires_grad=True)
    opt = ember.optim.Adagrad([p], initial_accumulator_value=0.25)
    state = opt.state_dict()["state"][0]
    assert float(state["step"]) == 0.0
    assert state["sum"].tolist() == [0.25, 0.25]


def test_adagrad_hyperparameter_errors():
    p = [ember.randn(3, requires_grad=True)]
    with pytest.raises(ValueError, match="Invalid lr_decay value: -1"):
        ember.optim.Adagrad(p, lr_decay=-1)
    with pytest.raises(ValueError, match="Invalid initial_accumulator_value value: -1"):
        ember.optim.Adagrad(p, initial_accumulator_value=-1)
