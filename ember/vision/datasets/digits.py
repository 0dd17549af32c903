"""Digits: the small handwritten-digits set shipped inside Ember (no download needed)."""
import gzip
import os
from typing import ClassVar

import numpy

from .vision import VisionDataset

__all__ = ["Digits"]

_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "digits.csv.gz")


class Digits(VisionDataset):
    """1,797 handwritten digits of 8x8 pixels; items are (PIL image mode "L", int) like MNIST.

    Data: the test set of the "Optical Recognition of Handwritten Digits" data set
    (E. Alpaydin, C. Kaynak, 1998), UCI Machine Learning Repository, CC BY 4.0, in the copy
    scikit-learn ships (sklearn/datasets/data/digits.csv.gz); see data/README.md.

    The file stores pixel values 0..16; they are scaled to 0..255 (v * 255 / 16, rounded) so the
    images behave like MNIST's under ToTensor. `raw_data` keeps the original 0..16 values.
    Split: every 5th row (row index % 5 == 0) is the test set (360 images), the rest is train
    (1,437): deterministic, no random state involved, and every class is in both.
    `root` and `download` are accepted for the common dataset signature and ignored.
    """

    classes: ClassVar = [str(i) for i in range(10)]
    class_to_idx: ClassVar = {c: i for i, c in enumerate(classes)}

    def __init__(self, root=None, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        with gzip.open(_DATA, "rt") as f:
            table = numpy.loadtxt(f, delimiter=",", dtype=numpy.int64)
        if table.ndim != 2 or table.shape[1] != 65:
            raise ValueError(f"{_DATA}: expected rows of 64 pixels and a label, got shape {table.shape}")
        keep = (numpy.arange(len(table)) % 5 == 0) != train
        table = table[keep]
        import ember
        self.raw_data = table[:, :64].reshape(-1, 8, 8)
        self.data = ember.from_numpy(numpy.rint(self.raw_data * (255 / 16)).astype(numpy.uint8))
        self.targets = ember.from_numpy(table[:, 64].copy())

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, index):
        from PIL import Image
        img = Image.fromarray(self.data._data[index])   # 2-d uint8: mode "L"
        return self._apply(img, int(self.targets._data[index]))

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"
