"""MNIST and FashionMNIST from torchvision's layout: <root>/<ClassName>/raw/<idx file>[.gz]."""
import gzip
import os
from typing import ClassVar

import numpy

from .utils import download_url, extract_archive
from .vision import VisionDataset

__all__ = ["MNIST", "FashionMNIST", "read_idx"]

# IDX type code -> big-endian dtype (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE FORMAT")
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """The array stored in an IDX file (raw or gzip-compressed); ValueError naming the file when
    the header is wrong or the data is shorter than the header announces."""
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as e:   # gzip: BadGzipFile is an OSError, truncation an EOFError
        raise ValueError(f"cannot read IDX file {path}: {e}") from e
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise ValueError(f"{path} is not an IDX file: bad magic number {raw[:4].hex() or '(empty)'} "
                         "(expected 0000 followed by a type code 08/09/0b/0c/0d/0e and the number of dims)")
    dtype = numpy.dtype(_IDX_TYPES[raw[2]])
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"IDX file {path} is truncated: header of {ndim} dims needs {header} bytes, "
                         f"file has {len(raw)}")
    shape = tuple(int(d) for d in numpy.frombuffer(raw, ">u4", ndim, 4))
    count = int(numpy.prod(shape, dtype=numpy.int64))
    need = header + dtype.itemsize * count
    if len(raw) < need:
        raise ValueError(f"IDX file {path} is truncated: shape {shape} needs {need} bytes, file has {len(raw)}")
    data = numpy.frombuffer(raw, dtype, count, header).reshape(shape)
    return data.astype(dtype.newbyteorder("="))


class MNIST(VisionDataset):
    """MNIST: 28x28 grayscale digits. Items are (PIL image mode "L", int) as in torchvision.

    Reads <root>/MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte, raw or with .gz.
    `download=True` fetches the .gz files from torchvision's mirrors, checking their md5.
    """

    mirrors: ClassVar = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    resources: ClassVar = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    classes: ClassVar = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six",
               "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError(f"Dataset not found in {self.raw_folder}: expected the files "
                               f"{', '.join(self._missing())} (or the same names with .gz). "
                               "You can use download=True to download it")
        self.data, self.targets = self._load_data()

    @property
    def raw_folder(self):
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def class_to_idx(self):
        return {c: i for i, c in enumerate(self.classes)}

    def _find(self, name):
        """The raw file if present, else its .gz; None if neither."""
        for candidate in (name, name + ".gz"):
            path = os.path.join(self.raw_folder, candidate)
            if os.path.isfile(path):
                return path
        return None

    def _missing(self):
        return [r[:-3] for r, _ in self.resources if self._find(r[:-3]) is None]

    def _check_exists(self):
        return not self._missing()

    def _load_data(self):
        import ember
        prefix = "train" if self.train else "t10k"
        img_path = self._find(f"{prefix}-images-idx3-ubyte")
        lbl_path = self._find(f"{prefix}-labels-idx1-ubyte")
        images, labels = read_idx(img_path), read_idx(lbl_path)
        if images.ndim != 3:
            raise ValueError(f"{img_path}: expected a 3-d IDX array (N, rows, cols), got shape {images.shape}")
        if labels.ndim != 1:
            raise ValueError(f"{lbl_path}: expected a 1-d IDX array of labels, got shape {labels.shape}")
        if len(images) != len(labels):
            raise ValueError(f"{img_path} has {len(images)} images but {lbl_path} has {len(labels)} labels")
        return ember.from_numpy(images.astype(numpy.uint8)), ember.from_numpy(labels.astype(numpy.int64))

    def download(self):
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            if self._find(filename[:-3]) is not None:
                continue
            errors = []
            for mirror in self.mirrors:
                try:
                    path = download_url(mirror + filename, self.raw_folder, filename, md5)
                except RuntimeError as e:
                    errors.append(f"  {mirror}: {e.__cause__ or e}")
                    continue
                extract_archive(path, self.raw_folder)
                break
            else:
                raise RuntimeError(
                    f"Error downloading {filename} (no network?). Download these files by hand "
                    f"from {self.mirrors[0]} and place them in {self.raw_folder}: "
                    f"{', '.join(r for r, _ in self.resources)}\n" + "\n".join(errors))

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        from PIL import Image
        img = Image.fromarray(self.data._data[index])   # 2-d uint8: mode "L"
        return self._apply(img, int(self.targets._data[index]))

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


class FashionMNIST(MNIST):
    """Fashion-MNIST (Zalando): MNIST's format, in <root>/FashionMNIST/raw."""

    mirrors: ClassVar = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources: ClassVar = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes: ClassVar = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]
