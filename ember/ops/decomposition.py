"""torch.linalg's decompositions and solves: inv, det, slogdet/logdet, solve,
solve_triangular, cholesky, qr, eigh/eigvalsh, svd/svdvals, pinv, matrix_rank, lstsq,
tensorinv, tensorsolve, matrix_exp, and LinAlgError.

Named linalg_<name> (aten's names); ember/linalg.py gives them torch.linalg's names. Matrix
derivatives follow torch's FunctionsManual.cpp and the references named at each op; every
backward is written in ember ops, so second derivatives come from differentiating the first.
"""
import builtins
import math
from collections import namedtuple

import numpy

from .. import _dtype
from .._tensor import Tensor, make_tensor
from ..autograd import grad_mode
from ..autograd.function import Op
from .linalg import _broadcast, _const, _eye, _name, _out, _shape
from .shape import canonical_dim

__all__ = ["det", "logdet", "slogdet", "inverse", "pinverse", "matrix_exp", "svd"]


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a factorization or solve failed on a valid input."""


# ---------------------------------------------------------------- torch.linalg: checks

def _check_matrix(name, A, square=True):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if not (A.dtype.is_floating_point or A.dtype.is_complex):
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {_name(A)}")
    if A.dtype is _dtype.float16 or A.dtype is _dtype.bfloat16:
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got {_name(A)}")


def _host_matrices(ctx, a):
    """The matrices of a batch, as NumPy arrays: only for composing error messages."""
    host = ctx.ext.to_numpy(a)
    return host.reshape((-1,) + host.shape[-2:])


def _prefix(a, b):
    return f"(Batch element {b}): " if a.ndim > 2 else ""


def _lu_zero_pivot(m):
    """1-based index of the first exactly-zero pivot of LU with partial pivoting (LAPACK
    getrf's info), or 0. Runs in the matrix's own dtype so the rounding is LAPACK's."""
    u = m.copy()
    n = u.shape[0]
    for k in range(n):
        p = k + int(numpy.argmax(numpy.abs(u[k:, k])))
        if u[p, k] == 0:
            return k + 1
        if p != k:
            u[[k, p]] = u[[p, k]]
        u[k + 1:, k:] -= numpy.outer(u[k + 1:, k] / u[k, k], u[k, k:])
    return 0


def _singular(ctx, a, what):
    for b, m in enumerate(_host_matrices(ctx, a)):
        k = _lu_zero_pivot(m)
        if k:
            if what == "inv":
                return LinAlgError(f"linalg.inv: {_prefix(a, b)}The diagonal element {k} is "
                                   f"zero, the inversion could not be completed because the "
                                   f"input matrix is singular.")
            return LinAlgError(f"torch.linalg.solve: {_prefix(a, b)}The solver failed because "
                               f"the input matrix is singular.")
    return LinAlgError(f"linalg.{what}: the input matrix is singular.")


def _is_zero(g):
    """An output gradient the engine filled with zeros (that output was not used)."""
    return g.grad_fn is None and not g.requires_grad and not g._data.any()


# ---------------------------------------------------------------- inverse, det, solve

class Inv(Op):
    promote = None

    @staticmethod
    def forward(ctx, a):
        ctx.save_output()
        try:
            return ctx.xp.linalg.inv(a)
        except numpy.linalg.LinAlgError:
            raise _singular(ctx, a, "inv") from None

    @staticmethod
    def backward(ctx, grad):
        t = ctx.output.mT
        return -(t @ grad @ t)


def linalg_inv(A):
    _check_matrix("linalg.inv", A)
    return Inv.apply(A)


inverse = linalg_inv


class Det(Op):
    promote = None

    @staticmethod
    def forward(ctx, a):
        ctx.save_inputs(0)
        ctx.save_output()
        return ctx.xp.linalg.det(a)

    @staticmethod
    def backward(ctx, grad):
        (a,), det = ctx.inputs, ctx.output
        g = (grad * det).unsqueeze(-1).unsqueeze(-1)
        if not (det._data == 0).any():
            return g * linalg_inv(a).mT  # d det / dA = det * A^-T
        # A singular matrix has no inverse, but it has a cofactor matrix:
        # U diag(prod_{j != i} s_j) Vh * det(U) det(Vh). Used as a constant (no second
        # derivative at singular points).
        xp = ctx.xp
        u, s, vh = xp.linalg.svd(a._data)
        n = s.shape[-1]
        others = xp.where(xp.eye(n, dtype=bool), 1, s[..., None, :]).prod(-1)
        sign = xp.linalg.det(u) * xp.linalg.det(vh)
        cof = (u * others[..., None, :]) @ vh * sign[..., None, None]
        return (grad.unsqueeze(-1).unsqueeze(-1)) * _const(cof, a)


def linalg_det(A):
    _check_matrix("linalg.det", A)
    return Det.apply(A)


det = linalg_det

_slogdet_t = namedtuple("slogdet", ["sign", "logabsdet"])
_linalg_slogdet_t = namedtuple("linalg_slogdet", ["sign", "logabsdet"])


class Slogdet(Op):
    """Outputs (logabsdet, sign); sign is piecewise constant (zero gradient), but torch still
    links it into the graph, so it is linked here too."""

    promote = None

    @staticmethod
    def forward(ctx, a):
        ctx.save_inputs(0)
        sign, logabs = ctx.xp.linalg.slogdet(a)
        return logabs, sign

    @staticmethod
    def backward(ctx, grad, _):
        (a,) = ctx.inputs
        return grad.unsqueeze(-1).unsqueeze(-1) * linalg_inv(a).mT


def linalg_slogdet(A):
    _check_matrix("linalg.slogdet", A)
    logabs, sign = Slogdet.apply(A)
    return _linalg_slogdet_t(sign, logabs)


def slogdet(input):
    _check_matrix("linalg.slogdet", input)
    logabs, sign = Slogdet.apply(input)
    return _slogdet_t(sign, logabs)


def logdet(input):
    _check_matrix("linalg.slogdet", input)
    logabs, sign = Slogdet.apply(input)
    # log(det) is nan for a negative determinant, with a zero gradient there as in torch;
    # -inf (logabsdet's value) when the determinant is 0
    xp = input.device.xp
    neg = sign._data < 0
    if not neg.any():
        return logabs
    dt = sign._data.dtype
    return logabs * _const((~neg).astype(dt), sign) + _const(xp.where(neg, xp.nan, 0).astype(dt),
                                                            sign)


class Solve(Op):
    """X = A^-1 B for B of shape (..., n, k); batch dims broadcast."""

    promote = None

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_inputs(0)
        ctx.save_output()
        try:
            return ctx.xp.linalg.solve(a, b)
        except numpy.linalg.LinAlgError:
            raise _singular(ctx, a, "solve") from None

    @staticmethod
    def backward(ctx, grad):
        (a,), x = ctx.inputs, ctx.output
        gb = Solve.apply(a.mT, grad)
        return (-(gb @ x.mT) if ctx.needs_input_grad[0] else None), gb


def linalg_solve(A, B, *, left=True, out=None):
    _check_matrix("linalg.solve", A)
    if A.dtype is not B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A "
                           f"of type {_name(A)} and B of type {_name(B)} instead")
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    b = B.unsqueeze(-1) if vector else B
    n = A.shape[-1]
    if (b.shape[-2] if left else b.shape[-1]) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation {eq} "
                           f"({n}x{n} and {_shape(b.shape[-2:])})")
    _broadcast(A.shape[:-2], b.shape[:-2])
    if left:
        x = Solve.apply(A, b)
    else:  # X A = B  <=>  A^T X^T = B^T
        x = Solve.apply(A.mT, b.mT).mT
    result = x.squeeze(-1) if vector else x
    return _out(result, out)


