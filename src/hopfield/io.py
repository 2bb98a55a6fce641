"""Save and load models: NumPy ``.npz`` archives with a JSON header, never pickle.

A file holds the model's arrays under their names plus ``__hopfield__``, a UTF-8 JSON header
(stored as bytes) with the format version, the model's kind and its configuration. Loading uses
the archive's ``.npy`` members one by one (never pickle; only the members the model needs, each
checked against its declared size first) and builds only the kinds registered in :data:`MODELS`,
so a hostile file gets a ``ValueError``, never code execution or unbounded work. Arrays load back
bit-exact.

A model class joins by implementing ``_to_arrays(self) -> (config: dict, arrays: dict)`` and the
classmethod ``_from_arrays(config, arrays)``, and by adding its import path to :data:`MODELS`.
"""

from __future__ import annotations

import importlib
import json
import os
import zipfile
import zlib

import numpy as np

__all__ = ["MODELS", "load", "save"]

FORMAT = "hopfield-model"
#: the version written; 2: a Hebb network holds its patterns instead of the float64 W
VERSION = 2
#: the versions read (a model's ``_from_arrays`` reads every one of them)
READABLE = (1, 2)
_HEADER = "__hopfield__"

#: kind -> "module:Class" of every model that can be saved
MODELS: dict[str, str] = {
    "HopfieldNetwork": "hopfield.classical:HopfieldNetwork",
    "ContinuousHopfieldNetwork": "hopfield.continuous:ContinuousHopfieldNetwork",
    "DenseAssociativeMemory": "hopfield.dense:DenseAssociativeMemory",
    "ModernHopfieldNetwork": "hopfield.modern:ModernHopfieldNetwork",
    "BidirectionalAssociativeMemory": "hopfield.bam:BidirectionalAssociativeMemory",
    "BoltzmannMachine": "hopfield.boltzmann:BoltzmannMachine",
    "PhasorHopfieldNetwork": "hopfield.phasor:PhasorHopfieldNetwork",
    "SequenceMemory": "hopfield.sequence:SequenceMemory",
    "PairedAssociativeMemory": "hopfield.association:PairedAssociativeMemory",
}


def _model_class(kind: str):
    if kind not in MODELS:
        raise ValueError(f"unknown model kind {kind!r} in file; known kinds: {', '.join(MODELS)}.")
    module, name = MODELS[kind].split(":")
    return getattr(importlib.import_module(module), name)


def save(model, path: str | os.PathLike) -> None:
    """Save ``model`` to ``path`` (an ``.npz`` archive; the suffix is not added for you).

    Parameters
    ----------
    model : any model listed in :data:`MODELS`
    path : str or path-like
    """
    kind = type(model).__name__
    if kind not in MODELS or not isinstance(model, _model_class(kind)):
        raise TypeError(f"cannot save a {kind} (`model`); savable models: {', '.join(MODELS)}.")
    if not isinstance(path, str | bytes | os.PathLike):
        raise TypeError(f"`path` must be a str or path-like; got {type(path).__name__}.")
    config, arrays = model._to_arrays()
    if _HEADER in arrays:
        raise ValueError(f"array name {_HEADER!r} is reserved.")
    header = json.dumps({"format": FORMAT, "version": VERSION, "kind": kind, "config": config})
    payload = {name: np.asarray(a) for name, a in arrays.items()}
    for name, a in payload.items():
        if a.dtype == object:
            raise TypeError(f"array {name!r} has dtype object, which cannot be saved without pickle.")
    payload[_HEADER] = np.frombuffer(header.encode("utf-8"), dtype=np.uint8)
    with open(path, "wb") as fh:
        np.savez(fh, **payload)


#: limits on what a file may make ``load`` do: members, header bytes, JSON nesting, and the total
#: bytes decompressed (a real model's arrays are a few of these; a hostile archive gets an error)
MAX_MEMBERS = 64
MAX_HEADER_BYTES = 1 << 20
MAX_JSON_DEPTH = 32
MAX_TOTAL_BYTES = 1 << 32
#: a member may compress at most this well: np.savez stores members, so a legitimate file is ~1:1
MAX_COMPRESSION_RATIO = 100


class _BadFile(ValueError):
    """A problem with the file itself; :func:`load` adds the path."""


def _json_depth(text: str) -> int:
    """Deepest nesting of [] and {} outside strings: a linear scan, no recursion."""
    depth = worst = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            worst = max(worst, depth)
        elif ch in "]}":
            depth -= 1
    return worst


