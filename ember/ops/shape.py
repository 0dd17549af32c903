"""View ops and dims handling: each op here returns a view of its input (Op.view = True,
sharing memory and the version counter) or is composed of ops that do, plus the dim/shape
checks every family uses (canonical_dim, canonical_dims).

Primitives come in adjoint pairs whose backward is the other one, so double backward needs
nothing more: Slice/SliceBackward, AsStrided/AsStridedBackward (self-adjoint), and
Diagonal/DiagEmbed (DiagEmbed lives in ops/joining.py with diag_embed). Copying, joining and
splitting ops are in ops/joining.py.
"""
import builtins

from .._tensor import Size, Tensor, storage_root
from ..autograd.function import Op

__all__ = ["reshape", "permute", "transpose", "swapaxes", "swapdims", "t", "adjoint", "movedim",
           "moveaxis", "squeeze", "unsqueeze", "broadcast_to", "broadcast_tensors",
           "broadcast_shapes", "flatten", "unflatten", "ravel", "narrow", "select", "diagonal",
           "atleast_1d", "atleast_2d", "atleast_3d", "as_strided"]


def canonical_dim(dim, ndim):
    """A dim in [0, ndim), from a possibly negative one; IndexError as torch for bad dims."""
    n = builtins.max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim + n if dim < 0 else dim


def canonical_dims(dim, ndim):
    """A sorted tuple of dims; None or () means all dims."""
    if dim is None or dim == ():
        return tuple(range(ndim))
    if isinstance(dim, int):
        return (canonical_dim(dim, ndim),) if ndim else ()
    dims = tuple(canonical_dim(d, ndim) for d in dim)
    _check_unique(dims)
    return tuple(sorted(dims)) if ndim else ()


def _check_unique(dims):
    if len(set(dims)) != len(dims):
        seen = set()
        for d in dims:
            if d in seen:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
            seen.add(d)


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _contiguous_strides(shape):
    strides, acc = [], 1
    for s in reversed(shape):
        strides.append(acc)
        acc *= builtins.max(s, 1)
    return tuple(reversed(strides))


