"""Temperature schedules: one temperature per sweep, for stochastic recall and annealing."""

from __future__ import annotations

import numbers

import numpy as np

from .._validation import check_budget, check_option, check_scalar

__all__ = ["anneal", "constant"]


def constant(temperature: float, n_sweeps: int) -> np.ndarray:
    """The same temperature for ``n_sweeps`` sweeps."""
    check_scalar(temperature, "temperature", numbers.Real, min_val=0.0)
    check_budget(n_sweeps, "n_sweeps")
    return np.full(n_sweeps, float(temperature))


def anneal(
    t_start: float, t_end: float, n_sweeps: int, *, kind: str = "geometric", hold: int = 0
) -> np.ndarray:
    """An annealing schedule from ``t_start`` to ``t_end`` over ``n_sweeps`` sweeps.

    ``kind="geometric"`` gives :math:`T_k = T_0 (T_1/T_0)^{k/(K-1)}` (requires positive ends),
    ``"linear"`` gives :math:`T_k = T_0 + (T_1 - T_0) k/(K-1)`. ``hold`` appends that many
    zero-temperature sweeps, so a recall ends with a deterministic descent to a fixed point.
    """
    check_scalar(t_start, "t_start", numbers.Real, min_val=0.0)
    check_scalar(t_end, "t_end", numbers.Real, min_val=0.0)
    check_budget(n_sweeps, "n_sweeps")
    check_budget(hold, "hold", min_val=0)
    check_option(kind, "kind", ("geometric", "linear"))
    if kind == "geometric":
        if t_start <= 0 or t_end <= 0:
            raise ValueError("a geometric schedule needs positive `t_start` and `t_end`; use kind='linear'.")
        temps = np.geomspace(t_start, t_end, n_sweeps)
    else:
        temps = np.linspace(t_start, t_end, n_sweeps)
    return np.concatenate([temps, np.zeros(hold)])
