"""Linear algebra beyond the op table: torch's errors (type and exact message), singular
inputs, and gauge-invariant properties of the decompositions."""
import math
import warnings

import numpy
import pytest
import torch

import ember
import ember.linalg


R = numpy.random.default_rng(0)


def f32(*shape):
    return R.standard_normal(shape).astype(numpy.float32)


def f64(*shape):
    return R.standard_normal(shape)


def i64(*shape):
    return numpy.ones(shape, dtype=numpy.int64)


# (name, function of the framework module and its tensors, argument arrays)
ERROR_CASES = [
    ("matmul_2d", lambda m, a, b: m.matmul(a, b), (f32(3, 4), f32(5, 6))),
    ("matmul_nd_2d", lambda m, a, b: m.matmul(a, b), (f32(2, 3, 4), f32(5, 6))),
    ("matmul_batched", lambda m, a, b: m.matmul(a, b), (f32(2, 3, 4), f32(2, 5, 6))),
    ("matmul_batch_broadcast", lambda m, a, b: m.matmul(a, b), (f32(2, 3, 4), f32(3, 5, 6))),
    ("matmul_batch_broadcast2", lambda m, a, b: m.matmul(a, b), (f32(7, 2, 3, 4), f32(5, 4, 6))),
    ("matmul_1d", lambda m, a, b: m.matmul(a, b), (f32(4), f32(5))),
    ("matmul_1d_2d", lambda m, a, b: m.matmul(a, b), (f32(4), f32(5, 6))),
    ("matmul_2d_1d", lambda m, a, b: m.matmul(a, b), (f32(3, 4), f32(5))),
    ("matmul_nd_1d", lambda m, a, b: m.matmul(a, b), (f32(2, 3, 4), f32(5))),
    ("matmul_1d_nd", lambda m, a, b: m.matmul(a, b), (f32(4), f32(2, 5, 6))),
    ("matmul_0d", lambda m, a, b: m.matmul(a, b), (f32(), f32(5))),
    ("matmul_dtype", lambda m, a, b: m.matmul(a, b), (f32(3, 4), f64(4, 5))),
    ("matmul_dtype_1d", lambda m, a, b: m.matmul(a, b), (f32(4), f64(4))),
    ("matmul_dtype_batched", lambda m, a, b: m.matmul(a, b), (f32(2, 3, 4), f64(2, 4, 6))),
    ("mm_shapes", lambda m, a, b: m.mm(a, b), (f32(3, 4), f32(5, 6))),
    ("mm_self_1d", lambda m, a, b: m.mm(a, b), (f32(3), f32(3, 6))),
    ("mm_mat2_1d", lambda m, a, b: m.mm(a, b), (f32(3, 4), f32(4))),
    ("mm_dtype", lambda m, a, b: m.mm(a, b), (f64(3, 4), f32(4, 5))),
    ("bmm_shapes", lambda m, a, b: m.bmm(a, b), (f32(2, 3, 4), f32(2, 5, 6))),
    ("bmm_batch", lambda m, a, b: m.bmm(a, b), (f32(2, 3, 4), f32(3, 4, 6))),
    ("bmm_2d", lambda m, a, b: m.bmm(a, b), (f32(3, 4), f32(3, 4, 6))),
    ("bmm_2d_second", lambda m, a, b: m.bmm(a, b), (f32(2, 3, 4), f32(4, 6))),
    ("bmm_dtype", lambda m, a, b: m.bmm(a, b), (f32(2, 3, 4), f64(2, 4, 6))),
    ("mv_shapes", lambda m, a, b: m.mv(a, b), (f32(3, 4), f32(5))),
    ("mv_ndim", lambda m, a, b: m.mv(a, b), (f32(3, 4), f32(4, 1))),
    ("mv_dtype", lambda m, a, b: m.mv(a, b), (f64(3, 4), f32(4))),
    ("dot_sizes", lambda m, a, b: m.dot(a, b), (f32(3), f32(4))),
    ("dot_ndim", lambda m, a, b: m.dot(a, b), (f32(3, 1), f32(3))),
    ("dot_dtype", lambda m, a, b: m.dot(a, b), (f32(3), f64(3))),
    ("vdot_sizes", lambda m, a, b: m.vdot(a, b), (f32(3), f32(4))),
    ("inner_last_dim", lambda m, a, b: m.inner(a, b), (f32(2, 3), f32(4))),
    ("inner_dtype", lambda m, a, b: m.inner(a, b), (f32(3), f64(3))),
    ("outer_2d", lambda m, a, b: m.outer(a, b), (f32(2, 3), f32(4))),
    ("outer_2d_second", lambda m, a, b: m.outer(a, b), (f32(3), f32(4, 1))),
    ("addmm_dtype", lambda m, i, a, b: m.addmm(i, a, b), (f64(3, 5), f32(3, 4), f32(4, 5))),
    ("addmm_expand", lambda m, i, a, b: m.addmm(i, a, b), (f32(2, 5), f32(3, 4), f32(4, 5))),
    ("addmv_input", lambda m, i, a, b: m.addmv(i, a, b), (f32(2), f32(3, 4), f32(4))),
    ("addr_vec1", lambda m, i, a, b: m.addr(i, a, b), (f32(3, 4), f32(3, 1), f32(4))),
    ("addr_int_beta", lambda m, i, a, b: m.addr(i, a, b, beta=2.0), (i64(3, 4), i64(3), i64(4))),
    ("addbmm_batches", lambda m, i, a, b: m.addbmm(i, a, b), (f32(3, 5), f32(2, 3, 4),
                                                             f32(3, 4, 5))),
    ("baddbmm_expand", lambda m, i, a, b: m.baddbmm(i, a, b), (f32(3, 3, 5), f32(2, 3, 4),
                                                              f32(2, 4, 5))),
    ("einsum_no_operand", lambda m: m.einsum("i"), ()),
    ("einsum_size", lambda m, a, b: m.einsum("ij,jk", a, b), (f32(2, 3), f32(4, 4))),
    ("einsum_few", lambda m, a: m.einsum("ij,jk", a), (f32(2, 3),)),
    ("einsum_many", lambda m, a, b, c: m.einsum("ij,jk->", a, b, c), (f32(2, 3), f32(3, 3),
                                                                    f32(3))),
    ("einsum_ndim", lambda m, a: m.einsum("ijk", a), (f32(2, 3),)),
    ("einsum_ndim_ellipsis", lambda m, a: m.einsum("ijk...", a), (f32(2, 3),)),
    ("einsum_out_missing", lambda m, a: m.einsum("ij->ik", a), (f32(2, 3),)),
    ("einsum_out_twice", lambda m, a: m.einsum("ij->ii", a), (f32(2, 3),)),
    ("einsum_bad_char", lambda m, a: m.einsum("i1", a), (f32(2, 3),)),
    ("einsum_repeat_size", lambda m, a: m.einsum("ii->i", a), (f32(2, 3),)),
    ("einsum_dot", lambda m, a: m.einsum("i.j", a), (f32(2, 3),)),
    ("einsum_two_ellipses", lambda m, a: m.einsum("i......", a), (f32(2, 3),)),
    ("einsum_ellipsis_broadcast", lambda m, a, b: m.einsum("...i,...i", a, b), (f32(2, 3),
                                                                              f32(4, 3))),
    ("einsum_dtype", lambda m, a, b: m.einsum("ij,jk", a, b), (f64(2, 3), f32(3, 4))),
    ("tensordot_sizes", lambda m, a, b: m.tensordot(a, b, dims=1), (f32(2, 3), f32(4, 5))),
    ("tensordot_lists", lambda m, a, b: m.tensordot(a, b, dims=([1], [0, 1])), (f32(2, 3, 4),
                                                                                f32(3, 4, 5))),
    ("tensordot_negative", lambda m, a, b: m.tensordot(a, b, dims=-1), (f32(2, 3), f32(3, 5))),
    ("tensordot_too_many", lambda m, a, b: m.tensordot(a, b, dims=4), (f32(2, 3), f32(3, 5))),
    ("tensordot_dtype", lambda m, a, b: m.tensordot(a, b), (f32(2, 3, 4), f64(3, 4, 5))),
    ("cross_length", lambda m, a, b: m.cross(a, b, dim=0), (f32(4, 3), f32(4, 3))),
    ("cross_no_dim3", lambda m, a, b: m.cross(a, b), (f32(2, 4), f32(2, 4))),
    ("linalg_cross_ndim", lambda m, a, b: m.linalg.cross(a, b), (f32(4, 3), f32(3))),
    ("linalg_cross_length", lambda m, a, b: m.linalg.cross(a, b), (f32(4, 4), f32(4, 4))),
    ("inv_singular", lambda m, a: m.linalg.inv(a), (numpy.zeros((3, 3), numpy.float32),)),
    ("inv_singular_3", lambda m, a: m.linalg.inv(a),
     (numpy.array([[1., 2, 3], [2, 4, 6], [1, 1, 1]], numpy.float32),)),
    ("inv_singular_batch", lambda m, a: m.linalg.inv(a),
     (numpy.stack([numpy.eye(3), numpy.zeros((3, 3))]).astype(numpy.float32),)),
    ("inv_not_square", lambda m, a: m.linalg.inv(a), (f32(3, 4),)),
    ("inv_1d", lambda m, a: m.linalg.inv(a), (f32(3),)),
    ("inv_long", lambda m, a: m.linalg.inv(a), (i64(3, 3),)),
    ("inverse_singular", lambda m, a: m.inverse(a), (numpy.zeros((2, 2)),)),
    ("det_not_square", lambda m, a: m.linalg.det(a), (f32(3, 4),)),
    ("det_long", lambda m, a: m.det(a), (i64(3, 3),)),
    ("solve_singular", lambda m, a, b: m.linalg.solve(a, b), (numpy.zeros((3, 3)), f64(3))),
    ("solve_singular_batch", lambda m, a, b: m.linalg.solve(a, b), (numpy.zeros((2, 3, 3)),
                                                                    f64(3))),
    ("solve_shapes", lambda m, a, b: m.linalg.solve(a, b), (f32(3, 3), f32(4))),
    ("solve_shapes_matrix", lambda m, a, b: m.linalg.solve(a, b), (f32(3, 3), f32(4, 2))),
    ("solve_batched_matrix", lambda m, a, b: m.linalg.solve(a, b), (f32(2, 3, 3), f32(4, 1, 3))),
    ("solve_right", lambda m, a, b: m.linalg.solve(a, b, left=False), (f32(3, 3), f32(3, 2))),
    ("solve_not_square", lambda m, a, b: m.linalg.solve(a, b), (f32(3, 4), f32(3))),
    ("solve_dtype", lambda m, a, b: m.linalg.solve(a, b), (f32(3, 3), f64(3))),
    ("solve_long", lambda m, a, b: m.linalg.solve(a, b), (i64(3, 3), f32(3))),
    ("solve_triangular_vector", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True),
     (f32(3, 3), f32(3))),
    ("solve_triangular_batch_vector",
     lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True), (f32(2, 3, 3), f32(2, 3))),
    ("solve_triangular_right",
     lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True, left=False),
     (f32(3, 3), f32(2, 4))),
    ("cholesky_not_pd", lambda m, a: m.linalg.cholesky(a),
     (numpy.array([[1., 2], [2, 1]], numpy.float32),)),
    ("cholesky_not_pd_1", lambda m, a: m.linalg.cholesky(a),
     (numpy.array([[-1., 2], [2, 1]], numpy.float32),)),
    ("cholesky_not_pd_batch", lambda m, a: m.linalg.cholesky(a),
     (numpy.stack([numpy.eye(2), [[1., 2], [2, 1]]]).astype(numpy.float32),)),
    ("cholesky_not_square", lambda m, a: m.linalg.cholesky(a), (f32(2, 3),)),
    ("cholesky_long", lambda m, a: m.linalg.cholesky(a), (i64(3, 3),)),
    ("qr_1d", lambda m, a: m.linalg.qr(a), (f32(3),)),
    ("qr_mode", lambda m, a: m.linalg.qr(a, mode="x"), (f32(3, 3),)),
    ("eigh_not_square", lambda m, a: m.linalg.eigh(a), (f32(2, 3),)),
    ("eigh_long", lambda m, a: m.linalg.eigh(a), (i64(3, 3),)),
    ("eigh_uplo", lambda m, a: m.linalg.eigh(a, UPLO="X"), (f32(3, 3),)),
    ("svd_1d", lambda m, a: m.linalg.svd(a), (f32(3),)),
    ("svd_long", lambda m, a: m.linalg.svd(a), (i64(3, 3),)),
    ("svd_nan", lambda m, a: m.linalg.svd(a), (numpy.array([[1., numpy.nan], [0, 1]]),)),
    ("svdvals_1d", lambda m, a: m.linalg.svdvals(a), (f32(3),)),
    ("pinv_long", lambda m, a: m.linalg.pinv(a), (i64(3, 3),)),
    ("pinv_1d", lambda m, a: m.linalg.pinv(a), (f32(3),)),
    ("matrix_rank_long", lambda m, a: m.linalg.matrix_rank(a), (i64(3, 3),)),
    ("matrix_rank_1d", lambda m, a: m.linalg.matrix_rank(a), (f32(3),)),
    ("matrix_power_not_square", lambda m, a: m.linalg.matrix_power(a, 2), (f32(3, 4),)),
    ("matrix_power_1d", lambda m, a: m.linalg.matrix_power(a, 2), (f32(3),)),
    ("matrix_power_long_negative", lambda m, a: m.linalg.matrix_power(a, -1), (i64(3, 3),)),
    ("multi_dot_one", lambda m, a: m.linalg.multi_dot([a]), (f32(3, 3),)),
    ("multi_dot_first", lambda m, a, b: m.linalg.multi_dot([a, b]), (f32(2, 3, 3), f32(3, 3))),
    ("multi_dot_middle", lambda m, a, b, c: m.linalg.multi_dot([a, b, c]), (f32(3, 3), f32(3),
                                                                            f32(3, 3))),
    ("multi_dot_last", lambda m, a, b: m.linalg.multi_dot([a, b]), (f32(3, 3), f32(2, 3, 3))),
    ("multi_dot_shapes", lambda m, a, b: m.linalg.multi_dot([a, b]), (f32(2, 3), f32(4, 5))),
    ("multi_dot_dtype", lambda m, a, b: m.linalg.multi_dot([a, b]), (f32(3, 3), f64(3, 3))),
    ("vecdot_dtype", lambda m, a, b: m.linalg.vecdot(a, b), (f32(2, 3), f64(3))),
    ("vector_norm_long", lambda m, a: m.linalg.vector_norm(a), (i64(3),)),
    ("vector_norm_narrowing", lambda m, a: m.linalg.vector_norm(a, dtype=m.float32), (f64(3),)),
    ("vector_norm_inf_empty", lambda m, a: m.linalg.vector_norm(a, ord=math.inf),
     (numpy.ones(0, numpy.float32),)),
    ("vector_norm_negative_empty_dim", lambda m, a: m.linalg.vector_norm(a, ord=-1, dim=0),
     (numpy.ones((0, 3), numpy.float32),)),
    ("matrix_norm_1d", lambda m, a: m.linalg.matrix_norm(a), (f32(3),)),
    ("matrix_norm_order", lambda m, a: m.linalg.matrix_norm(a, ord=3), (f32(3, 3),)),
    ("matrix_norm_order_str", lambda m, a: m.linalg.matrix_norm(a, ord="abc"), (f32(3, 3),)),
    ("matrix_norm_same_dims", lambda m, a: m.linalg.matrix_norm(a, dim=(0, 0)), (f32(3, 3),)),
    ("norm_3d_ord", lambda m, a: m.linalg.norm(a, ord=2), (f32(3, 3, 3),)),
    ("norm_fro_int_dim", lambda m, a: m.linalg.norm(a, ord="fro", dim=0), (f32(3, 3),)),
    ("norm_fro_1d", lambda m, a: m.linalg.norm(a, ord="fro"), (f32(3),)),
    ("matrix_norm_empty_min", lambda m, a: m.linalg.matrix_norm(a, ord=-2),
     (numpy.ones((0, 3), numpy.float32),)),
    ("addmm_more_dims", lambda m, i, a, b: m.addmm(i, a, b), (f32(2, 3, 5), f32(3, 4),
                                                             f32(4, 5))),
    ("addmv_2d_input", lambda m, i, a, b: m.addmv(i, a, b), (f32(3, 3), f32(3, 4), f32(4))),
    ("vecdot_long", lambda m, a, b: m.linalg.vecdot(a, b), (i64(2), i64(2))),
    ("norm_dims", lambda m, a: m.linalg.norm(a, dim=(0, 1, 2)), (f32(3, 3, 3),)),
]


