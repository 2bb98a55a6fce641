"""Dynamics of the classical network: update schedules, temperature schedules and kernels."""

from .orbits import Orbit, orbit
from .schedules import anneal, constant
from .updates import UPDATES, AbstractUpdate, Asynchronous, RawRecall, Synchronous

__all__ = [
    "UPDATES",
    "AbstractUpdate",
    "Asynchronous",
    "Orbit",
    "RawRecall",
    "Synchronous",
    "anneal",
    "constant",
    "orbit",
]
