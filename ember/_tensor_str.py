"""Tensor printing in torch's format."""
import numpy


def tensor_repr(t):
    data = t.device.ext.to_numpy(t.data)
    body = numpy.array2string(data, separator=", ", prefix="tensor(")
    parts = [f"tensor({body}"]
    if t.device.type != "cpu":
        parts.append(f"device='{t.device}'")
    if t.grad_fn is not None:
        parts.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        parts.append("requires_grad=True")
    return ", ".join(parts) + ")"