def _map_error(e):
    return RuntimeError if isinstance(e, (ember.linalg.LinAlgError, torch.linalg.LinAlgError)) \
        else type(e)


@pytest.mark.filterwarnings("ignore:Using torch.cross")
@pytest.mark.parametrize("name,fn,arrays", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_error_matches_torch(name, fn, arrays):
    with pytest.raises(Exception) as t_err:
        fn(torch, *[torch.from_numpy(a.copy()) for a in arrays])
    with pytest.raises(Exception) as e_err:
        fn(ember, *[ember.tensor(a) for a in arrays])
    assert type(e_err.value) is not AssertionError
    assert _map_error(e_err.value) is _map_error(t_err.value), (e_err.value, t_err.value)
    assert isinstance(e_err.value, ember.linalg.LinAlgError) == \
        isinstance(t_err.value, torch.linalg.LinAlgError)
    assert str(e_err.value) == str(t_err.value)


def test_linalg_error_is_runtime_error():
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)
    with pytest.raises(ember.linalg.LinAlgError, match=r"The diagonal element 2 is zero"):
        ember.linalg.inv(ember.tensor([[1.0, 2.0], [2.0, 4.0]]))
    with pytest.raises(RuntimeError, match=r"\(Batch element 1\): The solver failed"):
        ember.linalg.solve(ember.stack([ember.eye(2), ember.zeros(2, 2)]), ember.ones(2))
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied "
                                           r"\(3x4 and 5x6\)"):
        ember.randn(3, 4) @ ember.randn(5, 6)


