"""Patterns: generation, corruption, conversions and overlaps, with property-based checks."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_array_equal

import hopfield as hf

bipolar = st.integers(1, 6).flatmap(
    lambda b: st.integers(1, 40).flatmap(
        lambda n: arrays(np.int8, (b, n), elements=st.sampled_from([-1, 1]))
    )
)


@given(bipolar, st.floats(0, 1), st.integers(0, 2**32 - 1))
@settings(max_examples=60, deadline=None)
def test_flip_changes_exactly_round_fraction_n_bits(x, fraction, seed):
    y = hf.patterns.flip(x, fraction, rng=seed)
    k = round(fraction * x.shape[1])
    assert_array_equal(hf.patterns.hamming(x, y), np.full(x.shape[0], k))
    assert np.allclose(hf.patterns.overlap(x, y), 1 - 2 * k / x.shape[1])


@given(bipolar)
@settings(max_examples=60, deadline=None)
def test_conversions_round_trip_and_overlap_identities(x):
    v = hf.patterns.to_binary(x)
    assert set(np.unique(v)) <= {0, 1}
    assert_array_equal(hf.patterns.to_bipolar(v), x)
    n = x.shape[1]
    assert_array_equal(hf.patterns.overlap(x, x), np.ones(x.shape[0]))
    assert_array_equal(hf.patterns.overlap(x, -x), -np.ones(x.shape[0]))
    # m = 1 − 2 d / N links overlap and Hamming distance
    y = x[::-1]
    assert np.allclose(hf.patterns.overlap(x, y), 1 - 2 * hf.patterns.hamming(x, y) / n)
    m = hf.patterns.overlaps(x, y)
    assert m.shape == (x.shape[0], x.shape[0])
    assert np.allclose(np.diag(m), hf.patterns.overlap(x, y))


@given(bipolar)
@settings(max_examples=40, deadline=None)
def test_energy_is_even_at_zero_threshold_and_hebb_symmetric(x):
    w = hf.rules.hebb(x)
    net = hf.HopfieldNetwork.from_weights(w)
    assert np.allclose(net.energy(x), net.energy(-x))
    assert np.array_equal(w, w.T)


def test_random_bias_sets_mean(rng):
    x = hf.patterns.random(200, 500, bias=0.4, rng=rng)
    assert x.dtype == np.int8 and set(np.unique(x)) == {-1, 1}
    assert abs(x.mean() - 0.4) < 0.01
    assert_array_equal(hf.patterns.random(3, 7, rng=5), hf.patterns.random(3, 7, rng=5))


def test_flip_by_count_and_single_row(rng):
    x = hf.patterns.random(1, 30, rng=rng)[0]
    y = hf.patterns.flip(x, n_flips=4, rng=rng)
    assert y.shape == (30,) and hf.patterns.hamming(x, y) == 4
    with pytest.raises(ValueError, match="exactly one"):
        hf.patterns.flip(x, 0.1, n_flips=2)
    with pytest.raises(ValueError, match="n_flips"):
        hf.patterns.flip(x, n_flips=31)
    with pytest.raises(ValueError, match="fraction"):
        hf.patterns.flip(x, 1.5)


def test_mask_block_and_fraction(rng):
    x = hf.patterns.random(3, 20, rng=rng)
    before = x.copy()
    m = hf.patterns.mask(x, block=(10, 20))
    assert (m[:, 10:] == -1).all()
    assert_array_equal(m[:, :10], x[:, :10])
    m0 = hf.patterns.mask(x.astype(float), 0.25, value=0.0, rng=rng)
    assert_array_equal(np.count_nonzero(m0 == 0, axis=1), [5, 5, 5])
    assert_array_equal(x, before)
    with pytest.raises(ValueError, match="block"):
        hf.patterns.mask(x, block=(5, 5))


def test_functions_never_mutate_inputs(rng):
    x = hf.patterns.random(4, 16, rng=rng)
    before = x.copy()
    hf.patterns.flip(x, 0.5, rng=rng)
    hf.patterns.mask(x, 0.5, rng=rng)
    hf.patterns.to_binary(x)
    hf.patterns.gaussian_noise(x, 0.3, rng=rng)
    assert_array_equal(x, before)


def test_bad_inputs():
    with pytest.raises(ValueError, match="±1"):
        hf.patterns.flip([[0, 1]], 0.5)
    with pytest.raises(ValueError, match="0/1"):
        hf.patterns.to_bipolar([2, 0])
    with pytest.raises(ValueError, match="neurons"):
        hf.patterns.overlap(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="rows"):
        hf.patterns.overlap(np.ones((2, 3)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="NaN"):
        hf.patterns.overlaps(np.ones((2, 3)), [1.0, np.nan, 1.0])
    with pytest.raises(ValueError, match="bias"):
        hf.patterns.random(2, 3, bias=2.0)
    with pytest.raises(TypeError, match="n_neurons"):
        hf.patterns.random(2, 3.5)


def test_datasets_letters_digits_shapes():
    letters = hf.datasets.letters()
    assert len(letters) == 26 and letters.shape == (7, 7)
    assert letters.patterns.shape == (26, 49) and letters.patterns.dtype == np.int8
    assert len({p.tobytes() for p in letters.patterns}) == 26  # all distinct
    ti = hf.datasets.letters("TI", scale=2)
    assert ti.shape == (14, 14) and ti.names == ("T", "I")
    assert_array_equal(ti["T"].reshape(14, 14)[::2, ::2].ravel(), letters["T"])
    assert len(hf.datasets.digits()) == 10
    shapes = hf.datasets.shapes(8)
    assert {"checkerboard", "l_shape"} <= set(shapes.names)
    cb = shapes["checkerboard"].reshape(8, 8)
    assert (cb[:, 1:] == -cb[:, :-1]).all()
    with pytest.raises(KeyError, match="no glyph"):
        hf.datasets.letters("a")
    with pytest.raises(KeyError, match="no pattern"):
        letters["?"]


def test_random_in_blocks_is_one_stream():
    """Large pattern sets are drawn in row blocks; the result is the single-draw stream."""
    gen = np.random.default_rng(3)
    want = np.where(gen.random((300, 40000)) < 0.5, 1, -1).astype(np.int8)
    assert np.array_equal(hf.patterns.random(300, 40000, rng=3), want)
