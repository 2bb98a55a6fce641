"""Stochastic dynamics: the sampling API, the Mattis overlap and exact enumeration (THEORY.md §4)."""

import numpy as np
import pytest

import hopfield as hf
from hopfield import analysis as an
from hopfield.analysis import sampling


def _random_net(rng, n, states="bipolar"):
    w = rng.normal(size=(n, n)) * 0.5
    w = (w + w.T) / 2
    np.fill_diagonal(w, 0)
    return hf.HopfieldNetwork.from_weights(w, rng.normal(size=n) * 0.3, states=states)


# Agreement of the sampled law with exact enumeration (with and without self-couplings, 0/1 and
# ±1 networks, async / sequential / sync) is tested in tests/test_glauber.py, from independent
# chains with fixed seeds against exact transition matrices.


def test_mattis_overlap_fast():
    n = 500
    x = hf.patterns.random(1, n, rng=0)
    net = hf.HopfieldNetwork(n)
    net.store(x)
    cold = an.equilibrium_overlap(net, x[0], temperature=0.5, n_samples=20, burn_in=20, rng=1)
    assert abs(cold.m - an.mattis_overlap(0.5)) < 0.02
    hot = an.equilibrium_overlap(net, x[0], temperature=1.5, n_samples=20, burn_in=30, rng=2)
    assert hot.m < 0.15
    assert cold.trace.shape == (20, 4) and cold.stderr >= 0


@pytest.mark.slow
def test_mattis_overlap_n2000():
    n = 2000
    x = hf.patterns.random(1, n, rng=3)
    net = hf.HopfieldNetwork(n)
    net.store(x)
    for temp in (0.5, 0.8):
        r = an.equilibrium_overlap(net, x[0], temperature=temp, n_samples=50, burn_in=30, rng=4)
        assert abs(r.m - an.mattis_overlap(temp)) < 0.01
    hot = an.equilibrium_overlap(net, x[0], temperature=1.5, n_samples=50, burn_in=30,
                                 start="random", rng=5)
    assert hot.m < 0.06


def test_sample_shapes_initial_and_no_mutation(rng):
    net = _random_net(rng, 5)
    init = np.ones((3, 5), dtype=np.int8)
    before = init.copy()
    x = an.sample(net, 4, temperature=0.1, burn_in=0, n_chains=3, initial=init, rng=0)
    assert x.shape == (4, 3, 5) and x.dtype == np.int8
    np.testing.assert_array_equal(init, before)
    a = an.sample(net, 4, temperature=1.0, n_chains=2, rng=7)
    b = an.sample(net, 4, temperature=1.0, n_chains=2, rng=7)
    np.testing.assert_array_equal(a, b)


def test_boltzmann_distribution_order_and_sum(rng):
    net = _random_net(rng, 4)
    s, p = an.boltzmann_distribution(net, 2.0)
    assert s.shape == (16, 4) and p.sum() == pytest.approx(1.0)
    np.testing.assert_array_equal(sampling.state_index(s), np.arange(16))
    e = net.energy(s)
    assert np.all(np.diff(p[np.argsort(e)]) <= 1e-15)  # lower energy, higher probability


def test_bad_inputs(rng):
    net = _random_net(rng, 4)
    with pytest.raises(ValueError, match="temperature"):
        an.sample(net, 3, temperature=0.0)
    with pytest.raises(TypeError, match="n_samples"):
        an.sample(net, 2.5, temperature=1.0)
    with pytest.raises(ValueError, match="update"):
        an.sample(net, 2, temperature=1.0, update="sync")
    with pytest.raises(ValueError, match="initial"):
        an.sample(net, 2, temperature=1.0, n_chains=2, initial=np.ones((3, 4)))
    with pytest.raises(ValueError, match="initial"):
        an.sample(net, 2, temperature=1.0, initial=np.ones(5))
    with pytest.raises(TypeError, match="net"):
        an.sample("net", 2, temperature=1.0)
    with pytest.raises(ValueError, match="n_neurons <= 20"):
        an.boltzmann_distribution(hf.HopfieldNetwork(21), 1.0)
    with pytest.raises(ValueError, match="pattern"):
        an.equilibrium_overlap(net, np.ones((2, 4)), temperature=1.0)
    with pytest.raises(ValueError, match="start"):
        an.equilibrium_overlap(net, np.ones(4), temperature=1.0, start="zero")
