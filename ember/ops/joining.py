"""Copying, joining and splitting ops: cat/stack and their numpy-style variants,
split/chunk/unbind, repeat/tile/repeat_interleave, flip/roll/rot90, tril/triu, diag/diag_embed/
trace, meshgrid and constant padding (which nn.functional.pad builds on).

Primitives come in adjoint pairs whose backward is the other one, so double backward needs
nothing more: Cat/SplitWithSizes, Stack/Unbind, DiagEmbed/Diagonal (Diagonal is a view op in
ops/shape.py). Everything else is composed. The splitting ops and meshgrid return views, as
torch's do; the rest copy.
"""
import builtins
import warnings

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import Op
from .shape import (
    Diagonal,
    Reshape,
    _at1,
    _at2,
    _at3,
    _check_unique,
    _diagonal_view,
    _narrowed,
    canonical_dim,
    expand,
    reshape,
    transpose,
)

__all__ = ["unbind", "split", "chunk", "tensor_split", "hsplit", "vsplit", "dsplit", "cat",
           "concat", "concatenate", "stack", "hstack", "vstack", "dstack", "column_stack",
           "row_stack", "repeat_interleave", "tile", "flip", "fliplr", "flipud", "roll", "rot90",
           "tril", "triu", "diag", "diag_embed", "trace", "meshgrid", "constant_pad_nd"]


# ------------------------------------------------------------------ splitting

class Unbind(Op):
    promote = None
    view = True

    @staticmethod
    def forward(ctx, x, *, dim):
        ctx.dim = dim
        pre = (slice(None),) * dim
        return tuple(x[pre + (i, Ellipsis)] for i in range(x.shape[dim]))

    @staticmethod
    def backward(ctx, *grads):
        return Stack.apply(*grads, dim=ctx.dim)


def unbind(input, dim=0):
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    return Unbind.apply(input, dim=canonical_dim(dim, input.ndim))


class SplitWithSizes(Op):
    promote = None
    view = True

    @staticmethod
    def forward(ctx, x, *, dim, sizes):
        ctx.dim = dim
        pre = (slice(None),) * dim
        out, start = [], 0
        for s in sizes:
            out.append(x[pre + (slice(start, start + s),)])
            start += s
        return tuple(out)

    @staticmethod
    def backward(ctx, *grads):
        return Cat.apply(*grads, dim=ctx.dim)


def split(tensor, split_size_or_sections, dim=0):
    if tensor.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = canonical_dim(dim, tensor.ndim)
    n = tensor.shape[d]
    if isinstance(split_size_or_sections, int):
        s = split_size_or_sections
        if s < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={s}")
        if s == 0:
            if n != 0:
                raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                                   f"dimension size of {n}")
            sizes = (0,)
        else:
            k = builtins.max((n + s - 1) // s, 1)
            sizes = (s,) * (k - 1) + (n - s * (k - 1),)
    else:
        sizes = tuple(int(s) for s in split_size_or_sections)
        if any(s < 0 for s in sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative "
                               f"entries, but got split_sizes={list(sizes)}")
        if builtins.sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} "
                               f"(input tensor's size at dimension {d}), but got "
                               f"split_sizes={list(sizes)}")
    return SplitWithSizes.apply(tensor, dim=d, sizes=sizes)


def chunk(input, chunks, dim=0):
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = canonical_dim(dim, input.ndim)
    n = input.shape[d]
    size = (n + chunks - 1) // chunks
    if size == 0:  # torch gives `chunks` empty pieces of an empty dim
        return SplitWithSizes.apply(input, dim=d, sizes=(0,) * chunks)
    return split(input, size, d)


