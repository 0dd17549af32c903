"""CIFAR-10 / CIFAR-100 from the python-pickle layout (<root>/cifar-10-batches-py/...).

The batches are pickles, and unpickling runs whatever globals a file names; these files are
read by `_SafeUnpickler`, which resolves only the NumPy array reconstructors the real files use,
so a tampered batch raises pickle.UnpicklingError instead of executing anything.
"""
import io
import os
import pickle
from typing import ClassVar

import numpy

from .utils import check_integrity, download_and_extract_archive
from .vision import VisionDataset

__all__ = ["CIFAR10", "CIFAR100"]

_ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"),
    ("numpy", "ndarray"), ("numpy", "dtype"),
    # Python 3 writes bytes in protocol <= 2 pickles as _codecs.encode(str, "latin1"): a pure conversion.
    ("_codecs", "encode"),
}


class _ForbiddenGlobal(pickle.UnpicklingError):
    pass


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise _ForbiddenGlobal(f"global '{module}.{name}' is not allowed in a CIFAR batch file")


def _load_pickle(path):
    with open(path, "rb") as f:
        raw = f.read()
    try:
        # latin1: the original files were written by Python 2 (str keys and byte strings).
        entry = _SafeUnpickler(io.BytesIO(raw), encoding="latin1").load()
    except _ForbiddenGlobal as e:
        raise pickle.UnpicklingError(f"{path}: {e}") from e
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError, KeyError, AttributeError) as e:
        raise ValueError(f"{path} is not a valid CIFAR batch (truncated or corrupt pickle: {e!r})") from e
    if not isinstance(entry, dict):
        raise ValueError(  # noqa: TRY004 - a corrupt file, not a caller's wrong argument type
            f"{path} is not a valid CIFAR batch: expected a dict, got {type(entry).__name__}")
    # Python-3 pickles have str keys; the originals decode to str with latin1 too, but accept bytes.
    return {(k.decode("latin1") if isinstance(k, bytes) else k): v for k, v in entry.items()}


class CIFAR10(VisionDataset):
    """CIFAR-10: 32x32 colour images, 10 classes; items are (PIL RGB image, int)."""

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list: ClassVar = [
        ["data_batch_1", "c99cafc152244af753f735de768cd75f"],
        ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
        ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
        ["data_batch_4", "634d18415352ddfa80567beed471001a"],
        ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"],
    ]
    test_list: ClassVar = [["test_batch", "40351d587109b95175f43aff81a1287e"]]
    meta: ClassVar = {"filename": "batches.meta", "key": "label_names", "md5": "5ff9c542aee3614f3951f8cda6e48888"}
    _label_key = "labels"

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        missing = self._missing()
        if missing:
            raise RuntimeError(f"Dataset not found in {os.path.join(self.root, self.base_folder)}: missing "
                               f"{', '.join(missing)}. You can use download=True to download it, or "
                               f"extract {self.filename} ({self.url}) into {self.root}")
        data, targets = [], []
        for name, _ in (self.train_list if train else self.test_list):
            path = os.path.join(self.root, self.base_folder, name)
            entry = _load_pickle(path)
            arr = entry.get("data")
            labels = entry.get(self._label_key, entry.get("labels"))
            if not isinstance(arr, numpy.ndarray) or arr.dtype != numpy.uint8 or arr.ndim != 2 \
                    or arr.shape[1] != 3072:
                desc = f"{arr.dtype} array of shape {arr.shape}" if isinstance(arr, numpy.ndarray) else type(arr).__name__
                raise ValueError(f"{path}: 'data' must be a uint8 array of shape (N, 3072), got {desc}")
            if labels is None or len(labels) != len(arr):
                raise ValueError(f"{path}: expected {len(arr)} labels under '{self._label_key}', got "
                                 f"{'none' if labels is None else len(labels)}")
            data.append(arr)
            targets.extend(int(t) for t in labels)
        # Rows are channel-major (1024 R, 1024 G, 1024 B); PIL wants HWC.
        self.data = numpy.vstack(data).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        self.targets = targets
        self._load_meta()

    def _missing(self):
        names = [n for n, _ in self.train_list + self.test_list] + [self.meta["filename"]]
        return [n for n in names if not os.path.isfile(os.path.join(self.root, self.base_folder, n))]

    def _load_meta(self):
        path = os.path.join(self.root, self.base_folder, self.meta["filename"])
        self.classes = [c.decode() if isinstance(c, bytes) else str(c) for c in _load_pickle(path)[self.meta["key"]]]
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def _check_integrity(self):
        folder = os.path.join(self.root, self.base_folder)
        return all(check_integrity(os.path.join(folder, n), m) for n, m in self.train_list + self.test_list)

    def download(self):
        if self._check_integrity():
            return
        try:
            download_and_extract_archive(self.url, self.root, filename=self.filename, md5=self.tgz_md5)
        except RuntimeError as e:
            raise RuntimeError(f"{e}\nOr place the extracted folder {self.base_folder} (files: "
                               f"{', '.join(n for n, _ in self.train_list + self.test_list)}, "
                               f"{self.meta['filename']}) in {self.root}") from e

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        from PIL import Image
        return self._apply(Image.fromarray(self.data[index]), self.targets[index])

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


class CIFAR100(CIFAR10):
    """CIFAR-100: the fine labels (100 classes), <root>/cifar-100-python."""

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list: ClassVar = [["train", "16019d7e3df5f24257cddd939b257f8d"]]
    test_list: ClassVar = [["test", "f0ef6b0ae62326f3e7ffdfab6717acfc"]]
    meta: ClassVar = {"filename": "meta", "key": "fine_label_names", "md5": "7973b15100ade9c7d40fb424638fde48"}
    _label_key = "fine_labels"
