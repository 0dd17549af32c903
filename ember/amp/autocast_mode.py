"""torch.autocast: run each op in the precision torch's autocast policy gives it.

How it hooks in: while any autocast region is open, `Op.apply` hands every call to
`_autocast_hook(op_cls, args, attrs)` before it looks at the arrays. The hook finds the op's
policy in `_build_policy()` (one table per device type, keyed by Op class, built on first use)
and returns the arguments with *differentiable* casts (`ToCopy`) applied, as torch's
autocast records `ToCopyBackward`: gradients reach float32 leaves as float32 and the op's
backward runs in the dtype its forward ran in. Ops outside the table run as they are.

Policies (torch's op lists, aten/src/ATen/autocast_mode.*):
  LOW      matmul, linear, conv, conv_transpose, einsum and the recurrent layers run
           in the autocast dtype (float16 on CUDA, bfloat16 on the CPU by default);
  FP32     reductions, softmax/log_softmax, exp/log/pow, norms and losses run in float32
           (CUDA's list; the CPU's list is shorter: losses, prod and linear algebra);
  PROMOTE  ops with several float inputs run in the widest of their dtypes.
Only floating tensors other than float64 are cast, only on the autocast device type, and
an op called with an explicit dtype= keeps it, as torch.

On the CPU NumPy has no fast float16/bfloat16 matmul or convolution, so a LOW op casts its
inputs to the autocast dtype (rounding them as torch does), computes in float32, and rounds
the result to the autocast dtype: the same dtypes as torch's CPU autocast and, within one
rounding of the low type, the same values. On CUDA the op runs in the low dtype on CuPy
(tensor cores). bfloat16 needs ml_dtypes (`pip install 'ember[bfloat16]'`).

Functions composed of several Ops that check dtypes (or add a bias) before their Op is
called need the cast at their entry, as torch's autocast does it: `autocast_args(op_cls,
*args)` gives the args as the Op would see them.

The backward of ops recorded under autocast runs outside it (the engine's ops are not
forward ops), which gives torch's results for the usual pattern (backward after the region).
"""
import functools
import threading
import warnings

from .. import _dtype
from ..autograd import function as _function
from ..autograd import grad_mode as _grad_mode

__all__ = ["autocast", "autocast_args", "custom_bwd", "custom_fwd", "is_autocast_available"]

_DEVICE_TYPES = ("cpu", "cuda")
_DEFAULT_DTYPE = {"cpu": "bfloat16", "cuda": "float16"}
LOW, FP32, PROMOTE = 1, 2, 3


class _State(threading.local):
    """This thread's autocast settings (torch keeps them thread-local too)."""

    def __init__(self):
        self.enabled = {"cpu": False, "cuda": False}
        self.dtype = {k: getattr(_dtype, v) for k, v in _DEFAULT_DTYPE.items()}
        self.cache_enabled = True
        self.nesting = 0
        self.busy = False   # the hook is running an op itself (no second cast)
        self.cache = {}     # id(leaf) -> (leaf, version, {dtype: cast}) while a region is open


_state = _State()
_lock = threading.Lock()
_users = 0  # threads x device types with autocast on: the hook is installed while > 0


# ------------------------------------------------------------------ the policy table

