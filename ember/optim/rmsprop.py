"""RMSprop, plain, centered and with momentum (torch.optim.RMSprop)."""

from .optimizer import Optimizer, _check_hparams, _lerp_, _scalar_state, _zeros_state

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop, torch.optim.RMSprop semantics.

    g = grad (negated if maximize) + weight_decay * p
    v = alpha * v + (1 - alpha) * g * g
    centered: ga = lerp(ga, g, 1 - alpha); avg = sqrt(v - ga * ga) + eps
    otherwise avg = sqrt(v) + eps
    momentum > 0: b = momentum * b + g / avg; p -= lr * b
    else p -= lr * g / avg
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        _check_hparams(lr=lr, epsilon=eps, momentum=momentum, weight_decay=weight_decay,
                       alpha=alpha)
        super().__init__(params, {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                                      "centered": centered, "weight_decay": weight_decay,
                                      "capturable": capturable, "foreach": foreach,
                                      "maximize": maximize, "differentiable": differentiable})

    def _update(self, p, g, state, group):
        if not state:
            state["step"] = _scalar_state(self._param)
            state["square_avg"] = _zeros_state(self._param)
            if group["momentum"] > 0:
                state["momentum_buffer"] = _zeros_state(self._param)
            if group["centered"]:
                state["grad_avg"] = _zeros_state(self._param)
        if group["maximize"]:
            g = -g
        state["step"]._data += 1
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        alpha = group["alpha"]
        v = state["square_avg"]._data
        v *= alpha
        v += (1 - alpha) * g * g
        if group["centered"]:
            ga = state["grad_avg"]._data
            _lerp_(ga, g, 1 - alpha)
            avg = self._xp.sqrt(v + (-1 * ga) * ga)
        else:
            avg = self._xp.sqrt(v)
        avg += group["eps"]
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]._data
            buf *= group["momentum"]
            buf += g / avg
            p -= group["lr"] * buf
        else:
            p += (-group["lr"] * g) / avg
