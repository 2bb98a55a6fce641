"""Save and load models: NumPy ``.npz`` archives with a JSON header, never pickle.

A file holds the model's arrays under their names plus ``__hopfield__``, a UTF-8 JSON header
(stored as bytes) with the format version, the model's kind and its configuration. Loading uses
``numpy.load(..., allow_pickle=False)`` and builds only the kinds registered in :data:`MODELS`, so
a hostile file gets an error, never code execution. Arrays load back bit-exact.

A model class joins by implementing ``_to_arrays(self) -> (config: dict, arrays: dict)`` and the
classmethod ``_from_arrays(config, arrays)``, and by adding its import path to :data:`MODELS`.
"""

from __future__ import annotations

import importlib
import json
import os
import zipfile

import numpy as np

__all__ = ["MODELS", "load", "save"]

FORMAT = "hopfield-model"
VERSION = 1
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
        raise TypeError(f"cannot save a {kind}; savable models: {', '.join(MODELS)}.")
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


def load(path: str | os.PathLike):
    """Load a model saved by :func:`save`.

    Raises
    ------
    ValueError
        If the file is not a hopfield model file, is corrupt, or names an unknown kind.
    """
    try:
        # open the file ourselves: numpy leaks its handle when the archive is corrupt
        with open(path, "rb") as fh:
            data = np.load(fh, allow_pickle=False)
            if not isinstance(data, np.lib.npyio.NpzFile):
                raise ValueError("it holds a bare array, not an archive")
            with data:
                if _HEADER not in data.files:
                    raise ValueError(f"it has no {_HEADER!r} header")
                header = json.loads(bytes(data[_HEADER]).decode("utf-8"))
                arrays = {name: data[name] for name in data.files if name != _HEADER}
    except FileNotFoundError:
        raise
    except (ValueError, OSError, zipfile.BadZipFile, KeyError, EOFError, UnicodeDecodeError) as exc:
        raise ValueError(f"{os.fspath(path)!r} is not a readable hopfield model file: {exc}") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError(f"{os.fspath(path)!r} is not a hopfield model file (bad header).")
    if header.get("version") != VERSION:
        raise ValueError(f"{os.fspath(path)!r} has format version {header.get('version')!r}; "
                         f"this hopfield reads version {VERSION}.")
    cls = _model_class(header.get("kind"))
    try:
        return cls._from_arrays(header.get("config", {}), arrays)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{os.fspath(path)!r} holds an inconsistent {header['kind']}: {exc}") from None
