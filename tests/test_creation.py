"""Creation functions against real torch: dtype inference, shapes, values, memory sharing and
errors."""
import warnings

import numpy
import pytest
import torch

import ember


def _describe(framework, make):
    """(dtype name, shape, values) of make(framework), or (exception type, message)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            r = make(framework)
        except Exception as e:  # noqa: BLE001 - the error itself is compared
            return type(e).__name__, str(e).split("\n")[0]
    return str(r.dtype).replace("torch.", ""), tuple(r.shape), r.tolist()


def check(make):
    e, t = _describe(ember, make), _describe(torch, make)
    assert e == t, f"\nember: {e}\ntorch: {t}"


# Each case runs the same code with m = ember and m = torch; dtype, shape and values (or the
# exception type and message) must be equal.
CASES = {
    # tensor(): dtype inference over nested data
    "nested ints": lambda m: m.tensor([[1, 2], [3, 4]]),
    "nested floats": lambda m: m.tensor([[1.5, 2], [3, 4]]),
    "mixed int float bool": lambda m: m.tensor([1, 2.5, True]),
    "bool list": lambda m: m.tensor([True, False]),
    "bool and int": lambda m: m.tensor([True, 2]),
    "complex list": lambda m: m.tensor([1, 2 + 1j]),
    "tuple": lambda m: m.tensor((1, 2)),
    "range": lambda m: m.tensor(range(3)),
    "empty list": lambda m: m.tensor([]),
    "empty nested": lambda m: m.tensor([[]]),
    "empty 2x0": lambda m: m.tensor([[], []]),
    "int scalar": lambda m: m.tensor(3),
    "float scalar": lambda m: m.tensor(3.5),
    "bool scalar": lambda m: m.tensor(True),
    "complex scalar": lambda m: m.tensor(1 - 2j),
    "0-dim tensors": lambda m: m.tensor([m.tensor(1.0), m.tensor(2.0)]),
    "0-dim int tensors": lambda m: m.tensor([m.tensor(1), m.tensor(2)]),
    "0-dim int32 tensors": lambda m: m.tensor([m.tensor(1, dtype=m.int32),
                                               m.tensor(2, dtype=m.int32)]),
    "0-dim float64 and float": lambda m: m.tensor([m.tensor(1, dtype=m.float64), 2.5]),
    "0-dim float16 and float": lambda m: m.tensor([m.tensor(1, dtype=m.float16), 2.5]),
    "0-dim tensor and float": lambda m: m.tensor([m.tensor(1), 2.5]),
    "tensor copy": lambda m: m.tensor(m.tensor([1, 2], dtype=m.int16)),
    "tensor copy dtype": lambda m: m.tensor(m.tensor([1, 2]), dtype=m.float64),
    "numpy int32": lambda m: m.tensor(numpy.array([1, 2], numpy.int32)),
    "numpy float64": lambda m: m.tensor(numpy.array([1.5, 2.0])),
    "numpy float16": lambda m: m.tensor(numpy.array([1.5, 2.0], numpy.float16)),
    "numpy bool": lambda m: m.tensor(numpy.array([True, False])),
    "numpy uint8": lambda m: m.tensor(numpy.array([0, 255], numpy.uint8)),
    "numpy complex128": lambda m: m.tensor(numpy.array([1 + 1j])),
    "numpy 0-dim": lambda m: m.tensor(numpy.array(2.5, numpy.float32)),
    "numpy transposed": lambda m: m.tensor(numpy.arange(6.0).reshape(2, 3).T),
    "numpy dtype=": lambda m: m.tensor(numpy.array([1, 2]), dtype=m.float32),
    "numpy float64 scalar": lambda m: m.tensor(numpy.float64(2.5)),
    "numpy float32 scalar": lambda m: m.tensor(numpy.float32(2.5)),
    "numpy int32 scalar": lambda m: m.tensor(numpy.int32(3)),
    "numpy bool scalar": lambda m: m.tensor(numpy.bool_(True)),
    "list of numpy float64": lambda m: m.tensor([numpy.float64(1.5), numpy.float64(2)]),
    "list of numpy float32 and float": lambda m: m.tensor([numpy.float32(1.5), 2.0]),
    "list of numpy int32 and int": lambda m: m.tensor([numpy.int32(1), 2]),
    "list of numpy int32 and float": lambda m: m.tensor([numpy.int32(1), 2.5]),
    "list of arrays": lambda m: m.tensor([numpy.array([1, 2], numpy.int8),
                                          numpy.array([3, 4], numpy.int8)]),
    "dtype float64": lambda m: m.tensor([1, 2], dtype=m.float64),
    "dtype float64 exact": lambda m: m.tensor([0.1, 1 / 3], dtype=m.float64),
    "dtype int truncates": lambda m: m.tensor([1.7, -1.7], dtype=m.int32),
    "dtype bool": lambda m: m.tensor([0, 2], dtype=m.bool),
    "dtype bfloat16": lambda m: m.tensor([1.0, 0.1], dtype=m.bfloat16).float(),
    "dtype float16": lambda m: m.tensor([1.0, 0.1, 70000], dtype=m.float16),
    "dtype complex": lambda m: m.tensor([1, 2], dtype=m.complex128),
    "int requires_grad": lambda m: m.tensor([1, 2], requires_grad=True),
    "requires_grad": lambda m: m.tensor([1.0, 2], requires_grad=True).detach(),
    "ragged": lambda m: m.tensor([[1, 2], [3]]),
    "ragged deeper": lambda m: m.tensor([[[1, 2], [3, 4]], [[5, 6], [7]]]),
    "object": lambda m: m.tensor(object()),
    "None": lambda m: m.tensor(None),
    "None in list": lambda m: m.tensor([1, None]),
    "str in list": lambda m: m.tensor([1, "a"]),
    "int64 overflow": lambda m: m.tensor([2 ** 63]),
    "int64 min": lambda m: m.tensor([-2 ** 63]),
    "big int scalar": lambda m: m.tensor(2 ** 64),
    "uint8 overflow": lambda m: m.tensor(300, dtype=m.uint8),
    "uint8 list overflow": lambda m: m.tensor([1, 300], dtype=m.uint8),
    "uint8 negative wraps": lambda m: m.tensor([-1, 2], dtype=m.uint8),
    "int64 dtype overflow": lambda m: m.tensor([2 ** 63], dtype=m.int64),
    "int8 from floats": lambda m: m.tensor([1.5, -2.5, 100.9], dtype=m.int8),
    "int8 float overflow": lambda m: m.tensor([127.9], dtype=m.int8),
    "uint8 negative float": lambda m: m.tensor([-0.5], dtype=m.uint8),
    "nan into int": lambda m: m.tensor([float("nan")], dtype=m.int32),
    "complex into int": lambda m: m.tensor(1 + 1j, dtype=m.int32),
    "float32 overflow is inf": lambda m: m.tensor(1e39, dtype=m.float32),
    "float16 overflow is inf": lambda m: m.tensor([1e39, 1], dtype=m.float16),
    "Size as data": lambda m: m.tensor(m.Size([2, 3])),
    # as_tensor / asarray
    "as_tensor scalar": lambda m: m.as_tensor(3),
    "as_tensor list": lambda m: m.as_tensor([1.0, 2]),
    "as_tensor numpy": lambda m: m.as_tensor(numpy.array([1, 2], numpy.int16)),
    "as_tensor numpy dtype": lambda m: m.as_tensor(numpy.array([1, 2], numpy.int16),
                                                   dtype=m.float32),
    "as_tensor device dtype": lambda m: m.as_tensor([1, 2], device="cpu", dtype=m.float64),
    "asarray numpy": lambda m: m.asarray(numpy.array([1, 2], numpy.int16)),
    "asarray list": lambda m: m.asarray([1, 2.5]),
    "asarray list dtype": lambda m: m.asarray([1, 2], dtype=m.float32),
    "asarray scalar": lambda m: m.asarray(3.5),
    "asarray no alias": lambda m: m.asarray(numpy.arange(3.0), copy=False, dtype=m.float32),
    "asarray requires_grad": lambda m: m.asarray([1.0, 2.0], requires_grad=True).detach(),
    # from_numpy
    "from_numpy": lambda m: m.from_numpy(numpy.arange(6.0).reshape(2, 3)),
    "from_numpy int8": lambda m: m.from_numpy(numpy.array([-1, 2], numpy.int8)),
    "from_numpy list": lambda m: m.from_numpy([1, 2]),
    "from_numpy big endian": lambda m: m.from_numpy(numpy.arange(3, dtype=">f4")),
    "tensor big endian": lambda m: m.tensor(numpy.arange(3, dtype=">f4")),
    # zeros / ones / empty / full
    "zeros varargs": lambda m: m.zeros(2, 3),
    "zeros tuple": lambda m: m.zeros((2, 3)),
    "zeros list": lambda m: m.zeros([2, 3]),
    "zeros Size": lambda m: m.zeros(m.Size([2, 3])),
    "zeros size=": lambda m: m.zeros(size=(2, 3)),
    "zeros 0-dim": lambda m: m.zeros(()),
    "zeros empty list": lambda m: m.zeros([]),
    "zeros no elements": lambda m: m.zeros(0, 3),
    "zeros numpy ints": lambda m: m.zeros(numpy.int64(2), numpy.int32(1)),
    "zeros negative": lambda m: m.zeros(-1, 3),
    "ones negative": lambda m: m.ones(2, -3),
    "empty negative": lambda m: m.empty(-2),
    "zeros float size": lambda m: m.zeros(2.5),
    "zeros float in tuple": lambda m: m.zeros((2.5,)),
    "zeros str": lambda m: m.zeros("a"),
    "zeros dtype": lambda m: m.zeros(2, dtype=m.int8),
    "ones int32": lambda m: m.ones(2, dtype=m.int32),
    "ones bool": lambda m: m.ones(2, 2, dtype=m.bool),
    "ones complex": lambda m: m.ones(2, dtype=m.complex64),
    "ones requires_grad": lambda m: m.ones(2, requires_grad=True).detach(),
    "zeros int requires_grad": lambda m: m.zeros(2, dtype=m.int64, requires_grad=True),
    "empty zeroed": lambda m: m.empty(2, 3).zero_(),
    "empty int8": lambda m: m.empty((2, 3), dtype=m.int8).zero_(),
    "full int": lambda m: m.full((2,), 7),
    "full bool": lambda m: m.full((2,), True),
    "full float": lambda m: m.full((2,), 1.5),
    "full complex": lambda m: m.full((2,), 1 + 1j),
    "full list size": lambda m: m.full([2, 2], 3),
    "full int size": lambda m: m.full(2, 3),
    "full dtype": lambda m: m.full((2,), 7, dtype=m.float64),
    "full 0-dim tensor": lambda m: m.full((2,), m.tensor(2.5)),
    "full 0-dim int tensor": lambda m: m.full((2,), m.tensor(2, dtype=m.int32)),
    "full float64 tensor": lambda m: m.full((2,), m.tensor(2.5, dtype=m.float64)),
    "full numpy scalar": lambda m: m.full((2,), numpy.float64(2.5)),
    "full trunc": lambda m: m.full((2,), 2.7, dtype=m.int32),
    "full overflow int64": lambda m: m.full((2,), 2 ** 63),
    "full overflow uint8": lambda m: m.full((2,), 300, dtype=m.uint8),
    "full uint8 -1": lambda m: m.full((2,), -1, dtype=m.uint8),
    "full uint8 -300": lambda m: m.full((2,), -300, dtype=m.uint8),
    "full int8 -129": lambda m: m.full((2,), -129, dtype=m.int8),
    "full nan int": lambda m: m.full((2,), float("nan"), dtype=m.int32),
    "full float32 overflow": lambda m: m.full((2,), 1e39, dtype=m.float32),
    "full float16 overflow": lambda m: m.full((2,), 1e5, dtype=m.float16),
    "full inf": lambda m: m.full((2,), float("inf")),
    "full complex into float": lambda m: m.full((2,), 1 + 1j, dtype=m.float32),
    "full bool from float": lambda m: m.full((2,), 2.5, dtype=m.bool),
    "full int8 127.9": lambda m: m.full((1,), 127.9, dtype=m.int8),
    "full uint8 -0.5": lambda m: m.full((1,), -0.5, dtype=m.uint8),
    # *_like
    "zeros_like": lambda m: m.zeros_like(m.tensor([[1, 2]])),
    "zeros_like dtype": lambda m: m.zeros_like(m.tensor([[1, 2]]), dtype=m.float16),
    "ones_like": lambda m: m.ones_like(m.tensor([1.0, 2])),
    "ones_like dtype": lambda m: m.ones_like(m.tensor([1.0, 2]), dtype=m.bool),
    "full_like int": lambda m: m.full_like(m.tensor([1, 2]), 2.7),
    "full_like float": lambda m: m.full_like(m.tensor([1.0, 2]), 7),
    "full_like bool": lambda m: m.full_like(m.tensor([1.0, 2]), True),
    "full_like uint8 -1": lambda m: m.full_like(m.tensor([1, 2], dtype=m.uint8), -1),
    "full_like dtype": lambda m: m.full_like(m.tensor([1, 2]), 2.5, dtype=m.float64),
    "empty_like": lambda m: m.empty_like(m.tensor([1.0, 2])).zero_(),
    "empty_like dtype": lambda m: m.empty_like(m.tensor([1.0, 2]), dtype=m.int16).zero_(),
    "zeros_like requires_grad": lambda m: m.zeros_like(m.ones(2), requires_grad=True).detach(),
    # arange
    "arange end": lambda m: m.arange(5),
    "arange float end": lambda m: m.arange(5.0),
    "arange start end": lambda m: m.arange(1, 4),
    "arange negative step": lambda m: m.arange(5, 0, -1),
    "arange negative float step": lambda m: m.arange(1, -1, -0.25),
    "arange 0.1 steps": lambda m: m.arange(0, 1, 0.1),
    "arange 1 2.5 0.5": lambda m: m.arange(1, 2.5, 0.5),
    "arange -1 1 0.3": lambda m: m.arange(-1, 1, 0.3),
    "arange dtype float64": lambda m: m.arange(0, 5, dtype=m.float64),
    "arange float64 0.1": lambda m: m.arange(0.0, 1.0, 0.1, dtype=m.float64),
    "arange float16": lambda m: m.arange(0, 5, 0.5, dtype=m.float16),
    "arange uint8": lambda m: m.arange(1, 3, dtype=m.uint8),
    "arange int32 fractional step": lambda m: m.arange(0, 2.5, 0.5, dtype=m.int32),
    "arange int32 from floats": lambda m: m.arange(-0.5, 3, 1.5, dtype=m.int32),
    "arange int16 from floats": lambda m: m.arange(1.7, 3.9, 1.2, dtype=m.int16),
    "arange int64 fractional step": lambda m: m.arange(0, 2.5, 0.5, dtype=m.int64),
    "arange int64 from floats": lambda m: m.arange(0.5, 3.7, dtype=m.int64),
    "arange int64 negative": lambda m: m.arange(5, 0.5, -1.5, dtype=m.int64),
    "arange empty": lambda m: m.arange(0),
    "arange empty 3 3": lambda m: m.arange(3, 3),
    "arange wrong sign": lambda m: m.arange(0, 5, -1),
    "arange zero step": lambda m: m.arange(0, 5, 0),
    "arange inf": lambda m: m.arange(0, float("inf")),
    "arange nan": lambda m: m.arange(0, float("nan")),
    "arange bool": lambda m: m.arange(3, dtype=m.bool),
    "arange complex": lambda m: m.arange(3, dtype=m.complex64),
    "arange tensor end": lambda m: m.arange(m.tensor(3)),
    "arange float tensor": lambda m: m.arange(m.tensor(3.0)),
    "arange tensor start": lambda m: m.arange(m.tensor(1.5), 4),
    "arange bool start": lambda m: m.arange(True, 3),
    "arange numpy ints": lambda m: m.arange(numpy.int32(3)),
    "arange numpy float": lambda m: m.arange(numpy.float32(3)),
    # linspace / logspace (values exact here; see the tolerance test below for the rest)
    "linspace": lambda m: m.linspace(0, 1, 5),
    "linspace int args": lambda m: m.linspace(0, 10, 5),
    "linspace tensors": lambda m: m.linspace(m.tensor(0.0), m.tensor(1.0), 5),
    "linspace one": lambda m: m.linspace(2, 5, 1),
    "linspace zero": lambda m: m.linspace(2, 5, 0),
    "linspace negative steps": lambda m: m.linspace(2, 5, -1),
    "linspace float64": lambda m: m.linspace(0, 1, 7, dtype=m.float64),
    "linspace float16": lambda m: m.linspace(0, 1, 7, dtype=m.float16),
    "linspace bfloat16": lambda m: m.linspace(-3, 1, 9, dtype=m.bfloat16).float(),
    "linspace int64": lambda m: m.linspace(0.5, 9.7, 5, dtype=m.int64),
    "linspace int32": lambda m: m.linspace(-3, 10, 7, dtype=m.int32),
    "linspace int16 down": lambda m: m.linspace(10, -3, 7, dtype=m.int16),
    "linspace uint8": lambda m: m.linspace(0, 255, 7, dtype=m.uint8),
    "linspace complex": lambda m: m.linspace(0, 1 + 1j, 3),
    "linspace descending": lambda m: m.linspace(3, -3, 4),
    "logspace": lambda m: m.logspace(0, 2, 3),
    "logspace base 2": lambda m: m.logspace(0, 4, 5, base=2),
    "logspace int64": lambda m: m.logspace(0, 3, 4, dtype=m.int64),
    "logspace float64": lambda m: m.logspace(-2, 2, 9, dtype=m.float64),
    "logspace one": lambda m: m.logspace(1, 2, 1),
    "logspace negative base": lambda m: m.logspace(0, 3, 4, base=-2),
    "logspace fractional": lambda m: m.logspace(-1.5, 2.5, 11, dtype=m.float64),
    # eye / tril_indices / triu_indices / scalar_tensor / complex
    "eye": lambda m: m.eye(3),
    "eye n m": lambda m: m.eye(2, 4),
    "eye m n": lambda m: m.eye(4, 2),
    "eye int64": lambda m: m.eye(2, dtype=m.int64),
    "eye bool": lambda m: m.eye(3, dtype=m.bool),
    "eye zero": lambda m: m.eye(0),
    "eye negative": lambda m: m.eye(-1),
    "eye negative m": lambda m: m.eye(2, -1),
    "eye float": lambda m: m.eye(2.5),
    "eye requires_grad": lambda m: m.eye(2, requires_grad=True).detach(),
    "tril_indices": lambda m: m.tril_indices(3, 3),
    "tril_indices offset": lambda m: m.tril_indices(3, 4, 1),
    "tril_indices negative offset": lambda m: m.tril_indices(4, 3, -1),
    "tril_indices empty": lambda m: m.tril_indices(0, 0),
    "tril_indices dtype": lambda m: m.tril_indices(3, 3, dtype=m.int32),
    "triu_indices": lambda m: m.triu_indices(3, 3),
    "triu_indices offset": lambda m: m.triu_indices(4, 3, 1),
    "triu_indices negative offset": lambda m: m.triu_indices(3, 5, -2),
    "scalar_tensor": lambda m: m.scalar_tensor(3),
    "scalar_tensor bool": lambda m: m.scalar_tensor(True),
    "scalar_tensor dtype": lambda m: m.scalar_tensor(3, dtype=m.int32),
    "complex": lambda m: m.complex(m.tensor([1.0, 2]), m.tensor([3.0, 4])),
    "complex float64": lambda m: m.complex(m.tensor([1.0], dtype=m.float64),
                                           m.tensor([3.0], dtype=m.float64)),
    "complex broadcast": lambda m: m.complex(m.tensor([[1.0], [2.0]]), m.tensor([3.0, 4])),
    # legacy constructors
    "Tensor(2, 3)": lambda m: m.Tensor(2, 3).zero_(),
    "Tensor(list)": lambda m: m.Tensor([1, 2]),
    "Tensor(tuple) is data": lambda m: m.Tensor((2, 3)),
    "Tensor()": lambda m: m.Tensor(),
    "Tensor(0)": lambda m: m.Tensor(0),
    "Tensor(numpy int)": lambda m: m.Tensor(numpy.array([1, 2], numpy.int64)),
    "Tensor(Size)": lambda m: m.Tensor(m.Size([2])).zero_(),
    "Tensor(tensor)": lambda m: m.Tensor(m.tensor([1, 2])),
    "Tensor(float)": lambda m: m.Tensor(2.5),
    "Tensor(nested)": lambda m: m.Tensor([[1, 2], [3, 4]]),
    # new_* methods
    "new_tensor": lambda m: m.tensor([1, 2], dtype=m.int32).new_tensor([1.5, 2]),
    "new_tensor float64": lambda m: m.tensor([1.0], dtype=m.float64).new_tensor([1, 2]),
    "new_tensor dtype": lambda m: m.tensor([1.0]).new_tensor([1, 2], dtype=m.int16),
    "new_tensor requires_grad": lambda m: m.tensor([1.0]).new_tensor([1.0],
                                                                     requires_grad=True).detach(),
    "new_zeros": lambda m: m.tensor([1], dtype=m.int32).new_zeros(2, 3),
    "new_zeros tuple": lambda m: m.tensor([1], dtype=m.int32).new_zeros((2, 3)),
    "new_zeros dtype": lambda m: m.tensor([1]).new_zeros(2, dtype=m.float64),
    "new_ones": lambda m: m.tensor([1.0], dtype=m.float16).new_ones([2]),
    "new_full": lambda m: m.tensor([1], dtype=m.int32).new_full((2,), 7),
    "new_full float into int": lambda m: m.tensor([1], dtype=m.int32).new_full((2,), 2.5),
    "new_empty": lambda m: m.tensor([1.0]).new_empty(2).zero_(),
    "new_empty dtype": lambda m: m.tensor([1.0]).new_empty((2,), dtype=m.int64).zero_(),
}


@pytest.mark.parametrize("name", list(CASES))
def test_creation_matches_torch(name):
    check(CASES[name])


# ------------------------------------------------------------------ memory sharing

def test_from_numpy_shares_memory_both_ways():
    a = numpy.arange(6.0).reshape(2, 3)
    t = ember.from_numpy(a)
    a[0, 0] = 100.0
    assert t[0, 0].item() == 100.0
    t[1, 2] = -1.0
    assert a[1, 2] == -1.0
    t.add_(1)
    assert a[0, 0] == 101.0
    assert t.numpy() is a or numpy.shares_memory(t.numpy(), a)


def test_from_numpy_keeps_strides():
    a = numpy.arange(6.0).reshape(2, 3).T
    t, tt = ember.from_numpy(a), torch.from_numpy(a)
    assert t.stride() == tt.stride() and t.is_contiguous() == tt.is_contiguous()
    b = numpy.arange(6.0)[::2]
    assert ember.from_numpy(b).stride() == torch.from_numpy(b).stride() == (2,)


@pytest.mark.parametrize("array", [numpy.array([object()]), numpy.array(["a"]),
                                   numpy.zeros(2, "datetime64[s]"), numpy.zeros(2, numpy.uint16),
                                   numpy.zeros(2, numpy.longdouble)], ids=str)
def test_unsupported_numpy_dtypes_raise_type_error(array):
    # torch 2.13 also accepts uint16/32/64 as limited dtypes; ember does not have them, and
    # its message lists the types it does take
    prefix = f"can't convert np.ndarray of type numpy.{array.dtype.type.__name__}. "
    for fn in (ember.from_numpy, ember.tensor, ember.as_tensor, ember.asarray):
        with pytest.raises(TypeError, match=prefix.replace(".", r"\.")):
            fn(array)
    if array.dtype.kind not in "u":
        with pytest.raises(TypeError, match=prefix.replace(".", r"\.")):
            torch.from_numpy(array)


def test_from_numpy_non_writeable_warns_like_torch():
    a = numpy.arange(3.0)
    a.setflags(write=False)
    with pytest.warns(UserWarning, match="The given NumPy array is not writable"):
        t = ember.from_numpy(a)
    assert t.tolist() == [0.0, 1.0, 2.0]


def test_as_tensor_shares_memory_when_it_can():
    a = numpy.arange(3.0)
    t = ember.as_tensor(a)
    a[0] = 5.0
    assert t.tolist() == [5.0, 1.0, 2.0]
    c = ember.as_tensor(a, dtype=ember.float32)  # a cast must copy
    a[1] = 7.0
    assert c.tolist() == [5.0, 1.0, 2.0]
    x = ember.arange(3.0)
    assert ember.as_tensor(x) is x
    assert ember.as_tensor(x, dtype=ember.float64) is not x
    # torch agrees on every point above
    ta = numpy.arange(3.0)
    tt = torch.as_tensor(ta)
    ta[0] = 5.0
    assert tt.tolist() == [5.0, 1.0, 2.0]
    tx = torch.arange(3.0)
    assert torch.as_tensor(tx) is tx


def test_asarray_copy_semantics():
    a = numpy.arange(3.0)
    shared, copied = ember.asarray(a), ember.asarray(a, copy=True)
    a[0] = 9.0
    assert shared[0].item() == 9.0 and copied[0].item() == 0.0
    x = ember.arange(3.0)
    assert ember.asarray(x) is x
    y = ember.asarray(x, copy=True)
    assert y is not x and y.tolist() == x.tolist()
    with pytest.raises(ValueError, match="can't alias tensor with dtype 'Double' into dtype "
                       "'Float'"):
        ember.asarray(a, copy=False, dtype=ember.float32)


def test_tensor_copies():
    a = numpy.arange(3.0)
    t = ember.tensor(a)
    a[0] = 5.0
    assert t[0].item() == 0.0
    x = ember.ones(2)
    with pytest.warns(UserWarning, match="To copy construct from a tensor"):
        y = ember.tensor(x)
    y.add_(1)
    assert x.tolist() == [1.0, 1.0]


def test_tensor_requires_grad_is_a_leaf():
    t = ember.tensor([1.0, 2.0], requires_grad=True)
    assert t.requires_grad and t.is_leaf and t.grad_fn is None
    (t * t).sum().backward()
    assert t.grad.tolist() == [2.0, 4.0]


def test_tensor_big_list_matches_numpy():
    rng = numpy.random.default_rng(0)
    data = rng.standard_normal((200, 50)).tolist()
    e, t = ember.tensor(data), torch.tensor(data)
    assert e.dtype is ember.float32
    numpy.testing.assert_array_equal(e.numpy(), t.numpy())


def test_out_argument():
    out = ember.empty(3)
    r = ember.arange(3.0, out=out)
    assert r is out and out.tolist() == [0.0, 1.0, 2.0]
    ember.zeros(3, out=out)
    assert out.tolist() == [0.0, 0.0, 0.0]


def test_range_is_deprecated_and_inclusive():
    with pytest.warns(UserWarning, match="torch.range is deprecated"):
        e = ember.range(0, 1, 0.25)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.range(0, 1, 0.25)
    assert e.tolist() == t.tolist() and e.dtype is ember.float32


# ------------------------------------------------------------------ ranges against torch

def _assert_close_ulps(e, t, start, end, dtype):
    """Within 2 machine epsilons of the range's magnitude: torch's vectorised CPU loop rounds
    in a SIMD-width-dependent order, so bit equality with one build is not a goal."""
    eps = torch.finfo(getattr(torch, dtype.name)).eps
    scale = eps * max(abs(start), abs(end), 1e-30)
    ev = numpy.asarray(e.float().tolist(), numpy.float64)
    tv = numpy.asarray(t.float().tolist(), numpy.float64)
    assert ev.shape == tv.shape
    assert numpy.abs(ev - tv).max(initial=0) <= 2 * scale


@pytest.mark.parametrize("dtype", [ember.float32, ember.float64, ember.float16, ember.bfloat16],
                         ids=lambda d: d.name)
def test_linspace_close_to_torch(dtype):
    rng = numpy.random.default_rng(1)
    for _ in range(40):
        a, b = rng.uniform(-100, 100, 2)
        n = int(rng.integers(2, 400))
        e = ember.linspace(a, b, n, dtype=dtype)
        t = torch.linspace(a, b, n, dtype=getattr(torch, dtype.name))
        assert e.dtype is dtype
        # both ends are exact: torch counts up from start and down from end
        assert e[0].item() == t[0].item() and e[-1].item() == t[-1].item()
        _assert_close_ulps(e, t, a, b, dtype)


@pytest.mark.parametrize("dtype", [ember.float32, ember.float64, ember.float16],
                         ids=lambda d: d.name)
def test_arange_close_to_torch(dtype):
    rng = numpy.random.default_rng(2)
    for _ in range(40):
        a = float(rng.uniform(-50, 50))
        step = float(rng.uniform(0.05, 3) * rng.choice([-1, 1]))
        b = a + step * int(rng.integers(0, 300))
        e = ember.arange(a, b, step, dtype=dtype)
        t = torch.arange(a, b, step, dtype=getattr(torch, dtype.name))
        assert tuple(e.shape) == tuple(t.shape)
        _assert_close_ulps(e, t, a, b, dtype)


def test_arange_length_with_float_steps():
    for args in [(0, 1, 0.1), (1, 2.5, 0.5), (0, 10, 0.7), (-1, 1, 0.3), (1, 0, -0.1),
                 (0, 0.3, 0.1), (0, 1e-3, 1e-4)]:
        assert ember.arange(*args).numel() == torch.arange(*args).numel(), args


def test_logspace_matches_torch_exactly():
    rng = numpy.random.default_rng(3)
    for _ in range(20):
        a, b = rng.uniform(-3, 3, 2)
        n = int(rng.integers(2, 60))
        for base in (10.0, 2.0, 0.5):
            for dt in ("float32", "float64"):
                e = ember.logspace(a, b, n, base=base, dtype=getattr(ember, dt))
                t = torch.logspace(a, b, n, base=base, dtype=getattr(torch, dt))
                numpy.testing.assert_array_equal(e.numpy(), t.numpy())
