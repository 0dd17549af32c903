"""In-place operations: one mechanism behind every `x.op_(...)`.

The out-of-place op computes the new value (with its graph), which is then written into
the tensor's own memory, so views and the base see it. The version counter, shared by a
tensor and its views, goes up; a backward that saved the old value then raises torch's
error. When the tensor is a view of a graph tensor, the base's history is extended by a
CopySlices node, as torch does.
"""
import numpy

from .. import _dtype
from .._tensor import Tensor, make_tensor
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
    if tracking and self.requires_grad:
        if self.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                               "operation.")
        base = self._base
        if base is not None and base.grad_fn is None and base.requires_grad:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in "
                               "an in-place operation.")
    if self._base is not None and tracking and self._base.requires_grad and \
            self._base.grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")
    src = self
    if tracking and (self.requires_grad or _any_requires_grad(args, kwargs)):
        # the op may save its input for backward; it must see the old value, not our memory
        src = make_tensor(self.data.copy(), self.device, self.requires_grad, self.grad_fn,
                          self._output_nr)
    result = fn(src, *args, **kwargs)
    if result.dtype is not self.dtype:
        if not allow_cast and not _can_cast(result.dtype, self.dtype):
            raise RuntimeError(f"result type {_NAMES[result.dtype.name]} can't be cast to the "
                               f"desired output type {_NAMES[self.dtype.name]}")
        result = result.to(self.dtype)
    if result.shape != self.shape:
        raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast "
                           f"shape {list(result.shape)}")
    if result.data is not self.data:
        self.data[...] = result.data
    self._vc[0] += 1
    if result.requires_grad:
        if self._base is not None and tracking:
            _rebase_view(self, result)
        else:
            self.grad_fn, self._output_nr, self.requires_grad = result.grad_fn, \
                result._output_nr, True
    return self


def _any_requires_grad(args, kwargs):
    for a in args:
        if isinstance(a, Tensor) and a.requires_grad:
            return True
        if isinstance(a, (list, tuple)) and any(isinstance(x, Tensor) and x.requires_grad
                                                 for x in a):
            return True
    return any(isinstance(a, Tensor) and a.requires_grad for a in kwargs.values())


def _flat_positions(view, base):
    """For each element of `view`, its flat (C-order) index in `base`, from byte offsets."""
    xp = base.device.xp

    def offsets(a):
        grid = numpy.indices(a.shape, dtype=numpy.int64) if a.ndim else numpy.zeros((0,),
                                                                                   numpy.int64)
        strides = numpy.array(a.strides, dtype=numpy.int64).reshape((-1,) + (1,) * a.ndim)
        return (grid * strides).sum(axis=0) if a.ndim else numpy.int64(0)

    from .copy import address
    base_off = numpy.asarray(offsets(base.data)).reshape(-1)
    view_off = numpy.asarray(offsets(view.data)) + (address(view.data) - address(base.data))
    order = numpy.argsort(base_off, kind="stable")
    pos = order[numpy.searchsorted(base_off[order], view_off)]
    return xp.asarray(pos.reshape(view.shape))


class CopySlices(Op):
    """The base of a view after an in-place write through that view.

    Inputs: the base's old value and the view's new value. The gradient of the base flows
    everywhere but the written region; the written region's gradient goes to the new value.
    """

    promote = None

    @staticmethod
    def forward(ctx, base_old, view_new, *, positions, written):
        ctx.positions = positions
        return written  # the memory write already happened; this node records it

    @staticmethod
    def backward(ctx, grad):
        from .indexing import take
        pos = make_tensor(ctx.positions, ctx.device)
        keep = ctx.xp.ones(grad.shape, dtype=bool)
        keep.reshape(-1)[ctx.positions.reshape(-1)] = False
        grad_base = grad * make_tensor(keep, ctx.device)
        grad_view = take(grad, pos)
        return grad_base, grad_view


def _rebase_view(view, result):
    from .indexing import take
    base = view._base
    positions = _flat_positions(view, base)
    old = make_tensor(base.data, base.device, base.requires_grad, base.grad_fn, base._output_nr)
    new_base = CopySlices.apply(old, result, positions=positions, written=base.data)
    base.grad_fn, base._output_nr, base.requires_grad = new_base.grad_fn, 0, True
    regen = take(base, make_tensor(positions, base.device))
    view.grad_fn, view._output_nr, view.requires_grad = regen.grad_fn, 0, True


def fill_random_(self, kind, a=None, b=None, *, generator=None):
    from ..random import fill_
    values = fill_(self, kind, a, b, generator)
    return inplace(self, lambda t: make_tensor(self.device.xp.asarray(values), self.device),
                   allow_cast=True)


def fill_diagonal_(self, fill_value, wrap=False):
    def filled(t):
        x = t.data.copy()
        if t.ndim == 2:
            n = x.shape[1]
            step = n + 1
            end = None if wrap else n * n
            x.reshape(-1)[:end:step] = fill_value
        else:
            if len(set(t.shape)) != 1:
                raise RuntimeError("all dimensions of input must be of equal length")
            idx = numpy.arange(t.shape[0])
            x[(idx,) * t.ndim] = fill_value
        return make_tensor(x, t.device)
    return inplace(self, filled)