def linalg_solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    _check_matrix("linalg.solve_triangular", A)
    if B.ndim < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 "
                           "dimensions.")
    n = A.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the "
                           f"equation {eq} ({n}x{n} and {_shape(B.shape[-2:])})")
    _broadcast(A.shape[:-2], B.shape[:-2])
    if A.dtype is not B.dtype:  # torch casts B to A's dtype here, unlike linalg.solve
        B = B.to(A.dtype)
    xp = A.device.xp
    ones = xp.ones((n, n), dtype=A._data.dtype)
    keep = xp.triu(ones, 1 if unitriangular else 0) if upper else \
        xp.tril(ones, -1 if unitriangular else 0)
    # only the triangle is read (and differentiated), as LAPACK's trtrs does. A general
    # solve does the work (NumPy has no triangular one), so unlike torch, an exactly
    # singular triangle raises LinAlgError instead of giving inf/nan.
    T = A * _const(keep, A)
    if unitriangular:
        T = T + _eye(n, A)
    result = Solve.apply(T, B) if left else Solve.apply(T.mT, B.mT).mT
    return _out(result, out)


# ---------------------------------------------------------------- factorizations

class Cholesky(Op):
    """L with A = L L^H; backward as Murray (2016), arXiv:1602.07527, in torch's form."""

    promote = None

    @staticmethod
    def forward(ctx, a, *, upper):
        ctx.upper = upper
        ctx.save_output()
        xp = ctx.xp
        # upper=True reads the upper triangle, as LAPACK's potrf('U'): that is the lower
        # triangle of A^T, whose factor is U^T
        src = xp.swapaxes(a, -1, -2) if upper else a
        try:
            low = xp.linalg.cholesky(src)
        except numpy.linalg.LinAlgError:
            raise _not_pd(ctx, src) from None
        return xp.ascontiguousarray(xp.swapaxes(low, -1, -2)) if upper else low

    @staticmethod
    def backward(ctx, grad):
        low = ctx.output
        if ctx.upper:
            low, grad = low.mT, grad.mT
        xp, dt = ctx.xp, low._data.dtype
        n = low.shape[-1]
        p = low.mT @ grad
        # symmetric part of tril(p) with the diagonal counted once
        s = (p * _const(xp.tril(xp.ones((n, n), dtype=dt)), low) +
             (p * _const(xp.tril(xp.ones((n, n), dtype=dt), -1), low)).mT) * 0.5
        inv = linalg_inv(low)
        return inv.mT @ s @ inv


