"""Closed forms and mean-field equations of the classical network's capacity and phases.

Every function cites the the Theory reference (docs) section and the paper it comes from. Loads are
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
from .._validation import check_bool, check_finite_array, check_scalar

__all__ = [
    "RSCapacity",
    "RSSolution",
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
    Theory reference §2.1: Amit, Gutfreund & Sompolinsky, PRL 55:1530 (1985), Ann. Phys. 173:30 (1987);
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
    Theory reference §2.1 (Amit, Gutfreund & Sompolinsky 1987).
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


@dataclass(frozen=True)
class RSSolution:
    """A solution of the finite-temperature replica-symmetric equations.

    Attributes
    ----------
    m : float
        Retrieval overlap (0 on the spin-glass or paramagnetic branch).
    q : float
        Edwards–Anderson order parameter.
    r : float
        Noise parameter :math:`r = q/(1 - C)^2`, :math:`C = \\beta(1 - q)`.
    converged : bool
        Whether successive iterates agreed to ``tol`` within ``max_iter`` iterations.
    n_iter : int
        Iterations done.
    message : str
    """

    m: float
    q: float
    r: float
    converged: bool
    n_iter: int
    message: str


# Gauss–Legendre rule for the panels of _gaussian_averages
_GL_X, _GL_W = np.polynomial.legendre.leggauss(12)
_Z_MAX = 10.0  # φ(10) ≈ 8e-23: the Gaussian weight beyond is below double precision
_PANEL = 0.5  # panel width on the scale of φ


def _gaussian_averages(m: float, sigma: float, beta: float) -> tuple[float, float]:
    """:math:`\\langle\\tanh x\\rangle` and :math:`\\langle\\mathrm{sech}^2 x\\rangle` for
    :math:`x = \\beta(m + \\sigma z)`, :math:`z \\sim \\mathcal N(0, 1)`.

    The integrand has two scales: φ(z) varies over O(1) and tanh over :math:`1/(\\beta\\sigma)`
    around the kink :math:`z_0 = -m/\\sigma`, which a fixed Gauss–Hermite rule cannot resolve at
    low temperature. Composite Gauss–Legendre resolves both: panels of width 0.5 on [−10, 10]
    plus panels around :math:`z_0` whose widths grow geometrically from :math:`w/4`,
    :math:`w = 1/(\\beta\\sigma)`. :math:`\\mathrm{sech}^2` is integrated directly so that
    :math:`1 - q` keeps its relative accuracy when q → 1.
    """
    if sigma == 0.0:
        t = math.tanh(beta * m)
        return t, 1.0 - t * t
    z0 = -m / sigma
    w = 1.0 / (beta * sigma)
    steps = w * 2.0 ** np.arange(-2, 60)
    steps = steps[steps < 2 * _Z_MAX]
    near = z0 + np.concatenate([-steps, [0.0], steps])
    edges = np.concatenate([np.arange(-_Z_MAX, _Z_MAX + _PANEL / 2, _PANEL), near])
    edges = np.unique(np.clip(edges, -_Z_MAX, _Z_MAX))
    lo, hi = edges[:-1, None], edges[1:, None]
    z = (0.5 * (hi - lo) * _GL_X + 0.5 * (hi + lo)).ravel()
    wz = (0.5 * (hi - lo) * _GL_W).ravel() * np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    x = beta * (m + sigma * z)
    t = np.tanh(x)
    sech2 = 1.0 / np.cosh(np.minimum(np.abs(x), 350.0)) ** 2
    return float(wz @ t), float(wz @ sech2)


def rs_finite_temperature(alpha: float, temperature: float, *, m0: float = 1.0,
                          max_iter: int = 5000, tol: float = 1e-10) -> RSSolution:
    """Finite-temperature RS solution (m, q, r) of the Hebb network, by damped fixed-point iteration.

    .. math:: m = \\langle \\tanh\\beta(m + \\sqrt{\\alpha r} z)\\rangle_z,\\quad
              q = \\langle \\tanh^2\\beta(m + \\sqrt{\\alpha r} z)\\rangle_z,\\quad
              r = \\frac{q}{(1 - \\beta(1 - q))^2},

    with :math:`z` standard normal. The averages use composite Gauss–Legendre quadrature refined
    around the kink of :math:`\\tanh`, accurate at any T > 0 (a
    fixed Gauss–Hermite rule is not: it misses the step of :math:`\\tanh\\beta x` for β ≳ 10);
    :math:`\\beta(1 - q) = \\beta\\langle\\mathrm{sech}^2\\rangle` is computed directly, so
    the T → 0 limit (:func:`rs_retrieval_overlap`) is approached smoothly. Starting from ``m0``
    (default: the retrieval branch), the iteration converges to the stable solution that the
    start leads to: retrieval below the critical load :math:`\\alpha_c(T)` (0.138 at T → 0),
    m = 0 above it. At α = 0 it reduces to the Mattis equation :math:`m = \\tanh(\\beta m)`.

    Parameters
    ----------
    alpha : float
        Load p/N, >= 0.
    temperature : float
        T > 0 (units where :math:`T_c = 1` at α = 0).
    m0 : float, default=1.0
        Starting overlap (q starts at :math:`m_0^2`).
    max_iter : int, default=5000
    tol : float, default=1e-10
        Stop when successive m and q differ by less than this.

    Returns
    -------
    RSSolution
        ``m``, ``q``, ``r`` and ``converged`` (check it: near the critical load the iteration
        slows down, and then ``max_iter`` may not suffice).

    References
    ----------
    Theory reference §2.1 (Amit, Gutfreund & Sompolinsky, Ann. Phys. 173:30 (1987); equations marked
    [U]: transcribed, consistent with :math:`T_g = 1 + \\sqrt\\alpha`, §3, and with the T = 0 limit).

    Examples
    --------
    >>> import hopfield as hf
    >>> sol = hf.analysis.rs_finite_temperature(0.05, 0.3)
    >>> sol.converged, round(sol.m, 3)
    (True, 0.991)
    """
    check_scalar(alpha, "alpha", numbers.Real, min_val=0.0)
    # beyond 1e100 the iteration's products overflow; m is 0 to within 1e-100 there anyway
    check_scalar(temperature, "temperature", numbers.Real, min_val=0.0, include_min=False, max_val=1e100)
    check_scalar(m0, "m0", numbers.Real, min_val=-1.0, max_val=1.0)
    check_scalar(max_iter, "max_iter", numbers.Integral, min_val=1)
    check_scalar(tol, "tol", numbers.Real, min_val=0.0, include_min=False)
    beta = 1.0 / float(temperature)
    m, q = float(m0), float(m0) ** 2
    c = beta * (1.0 - q)
    r = 0.0
    for k in range(1, int(max_iter) + 1):
        r = q / (1.0 - c) ** 2 if c < 1.0 - 1e-12 else 1e12
        mean_tanh, mean_sech2 = _gaussian_averages(m, math.sqrt(alpha * r), beta)
        m_new, q_new, c_new = mean_tanh, max(1.0 - mean_sech2, 0.0), beta * mean_sech2
        if abs(m_new - m) < tol and abs(q_new - q) < tol:
            r_new = q_new / (1.0 - c_new) ** 2 if c_new < 1.0 - 1e-12 else 1e12
            return RSSolution(m_new, q_new, r_new, True, k, f"converged after {k} iterations")
        m, q, c = 0.5 * (m + m_new), 0.5 * (q + q_new), 0.5 * (c + c_new)
    return RSSolution(m, q, r, False, int(max_iter),
                      f"not converged after {max_iter} iterations (near the critical load the "
                      "iteration slows down); try increasing `max_iter`")


def mattis_overlap(temperature: float) -> float:
    """Equilibrium overlap of one stored pattern (Mattis model): the largest root of m = tanh(m/T).

    Zero for :math:`T \\ge 1` (the 1/N Hebb rule puts the transition at :math:`T_c = 1`).

    References
    ----------
    Theory reference §4 (finite p mean field,
    :math:`m_\\mu = \\langle\\xi^\\mu\\tanh(\\beta\\xi\\cdot m)\\rangle`).

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
    """Paramagnet → spin-glass temperature :math:`T_g = 1 + \\sqrt\\alpha` (Theory reference §3, [N])."""
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
    Theory reference §2.2: McEliece, Posner, Rodemich & Venkatesh, IEEE Trans. IT 33:461 (1987).

    Examples
    --------
    >>> import hopfield as hf
    >>> round(hf.analysis.mceliece_capacity(200), 1)
    18.9
    >>> round(hf.analysis.mceliece_capacity(200, all_patterns=True), 1)
    9.4
    """
    n = _check_n(n_neurons)
    return n / ((4.0 if check_bool(all_patterns, "all_patterns") else 2.0) * math.log(n))


def storkey_capacity(n_neurons) -> float:
    """Storkey's absolute capacity :math:`N/\\sqrt{2\\ln N}` (vs :math:`N/(2\\ln N)` for Hebb).

    References
    ----------
    Theory reference §2.3: A. Storkey, ICANN'97, 451–456 (1997) (capacity as stated on Storkey's homepage).
    """
    n = _check_n(n_neurons)
    return n / math.sqrt(2.0 * math.log(n))


def one_step_error_rate(n_neurons, n_patterns):
    """Gaussian approximation of the probability that a bit of a stored pattern is unstable (Hebb).

    The field on bit i of pattern 1 is :math:`\\xi_i^1 (N-1)/N` plus a crosstalk sum of
    :math:`K = (N-1)(P-1)` independent random ±1/N terms; replacing that binomial sum by a
    Gaussian of the same variance gives

    .. math:: P_{\\rm error} \\approx \\tfrac12\\,\\mathrm{erfc}\\Big(\\sqrt{\\tfrac{N-1}{2(P-1)}}\\Big)
              \\approx \\tfrac12\\,\\mathrm{erfc}\\big(1/\\sqrt{2\\alpha}\\big).

    This is an approximation, not the exact rate. When :math:`N - 1 + K` is even the field can be
    exactly 0; the Gaussian form then matches the count that takes half of those ties as errors,
    i.e. the tie rule ``"+1"`` (a tie sets the bit to +1, wrong for half of the bits), to within
    about 1 % at N ≥ 50. Under the default tie rule ``"keep"`` a tie is stable and the exact rate
    is lower by half the tie probability (at N = 51, P = 9: 0.0053 against 0.0062).

    Returns 0 for a single pattern. Broadcasts over arrays.

    References
    ----------
    Theory reference §1–§2 (Hopfield 1982 signal-to-noise argument; Hertz, Krogh & Palmer ch. 2).
    """
    n = check_finite_array(n_neurons, "n_neurons")
    p = check_finite_array(n_patterns, "n_patterns")
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
    Theory reference §1: J. J. Hopfield, PNAS 79:2554 (1982), eq. 10.

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
    Theory reference §3 (Amit, Gutfreund & Sompolinsky, PRA 32:1007 (1985); values [N]).
    """
    k = _check_odd(k)
    return float(Fraction(math.comb(k - 1, (k - 1) // 2), 2 ** (k - 1)))


def mixture_energy(k: int) -> float:
    """Energy per neuron of the symmetric k-mixture, :math:`E_k/N = -\\tfrac{k}{2} m_k^2` (1/N Hebb).

    −0.5, −0.375, −0.3516, −0.3418 for k = 1, 3, 5, 7; → −1/π as k → ∞.

    References
    ----------
    Theory reference §3.
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