def _infer_shape(shape, numel):
    shape = tuple(shape)
    infer = -1
    known = 1
    for i, s in enumerate(shape):
        if s == -1:
            if infer >= 0:
                raise RuntimeError("only one dimension can be inferred")
            infer = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape "
                               f"{list(shape)}")
        else:
            known *= s
    if infer >= 0:
        if known == 0:
            if numel == 0:
                raise RuntimeError(
                    f"cannot reshape tensor of 0 elements into shape {list(shape)} because the "
                    "unspecified dimension size -1 can be any value and is ambiguous")
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        if numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = shape[:infer] + (numel // known,) + shape[infer + 1:]
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _view_strides(x, shape):
    """torch's computeStride: True when `x` (an array) can be viewed with `shape`."""
    old = x.shape
    if not old:
        return True
    numel = x.size
    if numel == 0:
        return True
    isz = x.itemsize
    ostr = [s // isz for s in x.strides]
    view_d = len(shape) - 1
    chunk_base = ostr[-1]
    tensor_numel = view_numel = 1
    for d in range(len(old) - 1, -1, -1):
        tensor_numel *= old[d]
        if d == 0 or (old[d - 1] != 1 and ostr[d - 1] != tensor_numel * chunk_base):
            while view_d >= 0 and (view_numel < tensor_numel or shape[view_d] == 1):
                view_numel *= shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return False
            if d > 0:
                chunk_base = ostr[d - 1]
                tensor_numel = view_numel = 1
    return view_d == -1


# ------------------------------------------------------------------ reshape, view

class Reshape(Op):
    promote = None
    view = True

    @staticmethod
    def forward(ctx, x, *, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return reshape(grad, ctx.in_shape)


class ReshapeCopy(Reshape):
    # reshape of a layout no view can express copies, as torch's does; the result is no view
    view = False

    @staticmethod
    def forward(ctx, x, *, shape):
        ctx.in_shape = x.shape
        return ctx.xp.ascontiguousarray(x).reshape(shape)


def view(input, shape):
    """Tensor.view (torch has no top-level view function)."""
    shape = _infer_shape(shape, input._data.size)
    x = input._data
    if not x.flags.c_contiguous and not _view_strides(x, shape):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return Reshape.apply(input, shape=shape)


def reshape(input, shape):
    shape = _infer_shape(shape, input._data.size)
    x = input._data
    if x.flags.c_contiguous or _view_strides(x, shape):
        return Reshape.apply(input, shape=shape)
    return ReshapeCopy.apply(input, shape=shape)


class ViewDtype(Op):
    promote = None
    view = True
    differentiable_outputs = 0  # torch: view(dtype) is not differentiable

    @staticmethod
    def forward(ctx, x, *, dtype):
        return x.view(dtype.np)

    @staticmethod
    def backward(ctx, grad):
        return None  # never called: no output is linked into the graph


def view_dtype(input, dtype):
    """Tensor.view(dtype): the same memory reinterpreted (the last dim rescales)."""
    from .inplace import _NAMES
    old, new = input._data.itemsize, dtype.np.itemsize
    if old != new:
        what = (f"to view {_NAMES[input.dtype.name]} as {_NAMES[dtype.name]} (different element "
                "sizes)")
        if input.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 {what}")
        st = input.stride()
        if st[-1] != 1:
            raise RuntimeError(f"self.stride(-1) must be 1 {what}, but got {st[-1]}")
        if new > old:
            ratio = new // old
            if input.shape[-1] % ratio:
                raise RuntimeError(f"self.size(-1) must be divisible by {ratio} {what}, but got "
                                   f"{input.shape[-1]}")
            if input.storage_offset() % ratio:
                raise RuntimeError(f"self.storage_offset() must be divisible by {ratio} {what}, "
                                   f"but got {input.storage_offset()}")
            for i, s in enumerate(st[:-1]):
                if s % ratio:
                    raise RuntimeError(f"self.stride({i}) must be divisible by {ratio} {what}, "
                                       f"but got {s}")
    return ViewDtype.apply(input, dtype=dtype)


def flatten(input, start_dim=0, end_dim=-1):
    nd = input.ndim
    if nd == 0:
        return Reshape.apply(input, shape=(1,))
    s, e = canonical_dim(start_dim, nd), canonical_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shape = input.shape
    return reshape(input, shape[:s] + (_prod(shape[s:e + 1]),) + shape[e + 1:])


def unflatten(input, dim, sizes):
    d = canonical_dim(dim, input.ndim)
    sizes = tuple(sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    n = input.shape[d]
    try:
        inner = _infer_shape(sizes, n)
    except RuntimeError as err:
        if "invalid for input" not in str(err):
            raise
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the "
                           f"size of dim {dim} ({n}) in the input tensor") from None
    # splitting one dim into several is always expressible as a view
    return Reshape.apply(input, shape=input.shape[:d] + inner + input.shape[d + 1:])


def ravel(input):
    return reshape(input, (-1,))


def squeeze(input, dim=None):
    if dim is None:
        shape = tuple(s for s in input.shape if s != 1)
    else:
        dims = canonical_dims(dim, input.ndim)
        shape = tuple(s for i, s in enumerate(input.shape) if not (i in dims and s == 1))
    return Reshape.apply(input, shape=shape)


def unsqueeze(input, dim):
    d = canonical_dim(dim, input.ndim + 1)
    shape = input.shape
    return Reshape.apply(input, shape=shape[:d] + (1,) + shape[d:])


# ------------------------------------------------------------------ permutations

class Permute(Op):
    promote = None
    view = True

    @staticmethod
    def forward(ctx, x, *, dims):
        ctx.dims = dims
        return x.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        inverse = [0] * len(ctx.dims)
        for i, d in enumerate(ctx.dims):
            inverse[d] = i
        return Permute.apply(grad, dims=tuple(inverse))


def permute(input, dims):
    nd = input.ndim
    dims = tuple(canonical_dim(d, nd) for d in dims)
    if len(dims) != nd:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does "
                           f"not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {nd} is not equal to len(dims) = {len(dims)}")
    if len(set(dims)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims=dims)


def transpose(input, dim0, dim1):
    nd = input.ndim
    if nd == 0:
        canonical_dim(dim0, 0), canonical_dim(dim1, 0)
        return Reshape.apply(input, shape=())
    d0, d1 = canonical_dim(dim0, nd), canonical_dim(dim1, nd)
    dims = list(range(nd))
    dims[d0], dims[d1] = d1, d0
    return Permute.apply(input, dims=tuple(dims))


def swapaxes(input, axis0, axis1):
    return transpose(input, axis0, axis1)


def swapdims(input, dim0, dim1):
    return transpose(input, dim0, dim1)


def t(input):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input.ndim}D")
    return transpose(input, 0, 1) if input.ndim == 2 else Reshape.apply(input, shape=input.shape)


def adjoint(input):
    if input.ndim < 2:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of "
                           f"matrices. Got {input.ndim}-D tensor.")
    out = transpose(input, -2, -1)
    return out.conj() if input.dtype.is_complex else out