def _not_pd(ctx, a):
    for b, m in enumerate(_host_matrices(ctx, a)):
        for k in range(1, m.shape[-1] + 1):
            try:
                numpy.linalg.cholesky(m[:k, :k])
            except numpy.linalg.LinAlgError:
                return LinAlgError(
                    f"linalg.cholesky: {_prefix(a, b)}The factorization could not be completed "
                    f"because the input is not positive-definite (the leading minor of order {k} "
                    f"is not positive-definite).")
    return LinAlgError("linalg.cholesky: The factorization could not be completed because the "
                       "input is not positive-definite.")


def linalg_cholesky(A, *, upper=False, out=None):
    _check_matrix("linalg.cholesky", A)
    result = Cholesky.apply(A, upper=upper)
    return _out(result, out)


_qr_t = namedtuple("linalg_qr", ["Q", "R"])


class Qr(Op):
    """Householder QR (LAPACK geqrf/orgqr, the same routines torch calls)."""

    promote = None

    @staticmethod
    def forward(ctx, a, *, mode):
        ctx.mode = mode
        ctx.save_output()
        if mode == "r":
            return ctx.xp.empty((0,), dtype=a.dtype), ctx.xp.linalg.qr(a, mode="r")
        return tuple(ctx.xp.linalg.qr(a, mode=mode))

    @staticmethod
    def backward(ctx, gq, gr):
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed "
                               "when mode='r'. Please use linalg.qr(A, mode='reduced') if you "
                               "are going to differentiate through linalg.qr.")
        q, r = ctx.outputs
        m, n = q.shape[-2], r.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' "
                               "and nrows > ncols.")
        if m >= n:
            return _qr_backward(q, r, gq, gr)
        # wide A = [X | Y] with X = Q U square and Y = Q V: Y only enters through V
        u, v = r[..., :, :m], r[..., :, m:]
        gu, gv = gr[..., :, :m], gr[..., :, m:]
        gx = _qr_backward(q, u, gq + (q @ v) @ gv.mT, gu)
        return _cat_last(gx, q @ gv)


def _qr_backward(q, r, gq, gr):
    """Tall or square case: gA = (gQ + Q copyltu(M)) R^-T, M = R gR^T - gQ^T Q, written
    with M^T = gR R^T - Q^T gQ and its upper triangle (Walter & Lehmann 2018)."""
    xp, dt = q.device.xp, q._data.dtype
    n = r.shape[-1]
    mt = gr @ r.mT - q.mT @ gq
    up = mt * _const(xp.triu(xp.ones((n, n), dtype=dt)), q)
    sym = up + up.mT - mt * _eye(n, q)
    b = gq + q @ sym
    return Solve.apply(r, b.mT).mT  # b R^-T


def _cat_last(a, b):
    """[a | b] along the last dim, as products with 0/1 selection matrices (no copy op needed
    and differentiable twice like everything else here)."""
    xp, dt = a.device.xp, a._data.dtype
    na, nb = a.shape[-1], b.shape[-1]
    ea = xp.eye(na, na + nb, dtype=dt)
    eb = xp.eye(nb, na + nb, na, dtype=dt)
    return a @ _const(ea, a) + b @ _const(eb, b)


