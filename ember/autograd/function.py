"""Op (the base of every differentiable primitive), its per-call context Node, and the
public `Function` that users subclass.

`Op.apply` is the one choke point every operation passes through: it checks devices,
applies torch's type promotion, runs the forward on raw arrays, and links the result
into the graph when a gradient is needed. Cross-cutting behaviour (anomaly mode,
autocast, tracing) hooks in here and nowhere else.

The context passed to `forward`/`backward` is the graph node itself (`grad_fn`), as in
torch, where `ctx` of a custom Function is its backward node.
"""
import itertools
import os
import re
import traceback
import weakref
from weakref import ref as _weakref

import numpy

from .. import _dtype
from .._device import cpu
from . import grad_mode

_grad_state = grad_mode.state
_new = object.__new__
_seq = itertools.count()
Tensor = None  # set by ember._tensor once the class exists (import cycle)
make_tensor = None

# numpy dtypes whose tensors can carry gradients (floating and complex)
_DIFFERENTIABLE = {numpy.dtype(n) for n in ("float16", "float32", "float64", "complex64",
                                              "complex128")}


class _Hooks:
    """Cross-cutting behaviour switched on at run time; `active` is the one flag Op.apply reads."""
    active = False
    anomaly = False
    anomaly_check_nan = True
    # callable(op_cls, args, attrs) -> (args, None) to run the op on the (cast) args, or
    # (args, result) when it ran the op itself; set by ember.amp while autocast is on
    autocast = None
    tracer = None       # callable(op_cls, args, attrs, result), set by ember.jit

    @classmethod
    def refresh(cls):
        cls.active = bool(cls.anomaly or cls.tracer)  # autocast is read on its own


hooks = _Hooks


def register_bfloat16(np_dtype):
    """bfloat16's NumPy dtype exists only once ml_dtypes is loaded; it is floating."""
    _DIFFERENTIABLE.add(np_dtype)
    _FLOATING.add(np_dtype)


def autocast_args(op_cls, *args):
    """The tensor args as autocast hands them to `op_cls`, for an entry point that checks
    dtypes or adds a bias before calling its Op (torch casts at the entry). Callers test
    `hooks.autocast is not None` first, so the common path costs one attribute read."""
    from ..amp.autocast_mode import autocast_args as cast
    return cast(op_cls, *args)


class Node:
    """One recorded operation: the `ctx` of forward/backward and the `grad_fn` of its outputs."""

    __slots__ = ("op", "xp", "ext", "device", "needs_input_grad", "next_functions",
                 "input_meta", "out_meta", "seq", "__dict__", "__weakref__")

    # Set only by some ops or only once the node is linked: class defaults, so that a
    # node made for an op that records nothing costs four attribute writes.
    materialize_grads = True  # a custom Function may turn it off (set_materialize_grads)
    _save_idx = None
    _save_out = False
    _saved = None
    _saved_versions = None
    _out_arrays = None
    _out_vcs = None
    _out_versions = None
    _freed = False
    _pre_hooks = None
    _post_hooks = None
    _trace = None
    _view_v = None

    def __init__(self, op, device):
        self.op = op
        self.device = device
        self.xp = device.xp
        self.ext = device.ext

    # ---- saving, declared in forward by index (Chainer's retain_inputs / retain_outputs)
    def save_inputs(self, *indices):
        """Keep these inputs for backward; a None index keeps nothing in that place (an
        input no wanted gradient needs), so changing it in place later is allowed."""
        self._save_idx = indices

    def save_output(self):
        self._save_out = True

    @property
    def inputs(self):
        """The saved inputs (Tensors with their history); checked against in-place changes."""
        self._check_saved()
        for t, v in zip(self._saved, self._saved_versions):
            if v is not None and t._vc[0] != v:
                raise _modified_error(t, v, _current_grad_fn(t), t._output_nr)
        return self._saved

    @property
    def output(self):
        return self.outputs[0]

    @property
    def outputs(self):
        self._check_saved()
        outs = []
        for i, (a, vc, v) in enumerate(zip(self._out_arrays, self._out_vcs, self._out_versions)):
            t = make_tensor(a, self.device, self.out_meta is not None and a.dtype in _DIFFERENTIABLE,
                            self, i)
            t._vc = vc
            if vc[0] != v:
                raise _modified_error(t, v, self, i)
            outs.append(t)
        return outs

    def _check_saved(self):
        if self._freed:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved "
                "tensors after they have already been freed). Saved intermediate values of the "
                "graph are freed when you call .backward() or autograd.grad(). Specify "
                "retain_graph=True if you need to backward through the graph a second time or "
                "if you need to access saved tensors after calling backward.")

    def release(self):
        """Free what backward needed (called after backward unless retain_graph)."""
        if self._saved is not None or self._save_out:
            self._freed = True
            self._saved = None
            self._out_arrays = None

    # ---- the grad_fn face
    def name(self):
        n = self.op._node_name
        return self.op.__name__ + "Backward0" if n is None else n

    def register_hook(self, fn):
        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(fn)
        return _RemovableHandle(self._post_hooks, fn)

    def register_prehook(self, fn):
        return self._add_pre_hook(None, fn)

    def _add_pre_hook(self, output_nr, fn):
        if self._pre_hooks is None:
            self._pre_hooks = []
        entry = (output_nr, fn)
        self._pre_hooks.append(entry)
        return _RemovableHandle(self._pre_hooks, entry)

    @property
    def metadata(self):
        return self.__dict__

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"

    def __call__(self, *grads):
        return self.op.backward(self, *grads)


