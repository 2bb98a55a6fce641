"""PyTorch Hopfield layers (optional extra ``hopfield[torch]``), a drop-in for ``hflayers``.

``Hopfield`` (association with projections and heads), ``HopfieldPooling`` (learned state
patterns pool a set), ``HopfieldLayer`` (learned stored patterns are looked up) and the
transformer blocks ``HopfieldEncoderLayer`` / ``HopfieldDecoderLayer``, built on
:mod:`hopfield.nn.functional`, which calls the array-API core of :mod:`hopfield.modern`;
``BitPatternSet`` / ``LatchSequenceSet`` (the toy data sets of ``hflayers``) and
:func:`load_hflayers_state_dict` (weights saved from ``hflayers``). Importing :mod:`hopfield`
does not import torch; importing :mod:`hopfield.nn` does.
"""


from importlib.util import find_spec as _find_spec

if _find_spec("torch") is None:  # pragma: no cover - exercised only without torch
    raise ImportError(
        "hopfield.nn needs PyTorch; install it with `pip install hopfield[torch]` "
        "(or `pip install torch`)."
    )

# imported after the check, so that a missing torch gives the message above
from . import functional
from .convert import load_hflayers_state_dict
from .data import BitPatternSet, LatchSequenceSet
from .layers import Hopfield, HopfieldLayer, HopfieldPooling
from .transformer import HopfieldDecoderLayer, HopfieldEncoderLayer

__all__ = ["BitPatternSet", "Hopfield", "HopfieldDecoderLayer", "HopfieldEncoderLayer",
           "HopfieldLayer", "HopfieldPooling", "LatchSequenceSet", "functional",
           "load_hflayers_state_dict"]
