"""The op table swept over devices and dtypes: forward and gradients against torch,
float64 finite differences, and second derivatives."""
import functools

import numpy
import pytest

import ember
from _harness import check_forward_backward, make_inputs
from op_db import OP_DB


def _ids(spec):
    return spec.name


@pytest.mark.parametrize("spec", OP_DB, ids=_ids)
def test_matches_torch(spec, device):
    if spec.skip_reason:
        pytest.skip(spec.skip_reason)
    rng = numpy.random.default_rng(0)
    for dtype in spec.dtypes:
        for sample in spec.samples(rng):
            check_forward_backward(spec.ember, spec.torch, sample.args, sample.kwargs,
                                   device=device, dtype=dtype, grad=spec.grad, atol=spec.atol,
                                   rtol=spec.rtol)


def _float64_inputs(spec, seed):
    rng = numpy.random.default_rng(seed)
    for sample in spec.samples(rng):
        args = make_inputs(sample.args, "cpu", "float64", True, "ember")
        yield args, sample.kwargs


def _positional(fn, args, kwargs):
    """A function of the differentiable tensors only, for gradcheck."""
    flat, rebuild = _flatten(args)
    idx = [i for i, a in enumerate(flat) if isinstance(a, ember.Tensor) and a.requires_grad]

    def f(*ts):
        vals = list(flat)
        for i, t in zip(idx, ts):
            vals[i] = t
        return fn(*rebuild(vals), **kwargs)
    return f, tuple(flat[i] for i in idx)


def _flatten(args):
    flat, spec = [], []

    def walk(a):
        if isinstance(a, (list, tuple)):
            spec.append((type(a), len(a)))
            for x in a:
                walk(x)
        else:
            spec.append(None)
            flat.append(a)
    walk(tuple(args))

    def rebuild(vals):
        it, sp = iter(vals), iter(spec)

        def build():
            s = next(sp)
            if s is None:
                return next(it)
            kind, n = s
            return kind(build() for _ in range(n))
        return build()
    return flat, rebuild


@pytest.mark.parametrize("spec", [s for s in OP_DB if s.grad and s.gradcheck], ids=_ids)
def test_gradcheck_float64(spec):
    if spec.skip_reason:
        pytest.skip(spec.skip_reason)
    for args, kwargs in _float64_inputs(spec, 1):
        f, ts = _positional(spec.ember, args, kwargs)
        if ts:
            assert ember.autograd.gradcheck(f, ts, eps=1e-6, atol=1e-5, rtol=1e-3)


@pytest.mark.parametrize("spec", [s for s in OP_DB if s.grad and s.gradcheck and s.gradgrad],
                         ids=_ids)
def test_gradgradcheck_float64(spec):
    if spec.skip_reason:
        pytest.skip(spec.skip_reason)
    for args, kwargs in list(_float64_inputs(spec, 2))[:2]:
        f, ts = _positional(spec.ember, args, kwargs)
        if ts:
            assert ember.autograd.gradgradcheck(f, ts, eps=1e-6, atol=1e-4, rtol=1e-3)
