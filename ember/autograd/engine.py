"""The backward pass: walks the recorded graph from the outputs to the leaves.

Nodes run when every gradient flowing into them has arrived (dependency counting), the
newest first among the ready ones, as torch's engine does. Broadcasting is undone here,
once, by `sum_to`; op formulas never mention it.

Hooks run in torch's order for each node: the tensor hooks (`Tensor.register_hook`), then
retain_grad, then (autograd.grad) the gradient is captured, then the node's pre-hooks
(`grad_fn.register_prehook`), the backward, and its post-hooks.
"""
import heapq
import sys
import warnings

from .. import _dtype
from . import function as _function
from . import grad_mode
from .function import _FLOATING, AccumulateGrad, _edge, _RetainGrad, _where, hooks


def sum_to(grad, shape):
    """Sum `grad` down to `shape`: the reverse of broadcasting `shape` up to grad.shape."""
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    inner = tuple(lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1)
    if not inner:  # only new leading dims (a bias): one reduction, no reshape
        return grad.sum(tuple(range(lead)))
    grad = grad.sum(tuple(range(lead)) + inner, keepdim=True)
    if lead:
        grad = grad.reshape(shape)
    return grad


def _root_grads(tensors, grad_tensors):
    if len(tensors) == 1 and grad_tensors[0] is None:  # loss.backward(): the loop's first case
        t = tensors[0]
        a = t._data
        if a.ndim == 0 and a.dtype in _FLOATING and a.dtype.kind != "c":
            return [_function.make_tensor(t.device.xp.array(1, a.dtype), t.device)]
    grads = []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors)):
        if g is None:
            a = t._data
            if a.size == 1 and a.dtype in _FLOATING and a.dtype.kind != "c":  # a scalar loss
                xp = t.device.xp
                # array(1) makes a 0-d array several times faster than ones(())
                one = xp.array(1, a.dtype) if a.ndim == 0 else xp.ones(a.shape, a.dtype)
                grads.append(_function.make_tensor(one, t.device))
                continue
            from .._creation import ones_like
            if t.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not t.dtype.is_floating_point:  # complex too, as torch
                raise RuntimeError(f"grad can be implicitly created only for real scalar "
                                   f"outputs but got {t.dtype}")
            g = ones_like(t)
        elif g.shape != t.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                f"has a shape of {t.shape}.")
        elif g.dtype is not t.dtype and not t.dtype.is_complex and not g.dtype.is_complex:
            g = g.to(t.dtype)  # torch casts the seed gradient to the output's dtype
        grads.append(g)
    return grads


def _collect(roots, targets):
    """The nodes to visit, their dependency counts, and those whose backward must run.

    Without targets every reachable node is visited and run. With targets (inputs=),
    only nodes on a path to a target are visited, and a target that leads to no other
    target is only captured, never run (as torch).
    """
    order, seen, stack = [], set(), list(roots)
    for r in roots:
        seen.add(r)
    while stack:  # iterative DFS; graphs of RNNs are deeper than Python's recursion limit
        node = stack.pop()
        order.append(node)
        for nxt, _ in node.next_functions:
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    if targets is None:
        needed = seen
    else:
        needed = set(targets)
        # a node is needed when one of its next nodes is: creation order visits every
        # node after all of its next nodes, which settles a DAG in one pass
        for node in sorted(order, key=lambda n: n.seq):
            if node not in needed and any(n in needed for n, _ in node.next_functions):
                needed.add(node)
    deps = {}
    for node in needed:
        for nxt, _ in node.next_functions:
            if nxt is not None and nxt in needed:
                deps[nxt] = deps.get(nxt, 0) + 1
    run = None
    if targets is not None:
        run = {node for node in needed if any(n in needed for n, _ in node.next_functions)}
    return needed, deps, run


def _count_deps(roots):
    """Every node reachable from roots with the number of edges into it (no inputs=: every
    reachable node is needed and run), in one pass."""
    deps = {}
    stack = list(roots)
    rootset = set(roots) if len(roots) > 1 else None
    while stack:  # iterative DFS; graphs of RNNs are deeper than Python's recursion limit
        for nxt, _ in stack.pop().next_functions:
            if nxt is not None:
                c = deps.get(nxt)
                if c is None:
                    deps[nxt] = 1
                    # (a leaf's AccumulateGrad leads nowhere: not worth a visit)
                    if type(nxt) is not AccumulateGrad and (rootset is None or
                                                             nxt not in rootset):
                        stack.append(nxt)
                else:
                    deps[nxt] = c + 1
    return deps