def linalg_qr(A, mode="reduced", *, out=None):
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           f"'reduced' (default), 'r', or 'complete'")
    _check_matrix("linalg.qr", A, square=False)
    q, r = Qr.apply(A, mode=mode)
    return _qr_t(q, r)


_eigh_t = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])


class Eigh(Op):
    """Symmetric eigendecomposition; eigenvalues ascending (LAPACK syevd, like torch)."""

    promote = None

    @staticmethod
    def forward(ctx, a, *, uplo):
        ctx.save_output()
        w, v = ctx.xp.linalg.eigh(a, UPLO=uplo)
        return w, v

    @staticmethod
    def backward(ctx, gw, gv):
        w, v = ctx.outputs
        n = w.shape[-1]
        eye = _eye(n, w)
        inner = eye * gw.unsqueeze(-2)
        if not _is_zero(gv):
            # only the skew part of V^T gV is a tangent direction of the orthogonal group;
            # E_ij = w_j - w_i, with 1 on the diagonal where the skew part is 0 anyway
            vg = v.mT @ gv
            vg = (vg - vg.mT) * 0.5
            inner = inner + vg / (w.unsqueeze(-2) - w.unsqueeze(-1) + eye)
        return v @ inner @ v.mT


def _check_uplo(uplo):
    if uplo not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {uplo}")


def linalg_eigh(A, UPLO="L", *, out=None):
    _check_uplo(UPLO)
    _check_eigh(A)
    w, v = Eigh.apply(A, uplo=UPLO)
    return _eigh_t(w, v)


def _check_eigh(A):
    if A.ndim >= 2 and A.shape[-1] == A.shape[-2] and not (A.dtype.is_floating_point or
                                                           A.dtype.is_complex):
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for '{_name(A)}'")
    _check_matrix("linalg.eigh", A)


def linalg_eigvalsh(A, UPLO="L", *, out=None):
    _check_uplo(UPLO)
    _check_eigh(A)
    if A.requires_grad and grad_mode.state.enabled:
        return Eigh.apply(A, uplo=UPLO)[0]
    return make_tensor(A.device.xp.linalg.eigvalsh(A._data, UPLO=UPLO), A.device)


_svd_t = namedtuple("linalg_svd", ["U", "S", "Vh"])
_torch_svd_t = namedtuple("svd", ["U", "S", "V"])


class Svd(Op):
    """A = U diag(S) Vh; backward is torch's svd_backward (real case)."""

    promote = None

    @staticmethod
    def forward(ctx, a, *, full_matrices):
        ctx.save_output()
        try:
            return tuple(ctx.xp.linalg.svd(a, full_matrices=full_matrices))
        except numpy.linalg.LinAlgError:
            raise LinAlgError("linalg.svd: The algorithm failed to converge because the input "
                              "matrix contained non-finite values.") from None

    @staticmethod
    def backward(ctx, gu, gs, gvh):
        u, s, vh = ctx.outputs
        m, n = u.shape[-2], vh.shape[-1]
        k = s.shape[-1]
        use_u, use_v = not _is_zero(gu), not _is_zero(gvh)
        if u.shape[-1] != k:  # full_matrices: only the first k columns are determined
            u, gu = u[..., :, :k], gu[..., :, :k]
        if vh.shape[-2] != k:
            vh, gvh = vh[..., :k, :], gvh[..., :k, :]
        if not use_u and not use_v:
            return (u * gs.unsqueeze(-2)) @ vh
        v, gv = vh.mT, gvh.mT
        eye = _eye(k, s)
        s2 = s * s
        e = s2.unsqueeze(-2) - s2.unsqueeze(-1) + eye  # E_jk = s_k^2 - s_j^2, 1 on the diagonal
        if use_u:
            uhgu = u.mT @ gu
            uhgu = uhgu - uhgu.mT
        if use_v:
            vhgv = vh @ gv
            vhgv = vhgv - vhgv.mT
        if use_u and use_v:
            inner = (uhgu * s.unsqueeze(-2) + s.unsqueeze(-1) * vhgv) / e
        elif use_u:
            inner = uhgu * (s.unsqueeze(-2) / e)
        else:
            inner = (s.unsqueeze(-1) / e) * vhgv
        inner = inner + eye * gs.unsqueeze(-2)
        if m > k and use_u:  # the part of gU outside U's span
            ga = u @ inner
            gus = gu / s.unsqueeze(-2)
            ga = ga + gus - u @ (u.mT @ gus)
            return ga @ vh
        if n > k and use_v:
            ga = inner @ vh
            gvs = gv / s.unsqueeze(-2)
            ga = ga + gvs.mT - (gvs.mT @ v) @ vh
            return u @ ga
        return u @ inner @ vh


