"""Random numbers: Generator, manual_seed, seed, get/set_rng_state, fork_rng, and the sampling
functions (rand, randn, randint, randperm, normal, bernoulli, multinomial, poisson, *_like).

Every generator is NumPy's counter-based Philox: a stream is a (key, counter) pair, so a
state is small, exact to save and restore, and reproducible on any device. One generator
serves every device: CUDA tensors (rand, randn, dropout masks, ...) are drawn on the host and
copied, so the same seed gives the same numbers on the CPU and on a GPU (torch does not
promise that; ember.cuda.manual_seed seeds this same generator). The numbers differ from
torch's (torch uses a Mersenne Twister on the CPU); the distributions, dtypes, shapes,
seeding semantics and errors are torch's.
"""
import contextlib
import json
import math
import time

import numpy

from . import _dtype
from ._creation import _NAMES, _finish, _size, _size_of
from ._device import canonical
from ._tensor import Tensor, make_tensor

_DEFAULT_SEED = 67280421310721  # torch's default initial seed


class Generator:
    """torch.Generator: an independent random stream; pass it as `generator=`."""

    def __init__(self, device="cpu"):
        self.device = canonical(device)
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed):
        seed = int(seed)
        if seed < -0x8000_0000_0000_0000 or seed > 0xFFFF_FFFF_FFFF_FFFF:
            raise ValueError("Overflow when unpacking long long")
        self._seed = seed & 0xFFFF_FFFF_FFFF_FFFF  # negative seeds wrap as in torch
        self._np = numpy.random.Generator(numpy.random.Philox(self._seed))
        return self

    def seed(self):
        """Reseed from a non-deterministic source; returns the new seed."""
        s = int(time.time_ns()) ^ int.from_bytes(numpy.random.default_rng().bytes(8), "little")
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
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype is not _dtype.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        try:
            blob = json.loads(bytes(new_state.device.ext.to_numpy(new_state._data).tobytes())
                              .decode())
            bg = numpy.random.Philox()
            bg.state = {"bit_generator": "Philox",
                        "state": {"counter": numpy.array(blob["counter"], numpy.uint64),
                                  "key": numpy.array(blob["key"], numpy.uint64)},
                        "buffer": numpy.array(blob["buffer"], numpy.uint64),
                        "buffer_pos": blob["buffer_pos"], "has_uint32": blob["has_uint32"],
                        "uinteger": blob["uinteger"]}
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
            raise RuntimeError(f"Invalid generator state: {e}") from None
        self._seed = blob["seed"]
        self._np = numpy.random.Generator(bg)
        return self

    def __getstate__(self):
        return {"device": str(self.device), "state": self.get_state()._data.tobytes()}

    def __setstate__(self, d):
        self.device = canonical(d["device"])
        self.set_state(make_tensor(numpy.frombuffer(d["state"], numpy.uint8).copy(),
                                   canonical("cpu")))


default_generator = Generator()


def _gen(generator):
    return (generator or default_generator)._np


def manual_seed(seed):
    """Seed the default generator (all devices share it); returns it."""
    default_generator.manual_seed(seed)
    return default_generator


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    if isinstance(new_state, Tensor) and new_state.dtype is not _dtype.uint8:
        raise TypeError("RNG state must be a torch.ByteTensor")
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices",
             device_type="cuda"):
    """Run a block with the random state saved before it and restored after it."""
    if not enabled:
        yield
        return
    state = default_generator.get_state()
    try:
        yield
    finally:
        default_generator.set_state(state)


# ---------------------------------------------------------------- helpers

def _make(array, dtype, device, requires_grad):
    return _finish(array.astype(dtype.np, copy=False), canonical(device), requires_grad)


def _not_implemented(kernel, dtype):
    return NotImplementedError(f"\"{kernel}\" not implemented for '{_NAMES[dtype.name]}'")


def _draw_dtype(dtype):
    # NumPy draws float32 and float64 natively; narrower floats are drawn in float32
    return numpy.float64 if dtype in (_dtype.float64, _dtype.complex128) else numpy.float32


def _uniform(g, shape, dtype):
    """U[0, 1) in `dtype` (complex: independent real and imaginary parts)."""
    if dtype.is_complex:
        r = _draw_dtype(dtype)
        return g.random(shape, dtype=r) + 1j * g.random(shape, dtype=r)
    return g.random(shape, dtype=_draw_dtype(dtype))


def _standard_normal(g, shape, dtype):
    """N(0, 1) in `dtype` (complex: variance 1 split evenly between the two parts, as torch)."""
    if dtype.is_complex:
        r = _draw_dtype(dtype)
        scale = r(math.sqrt(0.5))
        return scale * (g.standard_normal(shape, dtype=r) +
                        1j * g.standard_normal(shape, dtype=r))
    return g.standard_normal(shape, dtype=_draw_dtype(dtype))


def _fill_out(out, result):
    if out is None:
        return result
    out._data = result._data
    return out


# ---------------------------------------------------------------- sampling functions

