"""Ember dtypes, their NumPy counterparts, and torch's type-promotion rules.

Promotion is torch's, not NumPy's: operands fall in three priority groups (tensors
with dimensions, zero-dim tensors, Python scalars) and a lower group only matters when
it brings a higher *category* (bool < integer < floating < complex). Python floats
count as the default dtype, Python ints as int64.
"""
import functools

import numpy

_BOOL, _INT, _FLOAT, _COMPLEX = 0, 1, 2, 3


class dtype:
    __slots__ = ("name", "itemsize", "_category", "_np", "is_signed")

    def __init__(self, name, np_name, itemsize, category, is_signed):
        self.name = name
        self.itemsize = itemsize
        self._category = category
        self._np = numpy.dtype(np_name) if np_name else None
        self.is_signed = is_signed

    @property
    def is_floating_point(self):
        return self._category == _FLOAT

    @property
    def is_complex(self):
        return self._category == _COMPLEX

    @property
    def np(self):
        """The NumPy dtype that holds this dtype's values."""
        if self._np is None:  # only bfloat16: NumPy lacks it, ml_dtypes supplies it
            self._np = _bfloat16_numpy()
            _FROM_NUMPY[self._np] = self
        return self._np

    def to_real(self):
        return {complex64: float32, complex128: float64}.get(self, self)

    def to_complex(self):
        # torch gives complex32 for float16; ember has no complex32, so the next one up
        return complex128 if self is float64 or self is complex128 else complex64

    def __repr__(self):
        return "torch." + self.name  # torch prints its module name; code compares reprs

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))


@functools.cache
def _bfloat16_numpy():
    try:
        import ml_dtypes
    except ImportError:
        raise RuntimeError(
            "bfloat16 tensors need the ml_dtypes package: pip install 'ember[bfloat16]'"
        ) from None
    np_dtype = numpy.dtype(ml_dtypes.bfloat16)
    # bfloat16 is a floating type: its tensors may require grad, as in torch
    from .autograd.function import register_bfloat16
    register_bfloat16(np_dtype)
    return np_dtype


bool = dtype("bool", "bool", 1, _BOOL, False)  # noqa: A001 - torch's name
uint8 = dtype("uint8", "uint8", 1, _INT, False)
int8 = dtype("int8", "int8", 1, _INT, True)
int16 = dtype("int16", "int16", 2, _INT, True)
int32 = dtype("int32", "int32", 4, _INT, True)
int64 = dtype("int64", "int64", 8, _INT, True)
float16 = dtype("float16", "float16", 2, _FLOAT, True)
bfloat16 = dtype("bfloat16", None, 2, _FLOAT, True)
float32 = dtype("float32", "float32", 4, _FLOAT, True)
float64 = dtype("float64", "float64", 8, _FLOAT, True)
complex64 = dtype("complex64", "complex64", 8, _COMPLEX, True)
complex128 = dtype("complex128", "complex128", 16, _COMPLEX, True)

half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001
cfloat, cdouble = complex64, complex128

ALL = (bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64,
       complex64, complex128)
_BY_NAME = {d.name: d for d in ALL}
_FROM_NUMPY = {d._np: d for d in ALL if d._np is not None}


def _dtype_by_name(name):
    return _BY_NAME[name]


def from_numpy(np_dtype):
    """The ember dtype of a NumPy dtype; TypeError for dtypes torch has no counterpart of."""
    try:
        return _FROM_NUMPY[np_dtype]
    except KeyError:
        pass
    np_dtype = numpy.dtype(np_dtype)
    if np_dtype.name == "bfloat16":
        bfloat16.np  # noqa: B018 - registers ml_dtypes' bfloat16 on first sight
        return bfloat16
    if np_dtype in _FROM_NUMPY:
        return _FROM_NUMPY[np_dtype]
    # torch 2.13 also takes uint16/32/64 as limited dtypes (almost no ops); ember does not
    # have them, so they are refused here like object and string arrays.
    raise TypeError(
        f"can't convert np.ndarray of type numpy.{np_dtype.type.__name__}. The only supported "
        "types "
        "are: float64, float32, float16, complex64, complex128, int64, int32, int16, int8, "
        "uint8, and bool.")


# ---------------------------------------------------------------- default dtype

_default = [float32]


def get_default_dtype():
    return _default[0]


