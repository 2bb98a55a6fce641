r"""The travelling salesman problem on Hopfield networks (Theory reference §6).

Both methods use the Hopfield–Tank encoding: an (n, n) matrix V with :math:`V_{Xi}` = "city X is
at tour position i" (positions mod n); a valid tour is a permutation matrix.

``"hopfield-tank"`` (:class:`HopfieldTank`)
    The continuous network of Hopfield & Tank (1985) with their published parameters, integrated by
    explicit Euler, many seeded runs at once. Its energy (Theory reference §6, :func:`hopfield_tank_energy`)

    .. math::
        E = \tfrac A2\sum_X\sum_{i\ne j}V_{Xi}V_{Xj} + \tfrac B2\sum_i\sum_{X\ne Y}V_{Xi}V_{Yi}
            + \tfrac C2\Big(\sum_{Xi}V_{Xi}-\tilde n\Big)^2
            + \tfrac D2\sum_{X\ne Y}\sum_i d_{XY}V_{Xi}(V_{Y,i+1}+V_{Y,i-1})

    has the weights :math:`T_{Xi,Yj} = -A\delta_{XY}(1-\delta_{ij}) - B\delta_{ij}(1-\delta_{XY}) - C
    - Dd_{XY}(\delta_{j,i+1}+\delta_{j,i-1})` and bias :math:`I_{Xi} = C\tilde n`
    (:func:`hopfield_tank_weights`); the dynamics are
    :math:`du/dt = -u/\tau - \partial E/\partial V`, :math:`V = \tfrac12(1+\tanh(u/u_0))`.
    A run counts as a valid tour only if thresholding V at ½ gives a permutation matrix — nothing
    repairs it. Valid tours are rare (Wilson & Pawley 1988); the method is here to reproduce that.
``"potts"`` (:class:`PottsMeanField`)
    Potts mean-field annealing (Peterson & Söderberg 1989): each city's row of V is a softmax over
    positions (so every row sums to 1 by construction), the column constraint is a penalty α
    derived from the mean distance, and the temperature is lowered from the critical temperature
    of the uniform state until V saturates. The final V is decoded with a Hungarian assignment
    (:func:`scipy.optimize.linear_sum_assignment` maximising :math:`\sum \log V_{X\pi(X)}`), which
    always returns a permutation; ``threshold_valid_rate`` reports how often V was already a
    permutation matrix before that decoding.

Polishing (``polish=``) runs 2-opt and/or Or-opt local search (Numba) on every distinct valid
network tour and reports the best result separately from the raw network tour.

References
----------
J. J. Hopfield & D. W. Tank, Biol. Cybern. 52:141 (1985); G. V. Wilson & G. S. Pawley, Biol.
Cybern. 58:63 (1988); C. Peterson & B. Söderberg, Int. J. Neural Syst. 1:3 (1989); G. A. Croes,
Oper. Res. 6:791 (1958) (2-opt); I. Or, PhD thesis, Northwestern University (1976) (Or-opt);
Theory reference §5–§6.
"""

from __future__ import annotations

import abc
import numbers
import time
from dataclasses import dataclass

import numpy as np

from .._results import SummaryRepr
from .._validation import (
    as_real_array,
    check_budget,
    check_finite_array,
    check_option,
    check_rng,
    check_scalar,
)

__all__ = [
    "METHODS",
    "POLISHES",
    "AbstractTSPMethod",
    "HopfieldTank",
    "PottsMeanField",
    "TSPResult",
    "hopfield_tank_energy",
    "hopfield_tank_weights",
    "polish_tour",
    "solve_tsp",
    "tour_length",
]

#: polish name -> (use 2-opt, use Or-opt)
POLISHES = {"2opt": (True, False), "oropt": (False, True), "2opt+oropt": (True, True)}


