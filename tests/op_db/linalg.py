import torch

import ember

from ._spec import OpSpec, SampleInput, rand


def matmul_samples(rng):
    shapes = [((3, 4), (4, 5)), ((4,), (4,)), ((4,), (4, 3)), ((3, 4), (4,)),
              ((2, 3, 4), (4, 5)), ((2, 1, 3, 4), (5, 4, 2)), ((4,), (2, 4, 3))]
    return [SampleInput((rand(rng, a), rand(rng, b))) for a, b in shapes]


OPS = [
    OpSpec("matmul", ember.matmul, torch.matmul, matmul_samples),
]
