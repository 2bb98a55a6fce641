r"""Auto- and hetero-association in one weight matrix.

Pairs :math:`(a^\mu, b^\mu)`, :math:`a \in \{\pm1\}^{n_a}`, :math:`b \in \{\pm1\}^{n_b}`, are stored
in one Hopfield network over the concatenated state :math:`x = [a; b]` (:math:`N = n_a + n_b`),
with the auto-associative blocks (a with a, b with b) and the hetero-associative blocks (a with b)
weighted separately:

.. math::
    W = \frac1N \sum_\mu \begin{pmatrix} \gamma_{\rm auto}\, a^\mu a^{\mu\top} &
        \gamma_{\rm hetero}\, a^\mu b^{\mu\top} \\ \gamma_{\rm hetero}\, b^\mu a^{\mu\top} &
        \gamma_{\rm auto}\, b^\mu b^{\mu\top} \end{pmatrix}, \qquad w_{ii} = 0 .

W is symmetric, so the network has the energy :math:`E = -\tfrac12 x^\top W x` and asynchronous
recall descends it. With :math:`\gamma_{\rm auto} = \gamma_{\rm hetero}` this is Hebb's rule on
the concatenated patterns: the pair is one memory, which Rizzuto & Kahana (2001) found fits human
paired-associate recall better than separate forward and backward links. With
:math:`\gamma_{\rm auto} = 0` only the hetero blocks remain: synchronous updates of the whole state
are then Kosko's bidirectional associative memory run in parallel, and from the start
:math:`[a; \mathrm{sgn}(W_{ba} a)]` the trajectory passes through exactly the BAM's half-steps.

Cued recall. A cue :math:`[a; ?]` gives the known half and nothing about the other. The unknown
half starts at 0, so its first update sees only the cue and it begins at
:math:`\mathrm{sgn}(W_{ba}a)` (+1 on a tie). From there the whole state runs the chosen dynamics,
with the cue clamped by default.

References
----------
Theory reference §12 (docs/theory.md).
D. S. Rizzuto & M. J. Kahana, "An autoassociative neural network model of paired-associate
learning", Neural Computation 13:2075–2092 (2001).
B. Kosko, "Bidirectional associative memories", IEEE Trans. SMC 18:49–60 (1988).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ._results import SummaryRepr
from ._validation import (
    check_bool,
    check_option,
    check_patterns,
    check_rng,
    check_scalar,
    check_states,
)
from .classical import HopfieldNetwork

__all__ = ["PairRecall", "PairedAssociativeMemory"]

_TIE_RTOL = 1e-10  # the classical network's tie tolerance


@dataclass(frozen=True, repr=False)
class PairRecall(SummaryRepr):
    """Outcome of :meth:`PairedAssociativeMemory.recall`.

    Attributes
    ----------
    a, b : ndarray of int8
        The two halves of the final states, shapes (n_a,) / (n_b,) or (batch, n_a) / (batch, n_b).
    converged : bool or ndarray of bool
    sweeps : int or ndarray of int
    energy : float or ndarray of float
        :math:`-\\tfrac12 x^\\top W x` of the final states.
    message : str
    """

    a: np.ndarray
    b: np.ndarray
    converged: np.ndarray | bool
    sweeps: np.ndarray | int
    energy: np.ndarray | float
    message: str


class PairedAssociativeMemory:
    """Pairs (a, b) stored in one Hopfield network over [a; b], auto and hetero parts weighted.

    Parameters
    ----------
    n_a, n_b : int
        Sizes of the two items.
    auto : float, default=1.0
        Weight :math:`\\gamma_{\\rm auto}` of the a–a and b–b blocks.
    hetero : float, default=1.0
        Weight :math:`\\gamma_{\\rm hetero}` of the a–b blocks.

    Examples
    --------
    >>> import hopfield as hf
    >>> A = hf.patterns.random(5, 100, rng=0); B = hf.patterns.random(5, 100, rng=1)
    >>> mem = hf.PairedAssociativeMemory(100, 100).store(A, B)
    >>> bool((mem.recall(a=A[2], rng=0).b == B[2]).all())
    True
    """

    def __init__(self, n_a: int, n_b: int, *, auto: float = 1.0, hetero: float = 1.0):
        check_scalar(n_a, "n_a", numbers.Integral, min_val=1)
        check_scalar(n_b, "n_b", numbers.Integral, min_val=1)
        check_scalar(auto, "auto", numbers.Real, min_val=0.0)
        check_scalar(hetero, "hetero", numbers.Real, min_val=0.0)
        self._na, self._nb = int(n_a), int(n_b)
        self._auto, self._hetero = float(auto), float(hetero)
        n = self._na + self._nb
        self._w = np.zeros((n, n))
        self._n_pairs = 0

    @property
    def n_a(self) -> int:
        """Size of item a."""
        return self._na

    @property
    def n_b(self) -> int:
        """Size of item b."""
        return self._nb

    @property
    def n_pairs(self) -> int:
        """Pairs stored."""
        return self._n_pairs

    @property
    def weights(self) -> np.ndarray:
        """W over the concatenated state [a; b] (a copy)."""
        return self._w.copy()

    def store(self, a, b) -> PairedAssociativeMemory:
        """Add pairs (rows of ``a`` with the same rows of ``b``).

        Parameters
        ----------
        a : array_like of ±1, shape (n_pairs, n_a) or (n_a,)
        b : array_like of ±1, shape (n_pairs, n_b) or (n_b,)

        Returns
        -------
        PairedAssociativeMemory
            The memory itself, so calls chain.
        """
        xa = check_patterns(a, "a", n_neurons=self._na).astype(np.float64)
        xb = check_patterns(b, "b", n_neurons=self._nb).astype(np.float64)
        if xa.shape[0] != xb.shape[0]:
            raise ValueError(f"`a` has {xa.shape[0]} patterns but `b` has {xb.shape[0]}; "
                             "pairs must match one to one.")
        self._w = self._w + _pair_weights(xa, xb, self._auto, self._hetero)
        self._n_pairs += xa.shape[0]
        return self

    def energy(self, a, b) -> np.ndarray | float:
        """:math:`E = -\\tfrac12 x^\\top W x` of the concatenated states [a; b]."""
        x, single = self._concat(a, b)
        xf = x.astype(np.float64)
        e = -0.5 * np.einsum("bi,bi->b", xf @ self._w, xf)
        return float(e[0]) if single else e

    def _concat(self, a, b):
        sa, single_a = check_states(a, "a", n_neurons=self._na)
        sb, single_b = check_states(b, "b", n_neurons=self._nb)
        if sa.shape[0] != sb.shape[0]:
            raise ValueError(f"`a` and `b` have batch sizes {sa.shape[0]} and {sb.shape[0]}.")
        return np.concatenate([sa, sb], axis=1), single_a and single_b

    def recall(self, a=None, b=None, *, update: str = "sync", clamp_cue: bool = True,
               max_sweeps: int = 100, rng=None) -> PairRecall:
        """Complete a pair from one half: a cue [a; ?] recalls b, [?; b] recalls a.

        Parameters
        ----------
        a : array_like of ±1, shape (n_a,) or (batch, n_a), optional
        b : array_like of ±1, shape (n_b,) or (batch, n_b), optional
            Give exactly one of them (or both, to start from a full state with nothing clamped).
        update : {"sync", "async", "sequential"}, default="sync"
        clamp_cue : bool, default=True
            Hold the cue half fixed (False lets the dynamics correct a noisy cue too).
        max_sweeps : int, default=100
        rng : int or numpy.random.Generator, optional
            Randomness of the asynchronous update order.

        Returns
        -------
        PairRecall
        """
        if self._n_pairs == 0:
            raise ValueError("this memory holds no pairs yet: call `store(a, b)` before `recall`.")
        check_option(update, "update", ("sync", "async", "sequential"))
        clamp_cue = check_bool(clamp_cue, "clamp_cue")
        if a is None and b is None:
            raise ValueError("give a cue: `a`, `b` or both.")
        na = self._na
        if a is not None and b is not None:
            x, single = self._concat(a, b)
            clamp = None
        else:
            known, name, size = (a, "a", na) if a is not None else (b, "b", self._nb)
            cue, single = check_states(known, name, n_neurons=size)
            w = self._w
            block = w[na:, :na] if a is not None else w[:na, na:]
            # the unknown half starts at 0: its first field is the cue's alone
            other = _sgn_plus(cue.astype(np.float64) @ block.T, _TIE_RTOL * np.abs(block).sum(axis=1))
            x = np.concatenate([cue, other] if a is not None else [other, cue], axis=1)
            clamp = np.zeros(x.shape[1], dtype=bool)
            if check_bool(clamp_cue, "clamp_cue"):
                clamp[:na] = a is not None
                clamp[na:] = a is None
        net = HopfieldNetwork.from_weights(self._w)
        r = net.recall(x, update=update, max_sweeps=max_sweeps, clamp=clamp, rng=check_rng(rng))
        states = r.states
        if single:
            return PairRecall(states[0, :na], states[0, na:], bool(r.converged[0]), int(r.sweeps[0]),
                              float(r.energy[0]), r.message)
        return PairRecall(states[:, :na], states[:, na:], r.converged, r.sweeps, r.energy, r.message)

    # ------------------------------------------------------------------ saving (see hopfield.io)
    def _to_arrays(self):
        config = {"n_a": self._na, "n_b": self._nb, "auto": self._auto, "hetero": self._hetero,
                  "n_pairs": self._n_pairs}
        return config, {"weights": self._w}

    @classmethod
    def _from_arrays(cls, config, arrays):
        mem = cls(config["n_a"], config["n_b"], auto=config["auto"], hetero=config["hetero"])
        w = np.asarray(arrays["weights"])
        n = mem._na + mem._nb
        if w.shape != (n, n) or w.dtype != np.float64 or not np.all(np.isfinite(w)):
            raise ValueError(f"weights must be a finite float64 ({n}, {n}) array")
        if not np.array_equal(w, w.T):
            raise ValueError("weights must be symmetric")
        n_pairs = config.get("n_pairs", 0)
        if not isinstance(n_pairs, int) or n_pairs < 0:
            raise ValueError(f"n_pairs must be a non-negative int; got {n_pairs!r}")
        mem._w = np.array(w, copy=True)
        mem._n_pairs = n_pairs
        return mem

    def __repr__(self) -> str:
        return (f"PairedAssociativeMemory(n_a={self._na}, n_b={self._nb}, auto={self._auto}, "
                f"hetero={self._hetero}, n_pairs={self._n_pairs})")


def _pair_weights(xa: np.ndarray, xb: np.ndarray, auto: float, hetero: float) -> np.ndarray:
    """The block Hebb matrix of the pairs (rows of xa, xb), zero diagonal."""
    na = xa.shape[1]
    n = na + xb.shape[1]
    w = np.empty((n, n))
    w[:na, :na] = auto * (xa.T @ xa)
    w[na:, na:] = auto * (xb.T @ xb)
    w[:na, na:] = hetero * (xa.T @ xb)
    w[na:, :na] = w[:na, na:].T
    w /= n
    np.fill_diagonal(w, 0.0)
    return w


def _sgn_plus(h: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """Sign with +1 on a tie (no state to keep yet), as the BAM starts its other layer; a field
    within the rounding tolerance ``eps`` of zero is a tie, as in the classical network."""
    return np.where(h < -eps, -1, 1).astype(np.int8)
