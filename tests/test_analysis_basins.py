"""Basins of attraction and random-start surveys (Hopfield 1982, THEORY.md §1)."""

import numpy as np
import pytest

import hopfield as hf
from hopfield import analysis as an


def test_basin_radius_low_load_is_wide():
    x = hf.patterns.random(5, 100, rng=0)
    net = hf.HopfieldNetwork(100)
    net.store(x)
    b = an.basin_radius(net, trials=20, radii=np.arange(0, 51, 2), rng=1)
    assert np.all(b.radius >= 20)  # N = 100, n = 5: basins reach ~1/3 of the bits
    assert np.all(b.radius <= 50)
    assert np.all(b.success[:, 0] == 1.0)
    assert b.success.shape == (5, 26) and b.trials == 20


def test_hopfield1982_probes_within_five_bits():
    # N = 30, n = 5: probes within Hamming distance <= 5 reach the memory most of the time
    hits = []
    for seed in range(10):
        x = hf.patterns.random(5, 30, rng=seed)
        net = hf.HopfieldNetwork(30)
        net.store(x)
        b = an.basin_radius(net, trials=40, radii=[5], probability=0.5, rng=seed)
        hits.append(b.success[:, 0])
    assert np.mean(hits) >= 0.6  # Hopfield: > 90 % "to the nearest memory"; soft check


def test_basin_radius_shrinks_with_load():
    rng = np.random.default_rng(2)
    radii = []
    for p in (5, 20):
        x = hf.patterns.random(p, 200, rng=rng)
        net = hf.HopfieldNetwork(200)
        net.store(x)
        radii.append(np.mean(an.basin_radius(net, x[:5], trials=10, radii=np.arange(0, 101, 5),
                                             rng=rng).radius))
    assert radii[0] > radii[1] + 10


def test_unstable_pattern_has_radius_minus_one():
    x = hf.patterns.random(60, 100, rng=3)  # alpha = 0.6: patterns are not fixed points
    net = hf.HopfieldNetwork(100)
    net.store(x)
    b = an.basin_radius(net, trials=2, rng=0)
    assert np.mean(b.radius == -1) > 0.9
    assert np.isnan(b.success[:, -1]).all()  # scan stopped early


def test_random_start_survey_soft_hopfield1982():
    counts = {}
    for seed in range(10):
        x = hf.patterns.random(5, 30, rng=seed)
        net = hf.HopfieldNetwork(30)
        net.store(x)
        s = an.random_start_survey(net, 200, rng=seed)
        assert sum(s.counts.values()) == 200 and s.kinds.shape == (200,)
        for k, v in s.counts.items():
            counts[k] = counts.get(k, 0) + v
    total = sum(counts.values())
    memories = (counts.get("pattern", 0) + counts.get("negated", 0)) / total
    near = counts.get("near", 0) / total
    # Hopfield's 1982 0/1 model reports ~85 % memories + 5 % near; the ±1 network at N = 30
    # lands ~50 % exactly on memories, ~12 % near and most of the rest in 3-mixtures
    assert memories + near >= 0.5
    assert abs(counts.get("pattern", 0) - counts.get("negated", 0)) / total < 0.08  # E(-s) = E(s)
    assert counts.get("unconverged", 0) == 0


def test_survey_counts_and_fraction():
    x = hf.patterns.random(2, 64, rng=5)
    net = hf.HopfieldNetwork(64)
    net.store(x)
    s = an.random_start_survey(net, 100, rng=6)
    assert s.fraction("pattern", "negated") > 0.9  # two patterns: almost every start ends on one
    assert s.n_distinct <= 6
    b = hf.HopfieldNetwork(64, states="binary")
    b.store(hf.patterns.to_binary(x))
    sb = an.random_start_survey(b, 100, rng=6)
    assert set(np.unique(sb.states)) <= {0, 1} and sb.fraction("pattern", "negated") > 0.9


def test_bad_inputs():
    net = hf.HopfieldNetwork(10)
    with pytest.raises(ValueError, match="no stored patterns"):
        an.basin_radius(net)
    with pytest.raises(ValueError, match="no stored patterns"):
        an.random_start_survey(net)
    net.store(hf.patterns.random(2, 10, rng=0))
    with pytest.raises(ValueError, match="radii"):
        an.basin_radius(net, radii=[3, 1])
    with pytest.raises(ValueError, match="radii"):
        an.basin_radius(net, radii=[0, 11])
    with pytest.raises(ValueError, match="probability"):
        an.basin_radius(net, probability=0.0)
    with pytest.raises(ValueError, match="patterns"):
        an.basin_radius(net, np.ones((2, 9)))
    with pytest.raises(ValueError, match="update"):
        an.random_start_survey(net, update="parallel")
    with pytest.raises(ValueError, match="near"):
        an.random_start_survey(net, near=-1)
    with pytest.raises(TypeError, match="net"):
        an.basin_radius(np.eye(3))