def tensor_split(input, indices_or_sections, dim=0):
    if input.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        if ios.dtype is not _dtype.int64:
            from .inplace import _NAMES
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to have dtype "
                               f"of long, but got {_NAMES[ios.dtype.name]}")
        if ios.ndim > 1:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to be a "
                               f"zero-dimensional or one-dimensional tensor, but got a tensor "
                               f"with {ios.ndim} dims")
        ios = int(ios.item()) if ios.ndim == 0 else [int(i) for i in ios.tolist()]
    d = canonical_dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(ios, int):
        if ios <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {ios}")
        q, r = divmod(n, ios)
        return SplitWithSizes.apply(input, dim=d, sizes=(q + 1,) * r + (q,) * (ios - r))
    bounds = []
    for i in ios:  # Python slice semantics: negative indices wrap, then clamp to [0, n]
        i = int(i)
        i = i + n if i < 0 else i
        bounds.append(builtins.min(builtins.max(i, 0), n))
    starts, stops = [0] + bounds, bounds + [n]
    if all(a <= b for a, b in zip(starts, stops)):
        return SplitWithSizes.apply(input, dim=d, sizes=tuple(b - a for a, b in zip(starts,
                                                                                  stops)))
    return tuple(_narrowed(input, d, a, builtins.max(a, b)) for a, b in zip(starts, stops))


def _split_along(name, input, ios, d, need):
    if input.ndim < need:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {need} dimension, but "
                           f"got a tensor with {input.ndim} dimensions!")
    if isinstance(ios, int):
        n = input.shape[d]
        if ios == 0 or n % ios:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {d}, but the "
                               f"size of the dimension {n} is not divisible by the split_size "
                               f"{ios}!")
    return tensor_split(input, ios, d)


def hsplit(input, indices_or_sections):
    return _split_along("hsplit", input, indices_or_sections, 0 if input.ndim == 1 else 1, 1)


def vsplit(input, indices_or_sections):
    return _split_along("vsplit", input, indices_or_sections, 0, 2)


def dsplit(input, indices_or_sections):
    return _split_along("dsplit", input, indices_or_sections, 2, 3)


# ------------------------------------------------------------------ joining

def _legacy_empty(x):
    # torch still skips 1-D empty tensors in cat whatever the other shapes, but counts
    # their dtype in the promotion
    return x.ndim == 1 and x.shape[0] == 0


class Cat(Op):
    @staticmethod
    def forward(ctx, *xs, dim):
        ctx.dim = dim
        skip = tuple(_legacy_empty(x) for x in xs)
        if all(skip):
            skip = (False,) * len(xs)
        ctx.skip = skip
        ctx.sizes = tuple(x.shape[dim] for x, s in zip(xs, skip) if not s)
        return ctx.xp.concatenate([x for x, s in zip(xs, skip) if not s], axis=dim)

    @staticmethod
    def backward(ctx, grad):
        parts = SplitWithSizes.apply(grad, dim=ctx.dim, sizes=ctx.sizes)
        if not any(ctx.skip):
            return parts
        parts = iter(parts)
        return tuple(grad.new_zeros((0,)) if s else next(parts) for s in ctx.skip)


def cat(tensors, dim=0):
    tensors = tuple(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    kept = [x for x in tensors if not _legacy_empty(x)]
    if not kept:
        return Cat.apply(*tensors, dim=0)
    ref = kept[0]
    nd = ref.ndim
    for i, x in enumerate(tensors):
        if x.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be "
                               "concatenated")
    d = canonical_dim(dim, nd)
    for i, x in enumerate(tensors):
        if _legacy_empty(x):
            continue
        if x.ndim != nd:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {nd} and "
                               f"{x.ndim}")
        for k in range(nd):
            if k != d and x.shape[k] != ref.shape[k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. "
                                   f"Expected size {ref.shape[k]} but got size {x.shape[k]} for "
                                   f"tensor number {i} in the list.")
    return Cat.apply(*tensors, dim=d)


def concat(tensors, dim=0):
    return cat(tensors, dim)


def concatenate(tensors, axis=0):
    return cat(tensors, axis)


