"""Op table rows for ember/ops/linalg.py: products, matrix_power, multi_dot, vecdot,
diagonal. The sample builders shared with decomposition.py and norms.py live here."""
import numpy
import torch

import ember
import ember.linalg

from ._spec import OpSpec, SampleInput, rand

# Decompositions in float32 agree with torch (both LAPACK) to about 1e-5 relative; looser
# tolerances for them are on their rows (here, in decomposition.py and in norms.py).
DECOMP = dict(atol=1e-4, rtol=1e-3)


def pairs(*shapes, **kwargs):
    def make(rng):
        return [SampleInput(tuple(rand(rng, s) for s in shape), dict(kwargs)) for shape in shapes]
    return make


def well(rng, shape, shift=None):
    """Random square matrices kept away from singularity: uniform entries plus n on the
    diagonal (or `shift`)."""
    a = rand(rng, shape, -1.0, 1.0)
    n = shape[-1]
    return a + (n if shift is None else shift) * numpy.eye(n)


def matmul_samples(rng):
    shapes = [((3, 4), (4, 5)), ((4,), (4,)), ((4,), (4, 3)), ((3, 4), (4,)),
              ((2, 3, 4), (4, 5)), ((2, 1, 3, 4), (5, 4, 2)), ((4,), (2, 4, 3)),
              ((2, 3, 4), (4,)), ((3, 4), (2, 4, 5)), ((2, 3, 4), (2, 4, 5))]
    return [SampleInput((rand(rng, a), rand(rng, b))) for a, b in shapes]


def int_matmul_samples(rng):
    return [SampleInput((rng.integers(-5, 5, (3, 4)), rng.integers(-5, 5, (4, 2)))),
            SampleInput((rng.integers(-5, 5, (2, 3, 4)), rng.integers(-5, 5, (4,)))),
            SampleInput((rng.integers(-5, 5, (4,)), rng.integers(-5, 5, (4,))))]


def addmm_samples(rng):
    nan_input = numpy.full((3, 5), numpy.nan)
    return [SampleInput((rand(rng, (3, 5)), rand(rng, (3, 4)), rand(rng, (4, 5)))),
            SampleInput((rand(rng, (5,)), rand(rng, (3, 4)), rand(rng, (4, 5))),
                        dict(beta=0.5, alpha=-2.0)),
            SampleInput((rand(rng, (3, 1)), rand(rng, (3, 4)), rand(rng, (4, 5))),
                        dict(beta=2)),
            SampleInput((nan_input, rand(rng, (3, 4)), rand(rng, (4, 5))), dict(beta=0))]


def baddbmm_samples(rng):
    return [SampleInput((rand(rng, (2, 3, 5)), rand(rng, (2, 3, 4)), rand(rng, (2, 4, 5)))),
            SampleInput((rand(rng, (5,)), rand(rng, (2, 3, 4)), rand(rng, (2, 4, 5))),
                        dict(beta=0.5, alpha=3)),
            SampleInput((numpy.full((2, 3, 5), numpy.nan), rand(rng, (2, 3, 4)),
                         rand(rng, (2, 4, 5))), dict(beta=0))]


def addbmm_samples(rng):
    return [SampleInput((rand(rng, (3, 5)), rand(rng, (2, 3, 4)), rand(rng, (2, 4, 5)))),
            SampleInput((rand(rng, (1, 5)), rand(rng, (4, 3, 2)), rand(rng, (4, 2, 5))),
                        dict(beta=-1, alpha=0.5)),
            SampleInput((numpy.full((3, 5), numpy.nan), rand(rng, (2, 3, 4)),
                         rand(rng, (2, 4, 5))), dict(beta=0))]


def addmv_samples(rng):
    return [SampleInput((rand(rng, (3,)), rand(rng, (3, 4)), rand(rng, (4,)))),
            SampleInput((rand(rng, (1,)), rand(rng, (3, 4)), rand(rng, (4,))),
                        dict(beta=0.5, alpha=2)),
            SampleInput((numpy.full((3,), numpy.nan), rand(rng, (3, 4)), rand(rng, (4,))),
                        dict(beta=0))]


def addr_samples(rng):
    return [SampleInput((rand(rng, (3, 4)), rand(rng, (3,)), rand(rng, (4,)))),
            SampleInput((rand(rng, (4,)), rand(rng, (3,)), rand(rng, (4,))),
                        dict(beta=2, alpha=-0.5)),
            SampleInput((numpy.full((3, 4), numpy.nan), rand(rng, (3,)), rand(rng, (4,))),
                        dict(beta=0))]


