"""Tensor basics against real torch: attributes, conversions, Python protocols, repr."""
import copy
import pickle
import warnings

import numpy
import pytest
import torch

import ember
from ember._tensor_str import set_printoptions


def _describe(make, m):
    """What make(m) gives, in a form comparable across frameworks."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            r = make(m)
        except Exception as e:  # noqa: BLE001 - the error itself is compared
            return "error", type(e).__name__, str(e)
    if isinstance(r, (ember.Tensor, torch.Tensor)):
        return "tensor", str(r.dtype), tuple(r.shape), r.tolist()
    if isinstance(r, (ember.Size, torch.Size)):
        return "Size", tuple(r), repr(r)
    if isinstance(r, (ember.dtype, torch.dtype, ember.device, torch.device)):
        return type(r).__name__, repr(r)
    if isinstance(r, numpy.ndarray):
        return "ndarray", str(r.dtype), r.shape, r.tolist()
    return type(r).__name__, r


def check(make):
    e, t = _describe(make, ember), _describe(make, torch)
    assert e == t, f"\nember: {e}\ntorch: {t}"


def x(m):
    return m.tensor([[1.5, -2.0, 3.0], [4.0, 5.0, 6.25]])


ATTRIBUTES = {
    "shape": lambda m: x(m).shape,
    "size()": lambda m: x(m).size(),
    "size(1)": lambda m: x(m).size(1),
    "size(-1)": lambda m: x(m).size(-1),
    "size out of range": lambda m: x(m).size(2),
    "dim": lambda m: x(m).dim(),
    "ndim": lambda m: x(m).ndim,
    "ndimension": lambda m: x(m).ndimension(),
    "numel": lambda m: x(m).numel(),
    "nelement": lambda m: x(m).nelement(),
    "torch.numel": lambda m: m.numel(x(m)),
    "dtype": lambda m: x(m).dtype,
    "device": lambda m: x(m).device,
    "is_cuda": lambda m: x(m).is_cuda,
    "is_cpu": lambda m: x(m).is_cpu,
    "get_device": lambda m: x(m).get_device(),
    "is_floating_point": lambda m: x(m).is_floating_point(),
    "is_complex": lambda m: m.tensor([1j]).is_complex(),
    "is_signed uint8": lambda m: m.tensor([1], dtype=m.uint8).is_signed(),
    "is_signed float": lambda m: x(m).is_signed(),
    "is_leaf": lambda m: x(m).is_leaf,
    "is_leaf of result": lambda m: (m.tensor([1.0], requires_grad=True) * 2).is_leaf,
    "is_leaf without grad": lambda m: (m.tensor([1.0]) * 2).is_leaf,
    "grad_fn of leaf": lambda m: x(m).grad_fn,
    "requires_grad default": lambda m: x(m).requires_grad,
    "element_size": lambda m: x(m).element_size(),
    "element_size int16": lambda m: m.ones(1, dtype=m.int16).element_size(),
    "element_size bfloat16": lambda m: m.ones(1, dtype=m.bfloat16).element_size(),
    "element_size complex128": lambda m: m.ones(1, dtype=m.complex128).element_size(),
    "itemsize": lambda m: x(m).itemsize,
    "nbytes": lambda m: x(m).nbytes,
    "stride": lambda m: x(m).stride(),
    "stride(0)": lambda m: x(m).stride(0),
    "stride(-1)": lambda m: x(m).stride(-1),
    "stride of transpose": lambda m: x(m).t().stride(),
    "stride of expand": lambda m: m.tensor([1.0, 2]).expand(3, 2).stride(),
    "stride 0-dim": lambda m: m.tensor(1.0).stride(),
    "stride empty": lambda m: m.zeros(0, 3).stride(),
    "stride size-1 dims": lambda m: m.zeros(2, 1, 3).stride(),
    "stride of step slice": lambda m: m.arange(10.0)[::3].stride(),
    "storage_offset": lambda m: x(m).storage_offset(),
    "storage_offset row": lambda m: x(m)[1].storage_offset(),
    "storage_offset slice": lambda m: x(m)[1, 1:].storage_offset(),
    "storage_offset of view": lambda m: x(m).view(-1)[2:].storage_offset(),
    "storage_offset sliced twice": lambda m: x(m)[1:][0, 2:].storage_offset(),
    "is_contiguous": lambda m: x(m).is_contiguous(),
    "is_contiguous transpose": lambda m: x(m).t().is_contiguous(),
    "is_contiguous step": lambda m: m.arange(10.0)[::2].is_contiguous(),
    "contiguous strides": lambda m: x(m).t().contiguous().stride(),
    "contiguous is self": lambda m: (lambda t: t.contiguous() is t)(x(m)),
    "contiguous values": lambda m: x(m).t().contiguous(),
    "layout": lambda m: str(x(m).layout),
    "is_sparse": lambda m: x(m).is_sparse,
    "_version": lambda m: x(m)._version,
    "_version after add_": lambda m: (lambda t: (t.add_(1), t._version)[1])(x(m)),
    "Size is a tuple": lambda m: isinstance(x(m).size(), tuple),
    "Size numel": lambda m: x(m).shape.numel(),
    "Size slice": lambda m: x(m).shape[1:],
    "Size index": lambda m: x(m).shape[-1],
    "Size + tuple": lambda m: x(m).shape + (1,),
    "tuple + Size": lambda m: (1,) + x(m).shape,
    "Size == tuple": lambda m: x(m).shape == (2, 3),
    "Size repr": lambda m: repr(m.Size([2, 3])),
    "Size str": lambda m: str(m.Size([])),
    "Size of tensors": lambda m: m.Size([m.tensor(2), 3]),
    "Size of float": lambda m: m.Size([2.5]),
    "Size pickle": lambda m: pickle.loads(pickle.dumps(x(m).shape)),
    "is_tensor": lambda m: m.is_tensor(x(m)),
    "is_tensor list": lambda m: m.is_tensor([1]),
    "isinstance": lambda m: isinstance(x(m), m.Tensor),
    "data_ptr of view": lambda m: (lambda t: t.data_ptr() == t.view(-1).data_ptr())(x(m)),
}

CONVERSIONS = {
    "item float": lambda m: m.tensor([2.5]).item(),
    "item int": lambda m: m.tensor(3).item(),
    "item bool": lambda m: m.tensor(True).item(),
    "item float16": lambda m: m.tensor(0.1, dtype=m.float16).item(),
    "item bfloat16": lambda m: m.tensor(0.1, dtype=m.bfloat16).item(),
    "item uint8": lambda m: m.tensor(200, dtype=m.uint8).item(),
    "item complex": lambda m: m.tensor(1 + 2j).item(),
    "item nested": lambda m: m.tensor([[7]]).item(),
    "item many": lambda m: x(m).item(),
    "item empty": lambda m: m.tensor([]).item(),
    "tolist": lambda m: x(m).tolist(),
    "tolist 0-dim": lambda m: m.tensor(2.5).tolist(),
    "tolist int8": lambda m: m.tensor([[1, -2]], dtype=m.int8).tolist(),
    "tolist bool": lambda m: m.tensor([True, False]).tolist(),
    "tolist bfloat16": lambda m: m.tensor([0.1, 3], dtype=m.bfloat16).tolist(),
    "tolist float16": lambda m: m.tensor([0.1], dtype=m.float16).tolist(),
    "tolist complex": lambda m: m.tensor([1 + 2j]).tolist(),
    "tolist empty 2-d": lambda m: m.zeros(2, 0).tolist(),
    "tolist element types": lambda m: [type(v).__name__ for v in
                                       m.tensor([1], dtype=m.uint8).tolist()],
    "item type bfloat16": lambda m: type(m.tensor(0.1, dtype=m.bfloat16).item()).__name__,
    "numpy": lambda m: x(m).numpy(),
    "numpy int16": lambda m: m.tensor([1], dtype=m.int16).numpy(),
    "numpy requires grad": lambda m: m.tensor([1.0], requires_grad=True).numpy(),
    "numpy force": lambda m: m.tensor([1.0], requires_grad=True).numpy(force=True),
    "np.asarray": lambda m: numpy.asarray(x(m)),
    "np.asarray dtype": lambda m: numpy.asarray(x(m), dtype=numpy.float64),
    "np.asarray requires grad": lambda m: numpy.asarray(m.tensor([1.0], requires_grad=True)),
    "np.array int": lambda m: numpy.array(m.tensor([1, 2])),
    "float()": lambda m: x(m).float(),
    "double()": lambda m: x(m).double(),
    "half()": lambda m: x(m).half(),
    "bfloat16()": lambda m: x(m).bfloat16().float(),
    "long()": lambda m: x(m).long(),
    "int()": lambda m: x(m).int(),
    "short()": lambda m: x(m).short(),
    "char()": lambda m: x(m).char(),
    "byte()": lambda m: m.tensor([1.0, 250.0]).byte(),
    "bool()": lambda m: m.tensor([0.0, -0.5, 2.0]).bool(),
    "cfloat()": lambda m: x(m).cfloat(),
    "cdouble()": lambda m: x(m).cdouble(),
    "float() of float is self": lambda m: (lambda t: t.float() is t)(x(m)),
    "double() of double is self": lambda m: (lambda t: t.double() is t)(x(m).double()),
    "long() truncates": lambda m: m.tensor([-1.7, 1.7, 2.5]).long(),
    "type_as": lambda m: x(m).type_as(m.tensor([1])),
    "type()": lambda m: x(m).type(),
    "type() int64": lambda m: m.tensor([1]).type(),
    "type() bfloat16": lambda m: m.tensor([1.0], dtype=m.bfloat16).type(),
    "type() bool": lambda m: m.tensor([True]).type(),
    "type(str)": lambda m: x(m).type("torch.IntTensor"),
    "type(str double)": lambda m: x(m).type("torch.DoubleTensor"),
    "type(dtype)": lambda m: x(m).type(m.int16),
    "to(dtype)": lambda m: x(m).to(m.int32),
    "to same is self": lambda m: (lambda t: t.to(m.float32) is t)(x(m)),
    "to copy": lambda m: (lambda t: t.to(m.float32, copy=True) is t)(x(m)),
    "to cpu is self": lambda m: (lambda t: t.to("cpu") is t)(x(m)),
    "to(other)": lambda m: x(m).to(m.tensor([1], dtype=m.int8)),
    "to(device, dtype)": lambda m: x(m).to("cpu", m.float64),
    "cpu is self": lambda m: (lambda t: t.cpu() is t)(x(m)),
    "clone": lambda m: x(m).clone(),
    "clone is new memory": lambda m: (lambda t: t.clone().data_ptr() != t.data_ptr())(x(m)),
    "detach": lambda m: m.tensor([1.0], requires_grad=True).detach().requires_grad,
    "len": lambda m: len(x(m)),
    "len 0-dim": lambda m: len(m.tensor(1.0)),
    "iter rows": lambda m: [r.tolist() for r in x(m)],
    "iter 0-dim": lambda m: list(m.tensor(1.0)),
    "iter 1-d gives 0-dim": lambda m: [r.dim() for r in m.tensor([1, 2])],
    "reversed": lambda m: [r.item() for r in reversed(m.tensor([1, 2, 3]))],
    "bool one": lambda m: bool(m.tensor([1.0])),
    "bool zero": lambda m: bool(m.tensor(0.0)),
    "bool nan": lambda m: bool(m.tensor(float("nan"))),
    "bool many": lambda m: bool(x(m)),
    "bool empty": lambda m: bool(m.tensor([])),
    "float(t)": lambda m: float(m.tensor([2.5])),
    "float(t) many": lambda m: float(x(m)),
    "int(t)": lambda m: int(m.tensor(-2.7)),
    "int(t) many": lambda m: int(x(m)),
    "complex(t)": lambda m: complex(m.tensor(2.5)),
    "index": lambda m: [10, 20, 30][m.tensor(1)],
    "index 1-element": lambda m: [10, 20, 30][m.tensor([2])],
    "index float": lambda m: [10, 20, 30][m.tensor(1.0)],
    "index many": lambda m: [10, 20, 30][m.tensor([1, 2])],
    "index bool": lambda m: [10, 20, 30][m.tensor(True)],
    "range(t)": lambda m: list(range(m.tensor(3))),
    "hex(t)": lambda m: hex(m.tensor(255)),
    "format .2f": lambda m: "{:.2f}".format(m.tensor(1.2345)),
    "format d": lambda m: "{:d}".format(m.tensor(3)),
    "format empty spec 0-dim": lambda m: "{}".format(m.tensor(2.5)),
    "f-string 0-dim": lambda m: f"{m.tensor(2.5)}",
    "format spec 1-d": lambda m: "{:.2f}".format(m.tensor([1.2345])),
    "format 1-d": lambda m: "{}".format(m.tensor([1.5])),
    "hash is identity": lambda m: (lambda t: hash(t) == hash(t) and {t: 1}[t] == 1)(x(m)),
    "equal tensors are distinct keys": lambda m: len({m.tensor(1.0): 1, m.tensor(1.0): 2}),
    "contains": lambda m: 2 in m.tensor([1, 2, 3]),
    "not contains": lambda m: 5 in m.tensor([1, 2, 3]),
    "in list by identity": lambda m: (lambda t: t in [t])(x(m)),
    "abs()": lambda m: abs(m.tensor([-1.0])),
    "requires_grad_ int": lambda m: m.tensor([1]).requires_grad_(),
    "requires_grad_(False) int": lambda m: m.tensor([1]).requires_grad_(False).requires_grad,
    "requires_grad_ non-leaf off": lambda m: (m.tensor([1.0], requires_grad=True) * 2)
    .requires_grad_(False),
    "requires_grad_ returns self": lambda m: (lambda t: t.requires_grad_() is t)(x(m)),
    "deepcopy": lambda m: copy.deepcopy(x(m)),
    "deepcopy keeps requires_grad": lambda m: copy.deepcopy(
        m.tensor([1.0], requires_grad=True)).requires_grad,
    "deepcopy non-leaf": lambda m: copy.deepcopy(m.tensor([1.0], requires_grad=True) * 2),
    "copy.copy": lambda m: copy.copy(x(m)),
    "pickle": lambda m: pickle.loads(pickle.dumps(x(m))),
    "pickle int16": lambda m: pickle.loads(pickle.dumps(m.tensor([1, 2], dtype=m.int16))),
    "pickle requires_grad": lambda m: pickle.loads(pickle.dumps(
        m.tensor([1.0], requires_grad=True))).requires_grad,
    "pickle bfloat16": lambda m: pickle.loads(pickle.dumps(
        m.tensor([1.5], dtype=m.bfloat16))).float(),
    "pickle view": lambda m: pickle.loads(pickle.dumps(x(m)[1])),
    "pickle non-leaf": lambda m: pickle.loads(pickle.dumps(
        m.tensor([1.0], requires_grad=True) * 2)),
}


@pytest.mark.parametrize("name", list(ATTRIBUTES))
def test_attribute_matches_torch(name):
    check(ATTRIBUTES[name])


@pytest.mark.parametrize("name", list(CONVERSIONS))
def test_conversion_matches_torch(name):
    check(CONVERSIONS[name])


def test_numpy_shares_memory():
    t = ember.zeros(3)
    a = t.numpy()
    a[0] = 4.0
    assert t[0].item() == 4.0
    t.add_(1)
    assert a.tolist() == [5.0, 1.0, 1.0]
    assert numpy.asarray(t).tolist() == [5.0, 1.0, 1.0]


def test_clone_and_contiguous_are_independent_copies():
    t = ember.arange(6.0).reshape(2, 3)
    c = t.clone()
    c.add_(1)
    assert t.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    tt = t.t()
    cc = tt.contiguous()
    assert cc.is_contiguous() and not tt.is_contiguous()
    cc[0, 0] = 9.0
    assert t[0, 0].item() == 0.0


def test_clone_and_casts_carry_gradients():
    a = ember.tensor([1.0, 2.0], requires_grad=True)
    (a.clone() * 3).sum().backward()
    assert a.grad.tolist() == [3.0, 3.0]
    b = ember.tensor([1.0, 2.0], requires_grad=True)
    b.double().sum().backward()
    assert b.grad.dtype is ember.float32 and b.grad.tolist() == [1.0, 1.0]


def test_deepcopy_is_independent_and_keeps_grad():
    a = ember.tensor([1.0, 2.0], requires_grad=True)
    a.grad = ember.tensor([0.5, 0.5])
    b = copy.deepcopy(a)
    assert b is not a and b.requires_grad and b.is_leaf
    assert b.grad.tolist() == [0.5, 0.5] and b.grad is not a.grad
    with ember.no_grad():
        b.add_(1)
    assert a.tolist() == [1.0, 2.0]
    shared = [a, a]
    c = copy.deepcopy(shared)
    assert c[0] is c[1]  # the memo keeps aliasing


def test_pickle_round_trip_values_and_dtype():
    for dt in ("float32", "float64", "float16", "int64", "int8", "uint8", "bool", "complex64"):
        t = ember.tensor([[1, 0], [3, 1]], dtype=getattr(ember, dt))
        u = pickle.loads(pickle.dumps(t))
        assert u.dtype is t.dtype and u.tolist() == t.tolist() and u.shape == t.shape


def test_tensors_as_dict_keys():
    a, b = ember.tensor(1.0), ember.tensor(1.0)
    d = {a: "a", b: "b"}
    assert d[a] == "a" and d[b] == "b"
    assert len({a, b, a}) == 2


# ------------------------------------------------------------------ repr

_A = numpy.random.default_rng(0).standard_normal((4, 5)).astype(numpy.float32)

REPRS = {
    "floats": lambda m: m.tensor([1.5, -2.25, 3.0]),
    "integer-valued floats": lambda m: m.tensor([1.0, 2.0, -3.0]),
    "0-dim float": lambda m: m.tensor(3.14159),
    "0-dim int": lambda m: m.tensor(7),
    "0-dim bool": lambda m: m.tensor(False),
    "0-dim integer float": lambda m: m.tensor(2.0),
    "negative zero": lambda m: m.tensor([-0.0, 1.0]),
    "only negative zero": lambda m: m.tensor([-0.0]),
    "zeros": lambda m: m.zeros(3),
    "nan and inf": lambda m: m.tensor([float("nan"), float("inf"), -float("inf"), 1.5]),
    "nan with integers": lambda m: m.tensor([float("nan"), 2.0, 3.0]),
    "only nan": lambda m: m.tensor([float("nan")]),
    "sci: large": lambda m: m.tensor([1e10, 1.0]),
    "sci: small": lambda m: m.tensor([1e-5, 1.0]),
    "sci: ratio": lambda m: m.tensor([1.5, 2000.5]),
    "sci: integer ratio": lambda m: m.tensor([1.0, 2000.0]),
    "sci: integers over 1e8": lambda m: m.tensor([1e9, 2e9]),
    "ints": lambda m: m.tensor([1, -22, 333]),
    "int32": lambda m: m.tensor([1, 2], dtype=m.int32),
    "uint8": lambda m: m.tensor([1, 255], dtype=m.uint8),
    "bools": lambda m: m.tensor([True, False, True]),
    "bools all true": lambda m: m.tensor([[True, True]]),
    "float64": lambda m: m.tensor([1.5, 2.0], dtype=m.float64),
    "float16": lambda m: m.tensor([0.1, 2.0], dtype=m.float16),
    "bfloat16": lambda m: m.tensor([0.1, 2.0], dtype=m.bfloat16),
    "complex": lambda m: m.tensor([1 + 2j, -3.5 - 0.5j]),
    "complex 0-dim": lambda m: m.tensor(1 - 1j),
    "complex128": lambda m: m.tensor([1 + 2j], dtype=m.complex128),
    "complex negative zero imag": lambda m: m.tensor([complex(1, -0.0)]),
    "complex matrix": lambda m: m.tensor([[1 + 1j, 2.5 - 3j], [0j, -1j]]),
    "complex sci": lambda m: m.tensor([1e-6 + 1j, 2 + 3e6j]),
    "empty": lambda m: m.tensor([]),
    "empty 0x3": lambda m: m.zeros(0, 3),
    "empty int64": lambda m: m.zeros(0, dtype=m.int64),
    "empty int32 2-d": lambda m: m.zeros(2, 0, dtype=m.int32),
    "empty bool": lambda m: m.zeros(0, dtype=m.bool),
    "matrix": lambda m: m.tensor(_A),
    "int matrix": lambda m: m.arange(12).reshape(3, 4),
    "3-d": lambda m: m.tensor(_A).reshape(2, 2, 5),
    "4-d": lambda m: m.arange(24.0).reshape(2, 3, 2, 2),
    "long row wraps": lambda m: m.arange(40.0) / 3,
    "long int row wraps": lambda m: m.arange(100),
    "summarised": lambda m: m.arange(2000),
    "summarised floats": lambda m: m.arange(2000.0) / 7,
    "summarised 2-d": lambda m: m.arange(4000.0).reshape(40, 100),
    "summarised 3-d": lambda m: m.arange(3000).reshape(10, 10, 30),
    "summarised short dim": lambda m: m.arange(1500).reshape(3, 500),
    "requires_grad": lambda m: m.tensor([1.0, 2.0], requires_grad=True),
    "grad_fn mul": lambda m: m.tensor([1.0, 2.0], requires_grad=True) * 2,
    "grad_fn add": lambda m: m.tensor([1.0, 2.0], requires_grad=True) + 2,
    "grad_fn 0-dim": lambda m: (m.tensor([1.0, 2.0], requires_grad=True) * 3).sum(),
    "dtype suffix": lambda m: m.arange(10.0, dtype=m.float64) / 3,
    "dtype suffix wraps": lambda m: m.arange(11.0, dtype=m.float64) / 3,
    "two suffixes wrap": lambda m: (m.arange(11.0, dtype=m.float64) / 3).requires_grad_(),
    "matrix float64 requires_grad": lambda m: m.tensor(_A, dtype=m.float64).requires_grad_(),
    "big ints": lambda m: m.tensor([123456789012, -5]),
    "rounding at precision": lambda m: m.tensor([0.00015, 0.12345, 1.99995]),
    "mixed magnitudes": lambda m: m.tensor([[1e-3, 5.0], [123.456, -0.5]]),
    "sci 2-d": lambda m: m.tensor([[1e-8, 1.0], [2.0, 3e5]]),
    "integer mode widths": lambda m: m.tensor([1.0, 100.0, 999.0]),
    "0-dim sci": lambda m: m.tensor(1.5e-7),
    "0-dim nan": lambda m: m.tensor(float("nan")),
    "0-dim -inf": lambda m: m.tensor(float("-inf")),
    "0-dim float64": lambda m: m.tensor(2.5, dtype=m.float64),
    "0-dim int32": lambda m: m.tensor(5, dtype=m.int32),
    "float32 extremes": lambda m: m.tensor([3e38, -3e38]),
    "denormal": lambda m: m.tensor([1e-40, 1.0]),
    "column": lambda m: m.arange(5.0).reshape(5, 1),
    "size-1 dims": lambda m: m.ones(1, 1, 1),
    "transposed view": lambda m: m.tensor(_A).t(),
}


@pytest.mark.parametrize("name", list(REPRS))
def test_repr_matches_torch(name):
    e, t = REPRS[name](ember), REPRS[name](torch)
    assert repr(e) == repr(t)
    assert str(e) == str(t)


PRINT_OPTIONS = [dict(precision=2), dict(threshold=5), dict(edgeitems=1, threshold=10),
                 dict(linewidth=40), dict(sci_mode=True), dict(sci_mode=False),
                 dict(profile="short"), dict(profile="full"), dict(edgeitems=0, threshold=5),
                 dict(precision=6, linewidth=120)]


@pytest.fixture
def restore_printoptions():
    yield
    set_printoptions(profile="default")
    torch.set_printoptions(profile="default")


@pytest.mark.parametrize("opts", PRINT_OPTIONS, ids=str)
def test_set_printoptions_matches_torch(opts, restore_printoptions):
    set_printoptions(**opts)
    torch.set_printoptions(**opts)
    for name, make in REPRS.items():
        if name.startswith("summarised") and opts.get("profile") == "full":
            continue  # thousands of lines: nothing new
        assert repr(make(ember)) == repr(make(torch)), name


def test_printoptions_context_and_getter(restore_printoptions):
    from ember._tensor_str import get_printoptions, printoptions
    assert get_printoptions() == torch._tensor_str.get_printoptions()
    with printoptions(precision=1):
        assert repr(ember.tensor([1.25, 2.0])) == "tensor([1.2, 2.0])"
    assert repr(ember.tensor([1.25, 2.0])) == "tensor([1.2500, 2.0000])"


def test_repr_under_float64_default():
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    try:
        for make in (lambda m: m.tensor([1.5, 2]), lambda m: m.tensor([1.5], dtype=m.float32),
                     lambda m: m.tensor([1 + 1j]), lambda m: m.tensor([1j], dtype=m.complex64),
                     lambda m: m.zeros(0), lambda m: m.zeros(0, dtype=m.float32)):
            assert repr(make(ember)) == repr(make(torch))
    finally:
        ember.set_default_dtype(ember.float32)
        torch.set_default_dtype(torch.float32)


def test_repr_of_subclass_and_custom_function():
    class Special(ember.Tensor):
        pass

    class TSpecial(torch.Tensor):
        pass

    assert repr(Special([1.0, 2.0])) == repr(TSpecial([1.0, 2.0])).replace("TSpecial",
                                                                         "Special")

    def twice(m):
        class Twice(m.autograd.Function):
            @staticmethod
            def forward(ctx, v):
                return v * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2
        return Twice.apply(m.tensor([1.0], requires_grad=True))
    assert repr(twice(ember)) == repr(twice(torch)) == "tensor([2.], grad_fn=<TwiceBackward>)"


def test_repr_tensor_contents():
    t = ember.tensor([1.0, 2.0], requires_grad=True)
    assert t.__repr__(tensor_contents="[...]") == "tensor([...], requires_grad=True)"


# ------------------------------------------------------------------ known core divergences

def test_clone_preserves_strides():
    e, t = ember.arange(6.0).reshape(2, 3).t(), torch.arange(6.0).reshape(2, 3).t()
    assert e.clone().stride() == t.clone().stride() == (1, 3)


def test_cast_grad_fn_name():
    e = ember.tensor([1.0], requires_grad=True).double()
    t = torch.tensor([1.0], requires_grad=True).double()
    assert repr(e) == repr(t)


# ------------------------------------------------------------------ .data, torch's way

@pytest.mark.parametrize("L", [ember, torch], ids=["ember", "torch"])
def test_data_is_a_detached_tensor_sharing_memory(L):
    p = L.ones(3, requires_grad=True)
    d = p.data
    assert isinstance(d, L.Tensor) and not d.requires_grad and d.is_leaf
    d.mul_(2)  # in place through .data: allowed on a leaf that requires grad
    assert p.tolist() == [2.0, 2.0, 2.0]
    p.data.zero_()
    assert p.tolist() == [0.0, 0.0, 0.0]


def test_data_updates_like_torch_training_code():
    for L in (ember, torch):
        w = L.tensor([1.0, -2.0], requires_grad=True)
        (w * w).sum().backward()
        w.data -= 0.1 * w.grad.data  # the classic manual SGD step
        w.data.clamp_(-1.5, 1.5)
        if L is ember:
            got = w.tolist()
        else:
            want = w.tolist()
    assert got == pytest.approx(want)


def test_data_assignment_swaps_the_tensor_contents():
    for L in (ember, torch):
        x = L.ones(2, 3, requires_grad=True)
        x.data = L.zeros(4)
        assert tuple(x.shape) == (4,) and x.requires_grad and x.tolist() == [0.0] * 4


def test_data_writes_are_invisible_to_autograd_as_in_torch():
    # torch documents this trap: .data changes bump no version counter, so backward runs
    grads = []
    for L in (ember, torch):
        x = L.tensor([1.0, 2.0], requires_grad=True)
        y = x * x
        x.data.add_(1)
        y.sum().backward()
        grads.append(x.grad.tolist())
    assert grads[0] == grads[1] == [4.0, 6.0]
