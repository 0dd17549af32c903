"""Ember: PyTorch's programming model in Python, on NumPy (CPU) and CuPy (NVIDIA GPU).

`import ember as torch` and PyTorch code runs unchanged. This module only re-exports
torch's top-level names; it imports no optional dependency.
"""
import warnings as _warnings

from . import _blas  # noqa: F401  (first: it must run before NumPy loads OpenBLAS)
from . import _dtype
from ._device import device, get_default_device, set_default_device
from ._dtype import (bfloat16, bool, cdouble, cfloat, complex64, complex128, double, dtype,
                     finfo, float, float16, float32, float64, get_default_dtype, half, iinfo, int,
                     int8, int16, int32, int64, long, promote_types, set_default_dtype, short,
                     uint8)
from ._tensor import Size, Tensor
from ._creation import (arange, as_tensor, asarray, complex, empty, empty_like, eye, from_dlpack,
                        from_numpy, full, full_like, linspace, logspace, ones, ones_like, range,
                        scalar_tensor, tensor, tril_indices, triu_indices, zeros, zeros_like)
from .random import (Generator, bernoulli, default_generator, get_rng_state, initial_seed,
                     manual_seed, multinomial, normal, poisson, rand, rand_like, randint,
                     randint_like, randn, randn_like, randperm, seed, set_rng_state)
from .autograd.grad_mode import (enable_grad, inference_mode, is_grad_enabled,
                                 is_inference_mode_enabled, no_grad, set_grad_enabled)
from ._tensor_str import get_printoptions, printoptions, set_printoptions
from .ops import *  # noqa: F401,F403 - every public op under its torch name
from .autograd import is_anomaly_check_nan_enabled, is_anomaly_enabled  # noqa: F401
from . import autograd, ops, random  # noqa: F401

__version__ = "0.1.0"

# torch computes log(0), 0/0 and overflows silently; NumPy warns. Silence NumPy's
# floating-point warnings when they come from ember's own code, and only those.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"ember(\.|$)",
                         message=r"(invalid value|divide by zero|overflow|underflow) encountered")



def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input.dtype.is_floating_point


def is_complex(input):
    return input.dtype.is_complex


def numel(input):
    return input.numel()


def result_type(tensor1, tensor2):
    ts = [t for t in (tensor1, tensor2) if isinstance(t, Tensor)]
    ss = [s for s in (tensor1, tensor2) if not isinstance(s, Tensor)]
    return _dtype.result_type(ts, ss)


def can_cast(from_, to):
    from .ops.inplace import _can_cast
    return _can_cast(from_, to)


# Namespaces loaded on first use (PEP 562), so `import ember` pays only for the core:
# `ember.nn`, `from ember import optim` and `import ember.linalg` all work as usual.
_LAZY_SUBMODULES = frozenset({"amp", "backends", "cuda", "linalg", "metrics", "nn", "optim",
                              "return_types", "testing", "utils", "vision"})


_LAZY_FUNCTIONS = {"save": "serialization", "load": "serialization"}
# torch.autocast and its state functions live in ember.amp (loaded on first use)
_LAZY_FUNCTIONS.update(dict.fromkeys((
    "autocast", "is_autocast_enabled", "get_autocast_dtype", "set_autocast_enabled",
    "set_autocast_dtype", "is_autocast_cache_enabled", "set_autocast_cache_enabled",
    "clear_autocast_cache", "autocast_increment_nesting", "autocast_decrement_nesting",
), "amp.autocast_mode"))
# torch.conv2d, torch.batch_norm, ...: nn ops that torch also has at top level
_LAZY_FUNCTIONS.update(dict.fromkeys((
    "adaptive_avg_pool1d", "avg_pool1d", "bilinear", "celu", "conv1d", "conv2d", "conv3d",
    "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "cosine_similarity",
    "hardshrink", "max_pool1d", "max_pool2d", "pairwise_distance", "pixel_shuffle",
    "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle", "prelu", "rrelu", "selu",
    "threshold", "batch_norm", "instance_norm", "layer_norm", "group_norm", "dropout",
    "alpha_dropout", "feature_alpha_dropout", "embedding", "adaptive_max_pool1d",
    "max_pool1d_with_indices", "kl_div", "binary_cross_entropy_with_logits",
    "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss", "poisson_nll_loss",
    "triplet_margin_loss", "ctc_loss",
), "_nn_ops"))


def __getattr__(name):
    if name in _LAZY_SUBMODULES or name in _LAZY_FUNCTIONS:
        import importlib
        module = importlib.import_module(f"{__name__}.{_LAZY_FUNCTIONS.get(name, name)}")
        return getattr(module, name) if name in _LAZY_FUNCTIONS else module
    raise AttributeError(f"module 'ember' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | _LAZY_SUBMODULES | set(_LAZY_FUNCTIONS))
