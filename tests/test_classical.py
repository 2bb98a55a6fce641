"""The classical network: THEORY.md §1 (energy, convergence, 0/1 ↔ ±1) and the recall API."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import hopfield as hf
from naive import all_states, energy, sequential_recall
from naive import hebb as naive_hebb


def _random_symmetric(rng, n, *, diag="zero"):
    w = rng.normal(size=(n, n))
    w = (w + w.T) / 2
    if diag == "zero":
        np.fill_diagonal(w, 0.0)
    else:
        np.fill_diagonal(w, np.abs(np.diag(w)))
    return w


# ---------------------------------------------------------------- energy and convergence (§1)
@pytest.mark.parametrize("diag", ["zero", "positive"])
@pytest.mark.parametrize("update", ["async", "sequential"])
def test_async_energy_never_increases(rng, diag, update):
    """§1 test (a): symmetric W, w_ii ≥ 0, random θ: E never increases, ends at a fixed point."""
    n = 40
    net = hf.HopfieldNetwork.from_weights(_random_symmetric(rng, n, diag=diag), rng.normal(size=n))
    probes = rng.choice(np.array([-1, 1], dtype=np.int8), size=(50, n))
    r = net.recall(probes, update=update, trace=True, rng=rng, max_sweeps=200)
    assert np.all(np.diff(r.energy_trace, axis=1) <= 1e-9)
    assert r.converged.all() and (r.cycle_length == 1).all()
    assert net.is_fixed_point(r.states).all()
    assert_allclose(r.energy, net.energy(r.states), atol=1e-9)  # incremental ΔE stays exact
    assert_allclose(r.energy_trace[:, 0], net.energy(probes), atol=1e-9)


@pytest.mark.parametrize("n", [6, 9, 12])
def test_sync_orbits_have_period_at_most_two(rng, n):
    """§1 test (b): symmetric W, every synchronous orbit ends with period 1 or 2 (exhaustive)."""
    net = hf.HopfieldNetwork.from_weights(_random_symmetric(rng, n), rng.normal(size=n) * 0.3)
    states = all_states(n)
    r = net.recall(states, update="sync", max_sweeps=2**n)
    assert set(np.unique(r.cycle_length)) <= {1, 2}
    periods = {hf.dynamics.orbit(net, s).period for s in states[:: max(1, 2**n // 256)]}
    assert periods <= {1, 2}


def test_sync_two_cycle_exists_and_is_reported():
    w = np.array([[0.0, -1.0], [-1.0, 0.0]])
    net = hf.HopfieldNetwork.from_weights(w)
    r = net.recall([1, 1], update="sync")
    assert r.cycle_length == 2 and not r.converged and r.sweeps == 2
    assert "2-cycle" in r.message


def test_antisymmetric_weights_give_period_four(rng):
    """§1 test (b): random antisymmetric W, θ = 0, N = 10: every orbit has period 4."""
    for _ in range(3):
        a = rng.normal(size=(10, 10))
        net = hf.HopfieldNetwork.from_weights(a - a.T)
        assert {hf.dynamics.orbit(net, s).period for s in all_states(10)} == {4}
        r = net.recall(all_states(10)[:20], update="sync", max_sweeps=30)
        assert (r.cycle_length == 0).all() and not r.converged.any()


def test_goles_lyapunov_function_never_increases(rng):
    n = 30
    w, theta = _random_symmetric(rng, n), rng.normal(size=n)
    net = hf.HopfieldNetwork.from_weights(w, theta)
    s_prev = rng.choice(np.array([-1, 1], dtype=np.int8), size=n)
    s = net.recall(s_prev, update="sync", max_sweeps=1).states
    lyap = []
    for _ in range(20):
        lyap.append(-s @ w @ s_prev + theta @ (s + s_prev))
        s_prev, s = s, net.recall(s, update="sync", max_sweeps=1).states
    assert np.all(np.diff(lyap) <= 1e-9)


def test_zero_one_equivalence_on_all_states(rng):
    """§1 test (c): W' = 2W, θ' = θ + W·1 gives the same trajectories, E± = 2E01 + const."""
    n = 8
    w, theta = _random_symmetric(rng, n), rng.normal(size=n)
    bip = hf.HopfieldNetwork.from_weights(w, theta)
    binary = hf.HopfieldNetwork.from_weights(2 * w, theta + w.sum(axis=1), states="binary")
    s = all_states(n)
    v = hf.patterns.to_binary(s)
    assert_allclose(bip.energy(s), 2 * binary.energy(v) - 0.5 * w.sum() - theta.sum(), atol=1e-12)
    for update in ("sequential", "sync"):
        a = bip.recall(s, update=update)
        b = binary.recall(v, update=update)
        assert_array_equal(hf.patterns.to_binary(a.states), b.states)
        assert_array_equal(a.sweeps, b.sweeps)
    a = bip.recall(s, update="async", rng=5, trace=True)
    b = binary.recall(v, update="async", rng=5, trace=True)
    assert_array_equal(hf.patterns.to_binary(a.states), b.states)
    assert_allclose(b.energy_trace, (a.energy_trace + 0.5 * w.sum() + theta.sum()) / 2, atol=1e-9)
    assert_allclose(binary.bipolar_weights, w)
    assert_allclose(binary.bipolar_thresholds, theta)


def test_binary_network_storing_01_patterns_matches_bipolar(rng):
    x = hf.patterns.random(4, 40, rng=rng)
    bip, binary = hf.HopfieldNetwork(40), hf.HopfieldNetwork(40, states="binary")
    bip.store(x)
    binary.store(hf.patterns.to_binary(x))
    assert_array_equal(binary.patterns, hf.patterns.to_binary(x))
    assert_allclose(binary.weights, 2 * bip.weights)
    probes = hf.patterns.flip(x, 0.15, rng=rng)
    a = bip.recall(probes, rng=3)
    b = binary.recall(hf.patterns.to_binary(probes), rng=3)
    assert_array_equal(hf.patterns.to_binary(a.states), b.states)
    # Hopfield's eq. 2 with U = 0 in 0/1 variables is *not* the threshold-0 ±1 network
    assert not np.allclose(binary.thresholds, 0)


def test_hebb_recall_n1000_p100():
    """§1 test (d): N=1000, p=100, 10 % flipped, async to convergence: ≥ 99 % bits correct."""
    x = hf.patterns.random(100, 1000, rng=0)
    net = hf.HopfieldNetwork(1000)
    net.store(x)
    r = net.recall(hf.patterns.flip(x[:20], 0.1, rng=1), rng=2)
    correct = np.mean(r.states == x[:20], axis=1)
    assert correct.min() >= 0.99 and r.converged.all()


def test_negated_patterns_are_attractors_and_energy_is_even(rng):
    x = hf.patterns.random(3, 200, rng=rng)
    net = hf.HopfieldNetwork(200)
    net.store(x)
    s = rng.choice(np.array([-1, 1], dtype=np.int8), size=(30, 200))
    assert_allclose(net.energy(s), net.energy(-s))
    assert net.is_fixed_point(-x).all()
    assert_allclose(net.energy(-x), net.energy(x))


# ---------------------------------------------------------------- the kernel against references
def test_sequential_kernel_matches_naive_reference(rng):
    n = 25
    for theta_scale in (0.0, 0.5):
        w = _random_symmetric(rng, n)
        theta = rng.normal(size=n) * theta_scale
        net = hf.HopfieldNetwork.from_weights(w, theta)
        probes = rng.choice(np.array([-1, 1], dtype=np.int8), size=(20, n))
        r = net.recall(probes, update="sequential", max_sweeps=50)
        for k, p in enumerate(probes):
            s, sweeps, conv = sequential_recall(w, theta, p, 50)
            assert_array_equal(r.states[k], s)
            assert r.sweeps[k] == sweeps and r.converged[k] == conv


@pytest.mark.parametrize("normalize", ["n", "p", "none"])
def test_pattern_form_fields_equal_matrix_form(rng, normalize):
    """Hebb networks with P < N/2 compute fields from the patterns; results must not change."""
    x = hf.patterns.random(6, 80, rng=rng)
    net = hf.HopfieldNetwork(80, normalize=normalize)
    net.store(x)
    same = hf.HopfieldNetwork.from_weights(net.weights)
    probes = hf.patterns.flip(x, 0.3, rng=rng)
    for update in ("sequential", "sync"):
        a, b = net.recall(probes, update=update, trace=True), same.recall(probes, update=update, trace=True)
        assert_array_equal(a.states, b.states)
        assert_allclose(a.energy_trace, b.energy_trace, atol=1e-9)
    assert_allclose(net.local_field(probes), same.local_field(probes), atol=1e-12)


def test_tie_rules():
    # neuron 0's field is w01 + w02 = 1 − 1 = 0 exactly; neurons 1, 2 are clamped
    w = np.array([[0.0, 1.0, -1.0], [1.0, 0.0, 0.0], [-1.0, 0.0, 0.0]])
    net = hf.HopfieldNetwork.from_weights(w)
    clamp = np.array([False, True, True])
    for update in ("sequential", "async", "sync"):
        keep = net.recall([-1, 1, 1], update=update, clamp=clamp, rng=0)
        assert_array_equal(keep.states, [-1, 1, 1])
        assert keep.converged and keep.flips == 0
        plus = net.recall([-1, 1, 1], update=update, tie="+1", clamp=clamp, rng=0)
        assert_array_equal(plus.states, [1, 1, 1])
    assert net.is_fixed_point([-1, 1, 1]) is False  # neurons 1, 2 are not stable unclamped
    with pytest.raises(ValueError, match="`tie`"):
        net.recall([1, -1, 1], tie="zero")


def test_ties_are_exact_despite_rounding():
    # 0.1 + 0.2 − 0.3 is 5.6e-17 in floating point; the network must still see a tie
    w = np.zeros((4, 4))
    w[0, 1:] = w[1:, 0] = [0.1, 0.2, -0.3]
    net = hf.HopfieldNetwork.from_weights(w)
    assert 0.1 + 0.2 - 0.3 != 0.0
    clamp = np.array([False, True, True, True])
    r = net.recall([-1, 1, 1, 1], update="sequential", clamp=clamp)
    assert_array_equal(r.states, [-1, 1, 1, 1])
    r = net.recall([-1, 1, 1, 1], update="sequential", clamp=clamp, tie="+1")
    assert_array_equal(r.states, [1, 1, 1, 1])


def test_is_fixed_point_follows_the_tie_rule():
    # W = 0, θ = 0: every field is exactly 0, a tie at every neuron
    net = hf.HopfieldNetwork.from_weights(np.zeros((3, 3)))
    s = np.array([[1, 1, 1], [1, -1, 1], [-1, -1, -1]])
    assert_array_equal(net.is_fixed_point(s), [True, True, True])  # "keep": nothing changes
    assert_array_equal(net.is_fixed_point(s, tie="+1"), [True, False, False])  # -1 -> +1
    for tie in ("keep", "+1"):  # the same answer as one zero-temperature sweep
        r = net.recall(s, update="sequential", tie=tie, max_sweeps=1)
        assert_array_equal(r.flips == 0, net.is_fixed_point(s, tie=tie))
    # a tie on one neuron only: neuron 0 is uncoupled, neurons 1 and 2 are a stable ferromagnet
    w = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    tied = hf.HopfieldNetwork.from_weights(w)
    assert tied.is_fixed_point([1, 1, 1]) and tied.is_fixed_point([1, 1, 1], tie="+1")
    assert tied.is_fixed_point([-1, 1, 1]) and not tied.is_fixed_point([-1, 1, 1], tie="+1")
    assert not tied.is_fixed_point([1, 1, -1])


def test_local_field_with_thresholds(rng):
    n = 7
    w, theta = _random_symmetric(rng, n, diag="positive"), rng.normal(size=n)
    net = hf.HopfieldNetwork.from_weights(w, theta)
    s = all_states(n)[::5]
    assert_allclose(net.local_field(s), [[w[i] @ x - theta[i] for i in range(n)] for x in s],
                    atol=1e-12)
    # a 0/1 network's field in its own space: h'_i = Σ_j W'_ij V_j − θ'_i
    w01, theta01 = 2 * w, rng.normal(size=n)
    binary = hf.HopfieldNetwork.from_weights(w01, theta01, states="binary")
    v = (s + 1) // 2
    assert_allclose(binary.local_field(v), v @ w01.T - theta01, atol=1e-12)


def test_binary_thresholds_are_theta_plus_w_one(rng):
    # THEORY §1: the 0/1 image of (W, θ) has W' = 2W and θ' = θ + W·1
    n = 6
    w, theta = _random_symmetric(rng, n, diag="positive"), rng.normal(size=n)
    bip = hf.HopfieldNetwork.from_weights(w, theta)
    binary = hf.HopfieldNetwork.from_weights(2 * w, theta + w @ np.ones(n), states="binary")
    assert_allclose(binary.thresholds, theta + w @ np.ones(n), atol=1e-12)
    assert_allclose(binary.bipolar_thresholds, theta, atol=1e-12)
    # a binary network that stores patterns reports θ' = θ_user + W·1 in its own space
    x = hf.patterns.random(3, n, rng=rng)
    user = rng.normal(size=n)
    net = hf.HopfieldNetwork(n, states="binary", thresholds=user)
    net.store(hf.patterns.to_binary(x))
    wb = hf.rules.hebb(x)
    assert_allclose(net.weights, 2 * wb, atol=1e-12)
    assert_allclose(net.thresholds, user + wb @ np.ones(n), atol=1e-12)
    # and those are the numbers its dynamics and energy use: E01 = -½ VᵀW'V + θ'ᵀV
    v = (all_states(n) + 1) // 2
    e01 = -0.5 * np.einsum("bi,ij,bj->b", v, net.weights, v) + v @ net.thresholds
    assert_allclose(net.energy(v), e01, atol=1e-12)
    assert_allclose(net.local_field(v), v @ net.weights.T - net.thresholds, atol=1e-12)
    s = all_states(n)
    assert_allclose(bip.energy(s), 2 * binary.energy((s + 1) // 2) - 0.5 * w.sum() - theta.sum(),
                    atol=1e-12)


def test_clamped_neurons_never_change(rng):
    x = hf.patterns.random(3, 60, rng=rng)
    net = hf.HopfieldNetwork(60)
    net.store(x)
    probe = hf.patterns.flip(x[0], 0.3, rng=rng)
    clamp = np.zeros(60, dtype=bool)
    clamp[:20] = True
    for update in ("async", "sequential", "sync"):
        r = net.recall(probe, update=update, clamp=clamp, rng=1)
        assert_array_equal(r.states[:20], probe[:20])


def test_batch_equals_single_and_rng_reproducible(rng):
    x = hf.patterns.random(10, 100, rng=rng)
    net = hf.HopfieldNetwork(100)
    net.store(x)
    probes = hf.patterns.flip(x, 0.2, rng=rng)
    a = net.recall(probes, rng=7)
    b = net.recall(probes, rng=7)
    assert_array_equal(a.states, b.states)
    r = net.recall(probes[3], update="sequential")
    assert r.states.shape == (100,) and isinstance(r.converged, bool) and isinstance(r.energy, float)
    assert_array_equal(r.states, net.recall(probes, update="sequential").states[3])


def test_recall_does_not_mutate_probes(rng):
    net = hf.HopfieldNetwork(50)
    net.store(hf.patterns.random(3, 50, rng=rng))
    probes = hf.patterns.random(4, 50, rng=rng)
    before = probes.copy()
    for update in ("async", "sequential", "sync"):
        net.recall(probes, update=update, rng=0)
    assert_array_equal(probes, before)


def test_asymmetric_weights_are_allowed_and_bounded(rng):
    w = rng.normal(size=(20, 20))
    net = hf.HopfieldNetwork.from_weights(w)
    r = net.recall(rng.choice(np.array([-1, 1], dtype=np.int8), size=(5, 20)), max_sweeps=7,
                   rng=0, trace=True)
    assert (r.sweeps <= 7).all()
    assert_allclose(r.energy, net.energy(r.states))
    assert_allclose(r.energy_trace[:, -1], r.energy)


def test_energy_formula(rng):
    n = 12
    w, theta = _random_symmetric(rng, n, diag="positive"), rng.normal(size=n)
    net = hf.HopfieldNetwork.from_weights(w, theta)
    s = all_states(n)[::37]
    assert_allclose(net.energy(s), [energy(w, theta, x) for x in s], atol=1e-12)
    assert isinstance(net.energy(s[0]), float)


# ---------------------------------------------------------------- stochastic recall smoke test
def test_high_temperature_randomises_and_zero_hold_converges(rng):
    x = hf.patterns.random(2, 100, rng=rng)
    net = hf.HopfieldNetwork(100)
    net.store(x)
    hot = net.recall(np.tile(x[0], (20, 1)), temperature=50.0, max_sweeps=5, rng=1)
    assert np.abs(hf.patterns.overlap(hot.states, x[0])).mean() < 0.4
    assert not hot.converged.any()
    sched = hf.dynamics.anneal(2.0, 0.05, 30, hold=20)
    cooled = net.recall(hf.patterns.flip(x[0], 0.2, rng=2), temperature=sched, rng=3)
    assert cooled.converged and net.is_fixed_point(cooled.states)


def test_anneal_schedule_shapes():
    geo = hf.dynamics.anneal(2.0, 0.02, 5, hold=3)
    np.testing.assert_allclose(geo[:5], [2.0, 2.0 * 0.1**0.5, 0.2, 0.2 * 0.1**0.5, 0.02], rtol=1e-12)
    np.testing.assert_allclose(geo[1:5] / geo[:4], 0.1**0.5, rtol=1e-12)  # T_k = T0 (T1/T0)^(k/4)
    assert_array_equal(geo[5:], 0.0)
    lin = hf.dynamics.anneal(2.0, 0.0, 5, kind="linear")
    assert_allclose(lin, [2.0, 1.5, 1.0, 0.5, 0.0], atol=1e-15)
    assert_array_equal(hf.dynamics.constant(0.3, 4), [0.3] * 4)
    with pytest.raises(ValueError, match="positive"):
        hf.dynamics.anneal(1.0, 0.0, 5)


# ---------------------------------------------------------------- bad input
def test_bad_inputs_raise_clear_errors(rng):
    net = hf.HopfieldNetwork(10)
    net.store(hf.patterns.random(2, 10, rng=rng))
    with pytest.raises(ValueError, match="±1"):
        net.recall(np.zeros(10))
    with pytest.raises(ValueError, match="NaN"):
        net.recall(np.full(10, np.nan))
    with pytest.raises(ValueError, match="10"):
        net.recall(np.ones(11))
    with pytest.raises(ValueError, match="neurons"):
        net.store(np.ones((2, 9)))
    with pytest.raises(ValueError, match="empty"):
        net.store(np.ones((0, 10)))
    with pytest.raises(ValueError, match="`update`"):
        net.recall(np.ones(10), update="parallel")
    with pytest.raises(ValueError, match="max_sweeps"):
        net.recall(np.ones(10), max_sweeps=0)
    with pytest.raises(ValueError, match="temperature"):
        net.recall(np.ones(10), temperature=-1.0)
    with pytest.raises(TypeError, match="clamp"):
        net.recall(np.ones(10), clamp=np.ones(10))
    with pytest.raises(ValueError, match="clamp"):
        net.recall(np.ones(10), clamp=np.ones(3, dtype=bool))
    with pytest.raises(ValueError, match="0/1"):
        hf.HopfieldNetwork(10, states="binary").recall(-np.ones(10))
    with pytest.raises(ValueError, match="square"):
        hf.HopfieldNetwork.from_weights(np.ones((3, 4)))
    with pytest.raises(ValueError, match="inf"):
        hf.HopfieldNetwork.from_weights(np.full((3, 3), np.inf))
    with pytest.raises(ValueError, match="thresholds"):
        hf.HopfieldNetwork.from_weights(np.eye(3), thresholds=np.ones(4))
    with pytest.raises(ValueError, match="n_neurons"):
        hf.HopfieldNetwork(0)
    with pytest.raises(TypeError, match="n_neurons"):
        hf.HopfieldNetwork(5.0)
    with pytest.raises(ValueError, match="states"):
        hf.HopfieldNetwork(5, states="spin")
    with pytest.raises(TypeError, match="rng"):
        net.recall(np.ones(10), rng="seed")


def test_int_float_and_bool_inputs_are_accepted(rng):
    net = hf.HopfieldNetwork(6)
    net.store(np.array([[1, -1, 1, -1, 1, -1]], dtype=np.float32))
    r1 = net.recall(np.array([1, -1, 1, -1, 1, 1], dtype=np.int64), update="sequential")
    r2 = net.recall([1.0, -1.0, 1.0, -1.0, 1.0, 1.0], update="sequential")
    assert_array_equal(r1.states, r2.states)
    assert r1.states.dtype == np.int8
    one = hf.HopfieldNetwork(1)
    one.store([1])
    assert one.recall([-1]).converged


def test_parallel_kernel_is_deterministic_across_thread_counts(rng):
    numba = pytest.importorskip("numba")
    x = hf.patterns.random(8, 120, rng=rng)
    net = hf.HopfieldNetwork(120)
    net.store(x)
    probes = hf.patterns.flip(np.repeat(x, 4, axis=0), 0.25, rng=rng)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = net.recall(probes, rng=11, temperature=hf.dynamics.anneal(1.0, 0.1, 5, hold=10))
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        many = net.recall(probes, rng=11, temperature=hf.dynamics.anneal(1.0, 0.1, 5, hold=10))
    finally:
        numba.set_num_threads(before)
    assert_array_equal(one.states, many.states)
    assert_array_equal(one.flips, many.flips)


def test_derived_quantities_follow_new_patterns(rng):
    """Cached couplings and field functions must be rebuilt when patterns are stored."""
    x = hf.patterns.random(3, 64, rng=rng)
    net = hf.HopfieldNetwork(64)
    net.store(x[:1])
    r1 = net.recall(x[1], update="sequential")
    assert not np.array_equal(r1.states, x[1])  # only pattern 0 (or its negation) is an attractor
    net.store(x[1:])
    for k in range(3):
        assert_array_equal(net.recall(x[k], update="sequential").states, x[k])
    other = hf.HopfieldNetwork.from_weights(net.weights)
    assert_allclose(net.energy(x), other.energy(x))


def test_store_chains_and_recall_needs_weights():
    x = hf.patterns.random(3, 40, rng=0)
    net = hf.HopfieldNetwork(40)
    with pytest.raises(ValueError, match="no weights yet"):
        net.recall(x[0])
    assert net.store(x) is net
    assert hf.HopfieldNetwork(40).store(x).recall(x[1]).converged
    zero = hf.HopfieldNetwork.from_weights(np.zeros((4, 4)), thresholds=[1.0, -1.0, 1.0, -1.0])
    np.testing.assert_array_equal(zero.recall(np.ones(4)).states, [-1, 1, -1, 1])  # weights given
    loaded = hf.HopfieldNetwork(40).store(x)
    assert repr(loaded.recall(x)).startswith("RecallResult(states=array(shape=(3, 40), dtype=int8")


def test_store_on_given_weights_adds_the_hebb_term(rng):
    # from_weights(W).store(X) is W plus X's Hebb term (1/N, zero diagonal: W's diagonal is kept),
    # not the Hebb weights of X alone; likewise for a binary network in its own space
    n = 24
    w0 = _random_symmetric(rng, n, diag=True)
    x = hf.patterns.random(3, n, rng=rng)
    x2 = hf.patterns.random(2, n, rng=rng)
    net = hf.HopfieldNetwork.from_weights(w0).store(x)
    assert_allclose(net.weights, w0 + naive_hebb(x, 1.0 / n), rtol=0, atol=1e-12)
    net.store(x2)
    assert_allclose(net.weights, w0 + naive_hebb(np.concatenate([x, x2]), 1.0 / n), atol=1e-12)
    assert net.n_patterns == 5
    theta = rng.normal(size=n)
    binary = hf.HopfieldNetwork.from_weights(2 * w0, theta, states="binary")
    binary.store(hf.patterns.to_binary(x))
    bip = hf.HopfieldNetwork.from_weights(w0, theta - w0.sum(axis=1)).store(x)
    assert_allclose(binary.bipolar_weights, bip.bipolar_weights, atol=1e-12)
    assert_allclose(binary.weights, 2 * (w0 + naive_hebb(x, 1.0 / n)), atol=1e-12)
    probes = hf.patterns.flip(x, 0.2, rng=rng)
    assert_array_equal(binary.recall(hf.patterns.to_binary(probes), rng=0).states,
                       hf.patterns.to_binary(bip.recall(probes, rng=0).states))


def test_store_on_given_weights_refuses_rules_that_would_discard_them(rng):
    n = 10
    w0 = _random_symmetric(rng, n)
    x = hf.patterns.random(2, n, rng=rng)
    for rule, params in (("pseudoinverse", {}), ("hebb", {"normalize": "p"})):
        net = hf.HopfieldNetwork.from_weights(w0)
        net._rule = hf.rules.get_rule(rule, **params)  # as a saved network may carry
        with pytest.raises(ValueError, match=r"from_weights.*discard"):
            net.store(x)
        assert_array_equal(net.weights, w0)


@pytest.mark.parametrize("update", ["sequential", "async", "sync"])
def test_recall_on_given_weights_plus_stored_patterns_uses_both(rng, update):
    # from_weights(W0).store(X) holds W = W0 + Hebb(X); with 2P < N the Hebb-only shortcut
    # c (S Ξᵀ) Ξ for the fields must not be taken, since it drops W0. Reference: W formed here
    # from W0 and the naive Hebb sum, run by the from-scratch sequential loop of naive.py, and a
    # network given that W alone (no patterns, so no shortcut is possible)
    n = 24
    w0 = _random_symmetric(rng, n)
    x = hf.patterns.random(3, n, rng=rng)
    w = w0 + naive_hebb(x, 1.0 / n)
    theta = 0.1 * rng.normal(size=n)
    net = hf.HopfieldNetwork.from_weights(w0, theta).store(x)
    plain = hf.HopfieldNetwork.from_weights(w, theta)
    probes = hf.patterns.random(12, n, rng=rng)
    r = net.recall(probes, update=update, max_sweeps=200, rng=3)
    assert_array_equal(r.states, plain.recall(probes, update=update, max_sweeps=200, rng=3).states)
    assert_allclose(r.energy, [energy(w, theta, s) for s in r.states], rtol=1e-12, atol=1e-12)
    if update == "sequential":
        for probe, got, sweeps in zip(probes, r.states, r.sweeps, strict=True):
            ref, ref_sweeps, ok = sequential_recall(w, theta, probe, 200)
            assert ok and sweeps == ref_sweeps
            assert_array_equal(got, ref)
    done = r.converged & (r.cycle_length == 1)
    assert done.any()
    fields = r.states[done] @ w.T - theta
    assert np.all(fields * r.states[done] > 0)  # a fixed point of W itself (no ties here)


def test_store_on_given_weights_with_unnormalised_hebb_adds_the_raw_term(rng):
    # Hebb without normalisation (normalize="none") also extends given weights: W0 + Σ ξξᵀ
    # (zero diagonal: W0's diagonal is kept); only normalize="p" has no pattern count to use
    n = 10
    w0 = _random_symmetric(rng, n, diag=True)
    x = hf.patterns.random(3, n, rng=rng)
    net = hf.HopfieldNetwork.from_weights(w0)
    net._rule = hf.rules.get_rule("hebb", normalize="none")  # as a saved network may carry
    assert_allclose(net.store(x).weights, w0 + naive_hebb(x, 1.0), rtol=0, atol=1e-12)
