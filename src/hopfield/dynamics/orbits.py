"""Orbits of deterministic dynamics: transient length and period of the cycle reached.

Synchronous updates with symmetric W end in a fixed point or a 2-cycle; with antisymmetric W and
zero thresholds every orbit ends in a 4-cycle (Bruck 1990; Goles). Fixed-order (sequential)
updates with symmetric W and non-negative diagonal end in a fixed point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._results import SummaryRepr
from .._validation import check_budget, check_option

__all__ = ["Orbit", "orbit"]


@dataclass(frozen=True, repr=False)
class Orbit(SummaryRepr):
    """A deterministic trajectory's eventual cycle.

    Attributes
    ----------
    transient : int
        Steps before the cycle is entered.
    period : int
        Length of the cycle (1 for a fixed point), or 0 if none was found within ``max_steps``.
    cycle : ndarray of int8, shape (period, n_neurons)
        The states of the cycle, in the network's state space.
    """

    transient: int
    period: int
    cycle: np.ndarray


def orbit(net, state, *, update: str = "sync", tie: str = "keep", max_steps: int = 10_000) -> Orbit:
    """Follow the zero-temperature dynamics of ``net`` from ``state`` until a state repeats.

    Parameters
    ----------
    net : HopfieldNetwork
    state : array_like, shape (n_neurons,)
    update : {"sync", "sequential"}, default="sync"
        One step is one synchronous update, or one fixed-order sweep.
    tie : {"keep", "+1"}, default="keep"
    max_steps : int, default=10000

    Returns
    -------
    Orbit
    """
    check_option(update, "update", ("sync", "sequential"))
    check_option(tie, "tie", ("keep", "+1"))
    check_budget(max_steps, "max_steps")
    from ..classical import HopfieldNetwork  # the orbit needs the pairwise weights W

    if not isinstance(net, HopfieldNetwork):
        raise TypeError(
            f"`net` must be a HopfieldNetwork (orbits follow its pairwise weights); got "
            f"{type(net).__name__}. For a DenseAssociativeMemory use its `recall`."
        )
    s, single = net._to_bipolar(state, "state")
    if not single:
        raise ValueError(f"`state` must be one 1-D state; got shape {np.shape(state)}.")
    w, theta, eps = net._w, net._extra_theta, net._tie_eps()
    s = s[0].copy()
    seen = {s.tobytes(): 0}
    history = [s.copy()]
    for step in range(1, max_steps + 1):
        if update == "sync":
            h = w @ s - theta
            s = _sign(h, s, eps, tie)
        else:
            for i in range(s.size):
                s[i] = _sign(np.array([w[i] @ s - theta[i]]), s[i:i + 1], eps[i:i + 1], tie)[0]
        key = s.tobytes()
        if key in seen:
            start = seen[key]
            cycle = np.stack(history[start:])
            return Orbit(start, step - start, net._to_own(cycle))
        seen[key] = step
        history.append(s.copy())
    return Orbit(max_steps, 0, np.zeros((0, s.size), dtype=np.int8))


def _sign(h, s, eps, tie):
    tie_val = s if tie == "keep" else np.ones_like(s)
    return np.where(h > eps, 1, np.where(h < -eps, -1, tie_val)).astype(np.int8)
