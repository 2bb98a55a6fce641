r"""Minimisers of Ising / QUBO energies built on Hopfield dynamics.

Every method runs many seeded replicas at once (a Numba kernel over CSR couplings, parallel over
replicas) and finishes each with a 1-flip descent, so every returned state is a local minimum:
no single spin flip lowers the energy. Methods (:data:`METHODS`):

``"metropolis"`` (default)
    Simulated annealing in Hopfield form with Metropolis flips: spin i flips when
    :math:`\Delta H = 2 s_i f_i \le 0` (:math:`f = Js + h`), else with probability
    :math:`e^{-\beta\Delta H}`; the inverse temperature rises geometrically over the sweeps.
    At :math:`\beta\to\infty` this is the asynchronous Hopfield update.
``"glauber"``
    The same annealing with stochastic Glauber (heat-bath) updates
    :math:`P(s_i=+1) = 1/(1+e^{-2\beta f_i})` (Theory reference §4, the Boltzmann-machine form).
    Per sweep it accepts fewer uphill moves and needs an exponential per update, so it reaches
    slightly worse cuts than Metropolis at equal time (BENCHMARKS.md).
``"mean-field"``
    The graded-response network with annealed gain (mean-field annealing):
    :math:`m_i \leftarrow \tanh(\beta f_i(m))`, β rising; then :math:`\mathrm{sgn}(m)`.
``"descent"``
    Plain random-restart Hopfield descent (zero temperature), the naive baseline.

Couplings are normalised by the problem scale :math:`\sigma = \sqrt{\tfrac1n\sum_{ij}J_{ij}^2
+ \tfrac1n\sum_i h_i^2}` (the typical local field of a random state), so ``beta_range`` is in
units of :math:`1/\sigma` and the defaults carry across instances. With the default range the
cold end is also at least :math:`\ln 10 / (2 J_{\text{small}})`, :math:`J_{\text{small}}` the
10th percentile of the non-zero :math:`|J_{ij}|`: by the last sweep, a flip that breaks one small
coupling is accepted with probability at most 1/10 (this matters for QUBOs with widely spread
weights, where σ is set by the large ones).

References
----------
J. J. Hopfield, PNAS 79:2554 (1982); Kirkpatrick, Gelatt & Vecchi, Science 220:671 (1983);
C. Peterson & J. R. Anderson, Complex Systems 1:995 (1987) (mean-field annealing); Theory reference §4, §6.
"""

from __future__ import annotations

import abc
import numbers
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._results import SummaryRepr
from .._validation import check_budget, check_rng, check_scalar
from .ising import QUBO, IsingModel

__all__ = ["METHODS", "AbstractMethod", "Annealing", "OptimizeResult", "solve_ising", "solve_qubo"]

_DEFAULT_STEPS = 1000
_DEFAULT_REPLICAS = 8
_CALIBRATION_STEPS = 64
_MIN_STEPS = 32
_MAX_ROUND_STEPS = 5000


@dataclass(frozen=True, repr=False)
class OptimizeResult(SummaryRepr):
    """Outcome of :func:`solve_ising`, :func:`solve_qubo` or :func:`~hopfield.optimize.solve_maxcut`.

    Attributes
    ----------
    x : ndarray of int8, shape (n,)
        Best state found, in the problem's own variables: ±1 spins for Ising and max-cut
        (the partition), 0/1 for a QUBO.
    value : float
        Objective of ``x`` in the problem's own terms: H(s) for Ising, :math:`x^\\top Qx + c` for
        a QUBO (both minimised), the cut weight for max-cut (maximised).
    energy : float
        Ising energy :math:`H(s) = -\\tfrac12 s^\\top Js - h^\\top s + c` of the best state
        (for max-cut :math:`E = \\tfrac12 s^\\top A s`, and ``value = ¼ΣA − ½E``).
    replica_values : ndarray of float
        ``value`` of every replica run (all rounds), each a local minimum.
    trace_time : ndarray of float
        Seconds since the start at the end of each round.
    trace_sweeps : ndarray of int
        Sweeps done so far, summed over replicas, at the end of each round (for ``"descent"``,
        which runs each restart to its local minimum, the number of restarts).
    trace_value : ndarray of float
        Best ``value`` so far at the end of each round.
    method : str
    steps : int
        Sweeps per replica in the last round (annealing length; 0 for ``"descent"``).
    n_replicas : int
        Replicas run in total.
    elapsed : float
        Wall time in seconds.
    sense : {"min", "max"}
        Whether ``value`` is minimised or maximised.
    message : str
    """

    x: np.ndarray
    value: float
    energy: float
    replica_values: np.ndarray
    trace_time: np.ndarray
    trace_sweeps: np.ndarray
    trace_value: np.ndarray
    method: str
    steps: int
    n_replicas: int
    elapsed: float
    sense: str
    message: str

    @property
    def success(self) -> bool:
        """Always True: every returned state is a 1-flip local minimum."""
        return True

    @property
    def cut(self) -> float:
        """Max-cut only: the cut weight (same as ``value``)."""
        if self.sense != "max":
            raise AttributeError("`cut` exists only for max-cut results; use `value`.")
        return self.value

    @property
    def partition(self) -> np.ndarray:
        """Max-cut only: the ±1 side of each node (same as ``x``)."""
        if self.sense != "max":
            raise AttributeError("`partition` exists only for max-cut results; use `x`.")
        return self.x


