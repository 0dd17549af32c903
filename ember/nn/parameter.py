"""torch.nn.Parameter: a Tensor that a Module registers as a parameter when assigned."""
from .._tensor import Tensor, make_tensor


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)


class Parameter(Tensor):
    """A leaf Tensor sharing `data`'s memory, with requires_grad=True by default."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            import numpy

            from .._device import cpu
            data = make_tensor(numpy.empty(0, numpy.float32), cpu)
        obj = object.__new__(cls)
        # torch: Parameter(t) is t's storage under a new leaf identity, with no history
        obj._adopt(data, False)
        if requires_grad:
            obj.requires_grad_(True)
        return obj

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, proto):
        # a plain Tensor pickles as a plain tensor; rebuild the subclass around it
        return (_rebuild_parameter, (self.detach(), self.requires_grad))


def __getattr__(name):
    # torch.nn.parameter also names the lazy modules' placeholders, which live beside them.
    if name in ("UninitializedParameter", "UninitializedBuffer"):
        from .modules import lazy
        return getattr(lazy, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
