"""ember.vision: the torchvision counterpart (datasets, transforms, models, utils).

Submodules load on first use, so `import ember.vision` costs nothing and Pillow is only
imported by the parts that need it."""
import importlib as _importlib

__all__ = ["datasets", "models", "transforms", "utils"]


def __getattr__(name):
    if name in __all__:
        module = _importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