class AbstractMethod(abc.ABC):
    """A replica-parallel minimiser of :math:`H(s) = -\\tfrac12 s^\\top Js - h^\\top s`.

    Contract: ``run(csr, h, steps, seeds, eps, beta_range, sigma)`` returns ``(states, energies)``
    for ``len(seeds)`` replicas, each state a 1-flip local minimum, energies without the offset.
    """

    name: str = "abstract"
    uses_steps: bool = True
    #: (β_start, β_end) in units of the coupling scale, used when the caller gives none
    default_beta_range: tuple[float, float] = (1.0, 1.0)

    @abc.abstractmethod
    def run(self, csr, h, steps, seeds, eps, beta_range, sigma):
        """Run ``len(seeds)`` replicas; see the class docstring."""


def _betas(steps: int, beta_range, sigma: float) -> np.ndarray:
    b0, b1 = beta_range
    return np.geomspace(b0 / sigma, b1 / sigma, steps)


class Annealing(AbstractMethod):
    """Annealing over a geometric β schedule with one of the Numba kernels (see the module docstring).

    The three annealers differ only in their kernel and default β range, so each is an instance
    of this class; the kernel is looked up by name in :mod:`hopfield.optimize._kernels` on first use
    (Numba compiles there, not at import).
    """

    def __init__(self, name: str, kernel: str, default_beta_range: tuple[float, float]):
        self.name = name
        self.kernel = kernel
        self.default_beta_range = default_beta_range

    def run(self, csr, h, steps, seeds, eps, beta_range, sigma):
        from . import _kernels

        states = np.empty((seeds.shape[0], h.shape[0]), dtype=np.int8)
        energies = np.empty(seeds.shape[0])
        getattr(_kernels, self.kernel)(csr.indptr, csr.indices, csr.data, h,
                                       _betas(steps, beta_range, sigma), seeds, eps, states, energies)
        return states, energies


class Descent(AbstractMethod):
    """Random-restart zero-temperature Hopfield descent (the naive baseline)."""

    name = "descent"
    uses_steps = False
    default_beta_range = (1.0, 1.0)

    def run(self, csr, h, steps, seeds, eps, beta_range, sigma):
        from . import _kernels

        states = np.empty((seeds.shape[0], h.shape[0]), dtype=np.int8)
        energies = np.empty(seeds.shape[0])
        _kernels.random_descent(csr.indptr, csr.indices, csr.data, h, seeds, eps, states, energies)
        return states, energies


#: method name -> minimiser
METHODS: dict[str, AbstractMethod] = {
    m.name: m
    for m in (
        Annealing("metropolis", "metropolis_anneal", (0.2, 5.0)),  # Metropolis single-spin flips
        Annealing("glauber", "glauber_anneal", (0.2, 10.0)),  # heat-bath updates
        Annealing("mean-field", "mean_field_anneal", (0.2, 6.0)),  # annealed-gain graded network
        Descent(),
    )
}


def _resolve_method(method) -> AbstractMethod:
    if isinstance(method, AbstractMethod):
        return method
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"`method` must be one of {', '.join(map(repr, METHODS))} or an "
                         f"AbstractMethod; got {method!r}.")
    return METHODS[method]


def _csr(model: IsingModel):
    j = model._J
    csr = sp.csr_array(j, copy=True)
    csr.sum_duplicates()
    csr.sort_indices()
    return sp.csr_array((np.ascontiguousarray(csr.data, dtype=np.float64),
                         np.ascontiguousarray(csr.indices, dtype=np.int64),
                         np.ascontiguousarray(csr.indptr, dtype=np.int64)), shape=csr.shape)


