"""Op table rows for ember/ops/einsums.py."""
import torch

import ember

from ._spec import OpSpec, SampleInput, rand
from .linalg import pairs

EINSUM_CASES = [
    ("ij,jk->ik", (3, 4), (4, 5)),        # matmul
    ("ij,jk", (3, 4), (4, 5)),            # implicit output
    ("bij,bjk->bik", (2, 3, 4), (2, 4, 5)),
    ("i,j->ij", (3,), (4,)),              # outer
    ("ij->ji", (3, 4)),                   # transpose
    ("ii->i", (4, 4)),                    # diagonal
    ("ii", (4, 4)),                       # trace
    ("iij->j", (3, 3, 2)),
    ("ij->", (3, 4)),                     # sum
    ("ij->j", (3, 4)),
    ("...ij,...jk->...ik", (2, 1, 3, 4), (5, 4, 2)),   # ellipsis with broadcasting
    ("i...->...", (3, 2, 4)),
    ("bA,Ab", (2, 3), (3, 2)),            # capitals sort before lower case
    ("ij,ij->ij", (2, 1), (2, 3)),        # size-1 subscripts broadcast
    ("ij,jk,kl->il", (2, 3), (3, 4), (4, 2)),
    ("i,i,i->", (4,), (4,), (4,)),
    (" ik , kj -> ij ", (2, 3), (3, 2)),
]


def einsum_samples(rng):
    return [SampleInput((eq,) + tuple(rand(rng, s) for s in shapes))
            for eq, *shapes in EINSUM_CASES]


def einsum_list_samples(rng):
    return [SampleInput(("ij,jk->ik", [rand(rng, (3, 4)), rand(rng, (4, 2))])),
            SampleInput(("...i,...i", [rand(rng, (2, 3)), rand(rng, (3,))]))]


def einsum_sublist(a, b):
    mod = ember if isinstance(a, ember.Tensor) else torch
    return mod.einsum(a, [0, 1], b, [1, 2], [0, 2]), mod.einsum(a, [Ellipsis, 1], [Ellipsis])


OPS = [
    OpSpec("einsum", ember.einsum, torch.einsum, einsum_samples),
    OpSpec("einsum_list", ember.einsum, torch.einsum, einsum_list_samples),
    OpSpec("einsum_sublist", einsum_sublist, einsum_sublist, pairs(((2, 3), (3, 4)))),
]