def _add(buffers, node, nr, g):
    buf = buffers.get(node)
    if buf is None:
        # (a leaf's AccumulateGrad has no out_meta: one gradient)
        n = 1 if type(node) is AccumulateGrad or not isinstance(node.out_meta, tuple) else \
            len(node.out_meta)
        buf = buffers[node] = [None] * n
    prev = buf[nr]
    buf[nr] = g if prev is None else prev + g


def run_backward(tensors, grad_tensors, retain_graph, create_graph, inputs=None,
                 accumulate=True, allow_unused=False):
    """The shared core of Tensor.backward, autograd.backward and autograd.grad.

    With accumulate=False (autograd.grad) gradients for `inputs` are returned, not stored.
    With accumulate=True and inputs, only those tensors (leaves or not) get .grad.
    """
    if inputs is None and len(tensors) == 1:
        # loss.backward(): the general set-up below without its loops (one root, no
        # incoming edge, every reachable node needed and run)
        t = tensors[0]
        if not t.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not "
                               "have a grad_fn")
        g = _root_grads(tensors, grad_tensors)[0]
        node, nr = _edge(t)
        capture = targets = needed = run = results = None
        deps = _count_deps([node])
        buf = [None] * (1 if type(node) is AccumulateGrad or
                        not isinstance(node.out_meta, tuple) else len(node.out_meta))
        buf[nr] = g
        buffers = {node: buf}
        heap = [(-node.seq, id(node), node)]
        t = g = buf = None
    else:
        for i, t in enumerate(tensors):
            if not t.requires_grad:
                raise RuntimeError(f"element {i} of tensors does not require grad and does not "
                                   "have a grad_fn")
        grads = _root_grads(tensors, grad_tensors)
        root_edges = [_edge(t) for t in tensors]
        capture = None
        targets = None
        if len(root_edges) == 1:
            roots = [root_edges[0][0]]
        else:
            roots = list(dict.fromkeys(node for node, _ in root_edges))
        if inputs is not None:
            capture = {}
            for k, t in enumerate(inputs):
                if not t.requires_grad:
                    raise RuntimeError("One of the differentiated Tensors does not require grad")
                capture.setdefault(_edge(t), []).append(k)
            targets = {node for node, _ in capture}
            needed, deps, run = _collect(roots, targets)
        else:
            # every reachable node is needed and run: `needed` None skips the membership tests
            needed = run = None
            deps = _count_deps(roots)
        buffers = {}
        for (node, nr), g in zip(root_edges, grads):
            if needed is None or node in needed:
                _add(buffers, node, nr, g)
        results = [None] * len(inputs) if inputs is not None else None
        heap = [(-n.seq, id(n), n) for n in roots
                if (needed is None or n in needed) and deps.get(n, 0) == 0]
        if len(heap) > 1:
            heapq.heapify(heap)
    state = grad_mode.state
    prev_mode = state.enabled
    state.enabled = create_graph
    anomaly = hooks.anomaly
    if anomaly:
        state.in_backward += 1  # the ops of backward formulas are not forward ops
    heappop, heappush = heapq.heappop, heapq.heappush
    simple = capture is None and run is None and not anomaly
    try:
        while heap:
            node = heappop(heap)[2]
            buf = buffers.pop(node, None)
            if type(node) is AccumulateGrad:
                if buf is not None and buf[0] is not None:
                    var = node.variable
                    if var._hooks:
                        buf[0] = _run_hooks(var._hooks, buf[0])
                    if capture is not None and not accumulate:
                        for k in capture.get((node, 0), ()):
                            results[k] = buf[0]
                    if accumulate and (targets is None or node in targets):
                        old = var._grad
                        if old is not None and not create_graph and old.grad_fn is None and \
                                var._post_acc is None:
                            # _accumulate_grad's common case inlined: add into .grad in place
                            old._data += buf[0]._data
                            old._vc[0] += 1
                        else:
                            _accumulate_grad(var, buf, create_graph, True)
                        old = None
                continue
            in_grads = None
            if buf is not None and simple and len(buf) == 1 and node._pre_hooks is None and \
                    node._post_hooks is None:
                # the common case (one output gradient, no hook, nothing captured, no anomaly
                # mode): the general branch below with everything that cannot apply left out
                g = buf[0]
                buf = None  # so that g's only holder is the formula's frame
                if g is not None:
                    in_grads = node.op.backward(node, g)
                    g = None
                    if type(in_grads) is not tuple:
                        in_grads = (in_grads,)
                    if len(in_grads) != len(node.next_functions):
                        in_grads = _fix_count(node, in_grads)
                    if not retain_graph and (node._saved is not None or node._save_out):
                        node.release()
            elif buf is not None:
                pre = node._pre_hooks
                if pre:
                    _tensor_hooks(pre, buf)
                if capture is not None:
                    _capture(node, buf, capture, results, inputs, accumulate, create_graph)
                if pre:
                    _node_prehooks(pre, buf)
                if run is None or node in run:
                    if len(buf) == 1:
                        g = buf[0]
                        if g is not None:
                            if anomaly or node._post_hooks:
                                in_grads = _call_backward(node, buf)
                            else:  # the common case, _call_backward inlined
                                buf = None  # so that g's only holder is the formula's frame
                                in_grads = node.op.backward(node, g)
                                g = None
                                if type(in_grads) is not tuple:
                                    in_grads = (in_grads,)
                                if len(in_grads) != len(node.next_functions):
                                    in_grads = _fix_count(node, in_grads)
                    elif any(g is not None for g in buf):
                        in_grads = _call_backward(node, buf)
                    if in_grads is not None and not retain_graph and (
                            node._saved is not None or node._save_out):
                        node.release()  # (it frees only what was saved)
                buf = None
            meta = node.input_meta
            i = -1
            for nxt, nr in node.next_functions:
                i += 1
                if nxt is None or needed is not None and nxt not in needed:
                    continue
                if in_grads is not None:
                    g = in_grads[i]
                    if g is not None:
                        shape, dt = meta[i]
                        d = g._data
                        if d.shape != shape:
                            g = _fit_shape(node, i, g, shape)
                        if d.dtype is not dt:
                            g = g.to(_dtype.from_numpy(dt))
                        nbuf = buffers.get(nxt)
                        if nbuf is None and (type(nxt) is AccumulateGrad or
                                             len(nxt.out_meta) == 1):
                            buffers[nxt] = [g]  # _add's common case inlined: a first grad
                        else:
                            _add(buffers, nxt, nr, g)
                        nbuf = None
                c = deps[nxt] - 1
                deps[nxt] = c
                if c == 0:
                    heappush(heap, (-nxt.seq, id(nxt), nxt))
            # drop our references: an unshared gradient can then become a leaf's .grad as is
            in_grads = g = d = None
    finally:
        state.enabled = prev_mode
        if anomaly:
            state.in_backward -= 1
    if inputs is not None and not allow_unused and accumulate is False:
        for k, g in enumerate(results):
            if g is None:
                raise RuntimeError(f"The differentiated Tensor at index {k} appears to not have "
                                   "been used in the graph. Set allow_unused=True if this is the "
                                   "desired behavior.")
    return results


