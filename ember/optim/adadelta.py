"""Adadelta (torch.optim.Adadelta)."""

from .optimizer import Optimizer, _check_hparams, _scalar_state, _zeros_state

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta, torch.optim.Adadelta semantics.

    g = grad (negated if maximize) + weight_decay * p
    v = rho * v + (1 - rho) * g * g
    d = sqrt(u + eps) / sqrt(v + eps) * g
    u = rho * u + (1 - rho) * d * d
    p -= lr * d
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_hparams(epsilon=eps, weight_decay=weight_decay)
        super().__init__(params, {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                                      "maximize": maximize, "capturable": capturable,
                                      "foreach": foreach, "differentiable": differentiable})

    def _update(self, p, g, state, group):
        if not state:
            state["step"] = _scalar_state(self._param)
            state["square_avg"] = _zeros_state(self._param)
            state["acc_delta"] = _zeros_state(self._param)
        xp, rho, eps = self._xp, group["rho"], group["eps"]
        state["step"]._data += 1
        if group["maximize"]:
            g = -g
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        v, u = state["square_avg"]._data, state["acc_delta"]._data
        v *= rho
        v += (1 - rho) * g * g
        delta = xp.sqrt(u + eps)
        delta /= xp.sqrt(v + eps)
        delta *= g
        u *= rho
        u += (1 - rho) * delta * delta
        p -= group["lr"] * delta
