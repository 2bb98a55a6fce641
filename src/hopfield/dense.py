r"""Dense associative memory (Krotov & Hopfield 2016; Demircigil et al. 2017).

Bipolar neurons :math:`\sigma \in \{-1, +1\}^N` and K memories :math:`\xi^\mu` (rows of
``patterns``) with the energy

.. math:: E(\sigma) = -\sum_{\mu=1}^K F\big(\xi^\mu \cdot \sigma\big)

for a separation function F: the polynomial :math:`F(x) = x^n`, the rectified polynomial
:math:`F(x) = \max(x, 0)^n` (ReP\ :sub:`n`), the exponential :math:`F(x) = e^{\beta x}`, or any
user function. A neuron updates to the state of lower energy (Theory reference §7):

.. math::
    \sigma_i \leftarrow \mathrm{Sign}\Big[\sum_\mu \Big(F\big(\xi_i^\mu + \textstyle\sum_{j\ne i}
    \xi_j^\mu\sigma_j\big) - F\big(-\xi_i^\mu + \textstyle\sum_{j\ne i}\xi_j^\mu\sigma_j\big)
    \Big)\Big],

which is exactly :math:`E(\sigma_i = -1) - E(\sigma_i = +1)`, so asynchronous updates never raise
the energy. :math:`n = 2` is the classical Hebbian network without self-coupling:
:math:`F(a+1) - F(a-1) = 4a`, so the decision is the sign of the Hebb field.

Capacity (random ±1 memories): :math:`K^{\max} \propto N^{n-1}`
(:func:`capacity_no_errors`, :func:`error_probability`); for the exponential F it is exponential
in N (:math:`\approx 2^{N/2}`, Demircigil et al.).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._validation import (
    check_bool,
    check_budget,
    check_option,
    check_patterns,
    check_rng,
    check_scalar,
    check_states,
    check_trace_size,
)
from .classical import RecallResult, _clamp_mask

__all__ = [
    "SEPARATIONS",
    "DenseAssociativeMemory",
    "RecallResult",
    "capacity_no_errors",
    "double_factorial",
    "error_probability",
    "mean_energy_gap",
]


# --------------------------------------------------------------------------- separation functions
def _polynomial(x, n):
    """:math:`F(x) = x^n` (Krotov & Hopfield 2016, eq. 2)."""
    return np.asarray(x, dtype=np.float64) ** n


def _d_polynomial(x, n):
    """:math:`F'(x) = n x^{n-1}`."""
    return n * np.asarray(x, dtype=np.float64) ** (n - 1)


def _rectified(x, n):
    """:math:`F(x) = x^n` for :math:`x \\ge 0`, else 0 (rectified polynomial ReP\\ :sub:`n`)."""
    return np.maximum(np.asarray(x, dtype=np.float64), 0.0) ** n


def _d_rectified(x, n):
    """:math:`F'(x) = n \\max(x, 0)^{n-1}` (ReP\\ :sub:`n-1` activation, ReLU for n = 2); for
    n = 1 the step function, 0 for x <= 0 (not ``0**0 = 1``)."""
    x = np.asarray(x, dtype=np.float64)
    if n == 1:
        return (x > 0).astype(np.float64)
    return n * np.maximum(x, 0.0) ** (n - 1)


def _exponential(x, beta):
    """:math:`F(x) = e^{\\beta x}` (Demircigil et al. 2017)."""
    return np.exp(beta * np.asarray(x, dtype=np.float64))


def _d_exponential(x, beta):
    """:math:`F'(x) = \\beta e^{\\beta x}`."""
    return beta * np.exp(beta * np.asarray(x, dtype=np.float64))


#: name -> (F, F'), each ``f(x, p)`` with p the shape parameter: n for the polynomials, β for the
#: exponential. The model only looks these up.
SEPARATIONS: dict[str, tuple[Callable, Callable]] = {
    "polynomial": (_polynomial, _d_polynomial),
    "rectified": (_rectified, _d_rectified),
    "exponential": (_exponential, _d_exponential),
}

_UPDATES = ("async", "sequential", "sync")
_TIES = {"keep": 0, "+1": 1}
# Relative tie tolerance when the decision sums are not exact integers (exponential F, user F,
# polynomials past 2**53): |2Δ_i| <= rtol Σ(|P| + |Q|) counts as a tie.
_TIE_RTOL = 1e-10
_EXACT_LIMIT = 2.0**53
# Below this batch size the kernels run on one thread: starting Numba's thread pool costs more
# than it saves (tens of ms on a loaded machine). Results are identical either way.
_PARALLEL_MIN_BATCH = 8
_MESSAGES = {
    1: "reached a fixed point",
    2: "entered a 2-cycle (synchronous updates)",
    0: "stopped after max_sweeps without reaching a fixed point; try increasing `max_sweeps`",
}


@dataclass(frozen=True)
class _Tables:
    """Lookup tables of the kernels, indexed by ``m - shift + offset`` (see _dense_kernels)."""

    p: np.ndarray  # F(m) - F(m - 2)
    q: np.ndarray  # F(m + 2) - F(m)
    f: np.ndarray  # F(m)
    exp_mode: bool
    offset: int
    rtol: float

    @property
    def kernel_tables(self):
        """(P + Q, P − Q, |P| + |Q|) for the kernel; the first two exact int64 when ties are exact
        zeros, else float64."""
        s, d = self.p + self.q, self.p - self.q
        if self.rtol == 0.0:
            s, d = s.astype(np.int64), d.astype(np.int64)
        return s, d, np.abs(self.p) + np.abs(self.q)


# --------------------------------------------------------------------------- closed forms (§7)
def double_factorial(k: int) -> int:
    """:math:`k!! = k (k-2) (k-4) \\cdots` (1 for k <= 0)."""
    check_scalar(k, "k", numbers.Integral, min_val=-1)
    out = 1
    for j in range(int(k), 0, -2):
        out *= j
    return out


def _check_n_power(n_neurons, n):
    check_scalar(n_neurons, "n_neurons", numbers.Real, min_val=2, include_min=False)
    check_scalar(n, "n", numbers.Integral, min_val=2)


def mean_energy_gap(n_neurons, n):
    """Mean energy cost of flipping one bit of a memory, :math:`N^n - (N-2)^n \\approx 2nN^{n-1}`.

    For K = 1 and :math:`F(x) = x^n` this is the exact gap (Krotov & Hopfield 2016, App. B).
    """
    _check_n_power(n_neurons, n)
    return float(n_neurons) ** n - (float(n_neurons) - 2.0) ** n


def error_probability(n_neurons, n_patterns, n):
    r"""Gaussian estimate of the probability that one bit of a memory is unstable.

    .. math::
        P_{\rm error} \approx \sqrt{\frac{(2n-3)!!}{2\pi}\frac{K}{N^{n-1}}}\,
        \exp\Big(-\frac{N^{n-1}}{2K(2n-3)!!}\Big)

    (the tail of the crosstalk, variance :math:`\Sigma^2 = 4n^2(2n-3)!!(K-1)N^{n-1}`, beyond the
    mean gap :math:`2nN^{n-1}`).

    Parameters
    ----------
    n_neurons : float
        N (> 2).
    n_patterns : float
        K (> 0).
    n : int
        Power of :math:`F(x) = x^n` (>= 2).

    Returns
    -------
    float

    References
    ----------
    Krotov & Hopfield, NeurIPS 2016 (arXiv 1606.01164), App. B; Theory reference §7.
    """
    _check_n_power(n_neurons, n)
    check_scalar(n_patterns, "n_patterns", numbers.Real, min_val=0, include_min=False)
    dff = double_factorial(2 * n - 3)
    ratio = n_patterns / float(n_neurons) ** (n - 1)
    return math.sqrt(dff / (2 * math.pi) * ratio) * math.exp(-1.0 / (2 * ratio * dff))


def capacity_no_errors(n_neurons, n):
    r"""Largest K with :math:`P_{\rm error} < 1/N` (every bit of every memory stable, w.h.p.).

    .. math:: K^{\max}_{\rm no\,errors} \approx \frac{1}{2(2n-3)!!}\frac{N^{n-1}}{\ln N}

    At N = 100 this is 10.86 (n = 2), 361.9 (n = 3) and 7238 (n = 4).

    References
    ----------
    Krotov & Hopfield, NeurIPS 2016 (arXiv 1606.01164), App. B; Theory reference §7.
    """
    _check_n_power(n_neurons, n)
    return float(n_neurons) ** (n - 1) / (2.0 * double_factorial(2 * n - 3) * math.log(n_neurons))


# --------------------------------------------------------------------------- the model
class DenseAssociativeMemory:
    r"""Dense associative memory with a separation function F.

    .. math:: E(\sigma) = -\sum_\mu F(\xi^\mu \cdot \sigma), \qquad \sigma \in \{-1, +1\}^N

    Parameters
    ----------
    patterns : array_like of ±1, shape (n_patterns, n_neurons)
        The memories :math:`\xi^\mu` (rows). Copied.
    F : {"polynomial", "rectified", "exponential"} or callable, default="polynomial"
        Separation function: :math:`x^n`, :math:`\max(x, 0)^n`, :math:`e^{\beta x}`, or a
        vectorised function of a float64 array (evaluated once on the integers
        :math:`-N-2, \dots, N+2`; must be finite there).
    n : int, default=3
        Power of the (rectified) polynomial, >= 1. Ignored for the other F.
    beta : float, default=1.0
        Inverse temperature of the exponential F, > 0. Ignored for the other F.

    Notes
    -----
    Decisions use the exact integer overlaps :math:`m_\mu = \xi^\mu\cdot\sigma`. For the
    polynomials (and integer-valued user F) the decision sums are exact integers while
    :math:`4K\max|F(m+2)-F(m)| < 2^{53}` (e.g. N = 100, n <= 6 at K = 2000); then a tie is an exact
    zero. Beyond that, and for the exponential F, float64 sums are used and
    :math:`|2\Delta_i| \le 10^{-10}\sum_\mu(|P_\mu| + |Q_\mu|)` counts as a tie. The exponential
    F is evaluated as :math:`e^{\beta(m - \max m)}`, which cannot overflow and does not change the
    sign of a decision; its energy :math:`-e^{\beta M}\sum e^{\beta(m-M)}` is -inf once it leaves
    the float64 range (:math:`\beta N \gtrsim 709`).

    References
    ----------
    D. Krotov and J. J. Hopfield, "Dense associative memory for pattern recognition",
    NeurIPS 2016 (arXiv 1606.01164); M. Demircigil et al., J. Stat. Phys. 168:288 (2017);
    Theory reference §7.

    Examples
    --------
    >>> import hopfield as hf
    >>> X = hf.patterns.random(500, 60, rng=0)          # 500 memories in 60 neurons
    >>> dam = hf.DenseAssociativeMemory(X, F="rectified", n=5)
    >>> r = dam.recall(hf.patterns.flip(X[3], n_flips=10, rng=1), rng=2)
    >>> bool((r.states == X[3]).all())
    True
    """

    def __init__(self, patterns, F="polynomial", n: int = 3, *, beta: float = 1.0):
        xi = check_patterns(patterns, "patterns")
        if callable(F):
            name, func = None, F
        else:
            name = check_option(F, "F", SEPARATIONS)
            func = None
        check_scalar(n, "n", numbers.Integral, min_val=1)
        check_scalar(beta, "beta", numbers.Real, min_val=0, include_min=False)
        if not np.isfinite(beta):
            raise ValueError(f"`beta` == {beta}, must be finite.")
        self._xi = xi
        self._name = name
        self._func = func
        self._n = int(n)
        self._beta = float(beta)
        self._tables = self._build_tables()
        self._xtf = np.ascontiguousarray(xi.T, dtype=np.float64)
        self._xt8 = np.ascontiguousarray(xi.T)

    # ------------------------------------------------------------------ properties
    @property
    def n_neurons(self) -> int:
        """Number of neurons N."""
        return self._xi.shape[1]

    @property
    def n_patterns(self) -> int:
        """Number of memories K."""
        return self._xi.shape[0]

    @property
    def patterns(self) -> np.ndarray:
        """The memories, int8 (n_patterns, n_neurons) (a copy)."""
        return self._xi.copy()

    @property
    def separation(self) -> str:
        """Name of F, or ``"custom"`` for a user function."""
        return self._name or "custom"

    @property
    def n(self) -> int:
        """Power of the (rectified) polynomial."""
        return self._n

    @property
    def beta(self) -> float:
        """Inverse temperature of the exponential F."""
        return self._beta

    @property
    def exact(self) -> bool:
        """Whether decisions are exact integer sums (ties are exact zeros)."""
        return self._tables.rtol == 0.0

    def F(self, x) -> np.ndarray:
        """The separation function evaluated at ``x``."""
        if self._func is not None:
            return np.asarray(self._func(np.asarray(x, dtype=np.float64)), dtype=np.float64)
        f, _ = SEPARATIONS[self._name]
        return f(x, self._beta if self._name == "exponential" else self._n)

    # ------------------------------------------------------------------ tables
    def _build_tables(self) -> _Tables:
        big_n, k = self.n_neurons, self.n_patterns
        if self._name == "exponential":
            d = np.arange(-2 * big_n, 1, dtype=np.float64)  # m - max m
            f = np.exp(self._beta * d)
            p = f * -np.expm1(-2.0 * self._beta)  # e^{βd}(1 - e^{-2β})
            q = f * np.expm1(2.0 * self._beta)  # e^{βd}(e^{2β} - 1)
            if not np.isfinite(q).all():
                raise ValueError(f"`beta` == {self._beta} is too large: e^(2 beta) overflows.")
            return _Tables(p, q, f, True, 2 * big_n, _TIE_RTOL)
        x = np.arange(-big_n - 2, big_n + 3)
        if self._func is None:
            power = self._n
            if power * math.log2(big_n + 2) >= 1023:  # refuse before building huge exact integers
                raise ValueError(
                    f"F(x) = x^{power} overflows float64 at x = N = {big_n}; use a smaller `n` "
                    f"(at most {math.floor(1023 / math.log2(big_n + 2)) - 1} here, or F='exponential')."
                )
            rect = self._name == "rectified"
            vals = [0 if (rect and v < 0) else int(v) ** power for v in x.tolist()]
            p_int = [vals[j] - vals[j - 2] for j in range(2, 2 * big_n + 3)]
            q_int = [vals[j + 2] - vals[j] for j in range(2, 2 * big_n + 3)]
            try:
                fx = np.array([float(v) for v in vals[2:-2]])
                p = np.array([float(v) for v in p_int])
                q = np.array([float(v) for v in q_int])
            except OverflowError:
                raise ValueError(
                    f"F(x) = x^{power} overflows float64 at x = N = {big_n}; use a smaller `n` "
                    "(or F='exponential')."
                ) from None
            worst = max(max(abs(v) for v in p_int), max(abs(v) for v in q_int))
            exact = 4.0 * k * float(worst) < _EXACT_LIMIT
        else:
            xf = x.astype(np.float64)
            try:
                with np.errstate(over="ignore", invalid="ignore"):
                    vals = np.asarray(self._func(xf.copy()), dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise TypeError(
                    "`F` must be a vectorised function of a float64 array returning an array of "
                    f"the same shape; calling it failed: {exc}"
                ) from None
            if vals.shape != xf.shape:
                raise TypeError(
                    f"`F` must return an array of the shape of its input {xf.shape}; got "
                    f"{vals.shape}. Vectorise it (e.g. with numpy.vectorize)."
                )
            if not np.isfinite(vals).all():
                raise ValueError(
                    f"`F` is not finite on the overlaps -{big_n}..{big_n}; for e^x use "
                    "F='exponential', which is evaluated without overflow."
                )
            fx = vals[2:-2]
            p = vals[2:-2] - vals[:-4]
            q = vals[4:] - vals[2:-2]
            integral = bool(np.all(vals == np.round(vals)) and np.all(np.abs(vals) < _EXACT_LIMIT))
            worst = float(max(np.abs(p).max(), np.abs(q).max()))
            exact = integral and 4.0 * k * worst < _EXACT_LIMIT
        if not (np.isfinite(p).all() and np.isfinite(q).all()):
            raise ValueError("F(N + 2) - F(N) overflows float64; use a smaller `n`.")
        return _Tables(p, q, fx, False, big_n, 0.0 if exact else _TIE_RTOL)

    # ------------------------------------------------------------------ energy and decisions
    def _states(self, x, name: str):
        return check_states(x, name, n_neurons=self.n_neurons)

    def overlaps(self, states) -> np.ndarray:
        """Integer overlaps :math:`m_\\mu = \\xi^\\mu \\cdot \\sigma`, shape (K,) or (batch, K)."""
        s, single = self._states(states, "states")
        m = self._overlaps(s)
        return m[0] if single else m

    def _overlaps(self, s: np.ndarray) -> np.ndarray:
        from ._dense_kernels import overlaps_kernel, overlaps_serial

        out = np.empty((s.shape[0], self.n_patterns), dtype=np.int64)
        kernel = overlaps_kernel if s.shape[0] >= _PARALLEL_MIN_BATCH else overlaps_serial
        kernel(self._xt8, np.ascontiguousarray(s, dtype=np.int8), out)
        return out

    def _energy(self, m: np.ndarray) -> np.ndarray:
        tb = self._tables
        if tb.exp_mode:
            top = m.max(axis=1)
            tot = tb.f[m - top[:, None] + tb.offset].sum(axis=1)
            with np.errstate(over="ignore"):
                return -np.exp(self._beta * top + np.log(tot))
        return 0.0 - tb.f[m + tb.offset].sum(axis=1)

    def energy(self, states) -> np.ndarray | float:
        """Energy :math:`E(\\sigma) = -\\sum_\\mu F(\\xi^\\mu\\cdot\\sigma)`.

        Parameters
        ----------
        states : array_like of ±1, shape (n_neurons,) or (batch, n_neurons)

        Returns
        -------
        float or ndarray of shape (batch,)
        """
        s, single = self._states(states, "states")
        e = self._energy(self._overlaps(s))
        return float(e[0]) if single else e

    def _decisions(self, s: np.ndarray, m: np.ndarray):
        """2Δ_i for every neuron (scaled by e^{-βM} for the exponential F) and the tie tolerance."""
        tb = self._tables
        shift = m.max(axis=1, keepdims=True) if tb.exp_mode else 0
        idx = m - shift + tb.offset
        p, q = tb.p[idx], tb.q[idx]
        val = (p + q) @ self._xtf.T + s * (p - q).sum(axis=1, keepdims=True)
        eps = tb.rtol * (np.abs(p) + np.abs(q)).sum(axis=1, keepdims=True)
        return val, eps

    def energy_differences(self, states) -> np.ndarray:
        r""":math:`E(\sigma_i = -1) - E(\sigma_i = +1)` for every neuron i (positive favours +1).

        Equals :math:`\sum_\mu [F(\xi_i^\mu + a_\mu) - F(-\xi_i^\mu + a_\mu)]` with
        :math:`a_\mu = \sum_{j \ne i}\xi_j^\mu\sigma_j`. For the exponential F the values can
        overflow to ±inf for large :math:`\beta N`; the dynamics never form them unscaled.
        """
        s, single = self._states(states, "states")
        m = self._overlaps(s)
        val, _ = self._decisions(s, m)
        val = val / 2.0
        if self._tables.exp_mode:
            with np.errstate(over="ignore"):
                val = val * np.exp(self._beta * m.max(axis=1, keepdims=True))
        return val[0] if single else val

    def is_fixed_point(self, states, *, tie: str = "keep") -> np.ndarray | bool:
        """Whether no single-neuron update would change each state."""
        check_option(tie, "tie", _TIES)
        s, single = self._states(states, "states")
        val, eps = self._decisions(s, self._overlaps(s))
        stable = (val * s > eps) | ((np.abs(val) <= eps) & ((s == 1) | (tie == "keep")))
        out = np.all(stable, axis=1)
        return bool(out[0]) if single else out

    # ------------------------------------------------------------------ recall
    def recall(
        self,
        probes,
        *,
        update: str = "async",
        max_sweeps: int = 100,
        tie: str = "keep",
        clamp=None,
        trace: bool = False,
        rng=None,
    ) -> RecallResult:
        """Run the zero-temperature dynamics from each probe until a fixed point or ``max_sweeps``.

        Parameters
        ----------
        probes : array_like of ±1, shape (n_neurons,) or (batch, n_neurons)
            Initial states. Never modified.
        update : {"async", "sequential", "sync"}, default="async"
            ``"async"``: one neuron at a time in a new random order each sweep (the same order
            streams as :meth:`hopfield.HopfieldNetwork.recall`); ``"sequential"``: fixed order
            0..N-1; ``"sync"``: all neurons at once (one step per sweep; 2-cycles are detected).
        max_sweeps : int, default=100
        tie : {"keep", "+1"}, default="keep"
            What a neuron does when both of its states have the same energy.
        clamp : array_like of bool, shape (n_neurons,) or (batch, n_neurons), optional
            Neurons that never change (e.g. the inputs of the XOR example).
        trace : bool, default=False
            Record the energy after each sweep.
        rng : int or numpy.random.Generator, optional
            Randomness of the update order.

        Returns
        -------
        RecallResult
            ``states`` (int8), ``converged``, ``sweeps``, ``cycle_length``, ``energy``,
            ``flips``, ``energy_trace`` (shape (..., max_sweeps + 1) with ``trace=True``),
            ``message``.

        Notes
        -----
        Asynchronous updates never raise E, so they end at a fixed point; a probe is converged
        after the first sweep without a flip, which is counted in ``sweeps``.
        """
        s, single = self._states(probes, "probes")
        check_option(update, "update", _UPDATES)
        check_option(tie, "tie", _TIES)
        check_budget(max_sweeps, "max_sweeps")
        trace = check_bool(trace, "trace")
        if trace:
            check_trace_size(s.shape[0] * (max_sweeps + 1), "max_sweeps", " or the batch size")
        mask = _clamp_mask(clamp, s.shape)
        gen = check_rng(rng)
        if update == "sync":
            raw = self._run_sync(s, mask, _TIES[tie], int(max_sweeps), trace)
        else:
            raw = self._run_async(s, mask, _TIES[tie], int(max_sweeps), trace, gen,
                                  fixed=update == "sequential")
        states, converged, sweeps, cycle, energy, flips, etrace = raw
        bad = np.flatnonzero(cycle != 1)
        message = _MESSAGES[int(cycle[bad[0]])] if bad.size else _MESSAGES[1]
        if single:
            return RecallResult(states[0], bool(converged[0]), int(sweeps[0]), int(cycle[0]),
                                float(energy[0]), int(flips[0]),
                                None if etrace is None else etrace[0], message)
        return RecallResult(states, converged, sweeps, cycle, energy, flips, etrace, message)

    def _run_async(self, s, mask, tie_code, max_sweeps, track, gen, *, fixed):
        from ._dense_kernels import (
            ORDER_FIXED,
            ORDER_RANDOM,
            dense_async_sweeps,
            dense_async_sweeps_serial,
        )

        batch = s.shape[0]
        tb = self._tables
        overlaps = self._overlaps(s)
        seeds = gen.integers(0, 2**63, size=batch, dtype=np.uint64)
        stab, dtab, atab = tb.kernel_tables
        work = np.empty((batch, self.n_patterns), dtype=stab.dtype)
        energies = np.zeros(batch)
        etrace = np.zeros((batch, max_sweeps + 1)) if track else np.zeros((batch, 0))
        sweeps = np.zeros(batch, dtype=np.int64)
        converged = np.zeros(batch, dtype=np.bool_)
        flips = np.zeros(batch, dtype=np.int64)
        kernel = dense_async_sweeps if batch >= _PARALLEL_MIN_BATCH else dense_async_sweeps_serial
        kernel(
            self._xtf, self._xt8, s, overlaps, mask, stab, dtab, atab, tb.f, tb.exp_mode, tb.offset,
            self._beta, tb.rtol, ORDER_FIXED if fixed else ORDER_RANDOM, tie_code, max_sweeps,
            seeds, work, energies, etrace, sweeps, converged, flips,
        )
        return (s, converged, sweeps, converged.astype(np.int64), energies, flips,
                etrace if track else None)

    def _run_sync(self, s, mask, tie_code, max_sweeps, track):
        batch = s.shape[0]
        prev = np.zeros_like(s)
        active = np.ones(batch, dtype=bool)
        converged = np.zeros(batch, dtype=bool)
        cycle = np.zeros(batch, dtype=np.int64)
        sweeps = np.full(batch, max_sweeps, dtype=np.int64)
        flips = np.zeros(batch, dtype=np.int64)
        m = self._overlaps(s)
        energy = self._energy(m)
        etrace = np.zeros((batch, max_sweeps + 1)) if track else None
        if track:
            etrace[:, 0] = energy
        for t in range(max_sweeps):
            idx = np.flatnonzero(active)
            if idx.size == 0:
                if track:
                    etrace[:, t + 1:] = energy[:, None]
                break
            ss = s[idx]
            val, eps = self._decisions(ss, m[idx])
            tie = ss if tie_code == 0 else np.ones_like(ss)
            new = np.where(val > eps, 1, np.where(val < -eps, -1, tie)).astype(np.int8)
            new = np.where(mask[idx], ss, new)
            changed = np.count_nonzero(new != ss, axis=1)
            flips[idx] += changed
            fixed = changed == 0
            two = (np.all(new == prev[idx], axis=1) & ~fixed) if t > 0 else np.zeros_like(fixed)
            prev[idx] = ss
            s[idx] = new
            m[idx] = self._overlaps(new)
            energy[idx] = self._energy(m[idx])
            if track:
                etrace[:, t + 1] = energy
            done = fixed | two
            converged[idx[fixed]] = True
            cycle[idx[fixed]] = 1
            cycle[idx[two]] = 2
            sweeps[idx[done]] = t + 1
            active[idx[done]] = False
        return s, converged, sweeps, cycle, energy, flips, etrace

    # ------------------------------------------------------------------ saving (see hopfield.io)
    def _to_arrays(self):
        if self._name is None:
            raise TypeError("cannot save a DenseAssociativeMemory with a user function F: files "
                            "hold no code; recreate it from its patterns and F instead.")
        return {"F": self._name, "n": self._n, "beta": self._beta}, {"patterns": self._xi}

    @classmethod
    def _from_arrays(cls, config, arrays):
        pats = np.asarray(arrays["patterns"])
        if pats.dtype != np.int8:
            raise ValueError("stored patterns must be an int8 ±1 array")
        return cls(pats, F=config["F"], n=config["n"], beta=config["beta"])  # validated there

    def __repr__(self) -> str:
        param = f"beta={self._beta}" if self._name == "exponential" else f"n={self._n}"
        return (f"DenseAssociativeMemory(n_neurons={self.n_neurons}, "
                f"n_patterns={self.n_patterns}, F={self.separation!r}, {param})")
