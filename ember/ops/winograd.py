"""Winograd F(2x2, 3x3) for 3x3, stride-1, pad-1 convolutions: ConvNd's forward, through
ConvTransposeNd's stride-1 branch its input gradient, and ConvWeightNd's weight gradient.

Each 2x2 output tile is computed from a 4x4 input tile as A^T [(G w G^T) * (B^T d B)] A, so
the 9 multiply-adds per output and channel pair of im2col become 16/4 = 4: sixteen GEMMs
(16, O, C) @ (16, C, N*T) replace the (O, 9C) @ (9C, N*H*W) one, at about half its time on
ResNet's 256- and 512-channel layers. The transforms are memory-bound passes, done as small
GEMMs (kron(B^T, B^T) over the 16 tile elements, kron(A^T, A^T) back): they cost more than
the saved multiplications below ~128 channels, hence the channel threshold. The arithmetic
only adds and halves (entries 0, +-1, +-1/2), so float32 error stays at im2col's level
(max abs error against float64 measured 2-3e-6 on unit-variance ResNet layers, im2col's 2-4e-6).
"""

_B = ((1, 0, -1, 0), (0, 1, 1, 0), (0, -1, 1, 0), (0, 1, 0, -1))   # B^T
_A = ((1, 1, 1, 0), (0, 1, -1, -1))                                 # A^T
_G = ((1, 0, 0), (0.5, 0.5, 0.5), (0.5, -0.5, 0.5), (0, 0, 1))

# smallest min(C, O) for which the transforms pay (forward, ResNet-18's layers, batch 32,
# 2 threads: 64 channels 32x32 17.5 ms im2col vs 18.0 Winograd; 128 at 16x16 14.3 vs 11.5;
# 256 at 8x8 13.5 vs 8.9; 512 at 4x4 12.9 vs 9.0. Weight gradient: 128 15.1 vs 7.4-9.4
# from kept tiles, 256 10.2 (kept columns) vs 6.5, 512 9.9 vs 8.1)
MIN_CHANNELS = 128
# A training forward (weight gradient wanted) takes Winograd from MIN_CHANNELS // 2 when its
# tiles fit conv.py's _COLS_CACHE_BYTES: the forward alone breaks even at 64 channels, but the
# weight gradient from the kept tiles replaces rebuilding 2.25x larger im2col columns
# (ResNet-18's 64-channel 32x32 layers, batch 32: forward + weight gradient 40.8 -> 34.1 ms
# per layer, training step 637 -> 597 ms, peak RSS 541 -> 668 MB, torch's 705-722; rebuilding
# the tiles in backward instead, 20.0 vs 19.2 ms per weight gradient, did not pay)

_MATS = {}


def _mats(xp, dtype):
    """(kron(B^T, B^T), kron(A^T, A^T), kron(G, G)) as xp arrays of dtype, once per backend
    and dtype."""
    key = (xp.__name__, dtype.str)
    m = _MATS.get(key)
    if m is None:
        b, a, g = (xp.asarray(v, dtype=dtype) for v in (_B, _A, _G))
        m = _MATS[key] = (xp.kron(b, b), xp.kron(a, a), xp.kron(g, g))
    return m