def linalg_svd(A, full_matrices=True, *, driver=None, out=None):
    _check_matrix("linalg.svd", A, square=False)
    u, s, vh = Svd.apply(A, full_matrices=full_matrices)
    return _svd_t(u, s, vh)


def svd(input, some=True, compute_uv=True, *, out=None):
    _check_matrix("linalg.svd", input, square=False)
    if not compute_uv:  # torch returns zero-filled square U and V then
        xp, dt = input.device.xp, input._data.dtype
        m, n = input.shape[-2], input.shape[-1]
        lead = tuple(input.shape[:-2])
        return _torch_svd_t(_const(xp.zeros(lead + (m, m), dtype=dt), input),
                            linalg_svdvals(input),
                            _const(xp.zeros(lead + (n, n), dtype=dt), input))
    u, s, vh = Svd.apply(input, full_matrices=not some)
    return _torch_svd_t(u, s, vh.mT)


def linalg_svdvals(A, *, driver=None, out=None):
    _check_matrix("linalg.svd", A, square=False)
    if A.requires_grad and grad_mode.state.enabled:
        return Svd.apply(A, full_matrices=False)[1]
    try:
        s = A.device.xp.linalg.svd(A._data, compute_uv=False)
    except numpy.linalg.LinAlgError:
        raise LinAlgError("linalg.svd: The algorithm failed to converge because the input "
                          "matrix contained non-finite values.") from None
    return make_tensor(s, A.device)


def _cutoff(xp, a, atol, rtol, smax):
    """torch's cut-off max(atol, rtol * smax) for the array `a`: rtol defaults to
    eps * max(m, n), or to 0 when only a positive atol is given."""
    if isinstance(atol, Tensor):
        atol = atol._data[..., None]
    if isinstance(rtol, Tensor):
        rtol = rtol._data[..., None]
    if rtol is None:
        default = atol is None or (isinstance(atol, (int, float)) and atol <= 0)
        rtol = numpy.finfo(a.dtype).eps * builtins.max(a.shape[-2:]) if default else 0.0
    if atol is None:
        atol = 0.0
    return xp.maximum(atol, rtol * smax)


class Pinv(Op):
    """Moore-Penrose inverse by SVD (or eigh when hermitian); backward is the classic formula
    (Golub & Pereyra 1973) in torch's arrangement."""

    promote = None

    @staticmethod
    def forward(ctx, a, *, atol, rtol, hermitian):
        ctx.save_inputs(0)
        ctx.save_output()
        xp = ctx.xp
        if a.size == 0:
            return xp.zeros(a.shape[:-2] + (a.shape[-1], a.shape[-2]), dtype=a.dtype)
        if hermitian:
            w, v = xp.linalg.eigh(a)
            aw = xp.abs(w)
            tol = _cutoff(xp, a, atol, rtol, aw.max(-1, keepdims=True))
            winv = xp.where(aw > tol, 1 / xp.where(w == 0, 1, w), 0).astype(a.dtype)
            return (v * winv[..., None, :]) @ xp.swapaxes(v, -1, -2)
        u, s, vh = xp.linalg.svd(a, full_matrices=False)
        tol = _cutoff(xp, a, atol, rtol, s[..., :1])
        sinv = xp.where(s > tol, 1 / xp.where(s == 0, 1, s), 0).astype(a.dtype)
        return (xp.swapaxes(vh, -1, -2) * sinv[..., None, :]) @ xp.swapaxes(u, -1, -2)

    @staticmethod
    def backward(ctx, grad):
        (a,), p = ctx.inputs, ctx.output
        m, n = a.shape[-2], a.shape[-1]
        ph, gh = p.mT, grad.mT
        if m <= n:
            k = gh @ p
            kph = k @ ph
            return -(p @ k).mT + kph - (a @ p) @ kph + (ph @ p) @ (gh - k @ a)
        k = p @ gh
        phk = ph @ k
        return -(k @ p).mT + (gh - a @ k) @ p @ ph + phk - phk @ p @ a


def linalg_pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None, out=None):
    if A.ndim < 2 or not (A.dtype.is_floating_point or A.dtype.is_complex):
        raise RuntimeError(f"linalg.pinv({_name(A)}{{{list(A.shape)}}}): expected a tensor with "
                           f"2 or more dimensions of float, double, cfloat or cdouble types")
    if rcond is not None:  # the older positional form: rcond is rtol
        rtol = rcond
    return Pinv.apply(A, atol=atol, rtol=rtol, hermitian=hermitian)


