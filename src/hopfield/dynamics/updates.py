r"""Update schedules of the classical network: asynchronous, sequential and synchronous.

Each schedule runs a batch of ±1 states under weights ``W`` and thresholds ``θ`` (bipolar space)
at zero temperature (deterministic sign updates of :math:`h_i = \sum_j w_{ij}s_j - \theta_i`, with
an explicit tie rule) or at temperature :math:`T` with Glauber (heat-bath) updates

.. math:: P(s_i=+1) = \frac{1}{1+e^{-2\tilde h_i/T}}, \qquad \tilde h_i = h_i - w_{ii}s_i,

the conditional Boltzmann law of :math:`s_i` given the other neurons (Theory reference §1, §4). The
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

from .coupling import Coupling, choose_form, exact_product

# below this batch size the thread pool's start-up costs more than the parallel sweeps save
_PARALLEL_MIN_BATCH = 8
# most probes per block of the fixed-order weight-form kernel: at N = 4000, P = 200 (K of 32 MB)
# a sequential recall took 361 µs per probe in blocks of 1, 264 in blocks of 32, 214 in blocks
# of 128 and no less beyond; at N = 2000 the same with any block (measured on 2 cores, one thread)
_BLOCK_PROBES = 128

__all__ = ["UPDATES", "AbstractUpdate", "Asynchronous", "Coupling", "RawRecall", "Synchronous"]


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
    be overwritten; ``coupling`` a :class:`~hopfield.dynamics.coupling.Coupling`, whose weights,
    thresholds ``coupling.theta``, tolerances and fields are in kernel units, real ones being
    ``coupling.scale`` times them; ``theta`` the real bipolar thresholds; ``betas`` one inverse
    temperature per sweep, ``inf`` for zero temperature; ``field(S)`` returns
    :math:`S W^\top - \theta` in kernel units for int8 states, possibly through a cheaper
    factorised form); the returned energies are in real bipolar units.
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
        from .._validation import check_option

        self.order = check_option(order, "order", ("random", "fixed"))  # kernels load on first run

    def run(self, coupling, theta, field, states, clamp, tie_code, betas, rng, track):
        batch = states.shape[0]
        if coupling.integer and coupling.pattern_form_certain(batch):
            form, fields = "patterns", None
            overlaps, energies = coupling.start_overlaps(states)
        elif coupling.integer:
            fields, overlaps, energies, unstable = coupling.start(states)
            form = choose_form(coupling, unstable, batch)
        else:
            form, fields, overlaps = "weights", field(states), None
            energies = _energy_from_field(coupling.theta, states, fields)
        trace = np.zeros((batch, len(betas) + 1)) if track else np.zeros((batch, 0))
        seeds = rng.integers(0, 2**63, size=batch, dtype=np.uint64)
        sweeps, converged, flips = async_kernel(
            coupling, form, fields, overlaps, states, clamp, self.order, tie_code, betas, seeds,
            energies, trace,
        )
        if not coupling.symmetric:
            # ΔE from the field is exact only for symmetric W: recompute the final energy.
            energies = _energy_from_field(coupling.theta, states, field(states))
            if track:
                trace[:] = np.nan
                trace[:, -1] = energies
        cycle = converged.astype(np.int64)
        scale = coupling.scale
        return RawRecall(states, converged, sweeps, cycle, scale * energies, flips,
                         scale * trace if track else trace)


def async_kernel(coupling, form, fields, overlaps, states, clamp, order, tie_code, betas, seeds,
                 energies, trace, group=None, block_probes=None):
    """Run the asynchronous kernel in ``form`` ("weights" or "patterns") on ``states`` in place.

    Clean input, kernel units: ``fields`` (weight form) or the int64 ``overlaps`` Ξs (pattern
    form; computed here if None) must be current and ``energies`` hold the initial energies;
    energies and ``trace`` are updated. Returns (sweeps, converged, flips). ``group`` (pattern
    form) assigns each probe to one network of a stacked ``coupling.patterns_t`` (G, N, P) with
    thresholds ``coupling.theta`` (G, N): one kernel call for many networks (capacity scans).
    In the fixed order the weight form runs blocks of ``block_probes`` probes at once (one read of
    a weight column per block; the same results as one probe at a time; default: up to
    ``_BLOCK_PROBES``, at least two blocks per thread).
    """
    from . import _kernels as k

    batch = states.shape[0]
    sweeps = np.zeros(batch, dtype=np.int64)
    converged = np.zeros(batch, dtype=np.bool_)
    flips = np.zeros(batch, dtype=np.int64)
    order_code = k.ORDER_RANDOM if order == "random" else k.ORDER_FIXED
    parallel = batch >= _PARALLEL_MIN_BATCH
    if form == "patterns":
        xt = coupling.patterns_t
        xt3 = xt if xt.ndim == 3 else xt[None]
        theta = coupling.theta if coupling.theta.ndim == 2 else coupling.theta[None]
        if group is None:
            group = np.zeros(batch, dtype=np.int64)
        if overlaps is None:
            overlaps = np.empty((batch, xt3.shape[2]), dtype=np.int64)
            for g in np.unique(group):
                rows = np.flatnonzero(group == g)
                overlaps[rows] = exact_product(states[rows], xt3[g], xt3.shape[1])
        kernel = k.async_sweeps_patterns if parallel else k.async_sweeps_patterns_serial
        wself = float(coupling.diag[0]) if coupling.diag.size else 0.0
        kernel(xt3, theta, group, coupling.cdiag, wself, coupling.scale, states, overlaps, clamp,
               order_code, tie_code, betas, seeds, energies, trace, sweeps, converged, flips)
    else:
        h = np.ascontiguousarray(fields, dtype=coupling.sweep_field_dtype())
        if order_code == k.ORDER_FIXED and parallel:  # one column read per block of probes
            if block_probes is None:  # as large as helps, and at least two blocks per thread
                import numba

                block_probes = min(_BLOCK_PROBES, -(-batch // (2 * numba.get_num_threads())))
            k.sequential_sweeps_blocked(coupling.weights_t(), coupling.eps, coupling.diag,
                                        coupling.scale, states, h, clamp, tie_code, betas, seeds,
                                        energies, trace, sweeps, converged, flips, block_probes)
        else:
            kernel = k.async_sweeps if parallel else k.async_sweeps_serial
            kernel(coupling.weights_t(), coupling.eps, coupling.diag, coupling.scale, states, h,
                   clamp, order_code, tie_code, betas, seeds, energies, trace, sweeps, converged,
                   flips)
    return sweeps, converged, flips


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
        theta = coupling.theta  # kernel units, like the fields
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
                p = 0.5 * (1.0 + np.tanh(beta * coupling.scale * (hs - coupling.diag * ss)))
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
        scale = coupling.scale
        return RawRecall(s, converged, sweeps, cycle, scale * energy, flips,
                         None if trace is None else scale * trace)


UPDATES: dict[str, AbstractUpdate] = {
    "async": Asynchronous("random"),
    "sequential": Asynchronous("fixed"),
    "sync": Synchronous(),
}