class AccumulateGrad:
    """The graph node of a leaf tensor that requires grad: gradients arriving here go to .grad."""

    __slots__ = ("variable", "next_functions", "seq", "_pre_hooks", "_post_hooks", "__weakref__")

    def __init__(self, variable):
        self.variable = variable
        self.next_functions = ()
        self.seq = -1  # leaves run last
        self._pre_hooks = None
        self._post_hooks = None

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def __repr__(self):
        return f"<AccumulateGrad object at {hex(id(self))}>"


class _RetainGrad:
    """The retain_grad() hook of a non-leaf tensor: its gradient goes to .grad (accumulating,
    as torch). The engine runs it after the tensor's other hooks, as torch does."""

    __slots__ = ("ref",)

    def __init__(self, tensor):
        self.ref = weakref.ref(tensor)

    def __call__(self, grad):
        t = self.ref()
        if t is not None:
            t._grad = grad.clone() if t._grad is None else t._grad + grad


class _RemovableHandle:
    def __init__(self, container, item):
        self._container, self._item = container, item

    def remove(self):
        try:
            self._container.remove(self._item)
        except ValueError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _modified_error(t, saved_version, producer, output_nr):
    """torch's message: the tensor, the node it is an output of (its current history for a
    saved input, the saving node for a saved output), and the two versions."""
    what = f"[{t.type_name()} {list(t.shape)}]"
    if producer is not None:
        name = re.sub(r"Backward\d*$", "", producer.name())
        what += f", which is output {output_nr} of {name},"
    if hooks.anomaly:
        hint = ("Hint: the backtrace further above shows the operation that failed to compute "
                "its gradient. The variable in question was changed in there or anywhere later. "
                "Good luck!")
    else:
        hint = ("Hint: enable anomaly detection to find the operation that failed to compute its "
                "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: {what} is at version {t._vc[0]}; expected version {saved_version} instead. "
        + hint)


def _current_grad_fn(t):
    fn = t.grad_fn
    if fn is not None and t._base is not None and fn._view_v != t._vc[0]:
        fn = _refresh_view(t)
    return fn


def _refresh_view(t):
    """The view's history after its base changed in place: a fresh node reading the view's
    elements out of the base's current history (torch regenerates it the same way)."""
    from ..ops.inplace import regenerate_view_grad_fn
    return regenerate_view_grad_fn(t)


def device_mismatch(a, b):
    return RuntimeError(
        "Expected all tensors to be on the same device, but found at least two devices, "
        f"{a} and {b}!")


def _edge(t):
    fn = t.grad_fn
    if fn is not None:
        # a view whose base was written in place since the view's node was made (versions
        # differ) must read the base's new history, or its gradient would skip the write
        if t._base is not None and fn._view_v != t._vc[0]:
            fn = _refresh_view(t)
        return (fn, t._output_nr)
    return (t._accumulator(), 0)


