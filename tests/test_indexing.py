"""Indexing beyond the op table: views share memory, in-place writes and their gradients,
torch's errors, and small cases worked out by hand."""
import numpy
import pytest
import torch

import ember
from _harness import assert_same, to_torch


def _x(shape=(3, 4), requires_grad=False):
    return ember.tensor(numpy.arange(float(numpy.prod(shape))).reshape(shape),
                        dtype=ember.float32, requires_grad=requires_grad)


# ---------------------------------------------------------------- views and memory

def test_basic_index_is_a_view_sharing_memory():
    x = _x()
    row = x[0]
    row[1] = -5.0
    assert x[0, 1].item() == -5.0
    col = x[:, ::2]
    col.mul_(0)
    assert x.tolist()[1] == [0.0, 5.0, 0.0, 7.0]
    assert x[1]._base is x


def test_advanced_index_is_a_copy():
    x = _x()
    picked = x[[0, 1]]
    picked[0, 0] = 100.0
    assert x[0, 0].item() == 0.0


def test_setitem_through_int_and_array_changes_only_those_places():
    x = _x((2, 3, 4))
    x[1, :, [0, 3]] = ember.tensor([-1.0, -2.0])
    expected = numpy.arange(24.0).reshape(2, 3, 4)
    expected[1, :, [0, 3]] = [[-1.0], [-2.0]]
    numpy.testing.assert_array_equal(x.numpy(), expected)


def test_view_of_view_then_advanced_setitem_reaches_base():
    x = _x()
    v = x[1:]
    v[[1, 0], [0, 0]] = 9.0
    assert x[2, 0].item() == 9.0 and x[1, 0].item() == 9.0 and x[0, 0].item() == 0.0


# ---------------------------------------------------------------- gradients by hand

def test_repeated_index_accumulates_gradient():
    x = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 1.0]


def test_double_backward_through_getitem():
    x = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x[[2, 2, 0]] ** 2).sum()
    (g,) = ember.autograd.grad(y, x, create_graph=True)
    assert g.tolist() == [2.0, 0.0, 12.0]
    (gg,) = ember.autograd.grad(g.sum(), x)
    assert gg.tolist() == [2.0, 0.0, 4.0]


