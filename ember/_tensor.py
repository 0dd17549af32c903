"""class Tensor: an xp array (`._data`) with a device, autograd state and torch's methods.

Every method is a thin call into `ember.ops`; the work and the derivatives live there.
"""
import operator
import weakref

import numpy

from . import _dtype
from ._device import canonical, cpu
from .autograd import engine as _engine
from .autograd import function as _function
from .autograd import grad_mode as _grad_mode

_NP_DIFFERENTIABLE = _function._DIFFERENTIABLE
_op_hooks = _function.hooks
_grad_state = _grad_mode.state
_new = object.__new__
_add, _sub, _mul = operator.add, operator.sub, operator.mul  # (any array type: a + b)


class Size(tuple):
    """torch.Size: a tuple of ints that prints as torch.Size([...])."""

    def __new__(cls, sizes=()):
        try:
            return tuple.__new__(cls, map(operator.index, sizes))
        except TypeError:
            for i, s in enumerate(sizes):
                if not hasattr(s, "__index__"):
                    raise TypeError(f"torch.Size() takes an iterable of 'int' (item {i} is "
                                    f"'{type(s).__name__}')") from None
            raise

    def __repr__(self):
        return f"torch.Size({list(self)})"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))


def make_tensor(data, device, requires_grad=False, grad_fn=None, output_nr=0):
    """The fast constructor used by ops: no checks, no copies."""
    t = object.__new__(Tensor)
    t._data = data
    t.device = device
    t.requires_grad = requires_grad
    t.grad_fn = grad_fn
    t._output_nr = output_nr
    t._vc = [0]  # the version counter, one list shared by a tensor and its views
    return t


def _wrap_plain(out, device):
    """A new tensor with no history over an op's result (a 0-d result may be a NumPy scalar)."""
    if type(out) is not device.xp.ndarray:
        out = device.xp.asarray(out)
    t = _new(Tensor)
    t._data, t.device, t.requires_grad, t.grad_fn, t._output_nr, t._vc = \
        out, device, False, None, 0, [0]
    return t


def _plain_binary(a, b, op):
    """op(a, b) on two tensors of one dtype and device that record nothing (the common case under
    no_grad, in optimizers and in backward formulas), with no promotion scan and no node; None
    when the Op must run (a gradient to record, a hook, mixed dtypes or devices, or a shape
    error, whose message the Op words as torch)."""
    if _op_hooks.active or _op_hooks.autocast is not None:
        return None
    x, y = a._data, b._data
    if x.dtype is not y.dtype or a.device is not b.device or (
            (a.requires_grad or b.requires_grad) and _grad_state.enabled):
        return None
    try:
        return _wrap_plain(op(x, y), a.device)
    except ValueError:
        return None


def storage_root(t):
    """The tensor that owns t's memory: its view base, or for a detach() of a view (which is
    no view for autograd, as in torch) the base it was detached from."""
    root = t._base
    if root is None:
        root = t.__dict__.get("_storage_base") if t.__dict__ else None
        if root is None:
            return t
    return root.__dict__.get("_storage_base", root) if root.__dict__ else root


