"""add_graph's tracer: run the model once and turn the autograd graph of its outputs into a
TensorBoard GraphDef, each op scoped by the module that ran it (`Net/conv1/ConvNd`)."""
import itertools

from ...autograd import function as _function
from ._summary import protos

_marks = _function._seq      # the counter that numbers graph nodes as they are created


def _module_spans(model, run):
    """Run `run()` with hooks on every submodule; return [(first seq, last seq, path)]."""
    spans, handles, starts = [], [], {}
    for path, module in model.named_modules():
        path = path or type(model).__name__
        handles.append(module.register_forward_pre_hook(
            lambda m, args, path=path: starts.setdefault(path, []).append(next(_marks))))
        handles.append(module.register_forward_hook(
            lambda m, args, out, path=path: spans.append(
                (starts[path].pop(), next(_marks), path))))
    try:
        outputs = run()
    finally:
        for h in handles:
            h.remove()
    return outputs, spans


def _scope(seq, spans, root):
    best = None
    for lo, hi, path in spans:
        if lo < seq < hi and (best is None or hi - lo < best[1] - best[0]):
            best = (lo, hi, path)
    if best is None:
        return root
    path = best[2]
    return path if path == root else f"{root}/{path.replace('.', '/')}"


def _shape_attr(shape):
    p = protos()
    dims = [p["shape"].TensorShapeProto.Dim(size=int(s)) for s in shape]
    return p["attr"].AttrValue(list=p["attr"].AttrValue.ListValue(
        shape=[p["shape"].TensorShapeProto(dim=dims)]))


def trace_graph(model, inputs):
    """GraphDef of one forward of `model` on `inputs` (a tensor or a tuple of them)."""
    from ... import _tensor
    from ...autograd import grad_mode
    if not isinstance(inputs, (tuple, list)):
        inputs = (inputs,)
    # Inputs join the graph as leaves that require grad, so the ops reading them are traced.
    leaves = tuple(x.detach().requires_grad_(x.is_floating_point())
                   if isinstance(x, _tensor.Tensor) else x for x in inputs)
    with grad_mode.enable_grad():
        outputs, spans = _module_spans(model, lambda: model(*leaves))
    root = type(model).__name__
    names = {id(p): f"{root}/{n.replace('.', '/')}"
             for n, p in itertools.chain(model.named_parameters(), model.named_buffers())}
    for i, x in enumerate(leaves):
        if isinstance(x, _tensor.Tensor):
            names[id(x)] = f"input/input.{i}"
    p = protos()
    nodes, seen, counts = [], {}, {}

    def visit(fn):
        """Name of the GraphDef node for autograd node `fn`, adding it and its inputs."""
        if id(fn) in seen:
            return seen[id(fn)]
        var = getattr(fn, "variable", None)
        if var is not None:                                  # a leaf: parameter or input
            name = names.get(id(var), f"{root}/leaf_{len(seen)}")
            seen[id(fn)] = name
            op = "IO Node" if name.startswith("input/") else "prim::Parameter"
            nodes.append(p["node"].NodeDef(name=name, op=op,
                                           attr={"_output_shapes": _shape_attr(var.shape)}))
            return name
        op = fn.name().removesuffix("Backward0").removesuffix("Backward")
        scope = _scope(fn.seq, spans, root)
        k = counts[(scope, op)] = counts.get((scope, op), -1) + 1
        name = f"{scope}/{op}" + (f"_{k}" if k else "")
        seen[id(fn)] = name
        ins = [visit(nxt) for nxt, _ in fn.next_functions if nxt is not None]
        nodes.append(p["node"].NodeDef(name=name, op=op, input=ins))
        return name

    outs = outputs if isinstance(outputs, (tuple, list)) else (outputs,)
    for i, out in enumerate(outs):
        if isinstance(out, _tensor.Tensor) and out.grad_fn is not None:
            src = visit(out.grad_fn)
            nodes.append(p["node"].NodeDef(name=f"output/output.{i}", op="IO Node",
                                           input=[src],
                                           attr={"_output_shapes": _shape_attr(out.shape)}))
    return p["graph"].GraphDef(node=nodes, versions=p["versions"].VersionDef(producer=22))