def _build_policy():
    """{device type: {Op class: policy}} from torch's lists, mapped onto Ember's Ops."""
    from ..nn import functional as F
    from ..ops import (
        conv,
        cumulative,
        decomposition,
        einsums,
        linalg,
        nn,
        normalization,
        norms,
        reduction,
        rnn,
        trig,
        unary,
    )
    low_common = [linalg.Matmul, F._Linear, F._LinearMm, F._LinearView, F._LinearUnsafeView,
                  conv.ConvNd, conv.ConvTransposeNd, einsums.Einsum]
    # the recurrent layers too (cuDNN's RNN on CUDA; on the CPU torch's LSTM and RNN come out
    # in the low type and its GRU in float32, which promotion gives without an entry)
    low_common += [rnn.RNNLayer, rnn.LSTMLayer]
    cpu = dict.fromkeys(low_common, LOW)
    # CPU float32 list: losses, prod and linear algebra (softmax, sum, exp, layer_norm keep
    # their input dtype on the CPU)
    cpu.update(dict.fromkeys(
        [nn.NllLoss, reduction.Prod, decomposition.Cholesky, decomposition.Inv,
         decomposition.Pinv, decomposition.Qr, decomposition.Svd, decomposition.Eigh,
         decomposition.Solve], FP32))
    cuda = dict.fromkeys(low_common + [rnn.GRULayer, linalg.Mv], LOW)
    cuda.update(dict.fromkeys(
        [unary.Exp, unary.Expm1, unary.Log, unary.Log10, unary.Log2, unary.Log1p,
         unary.Reciprocal, unary.Rsqrt, unary.Erfinv, trig.Acos, trig.Asin, trig.Cosh,
         trig.Sinh, trig.Tan, _pow_class(), nn.Softplus, nn.Softmax, nn.LogSoftmax, nn.NllLoss,
         reduction.Sum, reduction.Prod, reduction.Norm, reduction.Logsumexp, norms.VectorNorm,
         cumulative.Cumsum, cumulative.Cumprod, normalization.NativeNorm], FP32))
    cuda.update(dict.fromkeys([linalg.Dot, trig.Atan2], PROMOTE))
    return {"cpu": cpu, "cuda": cuda}


def _pow_class():
    from ..ops import elementwise
    return elementwise.Pow


@functools.cache
def _policy():
    return _build_policy()


def _call_policy(cls, args, attrs, dev):
    """The policy of this call: the table's, refined where torch's depends on the call."""
    policy = _policy()[dev].get(cls)
    if policy is None:
        if dev == "cuda" and cls.__name__ == "Div" and not isinstance(args[0], _function.Tensor):
            return FP32  # scalar / tensor: __rtruediv__ is on CUDA's float32 list
        return None
    if policy == FP32 and cls.__name__ == "NativeNorm" and 0 in attrs.get("axes", ()):
        return None  # batch norm is on no list: it runs in its input's dtype
    return policy


# ------------------------------------------------------------------ the hook

_ELIGIBLE = frozenset((_dtype.float16, _dtype.bfloat16, _dtype.float32))  # not float64


def _eligible(t, devtype):
    return t.dtype in _ELIGIBLE and t.device.type == devtype


def _cast(t, dtype, via=None):
    """t as dtype, differentiably (rounded through `via` first when given); leaves that
    require grad (weights) are cast once per autocast region, as torch's weight cache."""
    if t.dtype is dtype and via is None:
        return t
    st = _state
    if st.cache_enabled and t.requires_grad and t.grad_fn is None and _grad_mode.state.enabled:
        entry = st.cache.get(id(t))
        if entry is None or entry[0] is not t or entry[1] != t._vc[0]:
            entry = (t, t._vc[0], {})
            st.cache[id(t)] = entry
        out = entry[2].get((dtype, via))
        if out is None:
            out = entry[2][(dtype, via)] = _cast_now(t, dtype, via)
        return out
    return _cast_now(t, dtype, via)


def _cast_now(t, dtype, via):
    ToCopy = _ToCopy()
    if via is not None and t.dtype is not via:
        t = ToCopy.apply(t, dtype=via)
    return t if t.dtype is dtype else ToCopy.apply(t, dtype=dtype)


@functools.cache
def _ToCopy():
    from ..ops.copy import ToCopy
    return ToCopy


def _call_target(cls, args, attrs):
    """(device type, policy, dtype) that autocast gives this call's floating tensor args, or
    None when it leaves the call alone."""
    st = _state
    if st.busy or _grad_mode.state.in_backward:
        return None
    dev = None
    for a in args:
        if isinstance(a, _function.Tensor):
            dev = a.device.type
            break
    if dev is None or not st.enabled.get(dev):
        return None
    policy = _call_policy(cls, args, attrs, dev)
    if policy is None or attrs.get("dtype") is not None:
        return None
    floats = [a.dtype for a in args if isinstance(a, _function.Tensor) and _eligible(a, dev)]
    if not floats:
        return None
    if policy == FP32:
        target = _dtype.float32
    elif policy == PROMOTE:
        target = floats[0]
        for d in floats[1:]:
            target = _dtype.promote_types(target, d)
    else:
        target = st.dtype[dev]
    return dev, policy, target


