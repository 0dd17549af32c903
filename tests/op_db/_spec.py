"""OpSpec and the sample-input builders the op table rows use."""
import dataclasses
from typing import Any, Callable

import numpy


@dataclasses.dataclass
class SampleInput:
    args: tuple
    kwargs: dict = dataclasses.field(default_factory=dict)

    def __repr__(self):
        def short(a):
            if isinstance(a, numpy.ndarray):
                return f"array{a.shape}:{a.dtype}"
            if isinstance(a, (list, tuple)):
                return type(a)(short(x) for x in a)
            return a
        return f"SampleInput({short(self.args)}, {self.kwargs})"


@dataclasses.dataclass
class OpSpec:
    """One row of the op table.

    ember / torch: callables with the same signature. samples(rng) -> list of SampleInput
    whose NumPy arrays become tensors (float arrays require grad when `grad`).
    """
    name: str
    ember: Callable
    torch: Callable
    samples: Callable
    grad: bool = True
    gradcheck: bool = True      # float64 finite differences
    gradgrad: bool = True       # second derivatives against finite differences
    dtypes: tuple = ("float32",)
    atol: float = 1e-5
    rtol: float = 1e-4
    skip_reason: Any = None


def rand(rng, shape, low=-2.0, high=2.0, include=()):
    a = rng.uniform(low, high, size=shape)
    flat = a.reshape(-1)
    for i, v in enumerate(include):  # boundary points and ties on purpose
        if i < flat.size:
            flat[i] = v
    return a


def unary(low=-2.0, high=2.0, include=(), shapes=((3, 4), (5,), ()), **kwargs):
    def make(rng):
        return [SampleInput((rand(rng, s, low, high, include),), dict(kwargs)) for s in shapes]
    return make


def binary(low=-2.0, high=2.0, other_low=None, other_high=None, broadcasting=True,
           scalar=None, **kwargs):
    """Pairs of same shape, broadcasting pairs, and a Python-scalar second operand."""
    ol = low if other_low is None else other_low
    oh = high if other_high is None else other_high

    def make(rng):
        out = [SampleInput((rand(rng, (3, 4), low, high), rand(rng, (3, 4), ol, oh)), dict(kwargs))]
        if broadcasting:
            out.append(SampleInput((rand(rng, (2, 3, 4), low, high), rand(rng, (3, 1), ol, oh)),
                                   dict(kwargs)))
            out.append(SampleInput((rand(rng, (4,), low, high), rand(rng, (), ol, oh)),
                                   dict(kwargs)))
        if scalar is not None:
            out.append(SampleInput((rand(rng, (3, 4), low, high), scalar), dict(kwargs)))
        return out
    return make


def fixed(*samples):
    """Hand-written samples: each an (args, kwargs) pair or a bare args tuple."""
    def make(rng):
        return [SampleInput(*s) if isinstance(s[-1], dict) and len(s) == 2 else SampleInput(s)
                for s in samples]
    return make
