import pytest
from _optim_cases import check_trajectory

CASES = [{"lr": 0.05}, {"lr": 0.05, "momentum_decay": 0.01}, {"lr": 0.05, "weight_decay": 0.1}, {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True}]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_nadam_matches_torch(kwargs, dtype):
    # 10 steps: RAdam switches to its rectified update only after step 5
    check_trajectory("NAdam", kwargs, dtype, steps=10)
