"""Kosko BAM: recall of stored pairs from either side and from corrupted cues; energy descent."""

import numpy as np
import pytest

import hopfield as hf
from hopfield.bam import BidirectionalAssociativeMemory as BAM


def _bam(rng, p=4, nx=100, ny=80):
    x = hf.patterns.random(p, nx, rng=rng)
    y = hf.patterns.random(p, ny, rng=rng)
    bam = BAM(nx, ny)
    bam.store(x, y)
    return bam, x, y


def test_weights_are_sum_of_outer_products(rng):
    bam, x, y = _bam(rng, p=3, nx=5, ny=4)
    expected = sum(np.outer(y[m], x[m]) for m in range(3))
    np.testing.assert_array_equal(bam.weights, expected)
    assert bam.n_pairs == 3 and bam.weights.shape == (4, 5)
    np.testing.assert_allclose(bam.energy(x[0], y[0]), -y[0] @ expected @ x[0])


def test_recall_from_either_side(rng):
    bam, x, y = _bam(rng)
    r = bam.recall(x=x)
    np.testing.assert_array_equal(r.y, y)
    np.testing.assert_array_equal(r.x, x)
    assert r.success and np.all(r.iterations == 1)
    r2 = bam.recall(y=y)
    np.testing.assert_array_equal(r2.x, x)
    np.testing.assert_array_equal(r2.y, y)
    single = bam.recall(y=y[2])
    assert single.x.shape == (100,) and isinstance(single.converged, bool)
    np.testing.assert_array_equal(single.x, x[2])


def test_recall_from_corrupted_cues(rng):
    bam, x, y = _bam(rng)
    rx = bam.recall(x=hf.patterns.flip(x, 0.2, rng=rng))
    np.testing.assert_array_equal(rx.y, y)
    np.testing.assert_array_equal(rx.x, x)
    ry = bam.recall(y=hf.patterns.flip(y, 0.2, rng=rng))
    np.testing.assert_array_equal(ry.x, x)
    both = bam.recall(x=hf.patterns.flip(x, 0.25, rng=rng), y=hf.patterns.flip(y, 0.25, rng=rng))
    np.testing.assert_array_equal(both.x, x)
    np.testing.assert_array_equal(both.y, y)


def test_ties_keep_the_current_state():
    # W = [[1, 1]]: the cue x = (1, -1) gives y an input of exactly 0
    bam = BAM.from_weights(np.array([[1.0, 1.0]]))
    down = bam.recall(x=[1, -1], y=[-1])  # y keeps -1, then x = sgn(Wᵀy) = (-1, -1)
    np.testing.assert_array_equal(down.y, [-1])
    np.testing.assert_array_equal(down.x, [-1, -1])
    up = bam.recall(x=[1, -1], y=[1])  # y keeps +1, then x = (1, 1)
    np.testing.assert_array_equal(up.y, [1])
    np.testing.assert_array_equal(up.x, [1, 1])
    assert down.converged and up.converged
    # with no y yet, a tie gives +1
    np.testing.assert_array_equal(bam.recall(x=[1, -1]).y, [1])
    # W = 0: every input is 0, so nothing ever changes
    zero = BAM.from_weights(np.zeros((2, 3)))
    r = zero.recall(x=[1, -1, 1], y=[-1, 1])
    np.testing.assert_array_equal(r.x, [1, -1, 1])
    np.testing.assert_array_equal(r.y, [-1, 1])
    np.testing.assert_array_equal(zero.recall(y=[-1, 1]).x, [1, 1, 1])


def test_energy_never_increases_and_ends_stable(rng):
    bam, _, _ = _bam(rng, p=12, nx=40, ny=30)  # overloaded: many spurious stable pairs
    cues = np.where(rng.random((50, 40)) < 0.5, 1, -1)
    r = bam.recall(x=cues, max_iter=50)
    assert np.all(np.diff(r.energy_trace, axis=1) <= 1e-9)
    assert r.success
    w = bam.weights
    # stable pair: each side is the sign of the other's input (ties aside)
    assert np.all((r.x @ w.T) * r.y >= 0) and np.all((r.y @ w) * r.x >= 0)
    np.testing.assert_allclose(r.energy, r.energy_trace[:, -1])
    np.testing.assert_allclose(r.energy, bam.energy(r.x, r.y))


def test_incremental_store_and_from_weights(rng):
    x = hf.patterns.random(3, 20, rng=rng)
    y = hf.patterns.random(3, 10, rng=rng)
    a = BAM(20, 10)
    a.store(x, y)
    b = BAM(20, 10)
    for k in range(3):
        b.store(x[k], y[k])
    np.testing.assert_array_equal(a.weights, b.weights)
    c = BAM.from_weights(a.weights)
    assert (c.n_x, c.n_y) == (20, 10)


def test_cues_not_mutated(rng):
    bam, x, _ = _bam(rng)
    cue = hf.patterns.flip(x, 0.1, rng=rng)
    before = cue.copy()
    bam.recall(x=cue)
    np.testing.assert_array_equal(cue, before)


def test_bad_inputs(rng):
    bam, x, y = _bam(rng, p=2, nx=6, ny=4)
    with pytest.raises(ValueError, match="cue"):
        bam.recall()
    with pytest.raises(ValueError, match="`x`"):
        bam.recall(x=np.ones(5))
    with pytest.raises(ValueError, match="±1"):
        bam.recall(y=np.zeros(4))
    with pytest.raises(ValueError, match="pairs must match"):
        bam.store(x, y[:1])
    with pytest.raises(ValueError, match="batch"):
        bam.recall(x=x, y=y[:1])
    with pytest.raises(ValueError, match="n_x"):
        BAM(0, 3)
    with pytest.raises(ValueError, match="max_iter"):
        bam.recall(x=x, max_iter=0)
    with pytest.raises(ValueError, match="NaN"):
        BAM.from_weights([[np.nan, 1.0]])


def test_save_load_round_trip(tmp_path, rng):
    bam, x, y = _bam(rng, p=3, nx=30, ny=20)
    hf.save(bam, tmp_path / "bam.npz")
    back = hf.load(tmp_path / "bam.npz")
    assert isinstance(back, BAM) and back.n_pairs == 3
    np.testing.assert_array_equal(back.weights, bam.weights)
    np.testing.assert_array_equal(back.recall(x=x).y, y)


def test_store_chains_and_recall_needs_weights():
    x = hf.patterns.random(2, 12, rng=0)
    y = hf.patterns.random(2, 6, rng=1)
    bam = hf.BidirectionalAssociativeMemory(12, 6)
    with pytest.raises(ValueError, match="no weights yet"):
        bam.recall(x=x[0])
    assert bam.store(x, y) is bam
    np.testing.assert_array_equal(bam.recall(x=x[0]).y, y[0])
