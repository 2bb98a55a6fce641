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
    """Fisher–Yates shuffle of ``order`` in place from the stream; returns the advanced state.

    Swap t (t = 0, 1, ..., n − 2) exchanges positions k = n − 1 − t and
    :math:`j = \\lfloor u_t (k + 1) \\rfloor`, with :math:`u_t` the stream's draw t + 1. A splitmix64
    state is a counter (draw t + 1 mixes ``state + (t + 1) · golden``), so all the draws are made
    first in one loop that vectorises, then the swaps: the same permutation and final state as
    drawing one at a time, in half the time at n = 2000.
    """
    n = order.shape[0]
    if n < 2:
        return state
    js = np.empty(n - 1, dtype=np.int64)
    for t in range(n - 1):
        z = state + np.uint64(t + 1) * _GOLDEN
        z = (z ^ (z >> _S30)) * _MIX1
        z = (z ^ (z >> _S27)) * _MIX2
        z = z ^ (z >> _S31)
        js[t] = int(float(np.int64(z >> _S11)) * _INV53 * (n - t))  # z >> 11 < 2**53: exact
    for t in range(n - 1):
        k = n - 1 - t
        j = js[t]
        tmp = order[k]
        order[k] = order[j]
        order[j] = tmp
    return state + np.uint64(n - 1) * _GOLDEN
