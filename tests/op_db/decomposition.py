"""Op table rows for ember/ops/decomposition.py: inverse, det, solve, the
factorizations, pinv, matrix_rank, matrix_exp, tensorinv/tensorsolve, lstsq."""
import numpy
import torch

import ember
import ember.linalg

from ._spec import OpSpec, SampleInput, rand
from .linalg import DECOMP, pairs, well


def square(*shapes, **kwargs):
    def make(rng):
        return [SampleInput((well(rng, s),), dict(kwargs)) for s in shapes]
    return make


def solve_samples(rng):
    return [SampleInput((well(rng, (3, 3)), rand(rng, (3,)))),
            SampleInput((well(rng, (3, 3)), rand(rng, (3, 2)))),
            SampleInput((well(rng, (2, 3, 3)), rand(rng, (2, 3)))),         # batch of vectors
            SampleInput((well(rng, (2, 3, 3)), rand(rng, (4, 1, 3, 2)))),   # broadcast batch
            SampleInput((well(rng, (3, 3)), rand(rng, (2, 3))), dict(left=False))]


def spd(a):
    """A symmetric positive-definite matrix from any square one, differentiably."""
    n = a.shape[-1]
    eye = (ember if isinstance(a, ember.Tensor) else torch).eye(n, dtype=a.dtype, device=a.device)
    return a @ a.mT + eye


def sym(a):
    return a + a.mT


def eigh_invariant(mod):
    # eigenvector signs are arbitrary: compare squares (the projectors' diagonals) instead
    def f(a, **kwargs):
        w, v = mod.linalg.eigh(sym(a), **kwargs)
        return w, v * v, (v * w.unsqueeze(-2)) @ v.mT
    return f


def svd_invariant(mod):
    def f(a, **kwargs):
        u, s, vh = mod.linalg.svd(a, **kwargs)
        k = s.shape[-1]
        u, vh = u[..., :, :k], vh[..., :k, :]
        return u * u, s, vh * vh, (u * s.unsqueeze(-2)) @ vh
    return f


def torch_svd_invariant(mod):
    def f(a):
        u, s, v = mod.svd(a) if mod is not None else a.svd()
        return u * u, s, v * v
    return f


def general(*shapes):
    """Random matrices with well separated singular values (svd/pinv/qr gradients need them)."""
    def make(rng):
        out = []
        for s in shapes:
            m, n = s[-2:]
            k = min(m, n)
            q1, _ = numpy.linalg.qr(rng.standard_normal(s[:-2] + (m, m)))
            q2, _ = numpy.linalg.qr(rng.standard_normal(s[:-2] + (n, n)))
            sv = numpy.linspace(3.0, 1.0, k) + rng.uniform(0, 0.2, s[:-2] + (k,))
            mid = numpy.zeros(s[:-2] + (m, n))
            idx = numpy.arange(k)
            mid[..., idx, idx] = sv
            out.append(SampleInput((q1 @ mid @ q2,)))
        return out
    return make


def rank_deficient(rng):
    a = rand(rng, (3, 3))
    a[2] = a[0] + a[1]
    return a