def tensordot_samples(rng):
    return [SampleInput((rand(rng, (2, 3, 4)), rand(rng, (3, 4, 5)))),
            SampleInput((rand(rng, (2, 3, 4)), rand(rng, (3, 4, 5))), dict(dims=2)),
            SampleInput((rand(rng, (2, 3)), rand(rng, (3, 5))), dict(dims=1)),
            SampleInput((rand(rng, (2, 3, 4)), rand(rng, (4, 5, 3))), dict(dims=([1, 2], [2, 0]))),
            SampleInput((rand(rng, (2, 3)), rand(rng, (4,))), dict(dims=0)),
            SampleInput((rand(rng, (2, 1)), rand(rng, (4, 5))), dict(dims=([1], [0])))]


def cross_samples(rng):
    return [SampleInput((rand(rng, (4, 3)), rand(rng, (4, 3))), dict(dim=1)),
            SampleInput((rand(rng, (3, 2)), rand(rng, (3, 2))), dict(dim=0)),
            SampleInput((rand(rng, (2, 4, 3)), rand(rng, (1, 4, 3))), dict(dim=-1))]


def matrix_power_samples(rng):
    return [SampleInput((well(rng, (3, 3), 1.0), n)) for n in (0, 1, 2, 3, 6, -1, -2)] + \
        [SampleInput((well(rng, (2, 3, 3), 1.0), 3))]


def multi_dot_samples(rng):
    return [SampleInput(([rand(rng, (2, 3)), rand(rng, (3, 4)), rand(rng, (4, 2))],)),
            SampleInput(([rand(rng, (3,)), rand(rng, (3, 4)), rand(rng, (4,))],)),
            SampleInput(([rand(rng, (3,)), rand(rng, (3, 2))],)),
            SampleInput(([rand(rng, (2, 3)), rand(rng, (3,))],))]


def int_rows(rng):
    return [SampleInput((rng.integers(-4, 4, (4, 3)), rng.integers(-4, 4, (4, 3)),
                         rng.integers(-4, 4, (3, 3))))]


