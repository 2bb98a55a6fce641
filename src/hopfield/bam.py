"""Kosko's bidirectional associative memory (BAM): hetero-association of pattern pairs.

Pairs :math:`(x^\\mu, y^\\mu)`, :math:`x \\in \\{\\pm1\\}^{n_x}`, :math:`y \\in \\{\\pm1\\}^{n_y}`, are
stored in one matrix and recalled by passing signals back and forth:

.. math:: W = \\sum_\\mu y^\\mu x^{\\mu\\top}, \\qquad
          y \\leftarrow \\mathrm{sgn}(W x), \\qquad x \\leftarrow \\mathrm{sgn}(W^\\top y), \\qquad
          E(x, y) = -y^\\top W x .

Each half-step never raises E (it maximises :math:`y^\\top(Wx)` over y for fixed x, and
:math:`x^\\top(W^\\top y)` over x for fixed y; a neuron whose input is exactly 0 keeps its state),
and E is bounded, so every run ends in a stable pair.

References
----------
B. Kosko, "Bidirectional associative memories", IEEE Trans. SMC 18:49–60 (1988).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ._results import SummaryRepr
from ._validation import (
    check_budget,
    check_finite_array,
    check_patterns,
    check_scalar,
    check_states,
    check_trace_size,
)

__all__ = ["BAMResult", "BidirectionalAssociativeMemory"]


@dataclass(frozen=True, repr=False)
class BAMResult(SummaryRepr):
    """Outcome of :meth:`BidirectionalAssociativeMemory.recall`.

    For a single 1-D cue the fields are scalars and ``x``, ``y`` are 1-D.

    Attributes
    ----------
    x, y : ndarray of int8
        Final pair, shapes (n_x,) / (n_y,) or (batch, n_x) / (batch, n_y).
    converged : bool or ndarray of bool
        True where a full round trip changed nothing (a stable pair).
    iterations : int or ndarray of int
        Round trips (x → y → x) performed.
    energy : float or ndarray of float
        :math:`-y^\\top W x` of the final pair.
    energy_trace : ndarray
        Energy after each half-step, shape (..., 2 * max_iter + 1); entries after convergence
        repeat the final energy.
    message : str
    """

    x: np.ndarray
    y: np.ndarray
    converged: np.ndarray | bool
    iterations: np.ndarray | int
    energy: np.ndarray | float
    energy_trace: np.ndarray
    message: str

    @property
    def success(self) -> bool:
        """Whether every cue reached a stable pair."""
        return bool(np.all(self.converged))


class BidirectionalAssociativeMemory:
    """Kosko BAM storing ±1 pairs (x, y) with :math:`W = \\sum_\\mu y^\\mu x^{\\mu\\top}`.

    Parameters
    ----------
    n_x, n_y : int
        Sizes of the two layers.

    Examples
    --------
    >>> import hopfield as hf
    >>> X = hf.patterns.random(3, 60, rng=0); Y = hf.patterns.random(3, 40, rng=1)
    >>> bam = hf.BidirectionalAssociativeMemory(60, 40)
    >>> bam = bam.store(X, Y)
    >>> bool((bam.recall(x=X[1]).y == Y[1]).all())
    True
    """

    def __init__(self, n_x: int, n_y: int):
        check_scalar(n_x, "n_x", numbers.Integral, min_val=1)
        check_scalar(n_y, "n_y", numbers.Integral, min_val=1)
        self._w = np.zeros((int(n_y), int(n_x)))
        self._n_pairs = 0
        self._has_weights = False  # until store() or from_weights()

    @property
    def n_x(self) -> int:
        """Size of the x layer."""
        return self._w.shape[1]

    @property
    def n_y(self) -> int:
        """Size of the y layer."""
        return self._w.shape[0]

    @property
    def n_pairs(self) -> int:
        """Number of pairs stored."""
        return self._n_pairs

    @property
    def weights(self) -> np.ndarray:
        """W, shape (n_y, n_x) (a copy)."""
        return self._w.copy()

    @classmethod
    def from_weights(cls, weights) -> BidirectionalAssociativeMemory:
        """A BAM with a given (n_y, n_x) weight matrix."""
        w = check_finite_array(weights, "weights", ndim=2)
        bam = cls(w.shape[1], w.shape[0])
        bam._w = w
        bam._has_weights = True
        return bam

    def store(self, x, y) -> BidirectionalAssociativeMemory:
        """Add pairs: :math:`W \\mathrel{+}= \\sum_\\mu y^\\mu x^{\\mu\\top}`.

        Parameters
        ----------
        x : array_like of ±1, shape (n_pairs, n_x) or (n_x,)
        y : array_like of ±1, shape (n_pairs, n_y) or (n_y,)

        Returns
        -------
        BidirectionalAssociativeMemory
            The memory itself, so that calls chain.
        """
        xs = check_patterns(x, "x", n_neurons=self.n_x).astype(np.float64)
        ys = check_patterns(y, "y", n_neurons=self.n_y).astype(np.float64)
        if xs.shape[0] != ys.shape[0]:
            raise ValueError(f"`x` has {xs.shape[0]} patterns but `y` has {ys.shape[0]}; "
                             "pairs must match one to one.")
        self._w += ys.T @ xs
        self._n_pairs += xs.shape[0]
        self._has_weights = True
        return self

    def energy(self, x, y) -> np.ndarray | float:
        """:math:`E(x, y) = -y^\\top W x` (one pair or a batch)."""
        xs, single_x = check_states(x, "x", n_neurons=self.n_x)
        ys, single_y = check_states(y, "y", n_neurons=self.n_y)
        if xs.shape[0] != ys.shape[0]:
            raise ValueError(f"`x` and `y` have batch sizes {xs.shape[0]} and {ys.shape[0]}.")
        e = self._energy(xs.astype(np.float64), ys.astype(np.float64))
        return float(e[0]) if single_x and single_y else e

    def _energy(self, x, y):
        return -np.einsum("bi,bi->b", y, x @ self._w.T)

    def recall(self, x=None, y=None, *, max_iter: int = 100) -> BAMResult:
        """Iterate :math:`y = \\mathrm{sgn}(Wx)`, :math:`x = \\mathrm{sgn}(W^\\top y)` to a stable pair.

        Give the cue on either side: with ``x`` the first half-step computes y; with only ``y``
        it computes x. With both, the run starts from the pair and updates y first. Ties (input
        exactly 0) keep the current state (+1 where no state exists yet).

        Parameters
        ----------
        x : array_like of ±1, shape (n_x,) or (batch, n_x), optional
        y : array_like of ±1, shape (n_y,) or (batch, n_y), optional
        max_iter : int, default=100
            Maximum round trips.

        Returns
        -------
        BAMResult
        """
        if not self._has_weights:
            raise ValueError("this BAM has no weights yet: call `store(x, y)` before `recall`, or build "
                             "it with `BidirectionalAssociativeMemory.from_weights(W)`.")
        check_budget(max_iter, "max_iter")
        if x is None and y is None:
            raise ValueError("give a cue: `x`, `y` or both.")
        xs = ys = None
        single = True
        if x is not None:
            xs, single = check_states(x, "x", n_neurons=self.n_x)
        if y is not None:
            ys, single_y = check_states(y, "y", n_neurons=self.n_y)
            single = single_y if xs is None else (single and single_y)
            if xs is not None and xs.shape[0] != ys.shape[0]:
                raise ValueError(f"`x` and `y` have batch sizes {xs.shape[0]} and {ys.shape[0]}.")
        if xs is None:  # only y: compute x first
            xs = _sgn(ys.astype(np.float64) @ self._w, np.ones((ys.shape[0], self.n_x), np.int8))
        if ys is None:
            ys = _sgn(xs.astype(np.float64) @ self._w.T, np.ones((xs.shape[0], self.n_y), np.int8))
        xs, ys = xs.astype(np.int8), ys.astype(np.int8)
        batch = xs.shape[0]
        check_trace_size(batch * (2 * max_iter + 1), "max_iter", " or the batch size")
        trace = np.empty((batch, 2 * max_iter + 1))
        e = self._energy(xs.astype(np.float64), ys.astype(np.float64))
        trace[:, 0] = e
        converged = np.zeros(batch, dtype=bool)
        iters = np.full(batch, max_iter, dtype=np.int64)
        active = np.ones(batch, dtype=bool)
        for t in range(max_iter):
            a = np.flatnonzero(active)
            if a.size == 0:
                trace[:, 2 * t + 1:] = trace[:, 2 * t:2 * t + 1]
                break
            xa, ya = xs[a], ys[a]
            y_new = _sgn(xa.astype(np.float64) @ self._w.T, ya)
            trace[a, 2 * t + 1] = self._energy(xa.astype(np.float64), y_new.astype(np.float64))
            x_new = _sgn(y_new.astype(np.float64) @ self._w, xa)
            trace[a, 2 * t + 2] = self._energy(x_new.astype(np.float64), y_new.astype(np.float64))
            done = np.all(y_new == ya, axis=1) & np.all(x_new == xa, axis=1)
            xs[a], ys[a] = x_new, y_new
            idle = np.flatnonzero(~active)
            trace[idle, 2 * t + 1:2 * t + 3] = trace[idle, 2 * t:2 * t + 1]
            converged[a[done]] = True
            iters[a[done]] = t + 1
            active[a[done]] = False
        energy = self._energy(xs.astype(np.float64), ys.astype(np.float64))
        message = ("reached a stable pair" if converged.all()
                   else "stopped after max_iter round trips; try increasing `max_iter`")
        if single:
            return BAMResult(xs[0], ys[0], bool(converged[0]), int(iters[0]), float(energy[0]),
                             trace[0], message)
        return BAMResult(xs, ys, converged, iters, energy, trace, message)

    # ------------------------------------------------------------------ saving (see hopfield.io)
    def _to_arrays(self):
        return {"n_pairs": self._n_pairs}, {"weights": self._w}

    @classmethod
    def _from_arrays(cls, config, arrays):
        bam = cls.from_weights(arrays["weights"])
        n_pairs = config.get("n_pairs", 0)
        if type(n_pairs) is not int or n_pairs < 0:
            raise ValueError(f"n_pairs must be a non-negative int; got {n_pairs!r}")
        bam._n_pairs = n_pairs
        return bam

    def __repr__(self) -> str:
        return f"BidirectionalAssociativeMemory(n_x={self.n_x}, n_y={self.n_y}, n_pairs={self.n_pairs})"


def _sgn(field: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Sign of the input, keeping ``current`` where the input is exactly zero."""
    return np.where(field > 0, 1, np.where(field < 0, -1, current)).astype(np.int8)
