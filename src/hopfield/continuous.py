r"""The continuous (graded-response) Hopfield network (Hopfield 1984).

Each neuron has an internal potential :math:`u_i` and an output :math:`V_i = g_i(u_i)`, a
monotone increasing activation with gain :math:`\lambda_i`:

.. math::
    C_i \frac{du_i}{dt} = -\frac{u_i}{R_i} + \sum_j W_{ij} V_j + I_i .

For symmetric W the energy

.. math::
    E = -\tfrac12 V^\top W V - I^\top V + \sum_i \frac1{R_i}\int_0^{V_i} g_i^{-1}(v)\,dv

never increases: :math:`dE/dt = -\sum_i C_i (g_i^{-1})'(V_i) (dV_i/dt)^2 \le 0`. The integral is
the Legendre transform of the activation's Lagrangian :math:`L` (:math:`g = L'`),
:math:`\int_0^{V} g^{-1} = V u - L(u)`, computed in this u-form (for :math:`g = \tanh(\lambda u)`:
:math:`V u - \ln\cosh(\lambda u)/\lambda`), which stays finite where :math:`V = \pm1` in floating
point and :math:`\mathrm{artanh}\,V` would not.

Two more dynamics share the same fixed points :math:`u = R(WV + I)` (lecture seed 002):

* the discrete-time graded network :math:`V \leftarrow g(R(WV + I))` (with R = 1, I = 0 and
  :math:`g = \tanh(\beta\,\cdot)`: :math:`x \leftarrow \tanh(\beta W x)`), synchronous or
  asynchronous (:meth:`ContinuousHopfieldNetwork.iterate`);
* the relaxation in output space :math:`\tau\,dx/dt = -(x - g(R(Wx + I)))`
  (:meth:`ContinuousHopfieldNetwork.relax`), which also descends E for symmetric W.

References
----------
J. J. Hopfield, PNAS 81:3088 (1984); Scholarpedia "Hopfield network"; D. Krotov & J. J. Hopfield,
ICLR 2021 (arXiv 2008.06996) App. B; Theory reference §5.
"""

from __future__ import annotations

import abc
import numbers
from dataclasses import dataclass

import numpy as np

from ._results import SummaryRepr
from ._validation import (
    MAX_BUDGET,
    check_budget,
    check_finite_array,
    check_option,
    check_rng,
    check_scalar,
    check_thresholds,
    check_trace_size,
    check_weights,
)
from .lagrangian import lagrangians as _lagrangians

__all__ = [
    "ACTIVATIONS",
    "AbstractActivation",
    "ContinuousHopfieldNetwork",
    "ContinuousResult",
    "IterateResult",
    "LagrangianActivation",
]


class AbstractActivation(abc.ABC):
    r"""A monotone activation :math:`V = g(u)` with gain λ, its Lagrangian and inverse.

    Contract: ``output(u, gain)``; ``inverse(V, gain)`` (only for V strictly inside the range);
    ``lagrangian(u, gain)`` = :math:`L(u)` with :math:`L' = g` and :math:`V u - L(u) \to 0` where
    :math:`V = 0`, so that :math:`\int_0^V g^{-1} = V u - L(u)`; ``integral(V, gain)``, the same
    integral from V alone in a form that is finite on the closed range.
    """

    name: str = "abstract"
    low: float = -1.0
    high: float = 1.0

    @abc.abstractmethod
    def output(self, u, gain):
        """g(u)."""

    @abc.abstractmethod
    def derivative(self, u, gain):
        """g'(u)."""

    @abc.abstractmethod
    def inverse(self, V, gain):
        """g^{-1}(V) for V strictly inside (low, high)."""

    @abc.abstractmethod
    def lagrangian(self, u, gain):
        """L(u) with L' = g."""

    @abc.abstractmethod
    def integral(self, V, gain):
        r""":math:`\int_0^V g^{-1}(v)\,dv` from V."""


