"""torch.save / torch.load in PyTorch's own zip format, without torch.

The file is the one torch.save writes since 1.6: an uncompressed zip whose entries sit
under one top-level folder `<archive>/`:

    data.pkl             pickle (protocol 2) of the object. A tensor is the call
                         torch._utils._rebuild_tensor_v2(storage, storage_offset, size,
                         stride, requires_grad, backward_hooks); a Parameter wraps that in
                         torch._utils._rebuild_parameter(tensor, requires_grad, hooks).
                         A storage is a persistent id
                         ('storage', torch.<Type>Storage, key, location, numel).
    data/<key>           the storage's raw bytes, numel elements, in `byteorder`
    byteorder            'little' or 'big'
    version              '3' (the zip format's record version)
    .format_version, .storage_alignment   written by torch >= 2.1; data records start at
                         a multiple of 64 bytes (kept so torch can mmap our files)

Loading resolves pickle globals through an allow-list (`_ALLOWED`): anything else raises
pickle.UnpicklingError before it is called, the way torch.load(weights_only=True) does.
Tensors that share a storage in the file share memory after loading. weights_only=False
runs a full pickle load (any global except torch's own, which cannot be rebuilt here), so
a whole ember Module round-trips through save/load.

The legacy format (torch.save(..., _use_new_zipfile_serialization=False), torch < 1.6) is
read too: five pickles in a row (magic number, protocol version 1001, sys_info, the object
with persistent ids ('storage', type, key, location, numel, view_metadata), the list of
storage keys), then per key an int64 element count and the raw bytes. The main pickle is
first walked opcode by opcode (nothing runs) to reach the records behind it, every size
is checked against the pickle's, then the object is rebuilt through the same allow-list. torch is never
imported: files are read and written with zipfile and pickle alone.
"""
import collections
import io
import os
import pickle
import zipfile

import numpy

from . import _dtype
from ._device import canonical, cpu
from ._device import device as _device_cls
from ._tensor import Size, Tensor, make_tensor, storage_root
from .ops.copy import address, to_numpy

__all__ = ["load", "save"]

# torch's legacy storage class name of each dtype (the `storage_type` in a persistent id)
_STORAGE_NAMES = {
    "FloatStorage": "float32", "DoubleStorage": "float64", "HalfStorage": "float16",
    "BFloat16Storage": "bfloat16", "LongStorage": "int64", "IntStorage": "int32",
    "ShortStorage": "int16", "CharStorage": "int8", "ByteStorage": "uint8",
    "BoolStorage": "bool", "ComplexFloatStorage": "complex64",
    "ComplexDoubleStorage": "complex128",
}
_STORAGE_OF_DTYPE = {v: k for k, v in _STORAGE_NAMES.items()}
_ALIGNMENT = 64


# ------------------------------------------------------------------------- load

class _StorageType:
    """What `torch.FloatStorage` & co. unpickle to: only its dtype matters."""
    __slots__ = ("dtype",)

    def __init__(self, dtype):
        self.dtype = dtype


class _Storage:
    """One storage of the file, read once and placed on its target device."""
    __slots__ = ("device", "flat", "root")

    def __init__(self, flat, device):
        self.flat = flat        # 1-D xp array with the storage's elements
        self.device = device
        self.root = None        # the Tensor that owns `flat` for ember (storage_root)