def _fix_count(node, out):
    n_in = len(node.next_functions)
    if len(out) > n_in and all(g is None for g in out[n_in:]):
        return out[:n_in]
    raise RuntimeError(f"function {node.name()} returned an incorrect number of "
                       f"gradients (expected {n_in}, got {len(out)})")


def _capture(node, buf, capture, results, inputs, accumulate, create_graph):
    """autograd.grad: keep the gradients of the requested non-leaf inputs; backward(inputs=)
    stores them in their .grad."""
    for nr, g in enumerate(buf):
        ks = capture.get((node, nr))
        if ks is not None and g is not None:
            if not accumulate:
                for k in ks:
                    results[k] = g
            else:
                _accumulate_grad(inputs[ks[0]], [g], create_graph, False)


def _run_hooks(fns, g):
    for fn in list(fns):
        new = fn(g)
        if new is not None:
            g = new
    return g


def _tensor_hooks(entries, buf):
    """Tensor.register_hook hooks of the node's outputs, then retain_grad (always last)."""
    retains = None
    for nr, fn in list(entries):
        if nr is None:
            continue
        if type(fn) is _RetainGrad:
            retains = (retains or []) + [(nr, fn)]
        elif buf[nr] is not None:
            new = fn(buf[nr])
            if new is not None:
                buf[nr] = new
    if retains:
        for nr, fn in retains:
            if buf[nr] is not None:
                fn(buf[nr])


def _node_prehooks(entries, buf):
    for nr, fn in list(entries):
        if nr is None:
            new = fn(tuple(buf))
            if new is not None:
                buf[:] = list(new)


