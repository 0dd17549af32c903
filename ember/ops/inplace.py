"""In-place operations: one mechanism behind every `x.op_(...)`.

The out-of-place op computes the new value (with its graph), which is then written into
the tensor's own memory, so views and the base see it. The version counter, shared by a
tensor and its views, goes up; a backward that saved the old value then raises torch's
error. When the tensor is a view of a graph tensor, the base's history is extended by a
CopySlices node, as torch does, and views read their values out of the base's newest
history through an AsStrided node (made here when a view is used after its base changed).
"""
import numpy

from .. import _dtype
from .._tensor import Tensor, make_tensor
from ..autograd import function as _function
from ..autograd import grad_mode
from ..autograd.function import Op

__all__ = []


def _can_cast(src, dst):
    """torch's canCast: no float->integral, no complex->real, no non-bool->bool."""
    if src.is_complex and not dst.is_complex:
        return False
    if src.is_floating_point and not (dst.is_floating_point or dst.is_complex):
        return False
    if dst is _dtype.bool and src is not _dtype.bool:
        return False
    return True


_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
          "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
          "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def inplace(self, fn, *args, allow_cast=False, **kwargs):
    """Run fn(self, *args, **kwargs) and write the result into self. Returns self."""
    tracking = grad_mode.state.enabled
    base = self._base
    grads_in = tracking and _any_requires_grad(args, kwargs)
    if tracking:
        _check_allowed(self, base, grads_in)
    if not self.data.flags.c_contiguous and _overlaps(self.data):
        raise RuntimeError("unsupported operation: more than one element of the written-to "
                           "tensor refers to a single memory location. Please clone() the tensor "
                           "before performing the operation.")
    src = self
    seq0 = None
    if tracking and (self.requires_grad or grads_in):
        # the op sees an alias with the current history and a private version counter; if
        # it saves that alias for backward, the alias gets a copy of the old values below
        src = make_tensor(self.data, self.device, self.requires_grad,
                          _function._current_grad_fn(self), self._output_nr)
        seq0 = next(_function._seq)
    result = fn(src, *args, **kwargs)
    if result.dtype is not self.dtype:
        if not allow_cast and not _can_cast(result.dtype, self.dtype):
            raise RuntimeError(f"result type {_NAMES[result.dtype.name]} can't be cast to the "
                               f"desired output type {_NAMES[self.dtype.name]}")
        result = result.to(self.dtype)
    if result.shape != self.shape:
        raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast "
                           f"shape {list(result.shape)}")
    if seq0 is not None:
        _protect_saved(result, src, seq0)
    if result.data is not self.data:
        self.data[...] = result.data
    self._vc[0] += 1
    if seq0 is not None:
        if base is not None:
            if base.requires_grad or result.requires_grad:
                _rebase_view(self, result)
        elif result.requires_grad:
            self.grad_fn, self._output_nr, self.requires_grad = result.grad_fn, \
                result._output_nr, True
        elif self.requires_grad:
            # overwritten by values that do not depend on the old ones (zero_, fill_, copy_
            # of a constant): the old history gets a zero gradient
            node = Fill.apply(src).grad_fn
            self.grad_fn, self._output_nr = node, 0
        handle = self.__dict__.get("_retains") if self.grad_fn is not None else None
        if handle:
            _move_retain(self, handle)
    return self


def _check_allowed(self, base, grads_in):
    if base is not None:
        if self._output_nr == -1 and self.grad_fn is None and (base.requires_grad or grads_in):
            raise RuntimeError(
                "A view was created in no_grad mode and is being modified inplace with grad "
                "mode enabled. Given that this use case is ambiguous and error-prone, it is "
                "forbidden. You can clarify your code by moving both the view and the inplace "
                "either both inside the no_grad block (if you don't want the inplace to be "
                "tracked) or both outside (if you want the inplace to be tracked).")
        if self.requires_grad and base.requires_grad and base.grad_fn is None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in "
                               "an in-place operation.")
    elif self.requires_grad and self.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")


