"""Auto- and hetero-association in one matrix over [a; b], compared with Kosko's BAM."""

import numpy as np
import pytest

import hopfield as hf
from hopfield.association import PairedAssociativeMemory


def _pairs(rng, p, na=100, nb=100):
    return hf.patterns.random(p, na, rng=rng), hf.patterns.random(p, nb, rng=rng)


def test_weights_are_the_weighted_blocks(rng):
    a, b = _pairs(rng, 4, 6, 5)
    mem = PairedAssociativeMemory(6, 5, auto=0.3, hetero=2.0).store(a, b)
    x = np.concatenate([a, b], axis=1).astype(float)
    scale = np.full((11, 11), 0.3)
    scale[:6, 6:] = scale[6:, :6] = 2.0
    want = scale * (x.T @ x) / 11
    np.fill_diagonal(want, 0.0)
    np.testing.assert_allclose(mem.weights, want, atol=1e-14)
    # equal weights: Hebb's rule on the concatenated patterns
    full = PairedAssociativeMemory(6, 5).store(a[:2], b[:2]).store(a[2:], b[2:])
    np.testing.assert_allclose(full.weights, hf.rules.hebb(np.concatenate([a, b], axis=1)), atol=1e-14)
    e = full.energy(a, b)
    np.testing.assert_allclose(e, [-0.5 * xi @ full.weights @ xi for xi in x], atol=1e-12)


def test_cue_a_completes_b_and_cue_b_completes_a(rng):
    a, b = _pairs(rng, 8)
    mem = PairedAssociativeMemory(100, 100).store(a, b)
    forward = mem.recall(a=hf.patterns.flip(a, 0.1, rng=rng), clamp_cue=False, rng=rng)
    np.testing.assert_array_equal(forward.b, b)
    np.testing.assert_array_equal(forward.a, a)  # the noisy cue is corrected too
    backward = mem.recall(b=b, update="async", rng=rng)
    np.testing.assert_array_equal(backward.a, a)
    np.testing.assert_array_equal(backward.b, b)  # clamped
    assert np.all(backward.converged)


def test_without_auto_weights_sync_recall_is_the_bam_exactly(rng):
    """γ_auto = 0 leaves only the a–b blocks: parallel updates of [a; b] from [a; sgn(W_ba a)] pass
    through the BAM's half-steps, so both end in the same pair, bit for bit, at every load."""
    for p in (10, 25, 40):
        a, b = _pairs(rng, p)
        cues = hf.patterns.flip(a, 0.2, rng=rng)
        bam = hf.BidirectionalAssociativeMemory(100, 100)
        bam.store(a, b)
        want = bam.recall(x=cues, max_iter=200)
        mem = PairedAssociativeMemory(100, 100, auto=0.0).store(a, b)
        got = mem.recall(a=cues, clamp_cue=False, max_sweeps=400)
        np.testing.assert_array_equal(got.b, want.y)
        np.testing.assert_array_equal(got.a, want.x)
        # with the cue clamped the answer is the BAM's first half-step, sgn(W a)
        one = mem.recall(a=cues)
        np.testing.assert_array_equal(one.b, bam.recall(x=cues, max_iter=1).y)


def test_the_single_memory_beats_the_bam_at_high_load(rng):
    """Rizzuto & Kahana's point in network terms: storing the pair as one pattern (γ_auto = γ_hetero)
    recalls b more often than separate hetero links (the BAM) at 20 pairs in 100 + 100 neurons,
    beyond Monte-Carlo error over 8 independent sets of pairs."""
    full_hits, bam_hits = [], []
    for _ in range(8):
        a, b = _pairs(rng, 20)
        cues = hf.patterns.flip(a, 0.2, rng=rng)
        bam = hf.BidirectionalAssociativeMemory(100, 100)
        bam.store(a, b)
        bam_hits.append(np.all(bam.recall(x=cues).y == b, axis=1))
        mem = PairedAssociativeMemory(100, 100).store(a, b)
        full_hits.append(np.all(mem.recall(a=cues, clamp_cue=False).b == b, axis=1))
    full, pair = np.concatenate(full_hits), np.concatenate(bam_hits)
    se = np.sqrt(full.var() / full.size + pair.var() / pair.size)
    assert full.mean() - pair.mean() > 3 * se


def test_hetero_weight_zero_cannot_complete(rng):
    a, b = _pairs(rng, 6)
    mem = PairedAssociativeMemory(100, 100, hetero=0.0).store(a, b)
    r = mem.recall(a=a)
    assert np.mean(np.abs(np.sum(r.b * b, axis=1)) / 100) < 0.5  # nothing links a to b


def test_bad_input_is_named(rng):
    mem = PairedAssociativeMemory(4, 3)
    with pytest.raises(ValueError, match="no pairs yet"):
        mem.recall(a=np.ones(4))
    with pytest.raises(ValueError, match="pairs must match"):
        mem.store(np.ones((2, 4)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="`auto` == -1"):
        PairedAssociativeMemory(4, 3, auto=-1)
    mem.store(np.ones(4), -np.ones(3))
    with pytest.raises(ValueError, match="give a cue"):
        mem.recall()
    cue = np.array([1, -1, 1, 1], dtype=np.int8)
    mem.recall(a=cue)
    assert cue.tolist() == [1, -1, 1, 1]


def test_save_and_load_bit_exact(tmp_path, rng):
    a, b = _pairs(rng, 5, 20, 12)
    mem = PairedAssociativeMemory(20, 12, auto=0.5, hetero=1.5).store(a, b)
    hf.save(mem, tmp_path / "p.npz")
    back = hf.load(tmp_path / "p.npz")
    np.testing.assert_array_equal(back.weights, mem.weights)
    assert (back.n_a, back.n_b, back.n_pairs) == (20, 12, 5) and "auto=0.5" in repr(back)