def _fit_shape(node, i, g, shape):
    """Sum a broadcast gradient back to the input's shape; refuse one that cannot be."""
    gs = g.shape
    lead = len(gs) - len(shape)
    if lead < 0 or any(n != 1 and n != gs[lead + j] for j, n in enumerate(shape)):
        raise RuntimeError(f"Function {node.name()} returned an invalid gradient at index {i} - "
                           f"got {list(gs)} but expected shape compatible with {list(shape)}")
    a = g._data
    if not grad_mode.state.enabled and a.dtype.itemsize >= 4 and a.dtype.kind == "f":
        # no graph wanted (float16/bfloat16 keep Sum's float32 accumulation): the same
        # reduction on the array, without an op's node and tensor wrapping
        inner = tuple(lead + j for j, n in enumerate(shape) if n == 1 and gs[lead + j] != 1)
        if inner:
            out = a.sum(axis=tuple(range(lead)) + inner, keepdims=True)
            if lead:
                out = out.reshape(shape)
        else:
            out = a.sum(axis=tuple(range(lead)))
        if type(out) is not type(a):
            out = g.device.xp.asarray(out)
        return _function.make_tensor(out, g.device)
    return sum_to(g, shape)


def _call_backward(node, buf):
    if any(g is None for g in buf) and node.materialize_grads:
        # a missing output gradient is zero; non-differentiable outputs get none
        from .._creation import zeros
        ndiff = getattr(node.op, "differentiable_outputs", None)
        buf = [zeros(meta[0], dtype=_dtype.from_numpy(meta[1]), device=node.device)
               if g is None and meta is not None and (ndiff is None or i < ndiff) else g
               for i, (g, meta) in enumerate(zip(buf, node.out_meta))]
    if hooks.anomaly:
        try:
            out = node.op.backward(node, *buf)
        except Exception:
            _warn_trace(node)
            raise
    else:
        out = node.op.backward(node, *buf)
    if not isinstance(out, tuple):
        out = (out,)
    if len(out) != len(node.next_functions):
        out = _fix_count(node, out)
    if node._post_hooks:
        for fn in list(node._post_hooks):
            new = fn(out, tuple(buf))
            if new is not None:
                out = tuple(new)
    if hooks.anomaly and hooks.anomaly_check_nan:
        for i, g in enumerate(out):
            if g is not None and g._data.dtype.kind in "fc" and bool(g.isnan().any()):
                where = _where(node._trace) if node._trace else "  (no forward trace recorded)"
                raise RuntimeError(
                    f"Function '{node.name()}' returned nan values in its {i}th output. "
                    f"The forward call that created it:\n{where}")
    return out


def _warn_trace(node):
    if node._trace:
        import traceback
        trace = "".join(traceback.format_list(node._trace))
        warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused "
                      f"the error:\n{trace}", stacklevel=4)


def _accumulate_grad(var, buf, create_graph, leaf):
    g = buf[0]
    old = var._grad
    if old is None:
        buf[0] = None  # the buffer's reference would keep g from being taken as is
        if create_graph:
            var._grad = g.clone()  # differentiable, and never aliases another tensor's grad
        elif _stealable(g):
            var._grad = g
        else:
            var._grad = g.detach().clone()
    elif create_graph or old.grad_fn is not None:
        var._grad = old + g
    else:
        old._data += g._data  # torch accumulates into the existing .grad in place
        old._vc[0] += 1
    if leaf:
        for fn in var._post_acc or ():
            fn(var)


# ---- taking a gradient as .grad without a copy (torch's AccumulateGrad "steals" it too)

def _refs(t):
    return sys.getrefcount(t), sys.getrefcount(t._data)


_exclusive_refs = None


def _calibrate():
    """The reference counts of a tensor held by one local and of an array held by one tensor,
    measured through the same calls as in _stealable (interpreters count differently)."""
    import numpy

    from .._device import cpu
    from .function import make_tensor
    probe = make_tensor(numpy.zeros(1), cpu)
    return _refs(probe)


def _stealable(g):
    """True when nothing but the engine can reach g or its memory: then it becomes .grad
    without a copy. A gradient that is a view, is shared (Add's backward passes one tensor
    to both inputs, a hook kept it, the user passed it in) or aliases saved data is copied."""
    global _exclusive_refs
    if _exclusive_refs is None:
        _exclusive_refs = _calibrate()
    a = g._data
    flags = a.flags
    if not (flags.owndata and flags.c_contiguous and getattr(flags, "writeable", True)):
        return False
    if g._base is not None or g.grad_fn is not None or g.requires_grad or g._hooks:
        return False
    del a, flags
    rt, ra = _refs(g)
    # one more reference to g than the probe: _stealable's own parameter
    return rt <= _exclusive_refs[0] + 1 and ra <= _exclusive_refs[1]
