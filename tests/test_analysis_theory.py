"""Theory formulas of hf.analysis against THEORY.md §2–§4 numbers."""

import math

import numpy as np
import pytest

import hopfield as hf
from hopfield import analysis as an


def test_rs_capacity_matches_ags():
    cap = an.ags_capacity()
    assert 0.1375 <= cap.alpha_c <= 0.1385
    assert abs(cap.alpha_c - 0.137906) < 2e-5  # published RS value (Stojnic 2024)
    assert 0.965 <= cap.m <= 0.969
    assert abs(cap.y - 1.5112) < 1e-3
    assert abs(cap.bit_error - 0.0163) < 2e-4
    # the equation holds at the solution and has no solution just above alpha_c
    y = cap.y
    lhs = y * (math.sqrt(2 * cap.alpha_c) + 2 / math.sqrt(math.pi) * math.exp(-y * y))
    assert lhs == pytest.approx(math.erf(y), abs=1e-9)
    ys = np.linspace(0.05, 6, 20000)
    a = cap.alpha_c * 1.001
    from scipy.special import erf
    f = ys * (np.sqrt(2 * a) + 2 / np.sqrt(np.pi) * np.exp(-ys**2)) - erf(ys)
    assert np.all(f > 0)


def test_rs_retrieval_overlap_branch():
    assert an.rs_retrieval_overlap(0.0) == 1.0
    m1, m2 = an.rs_retrieval_overlap(0.05), an.rs_retrieval_overlap(0.13)
    assert 1.0 > m1 > m2 > an.ags_capacity().m - 1e-9
    assert math.isnan(an.rs_retrieval_overlap(0.2))
    from scipy.special import erfinv
    y = erfinv(m2)
    assert y * (math.sqrt(0.26) + 2 / math.sqrt(math.pi) * math.exp(-y * y)) == pytest.approx(m2, abs=1e-8)


def test_mceliece_storkey_and_error_rates():
    assert an.mceliece_capacity(200) == pytest.approx(18.87, abs=0.01)
    assert an.mceliece_capacity(200, all_patterns=True) == pytest.approx(9.44, abs=0.01)
    assert an.storkey_capacity(200) == pytest.approx(200 / math.sqrt(2 * math.log(200)))
    assert 60 < an.storkey_capacity(200) < 62  # THEORY §2.3: 61 at n = 200
    assert 0.0091 <= an.hopfield1982_error_rate(100, 10) <= 0.0093
    assert an.hopfield1982_error_rate(100, 1) == 0.0
    p = an.one_step_error_rate(1000, 101)
    assert p == pytest.approx(0.5 * math.erfc(math.sqrt(999 / 200)))
    assert an.one_step_error_rate(1000, 1) == 0.0
    arr = an.one_step_error_rate(1000, np.array([50, 100, 200]))
    assert np.all(np.diff(arr) > 0)


def test_one_step_error_rate_matches_simulation(rng):
    n, p = 500, 100
    x = hf.patterns.random(p, n, rng=rng)
    net = hf.HopfieldNetwork(n)
    net.store(x)
    h = net.local_field(x)
    observed = np.mean(h * x < 0)
    assert abs(observed - an.one_step_error_rate(n, p)) < 0.004  # 0.0127 expected; sd ≈ 0.0005


@pytest.mark.parametrize("n, p", [(51, 9), (100, 10), (100, 16), (200, 20), (500, 100)])
def test_one_step_error_rate_is_the_gaussian_approximation(n, p):
    # exact: the crosstalk is a sum of K = (N-1)(P-1) independent ±1 terms, C = 2B - K with
    # B ~ Binomial(K, 1/2); the bit is wrong when N - 1 + C < 0 and tied when it is 0
    from scipy import stats

    k = (n - 1) * (p - 1)
    t = (k - (n - 1)) / 2
    wrong = stats.binom.cdf(math.ceil(t) - 1, k, 0.5)
    tie = stats.binom.pmf(t, k, 0.5) if float(t).is_integer() else 0.0
    gauss = an.one_step_error_rate(n, p)
    assert gauss == pytest.approx(wrong + tie / 2, rel=0.01)  # tie "+1" counting
    assert tie > 0 and gauss - wrong == pytest.approx(tie / 2, rel=0.1)  # tie "keep" is lower


def test_mixture_closed_forms():
    assert [an.mixture_overlap(k) for k in (1, 3, 5, 7)] == [1.0, 0.5, 0.375, 0.3125]
    e = [an.mixture_energy(k) for k in (1, 3, 5, 7)]
    assert e[0] == -0.5 and e[1] == -0.375
    assert e[2] == pytest.approx(-0.3516, abs=1e-4) and e[3] == pytest.approx(-0.3418, abs=1e-4)
    assert an.mixture_energy(2001) == pytest.approx(-1 / math.pi, abs=2e-4)
    with pytest.raises(ValueError, match="odd"):
        an.mixture_overlap(4)
    with pytest.raises(TypeError, match="`k`"):
        an.mixture_overlap(3.0)


def test_mattis_and_finite_temperature():
    assert an.mattis_overlap(0.5) == pytest.approx(0.957, abs=1e-3)
    m = an.mattis_overlap(0.5)
    assert m == pytest.approx(math.tanh(m / 0.5), abs=1e-12)
    assert an.mattis_overlap(1.2) == 0.0 and an.mattis_overlap(0.0) == 1.0
    sol = an.rs_finite_temperature(0.0, 0.5)
    assert sol.converged and sol.m == pytest.approx(an.mattis_overlap(0.5), abs=1e-8)
    # retrieval survives at small alpha, low T; paramagnet above T_g = 1 + sqrt(alpha)
    assert an.rs_finite_temperature(0.05, 0.3).m > 0.95
    hot = an.rs_finite_temperature(0.05, 1.3)
    assert abs(hot.m) < 1e-8 and hot.q < 1e-8
    assert an.spin_glass_temperature(0.25) == 1.5