def pinverse(input, rcond=1e-15):
    return linalg_pinv(input, atol=0.0, rtol=rcond)


def linalg_matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None, out=None):
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at least "
                           "2 dimensions.")
    if not (A.dtype.is_floating_point or A.dtype.is_complex):
        raise RuntimeError("This function doesn't handle types other than float and double")
    if tol is not None:
        atol, rtol = tol, 0.0
    xp = A.device.xp
    if A.numel() == 0:
        return make_tensor(xp.zeros(A.shape[:-2], dtype=numpy.int64), A.device)
    if hermitian:
        s = xp.abs(xp.linalg.eigvalsh(A._data))
        smax = s.max(-1, keepdims=True)
    else:
        s = xp.linalg.svd(A._data, compute_uv=False)
        smax = s[..., :1]
    tol_ = _cutoff(xp, A._data, atol, rtol, smax)
    return make_tensor(xp.asarray((s > tol_).sum(-1), dtype=numpy.int64), A.device)


# ---------------------------------------------------------------- matrix exponential

def linalg_matrix_exp(A):
    """exp(A) by scaling and squaring: a Taylor polynomial of A / 2^s (with ||A / 2^s||_1
    <= 1/2, the truncation error is below the dtype's precision), squared s times. Only
    products and sums, so first and second derivatives come from matmul's."""
    _check_matrix("linalg.matrix_exp", A)
    n = A.shape[-1]
    eye = _eye(n, A)
    if A.numel() == 0:
        return A * 1
    norm = float(A.device.xp.abs(A._data).sum(-2).max())
    s = builtins.max(0, math.ceil(math.log2(norm)) + 1) if math.isfinite(norm) and norm > 0.5 \
        else 0
    x = A * (0.5 ** s) if s else A
    result = eye
    for k in range(12 if A.dtype is _dtype.float64 else 8, 0, -1):  # Horner
        result = eye + (x @ result) * (1.0 / k)
    for _ in range(s):
        result = result @ result
    return result


matrix_exp = linalg_matrix_exp


# ---------------------------------------------------------------- solves built on the above

def linalg_tensorinv(A, ind=2, *, out=None):
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    left, right = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    if math.prod(left) != math.prod(right):
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {math.prod(right)} != "
                           f"{math.prod(left)}")
    result = linalg_inv(A.reshape(math.prod(left), math.prod(right))).reshape(right + left)
    return _out(result, out)


def linalg_tensorsolve(A, B, dims=None, *, out=None):
    if dims is not None:
        moved = [canonical_dim(d, A.ndim) for d in dims]
        order = [d for d in range(A.ndim) if d not in moved] + moved
        A = A.permute(order)
    rest = tuple(A.shape[B.ndim:])
    result = linalg_solve(A.reshape(B.numel(), math.prod(rest)), B.reshape(-1)).reshape(rest)
    return _out(result, out)


_lstsq_t = namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])


def linalg_lstsq(A, B, rcond=None, *, driver=None):
    """Least squares through the pseudo-inverse: the minimum-norm solution (equal to LAPACK's
    for full-rank A; gelsy's basic solution of a rank-deficient A differs)."""
    if driver not in (None, "gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of (gels, "
                           f"gelsy, gelsd, gelss)")
    driver = driver or "gelsy"
    _check_matrix("torch.linalg.lstsq", A, square=False)
    vector = B.ndim == A.ndim - 1
    b = B.unsqueeze(-1) if vector else B
    x = linalg_pinv(A, rtol=rcond) @ b
    xp = A.device.xp
    empty = _const(xp.empty((0,), dtype=A._data.dtype), A)
    m, n = A.shape[-2], A.shape[-1]
    rank = linalg_matrix_rank(A, rtol=rcond) if driver != "gels" else \
        _const(xp.empty((0,), dtype=numpy.int64), A)
    residuals = empty
    if driver != "gelsy" and m > n and bool((rank._data == n).all() if rank.numel() else True):
        residuals = ((A @ x - b) ** 2).sum(-2)
    sv = linalg_svdvals(A).detach() if driver in ("gelsd", "gelss") else empty
    return _lstsq_t(x.squeeze(-1) if vector else x, residuals.squeeze(-1) if vector and
                    residuals.numel() else residuals, rank, sv)