class Stack(Op):
    @staticmethod
    def forward(ctx, *xs, dim):
        ctx.dim = dim
        return ctx.xp.stack(xs, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return Unbind.apply(grad, dim=ctx.dim)


def stack(tensors, dim=0):
    tensors = tuple(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tensors[0].shape
    for i, x in enumerate(tensors):
        if x.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(shape)} at entry 0 and {list(x.shape)} at entry {i}")
    return Stack.apply(*tensors, dim=canonical_dim(dim, len(shape) + 1))


def _nonempty(name, tensors):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


def hstack(tensors):
    tensors = [_at1(x) for x in _nonempty("hstack", tensors)]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    return cat([_at2(x) for x in _nonempty("vstack", tensors)], 0)


def row_stack(tensors):
    return vstack(tensors)


def dstack(tensors):
    return cat([_at3(x) for x in _nonempty("dstack", tensors)], 2)


def column_stack(tensors):
    return hstack([Reshape.apply(x, shape=(x.numel(), 1)) if x.ndim <= 1 else x
                   for x in _nonempty("column_stack", tensors)])


# ------------------------------------------------------------------ repetition

class Repeat(Op):
    promote = None

    @staticmethod
    def forward(ctx, x, *, sizes):
        ctx.in_shape, ctx.sizes = x.shape, sizes
        return ctx.xp.tile(x, sizes)

    @staticmethod
    def backward(ctx, grad):
        # out dim i is sizes[i] copies of the (padded) input dim: split it and sum the copies
        shape = (1,) * (len(ctx.sizes) - len(ctx.in_shape)) + ctx.in_shape
        pairs = []
        for r, s in zip(ctx.sizes, shape):
            pairs += (r, s)
        g = reshape(grad, pairs).sum(tuple(range(0, len(pairs), 2)))
        return reshape(g, ctx.in_shape)


def repeat(input, sizes):
    """Tensor.repeat (torch has no top-level repeat)."""
    sizes = tuple(sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of "
                           "dimensions of tensor")
    shape = (1,) * (len(sizes) - input.ndim) + input.shape
    out = [r * s for r, s in zip(sizes, shape)]
    for r, s in zip(sizes, out):
        if r < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {out}")
    return Repeat.apply(input, sizes=sizes)


def tile(input, dims):
    dims = tuple(dims)
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


class RepeatInterleave(Op):
    promote = None

    @staticmethod
    def forward(ctx, x, *, repeats, dim):
        ctx.in_shape, ctx.repeats, ctx.dim = x.shape, repeats, dim
        return ctx.xp.repeat(x, repeats, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        s, d, r = ctx.in_shape, ctx.dim, ctx.repeats
        if isinstance(r, int):  # equal groups: a reshape and a sum
            return reshape(grad, s[:d] + (s[d], r) + s[d + 1:]).sum(d + 1)
        return RepeatInterleaveBackward.apply(grad, repeats=r, dim=d, size=s[d])


class RepeatInterleaveBackward(Op):
    """Sums each run of repeated positions along `dim` back into one: RepeatInterleave's adjoint."""

    promote = None

    @staticmethod
    def forward(ctx, g, *, repeats, dim, size):
        ctx.repeats, ctx.dim = repeats, dim
        xp = ctx.xp
        moved = xp.moveaxis(g, dim, 0)
        out = xp.zeros((size,) + moved.shape[1:], dtype=g.dtype)
        ctx.ext.scatter_add(out, xp.repeat(xp.arange(size), repeats), moved)
        return xp.moveaxis(out, 0, dim)

    @staticmethod
    def backward(ctx, grad):
        return RepeatInterleave.apply(grad, repeats=ctx.repeats, dim=ctx.dim)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    if repeats is None:  # repeat_interleave(repeats): each index i repeated repeats[i] times
        from .._tensor import make_tensor
        xp = input.device.xp
        counts = [int(c) for c in input.tolist()]  # CuPy's repeat takes counts as a list only
        return make_tensor(xp.repeat(xp.arange(len(counts), dtype=input._data.dtype), counts),
                           input.device)
    if dim is None:
        input = reshape(input, (-1,))
        d = 0
    else:
        d = canonical_dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(repeats, Tensor):
        if repeats.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if repeats.ndim == 0 or repeats.numel() == 1:
            repeats = int(repeats.reshape(()).item())
        else:
            if repeats.numel() != n:
                raise RuntimeError(f"repeats must have the same size as input along dim, but "
                                   f"got repeats.size(0) = {repeats.numel()} and "
                                   f"input.size({d}) = {n}")
            r = tuple(int(c) for c in repeats.tolist())  # CuPy's repeat takes a list only
            if any(c < 0 for c in r):
                raise RuntimeError("repeats can not be negative")
            if output_size is not None and builtins.sum(r) != output_size:
                raise RuntimeError("allocated size does not match required size")
            return RepeatInterleave.apply(input, repeats=r, dim=d)
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    if output_size is not None and output_size != repeats * n:
        raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {repeats * n} but "
                           f"got {output_size}")
    return RepeatInterleave.apply(input, repeats=int(repeats), dim=d)


# ------------------------------------------------------------------ reordering

class Flip(Op):
    promote = None

    @staticmethod
    def forward(ctx, x, *, dims):
        ctx.dims = dims
        # a copy, as torch's flip: NumPy's flip is a negative-stride view
        return ctx.xp.flip(x, dims).copy()

    @staticmethod
    def backward(ctx, grad):
        return Flip.apply(grad, dims=ctx.dims)


def flip(input, dims):
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    nd = input.ndim
    dims = tuple(canonical_dim(d, nd) for d in dims)
    _check_unique(dims)
    return Flip.apply(input, dims=dims if nd else ())


def fliplr(input):
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return Flip.apply(input, dims=(1,))


def flipud(input):
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return Flip.apply(input, dims=(0,))


class Roll(Op):
    promote = None

    @staticmethod
    def forward(ctx, x, *, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return ctx.xp.roll(x, shifts, axis=dims)

    @staticmethod
    def backward(ctx, grad):
        return Roll.apply(grad, shifts=tuple(-s for s in ctx.shifts), dims=ctx.dims)


def roll(input, shifts, dims=None):
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    if dims is None:
        if not shifts:
            raise RuntimeError("`shifts` required")
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        flat = Roll.apply(reshape(input, (-1,)), shifts=shifts, dims=(0,))
        return Reshape.apply(flat, shape=input.shape)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")
    nd = input.ndim
    return Roll.apply(input, shifts=shifts, dims=tuple(canonical_dim(d, nd) for d in dims))


def rot90(input, k=1, dims=(0, 1)):
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    nd = input.ndim
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = canonical_dim(dims[0], nd), canonical_dim(dims[1], nd)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} "
                           f"and dim1 = {dims[1]}")
    k %= 4
    if k == 1:
        return transpose(Flip.apply(input, dims=(d1,)), d0, d1)
    if k == 2:
        return Flip.apply(input, dims=(d0, d1))
    if k == 3:
        return transpose(Flip.apply(input, dims=(d0,)), d0, d1)
    from .copy import clone
    return clone(input)


