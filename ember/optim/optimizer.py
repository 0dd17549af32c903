"""Optimizer: param_groups, state, zero_grad, step(closure), state_dict/load_state_dict.

A subclass supplies ``_update(p, g, state, group)`` working on xp arrays: ``p`` is the
parameter's array (updated in place), ``g`` its gradient array, ``state`` the parameter's
state dict (values are ember Tensors, as in torch, so ``optimizer.state[p]`` reads the
same) and ``group`` the parameter's group. The base class does everything else.
"""

from collections import defaultdict
from copy import deepcopy
from itertools import chain

from .._tensor import Tensor, make_tensor
from ..autograd.grad_mode import enable_grad, no_grad

__all__ = ["Optimizer"]


class _RequiredParameter:
    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _check_hparams(**values):
    """torch's ValueError messages for negative hyperparameters."""
    names = {"lr": "learning rate"}
    for key, v in values.items():
        if not 0.0 <= v:
            label = names.get(key)
            raise ValueError(f"Invalid {label}: {v}" if label else f"Invalid {key} value: {v}")


def _check_betas(betas):
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")


def _state_tensor(array, device):
    return make_tensor(array, device)


def _scalar_state(p, value=0.0):
    """torch keeps `step` (and NAdam's mu_product) as a float32 0-dim tensor."""
    xp = p.device.xp
    return make_tensor(xp.asarray(value, dtype=xp.float32), p.device)


def _zeros_state(p, fill=0.0):
    xp = p.device.xp
    return make_tensor(xp.full(p._data.shape, fill, dtype=p._data.dtype), p.device)


def _lerp_(a, b, w):
    """a.lerp_(b, w) with torch's formula, which switches form at w = 0.5 for accuracy."""
    if w < 0.5:
        a += w * (b - a)
    else:
        a[...] = b - (b - a) * (1 - w)


class Optimizer:
    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {params.type()}")
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    # ------------------------------------------------------------ groups
    def add_param_group(self, param_group):
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            param_group["params"] = list(params)
        for p in param_group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                f"{type(p).__module__}.{type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)
        ids = [id(p) for p in param_group["params"]]
        if len(set(ids)) != len(ids):
            import warnings
            warnings.warn("optimizer contains a parameter group with duplicate parameters; "
                          "in future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if not seen.isdisjoint(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def __repr__(self):
        lines = [self.__class__.__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(group):
                if key != "params":
                    lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)

    _param = None

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)

    # ------------------------------------------------------------ grads
    def zero_grad(self, set_to_none=True):
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if g.grad_fn is not None:
                        g = p._grad = g.detach()
                    else:
                        g.requires_grad = False
                    g._data[...] = 0
                    g._vc[0] += 1

    def _gather(self):
        """Every (param, grad array, group) to update, validated before anything changes."""
        work = []
        for gi, group in enumerate(self.param_groups):
            for pi, p in enumerate(group["params"]):
                g = p.grad
                if g is None:
                    continue
                gd, pd = g._data, p._data
                if gd.shape != pd.shape:
                    raise RuntimeError(
                        f"gradient of parameter {pi} in param group {gi} has shape "
                        f"{list(g._data.shape)} but the parameter has shape {list(p._data.shape)}")
                if gd.dtype is not pd.dtype and gd.dtype != pd.dtype:
                    raise RuntimeError(
                        f"gradient of parameter {pi} in param group {gi} has dtype {g.dtype} "
                        f"but the parameter has dtype {p.dtype}")
                if g.device is not p.device and g.device != p.device:
                    raise RuntimeError(
                        f"gradient of parameter {pi} in param group {gi} is on {g.device} "
                        f"but the parameter is on {p.device}")
                work.append((p, gd, group))
        return work

    def step(self, closure=None):
        loss = None
        self._opt_called = True     # read by lr schedulers to warn about a wrong call order
        if closure is not None:
            with enable_grad():
                loss = closure()
        states = self.state
        update = self._update
        with no_grad():
            for p, g, group in self._gather():
                # _update sees arrays; state constructors reach the tensor through _param
                self._param = p
                state = states.get(p)
                if state is None:
                    # stored only if the update keeps something (plain SGD keeps nothing)
                    state = {}
                    update(p._data, g, state, group)
                    if state:
                        states[p] = state
                else:
                    update(p._data, g, state, group)
                p._vc[0] += 1
            self._param = None
        return loss

    @property
    def _device(self):
        return self._param.device

    @property
    def _xp(self):
        return self._param.device.xp

    def _update(self, p, g, state, group):
        raise NotImplementedError

    # ------------------------------------------------------------ state dict
    def state_dict(self):
        index = {}
        packed_groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                if id(p) not in index:
                    index[id(p)] = len(index)
            packed["params"] = [index[id(p)] for p in group["params"]]
            packed_groups.append(packed)
        state = {index[id(p)]: v for p, v in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": packed_groups}

    def load_state_dict(self, state_dict):
        state_dict = state_dict.copy()
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        param_lens = (len(g["params"]) for g in groups)
        saved_lens = (len(g["params"]) for g in saved_groups)
        if any(p_len != s_len for p_len, s_len in zip(param_lens, saved_lens)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        def cast(param, value, key=None):
            if isinstance(value, Tensor):
                xp = param.device.xp
                if key == "step":
                    arr = xp.array(value._data if param.device == value.device
                                   else _host(value._data), copy=True)
                else:
                    src = value._data if param.device == value.device else _host(value._data)
                    dtype = param._data.dtype if value.is_floating_point() else src.dtype
                    arr = xp.array(src, dtype=dtype, copy=True)
                return make_tensor(arr, param.device)
            if isinstance(value, dict):
                return {k: cast(param, v, k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v) for v in value)
            return value

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = cast(id_map[k], v)
            else:
                state[k] = v
        new_groups = []
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            new_groups.append(saved)
        self.state = state
        self.param_groups = new_groups


def _host(array):
    get = getattr(array, "get", None)
    return get() if get is not None else array
