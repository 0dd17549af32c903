import math

import numpy
import torch

import ember
import ember.linalg

from ._spec import OpSpec, SampleInput, rand

# Decompositions in float32 agree with torch (both LAPACK) to about 1e-5 relative; looser
# tolerances for them are on their rows.
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


def square(*shapes, **kwargs):
    def make(rng):
        return [SampleInput((well(rng, s),), dict(kwargs)) for s in shapes]
    return make


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


def solve_samples(rng):
    return [SampleInput((well(rng, (3, 3)), rand(rng, (3,)))),
            SampleInput((well(rng, (3, 3)), rand(rng, (3, 2)))),
            SampleInput((well(rng, (2, 3, 3)), rand(rng, (2, 3)))),         # batch of vectors
            SampleInput((well(rng, (2, 3, 3)), rand(rng, (4, 1, 3, 2)))),   # broadcast batch
            SampleInput((well(rng, (3, 3)), rand(rng, (2, 3))), dict(left=False))]


def spd(a):
    """A symmetric positive-definite matrix from any square one, differentiably."""
    n = a.shape[-1]
    eye = (ember if isinstance(a, ember.Tensor) else torch).eye(n, dtype=a.dtype)
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


def matrix_power_samples(rng):
    return [SampleInput((well(rng, (3, 3), 1.0), n)) for n in (0, 1, 2, 3, 6, -1, -2)] + \
        [SampleInput((well(rng, (2, 3, 3), 1.0), 3))]


def multi_dot_samples(rng):
    return [SampleInput(([rand(rng, (2, 3)), rand(rng, (3, 4)), rand(rng, (4, 2))],)),
            SampleInput(([rand(rng, (3,)), rand(rng, (3, 4)), rand(rng, (4,))],)),
            SampleInput(([rand(rng, (3,)), rand(rng, (3, 2))],)),
            SampleInput(([rand(rng, (2, 3)), rand(rng, (3,))],))]


def rank_deficient(rng):
    a = rand(rng, (3, 3))
    a[2] = a[0] + a[1]
    return a


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
    OpSpec("einsum", ember.einsum, torch.einsum, einsum_samples),
    OpSpec("einsum_list", ember.einsum, torch.einsum, einsum_list_samples),
    OpSpec("einsum_sublist", einsum_sublist, einsum_sublist, pairs(((2, 3), (3, 4)))),
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
    # ---------------------------------------------------------------- norms and powers
    OpSpec("linalg.vector_norm", ember.linalg.vector_norm, torch.linalg.vector_norm,
           vector_norm_samples, gradgrad=False),  # see the _gg row: inf/1 have kinks
    OpSpec("linalg.vector_norm_gg", ember.linalg.vector_norm, torch.linalg.vector_norm,
           lambda rng: [SampleInput((rand(rng, (3, 4), 0.5, 2.0),), dict(ord=o))
                        for o in (2, 3, 1.5)]),
    OpSpec("linalg.matrix_norm", ember.linalg.matrix_norm, torch.linalg.matrix_norm,
           matrix_norm_samples, gradgrad=False, **DECOMP),  # max/min of sums: kinks
    OpSpec("linalg.norm", _norm(ember), _norm(torch), norm_samples, **DECOMP),
    OpSpec("linalg.matrix_power", ember.linalg.matrix_power, torch.linalg.matrix_power,
           matrix_power_samples, **DECOMP),
    OpSpec("matrix_power", ember.matrix_power, torch.matrix_power,
           lambda rng: [SampleInput((rand(rng, (3, 3)), 2))]),
    OpSpec("linalg.matrix_exp", ember.linalg.matrix_exp, torch.linalg.matrix_exp,
           lambda rng: [SampleInput((rand(rng, (3, 3), -0.2, 0.2),)),
                        SampleInput((rand(rng, (2, 4, 4)),)),
                        SampleInput((rand(rng, (3, 3), -4.0, 4.0),)),
                        SampleInput((numpy.zeros((2, 2)),))], **DECOMP),
    OpSpec("matrix_exp", ember.matrix_exp, torch.matrix_exp, pairs(((3, 3),)), **DECOMP),
    OpSpec("Tensor.matrix_exp", lambda a: a.matrix_exp(), lambda a: a.matrix_exp(),
           pairs(((2, 2, 2),)), **DECOMP),
    OpSpec("linalg.cond", ember.linalg.cond, torch.linalg.cond,
           lambda rng: [SampleInput(general((3, 3))(rng)[0].args),
                        SampleInput(general((2, 3, 4))(rng)[0].args, dict(p=-2))], **DECOMP),
    # torch's own backward fails for these orders (it modifies inv_ex's output in place)
    OpSpec("linalg.cond_norms", ember.linalg.cond, torch.linalg.cond,
           lambda rng: [SampleInput((well(rng, (3, 3)),), dict(p=p))
                        for p in ("fro", "nuc", math.inf, -1)], grad=False, **DECOMP),
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
    OpSpec("Tensor.vdot", lambda x, y: x.vdot(y), lambda x, y: x.vdot(y), pairs(((3,), (3,)))),
    OpSpec("Tensor.slogdet", lambda a: a.slogdet(), lambda a: a.slogdet(), square((3, 3)),
           **DECOMP),
    OpSpec("Tensor.logdet", lambda a: a.logdet(), lambda a: a.logdet(), square((2, 3, 3)),
           **DECOMP),
    OpSpec("Tensor.pinverse", lambda a: a.pinverse(), lambda a: a.pinverse(), general((2, 4)),
           **DECOMP),
    OpSpec("Tensor.matrix_power", lambda a: a.matrix_power(3), lambda a: a.matrix_power(3),
           pairs(((3, 3),))),
    OpSpec("Tensor.svd", torch_svd_invariant(None), torch_svd_invariant(None), general((3, 4)),
           **DECOMP),
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