def _check_budget(steps, time_limit, replicas, beta_range, method: AbstractMethod):
    if steps is not None:
        check_budget(steps, "steps")
    if time_limit is not None:
        check_scalar(time_limit, "time_limit", numbers.Real, min_val=0.0, include_min=False)
    if replicas is None:
        replicas = _DEFAULT_REPLICAS
    check_budget(replicas, "replicas")
    if beta_range is None:
        beta_range = method.default_beta_range
    try:
        b0, b1 = (float(b) for b in beta_range)
    except (TypeError, ValueError):
        raise TypeError(f"`beta_range` must be a pair (beta_hot, beta_cold); got {beta_range!r}."
                        ) from None
    if not (np.isfinite(b0) and np.isfinite(b1) and 0 < b0 <= b1):
        raise ValueError(f"`beta_range` must satisfy 0 < beta_hot <= beta_cold; got {beta_range!r}.")
    return int(replicas), (b0, b1)


def _minimise(model: IsingModel, *, method, steps, time_limit, replicas, beta_range, rng,
              to_value, sense: str, to_x) -> OptimizeResult:
    """Shared driver: rounds of ``replicas`` replicas until the budget is spent."""
    meth = _resolve_method(method)
    default_range = beta_range is None
    replicas, beta_range = _check_budget(steps, time_limit, replicas, beta_range, meth)
    gen = check_rng(rng)
    csr = _csr(model)
    h = np.ascontiguousarray(model._h, dtype=np.float64)
    n = model.n
    sigma = float(np.sqrt((np.sum(csr.data**2) + np.sum(h**2)) / n))
    if sigma == 0.0:
        sigma = 1.0
    eps = 1e-9 * sigma
    if default_range and csr.nnz:
        # cold end: a flip that breaks one small coupling (10th percentile of |J|) must be
        # accepted with probability <= 1/10 by the last sweep
        small = float(np.quantile(np.abs(csr.data), 0.1))
        if small > 0:
            beta_range = (beta_range[0], max(beta_range[1], sigma * np.log(10.0) / (2.0 * small)))

    t0 = time.perf_counter()
    best_s, best_e = None, np.inf
    values, tt, tsw, tv = [], [], [], []
    total_sweeps = 0
    cur_steps = steps if steps is not None else (
        _DEFAULT_STEPS if time_limit is None else _CALIBRATION_STEPS)
    rounds = 0
    while True:
        seeds = gen.integers(0, 2**63 - 1, size=replicas, dtype=np.int64).astype(np.uint64)
        t_round = time.perf_counter()
        states, energies = meth.run(csr, h, cur_steps, seeds, eps, beta_range, sigma)
        round_time = time.perf_counter() - t_round
        rounds += 1
        k = int(np.argmin(energies))
        if energies[k] < best_e:
            best_e, best_s = float(energies[k]), states[k].copy()
        values.append(to_value(energies + model.offset))
        total_sweeps += replicas * (cur_steps if meth.uses_steps else 1)
        now = time.perf_counter() - t0
        tt.append(now)
        tsw.append(total_sweeps)
        tv.append(float(to_value(best_e + model.offset)))
        if time_limit is None:
            break
        remaining = time_limit - now
        if steps is None and meth.uses_steps:
            # the first short round measures the cost of a sweep; the next ones anneal as long
            # as the remaining time allows, up to _MAX_ROUND_STEPS (beyond a few thousand
            # sweeps, more replicas find the optimum more often than longer anneals: on G11 a
            # replica reaches 564 with p ≈ 0.19 after 5000 sweeps and 0.25 after 20000)
            per_step = round_time / cur_steps
            fit = int(0.85 * remaining / per_step) if per_step > 0 else 2 * cur_steps
            if fit < _MIN_STEPS:
                break
            cur_steps = min(fit, _MAX_ROUND_STEPS)
        elif remaining < round_time:
            break
    elapsed = time.perf_counter() - t0
    all_values = np.concatenate(values)
    best_value = float(to_value(best_e + model.offset))
    length = f"{cur_steps} sweeps in the last" if meth.uses_steps else "each to a local minimum"
    msg = f"{rounds} round(s) of {replicas} replicas, {length}; best of {all_values.size} local minima"
    return OptimizeResult(
        x=to_x(best_s), value=best_value, energy=float(best_e + model.offset),
        replica_values=all_values, trace_time=np.array(tt), trace_sweeps=np.array(tsw),
        trace_value=np.array(tv), method=meth.name, steps=int(cur_steps) if meth.uses_steps else 0,
        n_replicas=int(all_values.size), elapsed=elapsed, sense=sense, message=msg,
    )