def _overlaps(a):
    return any(s == 0 and n > 1 for s, n in zip(a.strides, a.shape))


def _any_requires_grad(args, kwargs):
    for a in args:
        if isinstance(a, Tensor) and a.requires_grad:
            return True
        if isinstance(a, (list, tuple)) and any(isinstance(x, Tensor) and x.requires_grad
                                                 for x in a):
            return True
    return any(isinstance(a, Tensor) and a.requires_grad for a in kwargs.values())


def _protect_saved(result, src, seq0):
    """Give private copies of the old values to the nodes made by this in-place op that
    saved `src` (or a view of it): the write below would change them otherwise (torch
    saves a clone of the original self in the same case)."""
    vc = src._vc
    stack = [result.grad_fn] if result.grad_fn is not None else []
    seen = set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen or getattr(node, "seq", -1) <= seq0:
            continue
        seen.add(id(node))
        for t in node._saved or ():
            if isinstance(t, Tensor) and t._vc is vc:
                t.data = t.data.copy()
                t._vc = [t._vc[0]]
        stack.extend(n for n, _ in node.next_functions)


def _move_retain(t, handle):
    """retain_grad follows the tensor to its new grad_fn, as in torch."""
    handle.remove()
    t.__dict__["_retains"] = t.grad_fn._add_pre_hook(t._output_nr, _function._RetainGrad(t))


class Fill(Op):
    """The history of a tensor overwritten by a constant: no gradient reaches the old value."""

    promote = None

    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, grad):
        from .._creation import zeros_like
        return zeros_like(grad)


# ---------------------------------------------------------------- writes through views

def _flat_positions(view, base):
    """For each element of `view`, its flat (C-order) index in `base`, from byte offsets."""
    from .copy import address
    v, b = view.data, base.data
    if v.ndim:
        grid = numpy.indices(v.shape, dtype=numpy.int64)
        strides = numpy.array(v.strides, dtype=numpy.int64).reshape((-1,) + (1,) * v.ndim)
        view_off = (grid * strides).sum(axis=0)
    else:
        view_off = numpy.zeros((), numpy.int64)
    view_off = view_off + (address(v) - address(b))
    if b.flags.c_contiguous:
        pos = view_off // b.itemsize
    else:
        if b.ndim:
            grid = numpy.indices(b.shape, dtype=numpy.int64)
            strides = numpy.array(b.strides, dtype=numpy.int64).reshape((-1,) + (1,) * b.ndim)
            base_off = (grid * strides).sum(axis=0).reshape(-1)
        else:
            base_off = numpy.zeros(1, numpy.int64)
        order = numpy.argsort(base_off, kind="stable")
        pos = order[numpy.searchsorted(base_off[order], view_off)]
    return base.device.xp.asarray(pos.reshape(v.shape))


class _Gather(Op):
    """out = x.flatten()[positions]: reads a view's elements out of its base."""

    promote = None

    @staticmethod
    def forward(ctx, x, *, positions, unique=True):
        ctx.positions, ctx.unique, ctx.in_shape = positions, unique, x.shape
        return x.reshape(-1)[positions]

    @staticmethod
    def backward(ctx, grad):
        return _Scatter.apply(grad, positions=ctx.positions, shape=ctx.in_shape,
                              unique=ctx.unique)


class _Scatter(Op):
    """The transpose of _Gather: zeros of `shape` with grad added at `positions`."""

    promote = None

    @staticmethod
    def forward(ctx, g, *, positions, shape, unique=True):
        ctx.positions, ctx.unique = positions, unique
        out = ctx.xp.zeros(shape, dtype=g.dtype)
        flat = out.reshape(-1)
        if unique:
            flat[positions.reshape(-1)] = g.reshape(-1)
        else:  # an expanded view: several of its elements are one element of the base
            ctx.ext.scatter_add(flat, positions.reshape(-1), g.reshape(-1))
        return out

    @staticmethod
    def backward(ctx, grad):
        return _Gather.apply(grad, positions=ctx.positions, unique=ctx.unique)


