"""hopfield: Hopfield networks and associative memory, from Hopfield (1982) to modern Hopfield
networks and hierarchical associative memory.

Nothing heavy loads at import: Numba kernels compile on first use, Matplotlib and torch are
imported only by the functions that need them.
"""


from . import cuts, datasets, dynamics, human_memory, ising, lagrangian, patterns, phasor, plot, rules
from .association import PairedAssociativeMemory
from .bam import BidirectionalAssociativeMemory
from .boltzmann import BoltzmannMachine
from .classical import HopfieldNetwork, RecallResult
from .continuous import ContinuousHopfieldNetwork
from .dam_classifier import DAMClassifier
from .dense import DenseAssociativeMemory
from .io import load, save
from .modern import ModernHopfieldNetwork
from .phasor import PhasorHopfieldNetwork
from .sequence import SequenceMemory


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hopfield")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


__version__ = _version()

__all__ = [
    "BidirectionalAssociativeMemory",
    "BoltzmannMachine",
    "ContinuousHopfieldNetwork",
    "DAMClassifier",
    "DenseAssociativeMemory",
    "HopfieldNetwork",
    "ModernHopfieldNetwork",
    "PairedAssociativeMemory",
    "PhasorHopfieldNetwork",
    "RecallResult",
    "SequenceMemory",
    "__version__",
    "analysis",
    "cuts",
    "datasets",
    "dynamics",
    "human_memory",
    "ising",
    "lagrangian",
    "load",
    "optimize",
    "patterns",
    "phasor",
    "plot",
    "rules",
    "save",
]

#: submodules imported on first attribute access (they pull in scipy.sparse)
_LAZY_SUBMODULES = ("analysis", "optimize")


def __getattr__(name: str):
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'hopfield' has no attribute {name!r}")
