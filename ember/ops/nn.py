"""Primitives kept fused for numerical stability or speed: softmax, log_softmax, and (later)
cross entropy, layer norm, batch norm, dropout."""
from .._tensor import Tensor
from ..autograd.function import Op

__all__ = []
