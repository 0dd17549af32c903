import pytest
from _optim_cases import check_trajectory

CASES = [{"lr": 0.05}, {"lr": 0.05, "betas": (0.5, 0.9)}, {"lr": 0.05, "weight_decay": 0.1, "maximize": True}]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_adamax_matches_torch(kwargs, dtype):
    # 10 steps: RAdam switches to its rectified update only after step 5
    check_trajectory("Adamax", kwargs, dtype, steps=10)
