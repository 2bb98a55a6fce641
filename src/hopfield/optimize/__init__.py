"""Optimisation with Hopfield networks: Ising / QUBO / max-cut models, their exact conversions,
readers for the standard benchmark formats, and Hopfield-dynamics solvers (THEORY.md §6).

Numba kernels compile on the first solver call, not at import.
"""

from __future__ import annotations

from .annealing import METHODS, OptimizeResult, solve_ising, solve_qubo
from .ising import QUBO, IsingModel
from .maxcut import adjacency, cut_value, maxcut_ising, random_graph, solve_maxcut
from .readers import read_beasley, read_gset

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
