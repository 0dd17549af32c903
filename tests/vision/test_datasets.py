"""ember.vision.datasets on small files built in tmp_path (no network)."""
import gzip
import os
import pickle
import struct
import time

import numpy
import pytest
from PIL import Image

from ember.vision import datasets
from ember.vision.datasets import utils
from ember.vision.datasets.mnist import read_idx


def _idx_bytes(arr, code=0x08):
    return bytes([0, 0, code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape) + arr.astype(">u1").tobytes()


def _write_mnist(root, cls="MNIST", n_train=5, n_test=3, gz=False):
    raw = os.path.join(root, cls, "raw")
    os.makedirs(raw, exist_ok=True)
    rng = numpy.random.default_rng(0)
    out = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        imgs = rng.integers(0, 256, (n, 28, 28), dtype=numpy.uint8)
        labels = rng.integers(0, 10, n, dtype=numpy.uint8)
        for name, arr in ((f"{prefix}-images-idx3-ubyte", imgs), (f"{prefix}-labels-idx1-ubyte", labels)):
            path = os.path.join(raw, name + (".gz" if gz else ""))
            with (gzip.open if gz else open)(path, "wb") as f:
                f.write(_idx_bytes(arr))
        out[prefix] = (imgs, labels)
    return raw, out


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("cls", ["MNIST", "FashionMNIST"])
def test_mnist_reads_idx(tmp_path, gz, cls):
    _, ref = _write_mnist(str(tmp_path), cls, gz=gz)
    ds = getattr(datasets, cls)(str(tmp_path), train=True)
    assert len(ds) == 5 and len(ds.classes) == 10
    img, target = ds[3]
    assert isinstance(img, Image.Image) and img.mode == "L" and img.size == (28, 28)
    numpy.testing.assert_array_equal(numpy.asarray(img), ref["train"][0][3])
    assert target == int(ref["train"][1][3]) and type(target) is int
    test = getattr(datasets, cls)(str(tmp_path), train=False, transform=lambda im: numpy.asarray(im).sum(),
                                  target_transform=lambda t: t + 100)
    assert len(test) == 3
    assert test[1] == (int(ref["t10k"][0][1].sum()), int(ref["t10k"][1][1]) + 100)
    assert test.targets.dtype.__repr__().endswith("int64") and tuple(test.data.shape) == (3, 28, 28)


def test_idx_types_and_errors(tmp_path):
    p = tmp_path / "f.idx"
    arr = numpy.arange(6, dtype=">i4").reshape(2, 3)
    p.write_bytes(bytes([0, 0, 0x0C, 2]) + struct.pack(">2I", 2, 3) + arr.tobytes())
    numpy.testing.assert_array_equal(read_idx(str(p)), [[0, 1, 2], [3, 4, 5]])
    p.write_bytes(b"\x12\x34\x08\x01" + b"\x00" * 8)
    with pytest.raises(ValueError, match=r"f\.idx is not an IDX file: bad magic number 12340801"):
        read_idx(str(p))
    p.write_bytes(bytes([0, 0, 0x08, 3]) + struct.pack(">3I", 4, 28, 28) + b"\x00" * 100)
    with pytest.raises(ValueError, match=r"f\.idx is truncated: shape \(4, 28, 28\) needs 3152 bytes, file has 116"):
        read_idx(str(p))
    p.write_bytes(bytes([0, 0, 0x08, 3]) + b"\x00\x00")
    with pytest.raises(ValueError, match=r"f\.idx is truncated: header of 3 dims"):
        read_idx(str(p))
    g = tmp_path / "g.gz"
    g.write_bytes(gzip.compress(_idx_bytes(numpy.zeros((10, 4), numpy.uint8)))[:-12])
    with pytest.raises(ValueError, match=r"cannot read IDX file .*g\.gz"):
        read_idx(str(g))


def test_mnist_corrupt_and_missing_files(tmp_path):
    raw, _ = _write_mnist(str(tmp_path))
    path = os.path.join(raw, "train-labels-idx1-ubyte")
    with open(path, "wb") as f:
        f.write(_idx_bytes(numpy.zeros(4, numpy.uint8)))   # 4 labels for 5 images
    with pytest.raises(ValueError, match="train-images-idx3-ubyte has 5 images but .*train-labels-idx1-ubyte has 4"):
        datasets.MNIST(str(tmp_path))
    os.remove(path)
    with pytest.raises(RuntimeError, match=r"Dataset not found in .*MNIST.raw: expected the files train-labels-idx1-ubyte"):
        datasets.MNIST(str(tmp_path))


def test_mnist_download_offline_fails_fast(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets.MNIST, "mirrors", ["http://127.0.0.1:9/"])
    t = time.monotonic()
    with pytest.raises(RuntimeError) as exc:
        datasets.MNIST(str(tmp_path), download=True)
    assert time.monotonic() - t < 20
    msg = str(exc.value)
    for name in ("train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", os.path.join(str(tmp_path), "MNIST", "raw")):
        assert name in msg


def _write_cifar(root, folder="cifar-10-batches-py", batches=("data_batch_1", "data_batch_2", "data_batch_3",
                 "data_batch_4", "data_batch_5", "test_batch"), meta=("batches.meta", "label_names"),
                 label_key="labels", n=2, protocol=2):
    d = os.path.join(root, folder)
    os.makedirs(d, exist_ok=True)
    rng = numpy.random.default_rng(1)
    ref = {}
    for i, b in enumerate(batches):
        data = rng.integers(0, 256, (n, 3072), dtype=numpy.uint8)
        labels = [int(x) for x in rng.integers(0, 10, n)]
        with open(os.path.join(d, b), "wb") as f:
            pickle.dump({"batch_label": f"batch {i}", label_key: labels, "data": data,
                         "filenames": [f"img{j}.png" for j in range(n)]}, f, protocol=protocol)
        ref[b] = (data, labels)
    with open(os.path.join(d, meta[0]), "wb") as f:
        pickle.dump({meta[1]: [f"class{i}" for i in range(10)], "num_vis": 3072}, f, protocol=protocol)
    return d, ref


@pytest.mark.parametrize("protocol", [2, 5])
def test_cifar10(tmp_path, protocol):
    _, ref = _write_cifar(str(tmp_path), protocol=protocol)
    ds = datasets.CIFAR10(str(tmp_path), train=True)
    assert len(ds) == 10 and ds.classes[3] == "class3" and ds.class_to_idx["class9"] == 9
    img, target = ds[3]   # batch 2, row 1
    data, labels = ref["data_batch_2"]
    assert img.mode == "RGB" and img.size == (32, 32) and target == labels[1]
    numpy.testing.assert_array_equal(numpy.asarray(img), data[1].reshape(3, 32, 32).transpose(1, 2, 0))
    test = datasets.CIFAR10(str(tmp_path), train=False)
    assert len(test) == 2 and test[1][1] == ref["test_batch"][1][1]


def _py2_pickle(data, labels):
    """A batch as the real CIFAR files store it: a Python 2 protocol-2 pickle whose str values
    are byte strings and whose array is rebuilt by numpy.core.multiarray._reconstruct."""
    def sbs(text):
        b = text.encode("latin1")
        return b"U" + bytes([len(b)]) + b
    return b"".join([
        b"\x80\x02}q\x00(", sbs("data"),
        b"cnumpy.core.multiarray\n_reconstruct\n", b"cnumpy\nndarray\n", b"K\x00\x85", sbs("b"), b"\x87R",
        b"(K\x01", b"M" + struct.pack("<H", data.shape[0]), b"M" + struct.pack("<H", 3072), b"\x86",
        b"cnumpy\ndtype\n", sbs("u1"), b"K\x00K\x01\x87R",
        b"(K\x03", sbs("|"), b"NNN", b"J" + struct.pack("<i", -1), b"J" + struct.pack("<i", -1), b"K\x00tb",
        b"\x89", b"T" + struct.pack("<I", data.size) + data.tobytes(), b"tb",
        sbs("labels"), b"](" + b"".join(b"K" + bytes([x]) for x in labels) + b"e", b"u.",
    ])


def test_cifar_reads_python2_pickles(tmp_path):
    d, _ = _write_cifar(str(tmp_path))
    data = numpy.arange(2 * 3072, dtype=numpy.uint8).reshape(2, 3072)
    with open(os.path.join(d, "test_batch"), "wb") as f:
        f.write(_py2_pickle(data, [3, 7]))
    ds = datasets.CIFAR10(str(tmp_path), train=False)
    assert [t for _, t in ds] == [3, 7]
    numpy.testing.assert_array_equal(numpy.asarray(ds[1][0]), data[1].reshape(3, 32, 32).transpose(1, 2, 0))


def test_cifar100(tmp_path):
    _, ref = _write_cifar(str(tmp_path), "cifar-100-python", ("train", "test"), ("meta", "fine_label_names"),
                          "fine_labels", n=3)
    ds = datasets.CIFAR100(str(tmp_path))
    assert len(ds) == 3 and ds[2][1] == ref["train"][1][2] and ds.classes[0] == "class0"


def test_cifar_rejects_malicious_and_corrupt_pickles(tmp_path):
    d, _ = _write_cifar(str(tmp_path))
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    with open(os.path.join(d, "data_batch_3"), "wb") as f:
        pickle.dump({"data": Evil(), "labels": []}, f)
    with pytest.raises(pickle.UnpicklingError, match=r"data_batch_3: global '(posix|os|nt)\.system' is not allowed"):
        datasets.CIFAR10(str(tmp_path))
    assert not marker.exists()
    path = os.path.join(d, "data_batch_3")
    with open(path, "wb") as f:
        f.write(pickle.dumps({"data": numpy.zeros((2, 3072), numpy.uint8), "labels": [0, 1]})[:50])
    with pytest.raises(ValueError, match="data_batch_3 is not a valid CIFAR batch"):
        datasets.CIFAR10(str(tmp_path))
    with open(path, "wb") as f:
        pickle.dump({"data": numpy.zeros((2, 100), numpy.uint8), "labels": [0, 1]}, f)
    with pytest.raises(ValueError, match=r"data_batch_3: 'data' must be a uint8 array of shape \(N, 3072\), got uint8 array of shape \(2, 100\)"):
        datasets.CIFAR10(str(tmp_path))
    os.remove(path)
    with pytest.raises(RuntimeError, match="missing data_batch_3"):
        datasets.CIFAR10(str(tmp_path))


def test_cifar_download_offline_fails_fast(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets.CIFAR10, "url", "http://127.0.0.1:9/cifar-10-python.tar.gz")
    t = time.monotonic()
    with pytest.raises(RuntimeError) as exc:
        datasets.CIFAR10(str(tmp_path), download=True)
    assert time.monotonic() - t < 20
    msg = str(exc.value)
    assert "cifar-10-python.tar.gz" in msg and str(tmp_path) in msg and "data_batch_1" in msg


def _write_image(path, color, size=(4, 3)):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.new("RGB", size, color).save(path)


def _read_text(path):
    with open(path) as f:
        return f.read()


def test_image_folder(tmp_path):
    _write_image(str(tmp_path / "dog" / "b.png"), (0, 0, 255))
    _write_image(str(tmp_path / "cat" / "z.PNG"), (255, 0, 0))
    _write_image(str(tmp_path / "cat" / "sub" / "a.jpg"), (0, 255, 0))
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    ds = datasets.ImageFolder(str(tmp_path))
    assert ds.classes == ["cat", "dog"] and ds.class_to_idx == {"cat": 0, "dog": 1}
    assert [(os.path.relpath(p, tmp_path), t) for p, t in ds.samples] == [
        (os.path.join("cat", "z.PNG"), 0), (os.path.join("cat", "sub", "a.jpg"), 0), (os.path.join("dog", "b.png"), 1)]
    assert ds.targets == [0, 0, 1] and ds.imgs is ds.samples and len(ds) == 3
    img, target = ds[2]
    assert img.mode == "RGB" and img.size == (4, 3) and numpy.asarray(img)[0, 0].tolist() == [0, 0, 255] and target == 1
    only_png = datasets.ImageFolder(str(tmp_path), is_valid_file=lambda p: p.endswith(".png"), allow_empty=True)
    assert only_png.samples == [(str(tmp_path / "dog" / "b.png"), 1)]   # z.PNG fails this case-sensitive test
    txt = datasets.DatasetFolder(str(tmp_path), loader=_read_text, extensions=(".txt",), allow_empty=True)
    assert [t for _, t in txt.samples] == [0] and txt[0] == ("not an image", 0) and txt.extensions == (".txt",)


def test_folder_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder in"):
        datasets.ImageFolder(str(tmp_path))
    (tmp_path / "empty").mkdir()
    _write_image(str(tmp_path / "full" / "x.png"), (1, 2, 3))
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes empty. Supported extensions are: .jpg"):
        datasets.ImageFolder(str(tmp_path))
    assert len(datasets.ImageFolder(str(tmp_path), allow_empty=True)) == 1
    with pytest.raises(ValueError, match="Both extensions and is_valid_file cannot be None or not None"):
        datasets.DatasetFolder(str(tmp_path), loader=open)


def test_fake_data():
    ds = datasets.FakeData(size=4, image_size=(3, 6, 5), num_classes=3, random_offset=7)
    img, target = ds[1]
    assert len(ds) == 4 and img.mode == "RGB" and img.size == (5, 6) and 0 <= target < 3
    again, t2 = ds[1]
    assert numpy.array_equal(numpy.asarray(img), numpy.asarray(again)) and t2 == target
    assert not numpy.array_equal(numpy.asarray(ds[2][0]), numpy.asarray(img))
    gray = datasets.FakeData(size=2, image_size=(1, 4, 4), transform=lambda im: im.mode)
    assert gray[0][0] == "L"
    with pytest.raises(IndexError, match="index out of range: 4"):
        ds[4]


def test_digits():
    train, test = datasets.Digits(train=True), datasets.Digits(train=False)
    assert len(train) == 1437 and len(test) == 360
    img, target = test[0]
    assert img.mode == "L" and img.size == (8, 8)
    raw = test.raw_data[0]
    assert raw.max() <= 16 and numpy.array_equal(numpy.asarray(img), numpy.rint(raw * 255 / 16).astype(numpy.uint8))
    # Row 0 of the shipped file is a 0; every class appears in both splits.
    assert target == 0
    assert set(numpy.unique(train.targets.numpy())) == set(range(10)) == set(numpy.unique(test.targets.numpy()))
    assert train.classes == [str(i) for i in range(10)]


def test_download_url_checksums_and_resume(tmp_path, monkeypatch):
    import hashlib
    import http.server
    import threading

    payload = bytes(range(256)) * 40
    seen_ranges = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            rng = self.headers.get("Range")
            seen_ranges.append(rng)
            if self.path.endswith("norange.bin"):   # a server without Range support
                rng = None
            start = int(rng[len("bytes="):-1]) if rng else 0
            self.send_response(206 if rng else 200)
            self.send_header("Content-Length", str(len(payload) - start))
            self.end_headers()
            self.wfile.write(payload[start:])

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/blob.bin"
        (tmp_path / "blob.bin.part").write_bytes(payload[:1000])   # an interrupted earlier download
        md5 = hashlib.md5(payload).hexdigest()
        path = utils.download_url(url, str(tmp_path), md5=md5)
        with open(path, "rb") as f:
            assert f.read() == payload
        assert seen_ranges == ["bytes=1000-"]
        assert utils.check_integrity(path, md5) and utils.check_integrity(path, sha256=hashlib.sha256(payload).hexdigest())
        assert not utils.check_integrity(path, "0" * 32) and not utils.check_integrity(str(tmp_path / "nope"))
        # A server that ignores Range sends the whole file: the part is rewritten, not appended to.
        (tmp_path / "norange.bin.part").write_bytes(b"stale")
        path = utils.download_url(url.replace("blob", "norange"), str(tmp_path), md5=md5)
        with open(path, "rb") as f:
            assert f.read() == payload
        assert seen_ranges[-1] == "bytes=5-"
        with pytest.raises(RuntimeError, match="other.bin.*failed its checksum"):
            utils.download_url(url, str(tmp_path), "other.bin", md5="0" * 32)
        assert not (tmp_path / "other.bin").exists() and not (tmp_path / "other.bin.part").exists()
    finally:
        server.shutdown()
        server.server_close()


def test_download_url_offline(tmp_path):
    t = time.monotonic()
    with pytest.raises(RuntimeError, match=r"could not download http://127.0.0.1:9/x.tar.gz .*place it as 'x.tar.gz' in the directory"):
        utils.download_url("http://127.0.0.1:9/x.tar.gz", str(tmp_path / "dl"))
    assert time.monotonic() - t < 20