@dataclass(frozen=True, repr=False)
class TSPResult(SummaryRepr):
    """Outcome of :func:`solve_tsp`.

    Attributes
    ----------
    tour : ndarray of int64, shape (n,), or None
        Best valid tour produced by the network itself (before polishing), starting at city 0 and
        oriented so that ``tour[1] < tour[-1]``; None if no run gave a valid tour.
    length : float
        Length of ``tour`` (NaN if None).
    valid : bool
        Whether some run gave a valid tour.
    polished_tour : ndarray of int64, shape (n,), or None
        Best tour after local search of every distinct valid network tour (None if ``polish`` is
        None or there was no valid tour).
    polished_length : float
        Length of ``polished_tour`` (NaN if None).
    V : ndarray of float, shape (n, n)
        Final activity matrix (``V[X, i]``: city X at position i) of the run that gave ``tour``,
        or of the first run if none was valid.
    energy_trace : ndarray of float
        That run's energy over the dynamics: the Hopfield–Tank energy (Theory reference §6) every
        ``record_every`` Euler steps, or the Potts energy after each sweep.
    run_lengths : ndarray of float, shape (n_runs,)
        Raw tour length of every run (NaN where invalid).
    valid_rate : float
        Fraction of runs that gave a valid tour (for "potts", 1.0: the assignment decoding always
        gives one).
    threshold_valid_rate : float
        Fraction of runs whose V, thresholded at ½, was a permutation matrix (no decoding).
    n_runs : int
    method : str
    polish : str or None
    network_time, polish_time : float
        Wall time in seconds of the network runs and of the polishing.
    message : str
    """

    tour: np.ndarray | None
    length: float
    valid: bool
    polished_tour: np.ndarray | None
    polished_length: float
    V: np.ndarray
    energy_trace: np.ndarray
    run_lengths: np.ndarray
    valid_rate: float
    threshold_valid_rate: float
    n_runs: int
    method: str
    polish: str | None
    network_time: float
    polish_time: float
    message: str

    @property
    def best_tour(self) -> np.ndarray | None:
        """The polished tour if there is one, else the raw network tour."""
        return self.polished_tour if self.polished_tour is not None else self.tour

    @property
    def best_length(self) -> float:
        """Length of :attr:`best_tour` (NaN if None)."""
        return self.polished_length if self.polished_tour is not None else self.length


# --------------------------------------------------------------------------------------------
# energies and helpers


def _k():
    """The Numba kernels, imported on first use so that importing the package stays light."""
    from . import _tsp_kernels

    return _tsp_kernels


def hopfield_tank_energy(V, distances, *, A=500.0, B=500.0, C=200.0, D=500.0, n_tilde=15.0):
    r"""Hopfield–Tank energy of one activity matrix or a batch (Theory reference §6).

    .. math::
        E = \tfrac A2\sum_X\sum_{i\ne j}V_{Xi}V_{Xj} + \tfrac B2\sum_i\sum_{X\ne Y}V_{Xi}V_{Yi}
            + \tfrac C2\Big(\sum_{Xi}V_{Xi}-\tilde n\Big)^2
            + \tfrac D2\sum_{X\ne Y}\sum_i d_{XY}V_{Xi}(V_{Y,i+1}+V_{Y,i-1})

    For a permutation matrix the A and B terms vanish, the C term vanishes when
    :math:`\tilde n = n`, and the D term is exactly D × (tour length).

    Parameters
    ----------
    V : array_like, shape (n, n) or (batch, n, n)
        ``V[..., X, i]``: city X at position i.
    distances : array_like, shape (n, n)
    A, B, C, D, n_tilde : float, default=500, 500, 200, 500, 15
        The published 10-city parameters.

    Returns
    -------
    float or ndarray of shape (batch,)

    References
    ----------
    Hopfield & Tank, Biol. Cybern. 52:141 (1985); Theory reference §6.
    """
    d = _check_distances(distances)
    A, B, C, D, n_tilde = _check_penalties(A, B, C, D, n_tilde)
    n = d.shape[0]
    V = check_finite_array(V, "V", ndim=(2, 3))
    if V.shape[-2:] != (n, n):
        raise ValueError(f"`V` must have shape (..., {n}, {n}) to match `distances`; got {V.shape}.")
    e = _ht_energy(V, d, A, B, C, D, n_tilde)
    return float(e) if V.ndim == 2 else e


def _check_penalties(A, B, C, D, n_tilde) -> tuple[float, ...]:
    """The energy's coefficients: finite, non-negative reals (n_tilde may be any finite real)."""
    out = [float(check_scalar(x, name, numbers.Real, min_val=0.0))
           for name, x in (("A", A), ("B", B), ("C", C), ("D", D))]
    return (*out, float(check_scalar(n_tilde, "n_tilde", numbers.Real)))


def _ht_energy(V, d, A, B, C, D, n_tilde):
    row = V.sum(axis=-1)
    col = V.sum(axis=-2)
    sq = np.sum(V * V, axis=(-2, -1))
    e_a = 0.5 * A * (np.sum(row * row, axis=-1) - sq)
    e_b = 0.5 * B * (np.sum(col * col, axis=-1) - sq)
    with np.errstate(over="ignore"):  # a huge n_tilde gives an honest +inf, not a warning
        e_c = 0.5 * C * (np.sum(V, axis=(-2, -1)) - n_tilde) ** 2
    S = np.roll(V, -1, axis=-1) + np.roll(V, 1, axis=-1)
    e_d = 0.5 * D * np.sum(V * np.matmul(d, S), axis=(-2, -1))
    return e_a + e_b + e_c + e_d