def _check_int_tuple(name, value):
    if not isinstance(value, tuple) or not all(type(v) is int for v in value):
        raise pickle.UnpicklingError(f"_rebuild_tensor_v2: {name} must be a tuple of ints, "
                                     f"got {value!r}")
    return value


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None):
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError("_rebuild_tensor_v2: the storage argument is not a storage "
                                     f"of this file (got {type(storage).__name__})")
    size, stride = _check_int_tuple("size", size), _check_int_tuple("stride", stride)
    if type(storage_offset) is not int or storage_offset < 0:
        raise pickle.UnpicklingError(f"_rebuild_tensor_v2: bad storage offset {storage_offset!r}")
    if len(size) != len(stride) or any(n < 0 for n in size) or any(s < 0 for s in stride):
        raise pickle.UnpicklingError(f"_rebuild_tensor_v2: bad size {list(size)} / stride "
                                     f"{list(stride)}")
    flat = storage.flat
    numel = 1
    for n in size:
        numel *= n
    if numel:
        need = storage_offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1
        if need > flat.size:
            raise RuntimeError(
                f"ember.load: tensor of size {list(size)}, stride {list(stride)} and storage "
                f"offset {storage_offset} needs {need} elements but its storage holds only "
                f"{flat.size}: the file is corrupt")
    contiguous = stride == _contiguous_strides(size)
    if contiguous and storage_offset == 0 and numel == flat.size:
        data = flat.reshape(size)
    elif contiguous and numel:
        data = flat[storage_offset:storage_offset + numel].reshape(size)
    else:
        isz = flat.itemsize
        xp = storage.device.xp
        data = xp.lib.stride_tricks.as_strided(
            flat[storage_offset:] if storage_offset < flat.size else flat[:0], size,
            tuple(s * isz for s in stride))
    t = make_tensor(data, storage.device)
    if storage.root is None and data.size == flat.size and data.flags.c_contiguous:
        storage.root = t     # the common case: one tensor per storage, no extra root object
    else:
        if storage.root is None:
            storage.root = make_tensor(flat, storage.device)
        # shares memory and the version counter like a detached view (torch's loaded tensors
        # are no autograd views, but in-place writes through one are seen by the others)
        t._vc = storage.root._vc
        t.__dict__["_storage_base"] = storage.root
    if requires_grad:
        t.requires_grad_(True)
    return t


def _contiguous_strides(size):
    st, acc = [], 1
    for n in reversed(size):
        st.append(acc)
        acc *= max(n, 1)
    return tuple(reversed(st))


def _rebuild_parameter(data, requires_grad, backward_hooks=None, state=None):
    from .nn.parameter import Parameter
    if not isinstance(data, Tensor):
        raise pickle.UnpicklingError("_rebuild_parameter: data is not a tensor")
    return Parameter(data, bool(requires_grad))


def _bytes_from_latin1(text, encoding="latin1"):
    # protocol 2 writes bytes as _codecs.encode(str, 'latin1'); other codecs are refused
    # because some of them (zlib, bz2) decompress attacker-chosen data
    if encoding not in ("latin1", "latin-1") or not isinstance(text, str):
        raise pickle.UnpicklingError(f"_codecs.encode with encoding {encoding!r} is not allowed")
    return text.encode("latin1")


def _dtype_global(name):
    return _dtype._BY_NAME[name]


