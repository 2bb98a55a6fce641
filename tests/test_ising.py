"""Hopfield <-> Ising conversion: energies equal on every state; temperature mapping."""

import itertools

import numpy as np
import pytest

import hopfield as hf
from hopfield import ising


def _all_states(n):
    return np.array(list(itertools.product([-1, 1], repeat=n)), dtype=np.int8)


@pytest.mark.parametrize("states", ["bipolar", "binary"])
def test_energy_equal_on_all_states(rng, states):
    n = 8
    w = rng.normal(size=(n, n))
    w = (w + w.T) / 2
    np.fill_diagonal(w, rng.random(n))  # self-couplings only shift the energy
    net = hf.HopfieldNetwork.from_weights(w, rng.normal(size=n), states=states)
    j, h, c = ising.to_ising(net)
    s = _all_states(n)
    own = (s + 1) // 2 if states == "binary" else s
    np.testing.assert_allclose(ising.ising_energy(j, h, s) + c, net.energy(own), atol=1e-10)
    assert np.allclose(j, j.T) and np.all(np.diag(j) == 0)


def test_bipolar_fields_and_couplings_are_w_and_minus_theta(rng):
    x = hf.patterns.random(3, 10, rng=rng)
    net = hf.HopfieldNetwork(10, thresholds=0.3)
    net.store(x)
    j, h, c = ising.to_ising(net)
    np.testing.assert_array_equal(j, net.weights)
    np.testing.assert_array_equal(h, -0.3 * np.ones(10))
    assert c == 0.0


def test_asymmetric_weights_use_symmetric_part(rng):
    w = rng.normal(size=(6, 6))
    net = hf.HopfieldNetwork.from_weights(w)
    j, h, c = ising.to_ising(net)
    s = _all_states(6)
    np.testing.assert_allclose(ising.ising_energy(j, h, s) + c, net.energy(s), atol=1e-10)


@pytest.mark.parametrize("states", ["bipolar", "binary"])
def test_round_trip(rng, states):
    n = 7
    jm = np.triu(rng.normal(size=(n, n)), 1)
    h = rng.normal(size=n)
    net = ising.from_ising(jm, h, states=states)
    assert net.state_space == states
    s = _all_states(n)
    own = (s + 1) // 2 if states == "binary" else s
    diff = net.energy(own) - ising.ising_energy(jm, h, s)
    assert np.ptp(diff) < 1e-10  # equal up to one constant
    j2, h2, c2 = ising.to_ising(net)
    np.testing.assert_allclose(ising.ising_energy(j2, h2, s) + c2, net.energy(own), atol=1e-10)
    np.testing.assert_allclose(j2, jm + jm.T, atol=1e-12)
    np.testing.assert_allclose(h2, h, atol=1e-12)
    # a symmetric J gives the same network as its upper triangle
    net_sym = ising.from_ising(jm + jm.T, h, states=states)
    np.testing.assert_allclose(net_sym.weights, net.weights)


def test_ground_state_is_network_fixed_point(rng):
    n = 10
    jm = rng.normal(size=(n, n))
    jm = (jm + jm.T) / 2
    h = rng.normal(size=n) * 0.2
    s = _all_states(n)
    ground = s[np.argmin(ising.ising_energy(jm, h, s))]
    assert ising.from_ising(jm, h).is_fixed_point(ground)


def test_temperature_mapping():
    assert ising.bipolar_temperature(0.5) == 1.0
    assert ising.binary_temperature(1.0) == 0.5
    with pytest.raises(ValueError, match="binary_temperature"):
        ising.bipolar_temperature(-1.0)


def test_bad_inputs():
    with pytest.raises(TypeError, match="net"):
        ising.to_ising(np.eye(3))
    with pytest.raises(ValueError, match="square"):
        ising.from_ising(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="symmetric or upper"):
        ising.from_ising(np.array([[0.0, 1.0], [2.0, 0.0]]))
    with pytest.raises(ValueError, match="fields"):
        ising.from_ising(np.zeros((3, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="NaN"):
        ising.from_ising(np.full((2, 2), np.nan))
    with pytest.raises(ValueError, match="spins"):
        ising.ising_energy(np.zeros((3, 3)), None, np.ones(4))
    with pytest.raises(ValueError, match="states"):
        ising.from_ising(np.zeros((2, 2)), states="spin")
