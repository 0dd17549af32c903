"""Shape and joining operations. View ops (Op.view = True) share memory with their input."""
import builtins

from .._tensor import Tensor
from ..autograd.function import Op

__all__ = ["reshape", "permute", "transpose", "t",
           "expand", "squeeze", "unsqueeze"]


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
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"dim {dims[0]} appears multiple times in the list of dims")
    return tuple(sorted(dims)) if ndim else ()


def _infer_shape(shape, numel):
    shape = tuple(shape)
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


class Reshape(Op):
    promote = None
    view = True  # a view when NumPy can make one; reshape of a non-viewable input copies

    @staticmethod
    def forward(ctx, x, *, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape)


def view(input, shape):
    """Tensor.view (torch has no top-level view function)."""
    shape = _infer_shape(shape, input.numel())
    if not input.data.flags.c_contiguous and input.numel() > 1:
        try:
            input.data.view().shape = shape  # NumPy raises when no view is possible
        except AttributeError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
            ) from None
    return Reshape.apply(input, shape=shape)


def reshape(input, shape):
    return Reshape.apply(input, shape=_infer_shape(shape, input.numel()))


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
        return grad.permute(inverse)


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
        return input.view(())
    d0, d1 = canonical_dim(dim0, nd), canonical_dim(dim1, nd)
    dims = list(range(nd))
    dims[d0], dims[d1] = d1, d0
    return Permute.apply(input, dims=tuple(dims))


def t(input):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input.ndim}D")
    return transpose(input, 0, 1) if input.ndim == 2 else input.view(input.shape)


class Expand(Op):
    promote = None
    view = True

    @staticmethod
    def forward(ctx, x, *, shape):
        ctx.in_shape = x.shape
        return ctx.xp.broadcast_to(x, shape)

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
    out = []
    for i, s in enumerate(shape):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a "
                                   f"leading, non-existing dimension {i}")
            out.append(s)
            continue
        cur = input.shape[i - lead]
        if s == -1:
            s = cur
        elif cur != 1 and s != cur:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing "
                               f"size ({cur}) at non-singleton dimension {i}.  Target sizes: "
                               f"{list(shape)}.  Tensor sizes: {list(input.shape)}")
        out.append(s)
    out = tuple(out)
    if out == input.shape:
        return input.view(out)
    return Expand.apply(input, shape=out)


def squeeze(input, dim=None):
    if dim is None:
        shape = tuple(s for s in input.shape if s != 1)
    else:
        dims = canonical_dims(dim, input.ndim)
        shape = tuple(s for i, s in enumerate(input.shape) if not (i in dims and s == 1))
    return Reshape.apply(input, shape=shape)


def unsqueeze(input, dim):
    d = canonical_dim(dim, input.ndim + 1)
    shape = input.shape[:d] + (1,) + input.shape[d:]
    return Reshape.apply(input, shape=tuple(shape))