def movedim(input, source, destination):
    nd = input.ndim
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} "
                           f"dims) should contain the same number of dims as destination "
                           f"({list(dst)} dims)")
    cs = tuple(canonical_dim(d, nd) for d in src)
    cd = tuple(canonical_dim(d, nd) for d in dst)
    if len(set(cs)) != len(cs):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(src)})")
    if len(set(cd)) != len(cd):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({list(dst)})")
    order = [-1] * nd
    for s, d in zip(cs, cd):
        order[d] = s
    rest = iter(d for d in range(nd) if d not in cs)
    order = [o if o >= 0 else next(rest) for o in order]
    return Permute.apply(input, dims=tuple(order))


def moveaxis(input, source, destination):
    return movedim(input, source, destination)


# ------------------------------------------------------------------ broadcasting

class Expand(Op):
    promote = None
    view = True

    @staticmethod
    def forward(ctx, x, *, shape):
        ctx.in_shape = x.shape
        return ctx.ext.broadcast_view(x, shape)

    @staticmethod
    def backward(ctx, grad):
        from ..autograd.engine import sum_to
        return sum_to(grad, ctx.in_shape)


def expand(input, shape):
    shape = tuple(shape)
    nd = input.ndim
    if len(shape) < nd:
        raise RuntimeError(f"expand({input.type_name()}{{{list(input.shape)}}}, size="
                           f"{list(shape)}): the number of sizes provided ({len(shape)}) must be "
                           f"greater or equal to the number of dimensions in the tensor ({nd})")
    lead = len(shape) - nd
    out = list(shape)
    for i in range(len(shape) - 1, -1, -1):  # torch checks from the last dim
        s = shape[i]
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a "
                                   f"leading, non-existing dimension {i}")
            continue
        cur = input.shape[i - lead]
        if s == -1:
            out[i] = cur
        elif cur != 1 and s != cur:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing "
                               f"size ({cur}) at non-singleton dimension {i}.  Target sizes: "
                               f"{list(shape)}.  Tensor sizes: {list(input.shape)}")
    out = tuple(out)
    if out == input.shape:
        return Reshape.apply(input, shape=out)
    return Expand.apply(input, shape=out)


def broadcast_to(input, size):
    return expand(input, size)


def broadcast_shapes(*shapes):
    shapes = [(s,) if isinstance(s, int) else s for s in shapes]
    if not shapes:
        return Size(())
    common = [1] * builtins.max(len(s) for s in shapes)
    for i, shape in enumerate(shapes):
        for idx in range(-1, -1 - len(shape), -1):
            s = shape[idx]
            if s == common[idx]:
                continue
            if common[idx] == 1:
                if s < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative length!")
                common[idx] = s
            elif s != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {s} at {idx}! "
                                   f"Mismatching argument at index {i} had {shape}; but expected "
                                   f"shape should be broadcastable to {common}")
    return Size(common)


