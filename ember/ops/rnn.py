"""Fused recurrent layers: one Op runs a whole layer (one direction) over every time step.

The modules (ember/nn/modules/rnn.py) compute the input projection x @ W_ih^T + b for all
time steps in one matmul and hand it here as `xg`, rows in packed order (time major, step t
holding its batch_sizes[t] running sequences first). The per-step work left is one matmul
with W_hh and a few elementwise passes on NumPy arrays; backward is the matching
backpropagation through time on arrays, with the weight gradients as one matmul over all
steps. Measured on the LM workload this beats composing ~15 ember ops per step by far
(figures in the session report).

Double backward: the array BPTT is not itself differentiable, so when the graph of the
backward is wanted (create_graph=True, the only time grad mode is on inside backward) the
backward instead replays the layer with ember ops (`*_reference`, the same math as a
composition of differentiable ops) and differentiates that with create_graph=True.

The state arrays are full batch size; step t updates rows [:batch_sizes[t]] only. Running
forward in time a finished sequence's row keeps its last state (its h_n); running in
reverse, a row that has not started yet keeps its initial state. So one loop handles padded
(every batch size equal), packed and reversed input alike.
"""
from .._tensor import make_tensor
from ..autograd import grad_mode
from ..autograd.function import Op

__all__ = []

_state = grad_mode.state


def _steps(batch_sizes, reverse):
    """(row offset, batch size) per time step, in processing order."""
    out = []
    off = 0
    for b in batch_sizes:
        out.append((off, b))
        off += b
    return out[::-1] if reverse else out


def _replay_grads(ctx, grads, reference):
    """Gradients of the layer through its ember-op composition, with their own graph."""
    from ..autograd import grad as _grad
    from ..autograd.grad_mode import enable_grad
    inputs = ctx.inputs
    wanted = [t for t, n in zip(inputs, ctx.needs_input_grad) if n]
    with enable_grad():
        outs = reference(*inputs, batch_sizes=ctx.batch_sizes, reverse=ctx.reverse)
        pairs = [(o, g) for o, g in zip(outs, grads) if g is not None]
        got = _grad([o for o, _ in pairs], wanted, [g for _, g in pairs], create_graph=True,
                    allow_unused=True)
    got = list(got)
    return tuple([got.pop(0) if n else None for n in ctx.needs_input_grad])


def _zero_like(t):
    return t * 0 if t is not None else None


def _wrap(ctx, arrays):
    dev = ctx.device
    return tuple([None if a is None else make_tensor(a, dev) for a in arrays])


# ---------------------------------------------------------------- LSTM

