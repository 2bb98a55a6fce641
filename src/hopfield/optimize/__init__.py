"""Optimisation with Hopfield networks: Ising / QUBO / max-cut models, their exact conversions,
readers for the standard benchmark formats, and Hopfield-dynamics solvers (THEORY.md §6).

Numba kernels compile on the first solver call, not at import.
"""

from __future__ import annotations

from .ising import QUBO, IsingModel

__all__ = [
    "QUBO",
    "IsingModel",
]