# ---------------------------------------------------------------- RS equations at finite T
def _phi(z):
    return math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)


def _quad_averages(m, sigma, beta):
    """<tanh x>, <sech² x> for x = β(m + σz), z ~ N(0, 1), by adaptive quadrature (QUADPACK)
    with a breakpoint at the kink of tanh; independent of the library's quadrature."""
    from scipy import integrate

    if sigma == 0:
        t = math.tanh(beta * m)
        return t, 1 - t * t
    z0 = -m / sigma
    kw = {"points": [z0] if -12 < z0 < 12 else None, "limit": 500, "epsabs": 1e-14, "epsrel": 1e-12}
    mean_tanh = integrate.quad(lambda z: math.tanh(beta * (m + sigma * z)) * _phi(z), -12, 12, **kw)[0]
    mean_sech2 = integrate.quad(
        lambda z: _phi(z) / math.cosh(min(beta * abs(m + sigma * z), 350.0)) ** 2, -12, 12, **kw)[0]
    return mean_tanh, mean_sech2


def _quad_solve(alpha, temp):
    """The RS equations by damped iteration from m = q = 1, every average by adaptive quadrature."""
    beta, m, q = 1 / temp, 1.0, 1.0
    for _ in range(5000):
        r = q / (1 - beta * (1 - q)) ** 2
        mean_tanh, mean_sech2 = _quad_averages(m, math.sqrt(alpha * r), beta)
        m_new, q_new = mean_tanh, max(1 - mean_sech2, 0.0)
        if abs(m_new - m) < 1e-11 and abs(q_new - q) < 1e-11:
            return m_new, q_new
        m, q = (m + m_new) / 2, (q + q_new) / 2
    raise AssertionError(f"reference did not converge at alpha={alpha}, T={temp}")


@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
def test_rs_finite_temperature_solves_its_equations_on_a_grid():
    # the returned (m, q) is a fixed point of the RS map evaluated by adaptive quadrature, from
    # the paramagnet down to T = 0.02 (a 101-point Gauss–Hermite rule fails there)
    for alpha in (0.0, 0.05, 0.1, 0.13, 0.15, 0.2, 0.3):
        for temp in (0.02, 0.05, 0.2, 0.5, 1.3):
            sol = an.rs_finite_temperature(alpha, temp)
            assert sol.converged, (alpha, temp, sol.message)
            beta = 1 / temp
            r = sol.q / (1 - beta * (1 - sol.q)) ** 2
            assert sol.r == pytest.approx(r, rel=1e-6)
            mean_tanh, mean_sech2 = _quad_averages(sol.m, math.sqrt(alpha * r), beta)
            assert abs(mean_tanh - sol.m) < 1e-8, (alpha, temp)
            assert abs(1 - mean_sech2 - sol.q) < 1e-8, (alpha, temp)


@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
@pytest.mark.parametrize("alpha, temp", [(0.15, 0.05), (0.2, 0.05), (0.1, 0.05), (0.13, 0.1),
                                         (0.12, 0.2), (0.05, 0.01), (0.05, 0.9)])
def test_rs_finite_temperature_matches_an_adaptive_quadrature_solver(alpha, temp):
    sol = an.rs_finite_temperature(alpha, temp)
    m, q = _quad_solve(alpha, temp)
    assert sol.converged
    assert sol.m == pytest.approx(m, abs=1e-7) and sol.q == pytest.approx(q, abs=1e-7)


def test_rs_finite_temperature_low_temperature_limit():
    # no retrieval above alpha_c = 0.138 at low T (the old quadrature reported m = 0.96 at 0.15)
    for alpha in (0.15, 0.2):
        assert abs(an.rs_finite_temperature(alpha, 0.05).m) < 1e-8
    # and T -> 0 approaches the zero-temperature RS overlap
    for alpha in (0.05, 0.1, 0.13):
        assert an.rs_finite_temperature(alpha, 0.002).m == pytest.approx(
            an.rs_retrieval_overlap(alpha), abs=2e-3)


def test_rs_finite_temperature_reports_non_convergence():
    sol = an.rs_finite_temperature(0.13, 0.05, max_iter=3)
    assert not sol.converged and sol.n_iter == 3 and "max_iter" in sol.message
    assert an.rs_finite_temperature(0.13, 0.05).converged


@pytest.mark.parametrize("bad, exc", [(1, ValueError), ("a", TypeError), (float("nan"), ValueError)])
def test_bad_inputs(bad, exc):
    with pytest.raises(exc, match="n_neurons"):
        an.mceliece_capacity(bad)


def test_bad_alpha_and_temperature():
    with pytest.raises(ValueError, match="alpha"):
        an.rs_retrieval_overlap(-0.1)
    with pytest.raises(ValueError, match="temperature"):
        an.rs_finite_temperature(0.1, 0.0)
    with pytest.raises(ValueError, match="m0"):
        an.rs_finite_temperature(0.1, 0.5, m0=2.0)
    with pytest.raises(TypeError, match="max_iter"):
        an.rs_finite_temperature(0.1, 0.5, max_iter=1.5)
    with pytest.raises(ValueError, match="n_neurons"):
        an.one_step_error_rate(1, 3)