class LSTMLayer(Op):
    """xg (N, 4H: gates i, f, g, o with both biases), h0 (B, P), c0 (B, H), w_hh (4H, P),
    w_hr (P, H) or None -> out (N, P), h_n (B, P), c_n (B, H); P = H without projection."""

    @staticmethod
    def forward(ctx, xg, h0, c0, w_hh, w_hr=None, *, batch_sizes, reverse=False):
        xp = ctx.xp
        ctx.save_inputs(0, 1, 2, 3, 4)
        ctx.batch_sizes, ctx.reverse = batch_sizes, reverse
        N, H4 = xg.shape
        H = H4 // 4
        # Gates reordered to i, f, o, g so the three sigmoids are one contiguous block, and
        # sigmoid(x) computed as 0.5 * tanh(x / 2) + 0.5 (no overflow, one tanh pass for all
        # four gates): the sigmoid rows of the pre-activations are halved up front.
        perm = xp.concatenate([xp.arange(0, 2 * H), xp.arange(3 * H, 4 * H),
                               xp.arange(2 * H, 3 * H)])
        half = xp.ones(H4, dtype=xg.dtype)
        half[:3 * H] = 0.5
        # the reordered, halved copy by four slice operations: a fancy-indexed column
        # gather of xg is ~5x slower
        G = xp.empty_like(xg)
        xp.multiply(xg[:, :2 * H], 0.5, out=G[:, :2 * H])
        xp.multiply(xg[:, 3 * H:], 0.5, out=G[:, 2 * H:3 * H])
        G[:, 3 * H:] = xg[:, 2 * H:3 * H]
        # the recurrent product as W (4H, P) @ h^T: a (4H, b) result splits across BLAS
        # threads far better than (b, 4H) (20 x 128 x 512: ~16 us against ~21 us); it is
        # added to the gates through its transpose
        wg = w_hh[perm] * half[:, None]  # (4H, P)
        scratch = xp.empty(H4 * h0.shape[0], dtype=xg.dtype)
        wrT = None if w_hr is None else w_hr.T
        P = h0.shape[1]
        out = xp.empty((N, P), dtype=xg.dtype)
        C = xp.empty((N, H), dtype=xg.dtype)
        TC = xp.empty((N, H), dtype=xg.dtype)
        HP = xp.empty((N, P), dtype=xg.dtype)
        CP = xp.empty((N, H), dtype=xg.dtype)
        B = h0.shape[0]
        # Every step full (padded input): the previous state is the previous step's rows of
        # out and C, so no state copies per step; HP and CP are assembled once at the end.
        uniform = batch_sizes.count(B) == len(batch_sizes)
        if uniform:
            HP = CP = None
            hp, cp = h0, c0
        else:
            HP = xp.empty((N, P), dtype=xg.dtype)
            CP = xp.empty((N, H), dtype=xg.dtype)
            h = h0.copy()
            c = c0.copy()
        for off, b in _steps(batch_sizes, reverse):
            e = off + b
            if not uniform:
                hp = h[:b]
                cp = c[:b]
                HP[off:e] = hp
                CP[off:e] = cp
            g = G[off:e]
            tb = scratch[:H4 * b].reshape(H4, b)
            xp.matmul(wg, hp.T, out=tb)
            g += tb.T
            xp.tanh(g, out=g)
            s = g[:, :3 * H]
            s *= 0.5
            s += 0.5
            ct = C[off:e]
            xp.multiply(g[:, H:2 * H], cp, out=ct)
            ct += g[:, :H] * g[:, 3 * H:]
            tc = TC[off:e]
            xp.tanh(ct, out=tc)
            ht = out[off:e]
            if wrT is None:
                xp.multiply(g[:, 2 * H:3 * H], tc, out=ht)
            else:
                xp.matmul(g[:, 2 * H:3 * H] * tc, wrT, out=ht)
            if uniform:
                hp, cp = ht, ct
            else:
                h[:b] = ht
                c[:b] = ct
        if uniform:
            if reverse:
                HP = xp.concatenate([out[B:], h0])
                CP = xp.concatenate([C[B:], c0])
            else:
                HP = xp.concatenate([h0, out[:N - B]])
                CP = xp.concatenate([c0, C[:N - B]])
            h, c = hp.copy(), cp.copy()
        ctx.arrays = (G, C, TC, HP, CP, perm)
        return out, h, c

    @staticmethod
    def backward(ctx, dout, dhn, dcn):
        if _state.enabled:
            return _replay_grads(ctx, (dout, dhn, dcn), lstm_reference)
        xp = ctx.xp
        G, _, TC, HP, CP, perm = ctx.arrays
        _, h0, _, w_hh, w_hr = ctx.inputs
        w = w_hh._data  # (4H, P), torch's gate order i, f, g, o
        wr = None if w_hr is None else w_hr._data
        H = G.shape[1] // 4
        B = h0.shape[0]
        dt = G.dtype
        dh = xp.zeros((B, h0.shape[1]), dtype=dt) if dhn is None else dhn._data.copy()
        dc = xp.zeros((B, H), dtype=dt) if dcn is None else dcn._data.copy()
        do_ = None if dout is None else dout._data
        # G holds i, f, o, g (activated). Every factor that does not depend on the incoming
        # gradient is formed for all steps at once, so a step is five elementwise passes
        # and one matmul:  dc_t += dh_t * O_t;  d[i, f] = dc_t * A_t;  d o = dh_t * Q_t;
        # d g = dc_t * R_t;  dc_{t-1} = dc_t * f_t.
        S = G[:, :3 * H]
        gg = G[:, 3 * H:]
        D = 1 - S
        D *= S                                   # sigmoid' of i, f, o
        A = xp.empty((G.shape[0], 2, H), dtype=dt)
        xp.multiply(gg, D[:, :H], out=A[:, 0])   # d c / d i, times sigmoid'
        xp.multiply(CP, D[:, H:2 * H], out=A[:, 1])
        Q = TC * D[:, 2 * H:]                    # d h / d o, times sigmoid'
        R = gg * gg
        xp.subtract(1, R, out=R)
        R *= G[:, :H]                            # d c / d g, times tanh'
        OD = 1 - TC * TC
        OD *= G[:, 2 * H:3 * H]                  # d h / d c
        F = G[:, H:2 * H]
        O = G[:, 2 * H:3 * H]
        # dG in torch's gate order (i, f, g, o): no gathers for dxg, dW or the recurrence
        dG = xp.empty_like(G)
        tmp = xp.empty((B, H), dtype=dt)
        # dh^T = W^T @ dg^T, (P, b) out: better thread split than dg @ W (see forward)
        wt = w.T
        P = w.shape[1]
        scratch = xp.empty(P * B, dtype=dt)
        dWr = None
        if wr is not None and ctx.needs_input_grad[4]:
            dWr = xp.zeros_like(wr)
        for off, b in _steps(ctx.batch_sizes, not ctx.reverse):
            e = off + b
            dht = dh[:b]
            if do_ is not None:
                dht += do_[off:e]
            if wr is not None:
                if dWr is not None:
                    dWr += dht.T @ (O[off:e] * TC[off:e])
                dht = dht @ wr
            dct = dc[:b]
            t = tmp[:b]
            xp.multiply(dht, OD[off:e], out=t)
            dct += t
            dg = dG[off:e]
            xp.multiply(dct[:, None, :], A[off:e], out=dg[:, :2 * H].reshape(b, 2, H))
            xp.multiply(dct, R[off:e], out=dg[:, 2 * H:3 * H])
            xp.multiply(dht, Q[off:e], out=dg[:, 3 * H:])
            dct *= F[off:e]
            tb = scratch[:P * b].reshape(P, b)
            xp.matmul(wt, dg.T, out=tb)
            dh[:b] = tb.T
        need = ctx.needs_input_grad
        dxg = dG if need[0] else None
        dw = dG.T @ HP if need[3] else None
        return _wrap(ctx, (dxg, dh if need[1] else None, dc if need[2] else None, dw,
                           dWr))


