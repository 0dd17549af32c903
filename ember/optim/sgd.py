"""SGD with momentum, dampening, Nesterov and weight decay (torch.optim.SGD)."""

from .optimizer import Optimizer, _check_hparams, _state_tensor

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent, torch.optim.SGD semantics.

    g = grad (negated if maximize) + weight_decay * p
    b = g on the first step, else momentum * b + (1 - dampening) * g
    g = g + momentum * b if nesterov else b        (only when momentum != 0)
    p = p - lr * g
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        _check_hparams(lr=lr, momentum=momentum, weight_decay=weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                      "weight_decay": weight_decay, "nesterov": nesterov,
                                      "maximize": maximize, "foreach": foreach,
                                      "differentiable": differentiable, "fused": fused})

    def _update(self, p, g, state, group):
        if group["maximize"]:
            g = -g
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        momentum = group["momentum"]
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = g.copy()
                state["momentum_buffer"] = _state_tensor(buf, self._device)
            else:
                buf = buf._data
                buf *= momentum
                dampening = group["dampening"]
                # (1 - 0) * g is g exactly: skip a pass over the array and its temporary
                buf += g if dampening == 0 else (1 - dampening) * g
            g = g + momentum * buf if group["nesterov"] else buf
        p -= group["lr"] * g