def hopfield_tank_weights(distances, *, A=500.0, B=500.0, C=200.0, D=500.0, n_tilde=15.0):
    r"""Hopfield–Tank weights and bias, :math:`E = -\tfrac12 v^\top Tv - I^\top v + \tfrac C2\tilde n^2`.

    .. math::
        T_{Xi,Yj} = -A\delta_{XY}(1-\delta_{ij}) - B\delta_{ij}(1-\delta_{XY}) - C
                    - Dd_{XY}(\delta_{j,i+1}+\delta_{j,i-1}),\qquad I_{Xi} = C\tilde n

    with unit (X, i) at flat index ``X * n + i`` (``V.reshape(-1)``). Usable with a generic
    continuous Hopfield network; :func:`solve_tsp` uses the structured form instead.

    Returns
    -------
    T : ndarray, shape (n*n, n*n)
    I : ndarray, shape (n*n,)

    References
    ----------
    Hopfield & Tank, Biol. Cybern. 52:141 (1985); Theory reference §6.
    """
    d = _check_distances(distances)
    A, B, C, D, n_tilde = _check_penalties(A, B, C, D, n_tilde)
    n = d.shape[0]
    eye = np.eye(n)
    shift = np.roll(eye, 1, axis=1) + np.roll(eye, -1, axis=1)  # δ_{j,i+1} + δ_{j,i-1}
    T = (
        -A * np.kron(eye, 1.0 - eye)
        - B * np.kron(1.0 - eye, eye)
        - C * np.ones((n * n, n * n))
        - D * np.kron(d, shift)
    )
    return T, np.full(n * n, C * float(n_tilde))


def tour_length(tour, distances) -> float:
    r"""Length of the closed tour :math:`\sum_k d_{t_k t_{k+1}}` (the last city returns to the first).

    Parameters
    ----------
    tour : array_like of int, shape (n,)
        A permutation of 0..n-1.
    distances : array_like, shape (n, n)
    """
    d = _check_distances(distances)
    t = _check_tour(tour, d.shape[0])
    return float(_k().tour_length(t, d))


def polish_tour(tour, distances, *, method: str = "2opt+oropt") -> np.ndarray:
    """Local search from ``tour``: 2-opt, Or-opt (segments of 1–3 cities) or both alternated.

    Every move strictly shortens the tour, so the result is never longer than ``tour``. The
    caller's array is not modified.

    Parameters
    ----------
    tour : array_like of int, shape (n,)
        A permutation of 0..n-1.
    distances : array_like, shape (n, n)
    method : {"2opt", "oropt", "2opt+oropt"}, default="2opt+oropt"

    Returns
    -------
    ndarray of int64, shape (n,)
        The local optimum, rotated to start at city 0 and oriented so ``tour[1] < tour[-1]``.
    """
    d = _check_distances(distances)
    t = _check_tour(tour, d.shape[0])
    check_option(method, "method", POLISHES)
    _local_search(t, d, method)
    return _canonical(t)


def _local_search(t: np.ndarray, d: np.ndarray, method: str) -> None:
    use2, useor = POLISHES[method]
    eps = 1e-9 * float(d.max())
    _k().local_search(t, d, eps, use2, useor)


def _canonical(t: np.ndarray) -> np.ndarray:
    k = int(np.flatnonzero(t == 0)[0])
    t = np.roll(t, -k)
    if t.shape[0] > 2 and t[1] > t[-1]:
        t = np.concatenate(([t[0]], t[:0:-1]))
    return np.ascontiguousarray(t, dtype=np.int64)


def _threshold_tour(V: np.ndarray) -> np.ndarray | None:
    """The tour if V > ½ is a permutation matrix, else None."""
    P = V > 0.5
    if not (np.all(P.sum(axis=0) == 1) and np.all(P.sum(axis=1) == 1)):
        return None
    return _canonical(np.argmax(P, axis=0).astype(np.int64))


def _assignment_tour(V: np.ndarray) -> np.ndarray:
    """Hungarian decoding: the permutation maximising Σ_X log V[X, π(X)]."""
    from scipy.optimize import linear_sum_assignment

    _, pos = linear_sum_assignment(-np.log(np.maximum(V, 1e-300)))
    return _canonical(np.argsort(pos).astype(np.int64))