def _promote(args, tensors, has_scalar, mode):
    """Arrays for forward, cast to the dtype torch's promotion picks; scalars stay Python."""
    first = tensors[0]._data.dtype
    same = True
    for t in tensors:
        if t._data.dtype is not first:
            same = False
            break
    if same:
        target = _dtype.from_numpy(first)
        if has_scalar:
            cat = _dtype.category(target)
            for a in args:
                if a is not None and not isinstance(a, Tensor) and \
                        _dtype.category(_dtype.scalar_dtype(a)) > cat:
                    target = _dtype.result_type(tensors, [a for a in args if a is not None and
                                                          not isinstance(a, Tensor)])
                    break
    else:
        target = _dtype.result_type(tensors, [a for a in args if a is not None and
                                              not isinstance(a, Tensor)] if has_scalar else ())
    if mode == "float" and not _dtype.is_float_like(target):
        target = _dtype.get_default_dtype()
    np_target = target.np
    out = []
    for a in args:
        if isinstance(a, Tensor):
            d = a._data
            out.append(d if d.dtype is np_target else d.astype(np_target))
        elif a is None or np_target in _SCALAR_KEEPS and (
                type(a) is bool or
                _dtype.category(_dtype.scalar_dtype(a)) <= _dtype.category(target)):
            out.append(a)  # NumPy keeps the array's dtype for a Python number (NEP 50)
        else:
            # bfloat16 (ml_dtypes) does not follow NEP 50: a Python float would make the
            # result float32, so give it a scalar of the target type
            out.append(np_target.type(a))
    return out


class Op:
    """Base of every differentiable primitive (see ember/ops/).

    forward(ctx, *arrays, **attrs) -> array or tuple of arrays; works on xp arrays.
    backward(ctx, *grads) -> one gradient (a Tensor) or None per positional input; works on
    ember Tensors with ember ops, so it is itself differentiable.

    Class attributes:
      promote: "common" casts tensor inputs to torch's result dtype; "float" does too and
        turns integer results into the default float dtype; None passes arrays unchanged.
      view: the output shares memory (and the version counter) with input 0.
      differentiable_outputs: how many leading outputs carry gradients (None: all).
    """

    promote = "common"
    view = False
    differentiable_outputs = None
    _node_name = None  # grad_fn.name() when torch's differs from "<Op>Backward0"

    @staticmethod
    def forward(ctx, *args, **attrs):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError

    @classmethod
    def apply(cls, *args, **attrs):
        if hooks.autocast is not None:  # autocast casts the Tensor args (differentiably)
            args, done = hooks.autocast(cls, args, attrs)
            if done is not None:
                return done
        # One pass over the arguments: the device, whether a gradient is needed, the
        # arrays, and whether torch's promotion can change anything (the common case,
        # every tensor of one dtype and no Python scalar, needs no promotion work).
        dev = None
        need = False
        np_dt = None
        uniform = True
        has_scalar = False
        arrays = []
        for a in args:
            if isinstance(a, Tensor):
                d = a._data
                if dev is None:
                    dev = a.device
                    np_dt = d.dtype
                else:
                    if a.device is not dev:
                        raise device_mismatch(dev, a.device)
                    if d.dtype is not np_dt:
                        uniform = False
                if a.requires_grad:
                    need = True
                arrays.append(d)
            else:
                if a is not None:
                    has_scalar = True
                arrays.append(a)
        if dev is None:
            dev = cpu
        try:
            mode = cls.promote
            if mode is not None and np_dt is not None and not (
                    uniform and (not has_scalar or _scalars_keep(np_dt, args)) and
                    (mode == "common" or np_dt in _FLOATING)):
                arrays = _promote(args, [a for a in args if isinstance(a, Tensor)], has_scalar,
                                  mode)
            ctx = _new(Node)  # Node(cls, dev) written out: this runs once per op
            ctx.op, ctx.device, ctx.xp, ctx.ext = cls, dev, dev.xp, dev.ext
            link = need and _grad_state.enabled
            if link:
                nargs = len(args)
                if nargs == 1:  # (a gradient is needed: the one input is a tensor needing it)
                    ctx.needs_input_grad = _NEED_ONE
                elif nargs == 2:
                    a, b = args
                    ctx.needs_input_grad = (isinstance(a, Tensor) and a.requires_grad,
                                            isinstance(b, Tensor) and b.requires_grad)
                elif nargs == 3:
                    a, b, c = args
                    ctx.needs_input_grad = (isinstance(a, Tensor) and a.requires_grad,
                                            isinstance(b, Tensor) and b.requires_grad,
                                            isinstance(c, Tensor) and c.requires_grad)
                else:
                    ctx.needs_input_grad = tuple([isinstance(a, Tensor) and a.requires_grad
                                                  for a in args])
            else:
                ctx.needs_input_grad = _NO_NEEDS[len(args)] if len(args) < 8 else \
                    (False,) * len(args)
            out = cls.forward(ctx, *arrays, **attrs)
        except (ValueError, OverflowError) as exc:
            return cls._forward_failed(exc, args, attrs)
        if type(out) is tuple or cls.view:
            result = _wrap(cls, ctx, out, args, link)
        else:  # one plain output: the common case, inlined
            if type(out) is not dev.xp.ndarray:
                # ctx.device, not dev: ToDevice's forward moves the result to another device
                out = ctx.device.xp.asarray(out)
            if link and out.dtype in _DIFFERENTIABLE and cls.differentiable_outputs is None:
                result = _new(Tensor)  # make_tensor(out, ctx.device, True, ctx, 0) written out
                result._data, result.device, result.requires_grad = out, ctx.device, True
                result.grad_fn, result._output_nr, result._vc = ctx, 0, [0]
                _link(ctx, args, (result,))
            else:  # make_tensor(out, ctx.device) written out
                result = _new(Tensor)
                result._data, result.device, result.requires_grad = out, ctx.device, False
                result.grad_fn, result._output_nr, result._vc = None, 0, [0]
                ctx.out_meta = None
        if hooks.active:
            _after_apply(cls, ctx, args, attrs, result, link)
        return result

    @classmethod
    def _forward_failed(cls, exc, args, attrs):
        """Called with the ValueError/OverflowError that NumPy raised in promotion or
        forward; an op family may translate it into torch's error (or retry)."""
        raise exc


