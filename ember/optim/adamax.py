"""Adamax (torch.optim.Adamax)."""

from .optimizer import Optimizer, _check_betas, _check_hparams, _lerp_, _scalar_state, _zeros_state

__all__ = ["Adamax"]


class Adamax(Optimizer):
    r"""Adamax, torch.optim.Adamax semantics (Adam with an infinity norm).

    g = grad (negated if maximize) + weight_decay * p
    m = lerp(m, g, 1 - beta1);   u = max(beta2 * u, |g| + eps)
    p -= lr / (1 - beta1**t) * m / u
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        _check_hparams(lr=lr, epsilon=eps)
        _check_betas(betas)
        _check_hparams(weight_decay=weight_decay)
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                                      "foreach": foreach, "maximize": maximize,
                                      "differentiable": differentiable, "capturable": capturable})

    def _update(self, p, g, state, group):
        if not state:
            state["step"] = _scalar_state(self._param)
            state["exp_avg"] = _zeros_state(self._param)
            state["exp_inf"] = _zeros_state(self._param)
        beta1, beta2 = group["betas"]
        if group["maximize"]:
            g = -g
        state["step"]._data += 1
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        m, u = state["exp_avg"]._data, state["exp_inf"]._data
        _lerp_(m, g, 1 - beta1)
        u *= beta2
        self._xp.maximum(u, self._xp.abs(g) + group["eps"], out=u)
        clr = group["lr"] / (1 - beta1 ** float(state["step"]._data))
        p += (-clr * m) / u
