"""Sequence memory: W = (1/N) Σ ξ^{μ+1} ξ^{μᵀ} replays a stored cycle of length L with period L under
synchronous updates; the symmetric + delayed asymmetric network advances under asynchronous updates
for λ > 1 only, dwelling τ sweeps in each pattern."""

import numpy as np
import pytest

import hopfield as hf
from hopfield.sequence import SequenceMemory


def test_asymmetric_weights_match_the_outer_product_sum(rng):
    x = hf.patterns.random(4, 30, rng=rng)
    mem = SequenceMemory(30).store(x, cyclic=True)
    want = sum(np.outer(x[(m + 1) % 4], x[m]) for m in range(4)) / 30.0
    np.fill_diagonal(want, 0.0)
    np.testing.assert_allclose(mem.asymmetric_weights, want, atol=1e-15)
    assert not np.allclose(mem.asymmetric_weights, mem.asymmetric_weights.T)
    np.testing.assert_allclose(mem.symmetric_weights, hf.rules.hebb(x), atol=1e-15)
    open_mem = SequenceMemory(30).store(x, cyclic=False)
    want_open = sum(np.outer(x[m + 1], x[m]) for m in range(3)) / 30.0
    np.fill_diagonal(want_open, 0.0)
    np.testing.assert_allclose(open_mem.asymmetric_weights, want_open, atol=1e-15)
    assert open_mem.successor.tolist() == [1, 2, 3, -1] and mem.successor.tolist() == [1, 2, 3, 0]


@pytest.mark.parametrize("length", [2, 3, 5, 8])
def test_a_stored_cycle_of_length_l_is_replayed_with_period_l(rng, length):
    n = 400
    x = hf.patterns.random(length, n, rng=rng)
    mem = SequenceMemory(n).store(x)
    r = mem.replay(x[0], n_steps=3 * length)
    assert r.period == length and r.transient == 0
    assert r.pattern.tolist() == [t % length for t in range(3 * length + 1)]
    np.testing.assert_array_equal(r.cycle, x)  # the cycle is the stored sequence, in order
    assert "period" in r.message and str(length) in r.message


def test_a_noisy_cue_joins_the_cycle_at_its_successor(rng):
    n, length = 400, 6
    x = hf.patterns.random(length, n, rng=rng)
    mem = SequenceMemory(n).store(x)
    r = mem.replay(hf.patterns.flip(x[2], 0.25, rng=rng))
    assert r.period == length and r.transient <= 1
    assert r.pattern[1:length + 1].tolist() == [(3 + t) % length for t in range(length)]


def test_two_sequences_are_two_cycles_and_an_open_sequence_stops(rng):
    n = 500
    a, b = hf.patterns.random(3, n, rng=rng), hf.patterns.random(4, n, rng=rng)
    mem = SequenceMemory(n).store(a).store(b)
    assert mem.replay(a[1]).period == 3 and mem.replay(b[0]).period == 4
    assert set(mem.replay(b[2], n_steps=8).pattern.tolist()) == {3, 4, 5, 6}
    end = SequenceMemory(n).store(a, cyclic=False).replay(a[0], n_steps=4)
    assert end.pattern[:3].tolist() == [0, 1, 2] and end.pattern[3] == -1  # nothing follows ξ³


@pytest.mark.parametrize("tau", [4, 9])
def test_delayed_asymmetry_advances_with_dwell_tau(rng, tau):
    n, length = 400, 5
    x = hf.patterns.random(length, n, rng=rng)
    mem = SequenceMemory(n).store(x)
    d = mem.run_delayed(x[0], lam=2.0, tau=tau, n_sweeps=8 * tau, rng=rng)
    visits = d.visits.tolist()
    assert len(visits) >= 5
    assert visits == [t % length for t in range(len(visits))]  # the stored order
    assert np.all(np.abs(d.dwell - tau) <= 1)  # s̄ = s(t − τ) catches up after τ sweeps


def test_no_transition_below_lambda_one(rng):
    n = 400
    x = hf.patterns.random(5, n, rng=rng)
    mem = SequenceMemory(n).store(x)
    for lam in (0.0, 0.6):
        d = mem.run_delayed(x[0], lam=lam, tau=5, n_sweeps=40, rng=rng)
        assert d.visits.tolist() == [0]
    slow = mem.run_delayed(x[0], lam=2.0, tau=6, n_sweeps=60, memory="exponential", rng=rng)
    assert slow.visits.tolist()[:4] == [0, 1, 2, 3]


def test_symmetric_weights_alone_have_no_cycle(rng):
    """With W = J^s (a Hopfield network) a stored pattern is a fixed point, not a cycle."""
    n = 300
    x = hf.patterns.random(4, n, rng=rng)
    net = hf.HopfieldNetwork.from_weights(SequenceMemory(n).store(x).symmetric_weights)
    assert hf.dynamics.orbit(net, x[0]).period == 1


def test_bad_input_is_named(rng):
    mem = SequenceMemory(10)
    with pytest.raises(ValueError, match="no sequence yet"):
        mem.replay(np.ones(10))
    with pytest.raises(ValueError, match="at least 2 patterns"):
        mem.store(np.ones(10))
    mem.store(hf.patterns.random(3, 10, rng=rng))
    with pytest.raises(ValueError, match="one 1-D state"):
        mem.replay(np.ones((2, 10)))
    with pytest.raises(ValueError, match="`memory` must be one of"):
        mem.run_delayed(np.ones(10), memory="slow")
    with pytest.raises(ValueError, match="`tau` == 0"):
        mem.run_delayed(np.ones(10), tau=0)


def test_save_and_load_bit_exact(tmp_path, rng):
    x = hf.patterns.random(4, 50, rng=rng)
    mem = SequenceMemory(50).store(x).store(x[:2], cyclic=False)
    hf.save(mem, tmp_path / "s.npz")
    back = hf.load(tmp_path / "s.npz")
    np.testing.assert_array_equal(back.asymmetric_weights, mem.asymmetric_weights)
    np.testing.assert_array_equal(back.symmetric_weights, mem.symmetric_weights)
    np.testing.assert_array_equal(back.successor, mem.successor)
    assert back.replay(x[0]).period == mem.replay(x[0]).period