def _scalars_keep(np_dt, args):
    """True when every Python scalar in args leaves the tensors' dtype as it is."""
    keep = _SCALAR_KEEPS.get(np_dt)
    if keep is None:
        return False
    for a in args:
        if a is not None and not isinstance(a, Tensor) and type(a) not in keep:
            return False
    return True


def _build_scalar_keeps():
    """For each NumPy dtype, the Python scalar types that torch's promotion ignores."""
    table = {}
    for d in _dtype.ALL:
        if d._np is None:
            continue
        cat = _dtype.category(d)
        table[d._np] = frozenset(t for t, c in ((type(True), 0), (type(1), 1), (type(1.0), 2),
                                                (type(1j), 3)) if c <= cat)
    return table


_SCALAR_KEEPS = _build_scalar_keeps()
_NO_NEEDS = tuple((False,) * n for n in range(8))
_NEED_ONE = (True,)
_FLOATING = {d._np for d in _dtype.ALL if d._np is not None and _dtype.is_float_like(d)}


def _wrap(cls, ctx, out, args, link):
    dev = ctx.device  # forward may move it (ToDevice)
    nd = dev.xp.ndarray
    if type(out) is nd and cls.view and not link:
        # one view output, no graph (shape ops in backward formulas and under no_grad)
        base = args[0]
        t = _new(Tensor)
        t._data, t.device, t.requires_grad, t.grad_fn, t._output_nr = out, dev, False, None, 0
        xa = base._data
        ob = out.base
        if ob is xa or out is xa or ob is not None and (
                ob is xa.base or ctx.xp.may_share_memory(out, xa)):
            t._vc = base._vc
            root = base._base
            t._base = base if root is None else root
        else:
            t._vc = [0]
        ctx.out_meta = None
        return t
    if type(out) is tuple:
        multi = True
        outs = out
    else:
        multi = False
        outs = (out,)
    ndiff = cls.differentiable_outputs
    results = []
    any_linked = False
    for i, a in enumerate(outs):
        if type(a) is not nd:
            a = dev.xp.asarray(a)
        linked = link and (ndiff is None or i < ndiff) and a.dtype in _DIFFERENTIABLE
        t = make_tensor(a, dev, linked, ctx if linked else None, i)
        any_linked |= linked
        results.append(t)
    if cls.view:
        # outputs share the base's memory, version counter and root base; NumPy may copy
        # where no view exists (reshape of a transposed array): such an output is a new
        # tensor, as torch's reshape gives
        base = args[0]
        root = base._base
        if root is None:
            root = base
        xa = base._data
        for t in results:
            a = t._data
            ob = a.base
            if ob is xa or a is xa or ob is not None and (
                    ob is xa.base or ctx.xp.may_share_memory(a, xa)):
                t._vc = base._vc
                t._base = root
        if link:
            ctx._view_v = base._vc[0]
    if any_linked:
        _link(ctx, args, results)
    else:
        ctx.out_meta = None
    return tuple(results) if multi else results[0]