def rand(*args, size=None, generator=None, out=None, dtype=None, layout=None,
         device=None, requires_grad=False, pin_memory=False):
    """Uniform on [0, 1)."""
    dtype = dtype or _dtype.get_default_dtype()
    if not (dtype.is_floating_point or dtype.is_complex):
        raise _not_implemented("check_uniform_bounds", dtype)
    a = _uniform(_gen(generator), _size_of(args, size, "rand"), dtype)
    return _fill_out(out, _make(a, dtype, device, requires_grad))


def randn(*args, size=None, generator=None, out=None, dtype=None, layout=None,
          device=None, requires_grad=False, pin_memory=False):
    """Standard normal."""
    dtype = dtype or _dtype.get_default_dtype()
    if not (dtype.is_floating_point or dtype.is_complex):
        raise _not_implemented("normal_kernel_cpu", dtype)
    a = _standard_normal(_gen(generator), _size_of(args, size, "randn"), dtype)
    return _fill_out(out, _make(a, dtype, device, requires_grad))


_C_INT = {"uint8": "unsigned char", "int8": "signed char", "int16": "short", "int32": "int",
          "int64": "long", "bool": "bool"}


def _check_int_range(low, high, dtype):
    if dtype.name not in _C_INT:
        return
    lo, hi = (0, 1) if dtype is _dtype.bool else \
        (int(numpy.iinfo(dtype.np).min), int(numpy.iinfo(dtype.np).max))
    if not lo <= low <= hi:
        raise RuntimeError(f"from is out of bounds for {_C_INT[dtype.name]}")
    if not lo <= high - 1 <= hi:
        raise RuntimeError(f"to - 1 is out of bounds for {_C_INT[dtype.name]}")


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None,
            layout=None, device=None, requires_grad=False):
    """Integers uniform on [low, high): randint(high, size) or randint(low, high, size)."""
    if size is None and isinstance(high, (tuple, list)):
        low, high, size = 0, low, high  # randint(high, size)
    if high is None:
        low, high = 0, low
    for name, v in (("low", low), ("high", high)):
        if isinstance(v, Tensor):
            v = v.item()
        if isinstance(v, float):
            raise TypeError(f"randint(): argument '{name}' must be int, not float")
    low, high = int(low), int(high)
    if size is None:
        raise TypeError("randint() missing 1 required positional argument: 'size'")
    shape = _size(size, "randint", varargs=False)
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} "
                           f">= to={high}")
    dtype = dtype or _dtype.int64
    _check_int_range(low, high, dtype)
    a = _gen(generator).integers(low, high, size=shape, dtype=numpy.int64)
    return _fill_out(out, _make(a, dtype, device, requires_grad))


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    """A random permutation of 0..n-1."""
    n = int(n.item() if isinstance(n, Tensor) else n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    a = _gen(generator).permutation(n)
    return _fill_out(out, _make(a, dtype or _dtype.int64, device, requires_grad))


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
    """normal(mean, std): tensors broadcast; numbers need `size`.

    With tensor arguments the sample is mean + std * z for a fresh standard normal z, built
    from ember ops, so gradients reach mean (1) and std (z = (out - mean) / std) as in torch.
    """
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
        for t in tensors:
            if not (t.dtype.is_floating_point or t.dtype.is_complex):
                raise _not_implemented("normal_kernel_cpu", t.dtype)
        if isinstance(std, Tensor):
            if bool(std.device.xp.any(std._data < 0)):
                raise RuntimeError("normal expects all elements of std >= 0.0")
        elif std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_num(std)}")
        if len(tensors) == 2:
            shape = _broadcast(mean.shape, std.shape)
        else:
            shape = tensors[0].shape
        rtype = _dtype.result_type(tensors)
        ref = tensors[0]
        z = _make(_standard_normal(_gen(generator), shape, rtype), rtype, ref.device, False)
        return _fill_out(out, z * std + mean)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_num(std)}")
    if size is None:
        raise TypeError("normal() received an invalid combination of arguments: with float "
                        "mean and std, size is required")
    dtype = dtype or _dtype.get_default_dtype()
    if not (dtype.is_floating_point or dtype.is_complex):
        raise _not_implemented("normal_kernel_cpu", dtype)
    z = _standard_normal(_gen(generator), _size(size, "normal", varargs=False), dtype)
    return _fill_out(out, _make(mean + std * z, dtype, device, requires_grad))


def _num(v):
    """A number as torch's C++ messages print it (2.0 -> 2)."""
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _broadcast(a, b):
    try:
        return numpy.broadcast_shapes(tuple(a), tuple(b))
    except ValueError:
        pass
    n = max(len(a), len(b))
    pa, pb = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
            raise RuntimeError(f"The size of tensor a ({pa[i]}) must match the size of tensor b "
                               f"({pb[i]}) at non-singleton dimension {i}")
    raise RuntimeError("shapes cannot be broadcast")


def _host(t):
    return t.device.ext.to_numpy(t.detach()._data)