def lstm_reference(xg, h0, c0, w_hh, w_hr=None, *, batch_sizes, reverse=False):
    """LSTMLayer as a composition of differentiable ember ops (its double backward)."""
    from .joining import cat
    from .trig import tanh
    from .unary import sigmoid
    H = c0.shape[1]
    offs = _steps(batch_sizes, reverse)
    B = h0.shape[0]
    h, c = h0, c0
    outs = []
    for off, b in offs:
        g = xg[off:off + b] + h[:b] @ w_hh.T
        i, f = sigmoid(g[:, :H]), sigmoid(g[:, H:2 * H])
        gg, o = tanh(g[:, 2 * H:3 * H]), sigmoid(g[:, 3 * H:])
        ct = f * c[:b] + i * gg
        ht = o * tanh(ct)
        if w_hr is not None:
            ht = ht @ w_hr.T
        outs.append(ht)
        h = ht if b == B else cat([ht, h[b:]])
        c = ct if b == B else cat([ct, c[b:]])
    if reverse:
        outs = outs[::-1]
    return cat(outs), h, c


# ---------------------------------------------------------------- GRU

class GRULayer(Op):
    """xg (N, 3H: r, z, n with b_ih), h0 (B, H), w_hh (3H, H), b_hh (3H) or None ->
    out (N, H), h_n (B, H). b_hh stays separate: torch's n gate is
    tanh(x_n + r * (W_hn h + b_hn))."""

    @staticmethod
    def forward(ctx, xg, h0, w_hh, b_hh=None, *, batch_sizes, reverse=False):
        xp = ctx.xp
        ctx.save_inputs(0, 1, 2, 3)
        ctx.batch_sizes, ctx.reverse = batch_sizes, reverse
        N, H3 = xg.shape
        H = H3 // 3
        wT = w_hh.T
        out = xp.empty((N, H), dtype=xg.dtype)
        RZ = xg[:, :2 * H].copy()
        NN = xg[:, 2 * H:].copy()
        HN = xp.empty((N, H), dtype=xg.dtype)  # W_hn h + b_hn, which r multiplies
        HP = xp.empty((N, H), dtype=xg.dtype)
        h = h0.copy()
        for off, b in _steps(batch_sizes, reverse):
            e = off + b
            hp = h[:b]
            HP[off:e] = hp
            hg = hp @ wT
            if b_hh is not None:
                hg += b_hh
            rz = RZ[off:e]
            rz += hg[:, :2 * H]
            # sigmoid as 0.5 * tanh(x / 2) + 0.5: no overflow
            rz *= 0.5
            xp.tanh(rz, out=rz)
            rz *= 0.5
            rz += 0.5
            hn = HN[off:e]
            hn[...] = hg[:, 2 * H:]
            n = NN[off:e]
            n += rz[:, :H] * hn
            xp.tanh(n, out=n)
            z = rz[:, H:]
            ht = out[off:e]
            # (1 - z) * n + z * h = n + z * (h - n)
            xp.subtract(hp, n, out=ht)
            ht *= z
            ht += n
            h[:b] = ht
        ctx.arrays = (RZ, NN, HN, HP)
        return out, h

    @staticmethod
    def backward(ctx, dout, dhn):
        if _state.enabled:
            return _replay_grads(ctx, (dout, dhn), gru_reference)
        xp = ctx.xp
        RZ, NN, HN, HP = ctx.arrays
        _, h0, w_hh, _ = ctx.inputs
        w = w_hh._data
        N, H2 = RZ.shape
        H = H2 // 2
        dt = RZ.dtype
        B = h0.shape[0]
        dh = xp.zeros((B, H), dtype=dt) if dhn is None else dhn._data.copy()
        do_ = None if dout is None else dout._data
        D = RZ * (1 - RZ)
        dNN = 1 - NN * NN
        Z = RZ[:, H:]
        R = RZ[:, :H]
        dX = xp.empty((N, 3 * H), dtype=dt)
        dHG = xp.empty((N, 3 * H), dtype=dt)
        for off, b in _steps(ctx.batch_sizes, not ctx.reverse):
            e = off + b
            dht = dh[:b]
            if do_ is not None:
                dht += do_[off:e]
            dx = dX[off:e]
            dpn = dx[:, 2 * H:]
            xp.multiply(dht, 1 - Z[off:e], out=dpn)
            dpn *= dNN[off:e]
            xp.multiply(dpn, HN[off:e], out=dx[:, :H])
            xp.multiply(dht, HP[off:e] - NN[off:e], out=dx[:, H:2 * H])
            dx[:, :2 * H] *= D[off:e]
            dhg = dHG[off:e]
            dhg[:, :2 * H] = dx[:, :2 * H]
            xp.multiply(dpn, R[off:e], out=dhg[:, 2 * H:])
            dht *= Z[off:e]
            dht += dhg @ w
        need = ctx.needs_input_grad
        return _wrap(ctx, (dX if need[0] else None, dh if need[1] else None,
                           dHG.T @ HP if need[2] else None,
                           dHG.sum(0) if len(need) > 3 and need[3] else None))


