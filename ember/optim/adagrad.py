"""Adagrad (torch.optim.Adagrad)."""

from .optimizer import Optimizer, _check_hparams, _scalar_state, _zeros_state

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad, torch.optim.Adagrad semantics.

    g = grad (negated if maximize) + weight_decay * p
    clr = lr / (1 + (t - 1) * lr_decay)
    s = s + g * g        (s starts at initial_accumulator_value)
    p -= clr * g / (sqrt(s) + eps)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10, foreach=None, *, maximize=False,
                 differentiable=False, fused=None):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        _check_hparams(lr_decay=lr_decay, weight_decay=weight_decay,
                       initial_accumulator_value=initial_accumulator_value, epsilon=eps)
        super().__init__(params, {"lr": lr, "lr_decay": lr_decay, "eps": eps,
                                      "weight_decay": weight_decay,
                                      "initial_accumulator_value": initial_accumulator_value,
                                      "foreach": foreach, "maximize": maximize,
                                      "differentiable": differentiable, "fused": fused})
        # torch creates Adagrad's state up front, so a fresh state_dict already holds it
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, self.state[p], group)

    def _init_state(self, p, state, group):
        state["step"] = _scalar_state(p)
        state["sum"] = _zeros_state(p, group["initial_accumulator_value"])

    def _update(self, p, g, state, group):
        if not state:
            self._init_state(self._param, state, group)
        state["step"]._data += 1
        step = float(state["step"]._data)
        if group["maximize"]:
            g = -g
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        s = state["sum"]._data
        s += g * g
        std = self._xp.sqrt(s)
        std += group["eps"]
        p += (-clr * g) / std
