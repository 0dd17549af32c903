"""Op table rows for ember/ops/norms.py: vector_norm, matrix_norm, norm, cond."""
import math

import numpy
import torch

import ember
import ember.linalg

from ._spec import OpSpec, SampleInput, rand
from .decomposition import general
from .linalg import DECOMP, well


def vector_norm_samples(rng):
    x = rand(rng, (3, 4), include=[0.0, 1.5, -1.5])
    out = [SampleInput((x,), dict(ord=o)) for o in (2, 1, math.inf, -math.inf, 3, 1.5, 0.5)]
    out += [SampleInput((rand(rng, (2, 3, 4)),), dict(ord=2, dim=(0, 2), keepdim=True)),
            SampleInput((rand(rng, (2, 3, 4)),), dict(ord=3, dim=-1)),
            SampleInput((numpy.zeros((2, 3)),), dict(ord=2, dim=1)),    # norm 0: gradient 0
            SampleInput((rand(rng, (3, 4)),), dict(ord=math.inf, dim=0))]
    return out


def matrix_norm_samples(rng):
    out = [SampleInput((rand(rng, (3, 4)),), dict(ord=o))
           for o in ("fro", 1, -1, math.inf, -math.inf)]
    a = general((2, 3, 4))(rng)[0].args[0]
    out += [SampleInput((a,), dict(ord=o)) for o in ("nuc", 2, -2)]
    out += [SampleInput((rand(rng, (3, 2, 4)),), dict(ord=1, dim=(2, 0), keepdim=True)),
            SampleInput((rand(rng, (3, 2, 4)),), dict(ord=math.inf, dim=(0, 2))),
            SampleInput((a,), dict(ord="nuc", keepdim=True))]
    return out


def norm_samples(rng):
    return [SampleInput((rand(rng, (3, 4)),)),
            SampleInput((rand(rng, (5,)),), dict(ord=3)),
            SampleInput((rand(rng, (3, 4)),), dict(ord=math.inf)),
            SampleInput((rand(rng, (3, 4)),), dict(ord=-1)),
            SampleInput((rand(rng, (2, 3, 4)),), dict(dim=1, keepdim=True)),
            SampleInput((rand(rng, (2, 3, 4)),), dict(ord=1, dim=(1, 2))),
            SampleInput((rand(rng, (2, 3)),), dict(dtype="float64"))]


def _norm(mod):
    def f(x, **kwargs):
        if kwargs.get("dtype") == "float64":
            kwargs["dtype"] = mod.float64
        return mod.linalg.norm(x, **kwargs)
    return f


OPS = [
    OpSpec("linalg.vector_norm", ember.linalg.vector_norm, torch.linalg.vector_norm,
           vector_norm_samples, gradgrad=False),  # see the _gg row: inf/1 have kinks
    OpSpec("linalg.vector_norm_gg", ember.linalg.vector_norm, torch.linalg.vector_norm,
           lambda rng: [SampleInput((rand(rng, (3, 4), 0.5, 2.0),), dict(ord=o))
                        for o in (2, 3, 1.5)]),
    OpSpec("linalg.matrix_norm", ember.linalg.matrix_norm, torch.linalg.matrix_norm,
           matrix_norm_samples, gradgrad=False, **DECOMP),  # max/min of sums: kinks
    OpSpec("linalg.norm", _norm(ember), _norm(torch), norm_samples, **DECOMP),
    OpSpec("linalg.cond", ember.linalg.cond, torch.linalg.cond,
           lambda rng: [SampleInput(general((3, 3))(rng)[0].args),
                        SampleInput(general((2, 3, 4))(rng)[0].args, dict(p=-2))], **DECOMP),
    # torch's own backward fails for these orders (it modifies inv_ex's output in place)
    OpSpec("linalg.cond_norms", ember.linalg.cond, torch.linalg.cond,
           lambda rng: [SampleInput((well(rng, (3, 3)),), dict(p=p))
                        for p in ("fro", "nuc", math.inf, -1)], grad=False, **DECOMP),
    OpSpec("cdist", ember.cdist, torch.cdist,
           lambda rng: [SampleInput((rand(rng, (4, 3)), rand(rng, (5, 3))), dict(p=p))
                        for p in (2.0, 1.5, 3.0)] +
                       [SampleInput((rand(rng, (2, 4, 3)), rand(rng, (2, 2, 3))))]),
    OpSpec("pdist", ember.pdist, torch.pdist,
           lambda rng: [SampleInput((rand(rng, (5, 3)),), dict(p=p)) for p in (2, 3)]),
]
