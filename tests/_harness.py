"""Run the same computation on ember and torch and compare values, dtypes, shapes, grads."""
import numpy
import torch

import ember


def to_torch(x, requires_grad=None):
    if isinstance(x, ember.Tensor):
        t = torch.from_numpy(numpy.array(ember.ops.to_numpy(x.detach()))
                             if x.dtype is not ember.bfloat16 else
                             numpy.array(ember.ops.to_numpy(x.detach()).astype(numpy.float32)))
        if x.dtype is ember.bfloat16:
            t = t.to(torch.bfloat16)
        if requires_grad if requires_grad is not None else x.requires_grad:
            t.requires_grad_(True)
        return t
    return x


def to_numpy(x):
    """Numbers and arrays from either framework, as NumPy (bfloat16 as float32)."""
    if isinstance(x, torch.Tensor):
        x = x.detach()
        if x.dtype == torch.bfloat16:
            x = x.float()
        return x.numpy()
    if isinstance(x, ember.Tensor):
        a = ember.ops.to_numpy(x.detach())
        return a.astype(numpy.float32) if x.dtype is ember.bfloat16 else a
    return numpy.asarray(x)


def make_inputs(args, device, dtype, requires_grad, framework):
    """NumPy arrays in `args` become tensors of `framework`; containers are walked."""
    def conv(a):
        if isinstance(a, numpy.ndarray):
            arr = a
            if arr.dtype.kind == "f" and dtype is not None:
                arr = arr.astype(dtype)
            grad = requires_grad and arr.dtype.kind == "f"
            if framework == "torch":
                return torch.from_numpy(arr.copy()).requires_grad_(grad)
            return ember.tensor(arr, device=device, requires_grad=grad)
        if isinstance(a, list):
            return [conv(x) for x in a]
        if isinstance(a, tuple):
            return tuple(conv(x) for x in a)
        return a
    return conv(args)


def flat_tensors(x, kind):
    if isinstance(x, kind):
        return [x]
    if isinstance(x, (list, tuple)):
        out = []
        for e in x:
            out += flat_tensors(e, kind)
        return out
    return []


def assert_same(e_out, t_out, atol, rtol, what="output", device=None):
    """Ember's result against torch's (torch runs on the CPU: Ember's values are copied to
    the host to compare). With `device`, Ember's tensors must also live on that device."""
    if isinstance(t_out, torch.Tensor):
        assert isinstance(e_out, ember.Tensor), f"{what}: expected a Tensor, got {type(e_out)}"
        if device is not None:
            assert e_out.device.type == ember.device(device).type, \
                f"{what}: on {e_out.device}, expected {device}"
        assert tuple(e_out.shape) == tuple(t_out.shape), \
            f"{what}: shape {tuple(e_out.shape)} != torch {tuple(t_out.shape)}"
        assert e_out.dtype.name == str(t_out.dtype).replace("torch.", ""), \
            f"{what}: dtype {e_out.dtype} != torch {t_out.dtype}"
        numpy.testing.assert_allclose(to_numpy(e_out), to_numpy(t_out), atol=atol, rtol=rtol,
                                      equal_nan=True, err_msg=what)
    elif isinstance(t_out, (tuple, list)):
        assert isinstance(e_out, (tuple, list)), f"{what}: expected a sequence, got {e_out!r}"
        assert len(e_out) == len(t_out), f"{what}: {len(e_out)} items != torch {len(t_out)}"
        for i, (e, t) in enumerate(zip(e_out, t_out)):
            assert_same(e, t, atol, rtol, f"{what}[{i}]", device)
    else:
        assert e_out == t_out or (numpy.isnan(t_out) and numpy.isnan(e_out)), \
            f"{what}: {e_out!r} != torch {t_out!r}"


def check_forward_backward(ember_fn, torch_fn, args, kwargs, device="cpu", dtype=None,
                           grad=True, atol=1e-5, rtol=1e-4, seed=0):
    e_args = make_inputs(args, device, dtype, grad, "ember")
    t_args = make_inputs(args, device, dtype, grad, "torch")
    t_out = torch_fn(*t_args, **kwargs)
    e_out = ember_fn(*e_args, **kwargs)
    assert_same(e_out, t_out, atol, rtol, device=device)
    if not grad:
        return
    t_in = [t for t in flat_tensors(t_args, torch.Tensor) if t.requires_grad]
    e_in = [t for t in flat_tensors(e_args, ember.Tensor) if t.requires_grad]
    t_outs = [o for o in flat_tensors(t_out, torch.Tensor) if o.requires_grad]
    e_outs = [o for o in flat_tensors(e_out, ember.Tensor) if o.requires_grad]
    assert len(t_outs) == len(e_outs), "different number of differentiable outputs"
    if not t_in or not t_outs:
        return
    rng = numpy.random.default_rng(seed)
    ups = [rng.standard_normal(tuple(o.shape)).astype(to_numpy(o).dtype) for o in t_outs]
    t_grads = torch.autograd.grad(t_outs, t_in, [torch.from_numpy(u).to(o.dtype) for u, o in
                                                 zip(ups, t_outs)], allow_unused=True)
    e_grads = ember.autograd.grad(e_outs, e_in, [ember.tensor(u, device=device, dtype=o.dtype)
                                                 for u, o in zip(ups, e_outs)], allow_unused=True)
    for i, (e, t) in enumerate(zip(e_grads, t_grads)):
        if t is None:
            assert e is None or not to_numpy(e).any(), f"grad[{i}]: torch has none"
            continue
        assert e is not None, f"grad[{i}]: ember returned None, torch did not"
        assert_same(e, t, atol, rtol, f"grad[{i}]", device)