_NO_EDGE = (None, 0)


def _link(ctx, args, results):
    """Make ctx a node of the graph: its edges, what backward needs, its order.

    Metadata holds NumPy dtypes (what the engine compares against), not ember dtypes."""
    ctx.seq = next(_seq)
    edges = []
    meta = []
    for a, n in zip(args, ctx.needs_input_grad):
        if n:
            fn = a.grad_fn
            if fn is None:  # a leaf: its live AccumulateGrad (a._accumulator() inlined)
                fn = a._acc_ref
                if fn is not None:
                    fn = fn()
                if fn is None:  # AccumulateGrad(a) written out
                    fn = _new(AccumulateGrad)
                    fn.variable, fn.next_functions, fn.seq = a, (), -1
                    fn._pre_hooks = fn._post_hooks = None
                    a._acc_ref = _weakref(fn)
                edges.append((fn, 0))
            elif a._base is not None and fn._view_v != a._vc[0]:
                edges.append(_edge(a))
            else:
                edges.append((fn, a._output_nr))
            d = a._data
            meta.append((d.shape, d.dtype))
        else:
            edges.append(_NO_EDGE)
            meta.append(None)
    ctx.next_functions = tuple(edges)
    ctx.input_meta = tuple(meta)
    if len(results) == 1:
        d = results[0]._data
        ctx.out_meta = ((d.shape, d.dtype),)
    else:
        ctx.out_meta = tuple([(t._data.shape, t._data.dtype) for t in results])
    idx = ctx._save_idx
    if idx is not None:
        if len(idx) == 2:  # the common case (binary ops, linear) without list building
            i, j = idx
            s0 = None if i is None else args[i]
            s1 = None if j is None else args[j]
            ctx._saved = (s0, s1)
            ctx._saved_versions = (s0._vc[0] if isinstance(s0, Tensor) else None,
                                   s1._vc[0] if isinstance(s1, Tensor) else None)
        else:
            saved = tuple([None if i is None else args[i] for i in idx])
            ctx._saved = saved
            ctx._saved_versions = tuple([t._vc[0] if isinstance(t, Tensor) else None
                                         for t in saved])
    if ctx._save_out:
        ctx._out_arrays = tuple([t._data for t in results])
        ctx._out_vcs = tuple([t._vc for t in results])
        ctx._out_versions = tuple([t._vc[0] for t in results])


def _after_apply(cls, ctx, args, attrs, result, link):
    if hooks.anomaly:
        if link:
            ctx._trace = traceback.extract_stack()[:-3]
        if hooks.anomaly_check_nan and not _grad_state.in_backward:
            _check_forward_nan(cls.__name__, args, result)
    if hooks.tracer is not None:
        hooks.tracer(cls, args, attrs, result)


def _has_nan(t):
    return t._data.dtype.kind in "fc" and bool(t.device.xp.isnan(t._data).any())


def _check_forward_nan(name, args, result):
    """Anomaly mode: raise at the first op whose forward *made* a nan (its inputs had none)."""
    outs = result if isinstance(result, tuple) else (result,)
    for i, t in enumerate(outs):
        if isinstance(t, Tensor) and _has_nan(t):
            if any(isinstance(a, Tensor) and _has_nan(a) for a in args):
                return  # propagated, not produced here
            raise RuntimeError(
                f"Function '{name}' returned nan values in its {i}th output (forward pass). "
                f"The call that produced it:\n{_where(traceback.extract_stack())}")


_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _where(stack, depth=4):
    """The innermost frames outside the ember package (the user's line that made the op last),
    in traceback format."""
    frames = [f for f in stack if not os.path.abspath(f.filename).startswith(_PKG_DIR)]
    frames = frames[-depth:] if frames else stack[-1:]
    return "\n".join(f'  File "{f.filename}", line {f.lineno}, in {f.name}\n    {f.line}'
                     for f in frames)


# ---------------------------------------------------------------- public custom Function