_ALLOWED = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("collections", "Counter"): collections.Counter,
    ("builtins", "set"): set, ("__builtin__", "set"): set,
    ("builtins", "frozenset"): frozenset, ("__builtin__", "frozenset"): frozenset,
    ("builtins", "complex"): complex, ("__builtin__", "complex"): complex,
    ("builtins", "bytearray"): bytearray, ("__builtin__", "bytearray"): bytearray,
    ("_codecs", "encode"): _bytes_from_latin1,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
    ("torch", "Size"): Size,
    ("torch", "device"): _device_cls,
}
_ALLOWED.update({("torch", n): _StorageType(d) for n, d in _STORAGE_NAMES.items()})
_ALLOWED.update({("torch", d.name): d for d in _dtype.ALL})
# the aliases torch's dtypes may be pickled under
for _alias, _name in (("half", "float16"), ("float", "float32"), ("double", "float64"),
                      ("short", "int16"), ("int", "int32"), ("long", "int64"),
                      ("cfloat", "complex64"), ("cdouble", "complex128")):
    _ALLOWED[("torch", _alias)] = _dtype._BY_NAME[_name]


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, zf, prefix, map_location, weights_only, **kwargs):
        super().__init__(file, **kwargs)
        self._zf, self._prefix = zf, prefix
        self._map_location = map_location
        self._weights_only = weights_only
        self._storages = {}

    def find_class(self, module, name):
        found = _ALLOWED.get((module, name))
        if found is not None:
            return found
        if self._weights_only:
            raise pickle.UnpicklingError(
                "Weights only load failed. This file can still be loaded: re-running "
                "`ember.load` with `weights_only` set to `False` will likely succeed, but it "
                "can result in arbitrary code execution. Do it only if you got the file from "
                "a trusted source. (weights_only=True, the default, rebuilds only tensors, "
                "containers and plain Python values.)\n\tWeightsUnpickler error: Unsupported "
                f"global: GLOBAL {module}.{name} was not an allowed global by default.")
        if module.startswith("torch"):
            raise pickle.UnpicklingError(f"ember.load cannot rebuild the torch object "
                                         f"{module}.{name}")
        return super().find_class(module, name)

    def persistent_load(self, pid):
        if (not isinstance(pid, tuple) or len(pid) != 5 or pid[0] != "storage"
                or not isinstance(pid[1], _StorageType) or not isinstance(pid[2], str)
                or not isinstance(pid[3], str) or type(pid[4]) is not int or pid[4] < 0):
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r}")
        _, stype, key, location, numel = pid
        storage = self._storages.get(key)
        if storage is None:
            storage = self._storages[key] = self._read_storage(stype.dtype, key, location, numel)
        return storage

    def _read_storage(self, dtype_name, key, location, numel):
        np_dtype = _dtype._BY_NAME[dtype_name].np
        name = f"{self._prefix}data/{key}"
        try:
            raw = self._zf.read(name)
        except KeyError:
            raise RuntimeError(f"ember.load: the file has no record {name!r} for storage "
                               f"{key}: the file is corrupt") from None
        except (zipfile.BadZipFile, EOFError, OSError) as e:
            raise RuntimeError(f"ember.load: cannot read record {name!r}: {e}") from e
        nbytes = numel * np_dtype.itemsize
        if len(raw) < nbytes:
            raise RuntimeError(f"ember.load: storage {key} should hold {numel} elements of "
                               f"{dtype_name} ({nbytes} bytes) but its record has only "
                               f"{len(raw)} bytes: the file is truncated or corrupt")
        flat = numpy.frombuffer(bytearray(raw[:nbytes]), dtype=np_dtype)
        if self._big_endian:
            flat = flat.view(np_dtype.newbyteorder(">")).astype(np_dtype)
        return self._place(flat, location)

    def _place(self, flat, location):
        ml = self._map_location
        if callable(ml) and not isinstance(ml, (str, _device_cls)):
            moved = ml(make_tensor(flat, cpu), location)
            if moved is not None:
                if not isinstance(moved, Tensor):
                    raise TypeError("map_location callable must return a Tensor or None, got "
                                    f"{type(moved).__name__}")
                return _Storage(moved._data.reshape(-1), moved.device)
            ml = None
        if isinstance(ml, dict):
            ml = ml.get(location, location)
        dev = _device_cls(location if ml is None else ml)
        if dev.type == "cuda":
            _check_cuda_location(dev)
        dev = canonical(dev)
        if dev is not cpu:
            with dev.xp.cuda.Device(dev.index):
                flat = dev.xp.asarray(flat)
        return _Storage(flat, dev)


def _check_cuda_location(dev):
    """torch's errors for storages mapped to a GPU that is not there."""
    from . import cuda
    if not cuda.is_available():
        raise RuntimeError(
            "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is "
            "False. If you are running on a CPU-only machine, please use torch.load with "
            "map_location=torch.device('cpu') to map your storages to the CPU.")
    count = cuda.device_count()
    if dev.index is not None and dev.index >= count:
        raise RuntimeError(
            f"Attempting to deserialize object on CUDA device {dev.index} but "
            f"torch.cuda.device_count() is {count}. Please use torch.load with map_location to "
            "map your storages to an existing device.")


