"""ember.nn.utils.rnn against torch.nn.utils.rnn: values, batch sizes, permutations and
gradients through packing and padding."""
import numpy
import pytest
import torch
from torch.nn.utils import rnn as trnn

import ember
from ember.nn.utils import rnn as ernn


def _seqs(lengths, feat=(3,)):
    arrays = [numpy.random.randn(n, *feat).astype(numpy.float32) for n in lengths]
    return ([torch.tensor(a, requires_grad=True) for a in arrays],
            [ember.tensor(a, requires_grad=True) for a in arrays])


def _close(e, t):
    assert tuple(e.shape) == tuple(t.shape) and str(e.dtype) == str(t.dtype)
    numpy.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-6, atol=1e-7)


def _same_packed(ep, tp):
    _close(ep.data, tp.data)
    assert ep.batch_sizes.tolist() == tp.batch_sizes.tolist()
    assert ep.batch_sizes.dtype == ember.int64
    for e, t in ((ep.sorted_indices, tp.sorted_indices),
                 (ep.unsorted_indices, tp.unsorted_indices)):
        assert (e is None) == (t is None)
        if e is not None:
            assert e.tolist() == t.tolist()


def _backward_same(eout, tout, eleaves, tleaves):
    g = numpy.random.randn(*tout.shape).astype(numpy.float32)
    tout.backward(torch.tensor(g))
    eout.backward(ember.tensor(g))
    for e, t in zip(eleaves, tleaves):
        _close(e.grad, t.grad)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence(batch_first, padding_side):
    ts, es = _seqs([2, 4, 1], (3, 2))
    t = trnn.pad_sequence(ts, batch_first=batch_first, padding_value=-2.5,
                          padding_side=padding_side)
    e = ernn.pad_sequence(es, batch_first=batch_first, padding_value=-2.5,
                          padding_side=padding_side)
    _close(e, t)
    _backward_same(e, t, es, ts)


def test_pad_sequence_of_a_tensor_and_errors():
    x = numpy.random.randn(2, 3, 1).astype(numpy.float32)
    _close(ernn.pad_sequence(ember.tensor(x)), trnn.pad_sequence(torch.tensor(x)))
    with pytest.raises(RuntimeError, match="Expected padding_side to be one of left or right, "
                                           "but got mid."):
        ernn.pad_sequence([ember.ones(2)], padding_side="mid")


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("lengths,enforce_sorted", [([4, 4, 2, 1], True),
                                                    ([2, 4, 1, 3], False),
                                                    ([3, 3, 3, 3], False)])
def test_pack_pad_round_trip(batch_first, lengths, enforce_sorted):
    x = numpy.random.randn(4, 4, 2).astype(numpy.float32)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    lens_e = ember.tensor(lengths) if enforce_sorted else lengths  # a tensor or a list
    tp = trnn.pack_padded_sequence(tx, torch.tensor(lengths), batch_first=batch_first,
                                   enforce_sorted=enforce_sorted)
    ep = ernn.pack_padded_sequence(ex, lens_e, batch_first=batch_first,
                                   enforce_sorted=enforce_sorted)
    assert isinstance(ep, tuple) and ep._fields == tp._fields
    _same_packed(ep, tp)
    to, tl = trnn.pad_packed_sequence(tp, batch_first=batch_first, padding_value=9.0,
                                      total_length=6)
    eo, el = ernn.pad_packed_sequence(ep, batch_first=batch_first, padding_value=9.0,
                                      total_length=6)
    _close(eo, to)
    assert el.tolist() == tl.tolist() == lengths and el.dtype == ember.int64
    _backward_same(eo, to, [ex], [tx])


def test_pack_sequence_unpack_unpad():
    ts, es = _seqs([2, 4, 1])
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order when "
                                           "`enforce_sorted` is True"):
        ernn.pack_sequence(es)
    tp = trnn.pack_sequence(ts, enforce_sorted=False)
    ep = ernn.pack_sequence(es, enforce_sorted=False)
    _same_packed(ep, tp)
    tu, eu = trnn.unpack_sequence(tp), ernn.unpack_sequence(ep)
    assert len(eu) == 3
    for e, t in zip(eu, tu):
        _close(e, t)
    total = sum((e * (i + 1)).sum() for i, e in enumerate(eu))
    total.backward()
    for i, e in enumerate(es):
        numpy.testing.assert_array_equal(e.grad.numpy(), numpy.full(e.shape, i + 1.0))
    padded = ernn.pad_sequence(es, batch_first=True)
    for e, u in zip(es, ernn.unpad_sequence(padded, ember.tensor([2, 4, 1]), batch_first=True)):
        numpy.testing.assert_array_equal(u.detach().numpy(), e.detach().numpy())


def test_packed_sequence_object():
    p = ernn.PackedSequence(ember.ones(3), ember.tensor([2, 1]))
    assert p.sorted_indices is None and p.unsorted_indices is None
    q = ernn.PackedSequence(ember.ones(3), ember.tensor([2, 1]), ember.tensor([1, 0]))
    assert q.unsorted_indices.tolist() == [1, 0]
    perm = ember.tensor([2, 0, 3, 1])
    assert ernn.invert_permutation(perm).tolist() == \
        trnn.invert_permutation(torch.tensor([2, 0, 3, 1])).tolist()
    d = q.double()
    assert d.data.dtype == ember.float64 and d.batch_sizes is q.batch_sizes
    data, batch_sizes, _, _ = q
    assert batch_sizes.tolist() == [2, 1] and data is q.data


def test_pack_errors():
    with pytest.raises(RuntimeError, match="Length of all samples has to be greater than 0"):
        ernn.pack_padded_sequence(ember.zeros(3, 2), [3, 0])
    with pytest.raises(RuntimeError, match=r"Expected `len\(lengths\)` to be equal to "
                                           r"batch_size, but got 3 \(batch_size=2\)"):
        ernn.pack_padded_sequence(ember.zeros(3, 2), [3, 3, 2])
    p = ernn.pack_padded_sequence(ember.zeros(3, 2), [3, 1])
    with pytest.raises(ValueError, match="Expected total_length to be at least the length of "
                                         "the longest sequence in input, but got "
                                         "total_length=2 and max sequence length being 3"):
        ernn.pad_packed_sequence(p, total_length=2)
