"""Fully visible Boltzmann machine: exact distribution, sampling, and recovery of the couplings."""

import numpy as np
import pytest
from scipy import stats

from hopfield.analysis import sampling
from hopfield.boltzmann import BoltzmannMachine


def _truth(rng, n, scale=0.4):
    j = rng.normal(size=(n, n)) * scale
    j = (j + j.T) / 2
    np.fill_diagonal(j, 0)
    return BoltzmannMachine(n, couplings=j, fields=rng.normal(size=n) * 0.3)


def _data(bm, rng, size=20000):
    st, p = bm.probabilities()
    return st[rng.choice(len(p), size=size, p=p)]


def test_probabilities_match_energy(rng):
    bm = _truth(rng, 5)
    st, p = bm.probabilities()
    assert p.sum() == pytest.approx(1)
    np.testing.assert_allclose(np.log(p), bm.log_prob(st), atol=1e-12)
    e = bm.energy(st)
    np.testing.assert_allclose(p[0] / p[1], np.exp(e[1] - e[0]))
    # the Hopfield network with W = J, θ = -h has the same energy
    np.testing.assert_allclose(bm.to_hopfield().energy(st), e, atol=1e-12)


def test_exact_fit_recovers_couplings(rng):
    truth = _truth(rng, 6)
    data = _data(truth, rng)
    bm = BoltzmannMachine(6)
    fit = bm.fit(data, method="exact")
    assert fit.converged and fit.method == "exact" and fit.n_iter < 2000
    assert np.abs(bm.couplings - truth.couplings).max() < 0.06  # sampling error ~ 0.02
    assert np.abs(bm.fields - truth.fields).max() < 0.06
    # moment matching: the model reproduces the data's correlations
    st, p = bm.probabilities()
    x = data.astype(float)
    np.testing.assert_allclose((st * p[:, None]).T @ st, x.T @ x / len(x), atol=1e-5)
    np.testing.assert_allclose(p @ st, x.mean(axis=0), atol=1e-5)
    # and fitting beats the wrong model in likelihood
    assert bm.log_prob(data).mean() >= truth.log_prob(data).mean() - 1e-9


def test_gibbs_fit_recovers_couplings(rng):
    truth = _truth(rng, 8)
    data = _data(truth, rng)
    bm = BoltzmannMachine(8)
    fit = bm.fit(data, method="gibbs", n_iter=1000, rng=rng)
    assert fit.method == "gibbs" and not fit.converged and fit.gradient_norm.shape == (1000,)
    assert np.abs(bm.couplings - truth.couplings).max() < 0.12
    assert np.abs(bm.fields - truth.fields).max() < 0.12
    # an untrained machine is far off (the test can fail)
    assert np.abs(truth.couplings).max() > 0.3


def test_auto_method_and_l2(rng):
    truth = _truth(rng, 4)
    data = _data(truth, rng, 5000)
    assert BoltzmannMachine(4).fit(data).method == "exact"
    strong = BoltzmannMachine(4)
    strong.fit(data, l2=5.0)
    weak = BoltzmannMachine(4)
    weak.fit(data)
    assert np.abs(strong.couplings).sum() < np.abs(weak.couplings).sum()


def test_sample_matches_distribution():
    # independent chains, one state each after a long burn-in, fixed seeds: the counts are a
    # multinomial sample of the chain's law (no autocorrelation to inflate χ²)
    bm = _truth(np.random.default_rng(0), 6)
    x = bm.sample(1, burn_in=30, n_chains=20000, rng=1)
    assert x.shape == (20000, 6)
    assert bm.sample(3, burn_in=0, n_chains=2, rng=0).shape == (6, 6)
    _, p = bm.probabilities()
    counts = np.bincount(sampling.state_index(x), minlength=64)
    exp = p * counts.sum()
    keep = exp >= 5
    obs = np.append(counts[keep], counts[~keep].sum())
    ex = np.append(exp[keep], exp[~keep].sum())
    if ex[-1] == 0:  # nothing to pool
        obs, ex = obs[:-1], ex[:-1]
    assert stats.chisquare(obs, ex).pvalue > 1e-3


def test_fit_does_not_mutate_data(rng):
    data = _data(_truth(rng, 4), rng, 200)
    before = data.copy()
    BoltzmannMachine(4).fit(data, n_iter=5)
    np.testing.assert_array_equal(data, before)


def test_bad_inputs():
    with pytest.raises(ValueError, match="n_units"):
        BoltzmannMachine(0)
    with pytest.raises(ValueError, match="couplings"):
        BoltzmannMachine(3, couplings=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="symmetric"):
        BoltzmannMachine(2, couplings=[[0, 1], [0, 0]])
    with pytest.raises(ValueError, match="fields"):
        BoltzmannMachine(2, fields=[1, 2, 3])
    bm = BoltzmannMachine(3)
    with pytest.raises(ValueError, match="±1"):
        bm.fit([[0, 1, 1]])
    with pytest.raises(ValueError, match="neurons"):
        bm.fit([[1, 1]])
    with pytest.raises(ValueError, match="method"):
        bm.fit([[1, 1, 1]], method="cd")
    with pytest.raises(ValueError, match="learning_rate"):
        bm.fit([[1, 1, 1]], learning_rate=0)
    with pytest.raises(ValueError, match="n_units <= 20"):
        BoltzmannMachine(21).fit(np.ones((2, 21)), method="exact")
    with pytest.raises(ValueError, match="NaN"):
        BoltzmannMachine(2, couplings=[[0, np.nan], [np.nan, 0]])


def test_save_load_round_trip(tmp_path, rng):
    import hopfield as hf

    bm = _truth(rng, 5)
    hf.save(bm, tmp_path / "bm.npz")
    back = hf.load(tmp_path / "bm.npz")
    assert isinstance(back, BoltzmannMachine)
    np.testing.assert_array_equal(back.couplings, bm.couplings)
    np.testing.assert_array_equal(back.fields, bm.fields)
