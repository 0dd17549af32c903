"""Reductions beyond the op table: errors with torch's types and messages, named-tuple
results, dtype rules, and small cases whose gradients are written out by hand."""
import math
import warnings

import pytest

import ember

X = [[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]


def grad_of(fn, data):
    x = ember.tensor(data, requires_grad=True)
    fn(x).sum().backward()
    return x.grad.tolist()


# ---------------------------------------------------------------- errors

@pytest.mark.parametrize("fn", [
    lambda x: ember.sum(x, 2), lambda x: ember.mean(x, (0, 2)), lambda x: x.max(2),
    lambda x: ember.var(x, 2), lambda x: ember.argmax(x, 2), lambda x: x.amax(2),
    lambda x: ember.logsumexp(x, 2)])
def test_bad_dim(fn):
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of "
                                         r"\[-2, 1\], but got 2\)"):
        fn(ember.ones(2, 3))


def test_empty_reductions_raise_like_torch():
    with pytest.raises(RuntimeError, match=r"max\(\): Expected reduction dim to be specified for "
                                           r"input.numel\(\) == 0"):
        ember.max(ember.tensor([]))
    with pytest.raises(RuntimeError, match=r"amin\(\): Expected reduction dim to be specified"):
        ember.amin(ember.zeros(0, 3))
    with pytest.raises(IndexError, match=r"min\(\): Expected reduction dim 0 to have non-zero "
                                         r"size"):
        ember.min(ember.zeros(0, 3), 0)
    with pytest.raises(IndexError, match=r"argmax\(\): Expected reduction dim to be specified "
                                         r"for input.numel\(\) == 0"):
        ember.argmax(ember.tensor([]))
    assert ember.amax(ember.zeros(0, 3), 1).shape == (0,)


def test_dtype_errors():
    with pytest.raises(RuntimeError, match="mean\\(\\): could not infer output dtype.*Got: Long"):
        ember.mean(ember.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="nanmean\\(\\): expected input to have floating point "
                                           "or complex dtype but got Int"):
        ember.nanmean(ember.tensor([1, 2], dtype=ember.int32))
    with pytest.raises(RuntimeError, match="std and var only support floating point"):
        ember.var(ember.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="linalg.vector_norm: Expected a floating point or "
                                           "complex tensor as input. Got Long"):
        ember.norm(ember.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="argmax\\(\\): does not support bool input"):
        ember.argmax(ember.tensor([True, False]))


def test_argument_errors():
    x = ember.ones(2, 3)
    with pytest.raises(RuntimeError, match="linalg.matrix_norm: dim must be a 2-tuple. Got 0 1 2"):
        ember.norm(ember.ones(2, 3, 4), "fro", (0, 1, 2))
    with pytest.raises(NotImplementedError, match="nuc"):
        ember.norm(x, "nuc")


# ---------------------------------------------------------------- named tuples

def test_named_tuple_fields():
    x = ember.tensor(X)
    r = ember.max(x, 1)
    assert isinstance(r, tuple) and type(r).__name__ == "max"
    assert r.values.tolist() == [3.0, 2.0] and r.indices.tolist() == [1, 0]
    values, indices = r
    assert values is r.values and indices is r[1]
    assert indices.dtype is ember.int64
    mm = ember.aminmax(x)
    assert (mm.min.item(), mm.max.item()) == (0.0, 3.0)
    assert repr(r).startswith("torch.return_types.max(\nvalues=tensor(")
    for name in ("min", "sort", "topk", "kthvalue", "median", "nanmedian", "mode", "cummax",
                 "cummin"):
        assert getattr(ember.return_types, name)._fields == ("values", "indices")
    # torch returns plain tuples from these
    assert type(ember.var_mean(x)) is tuple and type(ember.std_mean(x, 1)) is tuple


# ---------------------------------------------------------------- dtype rules

