"""ember.vision.transforms against torchvision outputs stored in fixtures/transforms.npz
(regenerate with fixtures/make_transforms_fixtures.py; torchvision is not needed here)."""
import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

import ember
from ember.vision import transforms as T
from ember.vision import utils as U
from ember.vision.transforms import functional as F

pytest.importorskip("PIL")

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "make_transforms_fixtures", os.path.join(HERE, "fixtures", "make_transforms_fixtures.py"))
mk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mk)
REF = np.load(os.path.join(HERE, "fixtures", "transforms.npz"))


def _inputs():
    return mk.make_inputs(ember)


def _check_case(name):
    res = mk.CASES[name](ember, F, T, U, _inputs())
    got, exp = mk.to_numpy(res), REF[name]
    assert got.shape == exp.shape and got.dtype == exp.dtype, (got.shape, exp.shape, got.dtype, exp.dtype)
    if hasattr(res, "getbands"):
        assert res.mode == str(REF[name + "__mode"])
    if exp.dtype.kind == "f":
        np.testing.assert_allclose(got, exp, rtol=0, atol=1e-6)
    else:
        np.testing.assert_array_equal(got, exp)


@pytest.mark.parametrize("name", [n for n in mk.CASES if not n.startswith("u_")])
def test_matches_torchvision(name):
    _check_case(name)


# ------------------------------------------------------------- random transforms
def _pil():
    return _inputs()["pil"]


RANDOM = [
    lambda: T.RandomCrop(7, padding=2, padding_mode="reflect"),
    lambda: T.RandomResizedCrop(6),
    lambda: T.RandomHorizontalFlip(),
    lambda: T.RandomVerticalFlip(),
    lambda: T.RandomRotation(40, interpolation=T.InterpolationMode.BILINEAR),
    lambda: T.ColorJitter(0.4, 0.4, 0.4, 0.2),
    lambda: T.RandomGrayscale(0.5),
    lambda: T.RandomApply([T.ColorJitter(0.5)], p=0.5),
    lambda: T.RandomChoice([T.RandomCrop(5), T.CenterCrop(4)]),
    lambda: T.RandomOrder([T.RandomCrop(9), T.Resize(12)]),
    lambda: T.RandomAffine(30, translate=(0.2, 0.1), scale=(0.8, 1.2), shear=(-5, 5, -3, 3)),
    lambda: T.GaussianBlur(3, (0.5, 1.5)),
    lambda: T.RandomInvert(),
]


@pytest.mark.parametrize("i", range(len(RANDOM)))
@pytest.mark.parametrize("kind", ["pil", "f"])
def test_seeded_reproducible(i, kind):
    outs = []
    for _ in range(2):
        ember.manual_seed(123)
        t = RANDOM[i]()
        outs.append([mk.to_numpy(t(_inputs()[kind])) for _ in range(4)])
    for a, b in zip(*outs):
        np.testing.assert_array_equal(a, b)


def test_flip_probabilities():
    x = _inputs()["f"]
    assert T.RandomHorizontalFlip(p=0.0)(x) is x
    assert T.RandomVerticalFlip(p=0.0)(x) is x
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=1.0)(x).numpy(), x.numpy()[..., ::-1])
    np.testing.assert_array_equal(T.RandomVerticalFlip(p=1.0)(x).numpy(), x.numpy()[..., ::-1, :])
    img = _pil()
    assert T.RandomGrayscale(p=0.0)(img) is img
    assert T.RandomGrayscale(p=1.0)(img).mode == "RGB"
    np.testing.assert_array_equal(np.asarray(T.RandomGrayscale(p=1.0)(img)),
                                  np.asarray(F.to_grayscale(img, 3)))
    assert T.RandomApply([T.Lambda(lambda v: v * 0)], p=0.0)(x) is x
    assert float(T.RandomApply([T.Lambda(lambda v: v * 0)], p=1.0)(x).abs().sum()) == 0.0
    ember.manual_seed(0)
    flips = [T.RandomHorizontalFlip()(x) is x for _ in range(200)]
    assert 60 < sum(flips) < 140