# --------------------------------------------------------------------------------------------
# methods


@dataclass(frozen=True)
class _Runs:
    """What a method returns: per run V, tour (or None), energy trace, and a note."""

    V: np.ndarray
    tours: list
    traces: list
    threshold_valid: np.ndarray
    note: str = ""


class AbstractTSPMethod(abc.ABC):
    """A network that maps a distance matrix to activity matrices V, one per seeded run."""

    #: registry name
    name: str = ""
    #: default number of runs per round
    default_replicas: int = 8

    @abc.abstractmethod
    def run(self, d: np.ndarray, n_runs: int, rng: np.random.Generator, deadline: float) -> _Runs:
        """Run ``n_runs`` seeded networks on clean distances ``d``; stop work at ``deadline``."""

    def compile(self) -> None:
        """Compile the method's kernels with one run on four cities, so that no time limit pays
        for compilation (Numba caches the result on disk; later processes only load it)."""
        xy = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
        d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=-1))
        self.run(d, 1, np.random.default_rng(0), -np.inf)


@dataclass(frozen=True)
class HopfieldTank(AbstractTSPMethod):
    r"""Hopfield & Tank (1985) continuous network, explicit Euler, all runs vectorised.

    .. math::
        \frac{du_{Xi}}{dt} = -\frac{u_{Xi}}\tau - A\sum_{j\ne i}V_{Xj} - B\sum_{Y\ne X}V_{Yi}
        - C\Big(\sum_{Yj}V_{Yj}-\tilde n\Big) - D\sum_Y d_{XY}(V_{Y,i+1}+V_{Y,i-1}),
        \quad V = \tfrac12\big(1+\tanh(u/u_0)\big)

    Initial :math:`u = -\tfrac{u_0}2\ln(n-1) + \eta`, η uniform in ±``noise``·u0 (so ΣV ≈ n).
    Integration stops at ``t_max`` or when every run has saturated (every V within
    ``saturation_tol`` of 0 or 1, and some unit on). For small dt the path descends the Lyapunov function
    :math:`E + \tfrac1\tau\sum_{Xi}\int_0^{V_{Xi}} g^{-1}` (Theory reference §5, :meth:`lyapunov`); E alone
    need not decrease at finite gain. The published parameters assume cities in the unit square;
    distances are divided by ``max(1, max(d)/√2)`` so larger instances are brought to that scale.

    Parameters
    ----------
    A, B, C, D, n_tilde, u0, tau : float, default=500, 500, 200, 500, 15, 0.02, 1
        Hopfield & Tank's 10-city parameters (Theory reference §6).
    dt : float, default=1e-6
        Euler step. At the start the uniform mode has rate about :math:`C n^2 g'(u_{00})`
        (1.8e5 for n = 10), so dt = 1e-5 sits at the Euler stability limit and the Lyapunov
        function jumps up on the way; with 1e-6 it descends (tested).
    t_max : float, default=0.05
        Integration time; the valid / invalid outcome of the 10-city runs no longer changes
        after t ≈ 0.02.
    noise : float, default=0.1
    record_every : int, default=1000
        Euler steps between energy records.
    saturation_tol : float, default=0.01

    References
    ----------
    Hopfield & Tank, Biol. Cybern. 52:141 (1985); Wilson & Pawley, Biol. Cybern. 58:63 (1988).
    """

    A: float = 500.0
    B: float = 500.0
    C: float = 200.0
    D: float = 500.0
    n_tilde: float = 15.0
    u0: float = 0.02
    tau: float = 1.0
    dt: float = 1e-6
    t_max: float = 0.05
    noise: float = 0.1
    record_every: int = 1000
    saturation_tol: float = 0.01
    name = "hopfield-tank"
    default_replicas = 20

    def __post_init__(self):
        for key in ("A", "B", "C", "D", "n_tilde"):
            check_scalar(getattr(self, key), key, numbers.Real, min_val=0.0)
        for key in ("u0", "tau", "dt", "t_max", "saturation_tol"):
            check_scalar(getattr(self, key), key, numbers.Real, min_val=0.0, include_min=False)
        check_scalar(self.noise, "noise", numbers.Real, min_val=0.0)
        check_scalar(self.record_every, "record_every", numbers.Integral, min_val=1)

    def energy(self, V, d):
        """The Theory reference §6 energy with this method's parameters (batched over leading axes)."""
        return _ht_energy(V, d, self.A, self.B, self.C, self.D, self.n_tilde)

    def lyapunov(self, u, d):
        r"""Lyapunov function of the dynamics at internal state ``u`` (..., n, n), distances ``d``.

        .. math:: L = E(V) + rac1	au\sum_{Xi}\int_0^{V_{Xi}} g^{-1}(x)\,dx,\qquad
                  \int_0^V g^{-1} = Vu - 	frac u2 - 	frac{u_0}2\lnig(2\cosh(u/u_0)ig)

        (the u form avoids artanh at V = 0 or 1 in floating point; Theory reference §5).
        """
        u = np.asarray(u, dtype=float)
        V = 0.5 * (1.0 + np.tanh(u / self.u0))
        x = u / self.u0
        integral = V * u - 0.5 * u - 0.5 * self.u0 * np.logaddexp(x, -x)
        return self.energy(V, d) + np.sum(integral, axis=(-2, -1)) / self.tau

    def compile(self) -> None:
        """Compile the Euler kernel with one step on four cities."""
        u = np.zeros((1, 4, 4))
        _k().hopfield_tank_euler(np.ones((4, 4)) - np.eye(4), u, self.A, self.B, self.C, self.D,
                                 self.n_tilde, self.u0, self.tau, self.dt, 1)

    def run(self, d, n_runs, rng, deadline):
        n = d.shape[0]
        scale = max(1.0, float(d.max()) / np.sqrt(2.0))
        ds = d / scale
        u00 = -0.5 * self.u0 * np.log(n - 1)
        u = u00 + self.noise * self.u0 * rng.uniform(-1.0, 1.0, size=(n_runs, n, n))
        n_steps = int(np.ceil(self.t_max / self.dt - 1e-9))
        dt = self.dt
        traces = []
        note = f"Euler dt={dt:g}"
        step = 0
        per_step, last_chunk = None, 0  # measured cost of a step, to stop within the time limit
        V = 0.5 * (1.0 + np.tanh(u / self.u0))
        while True:
            if step % self.record_every == 0:
                traces.append(self.energy(V, ds))
            # saturated: every unit near 0 or 1, with some unit on in every run (at n >= 100 the
            # initial V ~ 1/n already lies within the tolerance of 0)
            if np.all((V < self.saturation_tol) | (V > 1.0 - self.saturation_tol)) and \
                    np.all((V > 1.0 - self.saturation_tol).any(axis=(1, 2))):
                note += f"; every run saturated at t={step * dt:.4g}"
                break
            if step >= n_steps:
                note += f"; stopped at t_max={self.t_max:g}"
                break
            now = time.perf_counter()
            if now > deadline:
                note += f"; stopped by the time limit at t={step * dt:.4g}"
                break
            # up to the next record; fewer steps when the time limit would fall inside the chunk
            chunk = min(self.record_every - step % self.record_every, n_steps - step)
            if np.isfinite(deadline):  # chunks grow at most twofold, so one misjudged step costs little
                fit = 1 if per_step is None else int((deadline - now) / per_step)
                chunk = max(1, min(chunk, fit, 2 * last_chunk))
            last_chunk = chunk
            _k().hopfield_tank_euler(ds, u, self.A, self.B, self.C, self.D, self.n_tilde,
                                     self.u0, self.tau, dt, chunk)
            per_step = (time.perf_counter() - now) / chunk
            step += chunk
            V = 0.5 * (1.0 + np.tanh(u / self.u0))
        if step % self.record_every != 0:
            traces.append(self.energy(V, ds))
        tr = np.stack(traces, axis=1)
        tours = [_threshold_tour(V[r]) for r in range(n_runs)]
        valid = np.array([t is not None for t in tours])
        return _Runs(V=V, tours=tours, traces=list(tr), threshold_valid=valid, note=note)


