import pytest
from _optim_cases import check_trajectory

CASES = [{}, {"lr": 0.5, "rho": 0.8, "eps": 1e-4}, {"weight_decay": 0.1, "maximize": True}]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_adadelta_matches_torch(kwargs, dtype):
    # 10 steps: RAdam switches to its rectified update only after step 5
    check_trajectory("Adadelta", kwargs, dtype, steps=10)