def gru_reference(xg, h0, w_hh, b_hh=None, *, batch_sizes, reverse=False):
    from .joining import cat
    from .trig import tanh
    from .unary import sigmoid
    H = h0.shape[1]
    B = h0.shape[0]
    h = h0
    outs = []
    for off, b in _steps(batch_sizes, reverse):
        x = xg[off:off + b]
        hp = h[:b]
        hg = hp @ w_hh.T
        if b_hh is not None:
            hg = hg + b_hh
        r = sigmoid(x[:, :H] + hg[:, :H])
        z = sigmoid(x[:, H:2 * H] + hg[:, H:2 * H])
        n = tanh(x[:, 2 * H:] + r * hg[:, 2 * H:])
        ht = (1 - z) * n + z * hp
        outs.append(ht)
        h = ht if b == B else cat([ht, h[b:]])
    if reverse:
        outs = outs[::-1]
    return cat(outs), h


# ---------------------------------------------------------------- Elman RNN

class RNNLayer(Op):
    """xg (N, H with both biases), h0 (B, H), w_hh (H, H) -> out (N, H), h_n (B, H);
    nonlinearity 'tanh' or 'relu'."""

    @staticmethod
    def forward(ctx, xg, h0, w_hh, *, batch_sizes, reverse=False, relu=False):
        xp = ctx.xp
        ctx.save_inputs(0, 1, 2)
        ctx.batch_sizes, ctx.reverse, ctx.relu = batch_sizes, reverse, relu
        wT = w_hh.T
        out = xg.copy()
        HP = xp.empty((xg.shape[0], h0.shape[1]), dtype=xg.dtype)
        h = h0.copy()
        for off, b in _steps(batch_sizes, reverse):
            e = off + b
            hp = h[:b]
            HP[off:e] = hp
            ht = out[off:e]
            ht += hp @ wT
            if relu:
                xp.maximum(ht, 0, out=ht)
            else:
                xp.tanh(ht, out=ht)
            h[:b] = ht
        ctx.arrays = (out, HP)
        return out, h

    @staticmethod
    def backward(ctx, dout, dhn):
        if _state.enabled:
            return _replay_grads(ctx, (dout, dhn), _rnn_reference(ctx.relu))
        xp = ctx.xp
        OUT, HP = ctx.arrays
        _, h0, w_hh = ctx.inputs
        w = w_hh._data
        dh = xp.zeros(h0.shape, dtype=OUT.dtype) if dhn is None else dhn._data.copy()
        do_ = None if dout is None else dout._data
        # relu'(0) = 0 as torch; tanh' from the output
        D = (OUT > 0).astype(OUT.dtype) if ctx.relu else 1 - OUT * OUT
        dX = xp.empty_like(OUT)
        for off, b in _steps(ctx.batch_sizes, not ctx.reverse):
            e = off + b
            dht = dh[:b]
            if do_ is not None:
                dht += do_[off:e]
            dx = dX[off:e]
            xp.multiply(dht, D[off:e], out=dx)
            dh[:b] = dx @ w
        need = ctx.needs_input_grad
        return _wrap(ctx, (dX if need[0] else None, dh if need[1] else None,
                           dX.T @ HP if need[2] else None))


