"""F.embedding_bag: sums, means or maxima of bags of embedding rows, without materialising
the (bags, length, dim) lookup.

A composition of differentiable ops (embedding, mul, index_add, gather), so gradients and
double backward follow from theirs. The bag bookkeeping (which position belongs to which
bag, which are padding) is integer work done once on the index arrays.
"""
import numpy

from .._tensor import make_tensor

__all__ = ["embedding_bag"]


def _check(input, weight, offsets, mode, per_sample_weights):
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension "
                         f"{weight.dim()}")
    if input.dtype.is_floating_point or input.dtype.is_complex:
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {input.type()} instead (while checking arguments for "
            "embedding_bag)")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError(
                "if input is 2D, then offsets has to be None, as input is treated is a "
                "mini-batch of fixed length sequences. However, found offsets of type "
                f"{type(offsets)}")
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(
                "embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                f"supported for mode='sum' (got mode='{mode}'). Please open a feature request "
                "on GitHub.")
        if tuple(per_sample_weights.shape) != tuple(input.shape):
            raise ValueError(
                f"embedding_bag: If per_sample_weights ({tuple(per_sample_weights.shape)}) is "
                f"not None, then it must have the same shape as the input "
                f"({tuple(input.shape)})")


def _bags(input, offsets, include_last_offset):
    """(bag of every input position, number of bags)."""
    if input.dim() == 2:
        b, n = input.shape
        return numpy.repeat(numpy.arange(b), n), b
    off = numpy.asarray(offsets._data.get() if hasattr(offsets._data, "get") else offsets._data)
    off = off.astype(numpy.int64)
    if off.size and off[0] != 0:
        raise RuntimeError(
            "offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
            f"from position 0. However, got {off[0]}")
    b = off.size - 1 if include_last_offset else off.size
    # as torch, the last bag runs to the end of input even when a last offset is given
    bag = numpy.searchsorted(off[:b], numpy.arange(input.shape[0]), side="right") - 1
    return bag, max(b, 0)


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2,
                  scale_grad_by_freq=False, mode="mean", sparse=False, per_sample_weights=None,
                  include_last_offset=False, padding_idx=None):
    from ..nn.functional import embedding
    _check(input, weight, offsets, mode, per_sample_weights)
    num, dim = weight.shape
    idx = input._data.get() if hasattr(input._data, "get") else input._data
    idx = numpy.asarray(idx).reshape(-1).astype(numpy.int64)
    bad = (idx < 0) | (idx >= num)
    if bad.any():
        i = int(numpy.argmax(bad))
        raise RuntimeError(f"Index {i} of input takes value {idx[i]} which is not in the valid "
                           f"range [0, {num})")
    if padding_idx is not None and padding_idx < 0:
        padding_idx += num
    bag, nbags = _bags(input, offsets, include_last_offset)
    keep = bag >= 0
    if padding_idx is not None:
        keep &= idx != padding_idx  # padding entries are not part of their bag
    pos = numpy.nonzero(keep)[0]
    bag = bag[pos]
    dev = weight.device
    xp = dev.xp

    def t(a):
        return make_tensor(xp.asarray(a), dev)

    counts = numpy.bincount(bag, minlength=nbags)
    out = weight.new_zeros((nbags, dim))
    if pos.size == 0:
        return out
    rows = embedding(t(idx[pos]), weight, None, max_norm, norm_type)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.reshape(-1).index_select(0, t(pos)).unsqueeze(1)
    if mode == "max":
        # torch takes the first maximal row of each bag, per column
        r = rows.detach()._data
        r = numpy.asarray(r.get() if hasattr(r, "get") else r)
        best = numpy.full((nbags, dim), -numpy.inf, dtype=r.dtype)
        numpy.maximum.at(best, bag, r)
        cand = numpy.where(r == best[bag], numpy.arange(pos.size)[:, None], pos.size)
        first = numpy.full((nbags, dim), pos.size, dtype=numpy.int64)
        numpy.minimum.at(first, bag, cand)
        empty = counts == 0
        first[empty] = 0
        picked = rows.gather(0, t(first))
        if empty.any():
            picked = picked * t((~empty)[:, None].astype(r.dtype))
        return picked
    out = out.index_add(0, t(bag), rows)
    if mode == "mean":
        out = out / t(numpy.maximum(counts, 1)[:, None].astype(weight._data.dtype))
    return out
