"""DataLoader(pin_memory=True): batches copied into page-locked host memory, so that
`batch.to('cuda', non_blocking=True)` is a fast copy. Without CUDA it does nothing and warns
once per iterator, as torch does."""
import collections.abc
import warnings


def wanted(loader):
    """Whether this loader's batches are pinned (warning when asked for but impossible)."""
    if not loader.pin_memory:
        return False
    from ... import cuda
    if not cuda.is_available():
        warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then "
                      "device pinned memory won't be used.", stacklevel=6)
        return False
    return True


def pin_memory(data):
    """`data` with every tensor replaced by a pinned copy (containers rebuilt, as in torch)."""
    from ..._tensor import Tensor
    if isinstance(data, Tensor):
        return data.pin_memory()
    if isinstance(data, (str, bytes)):
        return data
    if isinstance(data, collections.abc.Mapping):
        pinned = {k: pin_memory(v) for k, v in data.items()}
        try:
            return type(data)(pinned)
        except TypeError:  # a mapping type that cannot be built from a dict
            return pinned
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return type(data)(*(pin_memory(v) for v in data))
    if isinstance(data, tuple):
        return tuple(pin_memory(v) for v in data)
    if isinstance(data, collections.abc.Sequence):
        try:
            return type(data)([pin_memory(v) for v in data])
        except TypeError:
            return [pin_memory(v) for v in data]
    if hasattr(data, "pin_memory"):  # user batch types that know how to pin themselves
        return data.pin_memory()
    return data