def _cast_args(args, dev, target):
    st = _state
    st.busy = True  # the casts' own ToCopy calls pass the hook untouched
    try:
        return tuple(_cast(a, target) if isinstance(a, _function.Tensor) and _eligible(a, dev)
                     else a for a in args)
    finally:
        st.busy = False


def _autocast_hook(cls, args, attrs):
    """Op.apply's autocast hook: (args, None) to run the op on args, or (args, result) when
    the hook ran the op itself (a LOW op on the CPU)."""
    call = _call_target(cls, args, attrs)
    if call is None:
        return args, None
    dev, policy, target = call
    if policy == LOW and dev == "cpu":
        return args, _run_low_on_cpu(cls, args, attrs, target)
    return _cast_args(args, dev, target), None


def autocast_args(op_cls, *args):
    """The tensor args as `op_cls` will see them under the current autocast (args unchanged
    when autocast is off). For entry points that check dtypes or add a bias before calling
    the Op (F.linear's fallback, conv's bias, addmm): torch's autocast casts at the entry
    (on the CPU too, where the hook then runs the Op in float32 on the rounded inputs)."""
    if _function.hooks.autocast is None:
        return args
    call = _call_target(op_cls, args, {})
    return args if call is None else _cast_args(args, call[0], call[2])


def _run_low_on_cpu(cls, args, attrs, low):
    """Inputs rounded to `low`, the op in float32, the result rounded to `low`."""
    st = _state
    Tensor = _function.Tensor
    f32 = _dtype.float32
    st.busy = True
    try:
        cast = tuple(_cast(a, f32, low) if isinstance(a, Tensor) and
                     _eligible(a, "cpu") else a for a in args)
        out = cls.apply(*cast, **attrs)
        ToCopy = _ToCopy()
        if isinstance(out, tuple):
            return tuple(ToCopy.apply(o, dtype=low) if isinstance(o, Tensor) and
                         o.dtype is f32 else o for o in out)
        return ToCopy.apply(out, dtype=low) if out.dtype is f32 else out
    finally:
        st.busy = False


def _install(on):
    global _users
    with _lock:
        _users += 1 if on else -1
        _function.hooks.autocast = _autocast_hook if _users > 0 else None
        _function.hooks.refresh()


# ------------------------------------------------------------------ public state functions

def _check_type(device_type):
    if device_type not in _DEVICE_TYPES:
        raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")


def is_autocast_available(device_type):
    return device_type in _DEVICE_TYPES


def is_autocast_enabled(device_type=None):
    """torch.is_autocast_enabled(): CUDA's flag without an argument, as torch."""
    if device_type is None:
        device_type = "cuda"
    _check_type(device_type)
    return _state.enabled[device_type]


def set_autocast_enabled(device_type, enabled=None):
    """set_autocast_enabled(device_type, enabled), or the legacy set_autocast_enabled(enabled)
    for CUDA."""
    if enabled is None:
        device_type, enabled = "cuda", device_type
    _check_type(device_type)
    enabled = bool(enabled)
    st = _state
    if enabled != st.enabled[device_type]:
        if enabled:
            _dtype_np_ready(st.dtype[device_type])
        st.enabled[device_type] = enabled
        _install(enabled)


def get_autocast_dtype(device_type):
    _check_type(device_type)
    return _state.dtype[device_type]


def set_autocast_dtype(device_type, dtype):
    _check_type(device_type)
    _state.dtype[device_type] = dtype


def is_autocast_cache_enabled():
    return _state.cache_enabled


def set_autocast_cache_enabled(enabled):
    _state.cache_enabled = bool(enabled)


def clear_autocast_cache():
    _state.cache.clear()


def autocast_increment_nesting():
    _state.nesting += 1
    return _state.nesting


def autocast_decrement_nesting():
    _state.nesting -= 1
    return _state.nesting


