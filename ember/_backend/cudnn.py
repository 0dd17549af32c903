"""Convolutions through NVIDIA's cuDNN frontend (`pip install nvidia-cudnn-frontend`,
imported as `cudnn`). Imported only from cupy_ext, never by `import ember`.

Three entry points, forward / dgrad / wgrad, for 1-3 spatial dims. Each returns the result
array, or None when cudnn is not installed or cuDNN supports no engine for the case; the
caller (ember/ops/conv.py through ext.conv_native) then takes its im2col + matmul path, which
gives the same numbers.

A graph is built once per key and cached (a failed build is cached as None too, so an
unsupported shape costs one attempt). The key holds everything the plan depends on: kind,
the three shapes, dtype, stride, (lo, hi) padding, dilation, groups, compute dtype, the
`ember.backends.cudnn` flags and the device. Layout is NCHW(D) contiguous, as Ember stores
arrays; groups are implied by the weight's channel count (cuDNN infers them); 1-d
convolutions run as 2-d ones over a unit height, as torch does.
"""
import importlib

_GRAPHS = {}      # key -> (graph, its 3 port tensors, plan index or None) | None (unsupported)
_HANDLES = {}     # device index -> cudnn handle
_STREAMS = {}     # device index -> stream the handle was last set to
_WORKSPACES = {}  # (device index, stream) -> uint8 buffer, grown as needed

_MISSING = object()
_module = _MISSING       # the cudnn module, None when unavailable
_flag_module = _MISSING  # ember.backends.cudnn, None while it does not exist


def _cudnn():
    """The cudnn module, or None when it is not installed (looked up once)."""
    global _module
    if _module is _MISSING:
        try:
            import cudnn
        except Exception:  # noqa: BLE001 - not installed, or its native library cannot load
            cudnn = None
        _module = cudnn
    return _module


def reset():
    """Forget the module lookup and every cached graph, handle and workspace."""
    global _module, _flag_module
    _module = _flag_module = _MISSING
    _GRAPHS.clear()
    _HANDLES.clear()
    _STREAMS.clear()
    _WORKSPACES.clear()


def _flags():
    """(allow_tf32, deterministic, benchmark) from ember.backends.cudnn, read on each call
    so that a change takes effect (and keys a new graph) at once."""
    global _flag_module
    if _flag_module is _MISSING:
        try:
            _flag_module = importlib.import_module("ember.backends.cudnn")
        except ImportError:
            _flag_module = None
    mod = _flag_module
    return (bool(getattr(mod, "allow_tf32", True)), bool(getattr(mod, "deterministic", False)),
            bool(getattr(mod, "benchmark", False)))


def _enabled():
    """ember.backends.cudnn.enabled (torch's switch): False sends convolutions to im2col."""
    _flags()  # loads the flag module once
    return bool(getattr(_flag_module, "enabled", True))


def _device_and_stream(xp, array):
    """(device index, raw stream pointer) of the array's device, CuPy's current stream."""
    return array.device.id, xp.cuda.get_current_stream().ptr


_DTYPES = {"float16": ("HALF", "FLOAT"), "bfloat16": ("BFLOAT16", "FLOAT"),
           "float32": ("FLOAT", "FLOAT"), "float64": ("DOUBLE", "DOUBLE")}


def _out_len(size, lo, hi, span, stride):
    return (size + lo + hi - span) // stride + 1


def _consistent_padding(in_shape, out_shape, kernel, stride, padding, dilation):
    """(lo, hi) pairs for which cuDNN's output-size rule maps in_shape to out_shape.

    conv_transpose's output_padding (and the rows a strided window never reaches) can make
    the input longer than the forward rule implies (in dgrad, wgrad, and the forward that
    conv_transpose's double backward runs); those trailing rows are never read, so cutting
    hi back describes the same convolution. None when no hi >= 0 does."""
    pads = []
    for i, o, k, s, (lo, hi), d in zip(in_shape, out_shape, kernel, stride, padding, dilation):
        span = d * (k - 1) + 1
        if _out_len(i, lo, hi, span, s) != o:
            hi = (o - 1) * s + span - i - lo
            if hi < 0 or _out_len(i, lo, hi, span, s) != o:
                return None
        pads.append((lo, hi))
    return tuple(pads)


def _lift_1d(shape):
    """(N, C, L) -> (N, C, 1, L): cuDNN convolves 4-d and 5-d tensors."""
    return tuple(shape[:2]) + (1,) + tuple(shape[2:])