def _shape_arg(shape):
    """Accept f(2, 3), f((2, 3)), f([2, 3]) and f(Size) alike."""
    if len(shape) == 1 and not isinstance(shape[0], (int, numpy.integer)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


class Tensor:
    __slots__ = ("_data", "device", "requires_grad", "grad_fn", "_output_nr", "_vc", "__dict__",
                 "__weakref__")

    # Rarely set, so not slots: reading falls back to these class defaults and a new
    # tensor pays nothing for them (the hot path builds one per op).
    _grad = None        # .grad
    _base = None        # the root tensor this one is a view of
    _acc_ref = None     # weakref to the AccumulateGrad node of a leaf
    _hooks = None       # backward hooks of a leaf
    _post_acc = None    # post-accumulate-grad hooks of a leaf

    # torch.Tensor(2, 3) is an uninitialised float tensor; torch.Tensor([1, 2]) copies data.
    def __new__(cls, *args, device=None):
        from ._creation import _legacy_new
        t = _legacy_new(args, device)
        if cls is Tensor:
            return t
        obj = object.__new__(cls)
        obj._adopt(t)
        return obj

    def __init__(self, *args, **kwargs):
        pass

    def _adopt(self, t, requires_grad=False):
        self._data = t._data
        self.device = t.device
        self.requires_grad = requires_grad
        self.grad_fn = None
        self._output_nr = 0
        self._grad = None
        self._vc = t._vc
        self._base = None
        self._acc_ref = None
        self._hooks = None

    def _alias(self):
        """A new Tensor object over the same memory and history."""
        t = make_tensor(self._data, self.device, self.requires_grad, self.grad_fn,
                        self._output_nr)
        t._vc = self._vc
        t._base = self._base
        return t

    # ------------------------------------------------------------ attributes
    @property
    def dtype(self):
        return _dtype.from_numpy(self._data.dtype)

    @property
    def shape(self):
        return tuple.__new__(Size, self._data.shape)  # array shapes are ints: skip the checks

    def size(self, dim=None):
        if dim is None:
            return tuple.__new__(Size, self._data.shape)
        return self._data.shape[ops.canonical_dim(dim, self._data.ndim)]

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    ndimension = dim

    def numel(self):
        return self._data.size

    nelement = numel

    def element_size(self):
        return self._data.itemsize

    @property
    def itemsize(self):
        return self._data.itemsize

    @property
    def nbytes(self):
        return self._data.nbytes

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    @property
    def is_cpu(self):
        return self.device.type == "cpu"

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_complex(self):
        return self.dtype.is_complex

    def is_signed(self):
        return self.dtype.is_signed

    @property
    def layout(self):
        return "torch.strided"

    @property
    def is_sparse(self):
        return False

    @property
    def is_quantized(self):
        return False

    @property
    def is_meta(self):
        return False

    @property
    def _version(self):
        return self._vc[0]

    @property
    def output_nr(self):
        return self._output_nr

    def get_device(self):
        return -1 if self.device.type == "cpu" else self.device.index

    def stride(self, dim=None):
        d = self._data
        if d.flags.c_contiguous:
            # torch's strides of a contiguous layout (NumPy may report anything for empty or
            # size-1 dimensions)
            st, acc = [], 1
            for n in reversed(d.shape):
                st.append(acc)
                acc *= max(n, 1)
            st = tuple(reversed(st))
        else:
            st = tuple(s // d.itemsize for s in d.strides)
        return st if dim is None else st[ops.canonical_dim(dim, d.ndim)]

    def storage_offset(self):
        root = storage_root(self)
        if root is self:
            return 0
        return (ops.address(self._data) - ops.address(root._data)) // self._data.itemsize

    def data_ptr(self):
        return ops.address(self._data)

    def is_contiguous(self, memory_format=None):
        return bool(self._data.flags.c_contiguous)

    def type_name(self):
        names = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
                 "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char",
                 "uint8": "Byte", "bool": "Bool", "complex64": "ComplexFloat",
                 "complex128": "ComplexDouble"}
        prefix = "torch." if self.device.type == "cpu" else "torch.cuda."
        return prefix + names[self.dtype.name] + "Tensor"

    def type(self, dtype=None, non_blocking=False):
        if dtype is None:
            return self.type_name()
        if isinstance(dtype, str):
            for d in _dtype.ALL:
                probe = make_tensor(numpy.zeros(0, dtype=d.np) if d is not _dtype.bfloat16 else
                                    numpy.zeros(0, numpy.float32), cpu)
                if probe.type_name().split(".")[-1] == dtype.split(".")[-1]:
                    return self.to(d)
            raise ValueError(f"invalid type: '{dtype}'")
        return self.to(dtype)

    # ------------------------------------------------------------ conversions
    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               "to Scalar")
        return self._data.reshape(()).item() if self.device.type == "cpu" else \
            self._data.reshape(()).item()

    def tolist(self):
        return ops.to_numpy(self).tolist()

    def numpy(self, *, force=False):
        if self.device.type != "cpu":
            if not force:
                raise TypeError(
                    f"can't convert {self.device} device type tensor to numpy. Use Tensor.cpu() "
                    "to copy the tensor to host memory first.")
            return ops.to_numpy(self)
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        # torch goes through numpy(): the same errors for tensors that require grad or live
        # on a GPU
        a = self.numpy()
        return a if dtype is None else a.astype(dtype, copy=False)

    def __dlpack__(self, *args, **kwargs):
        if self.requires_grad:  # torch's rule: the consumer would bypass autograd
            raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
        return self._data.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    def __float__(self):
        return float(self._scalar())

    def __int__(self):
        return int(self._scalar())

    def _scalar(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.item()

    def __index__(self):
        if self.dtype.is_floating_point or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self.item())

    def __complex__(self):
        return complex(self._scalar())

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with "
                               f"{'no values' if self._data.size == 0 else 'more than one value'}"
                               " is ambiguous")
        return bool(self.item())

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self):
        return id(self)

    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import tensor_repr
        return tensor_repr(self, tensor_contents)

    def __format__(self, spec):
        # torch: a 0-dim plain Tensor formats as its Python number, anything else as object
        if self._data.ndim == 0 and type(self) is Tensor:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, proto):
        return (_rebuild, (ops.to_numpy(self.detach()), str(self.device), self.requires_grad))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support "
                               "the deepcopy protocol at the moment.  If you were attempting to "
                               "deepcopy a module, this may be because of a "
                               "torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        new = make_tensor(self._data.copy(), self.device, self.requires_grad)
        if type(self) is not Tensor:
            obj = object.__new__(type(self))
            obj._adopt(new, self.requires_grad)
            new = obj
        if self.grad is not None:
            new.grad = self.grad.__deepcopy__(memo)
        if self.__dict__:
            import copy
            new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        memo[id(self)] = new
        return new

    # dtype casts
    def to(self, *args, **kwargs):
        return ops.to(self, *args, **kwargs)

    def float(self):
        return self.to(_dtype.float32)

    def double(self):
        return self.to(_dtype.float64)

    def half(self):
        return self.to(_dtype.float16)

    def bfloat16(self):
        return self.to(_dtype.bfloat16)

    def long(self):
        return self.to(_dtype.int64)

    def int(self):
        return self.to(_dtype.int32)

    def short(self):
        return self.to(_dtype.int16)

    def char(self):
        return self.to(_dtype.int8)

    def byte(self):
        return self.to(_dtype.uint8)

    def bool(self):
        return self.to(_dtype.bool)

    def cfloat(self):
        return self.to(_dtype.complex64)

    def cdouble(self):
        return self.to(_dtype.complex128)

    def type_as(self, other):
        return self.to(other.dtype)

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None, non_blocking=False):
        return self.to("cuda" if device is None else
                       device if isinstance(device, (str,)) or hasattr(device, "type")
                       else f"cuda:{device}")

    def pin_memory(self, device=None):
        """A copy in page-locked host memory (fast, asynchronous copies to the GPU); needs
        CUDA, as in torch. Already pinned: self."""
        from . import cuda
        if not cuda.is_available():
            raise RuntimeError("Cannot access accelerator device when none is available.")
        if self.device.type != "cpu":
            raise RuntimeError(f"cannot pin '{self.type()}' only dense CPU tensors can be pinned")
        from ._device import _cupy_ext
        if _cupy_ext().is_pinned(self._data):
            return self
        # (detached: torch records the copy in the graph; pinning is done on data batches)
        return make_tensor(_cupy_ext().pinned_copy(self._data), cpu)

    def is_pinned(self, device=None):
        """Whether the tensor is in pinned host memory (never imports CuPy to answer no: no
        memory can be pinned before CuPy is loaded)."""
        import sys
        if self.device.type != "cpu" or "ember._backend.cupy_ext" not in sys.modules:
            return False
        return sys.modules["ember._backend.cupy_ext"].is_pinned(self._data)

    def clone(self, *, memory_format=None):
        return ops.clone(self, memory_format=memory_format)

    def contiguous(self, memory_format=None):
        if self._data.flags.c_contiguous:
            return self
        return ops.clone(self, memory_format=ops.contiguous_format)

    def detach(self):
        # shares memory and the version counter, but is not a view for autograd (torch's
        # detach()._base is None); the storage base is kept only for storage_offset()
        t = make_tensor(self._data, self.device)
        t._vc = self._vc
        if self._base is not None:
            t.__dict__["_storage_base"] = self._base
        return t

    def detach_(self):
        if self._base is not None and self._base.requires_grad:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using "
                "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set "
                "as True, gradients are views of DDP buckets, and hence detach_() cannot be "
                "called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
        self.grad_fn = None
        self.requires_grad = False
        return self

    def requires_grad_(self, requires_grad=True):
        if not self.is_leaf:
            if not requires_grad:
                raise RuntimeError("you can only change requires_grad flags of leaf variables. "
                                   "If you want to use a computed variable in a subgraph that "
                                   "doesn't require differentiation use var_no_grad = "
                                   "var.detach().")
            return self
        if requires_grad and self._data.dtype not in _NP_DIFFERENTIABLE:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self.requires_grad = requires_grad
        return self

    @property
    def data(self):
        """torch's .data: the same memory as a new leaf with no history and its own version
        counter, so changes through it are invisible to autograd (use detach() to be safe).
        Ember's own code works on the array itself, `_data`."""
        return make_tensor(self._data, self.device)

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        self._data = value._data

    @property
    def grad(self):
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            _check_grad_assign(self, value)
        self._grad = value

    # ------------------------------------------------------------ autograd
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        if gradient is None and inputs is None and not create_graph:
            # loss.backward(): straight to the engine, skipping autograd.backward's
            # argument normalisation
            _engine.run_backward([self], [None], bool(retain_graph), False)
            return
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def register_hook(self, hook):
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn._add_pre_hook(self._output_nr, hook)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _function._RemovableHandle(self._hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        hooks = self._post_acc
        if hooks is None:
            hooks = self._post_acc = []
        hooks.append(hook)
        return _function._RemovableHandle(hooks, hook)

    @property
    def _post_acc_hooks(self):
        return self._post_acc

    def retain_grad(self):
        if self.grad_fn is None:
            if not self.requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self.__dict__.get("_retains"):
            return
        # the handle, so that an in-place op can move the hook to the tensor's new grad_fn
        self.__dict__["_retains"] = self.grad_fn._add_pre_hook(
            self._output_nr, _function._RetainGrad(self))

    @property
    def retains_grad(self):
        return bool(self.__dict__.get("_retains"))

    def _accumulator(self):
        ref = self._acc_ref
        acc = ref() if ref is not None else None
        if acc is None:
            acc = _function.AccumulateGrad(self)
            self._acc_ref = weakref.ref(acc)
        return acc

    # ------------------------------------------------------------ operators
    # the operators call the primitives straight: ops.add/ops.mul with the defaults are
    # exactly these, and a+b is the hottest call there is
    def __add__(self, other):
        if type(other) is Tensor:
            out = _plain_binary(self, other, _add)
            if out is not None:
                return out
        return _Add.apply(self, other)

    def __radd__(self, other):
        return _Add.apply(other, self)

    def __iadd__(self, other):
        return self.add_(other)

    def __sub__(self, other):
        if type(other) is Tensor and self._data.dtype.kind != "b":  # bool - bool raises
            out = _plain_binary(self, other, _sub)
            if out is not None:
                return out
        return ops.sub(self, other)

    def __rsub__(self, other):
        return ops.sub(other, self)

    def __isub__(self, other):
        return self.sub_(other)

    def __mul__(self, other):
        if type(other) is Tensor:
            out = _plain_binary(self, other, _mul)
            if out is not None:
                return out
        return _Mul.apply(self, other)

    def __rmul__(self, other):
        return _Mul.apply(other, self)

    def __imul__(self, other):
        return self.mul_(other)

    def __truediv__(self, other):
        return ops.div(self, other)

    def __rtruediv__(self, other):
        return ops.div(other, self)

    def __itruediv__(self, other):
        return self.div_(other)

    def __floordiv__(self, other):
        return ops.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return ops.floor_divide(other, self)

    def __ifloordiv__(self, other):
        return self.floor_divide_(other)

    def __mod__(self, other):
        return ops.remainder(self, other)

    def __rmod__(self, other):
        return ops.remainder(other, self)

    def __imod__(self, other):
        return self.remainder_(other)

    def __pow__(self, other):
        return ops.pow(self, other)

    def __rpow__(self, other):
        return ops.pow(other, self)

    def __ipow__(self, other):
        return self.pow_(other)

    def __matmul__(self, other):
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        return ops.matmul(other, self)

    def __neg__(self):
        return ops.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return ops.abs(self)

    def __invert__(self):
        return ops.bitwise_not(self)

    def __and__(self, other):
        return ops.bitwise_and(self, other)

    def __rand__(self, other):
        return ops.bitwise_and(other, self)

    def __iand__(self, other):
        return self.bitwise_and_(other)

    def __or__(self, other):
        return ops.bitwise_or(self, other)

    def __ror__(self, other):
        return ops.bitwise_or(other, self)

    def __ior__(self, other):
        return self.bitwise_or_(other)

    def __xor__(self, other):
        return ops.bitwise_xor(self, other)

    def __rxor__(self, other):
        return ops.bitwise_xor(other, self)

    def __ixor__(self, other):
        return self.bitwise_xor_(other)

    def __lshift__(self, other):
        return ops.bitwise_left_shift(self, other)

    def __rshift__(self, other):
        return ops.bitwise_right_shift(self, other)

    def __eq__(self, other):
        return ops.eq(self, other)

    def __ne__(self, other):
        return ops.ne(self, other)

    def __lt__(self, other):
        return ops.lt(self, other)

    def __le__(self, other):
        return ops.le(self, other)

    def __gt__(self, other):
        return ops.gt(self, other)

    def __ge__(self, other):
        return ops.ge(self, other)

    def __getitem__(self, index):
        return ops.getitem(self, index)

    def __setitem__(self, index, value):
        ops.setitem(self, index, value)

    # ------------------------------------------------------------ elementwise
    def add(self, other, *, alpha=1):
        return ops.add(self, other, alpha=alpha)

    def sub(self, other, *, alpha=1):
        return ops.sub(self, other, alpha=alpha)

    subtract = sub

    def mul(self, other):
        return ops.mul(self, other)

    multiply = mul

    def div(self, other, *, rounding_mode=None):
        return ops.div(self, other, rounding_mode=rounding_mode)

    divide = div
    true_divide = div

    def floor_divide(self, other):
        return ops.floor_divide(self, other)

    def remainder(self, other):
        return ops.remainder(self, other)

    def fmod(self, other):
        return ops.fmod(self, other)

    def pow(self, exponent):
        return ops.pow(self, exponent)

    def float_power(self, exponent):
        return ops.float_power(self, exponent)

    def neg(self):
        return ops.neg(self)

    negative = neg

    def exp(self):
        return ops.exp(self)

    def exp2(self):
        return ops.exp2(self)

    def expm1(self):
        return ops.expm1(self)

    def log(self):
        return ops.log(self)

    def log2(self):
        return ops.log2(self)

    def log10(self):
        return ops.log10(self)

    def log1p(self):
        return ops.log1p(self)

    def sqrt(self):
        return ops.sqrt(self)

    def rsqrt(self):
        return ops.rsqrt(self)

    def square(self):
        return ops.square(self)

    def abs(self):
        return ops.abs(self)

    absolute = abs

    def sign(self):
        return ops.sign(self)

    def sgn(self):
        return ops.sgn(self)

    def signbit(self):
        return ops.signbit(self)

    def reciprocal(self):
        return ops.reciprocal(self)

    def sin(self):
        return ops.sin(self)

    def cos(self):
        return ops.cos(self)

    def tan(self):
        return ops.tan(self)

    def asin(self):
        return ops.asin(self)

    arcsin = asin

    def acos(self):
        return ops.acos(self)

    arccos = acos

    def atan(self):
        return ops.atan(self)

    arctan = atan

    def atan2(self, other):
        return ops.atan2(self, other)

    arctan2 = atan2

    def sinh(self):
        return ops.sinh(self)

    def cosh(self):
        return ops.cosh(self)

    def tanh(self):
        return ops.tanh(self)

    def asinh(self):
        return ops.asinh(self)

    arcsinh = asinh

    def acosh(self):
        return ops.acosh(self)

    arccosh = acosh

    def atanh(self):
        return ops.atanh(self)

    arctanh = atanh

    def sigmoid(self):
        return ops.sigmoid(self)

    def logit(self, eps=None):
        return ops.logit(self, eps)

    def relu(self):
        return ops.relu(self)

    def erf(self):
        return ops.erf(self)

    def erfc(self):
        return ops.erfc(self)

    def erfinv(self):
        return ops.erfinv(self)

    def floor(self):
        return ops.floor(self)

    def ceil(self):
        return ops.ceil(self)

    def round(self, *, decimals=0):
        return ops.round(self, decimals=decimals)

    def trunc(self):
        return ops.trunc(self)

    fix = trunc

    def frac(self):
        return ops.frac(self)

    def clamp(self, min=None, max=None):  # noqa: A002 - torch's argument names
        return ops.clamp(self, min, max)

    clip = clamp

    def clamp_min(self, min):  # noqa: A002
        return ops.clamp(self, min, None)

    def clamp_max(self, max):  # noqa: A002
        return ops.clamp(self, None, max)

    def maximum(self, other):
        return ops.maximum(self, other)

    def minimum(self, other):
        return ops.minimum(self, other)

    def fmax(self, other):
        return ops.fmax(self, other)

    def fmin(self, other):
        return ops.fmin(self, other)

    def where(self, condition, other):
        return ops.where(condition, self, other)

    def lerp(self, end, weight):
        return ops.lerp(self, end, weight)

    def addcmul(self, tensor1, tensor2, *, value=1):
        return ops.addcmul(self, tensor1, tensor2, value=value)

    def addcdiv(self, tensor1, tensor2, *, value=1):
        return ops.addcdiv(self, tensor1, tensor2, value=value)

    def hypot(self, other):
        return ops.hypot(self, other)

    def logaddexp(self, other):
        return ops.logaddexp(self, other)

    def xlogy(self, other):
        return ops.xlogy(self, other)

    def copysign(self, other):
        return ops.copysign(self, other)

    def eq(self, other):
        return ops.eq(self, other)

    def ne(self, other):
        return ops.ne(self, other)

    not_equal = ne

    def lt(self, other):
        return ops.lt(self, other)

    less = lt

    def le(self, other):
        return ops.le(self, other)

    less_equal = le

    def gt(self, other):
        return ops.gt(self, other)

    greater = gt

    def ge(self, other):
        return ops.ge(self, other)

    greater_equal = ge

    def equal(self, other):
        return ops.equal(self, other)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return ops.allclose(self, other, rtol, atol, equal_nan)

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return ops.isclose(self, other, rtol, atol, equal_nan)

    def logical_and(self, other):
        return ops.logical_and(self, other)

    def logical_or(self, other):
        return ops.logical_or(self, other)

    def logical_xor(self, other):
        return ops.logical_xor(self, other)

    def logical_not(self):
        return ops.logical_not(self)

    def bitwise_and(self, other):
        return ops.bitwise_and(self, other)

    def bitwise_or(self, other):
        return ops.bitwise_or(self, other)

    def bitwise_xor(self, other):
        return ops.bitwise_xor(self, other)

    def bitwise_not(self):
        return ops.bitwise_not(self)

    def isnan(self):
        return ops.isnan(self)

    def isinf(self):
        return ops.isinf(self)

    def isfinite(self):
        return ops.isfinite(self)

    def isposinf(self):
        return ops.isposinf(self)

    def isneginf(self):
        return ops.isneginf(self)

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        return ops.nan_to_num(self, nan, posinf, neginf)

    def isreal(self):
        return ops.isreal(self)

    def positive(self):
        return ops.positive(self)

    def deg2rad(self):
        return ops.deg2rad(self)

    def rad2deg(self):
        return ops.rad2deg(self)

    def sinc(self):
        return ops.sinc(self)

    def logaddexp2(self, other):
        return ops.logaddexp2(self, other)

    def bitwise_left_shift(self, other):
        return ops.bitwise_left_shift(self, other)

    def bitwise_right_shift(self, other):
        return ops.bitwise_right_shift(self, other)

    @property
    def real(self):
        return ops.real(self)

    @property
    def imag(self):
        return ops.imag(self)

    # in-place forms of the elementwise family (torch.Tensor has each of these)
    def exp2_(self):
        return ops.inplace(self, ops.exp2)

    def sgn_(self):
        return ops.inplace(self, ops.sgn)

    def asin_(self):
        return ops.inplace(self, ops.asin)

    def acos_(self):
        return ops.inplace(self, ops.acos)

    def atan_(self):
        return ops.inplace(self, ops.atan)

    def sinh_(self):
        return ops.inplace(self, ops.sinh)

    def cosh_(self):
        return ops.inplace(self, ops.cosh)

    def asinh_(self):
        return ops.inplace(self, ops.asinh)

    def acosh_(self):
        return ops.inplace(self, ops.acosh)

    def atanh_(self):
        return ops.inplace(self, ops.atanh)

    arcsin_, arccos_, arctan_ = asin_, acos_, atan_
    arcsinh_, arccosh_, arctanh_ = asinh_, acosh_, atanh_

    def atan2_(self, other):
        return ops.inplace(self, ops.atan2, other)

    arctan2_ = atan2_

    def erfc_(self):
        return ops.inplace(self, ops.erfc)

    def erfinv_(self):
        return ops.inplace(self, ops.erfinv)

    def logit_(self, eps=None):
        return ops.inplace(self, ops.logit, eps)

    def sinc_(self):
        return ops.inplace(self, ops.sinc)

    def deg2rad_(self):
        return ops.inplace(self, ops.deg2rad)

    def rad2deg_(self):
        return ops.inplace(self, ops.rad2deg)

    def float_power_(self, exponent):
        # torch computes in double and requires self to be double already
        if self.dtype is not _dtype.float64 and not self.dtype.is_complex:
            name = self.type_name().rsplit(".", 1)[-1][:-len("Tensor")]
            raise RuntimeError(f"the base given to float_power_ has dtype {name} but the "
                               "operation's result requires dtype Double")
        return ops.inplace(self, ops.float_power, exponent)

    def hypot_(self, other):
        return ops.inplace(self, ops.hypot, other)

    def xlogy_(self, other):
        return ops.inplace(self, ops.xlogy, other)

    def copysign_(self, other):
        return ops.inplace(self, ops.copysign, other)

    def logical_and_(self, other):
        return ops.inplace(self, ops.logical_and, other)

    def logical_or_(self, other):
        return ops.inplace(self, ops.logical_or, other)

    def logical_xor_(self, other):
        return ops.inplace(self, ops.logical_xor, other)

    def bitwise_not_(self):
        return ops.inplace(self, ops.bitwise_not)

    def bitwise_left_shift_(self, other):
        return ops.inplace(self, ops.bitwise_left_shift, other)

    def bitwise_right_shift_(self, other):
        return ops.inplace(self, ops.bitwise_right_shift, other)

    # comparisons in place write 0/1 in self's dtype, as torch
    def eq_(self, other):
        return ops.inplace(self, ops.eq, other)

    def ne_(self, other):
        return ops.inplace(self, ops.ne, other)

    def lt_(self, other):
        return ops.inplace(self, ops.lt, other)

    def le_(self, other):
        return ops.inplace(self, ops.le, other)

    def gt_(self, other):
        return ops.inplace(self, ops.gt, other)

    def ge_(self, other):
        return ops.inplace(self, ops.ge, other)

    not_equal_, less_, less_equal_, greater_, greater_equal_ = ne_, lt_, le_, gt_, ge_

    # ------------------------------------------------------------ reductions
    def sum(self, dim=None, keepdim=False, *, dtype=None):
        return ops.sum(self, dim, keepdim, dtype=dtype)

    def nansum(self, dim=None, keepdim=False, *, dtype=None):
        return ops.nansum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        return ops.mean(self, dim, keepdim, dtype=dtype)

    def nanmean(self, dim=None, keepdim=False, *, dtype=None):
        return ops.nanmean(self, dim, keepdim, dtype=dtype)

    def prod(self, dim=None, keepdim=False, *, dtype=None):
        return ops.prod(self, dim, keepdim, dtype=dtype)

    def max(self, dim=None, keepdim=False):
        return ops.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return ops.min(self, dim, keepdim)

    def amax(self, dim=(), keepdim=False):
        return ops.amax(self, dim, keepdim)

    def amin(self, dim=(), keepdim=False):
        return ops.amin(self, dim, keepdim)

    def aminmax(self, *, dim=None, keepdim=False):
        return ops.aminmax(self, dim=dim, keepdim=keepdim)

    def argmax(self, dim=None, keepdim=False):
        return ops.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return ops.argmin(self, dim, keepdim)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return ops.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return ops.std(self, dim, unbiased, keepdim, correction=correction)

    def logsumexp(self, dim, keepdim=False):
        return ops.logsumexp(self, dim, keepdim)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        return ops.norm(self, p, dim, keepdim, dtype=dtype)

    def cumsum(self, dim, *, dtype=None):
        return ops.cumsum(self, dim, dtype=dtype)

    def cumprod(self, dim, *, dtype=None):
        return ops.cumprod(self, dim, dtype=dtype)

    def cummax(self, dim):
        return ops.cummax(self, dim)

    def cummin(self, dim):
        return ops.cummin(self, dim)

    def logcumsumexp(self, dim):
        return ops.logcumsumexp(self, dim)

    def all(self, dim=None, keepdim=False):
        return ops.all(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        return ops.any(self, dim, keepdim)

    def count_nonzero(self, dim=None):
        return ops.count_nonzero(self, dim)

    def median(self, dim=None, keepdim=False):
        return ops.median(self, dim, keepdim)

    def nanmedian(self, dim=None, keepdim=False):
        return ops.nanmedian(self, dim, keepdim)

    def mode(self, dim=-1, keepdim=False):
        return ops.mode(self, dim, keepdim)

    def sort(self, dim=-1, descending=False, stable=False):
        return ops.sort(self, dim, descending, stable=stable)

    def argsort(self, dim=-1, descending=False, stable=False):
        return ops.argsort(self, dim, descending, stable=stable)

    def msort(self):
        return ops.msort(self)

    def topk(self, k, dim=-1, largest=True, sorted=True):  # noqa: A002
        return ops.topk(self, k, dim, largest, sorted)

    def kthvalue(self, k, dim=-1, keepdim=False):
        return ops.kthvalue(self, k, dim, keepdim)

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa
        return ops.unique(self, sorted, return_inverse, return_counts, dim)

    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
        return ops.unique_consecutive(self, return_inverse, return_counts, dim)

    def bincount(self, weights=None, minlength=0):
        return ops.bincount(self, weights, minlength)

    def histc(self, bins=100, min=0, max=0):  # noqa: A002
        return ops.histc(self, bins, min, max)

    def diff(self, n=1, dim=-1, prepend=None, append=None):
        return ops.diff(self, n, dim, prepend, append)

    # ------------------------------------------------------------ shape
    def view(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
            return ops.view_dtype(self, shape[0])
        return ops.view(self, _shape_arg(shape))

    def view_as(self, other):
        return ops.view(self, other.shape)

    def reshape(self, *shape):
        return ops.reshape(self, _shape_arg(shape))

    def reshape_as(self, other):
        return ops.reshape(self, other.shape)

    def permute(self, *dims):
        return ops.permute(self, _shape_arg(dims))

    def transpose(self, dim0, dim1):
        return ops.transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        return ops.t(self)

    @property
    def T(self):
        return ops.permute(self, tuple(range(self._data.ndim - 1, -1, -1)))

    @property
    def mT(self):
        return ops.transpose(self, -2, -1)

    @property
    def H(self):
        return ops.t(self).conj()

    @property
    def mH(self):
        return ops.transpose(self, -2, -1).conj()

    def conj(self):
        return ops.conj(self)

    def adjoint(self):
        return ops.transpose(self, -2, -1).conj()

    def squeeze(self, dim=None):
        return ops.squeeze(self, dim)

    def unsqueeze(self, dim):
        return ops.unsqueeze(self, dim)

    def expand(self, *sizes):
        return ops.expand(self, _shape_arg(sizes))

    def expand_as(self, other):
        return ops.expand(self, other.shape)

    def broadcast_to(self, shape):
        return ops.broadcast_to(self, shape)

    def flatten(self, start_dim=0, end_dim=-1):
        return ops.flatten(self, start_dim, end_dim)

    def unflatten(self, dim, sizes):
        return ops.unflatten(self, dim, sizes)

    def ravel(self):
        return ops.ravel(self)

    def narrow(self, dim, start, length):
        return ops.narrow(self, dim, start, length)

    def unbind(self, dim=0):
        return ops.unbind(self, dim)

    def movedim(self, source, destination):
        return ops.movedim(self, source, destination)

    moveaxis = movedim

    def split(self, split_size, dim=0):
        return ops.split(self, split_size, dim)

    def chunk(self, chunks, dim=0):
        return ops.chunk(self, chunks, dim)

    def tensor_split(self, indices_or_sections, dim=0):
        return ops.tensor_split(self, indices_or_sections, dim)

    def repeat(self, *sizes):
        return ops.repeat(self, _shape_arg(sizes))

    def repeat_interleave(self, repeats, dim=None, *, output_size=None):
        return ops.repeat_interleave(self, repeats, dim, output_size=output_size)

    def tile(self, *dims):
        return ops.tile(self, _shape_arg(dims))

    def flip(self, *dims):
        return ops.flip(self, _shape_arg(dims))

    def fliplr(self):
        return ops.fliplr(self)

    def flipud(self):
        return ops.flipud(self)

    def roll(self, shifts, dims=None):
        return ops.roll(self, shifts, dims)

    def rot90(self, k=1, dims=(0, 1)):
        return ops.rot90(self, k, dims)

    def tril(self, diagonal=0):
        return ops.tril(self, diagonal)

    def triu(self, diagonal=0):
        return ops.triu(self, diagonal)

    def diag(self, diagonal=0):
        return ops.diag(self, diagonal)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        return ops.diagonal(self, offset, dim1, dim2)

    def diag_embed(self, offset=0, dim1=-2, dim2=-1):
        return ops.diag_embed(self, offset, dim1, dim2)

    def trace(self):
        return ops.trace(self)

    def as_strided(self, size, stride, storage_offset=None):
        return ops.as_strided(self, size, stride, storage_offset)

    def select(self, dim, index):
        return ops.select(self, dim, index)

    def hsplit(self, indices_or_sections):
        return ops.hsplit(self, indices_or_sections)

    def vsplit(self, indices_or_sections):
        return ops.vsplit(self, indices_or_sections)

    def dsplit(self, indices_or_sections):
        return ops.dsplit(self, indices_or_sections)

    # ------------------------------------------------------------ indexing
    def gather(self, dim, index):
        return ops.gather(self, dim, index)

    def scatter(self, dim, index, src=None, *, value=None, reduce=None):
        return ops.scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_add(self, dim, index, src):
        return ops.scatter_add(self, dim, index, src)

    def scatter_reduce(self, dim, index, src, reduce, *, include_self=True):
        return ops.scatter_reduce(self, dim, index, src, reduce, include_self=include_self)

    def index_select(self, dim, index):
        return ops.index_select(self, dim, index)

    def index_add(self, dim, index, source, *, alpha=1):
        return ops.index_add(self, dim, index, source, alpha=alpha)

    def index_copy(self, dim, index, source):
        return ops.index_copy(self, dim, index, source)

    def index_fill(self, dim, index, value):
        return ops.index_fill(self, dim, index, value)

    def index_put(self, indices, values, accumulate=False):
        return ops.index_put(self, indices, values, accumulate)

    def masked_fill(self, mask, value):
        return ops.masked_fill(self, mask, value)

    def masked_select(self, mask):
        return ops.masked_select(self, mask)

    def masked_scatter(self, mask, source):
        return ops.masked_scatter(self, mask, source)

    def take(self, index):
        return ops.take(self, index)

    def take_along_dim(self, indices, dim=None):
        return ops.take_along_dim(self, indices, dim)

    def nonzero(self, *, as_tuple=False):
        return ops.nonzero(self, as_tuple=as_tuple)

    def argwhere(self):
        return ops.argwhere(self)

    # ------------------------------------------------------------ linear algebra
    def matmul(self, other):
        return ops.matmul(self, other)

    def mm(self, mat2):
        return ops.mm(self, mat2)

    def bmm(self, mat2):
        return ops.bmm(self, mat2)

    def mv(self, vec):
        return ops.mv(self, vec)

    def dot(self, other):
        return ops.dot(self, other)

    def inner(self, other):
        return ops.inner(self, other)

    def outer(self, vec2):
        return ops.outer(self, vec2)

    ger = outer

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        return ops.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return ops.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def addmv(self, mat, vec, *, beta=1, alpha=1):
        return ops.addmv(self, mat, vec, beta=beta, alpha=alpha)

    def addbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return ops.addbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def addr(self, vec1, vec2, *, beta=1, alpha=1):
        return ops.addr(self, vec1, vec2, beta=beta, alpha=alpha)

    def kron(self, other):
        return ops.kron(self, other)

    def cross(self, other, dim=None):
        return ops.cross(self, other, dim)

    def det(self):
        return ops.linalg_det(self)

    def inverse(self):
        return ops.linalg_inv(self)

    def vdot(self, other):
        return ops.vdot(self, other)

    def slogdet(self):
        return ops.slogdet(self)

    def logdet(self):
        return ops.logdet(self)

    def pinverse(self, rcond=1e-15):
        return ops.pinverse(self, rcond)

    def matrix_power(self, n):
        return ops.matrix_power(self, n)

    def matrix_exp(self):
        return ops.matrix_exp(self)

    def svd(self, some=True, compute_uv=True):
        return ops.svd(self, some, compute_uv)

    def addmm_(self, mat1, mat2, *, beta=1, alpha=1):
        return ops.inplace(self, ops.addmm, mat1, mat2, beta=beta, alpha=alpha)

    def baddbmm_(self, batch1, batch2, *, beta=1, alpha=1):
        return ops.inplace(self, ops.baddbmm, batch1, batch2, beta=beta, alpha=alpha)

    def addbmm_(self, batch1, batch2, *, beta=1, alpha=1):
        return ops.inplace(self, ops.addbmm, batch1, batch2, beta=beta, alpha=alpha)

    def addmv_(self, mat, vec, *, beta=1, alpha=1):
        return ops.inplace(self, ops.addmv, mat, vec, beta=beta, alpha=alpha)

    def addr_(self, vec1, vec2, *, beta=1, alpha=1):
        return ops.inplace(self, ops.addr, vec1, vec2, beta=beta, alpha=alpha)

    # ------------------------------------------------------------ activations (nn-ish)
    def softmax(self, dim, dtype=None):
        return ops.softmax(self, dim, dtype=dtype)

    def log_softmax(self, dim, dtype=None):
        return ops.log_softmax(self, dim, dtype=dtype)

    # ------------------------------------------------------------ in-place
    # Each runs the out-of-place op and writes the result into this tensor's memory
    # (ember/ops/inplace.py: version counter, leaf checks, views of graph tensors).
    def add_(self, other, *, alpha=1):
        return ops.inplace(self, ops.add, other, alpha=alpha)

    def sub_(self, other, *, alpha=1):
        return ops.inplace(self, ops.sub, other, alpha=alpha)

    subtract_ = sub_

    def mul_(self, other):
        return ops.inplace(self, ops.mul, other)

    multiply_ = mul_

    def div_(self, other, *, rounding_mode=None):
        return ops.inplace(self, ops.div, other, rounding_mode=rounding_mode)

    divide_ = true_divide_ = div_

    def floor_divide_(self, other):
        return ops.inplace(self, ops.floor_divide, other)

    def remainder_(self, other):
        return ops.inplace(self, ops.remainder, other)

    def fmod_(self, other):
        return ops.inplace(self, ops.fmod, other)

    def pow_(self, exponent):
        return ops.inplace(self, ops.pow, exponent)

    def neg_(self):
        return ops.inplace(self, ops.neg)

    negative_ = neg_

    def exp_(self):
        return ops.inplace(self, ops.exp)

    def expm1_(self):
        return ops.inplace(self, ops.expm1)

    def log_(self):
        return ops.inplace(self, ops.log)

    def log1p_(self):
        return ops.inplace(self, ops.log1p)

    def log2_(self):
        return ops.inplace(self, ops.log2)

    def log10_(self):
        return ops.inplace(self, ops.log10)

    def sqrt_(self):
        return ops.inplace(self, ops.sqrt)

    def rsqrt_(self):
        return ops.inplace(self, ops.rsqrt)

    def square_(self):
        return ops.inplace(self, ops.square)

    def abs_(self):
        return ops.inplace(self, ops.abs)

    absolute_ = abs_

    def sign_(self):
        return ops.inplace(self, ops.sign)

    def reciprocal_(self):
        return ops.inplace(self, ops.reciprocal)

    def sin_(self):
        return ops.inplace(self, ops.sin)

    def cos_(self):
        return ops.inplace(self, ops.cos)

    def tan_(self):
        return ops.inplace(self, ops.tan)

    def tanh_(self):
        return ops.inplace(self, ops.tanh)

    def sigmoid_(self):
        return ops.inplace(self, ops.sigmoid)

    def relu_(self):
        return ops.inplace(self, ops.relu)

    def erf_(self):
        return ops.inplace(self, ops.erf)

    def floor_(self):
        return ops.inplace(self, ops.floor)

    def ceil_(self):
        return ops.inplace(self, ops.ceil)

    def round_(self, *, decimals=0):
        return ops.inplace(self, ops.round, decimals=decimals)

    def trunc_(self):
        return ops.inplace(self, ops.trunc)

    fix_ = trunc_

    def frac_(self):
        return ops.inplace(self, ops.frac)

    def clamp_(self, min=None, max=None):  # noqa: A002
        return ops.inplace(self, ops.clamp, min, max)

    clip_ = clamp_

    def clamp_min_(self, min):  # noqa: A002
        return ops.inplace(self, ops.clamp, min, None)

    def clamp_max_(self, max):  # noqa: A002
        return ops.inplace(self, ops.clamp, None, max)

    def lerp_(self, end, weight):
        return ops.inplace(self, ops.lerp, end, weight)

    def addcmul_(self, tensor1, tensor2, *, value=1):
        return ops.inplace(self, ops.addcmul, tensor1, tensor2, value=value)

    def addcdiv_(self, tensor1, tensor2, *, value=1):
        return ops.inplace(self, ops.addcdiv, tensor1, tensor2, value=value)

    def nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
        return ops.inplace(self, ops.nan_to_num, nan, posinf, neginf)

    def logical_not_(self):
        return ops.inplace(self, ops.logical_not)

    def bitwise_and_(self, other):
        return ops.inplace(self, ops.bitwise_and, other)

    def bitwise_or_(self, other):
        return ops.inplace(self, ops.bitwise_or, other)

    def bitwise_xor_(self, other):
        return ops.inplace(self, ops.bitwise_xor, other)

    def maximum_(self, other):
        return ops.inplace(self, ops.maximum, other)

    def masked_fill_(self, mask, value):
        return ops.inplace(self, ops.masked_fill, mask, value)

    def masked_scatter_(self, mask, source):
        return ops.inplace(self, ops.masked_scatter, mask, source)

    def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
        return ops.inplace(self, ops.scatter, dim, index, src, value=value, reduce=reduce)

    def scatter_add_(self, dim, index, src):
        return ops.inplace(self, ops.scatter_add, dim, index, src)

    def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
        return ops.inplace(self, ops.scatter_reduce, dim, index, src, reduce,
                           include_self=include_self)

    def index_add_(self, dim, index, source, *, alpha=1):
        return ops.inplace(self, ops.index_add, dim, index, source, alpha=alpha)

    def index_copy_(self, dim, index, source):
        return ops.inplace(self, ops.index_copy, dim, index, source)

    def index_fill_(self, dim, index, value):
        return ops.inplace(self, ops.index_fill, dim, index, value)

    def index_put_(self, indices, values, accumulate=False):
        return ops.inplace(self, ops.index_put, indices, values, accumulate)

    def tril_(self, diagonal=0):
        return ops.inplace(self, ops.tril, diagonal)

    def triu_(self, diagonal=0):
        return ops.inplace(self, ops.triu, diagonal)

    def copy_(self, src, non_blocking=False):
        return ops.copy_(self, src)

    def zero_(self):
        return ops.fill_(self, 0)

    def fill_(self, value):
        return ops.fill_(self, value)

    def fill_diagonal_(self, fill_value, wrap=False):
        return ops.fill_diagonal_(self, fill_value, wrap)

    # random fills (ember/random.py)
    def uniform_(self, from_=0.0, to=1.0, *, generator=None):
        return ops.fill_random_(self, "uniform", from_, to, generator=generator)

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        return ops.fill_random_(self, "normal", mean, std, generator=generator)

    def bernoulli_(self, p=0.5, *, generator=None):
        return ops.fill_random_(self, "bernoulli", p, generator=generator)

    def random_(self, from_=0, to=None, *, generator=None):
        return ops.fill_random_(self, "random", from_, to, generator=generator)

    def exponential_(self, lambd=1.0, *, generator=None):
        return ops.fill_random_(self, "exponential", lambd, generator=generator)

    def geometric_(self, p, *, generator=None):
        return ops.fill_random_(self, "geometric", p, generator=generator)

    def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
        return ops.fill_random_(self, "log_normal", mean, std, generator=generator)

    def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
        return ops.fill_random_(self, "cauchy", median, sigma, generator=generator)

    def bernoulli(self, p=None, *, generator=None):
        from .random import bernoulli
        return bernoulli(self, p, generator=generator)

    def multinomial(self, num_samples, replacement=False, *, generator=None):
        from .random import multinomial
        return multinomial(self, num_samples, replacement, generator=generator)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        from ._creation import tensor
        return tensor(data, dtype=dtype or self.dtype, device=device or self.device,
                      requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        from ._creation import zeros
        return zeros(*size, dtype=dtype or self.dtype, device=device or self.device,
                     requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        from ._creation import ones
        return ones(*size, dtype=dtype or self.dtype, device=device or self.device,
                    requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        from ._creation import empty
        return empty(*size, dtype=dtype or self.dtype, device=device or self.device,
                     requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        from ._creation import full
        return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                    requires_grad=requires_grad)


def _check_grad_assign(t, g):
    if not isinstance(g, Tensor):
        raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                        f"{type(g).__name__}")
    if g.shape != t.shape:
        raise RuntimeError(f"attempting to assign a gradient of size '{list(g.shape)}' to a "
                           f"tensor of size '{list(t.shape)}'. Please ensure that the gradient "
                           "and the tensor are the same size")
    if g.dtype is not t.dtype:
        src = g.type_name().split(".")[-1].replace("Tensor", "")
        dst = t.type_name().split(".")[-1].replace("Tensor", "")
        raise RuntimeError(
            f"attempting to assign a gradient with dtype '{_C_NAMES.get(src, src)}' to a tensor "
            f"with grad_dtype '{dst}'. The gradient must match the tensor's grad_dtype (defaults "
            "to the tensor's dtype). You can set the tensor's grad_dtype attribute with a "
            "specific dtype, or None to allow any dtype. Set grad_dtype with caution. Diverging "
            "the dtypes of a tensor and its gradient may break downstream systems that assume "
            "they match.")
    if g.device != t.device:
        raise RuntimeError("attempting to assign a gradient located on device with index '"
                           f"{g.get_device()}' to a tensor located on device with index '"
                           f"{t.get_device()}'. Please ensure that the gradient and the tensor "
                           "are on the same device")


# torch names the assigned gradient's dtype by its C++ scalar name in this message
_C_NAMES = {"Float": "float", "Double": "double", "Half": "c10::Half", "BFloat16": "c10::BFloat16",
            "Long": "long int", "Int": "int", "Bool": "bool"}


def _rebuild(array, device, requires_grad):
    from ._creation import tensor
    return tensor(array, device=device, requires_grad=requires_grad)


_function.Tensor = Tensor
_function.make_tensor = make_tensor

from . import ops  # noqa: E402 - ops imports Tensor from this module
from .ops.elementwise import Add as _Add
from .ops.elementwise import Mul as _Mul
