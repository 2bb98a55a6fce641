"""Spurious states: negations and symmetric odd mixtures (THEORY.md §3), and the classifier."""

import numpy as np
import pytest

import hopfield as hf
from hopfield import analysis as an


def _net(p, n, rng):
    x = hf.patterns.random(p, n, rng=rng)
    net = hf.HopfieldNetwork(n)
    net.store(x)
    return net, x


def test_three_mixture_n5000():
    net, x = _net(3, 5000, 0)
    mix = an.mixture_state(x)
    assert net.is_fixed_point(mix)
    m = hf.patterns.overlaps(x, mix)
    assert np.all(np.abs(m - 0.5) <= 0.03)
    assert abs(net.energy(mix) / 5000 + 0.375) <= 0.01
    for mu in range(3):
        assert abs(net.energy(x[mu]) / 5000 + 0.5) <= 0.01
        assert net.is_fixed_point(-x[mu])
        assert net.energy(-x[mu]) == pytest.approx(net.energy(x[mu]))
    # the classifier names them
    c = an.classify(np.stack([mix, x[1], -x[2], -mix]), x)
    assert c.kind.tolist() == ["mixture-3", "pattern", "negated", "mixture-3"]
    assert c.components[0] == (0, 1, 2) and c.signs[0] == (1, 1, 1) and c.signs[3] == (-1, -1, -1)
    assert c.order.tolist() == [3, 1, 1, 3] and np.all(c.hamming == 0)


def test_mixture_table_orders_1_to_7():
    net, _ = _net(7, 2000, 1)
    t = an.mixture_table(net, max_per_order=12, rng=0)
    assert t.k.tolist() == [1, 3, 5, 7]
    np.testing.assert_allclose(t.overlap, [1, 0.5, 0.375, 0.3125], atol=0.03)
    np.testing.assert_allclose(t.energy, [-0.5, -0.375, -0.3516, -0.3418], atol=0.012)
    np.testing.assert_array_equal(t.overlap_theory, [1, 0.5, 0.375, 0.3125])
    assert np.all(t.fixed_fraction >= 0.9)  # odd mixtures are fixed points at low load
    assert t.count.tolist() == [7, 12, 12, 12]


def test_even_mixture_is_not_fixed_point():
    # sgn(ξ1 + ξ2 + ξ3 + ξ4) with ties broken to +1 is unstable (THEORY §3: even mixtures unstable)
    net, x = _net(4, 2000, 2)
    even = np.where(x.sum(axis=0) >= 0, 1, -1)
    assert not net.is_fixed_point(even)


def test_symmetric_mixture_enumeration():
    x = hf.patterns.random(5, 64, rng=3)
    st, comps, sg = an.symmetric_mixtures(x, 3)
    assert st.shape == (10 * 4, 64) and comps.shape == (40, 3) and np.all(sg[:, 0] == 1)
    for s, c, e in zip(st, comps, sg, strict=True):
        np.testing.assert_array_equal(s, np.sign(e @ x[c]))
    st1, _, _ = an.symmetric_mixtures(x, 3, signs=False)
    assert st1.shape == (10, 64)
    st2, _, _ = an.symmetric_mixtures(x, 5, max_count=3, rng=0)
    assert st2.shape == (3, 64)


def test_classify_other_and_tolerance(rng):
    x = hf.patterns.random(5, 200, rng=rng)
    r = np.where(rng.random(200) < 0.5, 1, -1)
    near = x[0].copy()
    near[:3] *= -1
    c = an.classify(np.stack([r, near]), x)
    assert c.kind.tolist() == ["other", "other"]
    c2 = an.classify(near, x, tol=0.02)
    assert c2.kind.tolist() == ["pattern"] and c2.hamming.tolist() == [3]
    mix5 = an.mixture_state(x, [0, 1, 2, 3, 4], signs=[1, -1, 1, 1, -1])
    c3 = an.classify(mix5, x)
    assert c3.kind.tolist() == ["mixture-5"] and c3.signs[0] == (1, -1, 1, 1, -1)
    assert an.classify(mix5, x, max_order=3).kind.tolist() == ["other"]


def test_binary_network_mixture_table():
    x = hf.patterns.random(3, 1000, rng=4)
    net = hf.HopfieldNetwork(1000, states="binary")
    net.store(hf.patterns.to_binary(x))
    t = an.mixture_table(net, (1, 3))
    np.testing.assert_allclose(t.overlap, [1, 0.5], atol=0.05)
    assert np.all(t.fixed_fraction == 1)


def test_bad_inputs():
    x = hf.patterns.random(4, 20, rng=0)
    with pytest.raises(ValueError, match="odd"):
        an.mixture_state(x, [0, 1])
    with pytest.raises(ValueError, match="indices"):
        an.mixture_state(x, [0, 7, 1])
    with pytest.raises(ValueError, match="distinct"):
        an.mixture_state(x, [0, 0, 1])
    with pytest.raises(ValueError, match="signs"):
        an.mixture_state(x, [0, 1, 2], signs=[1, 2, 1])
    with pytest.raises(ValueError, match="±1"):
        an.mixture_state(x * 2)
    with pytest.raises(ValueError, match="neurons"):
        an.classify(np.ones(21), x)
    with pytest.raises(ValueError, match="tol"):
        an.classify(x[0], x, tol=0.7)
    with pytest.raises(ValueError, match="k"):
        an.symmetric_mixtures(x, 2)
    with pytest.raises(ValueError, match="k"):
        an.symmetric_mixtures(x, 5)
    with pytest.raises(ValueError, match="no stored patterns"):
        an.mixture_table(hf.HopfieldNetwork(5))
    with pytest.raises(TypeError, match="net"):
        an.mixture_table(x)
    net = hf.HopfieldNetwork(20)
    net.store(x[:2])
    with pytest.raises(ValueError, match="orders"):
        an.mixture_table(net, (3,))
    with pytest.raises(ValueError, match="odd"):
        an.mixture_table(net, (1, 2))
