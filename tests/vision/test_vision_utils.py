"""ember.vision.utils (make_grid, save_image) against torchvision outputs in
fixtures/transforms.npz (regenerate with fixtures/make_transforms_fixtures.py)."""
import importlib.util
import os

import numpy as np
import pytest

import ember
from ember.vision import transforms as T
from ember.vision import utils as U
from ember.vision.transforms import functional as F

pytest.importorskip("PIL")
from PIL import Image  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "make_transforms_fixtures_u", os.path.join(HERE, "fixtures", "make_transforms_fixtures.py"))
mk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mk)
REF = np.load(os.path.join(HERE, "fixtures", "transforms.npz"))


@pytest.mark.parametrize("name", [n for n in mk.CASES if n.startswith("u_")])
def test_matches_torchvision(name):
    got = mk.to_numpy(mk.CASES[name](ember, F, T, U, mk.make_inputs(ember)))
    exp = REF[name]
    assert got.shape == exp.shape and got.dtype == exp.dtype
    if exp.dtype.kind == "f":
        np.testing.assert_allclose(got, exp, rtol=0, atol=1e-6)
    else:
        np.testing.assert_array_equal(got, exp)


def test_make_grid_layout():
    x = ember.arange(5 * 3 * 2 * 2, dtype=ember.float32).reshape(5, 3, 2, 2)
    g = U.make_grid(x, nrow=2, padding=1, pad_value=-1.0).numpy()
    # 2 columns, 3 rows: (2+1)*3+1 by (2+1)*2+1; the missing 6th tile stays pad_value
    assert g.shape == (3, 10, 7)
    np.testing.assert_array_equal(g[:, 4:6, 4:6], x.numpy()[3])
    np.testing.assert_array_equal(g[:, 7:9, 4:6], -1.0)
    assert (g[:, 0, :] == -1).all() and (g[:, :, 3] == -1).all()


def test_save_image_file_roundtrip(tmp_path):
    x = mk.make_inputs(ember)["batch"]
    path = tmp_path / "grid.png"
    U.save_image(x, str(path), nrow=1, padding=3)
    back = np.asarray(Image.open(path))
    np.testing.assert_array_equal(back, REF["u_png"])
    expected = np.clip(U.make_grid(x, nrow=1, padding=3).numpy() * 255 + 0.5, 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(back, expected.transpose(1, 2, 0))


def test_make_grid_errors():
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        U.make_grid(ember.rand(2, 3, 4, 4), normalize=True, value_range=[0, 1])
    with pytest.raises(TypeError, match="tensor or list of tensors expected"):
        U.make_grid(np.zeros((2, 3, 4, 4)))
