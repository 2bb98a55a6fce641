r"""Sequence memory: asymmetric weights that step through stored patterns.

**Synchronous sequence memory** (Amari 1972). Store the sequence :math:`\xi^1 \to \xi^2 \to \dots
\to \xi^L` with the asymmetric (hetero-associative) Hebb rule

.. math:: W^{a} = \frac1N \sum_{\mu} \xi^{\mu+1} \xi^{\mu\top}, \qquad w^a_{ii} = 0,

(indices modulo L for a cyclic sequence). On :math:`s = \xi^\nu` the field is
:math:`h = W^a \xi^\nu = \xi^{\nu+1} + \text{crosstalk}`, so one synchronous step
:math:`s(t+1) = \mathrm{sgn}(W^a s(t))` moves to the next pattern and a stored cycle of length L is
replayed with period L. Cycles are found by :func:`hopfield.dynamics.orbit` and reported with their
transient and period. W is not symmetric, so there is no energy: that is what lets it cycle.

**Symmetric + slow asymmetric couplings** (Sompolinsky & Kanter 1986; Kleinfeld 1986). Under
asynchronous updates the fast term must hold a pattern while a delayed term pushes to the next:

.. math:: h_i(t) = \sum_j J^{s}_{ij} s_j(t) + \lambda \sum_j J^{a}_{ij} \bar s_j(t), \qquad
          J^{s} = \frac1N\sum_\mu \xi^\mu\xi^{\mu\top}, \quad J^{a} = W^{a},

with :math:`\bar s(t) = s(t - \tau)` (a transmission delay, Sompolinsky & Kanter) or the low-pass
:math:`\bar s(t+1) = \bar s(t) + (s(t) - \bar s(t))/\tau` (slow synapses, Kleinfeld). In a pure
pattern with :math:`\bar s = s = \xi^\mu` the field is :math:`\xi^\mu_i + \lambda\xi^{\mu+1}_i`
(no crosstalk): where the two patterns differ the next one wins iff :math:`\lambda > 1`. So for
:math:`\lambda > 1` the network dwells in each pattern for about τ sweeps (until :math:`\bar s`
catches up) and then moves on; for :math:`\lambda < 1` it stays. Time is counted in sweeps (N
single-neuron updates); :math:`\bar s` is held fixed within a sweep.

References
----------
Theory reference §12 (docs/theory.md).
S. Amari, "Learning patterns and pattern sequences by self-organizing nets of threshold elements",
IEEE Trans. Computers C-21:1197–1206 (1972).
H. Sompolinsky & I. Kanter, "Temporal association in asymmetric neural networks", Phys. Rev.
Lett. 57:2861–2864 (1986).
D. Kleinfeld, "Sequential state generation by model neural networks", PNAS 83:9469–9473 (1986).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ._results import SummaryRepr
from ._validation import (
    check_bool,
    check_budget,
    check_option,
    check_patterns,
    check_rng,
    check_scalar,
    check_states,
)
from .classical import HopfieldNetwork
from .dynamics.orbits import orbit

__all__ = ["DelayedReplay", "SequenceMemory", "SequenceReplay"]

_MEMORY = ("delay", "exponential")


@dataclass(frozen=True, repr=False)
class SequenceReplay(SummaryRepr):
    """Outcome of :meth:`SequenceMemory.replay` (synchronous steps).

    Attributes
    ----------
    states : ndarray of int8, shape (n_steps + 1, n_neurons)
        The trajectory, cue first.
    overlaps : ndarray, shape (n_steps + 1, n_patterns)
        :math:`m_\\mu(t) = \\xi^\\mu \\cdot s(t) / N` for every stored pattern.
    pattern : ndarray of int, shape (n_steps + 1,)
        Index of the stored pattern each state matches (overlap ≥ ``match``), or −1.
    transient : int
        Steps before the orbit enters its cycle.
    period : int
        Length of the cycle (1 for a fixed point), 0 if none was found within ``max_steps``.
    cycle : ndarray of int8, shape (period, n_neurons)
        The states of the cycle.
    message : str
    """

    states: np.ndarray
    overlaps: np.ndarray
    pattern: np.ndarray
    transient: int
    period: int
    cycle: np.ndarray
    message: str


@dataclass(frozen=True, repr=False)
class DelayedReplay(SummaryRepr):
    """Outcome of :meth:`SequenceMemory.run_delayed` (asynchronous updates, slow asymmetric term).

    Attributes
    ----------
    overlaps : ndarray, shape (n_sweeps + 1, n_patterns)
        Overlap with every stored pattern after each sweep.
    pattern : ndarray of int, shape (n_sweeps + 1,)
        Index of the pattern matched after each sweep (overlap ≥ ``match``), or −1.
    visits : ndarray of int
        The patterns visited, in order (consecutive repeats and −1 removed).
    dwell : ndarray of int
        Sweeps spent in each visited pattern, except the first and the last (cut by the run).
    states : ndarray of int8, shape (n_neurons,)
        The final state.
    """

    overlaps: np.ndarray
    pattern: np.ndarray
    visits: np.ndarray
    dwell: np.ndarray
    states: np.ndarray


class SequenceMemory:
    """Patterns stored as sequences: asymmetric Hebb weights that map each to its successor.

    Parameters
    ----------
    n_neurons : int

    Examples
    --------
    >>> import hopfield as hf
    >>> X = hf.patterns.random(5, 300, rng=0)
    >>> mem = hf.SequenceMemory(300).store(X)          # the cycle ξ¹ → … → ξ⁵ → ξ¹
    >>> r = mem.replay(X[0], n_steps=12)
    >>> r.period, r.pattern.tolist()
    (5, [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2])
    """

    def __init__(self, n_neurons: int):
        check_scalar(n_neurons, "n_neurons", numbers.Integral, min_val=1)
        n = int(n_neurons)
        self._wa = np.zeros((n, n))
        self._ws = np.zeros((n, n))
        self._patterns = np.zeros((0, n), dtype=np.int8)
        self._next = np.zeros(0, dtype=np.int64)  # index of each pattern's successor, −1 at an end

    @property
    def n_neurons(self) -> int:
        """Number of neurons N."""
        return self._wa.shape[0]

    @property
    def patterns(self) -> np.ndarray:
        """Every stored pattern, sequence after sequence (a copy)."""
        return self._patterns.copy()

    @property
    def successor(self) -> np.ndarray:
        """For each stored pattern the index of its successor (−1 at the end of an open sequence)."""
        return self._next.copy()

    @property
    def asymmetric_weights(self) -> np.ndarray:
        r""":math:`W^a = \frac1N\sum_\mu \xi^{\mu+1}\xi^{\mu\top}`, zero diagonal (a copy)."""
        return self._wa.copy()

    @property
    def symmetric_weights(self) -> np.ndarray:
        r""":math:`J^s = \frac1N\sum_\mu \xi^\mu\xi^{\mu\top}`, zero diagonal (a copy)."""
        return self._ws.copy()

    def store(self, sequence, *, cyclic: bool = True) -> SequenceMemory:
        """Add one sequence of patterns (rows, in order); ``cyclic`` links the last to the first.

        Parameters
        ----------
        sequence : array_like of ±1, shape (length, n_neurons)
            At least two patterns.
        cyclic : bool, default=True

        Returns
        -------
        SequenceMemory
            The memory itself, so calls chain.
        """
        x = check_patterns(sequence, "sequence", n_neurons=self.n_neurons)
        if x.shape[0] < 2:
            raise ValueError(f"`sequence` must hold at least 2 patterns; got {x.shape[0]}.")
        n, offset, length = self.n_neurons, self._patterns.shape[0], x.shape[0]
        xf = x.astype(np.float64)
        cyclic = check_bool(cyclic, "cyclic")
        successors = np.roll(xf, -1, axis=0) if cyclic else xf[1:]
        sources = xf if cyclic else xf[:-1]
        wa = successors.T @ sources / n
        ws = xf.T @ xf / n
        np.fill_diagonal(wa, 0.0)
        np.fill_diagonal(ws, 0.0)
        self._wa = self._wa + wa
        self._ws = self._ws + ws
        nxt = offset + np.arange(1, length + 1)
        nxt[-1] = offset if cyclic else -1
        self._patterns = np.concatenate([self._patterns, x])
        self._next = np.concatenate([self._next, nxt])
        return self

    # ------------------------------------------------------------------ saving (see hopfield.io)
    def _to_arrays(self):
        arrays = {"asymmetric": self._wa, "symmetric": self._ws, "patterns": self._patterns,
                  "successor": self._next}
        return {}, arrays

    @classmethod
    def _from_arrays(cls, config, arrays):
        pats = np.asarray(arrays["patterns"])
        if pats.dtype != np.int8 or pats.ndim != 2 or not np.all(np.abs(pats) == 1):
            raise ValueError("stored patterns must be an int8 ±1 array, one row per pattern")
        mem = cls(pats.shape[1])
        nxt = np.asarray(arrays["successor"])
        if nxt.shape != (pats.shape[0],) or not np.issubdtype(nxt.dtype, np.integer) \
                or np.any((nxt < -1) | (nxt >= pats.shape[0])):
            raise ValueError("successor must hold one index in -1..n_patterns-1 per pattern")
        for name in ("asymmetric", "symmetric"):
            w = np.asarray(arrays[name])
            if w.shape != (pats.shape[1],) * 2 or w.dtype != np.float64 or not np.all(np.isfinite(w)):
                raise ValueError(f"{name} weights must be a finite float64 (N, N) array")
        mem._wa = np.array(arrays["asymmetric"], copy=True)
        mem._ws = np.array(arrays["symmetric"], copy=True)
        mem._patterns = np.array(pats, copy=True)
        mem._next = np.array(nxt, dtype=np.int64, copy=True)
        return mem

    def _check_ready(self):
        if self._patterns.shape[0] == 0:
            raise ValueError("this memory holds no sequence yet: call `store(sequence)` first.")

    def _match(self, states: np.ndarray, match: float):
        overlaps = states.astype(np.float64) @ self._patterns.T.astype(np.float64) / self.n_neurons
        best = np.argmax(overlaps, axis=1)
        index = np.where(overlaps[np.arange(best.size), best] >= match, best, -1)
        return overlaps, index

    def replay(self, cue, *, n_steps: int | None = None, max_steps: int = 10_000, match: float = 0.9,
               tie: str = "keep") -> SequenceReplay:
        r"""Synchronous steps :math:`s(t+1) = \mathrm{sgn}(W^a s(t))` from ``cue``, and the cycle reached.

        Parameters
        ----------
        cue : array_like of ±1, shape (n_neurons,)
        n_steps : int, optional
            Steps recorded in ``states`` (default: transient + 2 periods, at least 1).
        max_steps : int, default=10000
            Bound for the cycle search (:func:`hopfield.dynamics.orbit`).
        match : float, default=0.9
            Overlap at which a state counts as a stored pattern.
        tie : {"keep", "+1"}, default="keep"

        Returns
        -------
        SequenceReplay
        """
        self._check_ready()
        s, single = check_states(cue, "cue", n_neurons=self.n_neurons)
        if not single:
            raise ValueError(f"`cue` must be one 1-D state; got shape {np.shape(cue)}.")
        check_scalar(match, "match", numbers.Real, min_val=-1.0, max_val=1.0)
        net = HopfieldNetwork.from_weights(self._wa)
        orb = orbit(net, s[0], update="sync", tie=tie, max_steps=max_steps)
        if n_steps is None:
            n_steps = max(1, orb.transient + 2 * orb.period)
        check_scalar(n_steps, "n_steps", numbers.Integral, min_val=0)
        states = [s[0]]
        for _ in range(int(n_steps)):
            states.append(net.recall(states[-1], update="sync", max_sweeps=1, tie=tie).states)
        states = np.array(states, dtype=np.int8)
        overlaps, index = self._match(states, float(match))
        if orb.period == 0:
            message = f"no cycle within {max_steps} steps; try increasing `max_steps`"
        elif orb.period == 1:
            message = f"reached a fixed point after {orb.transient} steps"
        else:
            message = f"entered a cycle of period {orb.period} after {orb.transient} steps"
        return SequenceReplay(states, overlaps, index, orb.transient, orb.period, orb.cycle, message)

    def run_delayed(self, cue, *, lam: float = 2.0, tau: int = 8, n_sweeps: int = 100,
                    memory: str = "delay", match: float = 0.9, rng=None) -> DelayedReplay:
        r"""Asynchronous updates with the field :math:`J^s s(t) + \lambda J^a \bar s(t)`.

        Parameters
        ----------
        cue : array_like of ±1, shape (n_neurons,)
            The initial state; the slow signal starts as the cue (the network held it).
        lam : float, default=2.0
            Strength λ of the slow asymmetric term; transitions need λ > 1.
        tau : int, default=8
            Delay (``memory="delay"``: :math:`\bar s(t) = s(t - \tau)`) or time constant
            (``"exponential"``: :math:`\bar s \mathrel{+}= (s - \bar s)/\tau`), in sweeps.
        n_sweeps : int, default=100
        memory : {"delay", "exponential"}, default="delay"
        match : float, default=0.9
        rng : int or numpy.random.Generator, optional
            Randomness of the update order.

        Returns
        -------
        DelayedReplay
        """
        self._check_ready()
        s, single = check_states(cue, "cue", n_neurons=self.n_neurons)
        if not single:
            raise ValueError(f"`cue` must be one 1-D state; got shape {np.shape(cue)}.")
        check_scalar(lam, "lam", numbers.Real, min_val=0.0)
        check_budget(tau, "tau")
        check_budget(n_sweeps, "n_sweeps")
        check_option(memory, "memory", _MEMORY)
        check_scalar(match, "match", numbers.Real, min_val=-1.0, max_val=1.0)
        gen = check_rng(rng)
        state = s[0]
        history = [state.astype(np.float64)] * tau  # s(t − τ), ..., s(t − 1)
        slow = state.astype(np.float64)
        trajectory = [state]
        for _ in range(int(n_sweeps)):
            delayed = history[0] if memory == "delay" else slow
            # the slow term is a threshold during the sweep: h = J^s s − θ with θ = −λ J^a s̄
            net = HopfieldNetwork.from_weights(self._ws, thresholds=-lam * (self._wa @ delayed))
            state = net.recall(state, update="async", max_sweeps=1, rng=gen).states
            history = [*history[1:], state.astype(np.float64)]
            slow = slow + (state - slow) / tau
            trajectory.append(state)
        states = np.array(trajectory, dtype=np.int8)
        overlaps, index = self._match(states, float(match))
        visits, dwell = _runs(index)
        return DelayedReplay(overlaps, index, visits, dwell, states[-1])


def _runs(index: np.ndarray):
    """Visited patterns in order and the lengths of the complete (inner) runs."""
    matched = index[index >= 0]
    if matched.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, matched[1:] != matched[:-1]])
    visits = matched[starts]
    # lengths in sweeps on the full time axis: a run spans from its first to its last matched sweep
    labels = np.full(index.size, -1)
    run_id = np.cumsum(np.r_[True, matched[1:] != matched[:-1]]) - 1
    labels[index >= 0] = run_id
    lengths = np.array([np.count_nonzero(labels == r) for r in range(visits.size)], dtype=np.int64)
    return visits, lengths[1:-1]