def infer_size(a, b):
    """The broadcast of shapes a and b, with torch's RuntimeError when they do not broadcast.

    torch scans from the last dimension and reports the first mismatch it meets, numbered
    in the broadcast shape."""
    n = builtins.max(len(a), len(b))
    out = [1] * n
    for i in range(n - 1, -1, -1):
        off = n - 1 - i
        da, db = len(a) - 1 - off, len(b) - 1 - off
        sa = a[da] if da >= 0 else 1
        sb = b[db] if db >= 0 else 1
        if sa != sb and sa != 1 and sb != 1:
            raise RuntimeError(f"The size of tensor a ({sa}) must match the size of tensor b "
                               f"({sb}) at non-singleton dimension {i}")
        out[i] = sa if sb == 1 else sb
    return tuple(out)


def broadcast_tensors(*tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shape = ()
    for x in tensors:
        shape = infer_size(shape, x.shape)
    return tuple(expand(x, shape) for x in tensors)


# ------------------------------------------------------------------ slicing

class Slice(Op):
    """Basic indexing by a tuple of ints and slices ending in Ellipsis: a view."""

    promote = None
    view = True

    @staticmethod
    def forward(ctx, x, *, index):
        ctx.in_shape, ctx.index = x.shape, index
        return x[index]

    @staticmethod
    def backward(ctx, grad):
        return SliceBackward.apply(grad, shape=ctx.in_shape, index=ctx.index)


class SliceBackward(Op):
    """Zeros of `shape` with the input written at `index`: the adjoint of Slice."""

    promote = None

    @staticmethod
    def forward(ctx, g, *, shape, index):
        ctx.index = index
        out = ctx.xp.zeros(shape, dtype=g.dtype)
        out[index] = g
        return out

    @staticmethod
    def backward(ctx, grad):
        return Slice.apply(grad, index=ctx.index)


def _narrowed(input, d, start, stop):
    return Slice.apply(input, index=(slice(None),) * d + (slice(start, stop), Ellipsis))


def narrow(input, dim, start, length):
    nd = input.ndim
    if nd == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if isinstance(start, Tensor):
        start = int(start.item())
    d = canonical_dim(dim, nd)
    size = input.shape[d]
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but "
                         f"got {start})")
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                           f"({size}).")
    return _narrowed(input, d, start, start + length)


def select(input, dim, index):
    nd = input.ndim
    if nd == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = canonical_dim(dim, nd)
    if isinstance(index, Tensor):
        index = int(index.item())
    size = input.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    if index < 0:
        index += size
    return Slice.apply(input, index=(slice(None),) * d + (index, Ellipsis))


# ------------------------------------------------------------------ atleast_nd

def _atleast(tensors, fn):
    if len(tensors) == 1:
        if isinstance(tensors[0], (list, tuple)):
            return tuple(fn(x) for x in tensors[0])
        return fn(tensors[0])
    return tuple(fn(x) for x in tensors)


def _at1(x):
    return Reshape.apply(x, shape=(1,)) if x.ndim == 0 else x


def _at2(x):
    if x.ndim >= 2:
        return x
    return Reshape.apply(x, shape=(1, 1) if x.ndim == 0 else (1,) + x.shape)


def _at3(x):
    if x.ndim >= 3:
        return x
    shape = {0: (1, 1, 1), 1: (1,) + x.shape + (1,), 2: x.shape + (1,)}[x.ndim]
    return Reshape.apply(x, shape=shape)


def atleast_1d(*tensors):
    return _atleast(tensors, _at1)


def atleast_2d(*tensors):
    return _atleast(tensors, _at2)


def atleast_3d(*tensors):
    return _atleast(tensors, _at3)


# ------------------------------------------------------------------ diagonals