def _rnn_reference(relu):
    def reference(xg, h0, w_hh, *, batch_sizes, reverse=False):
        return rnn_reference(xg, h0, w_hh, batch_sizes=batch_sizes, reverse=reverse,
                             relu=relu)
    return reference


def rnn_reference(xg, h0, w_hh, *, batch_sizes, reverse=False, relu=False):
    from .joining import cat
    from .trig import tanh
    from .unary import relu as _relu
    B = h0.shape[0]
    h = h0
    outs = []
    for off, b in _steps(batch_sizes, reverse):
        ht = xg[off:off + b] + h[:b] @ w_hh.T
        ht = _relu(ht) if relu else tanh(ht)
        outs.append(ht)
        h = ht if b == B else cat([ht, h[b:]])
    if reverse:
        outs = outs[::-1]
    return cat(outs), h


def lstm_layer(xg, h0, c0, w_hh, w_hr=None, *, batch_sizes, reverse=False):
    return LSTMLayer.apply(xg, h0, c0, w_hh, w_hr, batch_sizes=batch_sizes, reverse=reverse)


def gru_layer(xg, h0, w_hh, b_hh=None, *, batch_sizes, reverse=False):
    return GRULayer.apply(xg, h0, w_hh, b_hh, batch_sizes=batch_sizes, reverse=reverse)


def rnn_layer(xg, h0, w_hh, *, batch_sizes, reverse=False, relu=False):
    return RNNLayer.apply(xg, h0, w_hh, batch_sizes=batch_sizes, reverse=reverse, relu=relu)
