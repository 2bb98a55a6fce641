"""Memory science for the classical network: theory formulas, capacity curves, spurious states,
basins of attraction and equilibrium sampling (THEORY.md §2–§4)."""

from .capacity import CapacityCurve, capacity_curve
from .theory import (
    RSCapacity,
    ags_capacity,
    hopfield1982_error_rate,
    mattis_overlap,
    mceliece_capacity,
    mixture_energy,
    mixture_overlap,
    one_step_error_rate,
    rs_finite_temperature,
    rs_retrieval_overlap,
    spin_glass_temperature,
    storkey_capacity,
)

__all__ = [
    "CapacityCurve",
    "RSCapacity",
    "ags_capacity",
    "capacity_curve",
    "hopfield1982_error_rate",
    "mattis_overlap",
    "mceliece_capacity",
    "mixture_energy",
    "mixture_overlap",
    "one_step_error_rate",
    "rs_finite_temperature",
    "rs_retrieval_overlap",
    "spin_glass_temperature",
    "storkey_capacity",
]
