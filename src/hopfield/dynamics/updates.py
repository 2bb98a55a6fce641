r"""Update schedules of the classical network: asynchronous, sequential and synchronous.

Each schedule runs a batch of ±1 states under weights ``W`` and thresholds ``θ`` (bipolar space)
at zero temperature (deterministic sign updates of :math:`h_i = \sum_j w_{ij}s_j - \theta_i`, with
an explicit tie rule) or at temperature :math:`T` with Glauber (heat-bath) updates

.. math:: P(s_i=+1) = \frac{1}{1+e^{-2\tilde h_i/T}}, \qquad \tilde h_i = h_i - w_{ii}s_i,

the conditional Boltzmann law of :math:`s_i` given the other neurons (THEORY.md §1, §4). The
self-coupling drops out because :math:`s_i^2 = 1` makes it a constant in E; at T = 0 the sign
rule keeps it (a positive :math:`w_{ii}` stabilises the current state).

Stationary laws at T > 0 (symmetric W): asynchronous updates, in any order, leave the Boltzmann
law :math:`P(s) \propto e^{-E(s)/T}` stationary. Synchronous updates (Little's model) do not: their
chain is reversible with respect to Peretto's law
:math:`\pi(s) \propto e^{-\theta^\top s/T}\prod_i \cosh(\tilde h_i(s)/T)` (P. Peretto,
Biol. Cybern. 50:51, 1984), which differs from Boltzmann's (tests/test_glauber.py checks both
against the exact transition matrices).

Convergence (Bruck 1990): asynchronous updates with symmetric W and :math:`w_{ii} \ge 0` never
raise :math:`E(s) = -\tfrac12 s^\top W s + \theta^\top s` and end at a fixed point; synchronous
updates with symmetric W end at a fixed point or a 2-cycle (Goles' Lyapunov function
:math:`L(t) = -s(t)^\top W s(t-1) + \theta^\top (s(t) + s(t-1))` never increases).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

import numpy as np

# below this batch size the thread pool's start-up costs more than the parallel sweeps save
_PARALLEL_MIN_BATCH = 8

__all__ = ["UPDATES", "AbstractUpdate", "Asynchronous", "Coupling", "RawRecall", "Synchronous"]


@dataclass(frozen=True)
class Coupling:
    r"""Weights with what every run needs from them, computed once per weight matrix.

    Attributes
    ----------
    w : ndarray (N, N)
        Weights (bipolar space).
    wt : ndarray (N, N)
        C-contiguous Wᵀ (``w`` itself when W is symmetric): row i is column i of W.
    diag : ndarray (N,)
        Self-couplings :math:`w_{ii}`.
    symmetric : bool
        Whether W equals Wᵀ exactly.
    eps : ndarray (N,)
        Tie tolerance per neuron: a field with :math:`|h_i| \le \epsilon_i` is a tie.
    """

    w: np.ndarray
    wt: np.ndarray
    diag: np.ndarray
    symmetric: bool
    eps: np.ndarray

    @classmethod
    def build(cls, w: np.ndarray, theta: np.ndarray, tie_rtol: float) -> Coupling:
        """Precompute from clean float64 ``w`` and ``theta``."""
        symmetric = bool(np.array_equal(w, w.T))
        wt = w if symmetric else np.ascontiguousarray(w.T)
        eps = tie_rtol * (np.abs(w).sum(axis=1) + np.abs(theta))
        return cls(w, wt, np.ascontiguousarray(np.diag(w)), symmetric, eps)


@dataclass
class RawRecall:
    """What a schedule returns (bipolar space); the network turns it into a RecallResult."""

    states: np.ndarray
    converged: np.ndarray
    sweeps: np.ndarray
    cycle_length: np.ndarray
    energy: np.ndarray
    flips: np.ndarray
    trace: np.ndarray | None


class AbstractUpdate(abc.ABC):
    """An update schedule.

    Contract for :meth:`run`: inputs are clean (``states`` int8 (batch, N), a private copy that may
    be overwritten; ``w`` float64 (N, N); ``betas`` one inverse temperature per sweep, ``inf`` for
    zero temperature; ``field(S)`` returns :math:`S W^\top - \theta` for int8 states, possibly
    through a cheaper factorised form); the returned energies are in bipolar units.
    """

    #: whether this schedule provably never raises the energy (symmetric W, w_ii >= 0, T = 0)
    descends_energy: bool = False

    @abc.abstractmethod
    def run(self, coupling, theta, field, states, clamp, tie_code, betas, rng, track) -> RawRecall:
        """Run up to ``len(betas)`` sweeps."""


def _energy_from_field(theta, s, h):
    """E = -½ sᵀWs + θᵀs from the field h = Ws - θ, without another matrix product."""
    s = s.astype(np.float64)
    return -0.5 * np.einsum("bi,bi->b", s, h + theta) + s @ theta


class Asynchronous(AbstractUpdate):
    """One neuron at a time, in a new random order each sweep or in the fixed order 0..N-1."""

    descends_energy = True

    def __init__(self, order: str = "random"):
        self.order = order  # "random" or "fixed"; the Numba kernels are imported on first run

    def run(self, coupling, theta, field, states, clamp, tie_code, betas, rng, track):
        from ._kernels import ORDER_FIXED, ORDER_RANDOM, async_sweeps, async_sweeps_serial

        batch = states.shape[0]
        fields = field(states)
        energies = _energy_from_field(theta, states, fields)
        trace = np.zeros((batch, len(betas) + 1)) if track else np.zeros((batch, 0))
        seeds = rng.integers(0, 2**63, size=batch, dtype=np.uint64)
        sweeps = np.zeros(batch, dtype=np.int64)
        converged = np.zeros(batch, dtype=np.bool_)
        flips = np.zeros(batch, dtype=np.int64)
        order = ORDER_RANDOM if self.order == "random" else ORDER_FIXED
        kernel = async_sweeps if batch >= _PARALLEL_MIN_BATCH else async_sweeps_serial
        kernel(
            coupling.wt, theta, coupling.eps, coupling.diag, states, fields, clamp, order,
            tie_code, betas, seeds, energies, trace, sweeps, converged, flips,
        )
        if not coupling.symmetric:
            # ΔE from the field is exact only for symmetric W: recompute the final energy.
            energies = _energy_from_field(theta, states, field(states))
            if track:
                trace[:] = np.nan
                trace[:, -1] = energies
        cycle = converged.astype(np.int64)
        return RawRecall(states, converged, sweeps, cycle, energies, flips, trace)


class Synchronous(AbstractUpdate):
    """All neurons at once: :math:`s(t+1) = \\mathrm{sgn}(W s(t) - \\theta)`, with 2-cycle detection.

    At T > 0 every neuron is redrawn at once from its conditional heat-bath law given s(t)
    (module docstring); the stationary law is Peretto's, not Boltzmann's.
    """

    descends_energy = False  # it descends Goles' two-step Lyapunov function, not E

    def run(self, coupling, theta, field, states, clamp, tie_code, betas, rng, track):
        eps = coupling.eps
        batch = states.shape[0]
        s = states
        prev = np.zeros_like(s)
        has_prev = False
        active = np.ones(batch, dtype=bool)
        converged = np.zeros(batch, dtype=bool)
        cycle = np.zeros(batch, dtype=np.int64)
        sweeps = np.full(batch, len(betas), dtype=np.int64)
        flips = np.zeros(batch, dtype=np.int64)
        trace = np.zeros((batch, len(betas) + 1)) if track else None
        h = field(s)
        energy = _energy_from_field(theta, s, h)
        if track:
            trace[:, 0] = energy
        for t, beta in enumerate(betas):
            idx = np.flatnonzero(active)
            if idx.size == 0:
                if track:
                    trace[:, t + 1:] = energy[:, None]
                break
            hs, ss = h[idx], s[idx]
            if np.isinf(beta):
                tie = ss if tie_code == 0 else np.ones_like(ss)
                new = np.where(hs > eps, 1, np.where(hs < -eps, -1, tie)).astype(np.int8)
            else:
                # each neuron's conditional Boltzmann law: field without w_ii s_i (see class doc)
                p = 0.5 * (1.0 + np.tanh(beta * (hs - coupling.diag * ss)))
                new = np.where(rng.random(hs.shape) < p, 1, -1).astype(np.int8)
            new = np.where(clamp[idx], ss, new)
            changed = np.count_nonzero(new != ss, axis=1)
            flips[idx] += changed
            if np.isinf(beta):
                fixed = changed == 0
                two = np.all(new == prev[idx], axis=1) & ~fixed if has_prev else np.zeros_like(fixed)
            else:
                fixed = two = np.zeros(idx.size, dtype=bool)
            prev[idx] = ss
            s[idx] = new
            h[idx] = field(new)
            energy[idx] = _energy_from_field(theta, new, h[idx])
            if track:
                trace[:, t + 1] = energy
            done = fixed | two
            converged[idx[fixed]] = True
            cycle[idx[fixed]] = 1
            cycle[idx[two]] = 2
            sweeps[idx[done]] = t + 1
            active[idx[done]] = False
            has_prev = True
        return RawRecall(s, converged, sweeps, cycle, energy, flips, trace)


UPDATES: dict[str, AbstractUpdate] = {
    "async": Asynchronous("random"),
    "sequential": Asynchronous("fixed"),
    "sync": Synchronous(),
}