class _Members:
    """The archive's arrays, each read only when a model's ``_from_arrays`` asks for it.

    Before a member is decompressed, the shape and dtype in its ``.npy`` header are checked against
    the size the archive declares for it, and the running total against :data:`MAX_TOTAL_BYTES`.
    """

    def __init__(self, zf: zipfile.ZipFile):
        self._zf = zf
        self._infos = {}
        for info in zf.infolist():
            if not info.filename.endswith(".npy"):
                raise _BadFile(f"member {info.filename!r} is not a .npy array")
            self._infos[info.filename[:-4]] = info
        if len(self._infos) > MAX_MEMBERS:
            raise _BadFile(f"it has {len(self._infos)} members; a model file has at most {MAX_MEMBERS}")
        self._cache: dict[str, np.ndarray] = {}
        self._total = 0

    def __contains__(self, name) -> bool:
        return name in self._infos

    def keys(self):
        return self._infos.keys()

    def get(self, name, default=None):
        return self[name] if name in self._infos else default

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._infos:
            raise KeyError(name)
        if name not in self._cache:
            self._cache[name] = self._read(name, self._infos[name])
        return self._cache[name]

    def _read(self, name: str, info: zipfile.ZipInfo) -> np.ndarray:
        if info.compress_type != zipfile.ZIP_STORED and info.file_size > (
            MAX_COMPRESSION_RATIO * max(info.compress_size, 1) + (1 << 20)
        ):
            raise _BadFile(f"member {name!r} claims a compression ratio beyond {MAX_COMPRESSION_RATIO}:1")
        if self._total + info.file_size > MAX_TOTAL_BYTES:
            raise _BadFile(f"its members exceed the {MAX_TOTAL_BYTES >> 30} GiB a model file may hold")
        with self._zf.open(info) as fh:
            version = np.lib.format.read_magic(fh)
            read_array_header = {(1, 0): np.lib.format.read_array_header_1_0,
                                 (2, 0): np.lib.format.read_array_header_2_0}.get(version)
            if read_array_header is None:
                raise _BadFile(f"member {name!r} has .npy format version {version}")
            shape, fortran, dtype = read_array_header(fh, max_header_size=10_000)
            if dtype.hasobject:
                raise _BadFile(f"member {name!r} holds Python objects, which a model file never does")
            count = 1
            for d in shape:
                count *= d
            nbytes = count * dtype.itemsize
            if fh.tell() + nbytes != info.file_size:
                raise _BadFile(f"member {name!r} declares shape {shape} of {dtype} ({nbytes} bytes) "
                               f"but holds {info.file_size - fh.tell()} bytes")
            data = fh.read(nbytes)
        if len(data) != nbytes:
            raise _BadFile(f"member {name!r} is truncated")
        self._total += info.file_size
        arr = np.frombuffer(data, dtype=dtype)
        return arr.reshape(shape[::-1]).T.copy() if fortran else arr.reshape(shape).copy()


def _read_header(members: _Members) -> dict:
    if _HEADER not in members:
        raise _BadFile(f"it has no {_HEADER!r} header")
    info = members._infos[_HEADER]
    if info.file_size > MAX_HEADER_BYTES:
        raise _BadFile(f"its header is {info.file_size} bytes; at most {MAX_HEADER_BYTES} are allowed")
    raw = members[_HEADER]
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise _BadFile("its header is not a 1-D uint8 array")
    text = raw.tobytes().decode("utf-8")
    if _json_depth(text) > MAX_JSON_DEPTH:
        raise _BadFile(f"its header nests deeper than {MAX_JSON_DEPTH} levels")
    header = json.loads(text)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise _BadFile("it is not a hopfield model file (bad header)")
    version = header.get("version")
    if type(version) is not int or version not in READABLE:
        raise _BadFile(f"it has format version {version!r}; this hopfield reads versions "
                       f"{', '.join(map(str, READABLE))}")
    if not isinstance(header.get("kind"), str):
        raise _BadFile(f"its header's kind is {header.get('kind')!r}, not a model name")
    if not isinstance(header.get("config", {}), dict):
        raise _BadFile("its header's config is not an object")
    return header


def load(path: str | os.PathLike):
    """Load a model saved by :func:`save`.

    The archive is read member by member: the JSON header first (at most
    :data:`MAX_HEADER_BYTES`, nested at most :data:`MAX_JSON_DEPTH` deep), then only the arrays
    the model asks for, each checked against its declared size before it is decompressed, with at
    most :data:`MAX_TOTAL_BYTES` in all. Nothing is unpickled.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ValueError
        For anything wrong with the file: not a hopfield model file, corrupt or truncated, too
        large, an unknown kind, or a configuration the model refuses.
    """
    where = repr(os.fspath(path))
    try:
        with open(path, "rb") as fh, zipfile.ZipFile(fh) as zf:
            members = _Members(zf)
            header = _read_header(members)
            cls = _model_class(header["kind"])
            try:
                return cls._from_arrays(header.get("config", {}), members)
            except _BadFile:
                raise
            except Exception as exc:  # any failure to build the model is a property of the file
                raise ValueError(f"{where} holds an inconsistent {header['kind']}: "
                                 f"{type(exc).__name__}: {exc}") from None
    except FileNotFoundError:
        raise
    except _BadFile as exc:
        raise ValueError(f"{where} is not a readable hopfield model file: {exc}.") from None
    except ValueError as exc:
        if str(exc).startswith(where):
            raise
        raise ValueError(f"{where} is not a readable hopfield model file: {exc}") from None
    # what zipfile, zlib and NumPy's header parser raise on a damaged or hostile file (zipfile
    # raises NotImplementedError for a compression method it does not know)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, UnicodeDecodeError,
            KeyError, TypeError, OverflowError, RecursionError, MemoryError, NotImplementedError,
            zlib.error) as exc:
        raise ValueError(f"{where} is not a readable hopfield model file "
                         f"({type(exc).__name__}: {exc}).") from None
