import torch

import ember

from ._spec import OpSpec, binary, unary

OPS = [
    OpSpec("add", ember.add, torch.add, binary(scalar=2.5)),
    OpSpec("sub", ember.sub, torch.sub, binary(scalar=2.5)),
    OpSpec("mul", ember.mul, torch.mul, binary(scalar=-1.5)),
    OpSpec("div", ember.div, torch.div, binary(other_low=0.5, other_high=2.0, scalar=3.0)),
    OpSpec("neg", ember.neg, torch.neg, unary()),
    OpSpec("exp", ember.exp, torch.exp, unary(low=-4, high=4)),
    OpSpec("log", ember.log, torch.log, unary(low=0.1, high=8)),
    OpSpec("relu", ember.relu, torch.relu, unary(include=[0.0]), gradcheck=False),
]
