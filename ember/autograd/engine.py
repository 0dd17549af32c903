"""The backward pass: walks the recorded graph from the outputs to the leaves.

Nodes run when every gradient flowing into them has arrived (dependency counting), the
newest first among the ready ones, as torch's engine does. Broadcasting is undone here,
once, by `sum_to`; op formulas never mention it.
"""
import heapq

from . import grad_mode
from .function import AccumulateGrad, _edge, _where, hooks


def sum_to(grad, shape):
    """Sum `grad` down to `shape`: the reverse of broadcasting `shape` up to grad.shape."""
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1)
    if dims:
        grad = grad.sum(dims, keepdim=True)
    if lead:
        grad = grad.reshape(shape)
    return grad


def _root_grads(tensors, grad_tensors):
    from .._creation import ones_like
    grads = []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors)):
        if g is None:
            if t.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not t.dtype.is_floating_point and not t.dtype.is_complex:
                raise RuntimeError(f"grad can be implicitly created only for real scalar "
                                   f"outputs but got {t.dtype}")
            g = ones_like(t)
        elif g.shape != t.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                f"has a shape of {t.shape}.")
        grads.append(g)
    return grads


def _collect(roots, targets):
    """Dependency counts of every node that can reach a target (all nodes when targets is None)."""
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
        # a node is needed when one of its next nodes is: sweep until nothing changes,
        # newest first, which settles a DAG in one pass in creation order
        for node in sorted(order, key=lambda n: n.seq):
            if node not in needed and any(n in needed for n, _ in node.next_functions):
                needed.add(node)
    deps = {}
    for node in needed:
        for nxt, _ in node.next_functions:
            if nxt is not None and nxt in needed:
                deps[nxt] = deps.get(nxt, 0) + 1
    return needed, deps


def _add(buffers, node, nr, g):
    buf = buffers.get(node)
    if buf is None:
        n = len(node.out_meta) if isinstance(getattr(node, "out_meta", None), tuple) else 1
        buf = buffers[node] = [None] * n
    prev = buf[nr]
    buf[nr] = g if prev is None else prev + g


def run_backward(tensors, grad_tensors, retain_graph, create_graph, inputs=None,
                 accumulate=True, allow_unused=False):
    """The shared core of Tensor.backward, autograd.backward and autograd.grad.

    With accumulate=False (autograd.grad) gradients for `inputs` are returned, not stored.
    """
    for i, t in enumerate(tensors):
        if not t.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not "
                               "have a grad_fn")
    grads = _root_grads(tensors, grad_tensors)
    root_edges = [_edge(t) for t in tensors]
    capture = None
    targets = None
    if inputs is not None:
        capture = {}
        for k, t in enumerate(inputs):
            if not t.requires_grad:
                raise RuntimeError(f"One of the differentiated Tensors does not require grad")
            capture.setdefault(_edge(t), []).append(k)
        targets = {node for node, _ in capture}
    roots = list(dict.fromkeys(node for node, _ in root_edges))
    needed, deps = _collect(roots, targets)
    buffers = {}
    for (node, nr), g in zip(root_edges, grads):
        if node in needed:
            _add(buffers, node, nr, g)
    results = [None] * len(inputs) if inputs is not None else None
    heap = [(-n.seq, id(n), n) for n in roots if n in needed and deps.get(n, 0) == 0]
    heapq.heapify(heap)
    prev_mode = grad_mode.state.enabled
    grad_mode.state.enabled = create_graph
    try:
        while heap:
            node = heapq.heappop(heap)[2]
            buf = buffers.pop(node, None)
            if buf is not None and node._pre_hooks:
                for nr, fn in list(node._pre_hooks):
                    if nr is None:
                        new = fn(tuple(buf))
                        if new is not None:
                            buf = list(new)
                    elif buf[nr] is not None:
                        new = fn(buf[nr])
                        if new is not None:
                            buf[nr] = new
            if capture is not None and buf is not None:
                for nr, g in enumerate(buf):
                    for k in capture.get((node, nr), ()):
                        results[k] = g
            if type(node) is AccumulateGrad:
                if buf is not None and buf[0] is not None and accumulate:
                    if targets is None or node in targets:
                        _accumulate_grad(node.variable, buf[0], create_graph)
                continue
            in_grads = None
            if buf is not None and any(g is not None for g in buf):
                in_grads = _call_backward(node, buf)
                if not retain_graph:
                    node.release()
            for i, (nxt, nr) in enumerate(node.next_functions):
                if nxt is None or nxt not in needed:
                    continue
                if in_grads is not None and in_grads[i] is not None:
                    g = in_grads[i]
                    shape, dt = node.input_meta[i]
                    if g.shape != shape:
                        g = sum_to(g, shape)
                    if g.dtype is not dt:
                        g = g.to(dt)
                    _add(buffers, nxt, nr, g)
                deps[nxt] -= 1
                if deps[nxt] == 0:
                    heapq.heappush(heap, (-nxt.seq, id(nxt), nxt))
    finally:
        grad_mode.state.enabled = prev_mode
    if inputs is not None and not allow_unused and accumulate is False:
        for k, g in enumerate(results):
            if g is None:
                raise RuntimeError("One of the differentiated Tensors appears to not have been "
                                   "used in the graph. Set allow_unused=True if this is the "
                                   "desired behavior.")
    return results


def _call_backward(node, buf):
    if any(g is None for g in buf):  # materialise missing output grads as zeros
        from .._creation import zeros
        buf = [zeros(shape, dtype=dt, device=node.device) if g is None else g
               for g, (shape, dt) in zip(buf, node.out_meta)]
    out = node.op.backward(node, *buf)
    if not isinstance(out, tuple):
        out = (out,)
    n_in = len(node.next_functions)
    if len(out) != n_in:
        if len(out) > n_in and all(g is None for g in out[n_in:]):
            out = out[:n_in]
        else:
            raise RuntimeError(f"function {node.name()} returned an incorrect number of "
                               f"gradients (expected {n_in}, got {len(out)})")
    if node._post_hooks:
        for fn in node._post_hooks:
            new = fn(out, tuple(buf))
            if new is not None:
                out = tuple(new)
    if hooks.anomaly:
        for i, g in enumerate(out):
            if g is not None and g.dtype.is_floating_point and bool(g.isnan().any()):
                where = _where(node._trace) if node._trace else "(no forward trace recorded)"
                raise RuntimeError(
                    f"Function '{node.name()}' returned nan values in its {i}th output "
                    f"(backward pass). The forward call that created it:\n{where}")
    return out


def _accumulate_grad(var, g, create_graph):
    for fn in var._hooks or ():
        new = fn(g)
        if new is not None:
            g = new
    if var._grad is None:
        # own the memory: g may be shared with another leaf's gradient or an upstream buffer
        var._grad = g if create_graph else g.detach().clone()
    elif create_graph or var._grad.grad_fn is not None:
        var._grad = var._grad + g
    else:
        var._grad.data += g.data
    for fn in var._post_acc_hooks or ():
        fn(var)