# ------------------------------------------------------------------ triangles and diagonals

class Tril(Op):
    promote = None

    @staticmethod
    def forward(ctx, x, *, diagonal):
        ctx.k = diagonal
        return ctx.xp.tril(x, diagonal)

    @staticmethod
    def backward(ctx, grad):
        return Tril.apply(grad, diagonal=ctx.k)


class Triu(Op):
    promote = None

    @staticmethod
    def forward(ctx, x, *, diagonal):
        ctx.k = diagonal
        return ctx.xp.triu(x, diagonal)

    @staticmethod
    def backward(ctx, grad):
        return Triu.apply(grad, diagonal=ctx.k)


def tril(input, diagonal=0):
    if input.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return Tril.apply(input, diagonal=diagonal)


def triu(input, diagonal=0):
    if input.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return Triu.apply(input, diagonal=diagonal)


class DiagEmbed(Op):
    """Zeros of `shape` with the input on its (offset, dim1, dim2) diagonal."""

    promote = None

    @staticmethod
    def forward(ctx, x, *, shape, offset, dim1, dim2):
        ctx.offset, ctx.dim1, ctx.dim2 = offset, dim1, dim2
        out = ctx.xp.zeros(shape, dtype=x.dtype)
        _diagonal_view(ctx.xp, out, offset, dim1, dim2)[...] = x
        return out

    @staticmethod
    def backward(ctx, grad):
        return Diagonal.apply(grad, offset=ctx.offset, dim1=ctx.dim1, dim2=ctx.dim2)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    nd = input.ndim + 1
    d1, d2 = canonical_dim(dim1, nd), canonical_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = input.shape[-1] + abs(offset)
    batch = iter(input.shape[:-1])
    shape = tuple(n if i in (d1, d2) else next(batch) for i in range(nd))
    return DiagEmbed.apply(input, shape=shape, offset=offset, dim1=d1, dim2=d2)