def _dtype_np_ready(dt):
    """Touch the dtype's NumPy type now: bfloat16 raises its 'install ml_dtypes' error at the
    `with`, not in the middle of a model."""
    return dt.np


# ------------------------------------------------------------------ the context manager

class autocast:
    """Context manager and decorator: ops inside run in torch's autocast precision.

    autocast(device_type, dtype=None, enabled=True, cache_enabled=None); dtype defaults to
    get_autocast_dtype(device_type) (float16 on CUDA, bfloat16 on the CPU)."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        _check_type(device_type)
        self.device = device_type
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self._cache_enabled = is_autocast_cache_enabled() if cache_enabled is None \
            else cache_enabled
        if enabled:
            if device_type == "cuda":
                from .. import cuda
                if not cuda.is_available():
                    warnings.warn("CUDA is not available or torch_xla is imported. Disabling "
                                  "autocast.", stacklevel=2)
                    enabled = False
                elif self.fast_dtype is _dtype.bfloat16:
                    # CuPy has no bfloat16 arrays: torch's answer for a GPU without it
                    raise RuntimeError("Current CUDA Device does not support bfloat16. Please "
                                       "switch dtype to float16.")
            elif self.fast_dtype not in (_dtype.bfloat16, _dtype.float16):
                warnings.warn(
                    "In CPU autocast, but the target dtype is not supported. Disabling "
                    "autocast.\nCPU Autocast only supports dtypes of torch.bfloat16, "
                    "torch.float16 currently.", stacklevel=2)
                enabled = False
        self._enabled = bool(enabled)

    def __enter__(self):
        st = _state
        self.prev_cache_enabled = st.cache_enabled
        self.prev = st.enabled[self.device]
        self.prev_fastdtype = st.dtype[self.device]
        set_autocast_dtype(self.device, self.fast_dtype)
        set_autocast_enabled(self.device, self._enabled)
        autocast_increment_nesting()
        set_autocast_cache_enabled(self._cache_enabled)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if autocast_decrement_nesting() == 0:
            clear_autocast_cache()
        set_autocast_enabled(self.device, self.prev)
        set_autocast_dtype(self.device, self.prev_fastdtype)
        set_autocast_cache_enabled(self.prev_cache_enabled)
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(
                f"autocast()(func) requires a callable, but got {type(func).__name__}. "
                "Did you mean to use autocast as a context manager? For example:\n"
                "    with torch.autocast(device_type=...):\n"
                "        output = model(input)")

        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        decorate_autocast.__script_unsupported = "@autocast() decorator is not supported in " \
                                                 "script mode"
        return decorate_autocast


# ------------------------------------------------------------------ custom Function helpers

def _cast_value(value, device_type, dtype):
    from .._tensor import Tensor
    if isinstance(value, Tensor):
        ok = value.is_floating_point() and value.device.type == device_type and \
            value.dtype is not _dtype.float64
        return value.to(dtype) if ok else value
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, dict):
        return {_cast_value(k, device_type, dtype): _cast_value(v, device_type, dtype)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_value(v, device_type, dtype) for v in value)
    return value


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """Decorator for a custom Function's forward: runs it with autocast's state of the call
    (or, with cast_inputs, with its floating inputs cast and autocast off)."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        args[0]._fwd_used_autocast = is_autocast_enabled(device_type)
        args[0]._dtype = get_autocast_dtype(device_type)
        if cast_inputs is None:
            return fwd(*args, **kwargs)
        autocast_context = is_autocast_enabled(device_type)
        with autocast(device_type=device_type, enabled=False):
            if autocast_context:
                return fwd(*_cast_value(args, device_type, cast_inputs),
                           **_cast_value(kwargs, device_type, cast_inputs))
            return fwd(*args, **kwargs)
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type):
    """Decorator for a custom Function's backward: runs it with the forward's autocast state."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        with autocast(device_type=device_type, enabled=args[0]._fwd_used_autocast,
                      dtype=args[0]._dtype):
            return bwd(*args, **kwargs)
    return decorate_bwd