def test_integer_and_bool_dtypes():
    i32 = ember.tensor([[1, 2], [3, 4]], dtype=ember.int32)
    b = ember.tensor([True, False, True])
    u8 = ember.tensor([200, 100], dtype=ember.uint8)
    assert ember.sum(i32).dtype is ember.int64 and ember.sum(b).item() == 2
    assert ember.sum(u8).item() == 300  # no uint8 overflow: accumulates as int64
    assert ember.prod(b).dtype is ember.int64 and ember.prod(u8).item() == 20000
    assert ember.sum(i32, dtype=ember.int32).dtype is ember.int32
    assert ember.amax(i32, 0).dtype is ember.int32 and ember.max(u8).dtype is ember.uint8
    assert ember.all(u8).dtype is ember.uint8 and ember.any(u8, 0).dtype is ember.uint8
    assert ember.all(ember.tensor([1.0, 2.0])).dtype is ember.bool
    assert ember.count_nonzero(ember.tensor([[1.0, 0.0], [0.0, 2.0]]), 0).dtype is ember.int64
    assert ember.logsumexp(ember.tensor([1, 2]), 0).dtype is ember.float32
    assert ember.norm(ember.ones(2, 3), dtype=ember.float64).dtype is ember.float64


# ---------------------------------------------------------------- exact small cases

def test_prod_gradient_with_zeros():
    assert grad_of(ember.prod, [2.0, 3.0, 4.0]) == [12.0, 8.0, 6.0]
    assert grad_of(ember.prod, [2.0, 0.0, 4.0]) == [0.0, 8.0, 0.0]  # one zero
    assert grad_of(ember.prod, [2.0, 0.0, 0.0]) == [0.0, 0.0, 0.0]  # two zeros
    assert grad_of(lambda x: x.prod(1), [[0.0, 5.0], [3.0, 0.0]]) == [[5.0, 0.0], [0.0, 3.0]]


def test_prod_second_derivative_across_two_zeros():
    # d2/dx0 dx1 of x0*x1*x2 at (0, 0, 3) is x2 = 3, though both zeros make the gradient 0
    x = ember.tensor([0.0, 0.0, 3.0], requires_grad=True)
    (g,) = ember.autograd.grad(ember.prod(x), x, create_graph=True)
    assert g.tolist() == [0.0, 0.0, 0.0]
    (h,) = ember.autograd.grad(g[0], x)
    assert h.tolist() == [0.0, 3.0, 0.0]


def test_ties_split_or_go_to_the_index():
    assert grad_of(ember.max, X) == [[0.0, 0.5, 0.5], [0.0, 0.0, 0.0]]
    assert grad_of(lambda x: x.amax(1), X) == [[0.0, 0.5, 0.5], [0.5, 0.5, 0.0]]
    assert grad_of(lambda x: x.max(1).values, X) == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    assert grad_of(lambda x: x.norm(math.inf), [[-3.0, 3.0], [1.0, 0.0]]) == \
        [[-0.5, 0.5], [0.0, 0.0]]


def test_masked_gradients_at_zero():
    assert grad_of(lambda x: x.norm(dim=1), [[0.0, 0.0], [3.0, -4.0]]) == \
        [[0.0, 0.0], pytest.approx([0.6, -0.8])]
    assert grad_of(lambda x: x.std(1), [[2.0, 2.0, 2.0]]) == [[0.0, 0.0, 0.0]]  # not nan


def test_var_correction_semantics():
    x = ember.tensor([1.0, 2.0])
    assert ember.var(x).item() == 0.5 and ember.var(x, False).item() == 0.25
    assert ember.var(x, correction=0).item() == 0.25
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert ember.var(x, correction=2).item() == math.inf  # n - correction = 0
        assert math.isnan(ember.var(ember.tensor([5.0, 5.0]), correction=3).item())
        assert math.isnan(ember.std(ember.tensor([5.0])).item())
    assert any("degrees of freedom is <= 0" in str(w.message) for w in caught)


def test_logsumexp_is_stable():
    inf = math.inf
    x = ember.tensor([[-inf, -inf], [1.0, inf], [1000.0, 1000.0]])
    out = ember.logsumexp(x, 1).tolist()
    assert out[0] == -inf and out[1] == inf and out[2] == pytest.approx(1000 + math.log(2))


def test_zero_dim_inputs():
    s = ember.tensor(3.0, requires_grad=True)
    r = ember.max(s, 0)
    assert r.values.shape == () and r.indices.shape == () and r.indices.item() == 0
    assert ember.argmax(s, 0).item() == 0