def bernoulli(input, p=None, *, generator=None, out=None):
    """1 with probability input (or p) element-wise, in input's dtype."""
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise _not_implemented("bernoulli_tensor_cpu_p_" if p is None else
                               "bernoulli_scalar_cpu_", input.dtype)
    if p is None:
        prob = _host(input).astype(numpy.float64)
        if not ((prob >= 0) & (prob <= 1)).all():
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  "
                               "(Could this error message be improved?  If so, please report "
                               "an enhancement request to PyTorch.)")
    else:
        prob = float(p)
        if not 0 <= prob <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_num(p)}")
    u = _gen(generator).random(tuple(input.shape))
    return _fill_out(out, _make(u < prob, input.dtype, input.device, False))


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Indices drawn from each row's categorical distribution (weights need not sum to 1)."""
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{_NAMES[input.dtype.name]}")
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    probs = _host(input).astype(numpy.float64)
    if (probs < 0).any() or not numpy.isfinite(probs).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    rows = probs.reshape(-1, probs.shape[-1])
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    g = _gen(generator)
    result = numpy.empty((rows.shape[0], num_samples), numpy.int64)
    for r, row in enumerate(rows):
        total = row.sum()
        if total <= 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        if replacement:
            result[r] = g.choice(row.size, size=num_samples, replace=True, p=row / total)
        else:
            # Gumbel-top-k: sampling without replacement in proportion to the weights; zero
            # weights come last, as torch picks them only once the rest are used up
            keys = numpy.log(g.random(row.size)) / numpy.where(row > 0, row, 1.0)
            keys[row == 0] = -numpy.inf
            result[r] = numpy.argsort(-keys, kind="stable")[:num_samples]
    result = result.reshape(probs.shape[:-1] + (num_samples,))
    return _fill_out(out, _make(result, _dtype.int64, input.device, False))


def poisson(input, generator=None):
    lam = _host(input)
    return _make(_gen(generator).poisson(lam).astype(lam.dtype), input.dtype, input.device,
                 False)


# ---------------------------------------------------------------- in-place fills

def _float_only(t, kernel):
    if not t.dtype.is_floating_point:
        raise _not_implemented(kernel, t.dtype)


def fill_(t, kind, a=None, b=None, generator=None):
    """The array of random values for Tensor.uniform_/normal_/... (written in by ops.inplace)."""
    g = _gen(generator)
    shape = tuple(t.shape)
    dt = _draw_dtype(t.dtype) if t.dtype.is_floating_point else numpy.float64
    if kind == "uniform":
        _float_only(t, "check_uniform_bounds")
        if a > b:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                               f"from={_num(a)} > to={_num(b)}")
        if not (math.isfinite(a) and math.isfinite(b)):
            raise RuntimeError(f"{'from' if not math.isfinite(a) else 'to'} is out of bounds "
                               f"for {_CTYPE_FLOAT.get(t.dtype.name, t.dtype.name)}")
        v = a + (b - a) * g.random(shape, dtype=dt)
    elif kind == "normal":
        _float_only(t, "normal_kernel_cpu")
        if b < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_num(b)}")
        v = a + b * g.standard_normal(shape, dtype=dt)
    elif kind == "bernoulli":
        if isinstance(a, Tensor):
            p = _host(a)
        else:
            if not 0 <= a <= 1:
                raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_num(a)}")
            p = a
        v = g.random(shape) < p
    elif kind == "random":
        if b is None:
            if a:  # random_(to): [0, to)
                a, b = 0, a
            else:  # random_(): every integer the dtype represents exactly
                a, b = 0, _random_upper(t.dtype)
        if a >= b:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                               f"from={a} >= to={b}")
        v = g.integers(a, b, size=shape)
    elif kind == "exponential":
        _continuous(t, "Exponential")
        if not a > 0:
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_num(a)}")
        v = g.exponential(1.0 / a, size=shape)
    elif kind == "geometric":
        if not 0 < a < 1:
            raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_num(a)}")
        v = g.geometric(a, size=shape)
    elif kind == "log_normal":
        _continuous(t, "LogNormal")
        if not b > 0:
            raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_num(b)}")
        v = g.lognormal(a, b, size=shape)
    elif kind == "cauchy":
        _continuous(t, "Cauchy")
        if not b > 0:
            raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_num(b)}")
        v = a + b * g.standard_cauchy(size=shape)
    else:
        raise ValueError(kind)
    return numpy.asarray(v).astype(t.dtype.np)


_CTYPE_FLOAT = {"float32": "float", "float64": "double", "float16": "c10::Half",
                "bfloat16": "c10::BFloat16"}


def _continuous(t, name):
    if not t.dtype.is_floating_point:
        raise RuntimeError(f"{name} distribution is a continuous probability distribution. "
                           f"dtype must be a floating point but you specified "
                           f"{_NAMES[t.dtype.name]}")


def _random_upper(dtype):
    if dtype is _dtype.bool:
        return 2
    if dtype is _dtype.bfloat16:
        return 2 ** 8 + 1
    if dtype.is_floating_point:
        return 2 ** (numpy.finfo(dtype.np).nmant + 1) + 1
    return int(numpy.iinfo(dtype.np).max) + 1