def test_qr_backward_errors_match_torch():
    for mode, shape in (("r", (2, 3)), ("complete", (3, 2))):
        a = numpy.random.default_rng(1).standard_normal(shape)
        msgs = []
        for mod in (torch, ember):
            x = mod.tensor(a, requires_grad=True)
            q, r = mod.linalg.qr(x, mode=mode)
            with pytest.raises(RuntimeError) as err:
                (r.sum() + (q.sum() if q.numel() else 0)).backward()
            msgs.append(str(err.value))
        assert msgs[0] == msgs[1]


def test_det_gradient_at_singular_matrices_is_the_cofactor_matrix():
    # exactly singular: the gradient of det is still adj(A)^T (torch returns zeros here,
    # which finite differences contradict; ember keeps the mathematical value)
    a = numpy.array([[1.0, 0.0, 2.0], [3.0, 0.0, 1.0], [0.5, 0.0, 4.0]])
    x = ember.tensor(a, requires_grad=True)
    (g,) = ember.autograd.grad(ember.linalg.det(x), x)
    cof = numpy.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            minor = numpy.delete(numpy.delete(a, i, 0), j, 1)
            cof[i, j] = (-1) ** (i + j) * numpy.linalg.det(minor)
    numpy.testing.assert_allclose(g.numpy(), cof, atol=1e-12)
    assert ember.autograd.gradcheck(ember.linalg.det, (x,))
    b = numpy.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 1.0, 1.0]])
    y = ember.tensor(numpy.stack([b, numpy.eye(3) * 2]), requires_grad=True)
    (g,) = ember.autograd.grad(ember.linalg.det(y).sum(), y)
    numpy.testing.assert_allclose(g.numpy()[1], numpy.eye(3) * 4, atol=1e-12)
    assert ember.autograd.gradcheck(ember.linalg.det, (y,))