@dataclass(frozen=True)
class PottsMeanField(AbstractTSPMethod):
    r"""Potts mean-field annealing (Peterson & Söderberg 1989), decoded by a Hungarian assignment.

    Each city's row of V is a Potts spin, :math:`V_{X\cdot} = \mathrm{softmax}(U_{X\cdot}/T)`,
    with the mean field :math:`U = -\partial E/\partial V` of

    .. math::
        E = \tfrac12\sum_{XYi}d_{XY}V_{Xi}(V_{Y,i+1}+V_{Y,i-1})
            + \tfrac\alpha2\sum_i\sum_{X\ne Y}V_{Xi}V_{Yi} - \tfrac\gamma2\sum_{Xi}V_{Xi}^2 ,

    so each row sums to one exactly and only the column constraint is a penalty. Cities are
    updated serially in a random order each sweep. α and γ are given in units of the mean
    distance :math:`\bar d`: α ≈ 2 d̄ is where the penalty :math:`\alpha n` outweighs the largest
    (Perron) eigenvalue :math:`\approx n\bar d` of the distance term twice over, which stops all
    cities collapsing onto alternate positions. The temperature starts at ``t_start`` × T_c,
    where T_c is the critical temperature of the uniform state :math:`V = 1/n` (largest eigenvalue
    over Fourier modes k ≠ 0 of :math:`-2\cos k\, d - \alpha(J - I) + \gamma I`, divided by n),
    and is multiplied by ``cooling`` after each sweep until the saturation
    :math:`\tfrac1n\sum V^2` exceeds ``saturation``. Initial rows are uniform times
    (1 + ``noise`` · uniform(±1)), renormalised.

    Parameters
    ----------
    alpha : float, default=2.0
        Column penalty in units of the mean distance.
    gamma : float, default=-0.6
        Self-coupling in units of the mean distance. The column penalty's exclusion of X = Y
        leaves a self-excitation +α on each unit; a negative γ cancels part of it, which keeps V
        soft longer while the distance term orders the cities. On berlin52 / eil51 (24 seeded
        runs each), γ = -0.6 puts a quarter to a third of the runs within 5 % of the optimum
        (best 3.9 % / 3.8 %), where γ = -0.8 left every berlin52 run near 6.6 % and γ = -0.4
        none below 7.5 %. Below about -1.1 V no longer saturates.
    t_start : float, default=0.9
    cooling : float, default=0.998
    saturation : float, default=0.95
        Stop annealing when the mean of Σ_i V_Xi² over cities exceeds this (0.95 gives the same
        tours as 0.99 on eil51 / berlin52 in about half the sweeps).
    max_sweeps : int, default=3000
    noise : float, default=0.01

    References
    ----------
    C. Peterson & B. Söderberg, Int. J. Neural Syst. 1:3 (1989); Theory reference §6.
    """

    alpha: float = 2.0
    gamma: float = -0.6
    t_start: float = 0.9
    cooling: float = 0.998
    saturation: float = 0.95
    max_sweeps: int = 3000
    noise: float = 0.01
    name = "potts"
    default_replicas = 8

    def __post_init__(self):
        check_scalar(self.alpha, "alpha", numbers.Real, min_val=0.0, include_min=False)
        check_scalar(self.gamma, "gamma", numbers.Real)
        check_scalar(self.t_start, "t_start", numbers.Real, min_val=0.0, include_min=False)
        check_scalar(self.cooling, "cooling", numbers.Real, min_val=0.0, max_val=1.0,
                     include_min=False, include_max=False)
        check_scalar(self.saturation, "saturation", numbers.Real, min_val=0.0, max_val=1.0,
                     include_min=False, include_max=False)
        check_scalar(self.max_sweeps, "max_sweeps", numbers.Integral, min_val=1)
        check_scalar(self.noise, "noise", numbers.Real, min_val=0.0, max_val=1.0, include_max=False)

    def coefficients(self, d: np.ndarray) -> tuple[float, float, float]:
        """(α, γ, T_c) in the units of ``d`` (clean distances)."""
        n = d.shape[0]
        dbar = float(d.sum()) / (n * (n - 1))
        alpha = self.alpha * dbar
        gamma = self.gamma * dbar
        cos_k = np.unique(np.round(np.cos(2.0 * np.pi * np.arange(1, n) / n), 12))
        base = -alpha * (np.ones((n, n)) - np.eye(n)) + gamma * np.eye(n)
        # λ_max of -2c·d + base is convex in c: the extremes of cos k decide it
        t_c = max(np.linalg.eigvalsh(-2.0 * c * d + base)[-1] for c in (cos_k[0], cos_k[-1])) / n
        return alpha, gamma, float(max(t_c, 1e-12 * max(dbar, 1e-300)))

    def run(self, d, n_runs, rng, deadline):
        n = d.shape[0]
        alpha, gamma, t_c = self.coefficients(d)
        Vs, traces = [], []
        done = 0
        last = 0.0
        while done < n_runs:
            start = time.perf_counter()
            if done > 0 and start + last > deadline:
                break
            V0 = 1.0 + self.noise * rng.uniform(-1.0, 1.0, size=(1, n, n))
            V0 /= V0.sum(axis=2, keepdims=True)
            V0 = np.ascontiguousarray(V0)
            seeds = rng.integers(0, 2**63, size=1, dtype=np.uint64)
            trace = np.empty((1, self.max_sweeps))
            sweeps = np.empty(1, dtype=np.int64)
            _k().potts_anneal(d, alpha, gamma, self.t_start * t_c, self.cooling, self.max_sweeps,
                            self.saturation, seeds, V0, trace, sweeps)
            Vs.append(V0[0])
            traces.append(trace[0, : sweeps[0]])
            done += 1
            last = time.perf_counter() - start
        V = np.stack(Vs)
        thr = np.array([_threshold_tour(V[r]) is not None for r in range(done)])
        tours = [_assignment_tour(V[r]) for r in range(done)]
        note = (f"alpha={alpha:.4g}, T_c={t_c:.4g}; Hungarian decoding of V "
                f"({int(thr.sum())}/{done} were already permutation matrices)")
        return _Runs(V=V, tours=tours, traces=traces, threshold_valid=thr, note=note)


