"""einsum: parsing torch's equation forms (string or sublist, ellipses, implicit output)
and the Einsum op, whose gradients are einsums again."""
import builtins
import math

from .._tensor import Tensor, make_tensor
from ..autograd.function import Op
from .inplace import _NAMES

__all__ = ["einsum"]

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


class Einsum(Op):
    """xp.einsum on fully expanded operands (no size-1 broadcasting left, ellipses already
    written out as letters). The gradient of operand k is again an einsum: the output
    gradient contracted with the other operands, plus an identity matrix for each repeated
    subscript of operand k (its diagonal) and a ones vector for each subscript summed over
    operand k alone."""

    promote = None

    @staticmethod
    def forward(ctx, *arrays, inputs, output, sizes):
        ctx.save_inputs(*range(len(arrays)))
        ctx.subs, ctx.out, ctx.sizes = inputs, output, sizes
        xp = ctx.xp
        # a contraction order (and BLAS) pays off for 3+ operands or a large iteration
        # space; below that, the path search costs more than the direct loop
        optimize = len(arrays) > 2 or (len(arrays) == 2 and math.prod(sizes.values()) > 32768)
        out = xp.einsum(",".join(inputs) + "->" + output, *arrays, optimize=optimize)
        for a in arrays:  # NumPy may return a view (transposes, diagonals): own the result
            if xp.may_share_memory(out, a):
                return out.copy()
        return out

    @staticmethod
    def backward(ctx, grad):
        operands = ctx.inputs
        used = set(ctx.out).union(*ctx.subs)
        grads = []
        for k, need in enumerate(ctx.needs_input_grad):
            if not need:
                grads.append(None)
                continue
            fresh = iter(c for c in _LETTERS if c not in used)
            terms, args = [ctx.out], [grad]
            for j, (sub, op) in enumerate(zip(ctx.subs, operands)):
                if j != k:
                    terms.append(sub)
                    args.append(op)
            target, seen = [], set()
            xp, dt = grad.device.xp, grad._data.dtype
            for c in ctx.subs[k]:
                if c in seen:  # a diagonal: the gradient lives on it only
                    c2 = next(fresh)
                    terms.append(c + c2)
                    args.append(make_tensor(xp.eye(ctx.sizes[c], dtype=dt), grad.device))
                    target.append(c2)
                else:
                    seen.add(c)
                    target.append(c)
            present = set("".join(terms))
            for c in seen:
                if c not in present:  # summed over this operand only: broadcast back
                    terms.append(c)
                    args.append(make_tensor(xp.ones(ctx.sizes[c], dtype=dt), grad.device))
            grads.append(Einsum.apply(*args, inputs=tuple(terms), output="".join(target),
                                      sizes=ctx.sizes))
        return tuple(grads)


def _einsum_args(args):
    """(equation, operands) from torch's two call forms: a string with tensors (or one list
    of tensors), or the sublist form einsum(op0, [0, 1], op1, [1, 2], [0, 2])."""
    if args and isinstance(args[0], str):
        eq, ops = args[0], list(args[1:])
        if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
            ops = list(ops[0])
        return eq, ops

    def letters(sub):
        out = []
        for s in sub:
            if s is Ellipsis:
                out.append("...")
            else:
                if not 0 <= s < 52:
                    raise ValueError(f"einsum(): subscript in subscript list is not within the "
                                     f"valid range [0, 52)")
                out.append(_LETTERS[s])
        return "".join(out)
    ops, terms, i = [], [], 0
    while i + 1 < len(args) and isinstance(args[i], Tensor):
        ops.append(args[i])
        terms.append(letters(args[i + 1]))
        i += 2
    eq = ",".join(terms)
    if i < len(args):
        eq += "->" + letters(args[i])
    return eq, ops


