"""Download and integrity helpers (torchvision.datasets.utils' names).

Downloads go to `<file>.part` and resume from its size with an HTTP Range request, so an
interrupted transfer of a large archive is not restarted. Without network the first connection
fails within `timeout` seconds and the error names the file and the directory to put it in.
"""
import gzip
import hashlib
import os
import shutil
import tarfile
import urllib.error
import urllib.request

__all__ = [
    "calculate_md5",
    "check_integrity",
    "check_md5",
    "download_and_extract_archive",
    "download_url",
    "extract_archive",
]

_CHUNK = 1 << 20
USER_AGENT = "ember-vision"


def _hash_file(fpath, algo):
    h = hashlib.new(algo)
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def calculate_md5(fpath, chunk_size=_CHUNK):
    return _hash_file(fpath, "md5")


def check_md5(fpath, md5, **kwargs):
    return md5 == calculate_md5(fpath)


def check_integrity(fpath, md5=None, sha256=None):
    """True when the file exists and matches the given checksum(s) (no checksum: exists)."""
    if not os.path.isfile(fpath):
        return False
    if md5 is not None and _hash_file(fpath, "md5") != md5:
        return False
    return sha256 is None or _hash_file(fpath, "sha256") == sha256


def _fetch(url, part, timeout):
    """Append the rest of `url` to `part` (resuming from its size when the server allows)."""
    have = os.path.getsize(part) if os.path.exists(part) else 0
    headers = {"User-Agent": USER_AGENT}
    if have:
        headers["Range"] = f"bytes={have}-"
    req = urllib.request.Request(url, headers=headers)
    try:
        resp = urllib.request.urlopen(req, timeout=timeout)
    except urllib.error.HTTPError as e:
        if e.code == 416 and have:   # the partial file is already complete
            return
        raise
    with resp:
        # 206: the server honoured the range; anything else is the whole file again.
        mode = "ab" if (have and resp.status == 206) else "wb"
        with open(part, mode) as f:
            shutil.copyfileobj(resp, f, _CHUNK)


def download_url(url, root, filename=None, md5=None, max_redirect_hops=3, *, sha256=None, timeout=10.0):
    """Download `url` to root/filename unless a file with the right checksum is already there."""
    root = os.path.expanduser(os.fspath(root))
    filename = filename or os.path.basename(url.split("?")[0])
    fpath = os.path.join(root, filename)
    if check_integrity(fpath, md5, sha256):
        return fpath
    os.makedirs(root, exist_ok=True)
    part = fpath + ".part"
    try:
        _fetch(url, part, timeout)
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        raise RuntimeError(
            f"could not download {url} ({reason}). Without network, download it by hand and "
            f"place it as {filename!r} in the directory {root!r}.") from e
    if not check_integrity(part, md5, sha256):
        os.remove(part)   # a corrupt part would poison every later resume
        raise RuntimeError(f"downloaded file {filename!r} from {url} failed its checksum "
                           f"({'md5 ' + md5 if md5 else 'sha256 ' + str(sha256)}); it was removed, retry")
    os.replace(part, fpath)
    return fpath


def extract_archive(from_path, to_path=None, remove_finished=False):
    """Extract .tar, .tar.gz/.tgz (members may not leave to_path) or decompress a .gz file."""
    to_path = to_path or os.path.dirname(from_path)
    if from_path.endswith((".tar.gz", ".tgz", ".tar")):
        with tarfile.open(from_path) as tar:
            tar.extractall(to_path, filter="data")   # "data" refuses absolute paths, links out, devices
        out = to_path
    elif from_path.endswith(".gz"):
        out = os.path.join(to_path, os.path.basename(from_path)[:-3])
        with gzip.open(from_path, "rb") as src, open(out, "wb") as dst:
            shutil.copyfileobj(src, dst, _CHUNK)
    else:
        raise RuntimeError(f"extract_archive: unsupported archive type {from_path!r}")
    if remove_finished:
        os.remove(from_path)
    return out


def download_and_extract_archive(url, download_root, extract_root=None, filename=None, md5=None,
                                 remove_finished=False):
    path = download_url(url, download_root, filename, md5)
    return extract_archive(path, extract_root or download_root, remove_finished)
