"""RAdam (torch.optim.RAdam)."""

from .optimizer import Optimizer, _check_betas, _check_hparams, _lerp_, _scalar_state, _zeros_state

__all__ = ["RAdam"]


class RAdam(Optimizer):
    r"""RAdam, torch.optim.RAdam semantics.

    g = grad (negated if maximize); weight decay as Adam (decoupled_weight_decay as AdamW)
    m = lerp(m, g, 1 - beta1);   v = beta2 * v + (1 - beta2) * g * g
    rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)
    mhat = m / (1 - beta1**t)
    rho_t > 5: r = sqrt((rho_t-4)(rho_t-2) rho_inf / ((rho_inf-4)(rho_inf-2) rho_t))
               p -= lr * mhat * sqrt(1 - beta2**t) / (sqrt(v) + eps) * r
    else:      p -= lr * mhat
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        _check_hparams(lr=lr, epsilon=eps)
        _check_betas(betas)
        _check_hparams(weight_decay=weight_decay)
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                                      "maximize": maximize, "foreach": foreach,
                                      "capturable": capturable,
                                      "decoupled_weight_decay": decoupled_weight_decay,
                                      "differentiable": differentiable})

    def _update(self, p, g, state, group):
        if not state:
            state["step"] = _scalar_state(self._param)
            state["exp_avg"] = _zeros_state(self._param)
            state["exp_avg_sq"] = _zeros_state(self._param)
        beta1, beta2 = group["betas"]
        lr, wd = group["lr"], group["weight_decay"]
        if group["maximize"]:
            g = -g
        state["step"]._data += 1
        step = float(state["step"]._data)
        if wd != 0:
            if group["decoupled_weight_decay"]:
                p *= 1 - lr * wd
            else:
                g = g + wd * p
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        _lerp_(m, g, 1 - beta1)
        v *= beta2
        v += (1 - beta2) * g * g
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        mhat = m / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            sq = self._xp.sqrt(v)
            sq += group["eps"]
            p -= mhat * lr * ((bias_correction2 ** 0.5) / sq) * rect
        else:
            p -= mhat * lr
