"""Lazy modules: parameters whose shape is inferred from the first input.

An UninitializedParameter holds no data until `materialize(shape)` turns it, in place, into
an ordinary Parameter. A lazy module registers a forward pre-hook that calls its
`initialize_parameters(*inputs)` once; then, as in torch, the module's class becomes
`cls_to_become` (LazyLinear becomes Linear, LazyConv2d Conv2d) and the hook is removed. state_dict keeps the
uninitialised parameters as they are, and loading a state dict materialises them to the
stored shapes.
"""

from ... import _creation
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ..parameter import Parameter
from .conv import Conv1d, Conv2d, Conv3d
from .linear import Linear

__all__ = ["LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyLinear", "LazyModuleMixin",
           "UninitializedBuffer", "UninitializedParameter"]

_SHAPE_ERROR = ("Can't access the shape of an uninitialized parameter or buffer. This error "
                "usually happens in `load_state_dict` when trying to load an uninitialized "
                "parameter into an initialized one. Call `forward` to initialize the "
                "parameters before accessing their attributes.")


class _UninitializedMixin:
    """Shape queries fail until materialize() gives the tensor its data and real class."""

    cls_to_become = Parameter

    def materialize(self, shape, device=None, dtype=None):
        if device is None:
            device = self.device
        if dtype is None:
            dtype = self._lazy_dtype
        data = _creation.empty(tuple(shape), device=device, dtype=dtype)
        grad = self.requires_grad
        self._adopt(data, False)
        self.__class__ = self.cls_to_become
        if grad:
            self.requires_grad_(True)

    @property
    def shape(self):
        raise RuntimeError(_SHAPE_ERROR)

    def size(self, dim=None):
        raise RuntimeError(_SHAPE_ERROR)

    def dim(self):
        raise RuntimeError(_SHAPE_ERROR)

    def numel(self):
        raise RuntimeError(_SHAPE_ERROR)

    @property
    def ndim(self):
        raise RuntimeError(_SHAPE_ERROR)

    def __repr__(self):
        return f"<{type(self).__name__}>"


class UninitializedParameter(_UninitializedMixin, Parameter):
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        obj = Parameter.__new__(cls, _creation.empty(0, device=device, dtype=dtype),
                                requires_grad)
        obj._lazy_dtype = dtype
        return obj

    def __reduce_ex__(self, proto):
        return (UninitializedParameter, (self.requires_grad,))


class UninitializedBuffer(_UninitializedMixin, Parameter):
    """An uninitialised buffer: becomes a plain Tensor when materialised."""

    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None):
        obj = Parameter.__new__(cls, _creation.empty(0, device=device, dtype=dtype),
                                requires_grad)
        obj._lazy_dtype = dtype
        return obj


def is_lazy(param):
    return isinstance(param, _UninitializedMixin)


class LazyModuleMixin:
    """Mix in before a Module class; define initialize_parameters(*inputs) and optionally
    cls_to_become."""

    cls_to_become = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._initialize_hook = self.register_forward_pre_hook(_infer_parameters)

    def has_uninitialized_params(self):
        return any(is_lazy(p) for p in
                   list(self._parameters.values()) + list(self._buffers.values()))

    def initialize_parameters(self, *args, **kwargs):
        raise NotImplementedError(
            f"initialize_parameters is not implemented for {type(self).__name__}")

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        # uninitialised entries are kept as they are (detach() would lose what they are)
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars or is_lazy(param) \
                    else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars or is_lazy(buf) else buf.detach()

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        for name, param in list(self._parameters.items()) + list(self._buffers.items()):
            key = prefix + name
            if key in state_dict and is_lazy(param) and not is_lazy(state_dict[key]):
                with no_grad():
                    param.materialize(state_dict[key].shape)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict,
                                      missing_keys, unexpected_keys, error_msgs)


def _infer_parameters(module, args):
    module.initialize_parameters(*args)
    if module.has_uninitialized_params():
        raise RuntimeError(f"module {type(module).__name__} has not been fully initialized")
    module._initialize_hook.remove()
    del module._initialize_hook
    if module.cls_to_become is not None:
        module.__class__ = module.cls_to_become


class LazyLinear(LazyModuleMixin, Linear):
    """Linear whose in_features is the last dim of the first input; it then becomes Linear."""

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        # Linear.__init__ with 0 inputs makes empty parameters; replace them by lazy ones
        super().__init__(0, 0, False)
        self.out_features = out_features
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            with no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()


class _LazyConvNd(LazyModuleMixin):
    """Conv whose in_channels is the channel dim of the first input; it then becomes ConvNd."""

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        # the ConvNd constructor with 0 channels makes empty parameters: replaced by lazy ones
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False,
                         padding_mode, device, dtype)
        self.out_channels = out_channels
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            n = len(self.kernel_size)
            if input.dim() not in (n + 1, n + 2):
                raise RuntimeError(
                    f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to "
                    f"{self.cls_to_become.__name__}, but got input of size: "
                    f"{list(input.shape)}")
            with no_grad():
                self.in_channels = input.shape[1] if input.dim() == n + 2 else input.shape[0]
                if self.in_channels % self.groups != 0:
                    raise ValueError("in_channels must be divisible by groups")
                self.weight.materialize((self.out_channels, self.in_channels // self.groups,
                                         *self.kernel_size))
                if self.bias is not None:
                    self.bias.materialize((self.out_channels,))
                self.reset_parameters()


class LazyConv1d(_LazyConvNd, Conv1d):
    cls_to_become = Conv1d


class LazyConv2d(_LazyConvNd, Conv2d):
    cls_to_become = Conv2d


class LazyConv3d(_LazyConvNd, Conv3d):
    cls_to_become = Conv3d