def _parse_einsum(equation, operands):
    for i, ch in enumerate(equation):
        if not (ch in _LETTERS or ch in " .,->"):
            raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation "
                               f"string, subscripts must be in [a-zA-Z]")
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    if "-" in lhs or ">" in lhs or "-" in rhs or ">" in rhs:
        pos = eq.find("-", eq.find("->") + 2) if "->" in eq else eq.find("-")
        raise RuntimeError(f"einsum(): invalid subscript given at index {builtins.max(pos, 0)} "
                           f"in the equation string, subscripts must be in [a-zA-Z]")
    terms = lhs.split(",")
    if len(terms) > len(operands):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the "
                           "equation")
    if len(terms) < len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the "
                           "equation")
    explicit = []  # per operand: (letters before ..., letters after ..., has ellipsis)
    for k, (term, op) in enumerate(zip(terms, operands)):
        head, dots, tail = term.partition("...")
        if "." in head or "." in tail:
            what = "for which an ellipsis was already found" if dots and "." in tail else \
                "that is not part of any ellipsis"
            raise RuntimeError(f"einsum(): found '.' for operand {k} {what}")
        n = len(head) + len(tail)
        if not dots and n != op.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) does "
                               f"not match the number of dimensions ({op.ndim}) for operand "
                               f"{k} and no ellipsis was given")
        if dots and n > op.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) is "
                               f"more than the number of dimensions ({op.ndim}) for operand {k}")
        explicit.append((head, tail, bool(dots)))
    used = set(lhs) | set(rhs)
    fresh = [c for c in _LETTERS if c not in used]
    n_ell = builtins.max([op.ndim - len(h) - len(t) for (h, t, d), op in zip(explicit, operands)
                          if d] or [0])
    ell = "".join(fresh[:n_ell])
    subs = []
    for (head, tail, dots), op in zip(explicit, operands):
        mid = ell[n_ell - (op.ndim - len(head) - len(tail)):] if dots else ""
        subs.append(head + mid + tail)
    if arrow:
        if "." in rhs.replace("...", "", 1):
            raise RuntimeError("einsum(): found '.' for output that is not part of any "
                               "ellipsis")
        out = rhs.replace("...", ell)
        seen = set()
        for c in rhs.replace("...", ""):
            if c in seen:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in "
                                   f"the output")
            if c not in lhs:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the "
                                   f"equation for any input operand")
            seen.add(c)
    else:  # implicit output: the ellipsis dims, then the labels seen once, in ASCII order
        counts = {}
        for c in lhs:
            if c in _LETTERS:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1))
    return subs, out, ell


def einsum(*args):
    equation, operands = _einsum_args(args)
    if not operands:
        raise ValueError("einsum(): must specify the equation string and at least one "
                         "operand, or at least one operand and its subscripts list")
    subs, out, ell = _parse_einsum(equation, operands)
    sizes = {}
    for k, (sub, op) in enumerate(zip(subs, operands)):
        seen = {}
        for c, s in zip(sub, op.shape):
            if c in seen and seen[c] != s:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} but "
                                   f"the sizes don't match, {s} != {seen[c]}")
            seen[c] = s
            prev = sizes.get(c)
            if prev is None or prev == 1:
                sizes[c] = s
            elif s != 1 and s != prev:
                if c in ell:
                    i = ell.index(c)
                    raise RuntimeError(
                        f"einsum(): dimension {i} covered by ellipsis in operand {k}has size {s} "
                        f"which does not broadcast with previously seen ellipsis with size "
                        f"{prev} for the respective dimension")
                raise RuntimeError(f"einsum(): subscript {c} has size {s} for operand {k} which "
                                   f"does not broadcast with previously seen size {prev}")
    first = operands[0]
    for op in operands[1:]:
        if op.dtype is not first.dtype:
            raise RuntimeError(f"expected scalar type {_NAMES[first.dtype.name]} but found "
                               f"{_NAMES[op.dtype.name]}")
    ops = []
    for sub, op in zip(subs, operands):
        full = tuple(sizes[c] for c in sub)
        ops.append(op.expand(full) if full != tuple(op.shape) else op)
    return Einsum.apply(*ops, inputs=tuple(subs), output=out, sizes=sizes)