def _open_zip(f):
    try:
        return zipfile.ZipFile(f, "r")
    except zipfile.BadZipFile as e:
        raise RuntimeError(
            f"ember.load: not a torch zip checkpoint, or the file is truncated ({e}). Files "
            "written by torch.save before 1.6 (the legacy format) are not supported.") from e


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None,
         **pickle_load_args):
    """torch.load: read a file written by torch.save (or ember.save).

    map_location: None (each storage where it was saved), a device or string, a dict
    {saved location: new location}, or a callable(storage, location) returning a tensor or
    None. weights_only=True (the default, as in torch) allows only tensors, containers and
    plain values in the pickle; any other global raises pickle.UnpicklingError unexecuted.
    """
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("ember.load supports only the standard pickle module")
    if mmap:
        raise NotImplementedError("ember.load does not support mmap=True")
    weights_only = True if weights_only is None else bool(weights_only)
    pickle_load_args.setdefault("encoding", "utf-8")
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            return load(fh, map_location, weights_only=weights_only, **pickle_load_args)
    start = f.tell()
    # a zip starts with a local file header; anything else is tried as the legacy format
    legacy = f.read(4) != b"PK\x03\x04"
    f.seek(start)
    if legacy:
        return _load_legacy(f, map_location, weights_only, pickle_load_args)
    with _open_zip(f) as zf:
        names = zf.namelist()
        pkl = [n for n in names if n.endswith("data.pkl") and n.count("/") == 1]
        if len(pkl) != 1:
            raise RuntimeError("ember.load: the zip file has no <archive>/data.pkl record; it "
                               "is not a torch checkpoint")
        prefix = pkl[0][:-len("data.pkl")]
        try:
            data = zf.read(pkl[0])
            order = zf.read(prefix + "byteorder") if prefix + "byteorder" in names else b"little"
        except (zipfile.BadZipFile, EOFError, OSError) as e:
            raise RuntimeError(f"ember.load: cannot read the checkpoint: {e}") from e
        if order not in (b"little", b"big"):
            raise RuntimeError(f"ember.load: unknown byteorder record {order!r}")
        up = _Unpickler(io.BytesIO(data), zf, prefix, map_location, weights_only,
                        **pickle_load_args)
        up._big_endian = order == b"big"
        try:
            return up.load()
        except (EOFError, pickle.UnpicklingError, RuntimeError, TypeError):
            raise
        except Exception as e:
            raise pickle.UnpicklingError(f"ember.load: malformed data.pkl: {e!r}") from e


# ----------------------------------------------------------------- legacy (pre-1.6) load
_LEGACY_MAGIC = 0x1950a86a20f9469cfc6c
_LEGACY_PROTOCOL = 1001


class _LegacyUnpickler(_Unpickler):
    """Persistent ids ('storage', type, key, location, numel, view_metadata); the storages
    were read (from after the main pickle) before this runs."""

    def persistent_load(self, pid):
        if isinstance(pid, tuple) and len(pid) == 4 and pid[0] == "module":
            # ('module', class, source file, source): the class was resolved (and checked
            # against weights_only) by find_class
            return pid[1]
        if (not isinstance(pid, tuple) or len(pid) != 6 or pid[0] != "storage"
                or not isinstance(pid[1], _StorageType) or not isinstance(pid[2], str)
                or pid[2] not in self._storages):
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r}")
        storage = self._storages[pid[2]]
        view = pid[5]
        if view is None:
            return storage
        if (not isinstance(view, tuple) or len(view) != 3 or type(view[1]) is not int
                or type(view[2]) is not int or view[1] < 0
                or view[1] + view[2] > storage.flat.size):
            raise pickle.UnpicklingError(f"bad storage view {view!r}")
        return _Storage(storage.flat[view[1]:view[1] + view[2]], storage.device)


def _legacy_error(what):
    return RuntimeError(f"ember.load: legacy (pre-zip) checkpoint is truncated or corrupt: "
                        f"{what}")


