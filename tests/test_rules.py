"""Learning rules: formulas against naive references, and THEORY.md §2.2–§2.5 capacities."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import hopfield as hf
from naive import hebb as naive_hebb
from naive import mackay as naive_mackay
from naive import storkey as naive_storkey


def _fixed_fraction(w, x):
    h = x.astype(float) @ w.T
    return np.mean(np.all(h * x > 0, axis=1))


@pytest.mark.parametrize("normalize,scale", [("n", 1 / 12), ("p", 1 / 5), ("none", 1.0)])
def test_hebb_matches_formula(rng, normalize, scale):
    x = hf.patterns.random(5, 12, rng=rng)
    assert_allclose(hf.rules.hebb(x, normalize=normalize), naive_hebb(x, scale), atol=1e-14)


def test_hebb_diagonal_option(rng):
    x = hf.patterns.random(7, 10, rng=rng)
    w = hf.rules.hebb(x, zero_diagonal=False)
    assert_allclose(np.diag(w), 7 / 10)
    assert np.all(np.diag(hf.rules.hebb(x)) == 0)


def test_storkey_matches_formula_with_and_without_diagonal(rng):
    x = hf.patterns.random(4, 9, rng=rng)
    ref = naive_storkey(x)
    assert_allclose(hf.rules.storkey(x, zero_diagonal=False), ref, atol=1e-12)
    zeroed = ref.copy()
    np.fill_diagonal(zeroed, 0.0)
    assert_allclose(hf.rules.storkey(x), zeroed, atol=1e-12)
    w = hf.rules.storkey(x)
    assert_array_equal(w, w.T)


@pytest.mark.parametrize("rule", ["hebb", "storkey"])
def test_incremental_store_equals_storing_all(rng, rule):
    x = hf.patterns.random(9, 30, rng=rng)
    a = hf.HopfieldNetwork(30, rule=rule)
    a.store(x[:4])
    a.store(x[4:])
    b = hf.HopfieldNetwork(30, rule=rule)
    b.store(x)
    assert_allclose(a.weights, b.weights, atol=1e-13)
    assert a.n_patterns == 9


def test_hebb_p_normalisation_incremental(rng):
    x = hf.patterns.random(6, 20, rng=rng)
    a = hf.HopfieldNetwork(20, rule="hebb", normalize="p")
    for row in x:
        a.store(row)
    assert_allclose(a.weights, hf.rules.hebb(x, normalize="p"), atol=1e-14)


def test_mceliece_fixed_point_fractions():
    """THEORY §2.2, N=200: p=10 all stable in ≥95 % of seeds; p=40 at most 30 % stable."""
    n = 200
    all_stable = [
        _fixed_fraction(hf.rules.hebb(x), x) == 1.0
        for x in (hf.patterns.random(10, n, rng=s) for s in range(40))
    ]
    assert np.mean(all_stable) >= 0.95
    frac40 = np.mean([_fixed_fraction(hf.rules.hebb(x), x)
                      for x in (hf.patterns.random(40, n, rng=s) for s in range(10))])
    assert frac40 <= 0.30


def test_storkey_beats_hebb_at_n200_p40():
    """THEORY §2.3: N=200, p=40, zero diagonal: Storkey stores all; Hebb ≤ 30 %."""
    for seed in range(3):
        x = hf.patterns.random(40, 200, rng=seed)
        assert _fixed_fraction(hf.rules.storkey(x), x) == 1.0
        assert _fixed_fraction(hf.rules.hebb(x), x) <= 0.30


def test_pseudoinverse_projector_and_capacity():
    """THEORY §2.4: N=200, p=180, all patterns fixed points with full and zero diagonal."""
    x = hf.patterns.random(180, 200, rng=0)
    w = hf.rules.pseudoinverse(x)
    assert_allclose(w, w.T, atol=1e-12)
    assert_allclose(w @ w, w, atol=1e-9)
    assert_allclose(w @ x.T, x.T, atol=1e-9)  # patterns lie in the projected subspace
    assert np.all((np.diag(w) >= -1e-12) & (np.diag(w) <= 1 + 1e-12))
    assert abs(np.diag(w).mean() - 180 / 200) < 1e-9
    assert _fixed_fraction(w, x) == 1.0
    assert _fixed_fraction(hf.rules.pseudoinverse(x, zero_diagonal=True), x) == 1.0


def test_pseudoinverse_handles_dependent_patterns(rng):
    x = hf.patterns.random(3, 16, rng=rng)
    x = np.concatenate([x, x[:1], -x[1:2]])
    w = hf.rules.pseudoinverse(x)
    assert_allclose(w @ w, w, atol=1e-10)
    assert np.linalg.matrix_rank(w) == np.linalg.matrix_rank(x.astype(float))


def test_mackay_stores_50_patterns_in_100_neurons():
    """THEORY §2.5: I=100, p=50, η=0.01, α=0.01, L=1000: all fixed points, W symmetric, w_ii=0."""
    x = hf.patterns.random(50, 100, rng=0)
    w = hf.rules.mackay(x, eta=0.01, alpha=0.01, n_iter=1000)
    assert_allclose(w, w.T, atol=1e-9)
    assert np.all(np.diag(w) == 0)
    assert _fixed_fraction(w, x) == 1.0
    x30 = x[:30]
    assert _fixed_fraction(hf.rules.hebb(x30), x30) <= 0.05


@pytest.mark.parametrize("alpha", [0.0, 0.5, 3.0])
def test_mackay_matches_algorithm_42_9_step_by_step(alpha):
    # a strong weight decay makes the sign of the α term decide the result
    x = hf.patterns.random(4, 7, rng=5)
    expect = naive_mackay(x, eta=0.05, alpha=alpha, n_iter=6)
    assert_allclose(hf.rules.mackay(x, eta=0.05, alpha=alpha, n_iter=6), expect, rtol=1e-12,
                    atol=1e-12)
    if alpha == 3.0:  # decay shrinks the weights towards 0 from the Hebb start XᵀX
        assert np.abs(expect).max() < 0.5 * np.abs(x.T @ x - len(x) * np.eye(7)).max()


def test_callable_rule_and_registry_errors(rng):
    x = hf.patterns.random(3, 8, rng=rng)
    net = hf.HopfieldNetwork(8, rule=lambda p: hf.rules.hebb(p, normalize="none"))
    net.store(x)
    assert_allclose(net.weights, hf.rules.hebb(x, normalize="none"))
    with pytest.raises(ValueError, match="`rule` must be one of"):
        hf.HopfieldNetwork(8, rule="hebbian")
    with pytest.raises(ValueError, match="normalize"):
        hf.rules.hebb(x, normalize="sqrt")
    with pytest.raises(TypeError, match="rule"):
        hf.HopfieldNetwork(8, rule=3)


@pytest.mark.parametrize("func", [hf.rules.hebb, hf.rules.storkey, hf.rules.pseudoinverse])
def test_rules_reject_bad_patterns(func):
    with pytest.raises(ValueError, match="±1"):
        func([[1, 0, 1]])
    with pytest.raises(ValueError, match="NaN"):
        func([[1.0, np.nan, 1.0]])
    with pytest.raises(ValueError, match="empty"):
        func(np.zeros((0, 5)))
    with pytest.raises(ValueError, match="2-D"):
        func(np.ones((2, 2, 2)))


def test_rules_do_not_mutate_input(rng):
    x = hf.patterns.random(4, 10, rng=rng)
    before = x.copy()
    for func in (hf.rules.hebb, hf.rules.storkey, hf.rules.pseudoinverse):
        func(x)
    hf.rules.mackay(x, n_iter=3)
    assert_array_equal(x, before)