def _rand(shape, seed=0):
    return ember.tensor(numpy.random.default_rng(seed).standard_normal(shape))


def test_decompositions_reconstruct():
    a = _rand((2, 4, 3))
    q, r = ember.linalg.qr(a)
    numpy.testing.assert_allclose((q @ r).numpy(), a.numpy(), atol=1e-12)
    numpy.testing.assert_allclose((q.mT @ q).numpy(), numpy.broadcast_to(numpy.eye(3), (2, 3, 3)),
                                  atol=1e-12)
    assert numpy.allclose(numpy.tril(r.numpy(), -1), 0)
    s = a.mT @ a
    w, v = ember.linalg.eigh(s)
    numpy.testing.assert_allclose((v * w.unsqueeze(-2) @ v.mT).numpy(), s.numpy(), atol=1e-12)
    assert (numpy.diff(w.numpy(), axis=-1) >= 0).all()
    u, sv, vh = ember.linalg.svd(a, full_matrices=False)
    numpy.testing.assert_allclose(((u * sv.unsqueeze(-2)) @ vh).numpy(), a.numpy(), atol=1e-12)
    u, sv, vh = ember.linalg.svd(a)
    assert u.shape == (2, 4, 4) and vh.shape == (2, 3, 3)
    numpy.testing.assert_allclose((u.mT @ u).numpy(), numpy.broadcast_to(numpy.eye(4), (2, 4, 4)),
                                  atol=1e-12)
    c = ember.linalg.cholesky(s)
    numpy.testing.assert_allclose((c @ c.mT).numpy(), s.numpy(), atol=1e-12)
    cu = ember.linalg.cholesky(s, upper=True)
    numpy.testing.assert_allclose(cu.numpy(), c.mT.numpy(), atol=1e-12)
    p = ember.linalg.pinv(a)
    numpy.testing.assert_allclose((a @ p @ a).numpy(), a.numpy(), atol=1e-12)