def test_setitem_gradient_reaches_value_and_untouched_input():
    x = ember.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    v = ember.tensor([10.0, 20.0], requires_grad=True)
    y = x * 1.0
    y[[1, 0], [0, 0]] = v
    (y * ember.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    assert x.grad.tolist() == [[0.0, 2.0], [0.0, 4.0]]
    assert v.grad.tolist() == [3.0, 1.0]


def test_masked_fill_gradient_flows_to_tensor_value():
    x = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = ember.tensor(5.0, requires_grad=True)
    y = ember.masked_fill(x, ember.tensor([True, False, True]), v)
    assert y.tolist() == [5.0, 2.0, 5.0]
    (y * ember.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [0.0, 2.0, 0.0]
    assert v.grad.item() == 4.0


def test_scatter_add_and_index_add_exact():
    x = ember.zeros(2, 3)
    out = x.scatter_add(1, ember.tensor([[0, 0, 2]]), ember.tensor([[1.0, 2.0, 3.0]]))
    assert out.tolist() == [[3.0, 0.0, 3.0], [0.0, 0.0, 0.0]]
    out = ember.index_add(ember.ones(3), 0, ember.tensor([2, 2]), ember.tensor([1.0, 4.0]),
                          alpha=2)
    assert out.tolist() == [1.0, 1.0, 11.0]


def test_scatter_reduce_amax_splits_ties_evenly():
    x = ember.tensor([1.0, 0.0], requires_grad=True)
    src = ember.tensor([1.0, 1.0, -3.0], requires_grad=True)
    out = ember.scatter_reduce(x, 0, ember.tensor([0, 0, 1]), src, "amax")
    assert out.tolist() == [1.0, 0.0]
    out.sum().backward()
    assert x.grad.tolist() == pytest.approx([1 / 3, 1.0])
    assert src.grad.tolist() == pytest.approx([1 / 3, 1 / 3, 0.0])


def test_where_single_argument_is_nonzero_as_tuple():
    x = ember.tensor([[0.0, 1.0], [2.0, 0.0]])
    rows, cols = ember.nonzero(x, as_tuple=True)
    assert rows.tolist() == [0, 1] and cols.tolist() == [1, 0]
    assert rows.dtype is ember.int64


def test_nonzero_dtype_and_shape():
    out = ember.nonzero(ember.tensor([[0, 3], [4, 0]]))
    assert out.dtype is ember.int64 and out.tolist() == [[0, 1], [1, 0]]


def test_take_double_backward():
    x = ember.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = (ember.take(x, ember.tensor([3, 3, 0])) ** 3).sum()
    (g,) = ember.autograd.grad(y, x, create_graph=True)
    assert g.tolist() == [[3.0, 0.0], [0.0, 96.0]]
    (gg,) = ember.autograd.grad(g.sum(), x)
    assert gg.tolist() == [[6.0, 0.0], [0.0, 48.0]]


@pytest.mark.parametrize("index", [(0, slice(None), [1, 2]), ([0, 1], None, [1, 2]),
                                   (None, [0, 1], None, [1, 2]), ([0, 1], slice(None), True),
                                   (Ellipsis, 0, Ellipsis), ([[0, 1], [1, 2]],)])
def test_getitem_shape_rules_match_torch(index):
    a = numpy.arange(60.0).reshape(3, 4, 5)
    e, t = ember.tensor(a), torch.tensor(a)
    if len(index) == 1:  # a list holding lists: torch reads it as a tuple, with a warning
        with pytest.warns(UserWarning, match="non-tuple sequence"):
            out = e[index[0]]
        with pytest.warns(UserWarning):
            expected = t[index[0]]
    else:
        out, expected = e[index], t[index]
    assert_same(out, expected, 0, 0)


# ---------------------------------------------------------------- errors

@pytest.mark.parametrize("index, exc, match", [
    (5, IndexError, "index 5 is out of bounds for dimension 0 with size 3"),
    ((0, 9), IndexError, "index 9 is out of bounds for dimension 1 with size 4"),
    ((0, [5]), IndexError, "index 5 is out of bounds for dimension 0 with size 4"),
    ([-4], IndexError, "index -4 is out of bounds for dimension 0 with size 3"),
    (slice(None, None, -1), ValueError, "step must be greater than zero"),
    (slice(None, None, 0), ValueError, "slice step cannot be zero"),
    (1.0, IndexError, r"only integers, slices \(`:`\), ellipsis \(`...`\), None and long or "
                      r"byte Variables are valid indices \(got float\)"),
    ((0, 0, 0), IndexError, "too many indices for tensor of dimension 2"),
    (([0, 1], [0, 1, 2]), IndexError, r"shape mismatch: indexing tensors could not be "
                                      r"broadcast together with shapes \[2\], \[3\]"),
])
def test_getitem_errors(index, exc, match):
    with pytest.raises(exc, match=match):
        _x()[index]


def test_getitem_tensor_index_errors():
    x = _x()
    with pytest.raises(IndexError, match="tensors used as indices must be long, int, byte or "
                                         "bool tensors"):
        x[ember.tensor([1.0])]
    with pytest.raises(IndexError, match=r"The shape of the mask \[2\] at index 0 does not "
                                         r"match the shape of the indexed tensor \[3, 4\] at "
                                         r"index 0"):
        x[ember.tensor([True, False])]
    with pytest.raises(IndexError, match="invalid index of a 0-dim tensor"):
        ember.tensor(1.0)[0]


def test_setitem_errors():
    leaf = ember.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used "
                                           "in an in-place operation"):
        leaf[[0]] = 1.0
    x = ember.zeros(3, 4)
    with pytest.raises(RuntimeError, match="Index put requires the source and destination "
                                           "dtypes match, got Float for the destination and "
                                           "Double for the source"):
        x[[0, 1]] = ember.ones(4, dtype=ember.float64)
    with pytest.raises(RuntimeError, match=r"shape mismatch: value tensor of shape \[3\] cannot "
                                           r"be broadcast to indexing result of shape \[2, 4\]"):
        x[[0, 1]] = ember.ones(3)
    with pytest.raises(TypeError, match="can't assign a list to a torch.FloatTensor"):
        x[0] = [1.0, 2.0, 3.0, 4.0]


def test_setitem_int_tensor_truncates_number():
    x = ember.zeros(2, 3, dtype=ember.int64)
    x[[1]] = -2.7
    assert x.tolist() == [[0, 0, 0], [-2, -2, -2]]


def test_gather_scatter_errors():
    x = _x()
    i = ember.tensor([[0, 1]])
    with pytest.raises(RuntimeError, match=r"gather\(\): Expected dtype int32/int64 for index"):
        ember.gather(x, 1, i.float())
    with pytest.raises(RuntimeError, match="Index tensor must have the same number of "
                                           "dimensions as input tensor"):
        ember.gather(x, 1, ember.tensor([0]))
    with pytest.raises(RuntimeError, match="index 5 is out of bounds for dimension 1 with "
                                           "size 4"):
        ember.gather(x, 1, ember.tensor([[0, 5]]))
    with pytest.raises(RuntimeError, match=r"Size does not match at dimension 1 expected index "
                                           r"\[1, 5\] to be no larger than self \[3, 4\] apart "
                                           r"from dimension 0"):
        ember.gather(x, 0, ember.tensor([[0, 1, 2, 0, 0]]))
    with pytest.raises(RuntimeError, match="scatter\\(\\): Expected self.dtype to be equal to "
                                           "src.dtype"):
        ember.scatter(x, 1, i, ember.ones(1, 2, dtype=ember.float64))
    with pytest.raises(RuntimeError, match="reduce argument must be either sum, prod, mean, "
                                           "amax or amin, got foo"):
        ember.scatter_reduce(x, 1, i, x, "foo")
    with pytest.raises(RuntimeError, match="reduce argument must be either add or multiply"):
        ember.scatter(x, 1, i, x, reduce="mean")


def test_index_and_masked_errors():
    x = _x()
    with pytest.raises(IndexError, match="index out of range in self"):
        ember.index_select(x, 0, ember.tensor([3]))
    with pytest.raises(RuntimeError, match=r"index_add_\(\): Number of indices \(2\) should be "
                                           r"equal to source.size\(dim\): \(3\), for dim: 0"):
        ember.index_add(x, 0, ember.tensor([0, 0]), ember.ones(3, 4))
    with pytest.raises(RuntimeError, match=r"index_copy_\(\): Expected a long tensor for "
                                           r"index, but got Int"):
        ember.index_copy(x, 0, ember.tensor([0], dtype=ember.int32), ember.ones(1, 4))
    with pytest.raises(RuntimeError, match="masked_fill_ only supports boolean masks, but got "
                                           "mask with dtype long int"):
        ember.masked_fill(x, ember.tensor([1, 0, 1, 0]), 1.0)
    with pytest.raises(RuntimeError, match="masked_fill_ only supports a 0-dimensional value "
                                           r"tensor, but got tensor with 1 dimension\(s\)"):
        ember.masked_fill(x, ember.tensor([True] * 4), ember.tensor([1.0]))
    with pytest.raises(RuntimeError, match="Number of elements of source < number of ones in "
                                           "mask"):
        ember.masked_scatter(x, ember.tensor([True] * 4), ember.ones(3))
    with pytest.raises(IndexError, match="out of range: tried to access index 12 on a tensor "
                                         "of 12 elements"):
        ember.take(x, ember.tensor([12]))
    with pytest.raises(RuntimeError, match="dtype of indices should be Long but got Int"):
        ember.take_along_dim(x, ember.tensor([[0]], dtype=ember.int32), 1)


def test_inplace_method_on_leaf_raises():
    leaf = ember.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        leaf.index_fill_(0, ember.tensor([0]), 1.0)