class LagrangianActivation(AbstractActivation):
    r"""The activation :math:`g(u)=\ell'(\lambda u)` of an additive layer Lagrangian :math:`\ell`.

    The maths lives once, in :mod:`hopfield.lagrangian.lagrangians` (``Tanh``, ``Sigmoid`` with
    :math:`\beta=1`); with gain λ: :math:`L(u)=\ell(\lambda u)/\lambda`,
    :math:`g'(u)=\lambda\ell''(\lambda u)`, :math:`g^{-1}(V)=(\ell')^{-1}(V)/\lambda` and
    :math:`\int_0^Vg^{-1}=\ell^*(V)/\lambda` (the Legendre conjugate).

    Parameters
    ----------
    name : str
        The activation's name (the key in :data:`ACTIVATIONS`).
    lagrangian : hopfield.lagrangian.Tanh or hopfield.lagrangian.Sigmoid
        An additive Lagrangian with ``pointwise``, ``curvature``, ``inverse``, ``conjugate`` and
        the range ``low``, ``high`` of its activation.
    """

    def __init__(self, name: str, lagrangian):
        self.name = name
        self.base = lagrangian
        self.low, self.high = float(lagrangian.low), float(lagrangian.high)

    def output(self, u, gain):
        return self.base.activation(gain * u)

    def derivative(self, u, gain):
        return gain * self.base.curvature(gain * u)

    def inverse(self, V, gain):
        return self.base.inverse(V) / gain

    def lagrangian(self, u, gain):
        return self.base.pointwise(gain * u) / gain

    def integral(self, V, gain):
        return self.base.conjugate(V) / gain

    def __repr__(self) -> str:
        return f"LagrangianActivation({self.name!r}, {self.base!r})"


#: activation name -> activation
ACTIVATIONS: dict[str, AbstractActivation] = {
    "tanh": LagrangianActivation("tanh", _lagrangians.Tanh(1.0)),  # tanh(λu), outputs in (-1, 1)
    "logistic": LagrangianActivation("logistic", _lagrangians.Sigmoid(1.0)),  # outputs in (0, 1)
}

_MESSAGES = {
    0: "reached the end of the time span",
    -1: "integration step failed",
}


@dataclass(frozen=True, repr=False)
class ContinuousResult(SummaryRepr):
    """Trajectories of :meth:`ContinuousHopfieldNetwork.run` or :meth:`~ContinuousHopfieldNetwork.relax`.

    For a single 1-D initial state the batch axis is dropped.

    Attributes
    ----------
    times : ndarray, shape (n_times,)
    states : ndarray, shape (n_times, batch, n_neurons)
        The integrated variable: potentials u for ``run``, outputs x for ``relax``.
    outputs : ndarray, shape (n_times, batch, n_neurons)
        Outputs V = g(u) (equal to ``states`` for ``relax``).
    energies : ndarray of shape (n_times, batch), or None
        Energy E at each saved time; None when W is asymmetric (E is then not a Lyapunov
        function and is not defined here).
    success : bool
    status : int
        0 when the end of the time span was reached, -1 on failure.
    message : str
    nfev : int
        Evaluations of the right-hand side.
    """

    times: np.ndarray
    states: np.ndarray
    outputs: np.ndarray
    energies: np.ndarray | None
    success: bool
    status: int
    message: str
    nfev: int

    @property
    def final_outputs(self) -> np.ndarray:
        """Outputs at the last saved time."""
        return self.outputs[-1]


@dataclass(frozen=True, repr=False)
class IterateResult(SummaryRepr):
    """Outcome of :meth:`ContinuousHopfieldNetwork.iterate` (discrete-time graded network).

    Attributes
    ----------
    outputs : ndarray, shape (n_neurons,) or (batch, n_neurons)
        Final outputs V.
    converged : bool or ndarray of bool
        Whether the largest change in the last step was below ``tol``.
    steps : int or ndarray of int
        Steps (sweeps for asynchronous updates) performed.
    energies : ndarray of shape (steps + 1,) or (batch, max_steps + 1), or None
        Energy after each step (None for asymmetric W); entries after convergence repeat.
    message : str
    """

    outputs: np.ndarray
    converged: np.ndarray | bool
    steps: np.ndarray | int
    energies: np.ndarray | None
    message: str