class FunctionCtx(Node):
    """The ctx of a user-defined Function (and its grad_fn, as in torch)."""

    __slots__ = ()

    def __init__(self, op, device):
        Node.__init__(self, op, device)
        self._view_v = None

    def name(self):
        return self.op.__name__ + "Backward"

    def save_for_backward(self, *tensors):
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument "
                                f"{tensors.index(t)} is of type {type(t).__name__}")
        self._saved = tensors
        self._saved_versions = tuple(t._vc[0] if t is not None else 0 for t in tensors)

    @property
    def saved_tensors(self):
        self._check_saved()
        if self._saved is None:
            return ()
        for t, v in zip(self._saved, self._saved_versions):
            if t is not None and t._vc[0] != v:
                raise _modified_error(t, v, _current_grad_fn(t), t._output_nr)
        return self._saved

    def mark_non_differentiable(self, *tensors):
        self.__dict__.setdefault("_non_diff", set()).update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        self.__dict__["_dirty"] = tensors

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)

    def release(self):
        if self._saved is not None:
            self._freed = True
            self._saved = None


class Function:
    """torch.autograd.Function: subclass with static forward(ctx, ...) and backward(ctx, ...).

    forward gets the arguments as given (Tensors with their history) and runs with grad
    disabled; backward gets one gradient per output and returns one per forward argument.
    The torch 2 style, forward(*args) plus setup_context(ctx, inputs, output), works too.
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode AD.")

    vjp = backward

    def __init__(self, *args, **kwargs):
        import warnings
        warnings.warn(f"{type(self)} should not be instantiated. Methods on autograd functions "
                      "are all static, so you should invoke them on the class itself. "
                      "Instantiating an autograd function will raise an error in a future "
                      "version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is "
                           "deprecated. Please use new-style autograd function with static "
                           "forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @classmethod
    def apply(cls, *args, **kwargs):
        dev = None
        for a in args:
            if isinstance(a, Tensor):
                if dev is None:
                    dev = a.device
                elif a.device is not dev:
                    raise device_mismatch(dev, a.device)
        ctx = FunctionCtx(cls, dev or cpu)
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        ctx.needs_input_grad = needs
        separate = cls.setup_context is not Function.setup_context
        with grad_mode.no_grad():
            if separate:
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        link = any(needs) and _grad_state.enabled
        multi = isinstance(out, tuple)
        outs = out if multi else (out,)
        non_diff = ctx.__dict__.get("_non_diff", ())
        dirty = ctx.__dict__.get("_dirty", ())
        dirty_ids = {id(t) for t in dirty}
        if link:
            for t in dirty:
                if t.requires_grad and t.grad_fn is None:
                    raise RuntimeError("a leaf Variable that requires grad has been used in an "
                                       "in-place operation.")
        if link:  # before the outputs change: a dirty input is also an output
            ctx.next_functions = tuple(_edge(a) if n else (None, 0) for a, n in zip(args, needs))
        results = []
        for i, o in enumerate(outs):
            if isinstance(o, Tensor):
                if id(o) in dirty_ids:
                    o._vc[0] += 1
                elif any(o is a for a in args) or o.grad_fn is not None or o._base is not None:
                    # an input returned as is, or a view: give the output an identity of its own
                    o = o._alias()
                if link and id(outs[i]) not in non_diff and o._data.dtype in _DIFFERENTIABLE:
                    o.grad_fn, o._output_nr, o.requires_grad = ctx, i, True
                    if o._base is not None:
                        if id(o) in dirty_ids:
                            ctx._view_v = o._vc[0]
                        else:
                            o._base = None  # its history is this node, not a view's
                elif link and id(outs[i]) in non_diff:
                    o.requires_grad = False
            results.append(o)
        ctx.out_meta = tuple((o._data.shape, o._data.dtype) if isinstance(o, Tensor) else None
                             for o in results)
        if link:
            ctx.seq = next(_seq)
            ctx.input_meta = tuple((a._data.shape, a._data.dtype) if n else None
                                   for a, n in zip(args, needs))
            if hooks.anomaly:
                ctx._trace = traceback.extract_stack()[:-1]
                if hooks.anomaly_check_nan and not _grad_state.in_backward:
                    _check_forward_nan(cls.__name__, args, tuple(results))
        return tuple(results) if multi else results[0]


def once_differentiable(fn):
    """The backward runs without recording a graph, so a second derivative through it is
    refused (its results do not require grad)."""
    import functools

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with grad_mode.no_grad():
            return fn(ctx, *args)
    return wrapper