def set_default_dtype(d):
    if not isinstance(d, dtype) or d not in (float16, bfloat16, float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def default_complex():
    return complex128 if _default[0] is float64 else complex64


# ---------------------------------------------------------------- promotion

_INT_ORDER = (int8, int16, int32, int64)


@functools.cache
def promote_types(a, b):
    """torch.promote_types: the smallest dtype both a and b convert to without losing category."""
    if a is b:
        return a
    ca, cb = a._category, b._category
    if ca != cb:
        hi, lo = (a, b) if ca > cb else (b, a)
        if hi._category == _COMPLEX and lo._category == _FLOAT and lo.itemsize > hi.itemsize // 2:
            return complex128
        return hi
    if ca == _INT:
        if a is uint8 or b is uint8:
            other = b if a is uint8 else a
            return int16 if other is int8 else other
        return a if a.itemsize > b.itemsize else b
    if ca == _FLOAT:
        if {a, b} == {float16, bfloat16}:
            return float32
        return a if a.itemsize > b.itemsize else b
    return a if a.itemsize > b.itemsize else b


def _combine_categories(higher, lower):
    """Merge a lower-priority group's dtype into a higher one (torch's combine_categories)."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher._category >= _FLOAT and higher._category >= lower._category:
        return higher
    if lower._category == _COMPLEX:
        if higher._category == _FLOAT:
            return complex128 if higher is float64 else complex64
        return lower
    if higher is bool or lower._category == _FLOAT:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(x):
    """The dtype a Python number takes part in promotion as."""
    t = type(x)
    if t is _pybool:
        return bool
    if t is _pyint or isinstance(x, _pyint):
        return int64
    if t is _pyfloat or isinstance(x, _pyfloat):
        return _default[0]
    if isinstance(x, complex):
        return default_complex()
    if isinstance(x, numpy.generic):  # numpy scalars behave like Python numbers here
        return scalar_dtype(x.item())
    raise TypeError(f"unsupported scalar type {t.__name__}")


_pybool, _pyint, _pyfloat = type(True), type(1), type(1.0)


def result_type(tensors, scalars=()):
    """torch.result_type over tensors (objects with .dtype and .ndim) and Python scalars."""
    dim = zero = None
    for t in tensors:
        d = t.dtype
        if t.ndim:
            dim = d if dim is None else promote_types(dim, d)
        else:
            zero = d if zero is None else promote_types(zero, d)
    wrapped = None
    for s in scalars:
        d = scalar_dtype(s)
        wrapped = d if wrapped is None else promote_types(wrapped, d)
    return _combine_categories(dim, _combine_categories(zero, wrapped))


def is_float_like(d):
    return d._category >= _FLOAT


def category(d):
    return d._category


# ---------------------------------------------------------------- finfo / iinfo

class finfo:
    """torch.finfo: machine limits of a floating dtype (complex dtypes give their real part)."""

    def __init__(self, type=None):  # noqa: A002 - torch's argument name
        d = _default[0] if type is None else type
        if not isinstance(d, dtype) or d._category < _FLOAT:
            raise TypeError("torch.finfo() requires a floating point input type. Use "
                            "torch.iinfo to handle 'torch.finfo'")
        d = d.to_real()
        if d is bfloat16:
            import ml_dtypes
            info = ml_dtypes.finfo(ml_dtypes.bfloat16)
        else:
            info = numpy.finfo(d.np)
        self.bits = d.itemsize * 8
        self.eps = _pyfloat(info.eps)
        self.max = _pyfloat(info.max)
        self.min = _pyfloat(info.min)
        self.tiny = self.smallest_normal = _pyfloat(info.smallest_normal)
        self.resolution = _pyfloat(10.0 ** -_pyint(info.precision))
        self.dtype = d.name

    def __eq__(self, other):
        return isinstance(other, finfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:.6g}, min={self.min:.6g}, "
                f"max={self.max:.6g}, eps={self.eps:.6g}, "
                f"smallest_normal={self.smallest_normal:.6g}, tiny={self.tiny:.6g}, "
                f"dtype={self.dtype})")


class iinfo:
    """torch.iinfo: the range of an integer dtype."""

    def __init__(self, type):  # noqa: A002 - torch's argument name
        if type is bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if not isinstance(type, dtype) or type._category != _INT:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo "
                            "to handle 'torch.iinfo'")
        info = numpy.iinfo(type.np)
        self.bits = type.itemsize * 8
        self.max = _pyint(info.max)
        self.min = _pyint(info.min)
        self.dtype = type.name

    def __eq__(self, other):
        return isinstance(other, iinfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))

    def __repr__(self):
        return f"iinfo(min={self.min:.6g}, max={self.max:.6g}, dtype={self.dtype})"
