"""Tensor printing, character for character torch's (torch/_tensor_str.py, torch 2.13).

The rules, all torch's: one formatter per tensor picks a common width; floats whose finite
non-zero values are all integers print as `1.`, otherwise with `precision` decimals, and in
scientific notation when max/min > 1000, max > 1e8 or min < 1e-4; more than `threshold`
elements are summarised with `edgeitems` per edge and `...`; rows wrap at `linewidth`
with the opening bracket's indentation; dtype, device, grad_fn / requires_grad are
appended as suffixes, wrapping when the last line would pass `linewidth`.
The work is done on a NumPy copy of the data (the summarised part when summarising).
"""
import dataclasses
import math

import numpy

from . import _dtype


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool = None


PRINT_OPTS = _PrinterOptions()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """torch.set_printoptions: profile is 'default', 'short' or 'full'; sci_mode=None lets the
    formatter choose (and, as in torch, every call resets sci_mode to the given value)."""
    if profile is not None:
        if profile == "default":
            PRINT_OPTS.precision, PRINT_OPTS.threshold = 4, 1000
            PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 3, 80
        elif profile == "short":
            PRINT_OPTS.precision, PRINT_OPTS.threshold = 2, 1000
            PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 2, 80
        elif profile == "full":
            PRINT_OPTS.precision, PRINT_OPTS.threshold = 4, math.inf
            PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 3, 80
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    return dataclasses.asdict(PRINT_OPTS)


