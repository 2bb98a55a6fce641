"""Closed forms and mean-field equations of the classical network's capacity and phases.

Every function cites the THEORY.md section and the paper it comes from. Loads are
:math:`\\alpha = p/N`; Hebb weights are the zero-diagonal :math:`1/N` rule (so :math:`T_c = 1`).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy import optimize, special

from .._results import SummaryRepr
from .._validation import check_scalar

__all__ = [
    "RSCapacity",
    "ags_capacity",
    "hopfield1982_error_rate",
    "mattis_overlap",
    "mceliece_capacity",
    "mixture_energy",
    "mixture_overlap",
    "one_step_error_rate",
    "rs_finite_temperature",
    "rs_retrieval_overlap",
    "spin_glass_temperature",
    "storkey_capacity",
]


@dataclass(frozen=True, repr=False)
class RSCapacity(SummaryRepr):
    """Critical load of the replica-symmetric zero-temperature equations.

    Attributes
    ----------
    alpha_c : float
        Largest load with a retrieval solution (0.13791).
    y : float
        The scaled overlap :math:`y = m/\\sqrt{2\\alpha r}` at :math:`\\alpha_c` (1.5112).
    m : float
        Retrieval overlap :math:`m = \\mathrm{erf}(y)` at :math:`\\alpha_c` (0.9674).
    bit_error : float
        Fraction of wrong bits :math:`(1 - m)/2` at :math:`\\alpha_c` (1.63%).
    """

    alpha_c: float
    y: float
    m: float
    bit_error: float


def _rs_g(y: float) -> float:
    """:math:`g(y) = \\mathrm{erf}(y)/y - \\tfrac{2}{\\sqrt\\pi} e^{-y^2}`; a solution needs g = √(2α)."""
    return special.erf(y) / y - 2.0 / math.sqrt(math.pi) * math.exp(-y * y)


def ags_capacity() -> RSCapacity:
    """Storage capacity :math:`\\alpha_c` of the Hebb network from the RS equations at T = 0.

    With :math:`y = m/\\sqrt{2\\alpha r}` the replica-symmetric retrieval equations at zero
    temperature reduce to

    .. math:: y\\Big(\\sqrt{2\\alpha} + \\tfrac{2}{\\sqrt\\pi} e^{-y^2}\\Big) = \\mathrm{erf}(y),
              \\qquad m = \\mathrm{erf}(y),

    i.e. :math:`\\sqrt{2\\alpha} = g(y) = \\mathrm{erf}(y)/y - \\tfrac{2}{\\sqrt\\pi}e^{-y^2}`. A
    retrieval solution exists while :math:`\\sqrt{2\\alpha} \\le \\max_y g(y)`, so
    :math:`\\alpha_c = \\tfrac12 \\max_y g(y)^2`.

    Returns
    -------
    RSCapacity
        ``alpha_c`` ≈ 0.13791, ``m`` ≈ 0.9674.

    References
    ----------
    THEORY.md §2.1: Amit, Gutfreund & Sompolinsky, PRL 55:1530 (1985), Ann. Phys. 173:30 (1987);
    RS value 0.137906 quoted by Stojnic, arXiv 2403.01907 (2024).

    Examples
    --------
    >>> import hopfield as hf
    >>> round(hf.analysis.ags_capacity().alpha_c, 4)
    0.1379
    """
    res = optimize.minimize_scalar(lambda y: -_rs_g(y), bounds=(0.5, 4.0), method="bounded",
                                   options={"xatol": 1e-12})
    y = float(res.x)
    g = _rs_g(y)
    m = float(special.erf(y))
    return RSCapacity(alpha_c=float(0.5 * g * g), y=y, m=m, bit_error=(1.0 - m) / 2.0)


def rs_retrieval_overlap(alpha: float) -> float:
    """Retrieval overlap m(α) of the RS equations at T = 0 (NaN above :math:`\\alpha_c`).

    Solves :math:`g(y) = \\sqrt{2\\alpha}` (see :func:`ags_capacity`) on the retrieval branch, the
    root with the larger y, and returns :math:`m = \\mathrm{erf}(y)`. At α = 0, m = 1.

    References
    ----------
    THEORY.md §2.1 (Amit, Gutfreund & Sompolinsky 1987).
    """
    check_scalar(alpha, "alpha", numbers.Real, min_val=0.0)
    if alpha == 0:
        return 1.0
    cap = ags_capacity()
    if alpha > cap.alpha_c:
        return float("nan")
    target = math.sqrt(2.0 * alpha)
    hi = cap.y
    while _rs_g(hi) > target:
        hi *= 2.0
    if hi == cap.y:
        return cap.m
    y = optimize.brentq(lambda v: _rs_g(v) - target, cap.y, hi, xtol=1e-14)
    return float(special.erf(y))


def rs_finite_temperature(alpha: float, temperature: float, *, m0: float = 1.0,
                          max_iter: int = 5000, tol: float = 1e-10) -> tuple[float, float]:
    """Finite-temperature RS retrieval solution (m, q), by damped fixed-point iteration.

    .. math:: m = \\langle \\tanh\\beta(m + \\sqrt{\\alpha r} z)\\rangle_z,\\quad
              q = \\langle \\tanh^2\\beta(m + \\sqrt{\\alpha r} z)\\rangle_z,\\quad
              r = \\frac{q}{(1 - \\beta(1 - q))^2},

    with :math:`z` standard normal (Gauss–Hermite quadrature). Starts from ``m0`` (retrieval
    branch); at α = 0 it reduces to the Mattis equation :math:`m = \\tanh(\\beta m)`.

    Returns
    -------
    (m, q) : tuple of float

    References
    ----------
    THEORY.md §2.1 (equations marked [U]: transcribed, consistent with T_g = 1 + √α, §3).
    """
    check_scalar(alpha, "alpha", numbers.Real, min_val=0.0)
    check_scalar(temperature, "temperature", numbers.Real, min_val=0.0, include_min=False)
    beta = 1.0 / temperature
    z, wz = np.polynomial.hermite_e.hermegauss(101)
    wz = wz / wz.sum()
    m, q = float(m0), float(m0) ** 2
    for _ in range(max_iter):
        denom = 1.0 - beta * (1.0 - q)
        r = q / denom**2 if denom > 1e-12 else 1e12
        t = np.tanh(beta * (m + math.sqrt(alpha * r) * z))
        m_new, q_new = float(wz @ t), float(wz @ t**2)
        if abs(m_new - m) < tol and abs(q_new - q) < tol:
            return m_new, q_new
        m, q = 0.5 * (m + m_new), 0.5 * (q + q_new)
    return m, q


def mattis_overlap(temperature: float) -> float:
    """Equilibrium overlap of one stored pattern (Mattis model): the largest root of m = tanh(m/T).

    Zero for :math:`T \\ge 1` (the 1/N Hebb rule puts the transition at :math:`T_c = 1`).

    References
    ----------
    THEORY.md §4 (finite p mean field, :math:`m_\\mu = \\langle\\xi^\\mu\\tanh(\\beta\\xi\\cdot m)\\rangle`).

    Examples
    --------
    >>> import hopfield as hf
    >>> round(hf.analysis.mattis_overlap(0.5), 4)
    0.9575
    """
    check_scalar(temperature, "temperature", numbers.Real, min_val=0.0)
    if temperature == 0:
        return 1.0
    if temperature >= 1.0:
        return 0.0
    beta = 1.0 / temperature
    return float(optimize.brentq(lambda m: m - math.tanh(beta * m), 1e-9, 1.0, xtol=1e-14))


def spin_glass_temperature(alpha: float) -> float:
    """Paramagnet → spin-glass temperature :math:`T_g = 1 + \\sqrt\\alpha` (THEORY.md §3, [N])."""
    check_scalar(alpha, "alpha", numbers.Real, min_val=0.0)
    return 1.0 + math.sqrt(alpha)


def mceliece_capacity(n_neurons, *, all_patterns: bool = False) -> float:
    """McEliece et al. exact-recall capacity of the Hebb rule, :math:`N/(2\\ln N)` or :math:`N/(4\\ln N)`.

    With :math:`m \\le N/(2 \\ln N)` random memories, *most* memories are exactly recoverable: each
    given memory is a fixed point with high probability. With :math:`m \\le N/(4\\ln N)`
    (``all_patterns=True``) *every one* of them is, with high probability. Asymptotic in N,
    natural log.

    References
    ----------
    THEORY.md §2.2: McEliece, Posner, Rodemich & Venkatesh, IEEE Trans. IT 33:461 (1987).

    Examples
    --------
    >>> import hopfield as hf
    >>> round(hf.analysis.mceliece_capacity(200), 1)
    18.9
    >>> round(hf.analysis.mceliece_capacity(200, all_patterns=True), 1)
    9.4
    """
    n = _check_n(n_neurons)
    return n / ((4.0 if all_patterns else 2.0) * math.log(n))


def storkey_capacity(n_neurons) -> float:
    """Storkey's absolute capacity :math:`N/\\sqrt{2\\ln N}` (vs :math:`N/(2\\ln N)` for Hebb).

    References
    ----------
    THEORY.md §2.3: A. Storkey, ICANN'97, 451–456 (1997) (capacity as stated on Storkey's homepage).
    """
    n = _check_n(n_neurons)
    return n / math.sqrt(2.0 * math.log(n))


def one_step_error_rate(n_neurons, n_patterns):
    """Probability that a bit of a stored pattern is unstable after one update (Hebb, signal/noise).

    The field on bit i of pattern 1 is :math:`\\xi_i^1 (N-1)/N` plus a crosstalk sum of
    :math:`(N-1)(P-1)` random ±1/N terms; in the Gaussian approximation

    .. math:: P_{\\rm error} = \\tfrac12\\,\\mathrm{erfc}\\Big(\\sqrt{\\tfrac{N-1}{2(P-1)}}\\Big)
              \\approx \\tfrac12\\,\\mathrm{erfc}\\big(1/\\sqrt{2\\alpha}\\big).

    Returns 0 for a single pattern. Broadcasts over arrays.

    References
    ----------
    THEORY.md §1–§2 (Hopfield 1982 signal-to-noise argument; Hertz, Krogh & Palmer ch. 2).
    """
    n = np.asarray(n_neurons, dtype=np.float64)
    p = np.asarray(n_patterns, dtype=np.float64)
    if np.any(n < 2) or np.any(p < 1) or not (np.all(np.isfinite(n)) and np.all(np.isfinite(p))):
        raise ValueError("`n_neurons` must be >= 2 and `n_patterns` >= 1 (finite).")
    with np.errstate(divide="ignore"):
        out = np.where(p > 1, 0.5 * special.erfc(np.sqrt((n - 1) / (2.0 * np.maximum(p - 1, 1e-300)))),
                       0.0)
    return float(out) if out.ndim == 0 else out


def hopfield1982_error_rate(n_neurons, n_memories) -> float:
    """Hopfield's 1982 estimate (eq. 10) of the probability that a stored bit is wrong.

    0/1 neurons with :math:`T_{ij} = \\sum_s (2V_i^s-1)(2V_j^s-1)`: the signal is :math:`N/2` and the
    crosstalk is Gaussian with :math:`\\sigma = [(n-1)N/2]^{1/2}`, so

    .. math:: P = \\frac{1}{\\sqrt{2\\pi\\sigma^2}} \\int_{N/2}^\\infty e^{-x^2/2\\sigma^2}\\,dx
              = \\tfrac12\\,\\mathrm{erfc}\\Big(\\frac{N/2}{\\sqrt2\\,\\sigma}\\Big).

    N = 100, n = 10 gives 0.0092 (the paper prints 0.0091).

    References
    ----------
    THEORY.md §1: J. J. Hopfield, PNAS 79:2554 (1982), eq. 10.

    Examples
    --------
    >>> import hopfield as hf
    >>> round(hf.analysis.hopfield1982_error_rate(100, 10), 4)
    0.0092
    """
    n = _check_n(n_neurons)
    check_scalar(n_memories, "n_memories", numbers.Integral, min_val=1)
    if n_memories == 1:
        return 0.0
    sigma = math.sqrt((n_memories - 1) * n / 2.0)
    return float(0.5 * special.erfc((n / 2.0) / (math.sqrt(2.0) * sigma)))


def mixture_overlap(k: int) -> float:
    """Overlap of the symmetric k-mixture with each component, :math:`m_k = 2^{1-k}\\binom{k-1}{(k-1)/2}`.

    For :math:`\\mathrm{sgn}(\\xi^1 + \\dots + \\xi^k)`, k odd, random patterns, N → ∞:
    1, 1/2, 0.375, 0.3125 for k = 1, 3, 5, 7.

    References
    ----------
    THEORY.md §3 (Amit, Gutfreund & Sompolinsky, PRA 32:1007 (1985); values [N]).
    """
    k = _check_odd(k)
    return float(Fraction(math.comb(k - 1, (k - 1) // 2), 2 ** (k - 1)))


def mixture_energy(k: int) -> float:
    """Energy per neuron of the symmetric k-mixture, :math:`E_k/N = -\\tfrac{k}{2} m_k^2` (1/N Hebb).

    −0.5, −0.375, −0.3516, −0.3418 for k = 1, 3, 5, 7; → −1/π as k → ∞.

    References
    ----------
    THEORY.md §3.
    """
    return -0.5 * _check_odd(k) * mixture_overlap(k) ** 2


def _check_n(n) -> float:
    check_scalar(n, "n_neurons", numbers.Real, min_val=2)
    return float(n)


def _check_odd(k) -> int:
    check_scalar(k, "k", numbers.Integral, min_val=1)
    if k % 2 == 0:
        raise ValueError(f"`k` == {k}, must be odd (even mixtures are not fixed points).")
    return int(k)
