import torch

import ember

from ._spec import OpSpec, fixed, rand, SampleInput

OPS = [
    OpSpec("reshape", ember.reshape, torch.reshape,
           lambda rng: [SampleInput((rand(rng, (3, 4)), (2, -1)))]),
    OpSpec("permute", ember.permute, torch.permute,
           lambda rng: [SampleInput((rand(rng, (2, 3, 4)), (2, 0, 1)))]),
    OpSpec("transpose", ember.transpose, torch.transpose,
           lambda rng: [SampleInput((rand(rng, (2, 3, 4)), 0, 2))]),
]
