"""ember.utils: `data` (Dataset, DataLoader) and `tensorboard` (SummaryWriter), loaded on use."""
import importlib as _importlib

__all__ = ["data", "tensorboard"]


def __getattr__(name):
    if name in __all__:
        module = _importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
