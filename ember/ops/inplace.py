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
    if not self._data.flags.c_contiguous and _overlaps(self._data):
        raise RuntimeError("unsupported operation: more than one element of the written-to "
                           "tensor refers to a single memory location. Please clone() the tensor "
                           "before performing the operation.")
    src = self
    seq0 = None
    if tracking and (self.requires_grad or grads_in):
        # the op sees an alias with the current history and a private version counter; if
        # it saves that alias for backward, the alias gets a copy of the old values below
        src = make_tensor(self._data, self.device, self.requires_grad,
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
    if result._data is not self._data:
        self._data[...] = result._data
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
        _repoint_saved_output(self, result, seq0)
        handle = self.__dict__.get("_retains") if self.grad_fn is not None else None
        if handle:
            _move_retain(self, handle)
    return self


def _repoint_saved_output(self, result, seq0):
    """An op that saved its output (exp_, relu_, ...) keeps self's memory and version instead
    of the temporary result: no extra copy stays alive, and a later in-place change of self
    raises torch's error at backward, as in torch."""
    node = result.grad_fn
    if node is None or getattr(node, "seq", -1) <= seq0 or not getattr(node, "_save_out", False):
        return
    if node._out_arrays is None:
        return
    i = result._output_nr
    if node._out_arrays[i] is not result._data:
        return
    node._out_arrays = node._out_arrays[:i] + (self._data,) + node._out_arrays[i + 1:]
    node._out_vcs = node._out_vcs[:i] + (self._vc,) + node._out_vcs[i + 1:]
    node._out_versions = node._out_versions[:i] + (self._vc[0],) + node._out_versions[i + 1:]


def _check_allowed(self, base, grads_in):
    if base is not None:
        # a view without history of a base that requires grad was made under no_grad (torch
        # also refuses a no_grad view of a base without grad when the op's arguments need
        # grad; ember allows that one and records it like any write through a view)
        if self.grad_fn is None and base.requires_grad:
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
                t._data = t._data.copy()
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

class _Region:
    """Where a view's elements sit in its base, in the base's C order.

    For a C-contiguous base (the usual case) that is a strided geometry (shape, element
    strides, offset) and gather/scatter are strided copies of O(view) work with no index
    arrays. Otherwise (a base with other strides, or an expanded view whose elements repeat)
    it is an array of flat positions.
    """

    __slots__ = ("base_shape", "geom", "positions", "unique")

    def __init__(self, view, base):
        from .copy import address
        v, b = view._data, base._data
        self.base_shape = b.shape
        self.unique = not any(st == 0 and n > 1 for st, n in zip(v.strides, v.shape))
        self.geom = self.positions = None
        it = b.itemsize
        off = address(v) - address(b)
        if b.flags.c_contiguous and self.unique and v.itemsize == it and off % it == 0 and \
                all(st >= 0 and st % it == 0 for st in v.strides):
            self.geom = (v.shape, tuple(st // it for st in v.strides), off // it)
        else:
            self.positions = base.device.xp.asarray(_flat_positions(v, b, off))

    def _strided(self, xp, flat):
        shape, strides, off = self.geom
        it = flat.itemsize
        return xp.lib.stride_tricks.as_strided(flat[off:], shape, tuple(st * it for st in strides))

    def gather(self, xp, x):
        if self.geom is not None:
            return self._strided(xp, xp.ascontiguousarray(x).reshape(-1)).copy()
        return x.reshape(-1)[self.positions]

    def scatter(self, xp, ext, g):
        out = xp.zeros(self.base_shape, dtype=g.dtype)
        flat = out.reshape(-1)
        if self.geom is not None:
            self._strided(xp, flat)[...] = g
        elif self.unique:
            flat[self.positions.reshape(-1)] = g.reshape(-1)
        else:  # an expanded view: several of its elements are one element of the base
            ext.scatter_add(flat, self.positions.reshape(-1), g.reshape(-1))
        return out

    def zero(self, xp, x):
        out = xp.array(x, order="C", copy=True)
        flat = out.reshape(-1)
        if self.geom is not None:
            self._strided(xp, flat)[...] = 0
        else:
            flat[self.positions.reshape(-1)] = 0
        return out


def _flat_positions(v, b, off):
    """For each element of view array v, its flat (C-order) index in base array b, from
    byte offsets (off: v's first byte minus b's)."""
    def offsets(a):
        if not a.ndim:
            return numpy.zeros((), numpy.int64)
        grid = numpy.indices(a.shape, dtype=numpy.int64)
        strides = numpy.array(a.strides, dtype=numpy.int64).reshape((-1,) + (1,) * a.ndim)
        return (grid * strides).sum(axis=0)
    view_off = offsets(v) + off
    if b.flags.c_contiguous:
        return view_off // b.itemsize
    base_off = offsets(b).reshape(-1)
    order = numpy.argsort(base_off, kind="stable")
    return order[numpy.searchsorted(base_off[order], view_off)]


class _Gather(Op):
    """A view's elements read out of a base-shaped tensor."""

    promote = None

    @staticmethod
    def forward(ctx, x, *, region):
        ctx.region = region
        return region.gather(ctx.xp, x)

    @staticmethod
    def backward(ctx, grad):
        return _Scatter.apply(grad, region=ctx.region)


class _Scatter(Op):
    """The transpose of _Gather: a zero base-shaped tensor with g at the view's elements."""

    promote = None

    @staticmethod
    def forward(ctx, g, *, region):
        ctx.region = region
        return region.scatter(ctx.xp, ctx.ext, g)

    @staticmethod
    def backward(ctx, grad):
        return _Gather.apply(grad, region=ctx.region)


class _ZeroRegion(Op):
    """x with the view's elements set to zero: linear and its own adjoint."""

    promote = None

    @staticmethod
    def forward(ctx, x, *, region):
        ctx.region = region
        return region.zero(ctx.xp, x)

    @staticmethod
    def backward(ctx, grad):
        return _ZeroRegion.apply(grad, region=ctx.region)


class AsStrided(Op):
    """The history of a view whose base changed in place: its elements of the base's newest
    value (torch's AsStridedBackward0). The view's memory is already right: no copy is made."""

    promote = None

    @staticmethod
    def forward(ctx, base, *, region, data):
        ctx.region = region
        return data

    @staticmethod
    def backward(ctx, grad):
        return _Scatter.apply(grad, region=ctx.region)


class CopySlices(Op):
    """The base of a view after an in-place write through that view.

    Inputs: the base's old value and the view's new value. The gradient of the base flows
    everywhere but the written region; the written region's gradient goes to the new value.
    """

    promote = None
    _node_name = "torch::autograd::CopySlices"

    @staticmethod
    def forward(ctx, base_old, view_new, *, region, written):
        ctx.region = region
        return written  # the memory write already happened; this node records it

    @staticmethod
    def backward(ctx, grad):
        need_base, need_view = ctx.needs_input_grad
        return (_ZeroRegion.apply(grad, region=ctx.region) if need_base else None,
                _Gather.apply(grad, region=ctx.region) if need_view else None)


def _rebase_view(view, result):
    base = view._base
    region = _Region(view, base)
    old = make_tensor(base._data, base.device, base.requires_grad, base.grad_fn, base._output_nr)
    new_base = CopySlices.apply(old, result, region=region, written=base._data)
    base.grad_fn, base._output_nr, base.requires_grad = new_base.grad_fn, 0, True
    _set_view_history(view, base, region)


def _set_view_history(view, base, region):
    with grad_mode.enable_grad():
        regen = AsStrided.apply(base, region=region, data=view._data)
    node = regen.grad_fn
    node._view_v = view._vc[0]
    view.grad_fn, view._output_nr, view.requires_grad = node, 0, True
    return node


def regenerate_view_grad_fn(view):
    """A view's grad_fn once its base was written in place after the view was made."""
    base = view._base
    if not base.requires_grad:
        return view.grad_fn
    return _set_view_history(view, base, _Region(view, base))


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