class AsStrided(Op):
    """The history of a view whose base changed in place: its elements of the base's newest
    value (torch's AsStridedBackward0). The view's memory is already right: no copy is made."""

    promote = None

    @staticmethod
    def forward(ctx, base, *, positions, unique, data):
        ctx.positions, ctx.unique, ctx.in_shape = positions, unique, base.shape
        return data

    @staticmethod
    def backward(ctx, grad):
        return _Scatter.apply(grad, positions=ctx.positions, shape=ctx.in_shape,
                              unique=ctx.unique)


class CopySlices(Op):
    """The base of a view after an in-place write through that view.

    Inputs: the base's old value and the view's new value. The gradient of the base flows
    everywhere but the written region; the written region's gradient goes to the new value.
    """

    promote = None
    _node_name = "torch::autograd::CopySlices"

    @staticmethod
    def forward(ctx, base_old, view_new, *, positions, written):
        ctx.positions = positions
        return written  # the memory write already happened; this node records it

    @staticmethod
    def backward(ctx, grad):
        need_base, need_view = ctx.needs_input_grad
        grad_base = grad_view = None
        if need_base:
            keep = ctx.xp.ones(grad.shape, dtype=bool)
            keep.reshape(-1)[ctx.positions.reshape(-1)] = False
            grad_base = grad * make_tensor(keep, ctx.device)
        if need_view:
            grad_view = _Gather.apply(grad, positions=ctx.positions)
        return grad_base, grad_view


def _unique(view):
    return not any(s == 0 and n > 1 for s, n in zip(view.data.strides, view.data.shape))


def _rebase_view(view, result):
    base = view._base
    positions = _flat_positions(view, base)
    old = make_tensor(base.data, base.device, base.requires_grad, base.grad_fn, base._output_nr)
    new_base = CopySlices.apply(old, result, positions=positions, written=base.data)
    base.grad_fn, base._output_nr, base.requires_grad = new_base.grad_fn, 0, True
    _set_view_history(view, base, positions)


def _set_view_history(view, base, positions):
    with grad_mode.enable_grad():
        regen = AsStrided.apply(base, positions=positions, unique=_unique(view), data=view.data)
    node = regen.grad_fn
    node._view_v = view._vc[0]
    view.grad_fn, view._output_nr, view.requires_grad = node, 0, True
    return node


def regenerate_view_grad_fn(view):
    """A view's grad_fn once its base was written in place after the view was made."""
    base = view._base
    if not base.requires_grad:
        return view.grad_fn
    return _set_view_history(view, base, _flat_positions(view, base))


# ---------------------------------------------------------------- fills

def fill_random_(self, kind, a=None, b=None, *, generator=None):
    from ..random import fill_
    values = fill_(self, kind, a, b, generator)
    return inplace(self, lambda t: make_tensor(self.device.xp.asarray(values), self.device),
                   allow_cast=True)


class _MaskedSet(Op):
    """x with `value` where `mask` is set; the gradient reaches x only elsewhere."""

    promote = None

    @staticmethod
    def forward(ctx, x, *, mask, value):
        ctx.mask = mask
        out = x.copy()
        out[mask] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad * make_tensor(~ctx.mask, ctx.device)


def fill_diagonal_(self, fill_value, wrap=False):
    shape = self.shape
    if self.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    mask = numpy.zeros(shape, dtype=bool)
    if self.ndim == 2:
        n = shape[1]
        end = None if wrap else n * n
        mask.reshape(-1)[:end:n + 1] = True
    else:
        if len(set(shape)) != 1:
            raise RuntimeError("all dimensions of input must be of equal length")
        idx = numpy.arange(shape[0])
        mask[(idx,) * self.ndim] = True
    mask = self.device.xp.asarray(mask)
    return inplace(self, lambda t: _MaskedSet.apply(t, mask=mask, value=fill_value))