def _strides(shape):
    out, acc = [], 1
    for s in reversed(shape):
        out.append(acc)
        acc *= s
    return out[::-1]


def _build(cudnn, handle, kind, x_shape, w_shape, y_shape, dtype_name, stride, padding,
           dilation, flags, xp, arrays):
    io_name, compute_name = _DTYPES[dtype_name]
    io, compute = getattr(cudnn.data_type, io_name), getattr(cudnn.data_type, compute_name)
    allow_tf32, deterministic, benchmark = flags
    graph = cudnn.pygraph(io_data_type=io, intermediate_data_type=compute,
                          compute_data_type=compute, handle=handle)

    def tensor(name, shape):
        return graph.tensor(name=name, dim=list(shape), stride=_strides(shape), data_type=io)

    conv = {"pre_padding": [lo for lo, _ in padding], "post_padding": [hi for _, hi in padding],
            "stride": list(stride), "dilation": list(dilation), "compute_data_type": compute}
    if kind == "forward":
        x, w = tensor("x", x_shape), tensor("w", w_shape)
        y = graph.conv_fprop(image=x, weight=w, name="fprop", **conv)
        y.set_output(True).set_dim(list(y_shape)).set_stride(_strides(y_shape))
        ports = (x, w, y)
    elif kind == "dgrad":
        dy, w = tensor("dy", y_shape), tensor("w", w_shape)
        dx = graph.conv_dgrad(loss=dy, filter=w, name="dgrad", **conv)
        dx.set_output(True).set_dim(list(x_shape)).set_stride(_strides(x_shape))
        ports = (dy, w, dx)
    else:
        x, dy = tensor("x", x_shape), tensor("dy", y_shape)
        dw = graph.conv_wgrad(image=x, loss=dy, name="wgrad", **conv)
        dw.set_output(True).set_dim(list(w_shape)).set_stride(_strides(w_shape))
        ports = (x, dy, dw)
    graph.validate()
    graph.build_operation_graph()
    graph.create_execution_plans([cudnn.heur_mode.A, cudnn.heur_mode.FALLBACK])
    notes = []
    if dtype_name == "float32" and not allow_tf32:
        # torch's rule: without tf32, float32 convolutions may not use tensor-core engines
        # (they round inputs to tf32)
        notes += [cudnn.numerical_note.TENSOR_CORE, cudnn.numerical_note.DOWN_CONVERT_INPUTS]
    if deterministic:
        notes.append(cudnn.numerical_note.NONDETERMINISTIC)
    if notes:
        graph.deselect_numeric_notes(notes)
    graph.check_support()
    if not benchmark:
        graph.build_plans()
        return graph, ports, None
    graph.build_plans(cudnn.build_plan_policy.ALL)
    return graph, ports, _fastest_plan(graph, handle, ports, xp, arrays)


def _fastest_plan(graph, handle, ports, xp, arrays):
    """benchmark=True: time every plan that built on the real operands (as torch's
    cudnn.benchmark does) and keep the fastest."""
    best, best_ms = None, float("inf")
    pack = dict(zip(ports, arrays))
    for i in range(graph.get_execution_plan_count()):
        try:
            ws = xp.empty(max(1, graph.get_workspace_size_plan_at_index(i)), dtype=xp.uint8)
            graph.execute_plan_at_index(pack, ws, i, handle=handle)  # warm-up
            start, end = xp.cuda.Event(), xp.cuda.Event()
            start.record()
            for _ in range(3):
                graph.execute_plan_at_index(pack, ws, i, handle=handle)
            end.record()
            end.synchronize()
            ms = xp.cuda.get_elapsed_time(start, end)
        except Exception:  # noqa: BLE001, S112 - a plan that failed to build or run is skipped
            continue
        if ms < best_ms:
            best, best_ms = i, ms
    if best is None:
        raise RuntimeError("no cuDNN plan ran")
    return best


def _handle(cudnn, device, stream):
    h = _HANDLES.get(device)
    if h is None:
        h = _HANDLES[device] = cudnn.create_handle()
    if _STREAMS.get(device) != stream:
        cudnn.set_stream(handle=h, stream=stream)
        _STREAMS[device] = stream
    return h


def _workspace(xp, device, stream, nbytes):
    key = (device, stream)
    ws = _WORKSPACES.get(key)
    if ws is None or ws.nbytes < nbytes:
        # one buffer per device and stream: launches on one stream are ordered, so reusing
        # it is safe; two streams sharing one would race
        ws = _WORKSPACES[key] = xp.empty(max(1, nbytes), dtype=xp.uint8)
    return ws


