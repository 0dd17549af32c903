"""The README's demo command, shortened: it trains, evaluates, logs, saves and reloads."""
import os

import pytest

from ember import demo


def test_demo_trains_evaluates_and_reproduces_from_checkpoint(tmp_path, capsys):
    assert demo.main(["--epochs", "3", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    accuracy = float(out.split("test accuracy ")[1].split()[0])
    assert accuracy > 0.9            # three epochs; the full demo reaches >= 0.97
    assert "confusion matrix" in out and "reproduces the trained model" in out
    assert os.path.exists(tmp_path / "digits_cnn.pt")
    pytest.importorskip("tensorboard")
    assert any(f.startswith("events.out.tfevents")
               for f in os.listdir(tmp_path / "tensorboard"))