def _diagonal_view(xp, x, offset, d1, d2):
    """A writable strided view of a diagonal (NumPy's own diagonal() is read-only)."""
    n1, n2 = x.shape[d1], x.shape[d2]
    s1, s2 = (0, offset) if offset >= 0 else (-offset, 0)
    length = builtins.max(0, builtins.min(n1 - s1, n2 - s2))
    if length:
        index = [slice(None)] * x.ndim
        index[d1], index[d2] = slice(s1, None), slice(s2, None)
        x = x[tuple(index)]
    keep = [i for i in range(x.ndim) if i != d1 and i != d2]
    shape = [x.shape[i] for i in keep] + [length]
    strides = [x.strides[i] for i in keep] + [x.strides[d1] + x.strides[d2]]
    return xp.lib.stride_tricks.as_strided(x, shape, strides)


class Diagonal(Op):
    promote = None
    view = True

    @staticmethod
    def forward(ctx, x, *, offset, dim1, dim2):
        ctx.in_shape, ctx.offset, ctx.dim1, ctx.dim2 = x.shape, offset, dim1, dim2
        return _diagonal_view(ctx.xp, x, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, grad):
        from .joining import DiagEmbed  # joining imports this module: no top-level import back
        return DiagEmbed.apply(grad, shape=ctx.in_shape, offset=ctx.offset, dim1=ctx.dim1,
                               dim2=ctx.dim2)


def diagonal(input, offset=0, dim1=0, dim2=1):
    nd = input.ndim
    d1, d2 = canonical_dim(dim1, nd), canonical_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, offset=offset, dim1=d1, dim2=d2)


# ------------------------------------------------------------------ as_strided

def _positions(xp, size, stride, offset):
    """Flat storage index of every element of a strided geometry."""
    pos = xp.asarray(offset, dtype=xp.int64)
    n = len(size)
    for i, (s, st) in enumerate(zip(size, stride)):
        shape = [1] * n
        shape[i] = s
        pos = pos + xp.arange(s, dtype=xp.int64).reshape(shape) * st
    return xp.broadcast_to(pos, tuple(size))


class AsStrided(Op):
    promote = None
    view = True

    @staticmethod
    def forward(ctx, x, *, storage, size, stride, offset, in_geometry):
        ctx.n, ctx.geometry, ctx.in_geometry = storage.size, (size, stride, offset), in_geometry
        isz = storage.itemsize
        return ctx.xp.lib.stride_tricks.as_strided(storage[offset:], size,
                                                   [s * isz for s in stride])

    @staticmethod
    def backward(ctx, grad):
        return AsStridedBackward.apply(grad, n=ctx.n, src=ctx.geometry, dst=ctx.in_geometry)


class AsStridedBackward(Op):
    """Scatter-add from geometry `src` into a zero storage of n elements, then gather `dst`.

    A linear map whose adjoint is itself with src and dst swapped.
    """

    promote = None

    @staticmethod
    def forward(ctx, g, *, n, src, dst):
        ctx.n, ctx.src, ctx.dst = n, src, dst
        xp = ctx.xp
        store = xp.zeros(n, dtype=g.dtype)
        ctx.ext.scatter_add(store, _positions(xp, *src), g)
        return store[_positions(xp, *dst)]

    @staticmethod
    def backward(ctx, grad):
        return AsStridedBackward.apply(grad, n=ctx.n, src=ctx.dst, dst=ctx.src)


def as_strided(input, size, stride, storage_offset=None):
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride)}")
    root = storage_root(input)
    if root._data.flags.c_contiguous:
        storage = root._data.reshape(-1)
        in_geometry = (input.shape, input.stride(), input.storage_offset())
    else:  # no flat storage behind this tensor: its contiguous copy stands in for one
        storage = input._data.copy().reshape(-1)
        in_geometry = (input.shape, _contiguous_strides(input.shape), 0)
    offset = in_geometry[2] if storage_offset is None else int(storage_offset)
    if all(size):
        need = offset + builtins.sum((s - 1) * st for s, st in zip(size, stride)) + 1
        if need > storage.size:
            isz = storage.itemsize
            raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage "
                               f"offset {offset}, and itemsize {isz} requiring a storage size of "
                               f"{need * isz} are out of bounds for storage of size "
                               f"{storage.size * isz}")
    return AsStrided.apply(input, storage=storage, size=size, stride=stride, offset=offset,
                           in_geometry=in_geometry)