def test_eigh_and_svd_gradients_of_invariants():
    # f(A) = sum_i g(lambda_i) has gradient V diag(g'(lambda)) V^T: check with g = x^2,
    # i.e. d/dA ||A||_F^2 = 2A for symmetric A
    a = _rand((4, 4), seed=3)
    s = (a + a.mT).detach().requires_grad_()
    w, v = ember.linalg.eigh(s)
    (g,) = ember.autograd.grad((w * w).sum(), s)
    numpy.testing.assert_allclose(g.numpy(), 2 * s.detach().numpy(), atol=1e-10)
    # d/dA sum(sigma_i^2) = 2A
    b = _rand((3, 5), seed=4).requires_grad_()
    (g,) = ember.autograd.grad((ember.linalg.svdvals(b) ** 2).sum(), b)
    numpy.testing.assert_allclose(g.numpy(), 2 * b.detach().numpy(), atol=1e-10)


def test_einsum_exact_small_cases():
    a = ember.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert ember.einsum("ii", a).item() == 5.0
    assert ember.einsum("ii->i", a).tolist() == [1.0, 4.0]
    assert ember.einsum("ij->ji", a).tolist() == [[1.0, 3.0], [2.0, 4.0]]
    assert ember.einsum("ij,ij->", a, a).item() == 30.0
    # results own their memory even where NumPy's einsum returns views
    d = ember.einsum("ii->i", a)
    d += 10
    assert a.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    x = a.clone().requires_grad_()
    (g,) = ember.autograd.grad(ember.einsum("ii", x), x)
    assert g.tolist() == [[1.0, 0.0], [0.0, 1.0]]
    (g,) = ember.autograd.grad(ember.einsum("ij->i", x).sum(), x)
    assert g.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_beta_zero_ignores_nan_input():
    nan = ember.full((3, 2), float("nan"), requires_grad=True)
    out = ember.addmm(nan, ember.ones(3, 4), ember.ones(4, 2), beta=0, alpha=0.5)
    assert out.tolist() == [[2.0, 2.0]] * 3
    (g,) = ember.autograd.grad(out.sum(), nan)
    assert g.tolist() == [[0.0, 0.0]] * 3