OPS = [
    # ---------------------------------------------------------------- inverse, det, solve
    OpSpec("linalg.inv", ember.linalg.inv, torch.linalg.inv,
           square((3, 3), (2, 4, 4), (1, 1)), **DECOMP),
    OpSpec("inverse", ember.inverse, torch.inverse, square((3, 3)), **DECOMP),
    OpSpec("Tensor.inverse", lambda a: a.inverse(), lambda a: a.inverse(), square((2, 2)),
           **DECOMP),
    OpSpec("linalg.det", ember.linalg.det, torch.linalg.det,
           square((3, 3), (2, 4, 4), (1, 1)), **DECOMP),
    OpSpec("det", ember.det, torch.det, square((2, 3, 3)), **DECOMP),
    OpSpec("Tensor.det", lambda a: a.det(), lambda a: a.det(), square((3, 3)), **DECOMP),
    OpSpec("linalg.slogdet", ember.linalg.slogdet, torch.linalg.slogdet,
           lambda rng: [SampleInput((rand(rng, (3, 3)),)), SampleInput((well(rng, (2, 3, 3)),))],
           **DECOMP),
    OpSpec("slogdet", ember.slogdet, torch.slogdet, square((3, 3)), **DECOMP),
    OpSpec("logdet", ember.logdet, torch.logdet, square((3, 3), (2, 2, 2)), **DECOMP),
    # a negative determinant: nan, with a zero gradient (finite differences give nan)
    OpSpec("logdet_negative", ember.logdet, torch.logdet,
           lambda rng: [SampleInput((numpy.diag([-1.0, 2.0]),)),
                        SampleInput((numpy.stack([numpy.diag([-1.0, 2.0]), well(rng, (2, 2))]),))],
           gradcheck=False),
    OpSpec("linalg.solve", ember.linalg.solve, torch.linalg.solve, solve_samples, **DECOMP),
    OpSpec("linalg.solve_triangular",
           lambda a, b: ember.linalg.solve_triangular(a, b, upper=True),
           lambda a, b: torch.linalg.solve_triangular(a, b, upper=True),
           lambda rng: [SampleInput((well(rng, (3, 3)), rand(rng, (3, 2)))),
                        SampleInput((well(rng, (2, 3, 3)), rand(rng, (4, 1, 3, 2))))],
           **DECOMP),
    OpSpec("linalg.solve_triangular_lower_right",
           lambda a, b: ember.linalg.solve_triangular(a, b, upper=False, left=False,
                                                      unitriangular=True),
           lambda a, b: torch.linalg.solve_triangular(a, b, upper=False, left=False,
                                                      unitriangular=True),
           lambda rng: [SampleInput((well(rng, (2, 3, 3)), rand(rng, (2, 4, 3))))], **DECOMP),
    # ---------------------------------------------------------------- factorizations
    OpSpec("linalg.cholesky", lambda a, **k: ember.linalg.cholesky(spd(a), **k),
           lambda a, **k: torch.linalg.cholesky(spd(a), **k),
           lambda rng: [SampleInput((rand(rng, (3, 3)),)),
                        SampleInput((rand(rng, (2, 4, 4)),), dict(upper=True))], **DECOMP),
    OpSpec("linalg.qr", ember.linalg.qr, torch.linalg.qr, general((4, 3), (3, 3), (2, 3, 5)),
           **DECOMP),
    OpSpec("linalg.qr_complete", lambda a: ember.linalg.qr(a, mode="complete"),
           lambda a: torch.linalg.qr(a, mode="complete"), general((3, 4)), **DECOMP),
    OpSpec("linalg.qr_r", lambda a: ember.linalg.qr(a, mode="r")[1],
           lambda a: torch.linalg.qr(a, mode="r")[1], general((4, 3)), grad=False, **DECOMP),
    OpSpec("linalg.eigh", eigh_invariant(ember), eigh_invariant(torch),
           lambda rng: [SampleInput((rand(rng, (4, 4)),)),
                        SampleInput((rand(rng, (2, 3, 3)),), dict(UPLO="U"))], **DECOMP),
    OpSpec("linalg.eigvalsh", lambda a: ember.linalg.eigvalsh(sym(a)),
           lambda a: torch.linalg.eigvalsh(sym(a)), pairs(((4, 4),), ((2, 3, 3),)), **DECOMP),
    OpSpec("linalg.svd", svd_invariant(ember), svd_invariant(torch),
           lambda rng: [SampleInput(general(s)(rng)[0].args, dict(full_matrices=False))
                        for s in ((4, 3), (3, 5), (2, 3, 3))] +
           [SampleInput(general((4, 2))(rng)[0].args)], **DECOMP),
    OpSpec("svd", torch_svd_invariant(ember), torch_svd_invariant(torch),
           general((4, 3), (2, 3, 4)), **DECOMP),
    OpSpec("linalg.svdvals", ember.linalg.svdvals, torch.linalg.svdvals,
           general((4, 3), (3, 5), (2, 3, 3)), **DECOMP),
    OpSpec("linalg.pinv", ember.linalg.pinv, torch.linalg.pinv,
           general((4, 3), (3, 5), (2, 3, 3)), **DECOMP),
    OpSpec("linalg.pinv_hermitian", lambda a: ember.linalg.pinv(spd(a), hermitian=True),
           lambda a: torch.linalg.pinv(spd(a), hermitian=True), pairs(((3, 3),)), **DECOMP),
    OpSpec("pinverse", ember.pinverse, torch.pinverse, general((3, 2)), **DECOMP),
    OpSpec("linalg.matrix_rank", ember.linalg.matrix_rank, torch.linalg.matrix_rank,
           lambda rng: [SampleInput((rand(rng, (3, 4)),)),
                        SampleInput((rank_deficient(rng),)),
                        SampleInput((numpy.zeros((2, 2)),)),
                        SampleInput((rand(rng, (2, 3, 3)),), dict(hermitian=True)),
                        SampleInput((rand(rng, (3, 3)),), dict(atol=1.0, rtol=0.1))],
           grad=False),
    # ---------------------------------------------------------------- matrix exponential
    OpSpec("linalg.matrix_exp", ember.linalg.matrix_exp, torch.linalg.matrix_exp,
           lambda rng: [SampleInput((rand(rng, (3, 3), -0.2, 0.2),)),
                        SampleInput((rand(rng, (2, 4, 4)),)),
                        SampleInput((rand(rng, (3, 3), -4.0, 4.0),)),
                        SampleInput((numpy.zeros((2, 2)),))], **DECOMP),
    OpSpec("matrix_exp", ember.matrix_exp, torch.matrix_exp, pairs(((3, 3),)), **DECOMP),
    OpSpec("Tensor.matrix_exp", lambda a: a.matrix_exp(), lambda a: a.matrix_exp(),
           pairs(((2, 2, 2),)), **DECOMP),
    # ---------------------------------------------------------------- solves built on the above
    OpSpec("linalg.tensorinv", ember.linalg.tensorinv, torch.linalg.tensorinv,
           lambda rng: [SampleInput((well(rng, (6, 6)).reshape(2, 3, 6),), dict(ind=2)),
                        SampleInput((well(rng, (4, 4)).reshape(4, 2, 2),), dict(ind=1))],
           **DECOMP),
    OpSpec("linalg.tensorsolve", ember.linalg.tensorsolve, torch.linalg.tensorsolve,
           lambda rng: [SampleInput((well(rng, (6, 6)).reshape(2, 3, 6), rand(rng, (2, 3)))),
                        SampleInput((well(rng, (6, 6)).reshape(6, 2, 3), rand(rng, (2, 3))),
                                    dict(dims=(0,)))], **DECOMP),
    OpSpec("linalg.lstsq", lambda a, b, **k: ember.linalg.lstsq(a, b, **k).solution,
           lambda a, b, **k: torch.linalg.lstsq(a, b, **k).solution,
           lambda rng: [SampleInput(general((5, 3))(rng)[0].args + (rand(rng, (5, 2)),)),
                        SampleInput(general((2, 4, 3))(rng)[0].args + (rand(rng, (2, 4, 1)),),
                                    dict(driver="gelsd"))], **DECOMP),
    # ---------------------------------------------------------------- more method forms
    OpSpec("Tensor.slogdet", lambda a: a.slogdet(), lambda a: a.slogdet(), square((3, 3)),
           **DECOMP),
    OpSpec("Tensor.logdet", lambda a: a.logdet(), lambda a: a.logdet(), square((2, 3, 3)),
           **DECOMP),
    OpSpec("Tensor.pinverse", lambda a: a.pinverse(), lambda a: a.pinverse(), general((2, 4)),
           **DECOMP),
    OpSpec("Tensor.svd", torch_svd_invariant(None), torch_svd_invariant(None), general((3, 4)),
           **DECOMP),
]
