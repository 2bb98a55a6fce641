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
    m0, _ = an.rs_finite_temperature(0.0, 0.5)
    assert m0 == pytest.approx(an.mattis_overlap(0.5), abs=1e-6)
    # retrieval survives at small alpha, low T; paramagnet above T_g = 1 + sqrt(alpha)
    assert an.rs_finite_temperature(0.05, 0.3)[0] > 0.95
    m_hot, q_hot = an.rs_finite_temperature(0.05, 1.3)
    assert abs(m_hot) < 1e-4 and q_hot < 1e-4
    assert an.spin_glass_temperature(0.25) == 1.5


@pytest.mark.parametrize("bad, exc", [(1, ValueError), ("a", TypeError), (float("nan"), ValueError)])
def test_bad_inputs(bad, exc):
    with pytest.raises(exc, match="n_neurons"):
        an.mceliece_capacity(bad)


def test_bad_alpha_and_temperature():
    with pytest.raises(ValueError, match="alpha"):
        an.rs_retrieval_overlap(-0.1)
    with pytest.raises(ValueError, match="temperature"):
        an.rs_finite_temperature(0.1, 0.0)
    with pytest.raises(ValueError, match="n_neurons"):
        an.one_step_error_rate(1, 3)
