"""Bruck's (biased) pseudo-cut: E = c + 2J on random states, and an asynchronous update flips a
neuron exactly when the flip lowers the pseudo-cut."""

import numpy as np
import pytest

import hopfield as hf
from hopfield.cuts import energy_offset, pseudo_cut, pseudo_cut_change


def _naive_cut(w, s, theta):
    """Edge weights between the −1 and +1 classes, loop by loop, minus the −1 class thresholds."""
    n = s.size
    cut = sum(w[i, j] for i in range(n) for j in range(n) if s[i] == -1 and s[j] == 1)
    return cut - sum(theta[i] for i in range(n) if s[i] == -1)


def _random_symmetric(rng, n, *, diagonal=False):
    a = rng.normal(size=(n, n))
    w = (a + a.T) / 2
    if not diagonal:
        np.fill_diagonal(w, 0.0)
    return w


def test_pseudo_cut_matches_the_definition(rng):
    w = _random_symmetric(rng, 9)
    theta = rng.normal(size=9)
    states = hf.patterns.random(20, 9, rng=rng)
    got = pseudo_cut(w, states, theta)
    want = [_naive_cut(w, s, theta) for s in states]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    assert isinstance(pseudo_cut(w, states[0]), float)


@pytest.mark.parametrize("diagonal", [False, True])
def test_energy_is_offset_plus_twice_the_biased_pseudo_cut(rng, diagonal):
    n = 30
    w = _random_symmetric(rng, n, diagonal=diagonal)
    theta = rng.normal(size=n)
    net = hf.HopfieldNetwork.from_weights(w, theta)
    states = hf.patterns.random(200, n, rng=rng)
    np.testing.assert_allclose(net.energy(states),
                               energy_offset(w, theta) + 2.0 * pseudo_cut(w, states, theta),
                               rtol=1e-10, atol=1e-10)
    # without thresholds the plain pseudo-cut carries the energy, and the offset is −½ Σ w_ij
    np.testing.assert_allclose(hf.HopfieldNetwork.from_weights(w).energy(states),
                               -0.5 * w.sum() + 2.0 * pseudo_cut(w, states), rtol=1e-10, atol=1e-10)


def test_pseudo_cut_of_hebb_weights_counts_disagreeing_pairs(rng):
    """One stored pattern: w_ij = ξ_iξ_j/N, so the cut of s is (2·#agree·#disagree − ...) in closed form."""
    n = 40
    xi = hf.patterns.random(1, n, rng=rng)[0]
    w = hf.rules.hebb(xi[None, :])
    s = hf.patterns.flip(xi, 0.25, rng=rng)
    # cut = Σ_{i∈S−, j∈S+} ξ_iξ_j/N = (1/N)(Σ_{S−} ξ_i)(Σ_{S+} ξ_j) − 0 (no i = j across the cut)
    minus, plus = s == -1, s == 1
    closed = xi[minus].sum() * xi[plus].sum() / n
    assert pseudo_cut(w, s) == pytest.approx(closed, abs=1e-12)


def test_async_flip_happens_iff_it_lowers_the_pseudo_cut(rng):
    """One sequential sweep with every other neuron clamped updates neuron i alone; it flips iff
    flipping lowers J (Bruck 1990). Exact ties are included: integer weights and thresholds."""
    n = 12
    a = rng.integers(-2, 3, size=(n, n)).astype(float)
    w = np.triu(a, 1) + np.triu(a, 1).T
    theta = rng.integers(-1, 2, size=n).astype(float)
    net = hf.HopfieldNetwork.from_weights(w, theta)
    n_flips = n_ties = 0
    for s in hf.patterns.random(40, n, rng=rng):
        before = pseudo_cut(w, s, theta)
        change = pseudo_cut_change(w, s, theta)
        for i in range(n):
            clamp = np.ones(n, dtype=bool)
            clamp[i] = False
            after_update = net.recall(s, update="sequential", max_sweeps=1, clamp=clamp).states
            flipped = after_update[i] != s[i]
            s_flip = s.copy()
            s_flip[i] = -s_flip[i]
            lowered = pseudo_cut(w, s_flip, theta) < before - 1e-12
            assert flipped == lowered
            assert change[i] == pytest.approx(pseudo_cut(w, s_flip, theta) - before, abs=1e-12)
            n_flips += flipped
            n_ties += abs(change[i]) < 1e-12
    assert n_flips > 50 and n_ties > 5  # both cases and exact ties were exercised


def test_bad_input_is_named():
    w = np.array([[0.0, 1.0], [2.0, 0.0]])
    with pytest.raises(ValueError, match="`weights` must be symmetric"):
        pseudo_cut(w, [1, -1])
    with pytest.raises(ValueError, match="`states` must be ±1"):
        pseudo_cut(np.eye(2), [1, 0])
    with pytest.raises(ValueError, match="`thresholds` has length 3"):
        pseudo_cut(np.eye(2), [1, -1], [0.0, 0.0, 0.0])
    s = np.array([1, -1], dtype=np.int8)
    pseudo_cut(np.zeros((2, 2)), s)
    assert s.tolist() == [1, -1]
