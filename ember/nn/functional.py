"""torch.nn.functional: argument checks with torch's errors, then compositions of ember.ops."""
from ..ops.joining import cat, constant_pad_nd, flip
from ..ops.shape import expand, narrow

_PAD_SUPPORT = ("Supported combinations for non-constant padding:\n"
                "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
                "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
                "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")


def pad(input, pad, mode="constant", value=None):
    """torch.nn.functional.pad. `pad` lists (left, right) pairs from the last dim backwards.

    constant: any number of dims, negative pads crop. reflect / replicate / circular pad the
    last 1, 2 or 3 dims of an input with one more (unbatched) or two more (batched) dims.
    """
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    pad = tuple(pad)
    for i, p in enumerate(pad):
        if isinstance(p, bool) or not isinstance(p, int) and not hasattr(p, "__index__"):
            raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but "
                            f"found element of type {type(p).__name__} at pos {i}")
    pad = tuple(int(p) for p in pad)
    nd = input.ndim
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) > 2 * nd:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pad)} and input of dimension "
                           f"{nd}")
    if mode == "constant":
        return constant_pad_nd(input, pad, 0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    k = len(pad) // 2
    if not (1 <= k <= 3 and nd in (k + 1, k + 2)):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for {nd}D input "
                                  f"tensor.\n{_PAD_SUPPORT}")
    shape = input.shape
    if mode == "circular":
        return _pad_circular(input, pad, k)
    # reflect and replicate: only a batch dim (when there is one) may be empty
    if any(s == 0 for s in shape[nd - k - 1 if nd == k + 2 else 0:]):
        raise RuntimeError(f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 "
                           f"batch size and other non-zero dimensions for input, but got: "
                           f"{list(shape)}")
    if mode == "reflect":
        for i in range(k):
            lo, hi, n = pad[2 * i], pad[2 * i + 1], shape[nd - 1 - i]
            if lo >= n or hi >= n:
                raise RuntimeError(f"Argument #{4 + 2 * i}: Padding size should be less than the "
                                   f"corresponding input dimension, but got: padding ({lo}, "
                                   f"{hi}) at dimension {nd - 1 - i} of input {list(shape)}")
    out_shape = list(shape)
    for i in range(k):
        out_shape[nd - 1 - i] += pad[2 * i] + pad[2 * i + 1]
    if k == 1 and out_shape[-1] < 1:
        raise RuntimeError(f"input (W: {shape[-1]}) is too small. Calculated output W: "
                           f"{out_shape[-1]}")
    for o in out_shape:
        if o < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {o}: "
                               f"{out_shape}")
    edge = _reflect_edges if mode == "reflect" else _replicate_edges
    out = input
    for i in range(k):
        d = nd - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        # pad the positive sides from the full input, then crop the negative sides: both
        # modes index the source as if nothing were cropped
        left, right = edge(out, d, max(lo, 0), max(hi, 0))
        parts = [p for p in (left, out, right) if p is not None]
        if len(parts) > 1:
            out = cat(parts, d)
        start, stop = max(-lo, 0), out.shape[d] - max(-hi, 0)
        if start or stop != out.shape[d]:
            out = narrow(out, d, start, stop - start)
    return out


def _reflect_edges(x, d, lo, hi):
    n = x.shape[d]
    left = flip(narrow(x, d, 1, lo), d) if lo else None
    right = flip(narrow(x, d, n - 1 - hi, hi), d) if hi else None
    return left, right


def _replicate_edges(x, d, lo, hi):
    n = x.shape[d]

    def edge(start, count):
        size = list(x.shape)
        size[d] = count
        return expand(narrow(x, d, start, 1), size)
    return (edge(0, lo) if lo else None), (edge(n - 1, hi) if hi else None)


def _pad_circular(input, pad, k):
    nd = input.ndim
    out = input
    for i in range(k):
        d = nd - 1 - i
        lo, hi, n = pad[2 * i], pad[2 * i + 1], input.shape[d]
        if lo > n or hi > n:
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if n + lo + hi < 0:
            raise RuntimeError("Negative padding value is resulting in an empty dimension")
        # torch crops the negative sides first and wraps around what is left
        start = max(-lo, 0)
        out = narrow(out, d, start, n - start - max(-hi, 0))
        m = out.shape[d]
        if lo > m or hi > m:
            raise RuntimeError("Padding value causes wrapping around more than once.")
        parts = []
        if lo > 0:
            parts.append(narrow(out, d, m - lo, lo))
        parts.append(out)
        if hi > 0:
            parts.append(narrow(out, d, 0, hi))
        if len(parts) > 1:
            out = cat(parts, d)
    return out