OPS = [
    # ---------------------------------------------------------------- products
    OpSpec("matmul", ember.matmul, torch.matmul, matmul_samples),
    OpSpec("matmul_int64", ember.matmul, torch.matmul, int_matmul_samples, grad=False),
    OpSpec("Tensor.__matmul__", lambda x, y: x @ y, lambda x, y: x @ y,
           pairs(((3, 4), (4, 2)), ((2, 3, 4), (2, 4, 1)))),
    OpSpec("Tensor.matmul", lambda x, y: x.matmul(y), lambda x, y: x.matmul(y),
           pairs(((4,), (2, 4, 3)))),
    OpSpec("linalg.matmul", ember.linalg.matmul, torch.linalg.matmul,
           pairs(((3, 4), (4, 2)), ((2, 3, 4), (4,)))),
    OpSpec("mm", ember.mm, torch.mm, pairs(((3, 4), (4, 5)), ((1, 3), (3, 1)))),
    OpSpec("Tensor.mm", lambda x, y: x.mm(y), lambda x, y: x.mm(y), pairs(((2, 3), (3, 4)))),
    OpSpec("bmm", ember.bmm, torch.bmm, pairs(((2, 3, 4), (2, 4, 5)))),
    OpSpec("Tensor.bmm", lambda x, y: x.bmm(y), lambda x, y: x.bmm(y),
           pairs(((3, 1, 4), (3, 4, 2)))),
    OpSpec("mv", ember.mv, torch.mv, pairs(((3, 4), (4,)))),
    OpSpec("Tensor.mv", lambda x, y: x.mv(y), lambda x, y: x.mv(y), pairs(((2, 5), (5,)))),
    OpSpec("dot", ember.dot, torch.dot, pairs(((5,), (5,)))),
    OpSpec("Tensor.dot", lambda x, y: x.dot(y), lambda x, y: x.dot(y), pairs(((3,), (3,)))),
    OpSpec("vdot", ember.vdot, torch.vdot, pairs(((4,), (4,)))),
    OpSpec("inner", ember.inner, torch.inner,
           pairs(((3,), (3,)), ((2, 3), (4, 3)), ((2, 3, 4), (4,)), ((), (2, 3)))),
    OpSpec("Tensor.inner", lambda x, y: x.inner(y), lambda x, y: x.inner(y),
           pairs(((2, 3), (3,)))),
    OpSpec("outer", ember.outer, torch.outer, pairs(((3,), (4,)))),
    OpSpec("ger", ember.ger, torch.ger, pairs(((2,), (3,)))),
    OpSpec("Tensor.outer", lambda x, y: x.outer(y), lambda x, y: x.outer(y),
           pairs(((3,), (2,)))),
    OpSpec("Tensor.ger", lambda x, y: x.ger(y), lambda x, y: x.ger(y), pairs(((3,), (2,)))),
    OpSpec("addmm", ember.addmm, torch.addmm, addmm_samples),
    OpSpec("Tensor.addmm", lambda i, a, b: i.addmm(a, b, beta=0.5),
           lambda i, a, b: i.addmm(a, b, beta=0.5), pairs(((2, 3), (2, 4), (4, 3)))),
    OpSpec("addmm_int64", ember.addmm, torch.addmm, int_rows, grad=False),
    OpSpec("baddbmm", ember.baddbmm, torch.baddbmm, baddbmm_samples),
    OpSpec("Tensor.baddbmm", lambda i, a, b: i.baddbmm(a, b, alpha=2),
           lambda i, a, b: i.baddbmm(a, b, alpha=2), pairs(((2, 3, 2), (2, 3, 4), (2, 4, 2)))),
    OpSpec("addbmm", ember.addbmm, torch.addbmm, addbmm_samples),
    OpSpec("Tensor.addbmm", lambda i, a, b: i.addbmm(a, b), lambda i, a, b: i.addbmm(a, b),
           pairs(((3, 2), (2, 3, 4), (2, 4, 2)))),
    OpSpec("addmv", ember.addmv, torch.addmv, addmv_samples),
    OpSpec("Tensor.addmv", lambda i, a, b: i.addmv(a, b), lambda i, a, b: i.addmv(a, b),
           pairs(((3,), (3, 2), (2,)))),
    OpSpec("addr", ember.addr, torch.addr, addr_samples),
    OpSpec("Tensor.addr", lambda i, a, b: i.addr(a, b), lambda i, a, b: i.addr(a, b),
           pairs(((3, 2), (3,), (2,)))),
    OpSpec("tensordot", ember.tensordot, torch.tensordot, tensordot_samples),
    OpSpec("kron", ember.kron, torch.kron,
           pairs(((2, 3), (3, 2)), ((2,), (3, 2)), ((2, 1, 2), (2, 3)))),
    OpSpec("Tensor.kron", lambda x, y: x.kron(y), lambda x, y: x.kron(y),
           pairs(((2, 2), (2, 2)))),
    OpSpec("cross", ember.cross, torch.cross, cross_samples),
    OpSpec("Tensor.cross", lambda x, y: x.cross(y, dim=0), lambda x, y: x.cross(y, dim=0),
           pairs(((3, 2), (3, 2)))),
    OpSpec("linalg.cross", ember.linalg.cross, torch.linalg.cross,
           pairs(((4, 3), (4, 3)), ((2, 1, 3), (1, 5, 3)))),
    OpSpec("linalg.vecdot", ember.linalg.vecdot, torch.linalg.vecdot,
           lambda rng: [SampleInput((rand(rng, (2, 3)), rand(rng, (3,)))),
                        SampleInput((rand(rng, (4, 2)), rand(rng, (4, 1))), dict(dim=0))]),
    OpSpec("linalg.multi_dot", ember.linalg.multi_dot, torch.linalg.multi_dot,
           multi_dot_samples),
    # ---------------------------------------------------------------- powers
    OpSpec("linalg.matrix_power", ember.linalg.matrix_power, torch.linalg.matrix_power,
           matrix_power_samples, **DECOMP),
    OpSpec("matrix_power", ember.matrix_power, torch.matrix_power,
           lambda rng: [SampleInput((rand(rng, (3, 3)), 2))]),
    # ---------------------------------------------------------------- more method forms
    OpSpec("Tensor.vdot", lambda x, y: x.vdot(y), lambda x, y: x.vdot(y), pairs(((3,), (3,)))),
    OpSpec("Tensor.matrix_power", lambda a: a.matrix_power(3), lambda a: a.matrix_power(3),
           pairs(((3, 3),))),
    OpSpec("Tensor.addmm_", lambda i, a, b: i.clone().addmm_(a, b, beta=2),
           lambda i, a, b: i.clone().addmm_(a, b, beta=2), pairs(((2, 3), (2, 4), (4, 3)))),
    OpSpec("Tensor.baddbmm_", lambda i, a, b: i.clone().baddbmm_(a, b, alpha=0.5),
           lambda i, a, b: i.clone().baddbmm_(a, b, alpha=0.5),
           pairs(((2, 3, 2), (2, 3, 4), (2, 4, 2)))),
    OpSpec("Tensor.addbmm_", lambda i, a, b: i.clone().addbmm_(a, b),
           lambda i, a, b: i.clone().addbmm_(a, b), pairs(((3, 2), (2, 3, 4), (2, 4, 2)))),
    OpSpec("Tensor.addmv_", lambda i, a, b: i.clone().addmv_(a, b, beta=0),
           lambda i, a, b: i.clone().addmv_(a, b, beta=0), pairs(((3,), (3, 2), (2,)))),
    OpSpec("Tensor.addr_", lambda i, a, b: i.clone().addr_(a, b),
           lambda i, a, b: i.clone().addr_(a, b), pairs(((3, 2), (3,), (2,)))),
    OpSpec("linalg.diagonal", lambda a: ember.linalg.diagonal(a, offset=1),
           lambda a: torch.linalg.diagonal(a, offset=1), pairs(((2, 3, 4),))),
]