#: method name -> class; ``solve_tsp(method=...)`` also accepts an instance
METHODS: dict[str, type[AbstractTSPMethod]] = {
    "hopfield-tank": HopfieldTank,
    "potts": PottsMeanField,
}


# --------------------------------------------------------------------------------------------
# public solver


def solve_tsp(
    coords=None,
    *,
    distances=None,
    method: str | AbstractTSPMethod = "potts",
    polish: str | None = None,
    replicas: int | None = None,
    time_limit: float | None = None,
    rng=None,
) -> TSPResult:
    r"""Travelling-salesman tours from a Hopfield network, with optional local-search polishing.

    Parameters
    ----------
    coords : array_like, shape (n, 2), optional
        City coordinates; distances are Euclidean (not rounded — pass TSPLIB's rounded
        ``distances`` from :func:`~hopfield.optimize.read_tsplib` to match published optima).
    distances : array_like, shape (n, n), optional
        Symmetric, non-negative, zero-diagonal distances. Give exactly one of coords / distances.
    method : {"potts", "hopfield-tank"} or AbstractTSPMethod, default="potts"
        A name from :data:`METHODS` (default parameters) or a configured instance such as
        ``HopfieldTank(dt=1e-6)``.
    polish : {None, "2opt", "oropt", "2opt+oropt"}, default=None
        Local search applied to every distinct valid network tour; reported separately.
    replicas : int, optional
        Seeded network runs (default 8 for "potts", 20 for "hopfield-tank"; for
        "hopfield-tank" they are integrated together, vectorised).
    time_limit : float, optional
        Seconds for the network runs. "potts" starts runs one after another while time remains
        (at most ``replicas`` if given) and starts none that would not finish in time (at least
        one always runs); "hopfield-tank" integrates its ``replicas`` runs together and stops at
        the limit. Polishing is not counted (see ``polish_time``).
    rng : int, Generator or None

    Returns
    -------
    TSPResult

    Examples
    --------
    >>> import numpy as np, hopfield as hf
    >>> xy = np.random.default_rng(0).random((8, 2))
    >>> res = hf.optimize.solve_tsp(xy, polish="2opt", rng=0)
    >>> res.valid, res.polished_length <= res.length
    (True, True)

    References
    ----------
    Hopfield & Tank, Biol. Cybern. 52:141 (1985); Peterson & Söderberg, Int. J. Neural Syst.
    1:3 (1989); Theory reference §6.
    """
    if (coords is None) == (distances is None):
        raise ValueError("Give exactly one of `coords` (n_cities, 2) or `distances` (n_cities, n_cities).")
    if coords is not None:
        c = check_finite_array(coords, "coords", ndim=2)
        if c.shape[1] != 2:
            raise ValueError(f"`coords` must have shape (n_cities, 2); got {c.shape}.")
        if c.shape[0] < 3:
            raise ValueError(f"`coords` has {c.shape[0]} cities; a tour needs at least 3.")
        diff = c[:, None, :] - c[None, :, :]
        d = np.sqrt(np.sum(diff * diff, axis=-1))
    else:
        d = _check_distances(distances)
    if isinstance(method, str):
        check_option(method, "method", METHODS)
        meth = METHODS[method]()
    elif isinstance(method, AbstractTSPMethod):
        meth = method
    else:
        raise TypeError(f"`method` must be one of {sorted(METHODS)} or an AbstractTSPMethod instance; "
                        f"got {type(method).__name__}.")
    if polish is not None:
        check_option(polish, "polish", POLISHES)
    if replicas is not None:
        check_budget(replicas, "replicas")
    if time_limit is not None:
        check_scalar(time_limit, "time_limit", numbers.Real, min_val=0.0, include_min=False)
    gen = check_rng(rng)
    meth.compile()  # before the clock starts: the time limit is for the network, not for Numba
    _k().tour_length(np.arange(4), d[:4, :4])
    if polish is not None:
        _local_search(np.arange(4), np.ascontiguousarray(d[:4, :4]), polish)

    t0 = time.perf_counter()
    n_runs = meth.default_replicas if replicas is None else int(replicas)
    if time_limit is None:
        deadline = np.inf
    else:
        deadline = t0 + float(time_limit)
        if isinstance(meth, PottsMeanField) and replicas is None:
            n_runs = 1_000_000  # keep starting runs until the time is used
    runs = meth.run(d, int(n_runs), gen, deadline)
    network_time = time.perf_counter() - t0

    lengths = np.array([np.nan if t is None else _k().tour_length(t, d) for t in runs.tours])
    ok = np.isfinite(lengths)
    k_best = int(np.nanargmin(lengths)) if ok.any() else 0
    tour = runs.tours[k_best] if ok.any() else None
    length = float(lengths[k_best]) if ok.any() else float("nan")

    polished, p_len, polish_time = None, float("nan"), 0.0
    if polish is not None and ok.any():
        t1 = time.perf_counter()
        seen = set()
        for t in (runs.tours[r] for r in np.flatnonzero(ok)):
            key = t.tobytes()
            if key in seen:
                continue
            seen.add(key)
            s = t.copy()
            _local_search(s, d, polish)
            ls = _k().tour_length(s, d)
            if polished is None or ls < p_len:
                polished, p_len = _canonical(s), float(ls)
        polish_time = time.perf_counter() - t1

    n_done = len(runs.tours)
    msg = f"{meth.name}: {int(ok.sum())}/{n_done} runs gave a valid tour; {runs.note}."
    if tour is not None:
        msg += f" Best network tour {length:.6g}"
        if polished is not None:
            msg += f", after {polish} {p_len:.6g}"
        msg += "."
    else:
        msg += " No valid tour: the network did not settle on a permutation matrix."
    return TSPResult(
        tour=tour,
        length=length,
        valid=bool(ok.any()),
        polished_tour=polished,
        polished_length=p_len,
        V=np.array(runs.V[k_best]),
        energy_trace=np.asarray(runs.traces[k_best], dtype=float),
        run_lengths=lengths,
        valid_rate=float(ok.mean()),
        threshold_valid_rate=float(np.mean(runs.threshold_valid)),
        n_runs=n_done,
        method=meth.name,
        polish=polish,
        network_time=network_time,
        polish_time=polish_time,
        message=msg,
    )