def test_cross_without_dim_warns_once_like_torch():
    a, b = ember.tensor([[1.0, 0.0, 0.0]]), ember.tensor([[0.0, 1.0, 0.0]])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = ember.cross(a, b)
    assert out.tolist() == [[0.0, 0.0, 1.0]]
    assert all("deprecated" in str(x.message) for x in w)


def test_matrix_rank_and_integer_products():
    a = ember.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 0.0, 1.0]])
    assert ember.linalg.matrix_rank(a).item() == 2
    assert ember.linalg.matrix_rank(a).dtype is ember.int64
    i = ember.tensor([[1, 2], [3, 4]])
    assert ember.matmul(i, i).tolist() == [[7, 10], [15, 22]]
    assert ember.matmul(i, i).dtype is ember.int64
    # torch truncates float beta/alpha for integer addmm
    assert ember.addmm(i, i, i, beta=0.5, alpha=1.7).tolist() == [[7, 10], [15, 22]]


def test_norm_gradients_at_zero_and_ties():
    x = ember.tensor([0.0, 3.0, -3.0, 1.0], requires_grad=True)
    (g,) = ember.autograd.grad(ember.linalg.vector_norm(x, math.inf), x)
    assert g.tolist() == [0.0, 0.5, -0.5, 0.0]
    z = ember.zeros(3, requires_grad=True)
    for o in (2, 1, 3, 0.5, math.inf):
        (g,) = ember.autograd.grad(ember.linalg.vector_norm(z, o), z)
        assert g.tolist() == [0.0, 0.0, 0.0], o


