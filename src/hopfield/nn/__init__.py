"""PyTorch Hopfield layers (optional extra ``hopfield[torch]``).

``Hopfield`` (association with projections and heads), ``HopfieldPooling`` (learned state
patterns pool a set) and ``HopfieldLayer`` (learned stored patterns are looked up), built on
:mod:`hopfield.nn.functional`, which calls the array-API core of :mod:`hopfield.modern`.
Importing :mod:`hopfield` does not import torch; importing :mod:`hopfield.nn` does.
"""


from importlib.util import find_spec as _find_spec

if _find_spec("torch") is None:  # pragma: no cover - exercised only without torch
    raise ImportError(
        "hopfield.nn needs PyTorch; install it with `pip install hopfield[torch]` "
        "(or `pip install torch`)."
    )

# imported after the check, so that a missing torch gives the message above
from . import functional
from .layers import Hopfield, HopfieldLayer, HopfieldPooling

__all__ = ["Hopfield", "HopfieldLayer", "HopfieldPooling", "functional"]