def diag(input, diagonal=0):
    if input.ndim == 1:
        n = input.shape[0] + abs(diagonal)
        return DiagEmbed.apply(input, shape=(n, n), offset=diagonal, dim1=0, dim2=1)
    if input.ndim == 2:
        from .copy import clone
        return clone(Diagonal.apply(input, offset=diagonal, dim1=0, dim2=1))
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


def trace(input):
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    if input.dtype is _dtype.bool:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    return Diagonal.apply(input, offset=0, dim1=0, dim2=1).sum()


# ------------------------------------------------------------------ grids

def meshgrid(*tensors, indexing=None):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the "
                      "indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: '
                           f'{indexing}')
    for x in tensors:
        if x.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but "
                               f"got: {x}")
        if x.dtype is not tensors[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
        if x.device != tensors[0].device:
            raise RuntimeError("meshgrid expects all tensors to have the same device")
    n = len(tensors)
    pos = list(range(n))
    if indexing == "xy" and n >= 2:  # the first two axes trade places (Cartesian indexing)
        pos[0], pos[1] = 1, 0
    shape = [0] * n
    for x, p in zip(tensors, pos):
        shape[p] = x.numel()
    out = []
    for x, p in zip(tensors, pos):
        view_shape = [1] * n
        view_shape[p] = shape[p]
        out.append(expand(reshape(x, view_shape), shape))
    return tuple(out)


# ------------------------------------------------------------------ constant padding

class ConstantPadNd(Op):
    promote = None

    @staticmethod
    def forward(ctx, x, *, pad, value):
        ctx.pad = pad
        nd = x.ndim
        src, dst = [slice(None)] * nd, [slice(None)] * nd
        shape = list(x.shape)
        for i in range(len(pad) // 2):
            d, lo, hi = nd - 1 - i, pad[2 * i], pad[2 * i + 1]
            n = x.shape[d]
            shape[d] = n + lo + hi
            a, b = builtins.max(-lo, 0), n - builtins.max(-hi, 0)
            src[d] = slice(a, b)
            dst[d] = slice(builtins.max(lo, 0), builtins.max(lo, 0) + b - a)
        out = ctx.xp.full(shape, value, dtype=x.dtype)
        out[tuple(dst)] = x[tuple(src)]
        return out

    @staticmethod
    def backward(ctx, grad):
        # the adjoint of padding by p is padding by -p: crop what was added, zero-fill what
        # was cropped
        return ConstantPadNd.apply(grad, pad=tuple(-p for p in ctx.pad), value=0)


def constant_pad_nd(input, pad, value=0):
    pad = tuple(int(p) for p in pad)
    nd = input.ndim
    if len(pad) % 2:
        raise RuntimeError(f"Length of pad must be even but instead it equals {len(pad)}")
    if len(pad) // 2 > nd:
        # torch's message, missing spaces included
        raise RuntimeError(f"Length of pad should be no more than twice the number of dimensions "
                           f"of the input. Pad length is {len(pad)}while the input has "
                           f"{nd}dimensions.")
    for i in range(len(pad) // 2):
        n = input.shape[nd - 1 - i]
        lo, hi = pad[2 * i], pad[2 * i + 1]
        # torch narrows the negative sides first, one after the other
        if lo < 0:
            n += lo
            if n < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
        if hi < 0 and n + hi < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
    return ConstantPadNd.apply(input, pad=pad, value=value)