@pytest.mark.parametrize("driver", [None, "gelsd", "gelss", "gels"])
def test_lstsq_fields_match_torch(driver):
    rng = numpy.random.default_rng(5)
    a, b = rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 5, 2))
    e = ember.linalg.lstsq(ember.tensor(a), ember.tensor(b), driver=driver)
    t = torch.linalg.lstsq(torch.from_numpy(a), torch.from_numpy(b), driver=driver)
    for name in ("solution", "residuals", "rank", "singular_values"):
        ev, tv = getattr(e, name), getattr(t, name)
        assert tuple(ev.shape) == tuple(tv.shape), name
        assert ev.dtype.name == str(tv.dtype).replace("torch.", ""), name
        numpy.testing.assert_allclose(ev.numpy(), tv.numpy(), rtol=1e-10, atol=1e-10)


def test_matrix_exp_known_values():
    # exp of a rotation generator is the rotation; exp of a nilpotent matrix is I + N
    theta = 2.5
    r = ember.linalg.matrix_exp(ember.tensor([[0.0, -theta], [theta, 0.0]], dtype=ember.float64))
    expected = [[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]]
    numpy.testing.assert_allclose(r.numpy(), expected, atol=1e-14)
    n = ember.linalg.matrix_exp(ember.tensor([[0.0, 7.0], [0.0, 0.0]], dtype=ember.float64))
    assert n.tolist() == [[1.0, 7.0], [0.0, 1.0]]
    big = ember.tensor([[20.0, 1.0], [0.0, 20.0]], dtype=ember.float64)
    numpy.testing.assert_allclose(ember.linalg.matrix_exp(big).numpy(),
                                  [[math.exp(20), math.exp(20)], [0, math.exp(20)]], rtol=1e-13)
