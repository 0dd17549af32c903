"""Adam and AMSGrad (torch.optim.Adam)."""

from .optimizer import Optimizer, _check_betas, _check_hparams, _scalar_state, _zeros_state

__all__ = ["Adam"]


class Adam(Optimizer):
    r"""Adam, torch.optim.Adam semantics.

    g = grad (negated if maximize); with weight_decay: g += wd * p, or when
    decoupled_weight_decay (AdamW) p *= 1 - lr * wd instead
    m = lerp(m, g, 1 - beta1);   v = beta2 * v + (1 - beta2) * g * g
    vmax = max(vmax, v) with amsgrad, and v is replaced by vmax below
    p -= lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        _check_hparams(lr=lr, epsilon=eps)
        _check_betas(betas)
        _check_hparams(weight_decay=weight_decay)
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                                      "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach,
                                      "capturable": capturable, "differentiable": differentiable,
                                      "fused": fused,
                                      "decoupled_weight_decay": decoupled_weight_decay})

    def _update(self, p, g, state, group):
        if not state:
            state["step"] = _scalar_state(self._param)
            state["exp_avg"] = _zeros_state(self._param)
            state["exp_avg_sq"] = _zeros_state(self._param)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = _zeros_state(self._param)
        if group["maximize"]:
            g = -g
        lr, wd = group["lr"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        if wd != 0:
            if group["decoupled_weight_decay"]:
                p *= 1 - lr * wd
            else:
                g = g + wd * p
        state["step"]._data += 1
        step = float(state["step"]._data)
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        xp = self._xp
        # One scratch pair, the same operations in the same order as torch's
        # lerp_/mul_/addcmul_/addcdiv_ (so the rounding matches), without a fresh
        # temporary per term.
        t = xp.subtract(g, m)
        if 1 - beta1 < 0.5:  # _lerp_'s branch, in place
            t *= 1 - beta1
            m += t
        else:
            t *= 1 - (1 - beta1)
            xp.subtract(g, t, out=m)
        v *= beta2
        xp.multiply(g, 1 - beta2, out=t)
        t *= g
        v += t
        if group["amsgrad"]:
            vmax = state["max_exp_avg_sq"]._data
            xp.maximum(vmax, v, out=vmax)
            v = vmax
        step_size = lr / (1 - beta1 ** step)
        xp.sqrt(v, out=t)
        t /= (1 - beta2 ** step) ** 0.5
        t += group["eps"]
        u = xp.multiply(m, -step_size)
        u /= t
        p += u