def _positive_per_neuron(x, name: str, n: int) -> np.ndarray:
    arr = check_finite_array(x, name, ndim=(0, 1))
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape[0] != n:
        raise ValueError(f"`{name}` has length {arr.shape[0]} but the network has {n} neurons.")
    if np.any(arr <= 0):
        raise ValueError(f"`{name}` must be > 0 for every neuron; got min {arr.min():g}.")
    return arr


class ContinuousHopfieldNetwork:
    r"""Graded-response Hopfield network :math:`C\,du/dt = -u/R + W g(u) + I` (Hopfield 1984).

    Parameters
    ----------
    weights : array_like, shape (n_neurons, n_neurons)
        Connection matrix W (T in Hopfield's notation). Need not be symmetric for the dynamics;
        the energy is defined (and descends) only for symmetric W.
    bias : array_like of shape (n_neurons,) or float, optional
        Input currents I (default 0). In the high-gain limit these are minus the thresholds of the
        binary network.
    activation : {"tanh", "logistic"} or AbstractActivation, default="tanh"
        :math:`g(u) = \tanh(\lambda u)` (outputs in (-1, 1)) or
        :math:`1/(1 + e^{-\lambda u})` (outputs in (0, 1)).
    gain : float or array_like of shape (n_neurons,), default=1.0
        Gain λ of each neuron (> 0).
    tau : float or array_like, optional
        Time constant :math:`\tau = RC`; sets the capacitance to :math:`C = \tau / R`.
        Give ``tau`` or ``capacitance``, not both.
    capacitance : float or array_like, optional
        C (default 1).
    resistance : float or array_like, default=1.0
        R.

    Examples
    --------
    >>> import numpy as np
    >>> import hopfield as hf
    >>> W = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> net = hf.ContinuousHopfieldNetwork(W, gain=10.0)
    >>> r = net.run(np.array([0.1, 0.05]), steps=2000, dt=0.01)
    >>> np.round(r.final_outputs, 3).tolist()
    [1.0, 1.0]
    >>> bool(np.all(np.diff(r.energies) <= 1e-12))
    True
    """

    def __init__(self, weights, bias=None, *, activation="tanh", gain=1.0, tau=None,
                 capacitance=None, resistance=1.0):
        self._w = check_weights(weights)
        n = self._w.shape[0]
        self._bias = check_thresholds(bias, n, "bias")
        self._act = _resolve_activation(activation)
        self._gain = _positive_per_neuron(gain, "gain", n)
        self._r = _positive_per_neuron(resistance, "resistance", n)
        if tau is not None and capacitance is not None:
            raise ValueError("give `tau` (= R C) or `capacitance`, not both.")
        if tau is not None:
            self._c = _positive_per_neuron(tau, "tau", n) / self._r
        else:
            self._c = _positive_per_neuron(1.0 if capacitance is None else capacitance,
                                           "capacitance", n)
        self._symmetric = bool(np.allclose(self._w, self._w.T, rtol=1e-12, atol=1e-12))

    # ------------------------------------------------------------------ properties
    @property
    def n_neurons(self) -> int:
        """Number of neurons N."""
        return self._w.shape[0]

    @property
    def weights(self) -> np.ndarray:
        """W (a copy)."""
        return self._w.copy()

    @property
    def bias(self) -> np.ndarray:
        """Input currents I (a copy)."""
        return self._bias.copy()

    @property
    def gain(self) -> np.ndarray:
        """Gains λ (a copy)."""
        return self._gain.copy()

    @property
    def capacitance(self) -> np.ndarray:
        """C (a copy)."""
        return self._c.copy()

    @property
    def resistance(self) -> np.ndarray:
        """R (a copy)."""
        return self._r.copy()

    @property
    def tau(self) -> np.ndarray:
        """Time constants τ = R C."""
        return self._r * self._c

    @property
    def activation(self) -> AbstractActivation:
        """The activation g."""
        return self._act

    @property
    def is_symmetric(self) -> bool:
        """Whether W is symmetric (then E is a Lyapunov function)."""
        return self._symmetric

    # ------------------------------------------------------------------ maths
    def output(self, u) -> np.ndarray:
        """Outputs :math:`V = g(u)` for potentials of shape (n_neurons,) or (batch, n_neurons)."""
        uu, _ = self._check_u(u, "u")
        out = self._act.output(uu, self._gain)
        return out[0] if np.ndim(u) == 1 else out

    def inverse(self, V) -> np.ndarray:
        r"""Potentials :math:`u = g^{-1}(V)`; V must lie strictly inside the activation's range."""
        vv, single = self._check_v(V, "V", open_range=True)
        u = self._act.inverse(vv, self._gain)
        return u[0] if single else u

    def derivative(self, u) -> np.ndarray:
        r""":math:`du/dt = (-u/R + W g(u) + I) / C`."""
        uu, _ = self._check_u(u, "u")
        d = self._rhs_u(uu)
        return d[0] if np.ndim(u) == 1 else d

    def energy(self, u) -> np.ndarray | float:
        r"""Energy from the potentials, in the stable u-form:

        .. math:: E = -\tfrac12 V^\top W V - I^\top V + \sum_i \frac{V_i u_i - L(u_i)}{R_i},
                  \quad V = g(u).

        Parameters
        ----------
        u : array_like, shape (n_neurons,) or (batch, n_neurons)

        Raises
        ------
        ValueError
            If W is not symmetric (E is a Lyapunov function only for symmetric W).
        """
        self._require_symmetric()
        uu, _ = self._check_u(u, "u")
        e = self._energy_u(uu)
        return float(e[0]) if np.ndim(u) == 1 else e

    def energy_of_outputs(self, V) -> np.ndarray | float:
        r"""The same energy from the outputs V, with the integral in closed form
        (entropy-like, finite on the closed range: V = ±1 or 0/1 allowed).

        At a corner of the hypercube the integral term is :math:`\ln 2/(\lambda R)` per neuron
        for tanh (0 for logistic), so as the gain grows E tends to the binary network's energy.
        """
        self._require_symmetric()
        vv, single = self._check_v(V, "V", open_range=False)
        e = self._energy_v(vv)
        return float(e[0]) if single else e

    def _energy_u(self, u):
        v = self._act.output(u, self._gain)
        integral = v * u - self._act.lagrangian(u, self._gain)
        return self._quadratic(v) + np.sum(integral / self._r, axis=1)

    def _energy_v(self, v):
        return self._quadratic(v) + np.sum(self._act.integral(v, self._gain) / self._r, axis=1)

    def _quadratic(self, v):
        return -0.5 * np.einsum("bi,bi->b", v @ self._w.T, v) - v @ self._bias

    def _rhs_u(self, u):
        v = self._act.output(u, self._gain)
        return (-u / self._r + v @ self._w.T + self._bias) / self._c

    def _rhs_x(self, x):
        a = self._r * (x @ self._w.T + self._bias)
        return (self._act.output(a, self._gain) - x) / self.tau

    def _require_symmetric(self):
        if not self._symmetric:
            worst = float(np.max(np.abs(self._w - self._w.T)))
            raise ValueError(
                "the energy is defined (and is a Lyapunov function) only for symmetric `weights`; "
                f"max |w_ij - w_ji| = {worst:.3g}. Symmetrise with (W + W.T) / 2."
            )

    # ------------------------------------------------------------------ input checks
    def _check_u(self, u, name):
        arr = check_finite_array(u, name, ndim=(1, 2))
        arr = arr[None, :] if arr.ndim == 1 else arr
        if arr.shape[1] != self.n_neurons:
            raise ValueError(f"`{name}` has {arr.shape[1]} neurons but the network has "
                             f"{self.n_neurons}; got shape {arr.shape}.")
        return arr, np.ndim(u) == 1

    def _check_v(self, V, name, *, open_range: bool):
        arr, single = self._check_u(V, name)
        lo, hi = self._act.low, self._act.high
        bad = (arr <= lo) | (arr >= hi) if open_range else (arr < lo) | (arr > hi)
        if np.any(bad):
            rng_txt = f"({lo:g}, {hi:g})" if open_range else f"[{lo:g}, {hi:g}]"
            fix = " (the potentials of saturated outputs are infinite; pass `u0` instead)" \
                if open_range else ""
            raise ValueError(f"`{name}` must lie in {rng_txt} for the {self._act.name} "
                             f"activation; found {arr[bad][:3].tolist()}{fix}.")
        return arr, single

    def _initial(self, u0, V0):
        if (u0 is None) == (V0 is None):
            raise ValueError("give exactly one of `u0` (potentials) and `V0` (outputs).")
        if u0 is not None:
            return self._check_u(u0, "u0")
        v, single = self._check_v(V0, "V0", open_range=True)
        return self._act.inverse(v, self._gain), single

    # ------------------------------------------------------------------ dynamics
    def run(self, u0=None, *, V0=None, t_span=None, steps: int | None = None, dt: float = 0.01,
            method: str = "euler", save_every: int = 1, rtol: float = 1e-6,
            atol: float = 1e-9) -> ContinuousResult:
        r"""Integrate :math:`C\,du/dt = -u/R + W g(u) + I` from a batch of initial states.

        Parameters
        ----------
        u0 : array_like, shape (n_neurons,) or (batch, n_neurons), optional
            Initial potentials. Give ``u0`` or ``V0``.
        V0 : array_like, optional
            Initial outputs, strictly inside the activation's range (converted by
            :math:`g^{-1}`).
        t_span : (float, float), optional
            Start and end time. Default ``(0, steps * dt)``.
        steps : int, optional
            Number of steps of size ``dt`` (default ``ceil((t1 - t0) / dt)`` from ``t_span``).
            With both ``t_span`` and ``steps`` the step is ``(t1 - t0) / steps`` and ``dt`` is
            not used.
        dt : float, default=0.01
            Euler step; for the ``solve_ivp`` methods, the spacing of the saved times.
        method : "euler" or any :func:`scipy.integrate.solve_ivp` method, default="euler"
            ``"euler"`` is the fast fixed-step path; ``"RK45"``, ``"LSODA"``, ``"Radau"``, …
            integrate the whole batch as one system with tolerances ``rtol``, ``atol``.
        save_every : int, default=1
            Keep every ``save_every``-th step (the last time is always kept).

        Returns
        -------
        ContinuousResult
            ``states`` are the potentials u, ``outputs`` V = g(u), ``energies`` E (None for
            asymmetric W).

        Notes
        -----
        For symmetric W, E is non-increasing along exact trajectories, and along Euler steps when
        ``dt`` is small compared with the time constants and :math:`1/(\lambda\,\|W\|)`.
        """
        u, single = self._initial(u0, V0)
        t0, t1, n_steps = _time_grid(t_span, steps, dt)
        check_scalar(save_every, "save_every", numbers.Integral, min_val=1)
        return self._integrate(self._rhs_u, u, single, t0, t1, n_steps, dt, method, save_every,
                               rtol, atol, kind="u")

    def relax(self, x0, *, t_span=None, steps: int | None = None, dt: float = 0.01,
              method: str = "euler", save_every: int = 1, rtol: float = 1e-6,
              atol: float = 1e-9) -> ContinuousResult:
        r"""Integrate the output-space relaxation of the lecture seed,
        :math:`\tau\,dx/dt = -(x - g(R(Wx + I)))`.

        Its fixed points are those of :meth:`run` (:math:`x = g(u)`, :math:`u = R(Wx + I)`), and
        for symmetric W it descends the same energy E (``energies`` use :meth:`energy_of_outputs`).
        ``x0`` lies in the activation's closed range; the other options are those of :meth:`run`.
        """
        x, single = self._check_v(x0, "x0", open_range=False)
        t0, t1, n_steps = _time_grid(t_span, steps, dt)
        check_scalar(save_every, "save_every", numbers.Integral, min_val=1)
        return self._integrate(self._rhs_x, x, single, t0, t1, n_steps, dt, method, save_every,
                               rtol, atol, kind="x")

    def _integrate(self, rhs, y0, single, t0, t1, n_steps, dt, method, save_every, rtol, atol,
                   *, kind):
        check_trace_size((n_steps // save_every + 2) * y0.size, "steps", " or raise `save_every`")
        if method != "euler":
            check_scalar(rtol, "rtol", numbers.Real, min_val=100 * np.finfo(float).eps)  # solve_ivp's floor
            check_scalar(atol, "atol", numbers.Real, min_val=0.0)
        keep = list(range(0, n_steps + 1, save_every))
        if keep[-1] != n_steps:
            keep.append(n_steps)
        times = t0 + (t1 - t0) * np.array(keep, dtype=np.float64) / max(n_steps, 1)
        diverged_at = None
        if method == "euler":
            h = (t1 - t0) / max(n_steps, 1)
            out = np.empty((len(keep), *y0.shape))
            y = y0.copy()
            out[0] = y
            k = 1
            with np.errstate(over="ignore", invalid="ignore"):  # divergence -> status -1 below
                for step in range(1, n_steps + 1):
                    y = y + h * rhs(y)
                    if k < len(keep) and step == keep[k]:
                        out[k] = y
                        k += 1
                    if not np.isfinite(y).all():
                        out[k:] = np.nan
                        diverged_at = step
                        break
            status, nfev = 0, n_steps
            if not np.all(np.isfinite(out)):
                status = -1
        else:
            from scipy.integrate import solve_ivp

            shape = y0.shape

            def fun(_t, flat):
                return rhs(flat.reshape(shape)).ravel()

            try:
                sol = solve_ivp(fun, (t0, t1), y0.ravel(), method=method, t_eval=times,
                                rtol=rtol, atol=atol)
            except ValueError as exc:
                raise ValueError(f"`method`: {exc} Use 'euler' or a solve_ivp method name.") \
                    from None
            status = 0 if sol.status >= 0 and sol.success else -1
            nfev = int(sol.nfev)
            out = np.full((len(keep), *shape), np.nan)
            got = sol.y.T.reshape(-1, *shape)
            out[: got.shape[0]] = got
        if kind == "u":
            outputs = self._act.output(out, self._gain)
        else:
            outputs = out
        energies = None
        if self._symmetric and status == 0:
            flat = out.reshape(-1, self.n_neurons)
            if kind == "u":
                e = self._energy_u(flat)
            else:
                e = self._energy_v(np.clip(flat, self._act.low, self._act.high))
            energies = e.reshape(out.shape[:-1])
        message = _MESSAGES[status]
        if diverged_at is not None:
            message = (f"the state became non-finite (NaN or inf) at Euler step {diverged_at}; "
                       "the step dt is too large for the time constants (explicit Euler is "
                       "unstable for dt > 2 R C): decrease dt or use a solve_ivp method")
        if single:
            out, outputs = out[:, 0], outputs[:, 0]
            energies = None if energies is None else energies[:, 0]
        return ContinuousResult(times, out, outputs, energies, status == 0, status, message, nfev)

    def iterate(self, V0, *, max_steps: int = 100, update: str = "sync", tol: float = 1e-10,
                rng=None) -> IterateResult:
        r"""The discrete-time graded network :math:`V \leftarrow g(R(WV + I))`.

        With R = 1, I = 0, :math:`g = \tanh(\beta u)` this is the lecture's
        :math:`x \leftarrow \tanh(\beta W x)`.

        Parameters
        ----------
        V0 : array_like, shape (n_neurons,) or (batch, n_neurons)
            Initial outputs, in the activation's closed range.
        max_steps : int, default=100
            Steps (synchronous) or sweeps (asynchronous).
        update : {"sync", "async"}, default="sync"
            All neurons at once, or one at a time in a new random order each sweep. For symmetric
            W with zero diagonal, asynchronous updates never raise E (each update minimises E
            exactly over that neuron's output); synchronous ones may end in a 2-cycle.
        tol : float, default=1e-10
            Converged when no output changes by more than ``tol`` in a step.
        rng : int or numpy.random.Generator, optional
            Order of asynchronous updates.

        Returns
        -------
        IterateResult
        """
        v, single = self._check_v(V0, "V0", open_range=False)
        check_budget(max_steps, "max_steps")
        check_option(update, "update", ("sync", "async"))
        check_scalar(tol, "tol", numbers.Real, min_val=0.0)
        gen = check_rng(rng)
        batch, n = v.shape
        track = self._symmetric
        if track:
            check_trace_size(batch * (max_steps + 1), "max_steps", " or the batch size")
        energies = np.empty((batch, max_steps + 1)) if track else None
        if track:
            energies[:, 0] = self._energy_v(v)
        steps = np.full(batch, max_steps)
        converged = np.zeros(batch, dtype=bool)
        active = np.ones(batch, dtype=bool)
        for t in range(1, max_steps + 1):
            old = v.copy()
            if update == "sync":
                a = self._r * (v @ self._w.T + self._bias)
                v = np.where(active[:, None], self._act.output(a, self._gain), v)
            else:
                for i in gen.permutation(n):
                    a_i = self._r[i] * (v @ self._w[i] + self._bias[i])
                    new = self._act.output(a_i, self._gain[i])
                    v[:, i] = np.where(active, new, v[:, i])
            if track:
                energies[:, t] = self._energy_v(np.clip(v, self._act.low, self._act.high))
            done = active & (np.max(np.abs(v - old), axis=1) <= tol)
            steps[done] = t
            converged |= done
            active &= ~done
            if not active.any():
                if track:
                    energies[:, t + 1:] = energies[:, t: t + 1]
                break
        msg = ("converged" if converged.all() else
               "stopped after max_steps without converging; try increasing `max_steps`")
        if single:
            return IterateResult(v[0], bool(converged[0]), int(steps[0]),
                                 None if energies is None else energies[0, : steps[0] + 1], msg)
        return IterateResult(v, converged, steps, energies, msg)

    # ------------------------------------------------------------------ saving (hopfield.io)
    def _to_arrays(self):
        if ACTIVATIONS.get(self._act.name) is not self._act:
            raise TypeError(f"cannot save a network with the custom activation {self._act.name!r}; "
                            f"files hold only the named ones: {', '.join(ACTIVATIONS)}.")
        config = {"activation": self._act.name}
        arrays = {"weights": self._w, "bias": self._bias, "gain": self._gain,
                  "capacitance": self._c, "resistance": self._r}
        return config, arrays

    @classmethod
    def _from_arrays(cls, config, arrays):
        name = config.get("activation")
        if name not in ACTIVATIONS:
            raise ValueError(f"unknown activation {name!r}; known: {', '.join(ACTIVATIONS)}.")
        return cls(arrays["weights"], arrays["bias"], activation=name, gain=arrays["gain"],
                   capacitance=arrays["capacitance"], resistance=arrays["resistance"])

    def __repr__(self) -> str:
        return (f"ContinuousHopfieldNetwork(n_neurons={self.n_neurons}, "
                f"activation={self._act.name!r}, symmetric={self._symmetric})")


def _resolve_activation(activation) -> AbstractActivation:
    if isinstance(activation, AbstractActivation):
        return activation
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise ValueError(f"`activation` must be one of {', '.join(map(repr, ACTIVATIONS))} or an "
                         f"AbstractActivation; got {activation!r}.")
    return ACTIVATIONS[activation]


def _time_grid(t_span, steps, dt):
    check_scalar(dt, "dt", numbers.Real, min_val=0.0, include_min=False)
    if steps is not None:
        check_budget(steps, "steps")
    if t_span is None:
        if steps is None:
            raise ValueError("give `t_span` (t0, t1) or `steps` (number of steps of size dt).")
        return 0.0, float(steps) * dt, int(steps)
    try:
        t0, t1 = (float(t) for t in t_span)
    except (TypeError, ValueError):
        raise TypeError(f"`t_span` must be a pair (t0, t1); got {t_span!r}.") from None
    if not (np.isfinite(t0) and np.isfinite(t1) and t1 > t0):
        raise ValueError(f"`t_span` must be finite with t1 > t0; got {t_span!r}.")
    if steps is not None:
        return t0, t1, int(steps)
    n = (t1 - t0) / dt
    if n > MAX_BUDGET:
        raise ValueError(f"`t_span` / `dt` = {n:.3g} steps is beyond the largest supported budget "
                         f"{MAX_BUDGET:.0e}; raise `dt` or shorten `t_span`.")
    return t0, t1, max(1, int(np.ceil(n - 1e-9)))
