"""Pretrained-weight resolution shared by the model builders.

torchvision's checkpoints are plain state_dicts written by torch.save; ember.load reads that
zip format. Files live in $EMBER_HOME/checkpoints (default ~/.cache/ember/checkpoints) under
torchvision's URL basename, whose `-<hex>.` part is a prefix of the file's sha256 (the same
check torch.hub does), so a hand-placed file is verified exactly like a downloaded one.
"""
import hashlib
import os
import re

__all__ = ["get_checkpoint_dir", "load_state_dict_from_url"]

_HASH_RE = re.compile(r"-([a-f0-9]*)\.")


def get_checkpoint_dir():
    home = os.environ.get("EMBER_HOME") or os.path.join(os.path.expanduser("~"), ".cache", "ember")
    return os.path.join(home, "checkpoints")


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_state_dict_from_url(url, model_dir=None, map_location="cpu", progress=False, check_hash=True,
                             file_name=None):
    """Like torch.hub.load_state_dict_from_url: the cached file, else a download (verified)."""
    from ember.serialization import load
    from ember.vision.datasets.utils import download_url

    model_dir = model_dir or get_checkpoint_dir()
    filename = file_name or os.path.basename(url.split("?")[0])
    path = os.path.join(model_dir, filename)
    match = _HASH_RE.search(filename)
    prefix = match.group(1) if (check_hash and match) else None
    if not os.path.isfile(path):
        download_url(url, model_dir, filename)
    if prefix and not _sha256(path).startswith(prefix):
        raise RuntimeError(f"invalid hash value for checkpoint {path}: its sha256 does not start with "
                           f"{prefix!r} (corrupt or partial file: delete it and retry)")
    return load(path, map_location=map_location)


# (builder, weights name) -> checkpoint URL; "DEFAULT" is torchvision's best weights per model.
_URL = "https://download.pytorch.org/models/"
_WEIGHTS = {
    "resnet18": {"IMAGENET1K_V1": _URL + "resnet18-f37072fd.pth"},
    "resnet34": {"IMAGENET1K_V1": _URL + "resnet34-b627a593.pth"},
    "resnet50": {"IMAGENET1K_V1": _URL + "resnet50-0676ba61.pth",
                 "IMAGENET1K_V2": _URL + "resnet50-11ad3fa6.pth"},
    "vgg11": {"IMAGENET1K_V1": _URL + "vgg11-8a719046.pth"},
    "vgg11_bn": {"IMAGENET1K_V1": _URL + "vgg11_bn-6002323d.pth"},
    "vgg16": {"IMAGENET1K_V1": _URL + "vgg16-397923af.pth"},
    "vgg16_bn": {"IMAGENET1K_V1": _URL + "vgg16_bn-6c64b313.pth"},
    "mobilenet_v2": {"IMAGENET1K_V1": _URL + "mobilenet_v2-b0353104.pth",
                     "IMAGENET1K_V2": _URL + "mobilenet_v2-7ebf99e0.pth"},
    "alexnet": {"IMAGENET1K_V1": _URL + "alexnet-owt-7be5be79.pth"},
}
_DEFAULT = {"resnet50": "IMAGENET1K_V2", "mobilenet_v2": "IMAGENET1K_V2"}


def resolve_weights(arch, weights, pretrained):
    """The checkpoint URL for `weights` (None, a name such as "IMAGENET1K_V1" or "DEFAULT",
    "<Enum>.NAME", or an object with .name/.url) or legacy pretrained=True (= V1, as torchvision)."""
    if weights is None:
        return _WEIGHTS[arch]["IMAGENET1K_V1"] if pretrained else None
    url = getattr(weights, "url", None)
    if url is not None:
        return url
    name = getattr(weights, "name", weights)
    if not isinstance(name, str):
        raise TypeError(f"{arch}: weights must be None or a string such as 'IMAGENET1K_V1', got "
                        f"{type(weights).__name__}")
    name = name.rsplit(".", 1)[-1]
    if name == "DEFAULT":
        name = _DEFAULT.get(arch, "IMAGENET1K_V1")
    if name not in _WEIGHTS[arch]:
        raise ValueError(f"{arch}: unknown weights {weights!r}; available: "
                         f"{', '.join(sorted(_WEIGHTS[arch]))}, DEFAULT")
    return _WEIGHTS[arch][name]


def build(arch, model_cls, weights, pretrained, progress, kwargs, *args):
    """Construct the model; with weights, check num_classes and load the checkpoint strictly."""
    url = resolve_weights(arch, weights, pretrained)
    if url is not None and kwargs.get("num_classes", 1000) != 1000:
        raise ValueError(f"{arch}: pretrained weights have num_classes=1000, got "
                         f"num_classes={kwargs['num_classes']}")
    model = model_cls(*args, **kwargs)
    if url is not None:
        model.load_state_dict(load_state_dict_from_url(url, progress=progress))
    return model
