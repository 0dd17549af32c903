"""torch.nn.utils.rnn: PackedSequence and the padding/packing helpers.

A PackedSequence stores the time steps of a batch of sequences one after another (time
major), step t holding the batch_sizes[t] sequences still running, longest first. Packing
and unpacking are single gathers (index_select) with index arrays computed in NumPy, so
they are differentiable and cost one op each whatever the batch size.
"""
from collections import namedtuple

import numpy

from ... import _creation
from ..._tensor import Tensor, make_tensor
from ...ops.indexing import index_select
from ...ops.joining import cat, stack

__all__ = [
    "PackedSequence",
    "invert_permutation",
    "pack_padded_sequence",
    "pack_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpack_sequence",
    "unpad_sequence",
]


def _long(values, device=None):
    return _creation.tensor(numpy.asarray(values, dtype=numpy.int64), device=device)


class PackedSequence(namedtuple("PackedSequence",
                                ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """Holds the data and the list of batch_sizes of a packed sequence (torch's layout:
    batch_sizes is an int64 CPU tensor, sorted_indices the permutation applied to the batch
    when packing, unsorted_indices its inverse)."""

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # PackedSequence(tuple) as torch accepts
            data, batch_sizes = data[0], data[1]
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def _apply(self, fn):
        # batch_sizes stays on the CPU, as torch keeps it
        return type(self)(fn(self.data), self.batch_sizes,
                          None if self.sorted_indices is None else fn(self.sorted_indices),
                          None if self.unsorted_indices is None else fn(self.unsorted_indices))

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        dev = data.device
        return type(self)(data, self.batch_sizes,
                          None if self.sorted_indices is None else self.sorted_indices.to(dev),
                          None if self.unsorted_indices is None else
                          self.unsorted_indices.to(dev))

    def cpu(self, *args, **kwargs):
        return self.to("cpu")

    def cuda(self, *args, **kwargs):
        return self.to("cuda")

    def double(self):
        return type(self)(self.data.double(), *self[1:])

    def float(self):
        return type(self)(self.data.float(), *self[1:])

    def half(self):
        return type(self)(self.data.half(), *self[1:])

    def long(self):
        return type(self)(self.data.long(), *self[1:])

    def int(self):
        return type(self)(self.data.int(), *self[1:])

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return False


def invert_permutation(permutation):
    if permutation is None:
        return None
    perm = permutation._data
    xp = permutation.device.xp
    out = xp.empty_like(perm)
    out[perm] = xp.arange(perm.shape[0], dtype=perm.dtype)
    return make_tensor(out, permutation.device)


def _lengths_array(lengths):
    if isinstance(lengths, Tensor):
        return numpy.asarray(lengths.detach().cpu()._data).astype(numpy.int64).reshape(-1)
    return numpy.asarray(list(lengths), dtype=numpy.int64).reshape(-1)


def _batch_sizes(lengths):
    """batch_sizes[t] = how many of the (descending) lengths exceed t."""
    T = int(lengths[0])
    return (lengths[None, :] > numpy.arange(T)[:, None]).sum(1).astype(numpy.int64)


def _packed_rows(batch_sizes, B):
    """Row of the flattened (T*B) time-major padded tensor for each packed row."""
    return numpy.concatenate([t * B + numpy.arange(b) for t, b in enumerate(batch_sizes)])


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    lengths = _lengths_array(lengths)
    if enforce_sorted:
        if lengths.size > 1 and (numpy.diff(lengths) > 0).any():
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability.")
        sorted_indices = None
    else:
        order = numpy.argsort(-lengths, kind="stable")
        lengths = lengths[order]
        sorted_indices = _long(order, input.device)
        input = index_select(input, 0 if batch_first else 1, sorted_indices)
    if lengths.size == 0 or lengths[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    if batch_first:
        input = input.transpose(0, 1)
    T, B = input.shape[0], input.shape[1]
    if lengths.size != B:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                         f"{lengths.size} (batch_size={B})")
    if lengths[0] > T:
        raise RuntimeError(f"Start (0) + length ({lengths[0]}) exceeds dimension size ({T}).")
    bs = _batch_sizes(lengths)
    rows = _packed_rows(bs, B)
    flat = input.reshape((T * B,) + tuple(input.shape[2:]))
    data = index_select(flat, 0, _long(rows, input.device))
    return PackedSequence(data, _long(bs), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    data, batch_sizes = sequence.data, sequence.batch_sizes
    bs = numpy.asarray(batch_sizes._data).astype(numpy.int64)
    T, B = bs.shape[0], int(bs[0])
    if total_length is not None:
        if total_length < T:
            raise ValueError(f"Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {T}")
        T_out = total_length
    else:
        T_out = T
    # every padded slot points at its packed row, or at one extra padding row at the end
    N = data.shape[0]
    index = numpy.full(T_out * B, N, dtype=numpy.int64)
    index[_packed_rows(bs, B)] = numpy.arange(N)
    pad_row = _creation.full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype,
                             device=data.device)
    padded = index_select(cat([data, pad_row]), 0, _long(index, data.device))
    padded = padded.reshape((T_out, B) + tuple(data.shape[1:]))
    lengths = (bs[None, :] > numpy.arange(B)[:, None]).sum(1).astype(numpy.int64)
    if sequence.unsorted_indices is not None:
        padded = index_select(padded, 1, sequence.unsorted_indices)
        lengths = lengths[numpy.asarray(sequence.unsorted_indices.cpu()._data)]
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, _long(lengths)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got "
                         f"{padding_side}.")
    if isinstance(sequences, Tensor):
        sequences = sequences.unbind(0)
    sequences = list(sequences)
    T = max(s.shape[0] for s in sequences)
    out = []
    for s in sequences:
        n = T - s.shape[0]
        if n:
            pad = _creation.full((n,) + tuple(s.shape[1:]), padding_value, dtype=s.dtype,
                                 device=s.device)
            s = cat([s, pad] if padding_side == "right" else [pad, s])
        out.append(s)
    return stack(out, 1 if not batch_first else 0)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [padded_sequences[i, :int(n)] for i, n in enumerate(_lengths_array(lengths))]


def pack_sequence(sequences, enforce_sorted=True):
    lengths = [s.size(0) for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
