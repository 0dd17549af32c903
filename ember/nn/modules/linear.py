"""Identity, Linear, Bilinear: parameters in torch's layout, the math in nn.functional."""
import math

from ... import _creation
from ..._tensor import Tensor
from .. import functional as F
from .. import init
from ..functional import _FLOATING_NP, _Linear
from ..parameter import Parameter
from .module import Module

__all__ = ["Bilinear", "Identity", "Linear"]


class Identity(Module):
    """Returns its input; takes (and ignores) any constructor arguments, as torch's does."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """y = x @ weight.T + bias, weight of shape (out_features, in_features)."""

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(_creation.empty((out_features, in_features), device=device,
                                                dtype=dtype))
        if bias:
            self.bias = Parameter(_creation.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        # a=sqrt(5) makes the weight uniform on +-1/sqrt(fan_in), the same bound as the bias
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        # read the parameters from their dict: Module.__getattr__ is a Python call each;
        # pruning and parametrizations move them out of it, hence the fallback
        params = self._parameters
        weight = params["weight"] if "weight" in params else self.weight  # noqa: SIM401 - lazy
        bias = params["bias"] if "bias" in params else self.bias  # noqa: SIM401
        # F.linear's fused path for a batch of rows, its checks written out (one Python
        # call less on every layer call); anything else goes through F.linear
        if bias is not None and isinstance(input, Tensor):
            xd, wd, bd = input._data, weight._data, bias._data
            if xd.ndim == 2 and wd.ndim == 2 and bd.ndim == 1 and xd.shape[1] == wd.shape[1] \
                    and bd.shape[0] == wd.shape[0] and xd.dtype is wd.dtype and \
                    bd.dtype is wd.dtype and xd.dtype in _FLOATING_NP and xd.dtype.kind != "c":
                return _Linear.apply(input, weight, bias)
        return F.linear(input, weight, bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Bilinear(Module):
    """y = x1^T A x2 + b, weight of shape (out_features, in1_features, in2_features)."""

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None,
                 dtype=None):
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(_creation.empty((out_features, in1_features, in2_features),
                                                device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(_creation.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        if self.in1_features <= 0:
            raise ValueError(f"in1_features must be > 0, but got (in1_features="
                             f"{self.in1_features})")
        bound = 1 / math.sqrt(self.weight.size(1))
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
