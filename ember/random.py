"""Random numbers: Generator, manual_seed, seed, get/set_rng_state, and the sampling functions.

Every generator is NumPy's counter-based Philox: a stream is a (key, counter) pair, so a
state is small, exact to save and restore, and reproducible on any device (CUDA tensors
are drawn on the host and copied for now). The numbers differ from torch's (torch uses
a Mersenne Twister on the CPU); the distributions are the same.
"""
import json
import time

import numpy

from . import _dtype
from ._device import canonical
from ._tensor import Tensor, _shape_arg, make_tensor

_DEFAULT_SEED = 67280421310721  # torch's default initial seed


class Generator:
    def __init__(self, device="cpu"):
        self.device = canonical(device)
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed):
        seed = int(seed)
        if seed < -0x8000_0000_0000_0000 or seed > 0xFFFF_FFFF_FFFF_FFFF:
            raise RuntimeError(f"Overflow when unpacking long: {seed}")
        self._seed = seed & 0xFFFF_FFFF_FFFF_FFFF
        self._np = numpy.random.Generator(numpy.random.Philox(self._seed))
        return self

    def seed(self):
        s = int(time.time_ns()) ^ int.from_bytes(numpy.random.bytes(8), "little")
        self.manual_seed(s & 0xFFFF_FFFF_FFFF_FFFF)
        return self._seed

    def initial_seed(self):
        return self._seed

    def get_state(self):
        """The state as a uint8 tensor (JSON bytes: restoring a state never runs code)."""
        st = self._np.bit_generator.state
        blob = {"seed": self._seed, "counter": st["state"]["counter"].tolist(),
                "key": st["state"]["key"].tolist(), "buffer": st["buffer"].tolist(),
                "buffer_pos": st["buffer_pos"], "has_uint32": st["has_uint32"],
                "uinteger": st["uinteger"]}
        raw = numpy.frombuffer(json.dumps(blob).encode(), dtype=numpy.uint8).copy()
        return make_tensor(raw, canonical("cpu"))

    def set_state(self, new_state):
        if not isinstance(new_state, Tensor) or new_state.dtype is not _dtype.uint8:
            raise TypeError("expected a torch.ByteTensor, but got "
                            f"{type(new_state).__name__}")
        try:
            blob = json.loads(bytes(new_state.data.tobytes()).decode())
            bg = numpy.random.Philox()
            bg.state = {"bit_generator": "Philox",
                        "state": {"counter": numpy.array(blob["counter"], numpy.uint64),
                                  "key": numpy.array(blob["key"], numpy.uint64)},
                        "buffer": numpy.array(blob["buffer"], numpy.uint64),
                        "buffer_pos": blob["buffer_pos"], "has_uint32": blob["has_uint32"],
                        "uinteger": blob["uinteger"]}
        except (ValueError, KeyError, TypeError) as e:
            raise RuntimeError(f"Invalid generator state: {e}") from None
        self._seed = blob["seed"]
        self._np = numpy.random.Generator(bg)
        return self

    def __getstate__(self):
        return {"device": str(self.device), "state": self.get_state().data.tobytes()}

    def __setstate__(self, d):
        self.device = canonical(d["device"])
        self.set_state(make_tensor(numpy.frombuffer(d["state"], numpy.uint8).copy(),
                                   canonical("cpu")))


default_generator = Generator()


def _gen(generator):
    return (generator or default_generator)._np


def manual_seed(seed):
    default_generator.manual_seed(seed)
    return default_generator


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


def _make(array, dtype, device, requires_grad):
    from ._creation import _finish
    return _finish(array.astype(dtype.np, copy=False), canonical(device), requires_grad)


def _float_dtype(dtype):
    dtype = dtype or _dtype.get_default_dtype()
    if not dtype.is_floating_point:
        raise RuntimeError(f"\"check_uniform_bounds\" not implemented for '{dtype.name}'")
    return dtype