def _run(xp, kind, a, b, out_shape, stride, padding, dilation, groups, x_shape, w_shape,
         y_shape):
    cudnn = _cudnn()
    if cudnn is None or a.dtype.name not in _DTYPES or not _enabled():
        return None
    nd = len(stride)
    if nd == 1:
        x_shape, w_shape, y_shape = _lift_1d(x_shape), _lift_1d(w_shape), _lift_1d(y_shape)
        stride, dilation, padding = (1,) + tuple(stride), (1,) + tuple(dilation), \
            ((0, 0),) + tuple(padding)
    elif nd not in (2, 3):
        return None
    stride, dilation = tuple(stride), tuple(dilation)
    padding = tuple((int(lo), int(hi)) for lo, hi in padding)
    flags = _flags()
    device, stream = _device_and_stream(xp, a)
    key = (kind, tuple(x_shape), tuple(w_shape), tuple(y_shape), a.dtype.name, stride,
           padding, dilation, groups, _DTYPES[a.dtype.name][1]) + flags + (device,)
    a = xp.ascontiguousarray(a).reshape({"dgrad": y_shape, "wgrad": x_shape}.get(kind, x_shape))
    b = xp.ascontiguousarray(b).reshape(y_shape if kind == "wgrad" else w_shape)
    out = xp.empty({"forward": y_shape, "dgrad": x_shape, "wgrad": w_shape}[kind],
                   dtype=a.dtype)
    handle = _handle(cudnn, device, stream)
    entry = _GRAPHS.get(key, _MISSING)
    if entry is _MISSING:
        try:
            entry = _build(cudnn, handle, kind, x_shape, w_shape, y_shape, a.dtype.name,
                           stride, padding, dilation, flags, xp, (a, b, out))
        except Exception:  # noqa: BLE001 - unsupported by every engine: im2col from now on
            entry = None
        _GRAPHS[key] = entry
    if entry is None:
        return None
    graph, ports, plan = entry
    pack = {ports[0]: a, ports[1]: b, ports[2]: out}
    if plan is None:
        ws = _workspace(xp, device, stream, graph.get_workspace_size())
        graph.execute(pack, ws, handle=handle)
    else:
        ws = _workspace(xp, device, stream, graph.get_workspace_size_plan_at_index(plan))
        graph.execute_plan_at_index(pack, ws, plan, handle=handle)
    return out.reshape(out_shape)


def forward(xp, x, w, stride, padding, dilation, groups, out_shape):
    """y (N, O, *out_shape) = conv(x (N, C, *in), w (O, C/groups, *k)); padding (lo, hi)."""
    y_shape = tuple(x.shape[:1]) + (w.shape[0],) + tuple(out_shape)
    # the double backward of conv_transpose asks for fewer outputs than the size rule gives
    padding = _consistent_padding(x.shape[2:], out_shape, w.shape[2:], stride, padding,
                                  dilation)
    if padding is None:
        return None
    return _run(xp, "forward", x, w, y_shape, stride, padding, dilation, groups,
                x.shape, w.shape, y_shape)


def dgrad(xp, g, w, stride, padding, dilation, groups, in_shape):
    """dx (N, C, *in_shape) of conv for the output gradient g (N, O, *out)."""
    x_shape = (g.shape[0], w.shape[1] * groups) + tuple(in_shape)
    padding = _consistent_padding(in_shape, g.shape[2:], w.shape[2:], stride, padding,
                                  dilation)
    if padding is None:
        return None
    return _run(xp, "dgrad", g, w, x_shape, stride, padding, dilation, groups,
                x_shape, w.shape, g.shape)


def wgrad(xp, x, g, stride, padding, dilation, groups, kernel):
    """dw (O, C/groups, *kernel) of conv for the input x and output gradient g."""
    w_shape = (g.shape[1], x.shape[1] // groups) + tuple(kernel)
    padding = _consistent_padding(x.shape[2:], g.shape[2:], kernel, stride, padding, dilation)
    if padding is None:
        return None
    return _run(xp, "wgrad", x, g, w_shape, stride, padding, dilation, groups,
                x.shape, w_shape, g.shape)


def workspace_bytes():
    """Bytes held in workspaces (for tests and memory accounting)."""
    return sum(ws.nbytes for ws in _WORKSPACES.values())


__all__ = ["dgrad", "forward", "reset", "wgrad"]
