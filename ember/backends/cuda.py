"""torch.backends.cuda: `matmul.allow_tf32` (off by default, as in torch) mapped onto CuPy."""
import importlib.util
import os


def is_built():
    """Whether Ember can use CUDA at all here: CuPy is installed (a GPU may still be missing)."""
    return importlib.util.find_spec("cupy") is not None


def _apply_tf32(enabled):
    # Only where CuPy is already in use; otherwise ember._device applies the flag when it
    # first imports CuPy, so that setting the flag never imports CuPy.
    from .. import _device
    if _device.cupy_loaded():
        _device._cupy_ext().set_matmul_tf32(enabled)


class _Matmul:
    """torch.backends.cuda.matmul. TF32 starts off unless CuPy's own switch, the CUPY_TF32
    environment variable, asks for it (Ember then reports what CuPy would do)."""

    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True

    def __init__(self):
        self._allow_tf32 = os.environ.get("CUPY_TF32", "0").strip() not in ("", "0")

    @property
    def allow_tf32(self):
        return self._allow_tf32

    @allow_tf32.setter
    def allow_tf32(self, value):
        self._allow_tf32 = bool(value)
        _apply_tf32(self._allow_tf32)

    def __repr__(self):
        return f"<ember.backends.cuda.matmul allow_tf32={self._allow_tf32}>"


matmul = _Matmul()