def _draw_dtype(dtype):
    # NumPy draws float32 and float64 natively; narrower floats are drawn in float32
    return numpy.float64 if dtype is _dtype.float64 else numpy.float32


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    dtype = _float_dtype(dtype)
    a = _gen(generator).random(_shape_arg(size), dtype=_draw_dtype(dtype))
    return _make(a, dtype, device, requires_grad)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False):
    dtype = _float_dtype(dtype)
    a = _gen(generator).standard_normal(_shape_arg(size), dtype=_draw_dtype(dtype))
    return _make(a, dtype, device, requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None,
            layout=None, device=None, requires_grad=False):
    if high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint() missing 1 required positional argument: 'size'")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} "
                           f">= to={high}")
    a = _gen(generator).integers(low, high, size=tuple(size), dtype=numpy.int64)
    return _make(a, dtype or _dtype.int64, device, requires_grad)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    a = _gen(generator).permutation(n)
    return _make(a, dtype or _dtype.int64, device, requires_grad)


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    return rand(input.shape, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    return randn(input.shape, dtype=dtype or input.dtype, device=device or input.device,
                 requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None):
    return randint(low, high, input.shape, dtype=dtype or input.dtype,
                   device=device or input.device, requires_grad=requires_grad)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None,
           layout=None, device=None, requires_grad=False):
    """normal(mean, std): tensors broadcast; numbers need `size`. Gradients do not flow."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        ref = mean if isinstance(mean, Tensor) else std
        m = mean.detach().data if isinstance(mean, Tensor) else mean
        s = std.detach().data if isinstance(std, Tensor) else std
        if isinstance(s, numpy.ndarray) and (s < 0).any() or not isinstance(s, numpy.ndarray) \
                and s < 0:
            raise RuntimeError("normal expects all elements of std >= 0.0")
        shape = numpy.broadcast_shapes(numpy.shape(m), numpy.shape(s))
        z = _gen(generator).standard_normal(shape, dtype=_draw_dtype(ref.dtype))
        return _make(m + s * z, ref.dtype, ref.device, False)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    dtype = _float_dtype(dtype)
    z = _gen(generator).standard_normal(tuple(size), dtype=_draw_dtype(dtype))
    return _make(mean + std * z, dtype, device, requires_grad)


def bernoulli(input, p=None, *, generator=None, out=None):
    prob = input.detach().data if p is None else p
    if device_is_gpu(input):
        prob = input.device.ext.to_numpy(prob) if p is None else prob
    u = _gen(generator).random(input.shape)
    return _make(u < prob, input.dtype, input.device, False)


def device_is_gpu(t):
    return t.device.type != "cpu"


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    probs = numpy.asarray(input.detach().cpu().data, dtype=numpy.float64)
    if probs.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if (probs < 0).any() or not numpy.isfinite(probs).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    rows = probs.reshape(-1, probs.shape[-1])
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    g = _gen(generator)
    out = numpy.empty((rows.shape[0], num_samples), numpy.int64)
    for r, row in enumerate(rows):
        total = row.sum()
        if total <= 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        if replacement:
            out[r] = g.choice(row.size, size=num_samples, replace=True, p=row / total)
        else:
            # Gumbel-top-k: sampling without replacement in proportion to the weights
            keys = numpy.log(g.random(row.size)) / numpy.where(row > 0, row, 1e-300)
            keys[row == 0] = -numpy.inf
            out[r] = numpy.argsort(-keys, kind="stable")[:num_samples]
    out = out.reshape(probs.shape[:-1] + (num_samples,))
    return _make(out, _dtype.int64, input.device, False)


def poisson(input, generator=None):
    lam = input.detach().cpu().data
    return _make(_gen(generator).poisson(lam).astype(lam.dtype), input.dtype, input.device,
                 False)


def fill_(t, kind, a=None, b=None, generator=None):
    """The array of random values for Tensor.uniform_/normal_/... (written in by ops.inplace)."""
    g = _gen(generator)
    shape = t.shape
    dt = _draw_dtype(t.dtype) if t.dtype.is_floating_point else numpy.float64
    if kind == "uniform":
        if a > b:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                               f"from={a} > to={b}")
        v = a + (b - a) * g.random(shape, dtype=dt)
    elif kind == "normal":
        if b < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {b}")
        v = a + b * g.standard_normal(shape, dtype=dt)
    elif kind == "bernoulli":
        p = a.detach().cpu().data if isinstance(a, Tensor) else a
        v = g.random(shape) < p
    elif kind == "random":
        if b is None:
            if t.dtype.is_floating_point:
                b = 2 ** (numpy.finfo(t.dtype.np).nmant + 1) if t.dtype is not \
                    _dtype.bfloat16 else 2 ** 8
            else:
                b = int(numpy.iinfo(t.dtype.np).max) + 1 if t.dtype is not _dtype.bool else 2
            a, b = 0 if a is None else a, b
        v = g.integers(a, b, size=shape)
    elif kind == "exponential":
        v = g.exponential(1.0 / a, size=shape)
    elif kind == "geometric":
        v = g.geometric(a, size=shape)
    elif kind == "log_normal":
        v = g.lognormal(a, b, size=shape)
    elif kind == "cauchy":
        v = a + b * g.standard_cauchy(size=shape)
    else:
        raise ValueError(kind)
    return numpy.asarray(v).astype(t.dtype.np)
