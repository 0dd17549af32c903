"""NAdam (torch.optim.NAdam)."""

from .optimizer import Optimizer, _check_betas, _check_hparams, _lerp_, _scalar_state, _zeros_state

__all__ = ["NAdam"]


class NAdam(Optimizer):
    r"""NAdam, torch.optim.NAdam semantics.

    g = grad (negated if maximize); weight decay as Adam (decoupled_weight_decay as AdamW)
    mu_t = beta1 * (1 - 0.5 * 0.96**(t * momentum_decay));  P_t = prod mu_1..mu_t
    (P is kept in float32 like torch's mu_product tensor)
    m = lerp(m, g, 1 - beta1);   v = beta2 * v + (1 - beta2) * g * g
    d = sqrt(v / (1 - beta2**t)) + eps
    p -= lr * (1 - mu_t) / (1 - P_t) * g / d + lr * mu_{t+1} / (1 - P_t mu_{t+1}) * m / d
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        _check_hparams(lr=lr, epsilon=eps)
        _check_betas(betas)
        _check_hparams(weight_decay=weight_decay, momentum_decay=momentum_decay)
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                                      "momentum_decay": momentum_decay,
                                      "decoupled_weight_decay": decoupled_weight_decay,
                                      "maximize": maximize, "foreach": foreach,
                                      "capturable": capturable, "differentiable": differentiable})

    def _update(self, p, g, state, group):
        if not state:
            state["step"] = _scalar_state(self._param)
            state["mu_product"] = _scalar_state(self._param, 1.0)
            state["exp_avg"] = _zeros_state(self._param)
            state["exp_avg_sq"] = _zeros_state(self._param)
        beta1, beta2 = group["betas"]
        lr, wd, md = group["lr"], group["weight_decay"], group["momentum_decay"]
        if group["maximize"]:
            g = -g
        state["step"]._data += 1
        step = float(state["step"]._data)
        bias_correction2 = 1 - beta2 ** step
        if wd != 0:
            if group["decoupled_weight_decay"]:
                p *= 1 - lr * wd
            else:
                g = g + wd * p
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * md)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * md)))
        mu_product = state["mu_product"]._data
        mu_product *= mu
        mu_product = float(mu_product)
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        _lerp_(m, g, 1 - beta1)
        v *= beta2
        v += (1 - beta2) * g * g
        denom = self._xp.sqrt(v / bias_correction2)
        denom += group["eps"]
        p += (-lr * (1.0 - mu) / (1.0 - mu_product) * g) / denom
        p += ((-lr * mu_next) / (1.0 - mu_product * mu_next) * m) / denom
