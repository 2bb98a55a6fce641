"""Optimisation with Hopfield networks: Ising / QUBO / max-cut models, their exact conversions,
readers for the standard benchmark formats, and Hopfield-dynamics solvers (Theory reference §6).

Numba kernels compile on the first solver call, not at import.
"""


from .annealing import METHODS, OptimizeResult, solve_ising, solve_qubo
from .ising import QUBO, IsingModel
from .maxcut import adjacency, cut_value, maxcut_ising, random_graph, solve_maxcut
from .readers import read_beasley, read_gset
from .tsp import (
    HopfieldTank,
    PottsMeanField,
    TSPResult,
    hopfield_tank_energy,
    hopfield_tank_weights,
    polish_tour,
    solve_tsp,
    tour_length,
)
from .tsplib import TSPLIBInstance, read_tsplib, write_tsplib

__all__ = [
    "METHODS",
    "QUBO",
    "IsingModel",
    "OptimizeResult",
    "adjacency",
    "cut_value",
    "maxcut_ising",
    "random_graph",
    "read_beasley",
    "read_gset",
    "solve_ising",
    "solve_maxcut",
    "solve_qubo",
]
__all__ += ["HopfieldTank", "PottsMeanField", "TSPLIBInstance", "TSPResult", "hopfield_tank_energy",
            "hopfield_tank_weights", "polish_tour", "read_tsplib", "solve_tsp", "tour_length", "write_tsplib"]
