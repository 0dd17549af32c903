"""interpolate, the shuffles, fold/unfold and their modules: errors, module forms, and cases
the op table does not sweep (integer input, the scale factor in the index formula)."""
import numpy
import pytest
import torch
import torch.nn as tnn
import torch.nn.functional as TF

import ember
from ember.nn.modules.fold import Fold, Unfold
from ember.nn.modules.pixelshuffle import ChannelShuffle, PixelShuffle, PixelUnshuffle
from ember.nn.modules.upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d
from ember.ops import sampling as S

rng = numpy.random.default_rng(0)


def _pair(shape, dtype=numpy.float32):
    a = rng.standard_normal(shape).astype(dtype)
    return ember.tensor(a), torch.from_numpy(a)


def test_scale_factor_is_used_in_the_index_formula():
    # out = floor(5 * 1.7) = 8, and 1/1.7 != 5/8: torch uses 1/1.7 unless recomputing
    e, t = _pair((1, 1, 5))
    for mode in ("nearest", "linear"):
        for rec in (None, True):
            got = S.interpolate(e, scale_factor=1.7, mode=mode, recompute_scale_factor=rec)
            want = TF.interpolate(t, scale_factor=1.7, mode=mode, recompute_scale_factor=rec)
            numpy.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
    a = S.interpolate(e, scale_factor=1.7, mode="linear").numpy()
    b = S.interpolate(e, scale_factor=1.7, mode="linear", recompute_scale_factor=True).numpy()
    assert not numpy.allclose(a, b)


def test_nearest_on_uint8_keeps_dtype():
    a = rng.integers(0, 255, (1, 2, 3, 4)).astype(numpy.uint8)
    got = S.interpolate(ember.tensor(a), size=(5, 7))
    want = TF.interpolate(torch.from_numpy(a), size=(5, 7))
    assert got.dtype == ember.uint8
    numpy.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("call, exc, match", [
    (lambda x: S.interpolate(x), ValueError, "either size or scale_factor"),
    (lambda x: S.interpolate(x, size=3, scale_factor=2.0), ValueError, "only one of size"),
    (lambda x: S.interpolate(x, size=3, align_corners=True), ValueError,
     "align_corners option can only be set"),
    (lambda x: S.interpolate(x, size=(3, 3), mode="linear"), ValueError,
     r"spatial dimensions of \[5\] and output size of \(3, 3\)"),
    (lambda x: S.interpolate(x, size=3, mode="bilinear"), NotImplementedError,
     "Got 3D input, but bilinear mode needs 4D input"),
    (lambda x: S.interpolate(x, size=3, mode="foo"), NotImplementedError, r"\(got foo\)"),
    (lambda x: S.interpolate(x, size=3, recompute_scale_factor=True), ValueError,
     "recompute_scale_factor is not meaningful with an explicit size"),
    (lambda x: S.interpolate(x, size=0), RuntimeError, r"output \(W: 0\)"),
    (lambda x: S.interpolate(x.long(), size=3, mode="linear"), NotImplementedError,
     "not implemented for 'Long'"),
    (lambda x: S.pixel_shuffle(x, 2), RuntimeError, r"input.size\(-3\)=1 is not divisible by 4"),
    (lambda x: S.channel_shuffle(x, 3), RuntimeError, "Got 2 channels and 3 groups"),
    (lambda x: S.fold(x, (3, 3), 2), RuntimeError, r"input.size\(1\)=2 and kernel_size=\(2, 2\)"),
])
def test_errors_match_torch(call, exc, match):
    e, t = _pair((1, 2, 5))
    with pytest.raises(exc, match=match):
        call(e)
    call = _torch_form(call)
    with pytest.raises(exc, match=match):  # torch raises the same
        call(t)


def _torch_form(call):
    """The same lambda with S.<fn> resolved to torch.nn.functional.<fn>."""
    import types
    g = dict(call.__globals__, S=types.SimpleNamespace(
        interpolate=TF.interpolate, pixel_shuffle=TF.pixel_shuffle,
        channel_shuffle=TF.channel_shuffle, fold=TF.fold, unfold=TF.unfold))
    return types.FunctionType(call.__code__, g)


def test_unfold_rejects_2d_input():
    with pytest.raises(RuntimeError, match=r"Only 3D or 4D input Tensors are supported \(got 2D\)"):
        S.unfold(ember.zeros(2, 5), 2)


def test_fold_is_the_adjoint_of_unfold():
    # <unfold(x), y> == <x, fold(y)> for any x, y
    x = ember.tensor(rng.standard_normal((2, 3, 7, 6)))
    kw = {"kernel_size": (3, 2), "dilation": (2, 1), "padding": (1, 2), "stride": (2, 3)}
    u = S.unfold(x, **kw)
    y = ember.tensor(rng.standard_normal(tuple(u.shape)))
    lhs = float((u * y).sum())
    rhs = float((x * S.fold(y, (7, 6), **kw)).sum())
    assert abs(lhs - rhs) < 1e-9 * max(1.0, abs(lhs))


def test_pixel_shuffle_roundtrip_and_unbatched():
    e, t = _pair((3, 8, 2, 5))
    back = S.pixel_unshuffle(S.pixel_shuffle(e, 2), 2)
    numpy.testing.assert_array_equal(back.numpy(), e.numpy())
    numpy.testing.assert_array_equal(S.pixel_shuffle(e[0], 2).numpy(),
                                     TF.pixel_shuffle(t[0], 2).numpy())


def test_deprecated_aliases_warn_and_match():
    e, t = _pair((1, 2, 3, 4))
    with pytest.warns(UserWarning, match="upsample_bilinear` is deprecated"):
        got = S.upsample_bilinear(e, scale_factor=2)
    numpy.testing.assert_allclose(got.numpy(), TF.interpolate(
        t, scale_factor=2, mode="bilinear", align_corners=True).numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("make", [
    lambda nn: nn.Upsample(scale_factor=2, mode="bilinear"),
    lambda nn: nn.Upsample(size=(3, 7), mode="bicubic", align_corners=True),
    lambda nn: nn.Upsample(scale_factor=(1.5, 0.5)),
    lambda nn: nn.UpsamplingNearest2d(scale_factor=3),
    lambda nn: nn.UpsamplingBilinear2d(size=(5, 2)),
    lambda nn: nn.PixelShuffle(2),
    lambda nn: nn.PixelUnshuffle(2),
    lambda nn: nn.ChannelShuffle(2),
    lambda nn: nn.Unfold((2, 3), padding=1, stride=2),
])
def test_modules_match_torch(make):
    import types
    mods = types.SimpleNamespace(Upsample=Upsample, UpsamplingNearest2d=UpsamplingNearest2d,
                                 UpsamplingBilinear2d=UpsamplingBilinear2d,
                                 PixelShuffle=PixelShuffle, PixelUnshuffle=PixelUnshuffle,
                                 ChannelShuffle=ChannelShuffle, Unfold=Unfold, Fold=Fold)
    e, t = _pair((2, 4, 4, 6))
    me, mt = make(mods), make(tnn)
    assert repr(me) == repr(mt)
    numpy.testing.assert_allclose(me(e).numpy(), mt(t).numpy(), rtol=1e-5, atol=1e-6)


def test_fold_module_matches_torch():
    e, t = _pair((2, 12, 12))
    me, mt = Fold((4, 5), 2), tnn.Fold((4, 5), 2)
    assert repr(me) == repr(mt)
    numpy.testing.assert_allclose(me(e).numpy(), mt(t).numpy(), rtol=1e-6)