def applies(x, w, stride, padding, dilation, groups, train=False):
    """True when conv(x, w) is a 3x3 stride-1 pad-1 float32 convolution on even planes with
    enough channels for the transforms to pay (train: its tiles will serve the weight
    gradient, see MIN_CHANNELS)."""
    return (w.dtype.name == "float32" and
            applies_shape(x, w.shape[0], w.shape[2:], stride, padding, dilation, groups,
                          MIN_CHANNELS // 2 if train else MIN_CHANNELS))


def applies_shape(x, o, kernel, stride, padding, dilation, groups, min_channels=None):
    """applies() from x, the number of output channels and the kernel size."""
    return (groups == 1 and len(kernel) == 2 and kernel[0] == 3 and kernel[1] == 3
            and stride == (1, 1) and dilation == (1, 1) and padding == ((1, 1), (1, 1))
            and x.dtype.name == "float32" and x.shape[2] % 2 == 0 and x.shape[3] % 2 == 0
            and min(o, x.shape[1]) >= (MIN_CHANNELS if min_channels is None
                                       else min_channels))


# planes of at most this many pixels (ResNet's 8x8 and 4x4) take the channels-last tile
# layout (see input_tiles). 1 thread, batch 32: 512 channels at 4x4 15.6 -> 13.9 ms forward,
# 256 at 8x8 14.3 -> 13.4; at 16x16 the transposed copy of the input costs what the copies
# save (128 channels: 17.4 planar vs 18.2)
_LAST_MAX_PLANE = 64


def _last(h, w):
    return h * w <= _LAST_MAX_PLANE


class Tiles:
    """The transformed input tiles of a Winograd forward, kept for the weight gradient as
    ConvNd keeps im2col columns (4x the input's size); v as input_tiles returns it."""
    __slots__ = ("nbytes", "v")

    def __init__(self, v):
        self.v, self.nbytes = v, v.nbytes


def input_tiles(xp, x):
    """B^T d B for every overlapping 4x4 tile d of x (N, C, H, W) padded by 1: (16, C, N*T)
    with tiles in (batch, row, column) order, or on small planes (_last) (16, T*N, C) with
    tiles in (row, column, batch) order.

    Channels last, the padded input is laid out (H+2, W+2, N, C), so each of the 16 strided
    tile-element copies moves contiguous runs of N*C values; planar, the runs are W/2 values
    long (2 on 4x4 planes, where numpy's copy loop is mostly overhead). The GEMMs read the
    channels-last tiles transposed, which BLAS does in place."""
    n, c, h, wd = x.shape
    th, tw = h // 2, wd // 2
    bb = _mats(xp, x.dtype)[0]
    if _last(h, wd):
        xpad = xp.zeros((h + 2, wd + 2, n, c), dtype=x.dtype)
        xpad[1:h + 1, 1:wd + 1] = x.transpose(2, 3, 0, 1)
        d = xp.empty((16, th, tw, n, c), dtype=x.dtype)
        rows = (slice(None), slice(None))
        cols_shape = (16, th * tw * n, c)
    else:
        xpad = xp.zeros((c, n, h + 2, wd + 2), dtype=x.dtype)
        xpad[:, :, 1:h + 1, 1:wd + 1] = x.transpose(1, 0, 2, 3)
        d = xp.empty((16, c, n, th, tw), dtype=x.dtype)
        rows = None
        cols_shape = (16, c, n * th * tw)
    # the 16 elements of every tile (tiles overlap by 2): one strided copy each
    for a in range(4):
        for b in range(4):
            window = (slice(a, a + h, 2), slice(b, b + wd, 2))
            d[4 * a + b] = xpad[window if rows else (slice(None), slice(None)) + window]
    return xp.matmul(bb, d.reshape(16, -1)).reshape(cols_shape)


def conv3x3(xp, x, w, tiles=False):
    """y (N, O, H, W) contiguous = conv2d(x, w, padding=1) for x (N, C, H, W), w (O, C, 3, 3);
    with tiles=True, (Tiles, y)."""
    n, c, h, wd = x.shape
    o = w.shape[0]
    th, tw = h // 2, wd // 2
    _, aa, gg = _mats(xp, x.dtype)
    v = input_tiles(xp, x)
    u = xp.matmul(gg, w.reshape(o * c, 9).T).reshape(16, o, c)
    y = xp.empty((n, o, th, 2, tw, 2), dtype=x.dtype)
    if _last(h, wd):
        m = xp.matmul(u, v.transpose(0, 2, 1))  # (16, O, T*N)
        yt = xp.matmul(aa, m.reshape(16, -1)).reshape(2, 2, o, th, tw, n)
        y.transpose(3, 5, 1, 2, 4, 0)[...] = yt
    else:
        m = xp.matmul(u, v)  # (16, O, N*T)
        yt = xp.matmul(aa, m.reshape(16, -1)).reshape(2, 2, o, n, th, tw)
        y.transpose(3, 5, 1, 0, 2, 4)[...] = yt
    y = y.reshape(n, o, h, wd)
    return (Tiles(v), y) if tiles else y


def weight_grad3x3(xp, v, g):
    """conv3x3's weight gradient (O, C, 3, 3) from its input tiles v (input_tiles' layout)
    and the output gradient g (N, O, H, W): y = A^T (U . V) A is linear in U, so dL/dU is
    sum over tiles of (A g A^T) . V (16 GEMMs over the tiles) and dL/dw = G^T (dL/dU) G."""
    n, o, h, wd = g.shape
    th, tw = h // 2, wd // 2
    _, aa, gg = _mats(xp, g.dtype)
    g6 = g.reshape(n, o, th, 2, tw, 2)
    if _last(h, wd):
        c = v.shape[2]
        gt = xp.empty((2, 2, o, th, tw, n), dtype=g.dtype)
        gt[...] = g6.transpose(3, 5, 1, 2, 4, 0)
        vt = v  # (16, T*N, C)
    else:
        c = v.shape[1]
        gt = xp.empty((2, 2, o, n, th, tw), dtype=g.dtype)
        gt[...] = g6.transpose(3, 5, 1, 0, 2, 4)
        vt = v.transpose(0, 2, 1)
    gu = xp.matmul(aa.T, gt.reshape(4, -1)).reshape(16, o, n * th * tw)
    m = xp.matmul(gu, vt)  # (16, O, C)
    gw = xp.matmul(gg.T, m.reshape(16, o * c)).reshape(3, 3, o, c)
    return xp.ascontiguousarray(gw.transpose(2, 3, 0, 1))