def _load_legacy(f, map_location, weights_only, pickle_load_args):
    """The format torch.save(_use_new_zipfile_serialization=False) writes: pickles of the
    magic number, the protocol version and sys_info, then the main pickle, then the list of
    storage keys, then per key an int64 element count and the raw little-endian bytes."""
    import pickletools

    def small(what):
        # only ints, strings, dicts and lists here: no global is ever allowed
        up = _Unpickler(f, None, "", None, True, **pickle_load_args)
        try:
            return up.load()
        except EOFError:
            raise _legacy_error(f"the {what} record is missing") from None
        except pickle.UnpicklingError as e:
            raise _legacy_error(f"the {what} record is cut short or malformed ({e})") from None

    try:
        magic = small("magic number")
    except RuntimeError as e:
        raise RuntimeError(f"ember.load: not a torch checkpoint (neither a zip file nor the "
                           f"legacy format): {e}") from e
    if magic != _LEGACY_MAGIC:
        raise RuntimeError("ember.load: not a torch checkpoint (invalid magic number; neither "
                           "a zip file nor the legacy format)")
    if small("protocol version") != _LEGACY_PROTOCOL:
        raise RuntimeError("ember.load: unsupported legacy protocol version")
    sys_info = small("sys_info")
    little = not isinstance(sys_info, dict) or sys_info.get("little_endian", True)
    main_start = f.tell()
    # walk the main pickle's opcodes without running them, to reach the records behind it
    try:
        for op, _, _ in pickletools.genops(f):
            if op.name == "STOP":
                break
    except ValueError as e:
        raise _legacy_error(f"the main pickle is cut short ({e})") from None
    main_end = f.tell()
    keys = small("storage key list")
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise _legacy_error("the storage key list is malformed")
    # the storage types come from the main pickle: collect them with a dry pass that runs
    # nothing (persistent ids only)
    f.seek(main_start)
    main = f.read(main_end - main_start)
    types = {}
    sniff = _TypeSniffer(io.BytesIO(main), types)
    sniff.load()
    f.seek(main_end)
    small("storage key list")
    up = _LegacyUnpickler(io.BytesIO(main), None, "", map_location, weights_only,
                          **pickle_load_args)
    up._big_endian = not little
    for key in keys:
        head = f.read(8)
        if len(head) != 8:
            raise _legacy_error(f"storage {key} has no size record")
        numel = int.from_bytes(head, "little" if little else "big", signed=True)
        pid = types.get(key)
        if pid is None:
            raise _legacy_error(f"storage {key} is not referenced by the main pickle")
        np_dtype = _dtype._BY_NAME[pid[0]].np
        if numel < 0 or numel != pid[1]:
            raise _legacy_error(f"storage {key} declares {numel} elements, the pickle {pid[1]}")
        nbytes = numel * np_dtype.itemsize
        raw = f.read(nbytes)
        if len(raw) != nbytes:
            raise _legacy_error(f"storage {key} should hold {nbytes} bytes but only "
                                f"{len(raw)} remain")
        flat = numpy.frombuffer(bytearray(raw), dtype=np_dtype)
        if not little:
            flat = flat.view(np_dtype.newbyteorder(">")).astype(np_dtype)
        up._storages[key] = up._place(flat, pid[2])
    try:
        return up.load()
    except (EOFError, pickle.UnpicklingError, RuntimeError, TypeError):
        raise
    except Exception as e:
        raise pickle.UnpicklingError(f"ember.load: malformed legacy pickle: {e!r}") from e


class _TypeSniffer(pickle.Unpickler):
    """Reads the main pickle once, running no global at all (every one becomes an inert
    stub), to learn each storage's (dtype, numel, location) before its bytes are read."""

    def __init__(self, file, types):
        super().__init__(file)
        self._types = types

    def find_class(self, module, name):
        found = _ALLOWED.get((module, name))
        if isinstance(found, _StorageType):
            return found
        return _Inert

    def persistent_load(self, pid):
        if (isinstance(pid, tuple) and len(pid) == 6 and isinstance(pid[1], _StorageType)
                and isinstance(pid[2], str) and type(pid[4]) is int):
            self._types.setdefault(pid[2], (pid[1].dtype, pid[4], str(pid[3])))
        return _Inert


class _Inert:
    """Stands in for every global during the sniffing pass: a type (NEWOBJ needs one) whose
    construction, calls, state and items all do nothing."""

    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return self

    def __setstate__(self, state):
        pass

    def __setitem__(self, key, value):
        pass

    def __getattr__(self, name):
        return self


# ------------------------------------------------------------------------- save

class _Global:
    """Pickles as the global `module.name` without importing it (torch may be absent)."""
    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle's save_reduce insists on a callable
        raise TypeError(f"{self.module}.{self.name} is a placeholder for pickling")


