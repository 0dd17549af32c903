"""Copies and conversions: dtype casts, device moves, clone, copy_, fill_."""
from .. import _dtype
from .._device import canonical
from .._tensor import Tensor, make_tensor
from ..autograd.function import Op

__all__ = ["clone", "contiguous_format", "detach", "fill_", "memory_format", "preserve_format"]


class ToCopy(Op):
    """A dtype conversion (torch records these as ToCopyBackward0)."""

    promote = None

    @staticmethod
    def forward(ctx, x, *, dtype):
        ctx.src_dtype = _dtype.from_numpy(x.dtype)
        return x.astype(dtype.np)

    @staticmethod
    def backward(ctx, grad):
        return grad.to(ctx.src_dtype)


class ToDevice(Op):
    promote = None

    @staticmethod
    def forward(ctx, x, *, device):
        ctx.src_device = ctx.device
        ctx.device = device  # the result lives on the target device
        if device.type == "cpu":
            return ctx.ext.to_numpy(x)
        with device.xp.cuda.Device(device.index):
            return device.xp.asarray(x)

    @staticmethod
    def backward(ctx, grad):
        return grad.to(ctx.src_device)


def _parse_to(args, kwargs):
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    for a in args:
        if isinstance(a, _dtype.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype, device = a.dtype, a.device
        elif isinstance(a, bool):
            pass  # non_blocking / copy given positionally
        elif a is not None:
            device = a
    return (canonical(device) if device is not None else None), dtype, copy


def to(input, *args, **kwargs):
    """Tensor.to(dtype) / to(device) / to(device, dtype) / to(other): self when nothing changes."""
    device, dtype, copy = _parse_to(args, dict(kwargs))
    out = input
    if dtype is not None and dtype is not input.dtype:
        out = ToCopy.apply(out, dtype=dtype)
    if device is not None and device != input.device:
        out = _to_device(out, device)
    if copy and out is input:
        out = clone(input)
    return out


def _to_device(t, device):
    if device.type == "cuda":
        device.xp  # noqa: B018 - raises the clear 'needs CuPy' error early
    return ToDevice.apply(t, device=device)


class Clone(Op):
    promote = None

    @staticmethod
    def forward(ctx, x, *, order):
        return x.copy(order=order)

    @staticmethod
    def backward(ctx, grad):
        return grad


class memory_format:
    """torch.contiguous_format / torch.preserve_format (channels_last is not supported)."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")


def clone(input, *, memory_format=None):
    # preserve_format (the default) keeps the strides of a dense tensor, as torch does
    order = "C" if memory_format is contiguous_format else "K"
    return Clone.apply(input, order=order)


def detach(input):
    return input.detach()


def to_numpy(t):
    """The NumPy array of a tensor on any device (a copy for GPU tensors)."""
    return t.device.ext.to_numpy(t._data)


def address(array):
    return array.__array_interface__["data"][0] if hasattr(array, "__array_interface__") else \
        array.data.ptr


class Copy(Op):
    """dst.copy_(src) as torch records it: src gets the incoming gradient (the engine sums it
    over broadcast dims and casts it to src's dtype); the overwritten dst gets zeros."""

    promote = None
    _node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, dst, src):
        return ctx.xp.broadcast_to(src, dst.shape).astype(dst.dtype)

    @staticmethod
    def backward(ctx, grad):
        from .._creation import zeros_like
        need_dst, need_src = ctx.needs_input_grad
        return (zeros_like(grad) if need_dst else None), (grad if need_src else None)


def _check_copy_shapes(dst, src):
    from .shape import infer_size
    ds = tuple(dst.shape)
    out = infer_size(ds, tuple(src.shape))
    if out != ds:
        raise RuntimeError(f"output with shape {list(ds)} doesn't match the broadcast shape "
                           f"{list(out)}")


def copy_(self, src):
    """self.copy_(src): src broadcast, cast and moved into self's memory (differentiable)."""
    from .inplace import inplace
    if not isinstance(src, Tensor):
        src = make_tensor(self.device.xp.asarray(src), self.device)
    if src.device != self.device:
        src = src.to(self.device)
    if src.shape != self.shape:
        _check_copy_shapes(self, src)
    return inplace(self, Copy.apply, src, allow_cast=True)


def fill_(self, value):
    from .inplace import inplace
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                           f"{value.ndim} dimensions.")
    return inplace(self, _filled, value, allow_cast=True)


def _filled(self, value):
    from .shape import expand
    if isinstance(value, Tensor):
        return expand(value.to(self.dtype), self.shape)
    x = self.device.xp.full(self.shape, value, self._data.dtype)
    return make_tensor(x, self.device)