# --------------------------------------------------------------------------------------------
# validation


def _check_distances(distances) -> np.ndarray:
    d = check_finite_array(distances, "distances", ndim=2)
    if d.shape[0] != d.shape[1]:
        raise ValueError(f"`distances` must be square (n_cities, n_cities); got shape {d.shape}.")
    if d.shape[0] < 3:
        raise ValueError(f"`distances` has {d.shape[0]} cities; a tour needs at least 3.")
    if np.any(d < 0):
        raise ValueError(f"`distances` must be non-negative; found {float(d.min()):.6g}.")
    if np.any(np.diag(d) != 0):
        raise ValueError("`distances` must have a zero diagonal (distance of a city to itself).")
    if not np.allclose(d, d.T, rtol=1e-12, atol=0.0):
        worst = float(np.max(np.abs(d - d.T)))
        raise ValueError(f"`distances` must be symmetric; max |d_ij - d_ji| = {worst:.3g}.")
    return np.ascontiguousarray(d)


def _check_tour(tour, n: int, *, name: str = "tour", against: str = "distances") -> np.ndarray:
    """``tour`` as a new int64 permutation of 0..n-1 (``n`` cities, from the argument ``against``)."""
    t = as_real_array(tour, name)
    if t.ndim != 1 or t.shape[0] != n:
        raise ValueError(f"`{name}` must have shape ({n},) to match `{against}`; got {t.shape}.")
    if not np.issubdtype(t.dtype, np.integer):
        raise TypeError(f"`{name}` must hold integers; got dtype {t.dtype}.")
    if not np.array_equal(np.sort(t), np.arange(n)):
        raise ValueError(f"`{name}` must be a permutation of 0..{n - 1}.")
    return np.array(t, dtype=np.int64)

