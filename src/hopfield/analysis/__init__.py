"""Memory science for the classical network: theory formulas, capacity curves, spurious states,
basins of attraction and equilibrium sampling (Theory reference §2–§4)."""

from .basins import BasinRadii, Survey, basin_radius, random_start_survey
from .capacity import CapacityCurve, InProcessExecutor, capacity_curve
from .sampling import EquilibriumOverlap, boltzmann_distribution, equilibrium_overlap, sample
from .spurious import (
    Classification,
    MixtureTable,
    classify,
    mixture_state,
    mixture_table,
    symmetric_mixtures,
)
from .theory import (
    RSCapacity,
    RSSolution,
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
    "BasinRadii",
    "CapacityCurve",
    "Classification",
    "EquilibriumOverlap",
    "InProcessExecutor",
    "MixtureTable",
    "RSCapacity",
    "RSSolution",
    "Survey",
    "ags_capacity",
    "basin_radius",
    "boltzmann_distribution",
    "capacity_curve",
    "classify",
    "equilibrium_overlap",
    "hopfield1982_error_rate",
    "mattis_overlap",
    "mceliece_capacity",
    "mixture_energy",
    "mixture_overlap",
    "mixture_state",
    "mixture_table",
    "one_step_error_rate",
    "random_start_survey",
    "rs_finite_temperature",
    "rs_retrieval_overlap",
    "sample",
    "spin_glass_temperature",
    "storkey_capacity",
    "symmetric_mixtures",
]
