"""Fully visible Boltzmann machine: a stochastic Hopfield network that learns a distribution.

.. math:: P(s) = \\frac{1}{Z} e^{-H(s)}, \\qquad
          H(s) = -\\sum_{i<j} J_{ij} s_i s_j - \\sum_i h_i s_i, \\qquad s \\in \\{-1, +1\\}^N .

Its Gibbs sampler is the Glauber dynamics of the Hopfield network with :math:`W = J`,
:math:`\\theta = -h` at temperature 1 (Theory reference §4: "The Boltzmann Machine uses a Hopfield net with
stochastic update to simulate a non-zero temperature"). Maximum likelihood matches moments:

.. math:: \\frac{\\partial \\log L}{\\partial J_{ij}} = \\langle s_is_j\\rangle_{\\rm data}
          - \\langle s_is_j\\rangle_{\\rm model}, \\qquad
          \\frac{\\partial \\log L}{\\partial h_i} = \\langle s_i\\rangle_{\\rm data}
          - \\langle s_i\\rangle_{\\rm model},

with the model averages computed exactly by enumerating the :math:`2^N` states (small N) or
estimated from persistent Gibbs chains (larger N). The log-likelihood is concave in (J, h).
"""

from __future__ import annotations

import itertools
import numbers
from dataclasses import dataclass

import numpy as np

from ._results import SummaryRepr
from ._validation import (
    check_budget,
    check_finite_array,
    check_option,
    check_patterns,
    check_rng,
    check_scalar,
    check_states,
    check_thresholds,
)

__all__ = ["BoltzmannFit", "BoltzmannMachine"]

_MAX_EXACT = 20
_AUTO_EXACT = 12
_METHODS = ("auto", "exact", "gibbs")


@dataclass(frozen=True, repr=False)
class BoltzmannFit(SummaryRepr):
    """Outcome of :meth:`BoltzmannMachine.fit`.

    Attributes
    ----------
    method : str
        ``"exact"`` or ``"gibbs"``.
    n_iter : int
        Gradient steps taken.
    gradient_norm : ndarray of float
        Max-norm of the moment mismatch at each step.
    converged : bool
        Whether the max-norm fell below ``tol`` (exact method only; a sampled gradient never
        reaches a tolerance below its noise, so Gibbs fits report False).
    message : str
    """

    method: str
    n_iter: int
    gradient_norm: np.ndarray
    converged: bool
    message: str


