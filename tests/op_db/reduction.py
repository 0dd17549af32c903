import torch

import ember

from ._spec import OpSpec, unary

OPS = [
    OpSpec("sum", ember.sum, torch.sum, unary()),
    OpSpec("sum_dim", ember.sum, torch.sum, unary(shapes=((3, 4),), dim=1, keepdim=True)),
    OpSpec("mean", ember.mean, torch.mean, unary()),
    OpSpec("mean_dims", ember.mean, torch.mean, unary(shapes=((2, 3, 4),), dim=(0, 2))),
]
