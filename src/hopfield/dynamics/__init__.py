"""Dynamics of the classical network: update schedules, temperature schedules and kernels."""

from .schedules import anneal, constant
from .updates import UPDATES, AbstractUpdate, Asynchronous, RawRecall, Synchronous

__all__ = [
    "UPDATES",
    "AbstractUpdate",
    "Asynchronous",
    "RawRecall",
    "Synchronous",
    "anneal",
    "constant",
]
