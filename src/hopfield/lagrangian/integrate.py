r"""Integrators for the neural ODEs :math:`dy/dt = f(y)` of the Lagrangian networks.

The state ``y`` is a list of arrays (one per layer, each ``(batch, n_neurons)``), NumPy or torch.

- :func:`euler` — fixed step :math:`y\leftarrow y+\Delta t\,f(y)`, array API, differentiable with
  torch autograd (the training path). With :math:`\Delta t=\tau` a layer relaxes in one step.
- :func:`heun_euler` — adaptive embedded Heun(2)/Euler(1) pair with the standard step controller,
  array API and differentiable (the adaptive torch path).
- :func:`solve_ivp` — SciPy's adaptive solvers (``RK45``, ``LSODA``...) stepped one accepted step
  at a time on the flattened NumPy state.

All three take the same budget: at most ``max_steps`` accepted steps and, if given, the end time
``t_max``, whichever comes first; ``dt`` is the step of Euler and the first trial step of the
adaptive methods. All stop early at a fixed point, when :math:`\max|f(y)|<` ``tol`` (every entry
of every layer of every batch element). Non-convergence within the budget is reported in the
result, not raised; a state, speed or energy that stops being finite (NaN or inf) raises
``FloatingPointError`` at the step where it happened, naming the usual causes, instead of
returning NaN.

If ``fun`` has a method ``with_energy(y) -> (f(y), E(y))``, it is used whenever the energy is
recorded, so the energy reuses the activations and synapse products of the step (the network
classes of :mod:`hopfield.lagrangian` pass such systems).

References
----------
Theory reference §9–§10 (the dynamics). Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.4 (step-size
control with an embedded pair).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from array_api_compat import array_namespace, is_torch_array

__all__ = ["INTEGRATORS", "SCIPY_METHODS", "IntegrationResult", "euler", "heun_euler", "solve_ivp"]

#: SciPy ``solve_ivp`` methods that ``method=`` accepts by name (``"solve_ivp"`` is ``"RK45"``).
SCIPY_METHODS = ("RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA")


@dataclass(frozen=True)
class IntegrationResult:
    """Outcome of integrating a network ODE: the one result type of every ``run`` method
    (``HAM``, ``TwoLayerNetwork``, models A/B/C, ``GeneralNetwork``; ``HAMResult`` is this class).

    Attributes
    ----------
    states : list of arrays
        Final internal states, one array per layer, ``(batch, n)``, or ``(n,)`` when the run
        started from a single 1-D state.
    activations : list of arrays or None
        Activations :math:`g=\\nabla L(x)` at the final states (same shapes), when the model
        defines them.
    energy : array or None
        Energy at every accepted step, shape ``(n_steps + 1, batch)`` (first row: the initial
        state), or ``(n_steps + 1,)`` for a single state; None when not recorded.
    times : numpy.ndarray
        Times of the accepted steps, shape ``(n_steps + 1,)``.
    t : float
        Final time.
    converged : bool
        ``max|dx/dt| < tol`` reached (always False when ``tol`` is None).
    n_steps : int
        Accepted steps.
    nfev : int
        Evaluations of the right-hand side.
    message : str
        Why the integration stopped.
    """

    states: list
    activations: Any = None
    energy: Any = None
    times: Any = None
    t: float = 0.0
    converged: bool = False
    n_steps: int = 0
    nfev: int = 0
    message: str = ""

    @property
    def y(self) -> list:
        """Deprecated name of :attr:`states`."""
        warnings.warn("`IntegrationResult.y` is deprecated; use `.states`.", DeprecationWarning,
                      stacklevel=2)
        return self.states

    def __repr__(self) -> str:
        shapes = ", ".join(str(tuple(s.shape)) for s in self.states)
        return (f"IntegrationResult(converged={self.converged}, n_steps={self.n_steps}, "
                f"t={self.t:g}, nfev={self.nfev}, states=[{shapes}], "
                f"energy={'None' if self.energy is None else tuple(self.energy.shape)}, "
                f"message={self.message!r})")


# ---------------------------------------------------------------------------------- helpers
def _scalar(x) -> float:
    """A Python float from a 0-d array (detached from any autograd graph)."""
    return float(x.detach() if hasattr(x, "detach") else x)


def _max_abs(fs) -> float:
    return max(_scalar(array_namespace(f).max(array_namespace(f).abs(f))) for f in fs)


_NONFINITE_CAUSES = (
    "usual causes: a step `dt` too large for the time constants (explicit Euler is unstable for "
    "dt > 2·tau), an Exponential Lagrangian whose exp(beta·x) overflowed (beta·x > 709 in "
    "float64, 88 in float32), or a Lagrangian undefined at the state (SphericalNorm(eps=0) at "
    "x = 0 gives 0/0)"
)


def _is_finite(a) -> bool:
    """Every entry finite, from one reduction (the sum of finite entries overflows only near the
    dtype's maximum, which is a failure too). The sum is read as a Python float: on torch and
    NumPy that costs less than an ``isfinite`` call on the 0-d array, once per layer per step."""
    if is_torch_array(a):
        return math.isfinite(a.detach().sum().item())
    if isinstance(a, np.ndarray):
        return math.isfinite(a.sum())
    xp = array_namespace(a)
    return bool(xp.isfinite(xp.sum(a)))


def _check_finite(arrays, what, step, t):
    for a, arr in enumerate(arrays):
        if not isinstance(arr, float) and not _is_finite(arr):
            where = f" of layer {a}" if what != "energy" else ""
            raise FloatingPointError(
                f"the {what}{where} became non-finite (NaN or inf) at step {step} (t = {t:g}); "
                f"{_NONFINITE_CAUSES}."
            )


def _evaluator(fun, energy):
    """``y -> (f(y), E(y) or None)``, fused through ``fun.with_energy`` when it exists."""
    if energy is None:
        return lambda y: (fun(y), None)
    fused = getattr(fun, "with_energy", None)
    if fused is not None:
        return fused
    return lambda y: (fun(y), energy(y))


def _step_count(dt, max_steps, t_max):
    """Euler steps within the budget: ``max_steps``, capped by ``ceil(t_max / dt)``."""
    if t_max is None:
        return int(max_steps)
    return int(min(max_steps, math.ceil(float(t_max) / dt - 1e-9)))


def _stop_message(converged, tol, by_time, t_max, max_steps, fix):
    if converged:
        return "reached a fixed point (max |dx/dt| < tol)"
    target = " before max |dx/dt| < tol" if tol is not None else " (no tol given)"
    if by_time:
        return f"reached t_max={t_max:g}{target}" + ("; increase t_max" if tol is not None else "")
    return f"reached max_steps={max_steps}{target}" + (f"; {fix}" if tol is not None else "")


def _finish(y, t, n_steps, nfev, converged, energies, times, message):
    energy = None
    if energies:
        xp = array_namespace(energies[0])
        energy = xp.stack(energies)
    return IntegrationResult(states=y, energy=energy, times=np.asarray(times, dtype=float),
                             t=float(t), converged=bool(converged), n_steps=int(n_steps),
                             nfev=int(nfev), message=message)


def _can_work_in_place(fun, y0) -> bool:
    """The system offers in-place Euler steps and no autograd graph has to be kept: NumPy, or
    torch with gradients disabled (``torch.no_grad``). With gradients enabled the functional
    path is kept even when nothing visible requires a gradient, since a user Lagrangian may
    close over trainable tensors."""
    if not hasattr(fun, "advance"):
        return False
    if not is_torch_array(y0[0]):
        return True
    import torch

    return not torch.is_grad_enabled()


# ---------------------------------------------------------------------------------- Euler
def euler(
    fun: Callable,
    y0: list,
    *,
    dt: float,
    max_steps: int,
    t_max: float | None = None,
    tol: float | None = None,
    energy: Callable | None = None,
) -> IntegrationResult:
    r"""Explicit Euler, :math:`y_{k+1}=y_k+\Delta t\,f(y_k)`, for at most ``max_steps`` steps.

    Parameters
    ----------
    fun : callable
        ``fun(y) -> list of dy/dt`` (same structure as ``y``). Optionally with
        ``fun.with_energy(y) -> (dy/dt, E)`` (used when ``energy`` is given) and, for the
        in-place path, ``fun.evaluate(y, want_energy, want_speed) -> (dy/dt or None, E or None,
        ctx)`` and ``fun.advance(y, ctx, h)`` (used when no autograd graph has to be kept; the
        same numbers as the functional path up to rounding).
    y0 : list of arrays
        Initial state (not modified).
    dt : float
        Step. Energy descent of the continuous flow carries over to Euler for small enough ``dt``
        (relative to the time constants and the curvature of the energy).
    max_steps : int
        Largest number of steps.
    t_max : float, optional
        End time: the run takes ``ceil(t_max / dt)`` steps (at most ``max_steps``), the last one
        shortened to end exactly at ``t_max``.
    tol : float, optional
        Stop when ``max|f(y)| < tol``.
    energy : callable, optional
        ``energy(y) -> (batch,)`` recorded at every step.

    Returns
    -------
    IntegrationResult
    """
    steps = _step_count(dt, max_steps, t_max)
    in_place = _can_work_in_place(fun, y0)
    if in_place:
        y = [yi.clone() if is_torch_array(yi) else np.array(yi, copy=True) for yi in y0]
    else:
        y = list(y0)
        evaluate = _evaluator(fun, energy)
    energies, times = [], [0.0]
    t, nfev = 0.0, 0
    want_energy = energy is not None
    fused = (getattr(fun, "fused_step", None) if in_place and tol is None and not want_energy
             else None)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(steps + 1):
            last = k == steps
            if last and tol is None and not want_energy:
                break
            h = dt if t_max is None else min(dt, float(t_max) - t)
            if fused is not None and fused(y, h):  # the whole step in place, nothing else kept
                nfev += 1
                t += h
                times.append(t)
                _check_finite(y, "state", k + 1, t)
                continue
            fused = None
            if in_place:
                f, e, ctx = fun.evaluate(y, want_energy, tol is not None)
            else:
                f, e = evaluate(y)
            nfev += 1
            if e is not None:
                _check_finite([e], "energy", k, t)
                energies.append(e)
            if tol is not None:
                _check_finite(f, "speed dx/dt", k, t)
                if _max_abs(f) < tol:
                    return _finish(y, t, k, nfev, True, energies, times, _stop_message(
                        True, tol, False, t_max, max_steps, ""))
            if last:
                break
            if in_place:
                fun.advance(y, ctx, h)
            else:
                y = [yi + h * fi for yi, fi in zip(y, f, strict=True)]
            t += h
            times.append(t)
            _check_finite(y, "state", k + 1, t)
    by_time = t_max is not None and steps < max_steps
    return _finish(y, t, steps, nfev, False, energies, times, _stop_message(
        False, tol, by_time, t_max, max_steps, "increase max_steps or dt"))


# ---------------------------------------------------------------------------------- Heun–Euler
def heun_euler(
    fun: Callable,
    y0: list,
    *,
    dt: float = 0.01,
    max_steps: int = 10_000,
    t_max: float | None = None,
    rtol: float = 1e-4,
    atol: float = 1e-6,
    tol: float | None = None,
    energy: Callable | None = None,
    dt0: float | None = None,
) -> IntegrationResult:
    r"""Adaptive Heun–Euler (orders 2 and 1) with error control.

    Step :math:`k_1=f(y)`, :math:`k_2=f(y+h k_1)`, :math:`y^{(2)}=y+\tfrac h2(k_1+k_2)`,
    error estimate :math:`\tfrac h2(k_2-k_1)`; the step is accepted when the scaled RMS error
    :math:`\le1` (scale ``atol + rtol·|y|``) and the next :math:`h` is
    :math:`h\cdot\min(5,\max(0.2,0.9\,\mathrm{err}^{-1/2}))`. Written with the array API; under
    torch, gradients flow through every accepted step (step sizes are treated as constants).

    Parameters
    ----------
    fun, y0, tol, energy
        As in :func:`euler`.
    dt : float, default=0.01
        First trial step (``dt0`` is its deprecated name).
    max_steps : int, default=10000
        Largest number of accepted steps (rejected trials are not counted; a step that shrinks
        below ``1e-12`` of the time reached ends the run as a failure).
    t_max : float, optional
        End time (default: none, the run ends at ``max_steps`` or the fixed point).
    rtol, atol : float
        Tolerances of the local error.

    Returns
    -------
    IntegrationResult
    """
    if dt0 is not None:
        warnings.warn("`dt0` is deprecated; use `dt`.", DeprecationWarning, stacklevel=2)
        dt = dt0
    evaluate = _evaluator(fun, energy)
    t_end = math.inf if t_max is None else float(t_max)
    y = list(y0)
    energies, times = [], [0.0]
    t, h, nfev, accepted = 0.0, float(dt), 0, 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        k1, e = evaluate(y)
        nfev += 1
        _check_finite(k1, "speed dx/dt", 0, t)
        if e is not None:
            _check_finite([e], "energy", 0, t)
            energies.append(e)
        message = None
        while True:
            if tol is not None and _max_abs(k1) < tol:
                return _finish(y, t, accepted, nfev, True, energies, times,
                               _stop_message(True, tol, False, t_max, max_steps, ""))
            if t >= t_end or accepted >= max_steps:
                break
            h = min(h, t_end - t)
            if h <= 1e-12 * max(1.0, abs(t)):
                message = (f"step size fell to {h:.3g} at t = {t:g}; the system is too stiff "
                           "for heun_euler at these tolerances (try method='LSODA' or larger "
                           "rtol/atol)")
                break
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
            if not math.isfinite(err_norm):
                _check_finite(y_new, "state", accepted + 1, t + h)
                err_norm = math.inf
            if err_norm <= 1.0:
                y, t = y_new, t + h
                accepted += 1
                k1, e = evaluate(y)
                nfev += 1
                _check_finite(k1, "speed dx/dt", accepted, t)
                if e is not None:
                    _check_finite([e], "energy", accepted, t)
                    energies.append(e)
                times.append(t)
            factor = 5.0 if err_norm == 0 else min(5.0, max(0.2, 0.9 * err_norm**-0.5))
            h = h * factor
    converged = tol is not None and _max_abs(k1) < tol
    if message is None:
        message = _stop_message(converged, tol, accepted < max_steps, t_max, max_steps,
                                "increase max_steps")
    return _finish(y, t, accepted, nfev, converged, energies, times, message)


# ---------------------------------------------------------------------------------- SciPy
def solve_ivp(
    fun: Callable,
    y0: list,
    *,
    dt: float | None = None,
    max_steps: int = 10_000,
    t_max: float | None = None,
    method: str = "RK45",
    rtol: float = 1e-6,
    atol: float = 1e-9,
    tol: float | None = None,
    energy: Callable | None = None,
) -> IntegrationResult:
    """A SciPy ``solve_ivp`` solver stepped one accepted step at a time on the flattened state.

    After every accepted step the fixed-point test ``max|f(y)| < tol`` is made and the energy is
    recorded, so the budget (``max_steps``, ``t_max``), ``tol`` and ``energy`` mean what they mean
    for :func:`euler`.

    Parameters
    ----------
    fun, y0, tol, energy
        As in :func:`euler` (NumPy arrays only).
    dt : float, optional
        First trial step (default: SciPy's own choice).
    max_steps : int, default=10000
        Largest number of accepted steps.
    t_max : float, optional
        End time (default: none).
    method : str, default="RK45"
        A ``scipy.integrate`` solver: one of :data:`SCIPY_METHODS`.
    rtol, atol : float
        Tolerances of the local error.

    Returns
    -------
    IntegrationResult
    """
    import scipy.integrate as si

    if method not in SCIPY_METHODS:
        raise ValueError(f"`method` must be one of {', '.join(map(repr, SCIPY_METHODS))}; "
                         f"got {method!r}.")
    if any(is_torch_array(yi) for yi in y0):
        raise TypeError("solve_ivp needs NumPy states; use 'heun_euler' or 'euler' for torch "
                        "tensors.")
    shapes = [tuple(yi.shape) for yi in y0]
    dtypes = [yi.dtype for yi in y0]
    sizes = [int(np.prod(s)) for s in shapes]
    splits = np.cumsum(sizes)[:-1]
    nfev = 0

    def unflatten(flat):
        return [part.reshape(s).astype(d, copy=False)
                for part, s, d in zip(np.split(flat, splits), shapes, dtypes, strict=True)]

    def rhs(_t, flat):
        nonlocal nfev
        nfev += 1
        return np.concatenate([np.ravel(f) for f in fun(unflatten(flat))]).astype(float)

    evaluate = _evaluator(fun, energy)
    t_end = math.inf if t_max is None else float(t_max)
    flat0 = np.concatenate([np.ravel(np.asarray(yi, dtype=float)) for yi in y0])
    kwargs = {} if dt is None else {"first_step": min(float(dt), t_end)}
    energies, times = [], [0.0]
    accepted, message = 0, None
    y = [np.array(yi, copy=True) for yi in y0]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        solver = si.RK45 if method == "RK45" else getattr(si, method)
        solver = solver(rhs, 0.0, flat0, t_end, rtol=rtol, atol=atol, **kwargs)
        while True:
            f, e = evaluate(y)
            nfev += 1
            _check_finite(f, "speed dx/dt", accepted, solver.t)
            if e is not None:
                _check_finite([e], "energy", accepted, solver.t)
                energies.append(e)
            if tol is not None and _max_abs(f) < tol:
                return _finish(y, solver.t, accepted, nfev, True, energies, times,
                               _stop_message(True, tol, False, t_max, max_steps, ""))
            if solver.status != "running" or accepted >= max_steps:
                break
            failure = solver.step()
            if solver.status == "failed":
                message = f"solve_ivp ({method}) failed: {failure}"
                break
            accepted += 1
            times.append(float(solver.t))
            y = unflatten(solver.y.copy())
            _check_finite(y, "state", accepted, solver.t)
    if message is None:
        message = _stop_message(False, tol, solver.status == "finished", t_max, max_steps,
                                "increase max_steps")
    return _finish(y, solver.t, accepted, nfev, False, energies, times, message)


#: Registry of integrators by name.
INTEGRATORS: dict[str, Callable] = {"euler": euler, "heun_euler": heun_euler, "solve_ivp": solve_ivp}