class printoptions:
    """Context manager that sets print options and restores the previous ones on exit."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs

    def __enter__(self):
        self._old = get_printoptions()
        set_printoptions(**self._kwargs)

    def __exit__(self, *exc):
        set_printoptions(**self._old)


# ---------------------------------------------------------------- formatting values

class _Formatter:
    """The common width and notation of the values of one (real) array."""

    def __init__(self, a):
        self.floating_dtype = a.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = a.reshape(-1)
        if not self.floating_dtype:
            if flat.size:
                if flat.dtype.kind == "b":
                    self.max_width = 5 if not flat.all() else 4
                else:  # the longest decimal is at one of the extremes
                    self.max_width = max(1, len(str(flat.min().item())),
                                         len(str(flat.max().item())))
            return
        vals = flat[numpy.isfinite(flat) & (flat != 0)].astype(numpy.float64)
        if vals.size == 0:
            return  # no finite non-zero value: defaults, as torch (sci_mode stays False)
        absv = numpy.abs(vals)
        lo, hi = absv.min(), absv.max()
        self.int_mode = bool((vals == numpy.ceil(vals)).all())
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = bool(hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4)
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        p = PRINT_OPTS.precision
        values = vals.tolist()
        if self.sci_mode:
            fmt = f"{{:.{p}e}}".format
            extra = 0
        elif self.int_mode:
            fmt = "{:.0f}".format
            extra = 1  # the "." appended to integer-valued floats
        else:
            fmt = f"{{:.{p}f}}".format
            extra = 0
        self.max_width = max(self.max_width, max(len(fmt(v)) for v in values) + extra)

    def width(self):
        return self.max_width

    def format(self, value):
        if self.floating_dtype:
            if self.sci_mode:
                ret = f"{{:{self.max_width}.{PRINT_OPTS.precision}e}}".format(value)
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{{:.{PRINT_OPTS.precision}f}}".format(value)
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


def _complex_str(real_str, imag_str):
    imag_str = (imag_str + "j").lstrip()
    # "+" only where the imaginary part has no sign of its own (handles -0.0 too)
    if imag_str[0] == "+" or imag_str[0] == "-":
        return real_str + imag_str
    return real_str + "+" + imag_str


def _scalar_str(a, f1, f2=None):
    v = a.item()
    if f2 is not None:
        return _complex_str(f1.format(v.real), f2.format(v.imag))
    return f1.format(v)


def _vector_str(a, indent, summarize, f1, f2=None):
    element_length = f1.width() + 2
    if f2 is not None:
        element_length += f2.width() + 1  # the imaginary part and its "j"
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))

    if f2 is not None:
        def fmt(v):
            return _complex_str(f1.format(v.real), f2.format(v.imag))
    else:
        fmt = f1.format

    e = PRINT_OPTS.edgeitems
    if summarize and not e:
        data = ["..."]
    elif summarize and a.shape[0] > 2 * e:
        data = [fmt(v) for v in a[:e].tolist()] + [" ..."] + [fmt(v) for v in a[-e:].tolist()]
    else:
        data = [fmt(v) for v in a.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(a, indent, summarize, f1, f2=None):
    dim = a.ndim
    if dim == 0:
        return _scalar_str(a, f1, f2)
    if dim == 1:
        return _vector_str(a, indent, summarize, f1, f2)
    e = PRINT_OPTS.edgeitems
    n = a.shape[0]
    if summarize and n > 2 * e:
        slices = ([_tensor_str_with_formatter(a[i], indent + 1, summarize, f1, f2)
                   for i in range(e)] + ["..."] +
                  [_tensor_str_with_formatter(a[i], indent + 1, summarize, f1, f2)
                   for i in range(n - e, n)])
    else:
        slices = [_tensor_str_with_formatter(a[i], indent + 1, summarize, f1, f2)
                  for i in range(n)]
    return "[" + ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(slices) + "]"


def _summarized(a):
    """The values shown when summarising (torch's get_summarized_data)."""
    e = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        # a[-0:] is all of a: torch's quirk for edgeitems=0, kept
        return numpy.concatenate((a[:e], a[-e:])) if a.shape[0] > 2 * e else a
    if not e:
        return a[(slice(0, 0),) * a.ndim]
    n = a.shape[0]
    rows = list(range(e)) + list(range(n - e, n)) if n > 2 * e else range(n)
    return numpy.stack([_summarized(a[i]) for i in rows])


def _host_array(t):
    """The values as a NumPy array whose .tolist() gives Python numbers."""
    a = t.device.ext.to_numpy(t._data)
    if t.dtype is _dtype.bfloat16:
        a = a.astype(numpy.float32)  # exact: every bfloat16 is a float32
    return a


def _tensor_str(t, indent):
    if t.numel() == 0:
        return "[]"
    summarize = t.numel() > PRINT_OPTS.threshold
    a = _host_array(t)
    if a.dtype.kind == "c":
        real = _Formatter(_summarized(a.real) if summarize else a.real)
        imag = _Formatter(_summarized(a.imag) if summarize else a.imag)
        return _tensor_str_with_formatter(a, indent, summarize, real, imag)
    formatter = _Formatter(_summarized(a) if summarize else a)
    return _tensor_str_with_formatter(a, indent, summarize, formatter)


def _add_suffixes(tensor_str, suffixes, indent, force_newline=False):
    parts = [tensor_str]
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        if force_newline or last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
            force_newline = False
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def _is_parameter_class(cls):
    return cls.__name__ == "Parameter" and cls.__module__.startswith("ember.nn")


def _grad_fn_name(fn):
    from .autograd.function import FunctionCtx
    if isinstance(fn, FunctionCtx):
        return fn.op.__name__ + "Backward"  # torch names a custom Function's node so
    return fn.name()


def tensor_repr(t, tensor_contents=None):
    from ._device import current_cuda_index, get_default_device
    from ._tensor import Tensor

    cls = type(t)
    plain = cls is Tensor or _is_parameter_class(cls)
    prefix = "tensor(" if plain else f"{cls.__name__}("
    indent = len(prefix)
    suffixes = []

    dev = t.device
    if dev.type != get_default_device().type or (dev.type == "cuda" and
                                                  current_cuda_index() != dev.index):
        suffixes.append(f"device='{dev}'")

    default = _dtype.get_default_dtype()
    dt = t.dtype
    has_default_dtype = dt in (default, _dtype.default_complex(), _dtype.int64, _dtype.bool)
    if t.numel() == 0:
        if t.ndim != 1:
            suffixes.append(f"size={tuple(t.shape)}")
        if dt is not default:
            suffixes.append(f"dtype={dt}")
        tensor_str = "[]" if tensor_contents is None else tensor_contents
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(t.shape)}")
        if not has_default_dtype:
            suffixes.append(f"dtype={dt}")
        tensor_str = _tensor_str(t, indent) if tensor_contents is None else tensor_contents

    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{_grad_fn_name(t.grad_fn)}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")

    out = _add_suffixes(prefix + tensor_str, suffixes, indent)
    if not plain and any(_is_parameter_class(c) for c in cls.__mro__):
        out = f"Parameter({out})"
    return out