def test_random_crop_is_a_window_of_padded_input():
    x = _inputs()["f"]
    t = T.RandomCrop((10, 12), padding=[1, 2], fill=0.0)
    padded = F.pad(x, [1, 2]).numpy()
    for seed in range(5):
        ember.manual_seed(seed)
        i, j, h, w = T.RandomCrop.get_params(F.pad(x, [1, 2]), (10, 12))
        assert 0 <= i <= padded.shape[1] - 10 and 0 <= j <= padded.shape[2] - 12
        ember.manual_seed(seed)
        np.testing.assert_array_equal(t(x).numpy(), padded[:, i:i + h, j:j + w])
    out = T.RandomCrop(20, pad_if_needed=True, padding_mode="edge")(_pil())
    assert out.size == (20, 20)
    assert T.RandomCrop(x.shape[-2:])(x).shape == x.shape


def test_random_resized_crop_params_in_range():
    img = _pil()
    ember.manual_seed(1)
    scale, ratio = (0.3, 0.9), (0.5, 2.0)
    for _ in range(50):
        i, j, h, w = T.RandomResizedCrop.get_params(img, scale, ratio)
        assert 0 <= i and i + h <= 13 and 0 <= j and j + w <= 17 and h > 0 and w > 0
    # an impossible request falls back to a central crop with the ratio clamped
    i, j, h, w = T.RandomResizedCrop.get_params(img, (5.0, 6.0), (3.0, 4.0))
    assert (h, w) == (int(round(17 / 3.0)), 17) and (i, j) == ((13 - h) // 2, 0)
    assert T.RandomResizedCrop((5, 7))(img).size == (7, 5)
    assert tuple(T.RandomResizedCrop(4)(_inputs()["batch"]).shape) == (2, 3, 4, 4)


def test_random_rotation_and_jitter_params():
    ember.manual_seed(2)
    angles = [T.RandomRotation.get_params([-10.0, 25.0]) for _ in range(100)]
    assert min(angles) >= -10 and max(angles) <= 25 and max(angles) - min(angles) > 20
    idx, b, c, s, h = T.ColorJitter.get_params((0.5, 1.5), (0.8, 1.2), None, (-0.1, 0.1))
    assert sorted(idx) == [0, 1, 2, 3] and s is None
    assert 0.5 <= b <= 1.5 and 0.8 <= c <= 1.2 and -0.1 <= h <= 0.1
    cj = T.ColorJitter(brightness=0.5, hue=0.0)
    assert cj.brightness == (0.5, 1.5) and cj.hue is None and cj.contrast is None
    # a rotation by a range of one angle is deterministic
    x = _inputs()["f"]
    np.testing.assert_array_equal(T.RandomRotation((30, 30), fill=0.5)(x).numpy(),
                                  F.rotate(x, 30.0, fill=[0.5] * 3).numpy())


def test_random_affine_params_and_crops():
    ember.manual_seed(4)
    for _ in range(30):
        angle, (tx, ty), sc, (shx, shy) = T.RandomAffine.get_params(
            [-10.0, 10.0], [0.2, 0.1], [0.8, 1.2], [-5.0, 5.0, -3.0, 3.0], [17, 13])
        assert -10 <= angle <= 10 and abs(tx) <= 0.2 * 17 + 0.5 and abs(ty) <= 0.1 * 13 + 0.5
        assert 0.8 <= sc <= 1.2 and -5 <= shx <= 5 and -3 <= shy <= 3
    assert T.RandomAffine.get_params([5.0, 5.0], None, None, None, [17, 13]) == (5.0, (0, 0), 1.0, (0.0, 0.0))
    x = _inputs()["f"]
    np.testing.assert_array_equal(T.RandomAffine((0, 0))(x).numpy(), x.numpy())
    crops = T.TenCrop(5)(x)
    assert len(crops) == 10
    np.testing.assert_array_equal(crops[0].numpy(), x.numpy()[:, :5, :5])
    np.testing.assert_array_equal(crops[8].numpy(), x.numpy()[:, 8:, ::-1][:, :, -5:])
    assert [c.size for c in T.FiveCrop((4, 6))(_pil())] == [(6, 4)] * 5


def test_random_erasing():
    x = _inputs()["f"]
    assert T.RandomErasing(p=0.0)(x) is x
    ember.manual_seed(3)
    for _ in range(10):
        out = T.RandomErasing(p=1.0, scale=(0.1, 0.3), value=(7.0, 8.0, 9.0))(x).numpy()
        mask = out != x.numpy()
        assert mask.any()
        rows, cols = np.nonzero(mask[0])
        h, w = rows.max() - rows.min() + 1, cols.max() - cols.min() + 1
        assert 0.1 * 13 * 17 - 13 - 17 <= h * w <= 0.3 * 13 * 17 + 13 + 17
        for c, v in enumerate((7.0, 8.0, 9.0)):
            np.testing.assert_array_equal(out[c, rows.min():rows.max() + 1, cols.min():cols.max() + 1], v)
    y = x.clone()
    T.RandomErasing(p=1.0, value="random", inplace=True)(y)
    assert not np.array_equal(y.numpy(), x.numpy())


def test_normalize_inplace_and_grad():
    x = _inputs()["f"].clone()
    ref = (x.numpy() - np.float32([0.5, 0.4, 0.3])[:, None, None]) / np.float32([0.2, 0.25, 0.5])[:, None, None]
    out = T.Normalize([0.5, 0.4, 0.3], [0.2, 0.25, 0.5], inplace=True)(x)
    assert out is x
    np.testing.assert_allclose(x.numpy(), ref, rtol=1e-6)
    y = _inputs()["f"].requires_grad_()
    F.normalize(y, [0.0] * 3, [0.2, 0.25, 0.5]).sum().backward()
    np.testing.assert_allclose(y.grad.numpy()[:, 0, 0], [5.0, 4.0, 2.0], rtol=1e-6)


def test_tensor_pil_roundtrip_and_modes():
    img = _pil()
    np.testing.assert_array_equal(np.asarray(T.ToPILImage()(T.PILToTensor()(img))), np.asarray(img))
    t = T.ToTensor()(img)
    assert t.dtype == ember.float32 and tuple(t.shape) == (3, 13, 17)
    assert F.to_pil_image(_inputs()["f"][:1], mode="F").mode == "F"
    assert T.ToPILImage()(ember.zeros(4, 3, 2, dtype=ember.uint8)).mode == "RGBA"
    assert T.ConvertImageDtype(ember.float64)(_inputs()["f"]).dtype == ember.float64


def test_resize_shapes():
    img = _pil()
    assert T.Resize(10)(img).size == (13, 10)
    assert T.Resize(10, max_size=12)(img).size == (12, 9)
    assert T.Resize([4, 6])(img).size == (6, 4)
    x = _inputs()["f"]
    assert T.Resize((13, 17))(x) is x


ERRORS = [
    (ValueError, "std evaluated to zero", lambda: F.normalize(_inputs()["f"], [0, 0, 0], [1, 0, 1])),
    (TypeError, "Input tensor should be a float tensor", lambda: T.Normalize([0], [1])(_inputs()["u8"])),
    (ValueError, r"size \(..., C, H, W\)", lambda: F.normalize(ember.zeros(3, 4), [0], [1])),
    (ValueError, "Size must be an int or a 1 or 2 element", lambda: F.resize(_pil(), [1, 2, 3])),
    (ValueError, "max_size should only be passed", lambda: F.resize(_pil(), [5, 6], max_size=9)),
    (ValueError, "must be strictly greater", lambda: F.resize(_pil(), 10, max_size=10)),
    (ValueError, "Padding mode should be either", lambda: T.Pad(1, padding_mode="wrap")),
    (ValueError, "Padding must be an int or a 1, 2, or 4", lambda: F.pad(_pil(), [1, 2, 3])),
    (ValueError, "does not match the number of channels", lambda: F.pad(_pil(), 1, fill=(1, 2))),
    (ValueError, r"hue_factor \(0.7\) is not in", lambda: F.adjust_hue(_pil(), 0.7)),
    (ValueError, "brightness_factor", lambda: F.adjust_brightness(_inputs()["f"], -1)),
    (ValueError, "Required crop size", lambda: T.RandomCrop(20)(_inputs()["f"])),
    (ValueError, "If brightness is a single number, it must be non negative",
     lambda: T.ColorJitter(brightness=-1)),
    (ValueError, "hue values should be between", lambda: T.ColorJitter(hue=0.8)),
    (ValueError, "Scale should be between 0 and 1", lambda: T.RandomErasing(scale=(0.5, 2.0))),
    (ValueError, "If degrees is a single number, it must be positive", lambda: T.RandomRotation(-3)),
    (TypeError, "Got inappropriate fill arg", lambda: F.pad(_inputs()["f"], 1, fill=(1, 2, 3))),
    (ValueError, "pic should not have > 4 channels", lambda: F.to_pil_image(ember.zeros(5, 3, 3))),
    (ValueError, "Interpolation mode 'bicubic' is unsupported",
     lambda: F.rotate(_inputs()["f"], 30, F.InterpolationMode.BICUBIC)),
    (ValueError, "kernel_size should have odd and positive", lambda: F.gaussian_blur(_inputs()["f"], 4)),
    (ValueError, r"sigma should have positive values. Got \[-1.0, -1.0\]",
     lambda: F.gaussian_blur(_inputs()["f"], 3, -1.0)),
    (ValueError, r"Requested crop size \(20, 20\) is bigger than input size \(13, 17\)",
     lambda: F.five_crop(_pil(), 20)),
    (ValueError, "Argument translate should be a sequence of length 2",
     lambda: F.affine(_inputs()["f"], 1, [1], 1, 0)),
    (ValueError, "Argument scale should be positive", lambda: F.affine(_inputs()["f"], 1, [1, 1], 0, 0)),
    (ValueError, "translation values should be between 0 and 1", lambda: T.RandomAffine(10, translate=(0.5, 2))),
    (ValueError, "Kernel size value should be an odd and positive number", lambda: T.GaussianBlur(4)),
    (ValueError, "sigma values should be positive and of the form", lambda: T.GaussianBlur(3, (2, 1))),
    (TypeError, "pic should be PIL Image or ndarray", lambda: F.to_tensor([1, 2])),
    (TypeError, "Argument lambd should be callable", lambda: T.Lambda(3)),
    (TypeError, "permitted channel values are", lambda: F.rgb_to_grayscale(ember.zeros(2, 4, 4))),
    (ValueError, "num_output_channels should be either 1 or 3", lambda: F.rgb_to_grayscale(_pil(), 2)),
    (RuntimeError, "cannot be performed safely",
     lambda: F.convert_image_dtype(_inputs()["f"], ember.int32)),
    (TypeError, "img should be PIL Image. Got", lambda: F.hflip(np.zeros((3, 3)))),
]


@pytest.mark.parametrize("exc,match,fn", ERRORS, ids=[e[1][:30] for e in ERRORS])
def test_errors(exc, match, fn):
    with pytest.raises(exc, match=match):
        fn()


def test_pillow_imported_lazily():
    code = "import sys, ember.vision.transforms; print('PIL' in sys.modules)"
    root = os.path.dirname(os.path.dirname(HERE))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root,
                         env={**os.environ, "PYTHONPATH": root})
    assert out.stdout.strip() == "False", out.stderr