_REBUILD_V2 = _Global("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAM = _Global("torch._utils", "_rebuild_parameter")
_TORCH_SIZE = _Global("torch", "Size")
_TORCH_DEVICE = _Global("torch", "device")
_STORAGE_GLOBALS = {d: _Global("torch", n) for d, n in _STORAGE_OF_DTYPE.items()}


class _StorageRef:
    __slots__ = ("array", "key", "location")

    def __init__(self, key, array, location):
        self.key, self.array, self.location = key, array, location


class _Pickler(pickle._Pickler):
    # the pure-Python pickler, because only it lets us write a GLOBAL for a module that is
    # not importable here; data.pkl is small (tensor data lives in data/<key>)
    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, file, protocol):
        super().__init__(file, protocol)
        self.storages = []          # _StorageRef in key order
        self._by_memory = {}        # (address, nbytes, dtype, device) of a root -> _StorageRef

    def _save_global_stub(self, obj):
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    dispatch[_Global] = _save_global_stub

    def _save_dtype(self, obj):
        self.write(pickle.GLOBAL + f"torch\n{obj.name}\n".encode())
        self.memoize(obj)

    dispatch[_dtype.dtype] = _save_dtype

    def persistent_id(self, obj):
        if type(obj) is _StorageRef:
            return ("storage", _STORAGE_GLOBALS[obj.array.dtype.name], obj.key, obj.location, int(obj.array.size))
        return None

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            if type(obj) is not Tensor and _is_parameter(obj):
                return (_REBUILD_PARAM, (obj.detach(), obj.requires_grad,
                                         collections.OrderedDict()))
            return self._reduce_tensor(obj)
        if type(obj) is Size:
            return (_TORCH_SIZE, (tuple(obj),))
        if type(obj) is _device_cls:
            return (_TORCH_DEVICE, (str(obj),))
        return NotImplemented

    def _new_storage(self, array, location):
        ref = _StorageRef(str(len(self.storages)), array, location)
        self.storages.append(ref)
        return ref

    def _reduce_tensor(self, t):
        location = str(t.device)
        td = t._data
        root = storage_root(t)
        rd = root._data
        shared = None
        if td.size and rd.flags.c_contiguous and rd.dtype == td.dtype:
            isz = td.itemsize
            off = address(td) - address(rd)
            strides = [s if n > 1 else isz for n, s in zip(td.shape, td.strides)]
            if off >= 0 and off % isz == 0 and all(s >= 0 and s % isz == 0 for s in strides):
                offset = off // isz
                stride = tuple(s // isz for s in strides)
                end = offset + sum((n - 1) * s for n, s in zip(td.shape, stride)) + 1
                if end <= rd.size:
                    key = (address(rd), rd.nbytes, rd.dtype.str, location)
                    shared = self._by_memory.get(key)
                    if shared is None:
                        flat = to_numpy(root).reshape(-1)
                        shared = self._by_memory[key] = self._new_storage(flat, location)
                    if td.flags.c_contiguous:
                        stride = _contiguous_strides(td.shape)
        if shared is None:  # no flat storage to point into: a contiguous copy of its own
            flat = numpy.ascontiguousarray(to_numpy(t)).reshape(-1)
            shared = self._new_storage(flat, location)
            offset, stride = 0, _contiguous_strides(td.shape)
        return (_REBUILD_V2, (shared, offset, tuple(td.shape), stride, t.requires_grad,
                              collections.OrderedDict()))


def _is_parameter(t):
    from .nn.parameter import Parameter
    return isinstance(t, Parameter)


def _aligned_info(zf, name):
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    # pad the local header's extra field so the record's data starts on a 64-byte boundary
    header_end = zf.fp.tell() + 30 + len(name.encode("utf-8")) + 4
    pad = (-header_end) % _ALIGNMENT
    info.extra = b"FB" + pad.to_bytes(2, "little") + b"Z" * pad
    return info


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """torch.save: write obj in torch's zip format, loadable by torch.load(weights_only=True)
    when it holds only tensors, containers and plain values."""
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("ember.save supports only the standard pickle module")
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("ember.save writes only the zip format")
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:
            return save(obj, fh, pickle_protocol=pickle_protocol)
    buf = io.BytesIO()
    pickler = _Pickler(buf, pickle_protocol)
    pickler.dump(obj)
    prefix = "archive/"
    with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as zf:
        def record(name, payload):
            zf.writestr(_aligned_info(zf, prefix + name), payload)
        record("data.pkl", buf.getvalue())
        record(".format_version", b"1")
        record(".storage_alignment", str(_ALIGNMENT).encode())
        record("byteorder", b"little")
        for ref in pickler.storages:
            arr = ref.array
            if arr.dtype.byteorder == ">":
                arr = arr.astype(arr.dtype.newbyteorder("<"))
            record(f"data/{ref.key}", arr.tobytes())
        record("version", b"3\n")
