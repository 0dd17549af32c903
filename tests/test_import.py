"""`import ember` stays light: no optional dependency is loaded until it is used."""
import json
import subprocess
import sys

import pytest

OPTIONAL = ["cupy", "cupyx", "mpi4py", "onnx", "onnxruntime", "tensorboard", "PIL", "scipy",
            "torch", "ml_dtypes"]


def _loaded_after(code):
    """The OPTIONAL modules present in sys.modules after running `code` in a fresh Python."""
    probe = (f"import sys, json\n{code}\n"
             f"print(json.dumps([m for m in {OPTIONAL!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_ember_loads_no_optional_dependency():
    assert _loaded_after("import ember") == []


def test_basic_use_loads_no_optional_dependency():
    code = ("import ember\n"
            "x = ember.randn(3, 4, requires_grad=True)\n"
            "y = (x * 2).sum()\n"
            "y.backward()\n"
            "repr(x); ember.tensor([1, 2]); ember.arange(5.0); ember.device('cuda:0')")
    assert _loaded_after(code) == []


def test_ml_dtypes_loads_on_first_bfloat16_use():
    pytest.importorskip("ml_dtypes")
    code = ("import ember\nassert 'ml_dtypes' not in sys.modules\n"
            "ember.zeros(2, dtype=ember.bfloat16)")
    assert _loaded_after(code) == ["ml_dtypes"]


def test_importtime_run_succeeds():
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import ember"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    # the import-time report names ember itself (no timing is asserted)
    assert any(line.rstrip().endswith("| ember") for line in out.stderr.splitlines())
