"""Linear algebra: matmul and its relatives, einsum, and the torch.linalg pieces."""
from .._tensor import Tensor
from ..autograd.function import Op

__all__ = ["matmul"]


class Matmul(Op):
    """Both operands at least 2-D here; the 1-D cases are reshaped around it by matmul()."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_inputs(0, 1)
        return ctx.xp.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        need_a, need_b = ctx.needs_input_grad
        return (grad @ b.mT if need_a else None), (a.mT @ grad if need_b else None)


def matmul(input, other):
    a_nd, b_nd = input.ndim, other.ndim
    if a_nd == 0 or b_nd == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{a_nd}D and {b_nd}D")
    a = input.unsqueeze(0) if a_nd == 1 else input
    b = other.unsqueeze(-1) if b_nd == 1 else other
    if a.shape[-1] != b.shape[-2]:
        if a_nd <= 2 and b_nd <= 2:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a.shape[-2]}x"
                               f"{a.shape[-1]} and {b.shape[-2]}x{b.shape[-1]})")
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{b.shape[0] if b.ndim > 2 else 1}, {a.shape[-1]}] but got: "
                           f"[{b.shape[0] if b.ndim > 2 else 1}, {b.shape[-2]}].")
    out = Matmul.apply(a, b)
    if a_nd == 1:
        out = out.squeeze(-2)
    if b_nd == 1:
        out = out.squeeze(-1)
    return out