class BoltzmannMachine:
    """A fully visible Boltzmann machine on ±1 units.

    Parameters
    ----------
    n_units : int
    couplings : array_like, shape (n_units, n_units), optional
        Symmetric couplings J (the diagonal is ignored); default 0.
    fields : array_like, shape (n_units,) or float, optional
        External fields h; default 0.

    References
    ----------
    Ackley, Hinton & Sejnowski, Cognitive Science 9:147 (1985); Theory reference §4.

    Examples
    --------
    >>> import numpy as np, hopfield as hf
    >>> bm = hf.BoltzmannMachine(3, couplings=[[0, 1, 0], [1, 0, 0], [0, 0, 0]])
    >>> states, p = bm.probabilities()
    >>> round(float(p[0] / p[2]), 4)  # (-1,-1,-1) vs (-1,+1,-1): e^{J} / e^{-J}
    7.3891
    """

    def __init__(self, n_units: int, *, couplings=None, fields=None):
        check_scalar(n_units, "n_units", numbers.Integral, min_val=1)
        n = int(n_units)
        if couplings is None:
            j = np.zeros((n, n))
        else:
            j = check_finite_array(couplings, "couplings", ndim=2)
            if j.shape != (n, n):
                raise ValueError(f"`couplings` must have shape ({n}, {n}) for `n_units` = {n}; "
                                 f"got {j.shape}.")
            if not np.allclose(j, j.T, rtol=1e-12, atol=1e-12):
                raise ValueError("`couplings` must be symmetric; use (J + J.T) / 2.")
            np.fill_diagonal(j, 0.0)
        self._j = j
        self._h = check_thresholds(fields, n, "fields")

    @property
    def n_units(self) -> int:
        """Number of units N."""
        return self._h.shape[0]

    @property
    def couplings(self) -> np.ndarray:
        """Symmetric couplings J with zero diagonal (a copy)."""
        return self._j.copy()

    @property
    def fields(self) -> np.ndarray:
        """External fields h (a copy)."""
        return self._h.copy()

    def energy(self, states) -> np.ndarray | float:
        """:math:`H(s) = -\\sum_{i<j} J_{ij}s_is_j - \\sum_i h_is_i` of ±1 states."""
        s, single = check_states(states, "states", n_neurons=self.n_units)
        e = self._energy(s.astype(np.float64))
        return float(e[0]) if single else e

    def _energy(self, s: np.ndarray) -> np.ndarray:
        return -0.5 * np.einsum("bi,ij,bj->b", s, self._j, s) - s @ self._h

    def _check_exact(self):
        if self.n_units > _MAX_EXACT:
            raise ValueError(f"exact enumeration needs n_units <= {_MAX_EXACT}; got {self.n_units}.")

    def probabilities(self) -> tuple[np.ndarray, np.ndarray]:
        """All :math:`2^N` states (lexicographic, −1 before +1) and their exact probabilities."""
        self._check_exact()
        s = _all_states(self.n_units)
        return s, _boltzmann(self._energy(s.astype(np.float64)))

    def log_partition(self) -> float:
        """:math:`\\log Z = \\log \\sum_s e^{-H(s)}` by enumeration."""
        self._check_exact()
        e = self._energy(_all_states(self.n_units).astype(np.float64))
        return float(-e.min() + np.log(np.sum(np.exp(-(e - e.min())))))

    def log_prob(self, states) -> np.ndarray | float:
        """Exact :math:`\\log P(s) = -H(s) - \\log Z`."""
        e = self.energy(states)
        return -e - self.log_partition()

    def to_hopfield(self):
        """The Hopfield network (W = J, θ = −h) whose Glauber dynamics at T = 1 samples P."""
        from .classical import HopfieldNetwork

        return HopfieldNetwork.from_weights(self._j, -self._h)

    def sample(self, n_samples: int, *, burn_in: int = 100, thin: int = 1, n_chains: int = 1,
               rng=None) -> np.ndarray:
        """Gibbs samples, shape (n_samples * n_chains, n_units) (see :func:`hopfield.analysis.sample`)."""
        from .analysis.sampling import sample

        x = sample(self.to_hopfield(), n_samples, temperature=1.0, burn_in=burn_in, thin=thin,
                   n_chains=n_chains, rng=rng)
        return x.reshape(-1, self.n_units)

    def fit(
        self,
        data,
        *,
        method: str = "auto",
        n_iter: int | None = None,
        learning_rate: float = 0.2,
        tol: float = 1e-6,
        n_chains: int = 100,
        gibbs_sweeps: int = 1,
        l2: float = 0.0,
        rng=None,
    ) -> BoltzmannFit:
        """Maximum-likelihood learning by gradient ascent on the log-likelihood.

        Each step moves :math:`J \\mathrel{+}= \\eta(\\langle ss^\\top\\rangle_{\\rm data} -
        \\langle ss^\\top\\rangle_{\\rm model} - \\lambda J)` and :math:`h \\mathrel{+}=
        \\eta(\\langle s\\rangle_{\\rm data} - \\langle s\\rangle_{\\rm model})`.

        Parameters
        ----------
        data : array_like of ±1, shape (n_samples, n_units)
        method : {"auto", "exact", "gibbs"}, default="auto"
            ``"exact"`` enumerates the states for the model averages (N ≤ 20); ``"gibbs"`` keeps
            ``n_chains`` persistent Glauber chains (persistent contrastive divergence), with a
            step size decaying as :math:`\\eta/\\sqrt{1 + t/100}` and the parameters averaged
            over the second half of the run (Polyak averaging). ``"auto"``: exact for N ≤ 12.
        n_iter : int, optional
            Steps (default 2000 exact, 1000 Gibbs).
        learning_rate : float, default=0.2
        tol : float, default=1e-6
            Stop (exact method) when the max-norm of the gradient falls below this.
        n_chains : int, default=100
        gibbs_sweeps : int, default=1
            Glauber sweeps of the chains per step.
        l2 : float, default=0.0
            Weight decay on J.
        rng : int or numpy.random.Generator, optional

        Returns
        -------
        BoltzmannFit
            The machine's couplings and fields are updated in place.
        """
        x = check_patterns(data, "data", n_neurons=self.n_units).astype(np.float64)
        check_option(method, "method", _METHODS)
        if method == "auto":
            method = "exact" if self.n_units <= _AUTO_EXACT else "gibbs"
        if method == "exact":
            self._check_exact()
        if n_iter is None:
            n_iter = 2000 if method == "exact" else 1000
        check_budget(n_iter, "n_iter")
        check_scalar(learning_rate, "learning_rate", numbers.Real, min_val=0.0, include_min=False)
        check_scalar(tol, "tol", numbers.Real, min_val=0.0)
        check_budget(n_chains, "n_chains")
        check_budget(gibbs_sweeps, "gibbs_sweeps")
        check_scalar(l2, "l2", numbers.Real, min_val=0.0)
        gen = check_rng(rng)
        c_data = x.T @ x / x.shape[0]
        m_data = x.mean(axis=0)
        before = self._j.copy(), self._h.copy()
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below
            if method == "exact":
                fit = self._fit_exact(c_data, m_data, int(n_iter), float(learning_rate), float(tol),
                                      float(l2))
            else:
                fit = self._fit_gibbs(c_data, m_data, int(n_iter), float(learning_rate),
                                      int(n_chains), int(gibbs_sweeps), float(l2), gen)
        if not (np.isfinite(self._j).all() and np.isfinite(self._h).all()):
            self._j, self._h = before  # leave the machine as it was, not full of NaN
            raise ValueError("the fit diverged (couplings became NaN or inf); lower `learning_rate` "
                             f"(= {learning_rate:g}) or `l2` (= {l2:g}).")
        return fit

    def _step(self, c_data, m_data, c_model, m_model, lr, l2) -> float:
        gj = c_data - c_model - l2 * self._j
        np.fill_diagonal(gj, 0.0)
        gh = m_data - m_model
        self._j += lr * gj
        self._h += lr * gh
        return float(max(np.abs(gj).max(), np.abs(gh).max()))

    def _fit_exact(self, c_data, m_data, n_iter, lr, tol, l2) -> BoltzmannFit:
        s = _all_states(self.n_units).astype(np.float64)
        norms = []
        for _ in range(n_iter):
            p = _boltzmann(self._energy(s))
            c_model = (s * p[:, None]).T @ s
            g = self._step(c_data, m_data, c_model, p @ s, lr, l2)
            norms.append(g)
            if g < tol:
                return BoltzmannFit("exact", len(norms), np.array(norms), True,
                                    "moments matched to within `tol`")
        return BoltzmannFit("exact", n_iter, np.array(norms), False,
                            "stopped after n_iter steps; try increasing `n_iter` or `learning_rate`")

    def _fit_gibbs(self, c_data, m_data, n_iter, lr, n_chains, sweeps, l2, gen) -> BoltzmannFit:
        s = np.where(gen.random((n_chains, self.n_units)) < 0.5, 1.0, -1.0)
        norms = []
        j_avg, h_avg, n_avg = np.zeros_like(self._j), np.zeros_like(self._h), 0
        for t in range(n_iter):
            for _ in range(sweeps):
                _gibbs_sweep(s, self._j, self._h, gen)
            step = lr / np.sqrt(1.0 + t / 100.0)
            norms.append(self._step(c_data, m_data, s.T @ s / n_chains, s.mean(axis=0), step, l2))
            if t >= n_iter // 2:
                j_avg += self._j
                h_avg += self._h
                n_avg += 1
        self._j, self._h = j_avg / n_avg, h_avg / n_avg
        return BoltzmannFit("gibbs", n_iter, np.array(norms), False,
                            "persistent-chain estimate; parameters averaged over the second half")

    # ------------------------------------------------------------------ saving (see hopfield.io)
    def _to_arrays(self):
        return {}, {"couplings": self._j, "fields": self._h}

    @classmethod
    def _from_arrays(cls, config, arrays):
        h = np.asarray(arrays["fields"])
        if h.ndim != 1:
            raise ValueError(f"fields must be 1-D; got shape {h.shape}")
        return cls(h.shape[0], couplings=arrays["couplings"], fields=h)

    def __repr__(self) -> str:
        return f"BoltzmannMachine(n_units={self.n_units})"


def _gibbs_sweep(s: np.ndarray, j: np.ndarray, h: np.ndarray, gen: np.random.Generator) -> None:
    """One random-order heat-bath sweep of every chain (rows of ``s``), in place:
    :math:`P(s_i = +1) = 1/(1 + e^{-2 h_i^{\\rm loc}})`, :math:`h_i^{\\rm loc} = \\sum_j J_{ij}s_j + h_i`.
    Vectorised over chains; the same Glauber rule as the Numba kernel of the classical network."""
    u = gen.random(s.shape)
    for i in gen.permutation(s.shape[1]):
        loc = s @ j[i] + h[i]
        s[:, i] = np.where(u[:, i] < 0.5 * (1.0 + np.tanh(loc)), 1.0, -1.0)


def _all_states(n: int) -> np.ndarray:
    return np.array(list(itertools.product([-1, 1], repeat=n)), dtype=np.int8)


def _boltzmann(e: np.ndarray) -> np.ndarray:
    w = np.exp(-(e - e.min()))
    return w / w.sum()
