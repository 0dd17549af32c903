"""Shared driver for the optimizer tests: the same problem run in ember and in torch."""

import numpy
import torch

import ember
import ember.optim

TOL = {"float32": {"rtol": 1e-5, "atol": 1e-6}, "float64": {"rtol": 1e-12, "atol": 1e-12}}


def _problem(dtype, seed=0):
    rng = numpy.random.default_rng(seed)
    w = rng.standard_normal((3, 4)).astype(dtype)
    b = rng.standard_normal((4,)).astype(dtype)
    x = rng.standard_normal((3, 4)).astype(dtype)
    return w, b, x


def _loss(lib, w, b, x, l1=0.0):
    # quadratic in w, cubic in b: gradients change sign and size from step to step
    loss = ((w * x) ** 2).sum() + (b * b * b).sum() * 0.1 + (w.sum(0) * b).sum()
    if l1:
        loss = loss + l1 * w.abs().sum()
    return loss


def to_torch(t):
    return torch.from_numpy(numpy.array(t._data))


def to_ember(t):
    return ember.tensor(t.detach().numpy().copy())


def run_both(name, kwargs, dtype="float32", steps=6, groups=None, l1=0.0):
    """Run `steps` steps of optimizer `name` in both frameworks; return the final
    (ember params, torch params, ember optimizer, torch optimizer)."""
    w0, b0, x0 = _problem(dtype)
    results = []
    for lib, optim in ((ember, ember.optim), (torch, torch.optim)):
        w = lib.tensor(w0, requires_grad=True)
        b = lib.tensor(b0, requires_grad=True)
        x = lib.tensor(x0)
        params = [w, b] if groups is None else [dict(g, params=[(w, b)[i] for i in g["params"]])
                                                 for g in groups]
        opt = getattr(optim, name)(params, **kwargs)
        for _ in range(steps):
            opt.zero_grad()
            _loss(lib, w, b, x, l1).backward()
            opt.step()
        results.append(([w, b], opt))
    (pe, oe), (pt, ot) = results
    return pe, pt, oe, ot


def check_trajectory(name, kwargs, dtype="float32", steps=6, groups=None, l1=0.0):
    pe, pt, oe, ot = run_both(name, kwargs, dtype, steps, groups, l1)
    for a, b in zip(pe, pt):
        assert a.dtype == getattr(ember, dtype)
        numpy.testing.assert_allclose(a._data, b.detach().numpy(), **TOL[dtype])
    # the optimizer state agrees too, key for key, with torch's dtypes and shapes
    se, st = oe.state_dict(), ot.state_dict()
    assert sorted(se["state"]) == sorted(st["state"])
    for k in st["state"]:
        assert list(se["state"][k]) == list(st["state"][k])
        for key, vt in st["state"][k].items():
            ve = se["state"][k][key]
            assert isinstance(ve, ember.Tensor)
            assert str(ve.dtype) == str(vt.dtype) and tuple(ve.shape) == tuple(vt.shape)
            numpy.testing.assert_allclose(ve._data, vt.numpy(), **TOL[dtype])
    assert [{k: v for k, v in g.items()} for g in se["param_groups"]] == st["param_groups"]
    return pe, pt