def _identity(v):
    return v


def _as_spins(s):
    return np.asarray(s, dtype=np.int8)


def solve_ising(model: IsingModel, *, method="metropolis", steps: int | None = None,
                time_limit: float | None = None, replicas: int | None = None, beta_range=None,
                rng=None) -> OptimizeResult:
    r"""Minimise :math:`H(s) = -\tfrac12 s^\top Js - h^\top s + c` with Hopfield dynamics.

    Parameters
    ----------
    model : IsingModel
    method : {"metropolis", "glauber", "mean-field", "descent"} or AbstractMethod, \
default="metropolis"
        See :data:`METHODS` and the module docstring.
    steps : int, optional
        Sweeps per replica (annealing length). Default 1000 without ``time_limit``; with a
        ``time_limit`` and no ``steps``, a first round of 64 sweeps measures the cost of a sweep
        and the following rounds anneal as long as the remaining time allows, at most 5000
        sweeps each (then new replicas start).
    time_limit : float, optional
        Seconds; rounds of ``replicas`` new replicas run until it is spent (at least one round).
        Without it a single round runs and the result is reproducible from ``rng``.
    replicas : int, default=8
        Replicas per round (run in parallel over the CPU cores).
    beta_range : (float, float), optional
        Inverse temperatures (gains) at the first and last sweep, in units of :math:`1/\sigma`
        (module docstring), used as given. Without it: (0.2, 5) for "metropolis", (0.2, 10) for
        "glauber", (0.2, 6) for "mean-field", with the cold end raised where small couplings
        need it (module docstring).
    rng : int or numpy.random.Generator, optional

    Returns
    -------
    OptimizeResult
        ``x`` ±1 spins, ``value`` = ``energy`` = H(x).

    Examples
    --------
    >>> import numpy as np
    >>> from hopfield.optimize import IsingModel, solve_ising
    >>> J = -np.ones((4, 4)) + np.eye(4)          # antiferromagnet on K4
    >>> r = solve_ising(IsingModel(J), steps=50, replicas=4, rng=0)
    >>> r.value, int(abs(r.x.sum()))
    (-2.0, 0)
    """
    if not isinstance(model, IsingModel):
        raise TypeError(f"`model` must be an IsingModel; got {type(model).__name__}. "
                        "Use solve_qubo for a QUBO or solve_maxcut for a graph.")
    return _minimise(model, method=method, steps=steps, time_limit=time_limit, replicas=replicas,
                     beta_range=beta_range, rng=rng, to_value=_identity, sense="min",
                     to_x=_as_spins)


def solve_qubo(qubo: QUBO, *, method="metropolis", steps: int | None = None,
               time_limit: float | None = None, replicas: int | None = None, beta_range=None,
               rng=None) -> OptimizeResult:
    r"""Minimise :math:`x^\top Q x + c` over :math:`x \in \{0,1\}^n` through its exact Ising form.

    Same options as :func:`solve_ising`. A NumPy or SciPy matrix is accepted in place of a
    :class:`QUBO` (it must be symmetric; wrap it as ``QUBO(Q, symmetrize=True)`` otherwise).

    Returns
    -------
    OptimizeResult
        ``x`` 0/1, ``value`` = :math:`x^\top Q x + c`; ``energy`` is the Ising energy (equal).

    Examples
    --------
    >>> import numpy as np
    >>> from hopfield.optimize import QUBO, solve_qubo
    >>> r = solve_qubo(QUBO(np.array([[-1.0, 2.0], [2.0, -1.0]])), steps=20, replicas=2, rng=0)
    >>> r.value, int(r.x.sum())
    (-1.0, 1)
    """
    if not isinstance(qubo, QUBO):
        try:
            qubo = QUBO(qubo)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"`qubo` must be a QUBO or its matrix Q: {exc}") from None
    ising = qubo.to_ising()
    return _minimise(ising, method=method, steps=steps, time_limit=time_limit, replicas=replicas,
                     beta_range=beta_range, rng=rng, to_value=_identity, sense="min",
                     to_x=_spins_to_binary)


def _spins_to_binary(s):
    return ((np.asarray(s, dtype=np.int8) + 1) // 2).astype(np.int8)
