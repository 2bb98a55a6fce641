"""The random stream every Numba kernel uses: splitmix64, one stream per probe or replica.

Kernels take an int64/uint64 state drawn from the caller's ``numpy.random.Generator`` and advance
it themselves, so results do not depend on how ``prange`` schedules work over threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["p_plus", "shuffle", "uniform"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0


@njit(cache=True, inline="always")
def uniform(state):
    """splitmix64 (Steele, Lea & Flood 2014): the advanced state and a double uniform on [0, 1)."""
    state = state + _GOLDEN
    z = state
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    z = z ^ (z >> _S31)
    return state, float(z >> _S11) * _INV53


@njit(cache=True, inline="always")
def p_plus(x):
    """Logistic :math:`1 / (1 + e^{-x})` without overflow (the heat-bath probability at x = 2βh)."""
    if x >= 0.0:
        return 1.0 / (1.0 + np.exp(-x))
    e = np.exp(x)
    return e / (1.0 + e)


@njit(cache=True, inline="always")
def shuffle(order, state):
    """Fisher–Yates shuffle of ``order`` in place from the stream; returns the advanced state."""
    for k in range(order.shape[0] - 1, 0, -1):
        state, u = uniform(state)
        j = int(u * (k + 1))
        tmp = order[k]
        order[k] = order[j]
        order[j] = tmp
    return state
