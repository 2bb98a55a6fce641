r"""Integrators for the neural ODEs :math:`dy/dt = f(y)` of the Lagrangian networks.

The state ``y`` is a list of arrays (one per layer, each ``(batch, n_neurons)``), NumPy or torch.

- :func:`euler` — fixed step :math:`y\leftarrow y+\Delta t\,f(y)`, array API, differentiable with
  torch autograd (the training path). With :math:`\Delta t=\tau` a layer relaxes in one step.
- :func:`heun_euler` — adaptive embedded Heun(2)/Euler(1) pair with the standard step controller,
  array API and differentiable (the adaptive torch path).
- :func:`solve_ivp` — SciPy's adaptive solvers (``RK45``, ``LSODA``...) on the flattened NumPy state.

All stop early at a fixed point: when :math:`\max|f(y)|<` ``tol`` (every entry of every layer of
every batch element). Non-convergence within the budget is reported in the result, not raised.

References
----------
THEORY.md §9–§10 (the dynamics). Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.4 (step-size
control with an embedded pair).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from array_api_compat import array_namespace

__all__ = ["INTEGRATORS", "IntegrationResult", "euler", "heun_euler", "solve_ivp"]


@dataclass(frozen=True)
class IntegrationResult:
    """Outcome of integrating a network ODE.

    Attributes
    ----------
    y : list of arrays
        Final state, one array per layer.
    t : float
        Final time.
    n_steps : int
        Accepted steps.
    nfev : int
        Evaluations of the right-hand side.
    converged : bool
        ``max|dy/dt| < tol`` reached (always False when ``tol`` is None).
    message : str
        Why the integration stopped.
    energy : array or None
        Energy after each accepted step, shape ``(n_steps + 1, batch)`` (first row: initial
        state), if an energy function was given.
    times : numpy.ndarray or None
        Times of the rows of ``energy``.
    """

    y: list
    t: float
    n_steps: int
    nfev: int
    converged: bool
    message: str
    energy: Any = None
    times: Any = None


def _scalar(x) -> float:
    """A Python float from a 0-d array (detached from any autograd graph)."""
    return float(x.detach() if hasattr(x, "detach") else x)


def _max_abs(fs) -> float:
    return max(_scalar(array_namespace(f).max(array_namespace(f).abs(f))) for f in fs)


def _finish(y, t, n_steps, nfev, converged, energies, times, reason):
    energy = None
    if energies:
        xp = array_namespace(energies[0])
        energy = xp.stack(energies)
    msg = "reached a fixed point (max |dy/dt| < tol)" if converged else reason
    return IntegrationResult(
        y=y,
        t=float(t),
        n_steps=n_steps,
        nfev=nfev,
        converged=converged,
        message=msg,
        energy=energy,
        times=np.asarray(times) if energies else None,
    )


def euler(
    fun: Callable,
    y0: list,
    *,
    dt: float,
    max_steps: int,
    tol: float | None = None,
    energy: Callable | None = None,
) -> IntegrationResult:
    r"""Explicit Euler, :math:`y_{k+1}=y_k+\Delta t\,f(y_k)`, for at most ``max_steps`` steps.

    Parameters
    ----------
    fun : callable
        ``fun(y) -> list of dy/dt`` (same structure as ``y``).
    y0 : list of arrays
        Initial state (not modified).
    dt : float
        Step. Energy descent of the continuous flow carries over to Euler for small enough ``dt``
        (relative to the time constants and the curvature of the energy).
    max_steps : int
    tol : float, optional
        Stop when ``max|f(y)| < tol``.
    energy : callable, optional
        ``energy(y) -> (batch,)`` recorded after every step.

    Returns
    -------
    IntegrationResult
    """
    y = list(y0)
    energies = [energy(y)] if energy is not None else []
    times = [0.0]
    nfev = 0
    t = 0.0
    for k in range(max_steps):
        f = fun(y)
        nfev += 1
        if tol is not None and _max_abs(f) < tol:
            return _finish(y, t, k, nfev, True, energies, times, "")
        y = [yi + dt * fi for yi, fi in zip(y, f, strict=True)]
        t += dt
        if energy is not None:
            energies.append(energy(y))
            times.append(t)
    converged = False
    if tol is not None:
        nfev += 1
        converged = _max_abs(fun(y)) < tol
    return _finish(y, t, max_steps, nfev, converged, energies, times,
                   f"reached max_steps={max_steps} before max |dy/dt| < tol; increase max_steps or dt")


def heun_euler(
    fun: Callable,
    y0: list,
    *,
    t_max: float,
    dt0: float = 0.01,
    rtol: float = 1e-4,
    atol: float = 1e-6,
    max_steps: int = 10_000,
    tol: float | None = None,
    energy: Callable | None = None,
) -> IntegrationResult:
    r"""Adaptive Heun–Euler (orders 2 and 1) with error control, up to time ``t_max``.

    Step :math:`k_1=f(y)`, :math:`k_2=f(y+h k_1)`, :math:`y^{(2)}=y+\tfrac h2(k_1+k_2)`,
    error estimate :math:`\tfrac h2(k_2-k_1)`; the step is accepted when the scaled RMS error
    :math:`\le1` (scale ``atol + rtol·|y|``) and the next :math:`h` is
    :math:`h\cdot\min(5,\max(0.2,0.9\,\mathrm{err}^{-1/2}))`. Written with the array API; under
    torch, gradients flow through every accepted step (step sizes are treated as constants).

    Parameters
    ----------
    fun, y0, tol, energy
        As in :func:`euler`.
    t_max : float
        End time.
    dt0 : float, default=0.01
        First trial step.
    rtol, atol : float
        Tolerances of the local error.
    max_steps : int, default=10000
        Budget of attempted steps.

    Returns
    -------
    IntegrationResult
    """
    y = list(y0)
    energies = [energy(y)] if energy is not None else []
    times = [0.0]
    t, h, nfev, accepted = 0.0, float(dt0), 0, 0
    k1 = fun(y)
    nfev += 1
    for _ in range(max_steps):
        if tol is not None and _max_abs(k1) < tol:
            return _finish(y, t, accepted, nfev, True, energies, times, "")
        if t >= t_max:
            break
        h = min(h, t_max - t)
        y_euler = [yi + h * ki for yi, ki in zip(y, k1, strict=True)]
        k2 = fun(y_euler)
        nfev += 1
        y_new = [yi + 0.5 * h * (a + b) for yi, a, b in zip(y, k1, k2, strict=True)]
        sq, count = 0.0, 0
        for yi, yn, a, b in zip(y, y_new, k1, k2, strict=True):
            xp = array_namespace(yi)
            err = 0.5 * h * (b - a)
            scale = atol + rtol * xp.maximum(xp.abs(yi), xp.abs(yn))
            sq += _scalar(xp.sum((err / scale) ** 2))
            count += int(np.prod(tuple(yi.shape)))
        err_norm = (sq / max(count, 1)) ** 0.5
        if err_norm <= 1.0:
            y, t = y_new, t + h
            accepted += 1
            k1 = fun(y)
            nfev += 1
            if energy is not None:
                energies.append(energy(y))
                times.append(t)
        factor = 5.0 if err_norm == 0 else min(5.0, max(0.2, 0.9 * err_norm**-0.5))
        h = h * factor
    else:
        return _finish(y, t, accepted, nfev, False, energies, times,
                       f"used max_steps={max_steps} attempts before t_max; increase max_steps")
    converged = tol is not None and _max_abs(k1) < tol
    return _finish(y, t, accepted, nfev, converged, energies, times,
                   f"reached t_max={t_max} before max |dy/dt| < tol; increase t_max")


def solve_ivp(
    fun: Callable,
    y0: list,
    *,
    t_max: float,
    method: str = "RK45",
    rtol: float = 1e-6,
    atol: float = 1e-9,
    tol: float | None = None,
    energy: Callable | None = None,
) -> IntegrationResult:
    """SciPy's ``solve_ivp`` on the flattened NumPy state, stopping at a fixed point.

    A terminal event ``max|f(y)| - tol`` ends the integration at a fixed point.

    Parameters
    ----------
    fun, y0, tol, energy
        As in :func:`euler` (NumPy arrays only).
    t_max : float
        End time.
    method : str, default="RK45"
        Any ``scipy.integrate.solve_ivp`` method.
    rtol, atol : float
        Tolerances of the local error.

    Returns
    -------
    IntegrationResult
    """
    from scipy.integrate import solve_ivp as _scipy_solve_ivp

    shapes = [yi.shape for yi in y0]
    sizes = [int(np.prod(s)) for s in shapes]
    splits = np.cumsum(sizes)[:-1]

    def unflatten(flat):
        return [part.reshape(s) for part, s in zip(np.split(flat, splits), shapes, strict=True)]

    def rhs(_t, flat):
        return np.concatenate([np.ravel(f) for f in fun(unflatten(flat))])

    events = None
    if tol is not None:
        def at_fixed_point(_t, flat):
            return float(np.max(np.abs(rhs(_t, flat)))) - tol

        at_fixed_point.terminal = True
        at_fixed_point.direction = -1
        events = at_fixed_point
    flat0 = np.concatenate([np.ravel(np.asarray(yi, dtype=float)) for yi in y0])
    sol = _scipy_solve_ivp(rhs, (0.0, float(t_max)), flat0, method=method, rtol=rtol, atol=atol,
                           events=events)
    y = unflatten(sol.y[:, -1].copy())
    energies, times = [], []
    if energy is not None:
        energies = [energy(unflatten(sol.y[:, k])) for k in range(sol.y.shape[1])]
        times = list(sol.t)
    converged = tol is not None and _max_abs(fun(y)) < tol * (1 + 1e-9) + 1e-15
    reason = sol.message if sol.status >= 0 else f"solve_ivp failed: {sol.message}"
    if not converged and tol is not None and sol.status == 0:
        reason = f"reached t_max={t_max} before max |dy/dt| < tol; increase t_max"
    return _finish(y, sol.t[-1], len(sol.t) - 1, int(sol.nfev), converged, energies, times, reason)


#: Registry of integrators by name.
INTEGRATORS: dict[str, Callable] = {"euler": euler, "heun_euler": heun_euler, "solve_ivp": solve_ivp}
