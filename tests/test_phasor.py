"""The phasor (complex-valued) Hopfield network: Hermitian Hebb weights, the csign activation, a real
energy that asynchronous updates never raise, K = 2 equal to the bipolar network step by step, the
Gaussian-crosstalk stability of stored patterns, and Uykan's shadow-cut identity."""

import numpy as np
import pytest

import hopfield as hf
from hopfield import phasor as ph
from hopfield.cuts import energy_offset, pseudo_cut, shadow_cut


def _random_hermitian(rng, n):
    a = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    w = (a + a.conj().T) / 2
    np.fill_diagonal(w, 0.0)
    return w


def _naive_csign(h, K):
    """The root of unity nearest in phase to h, by brute force over the K roots."""
    r = np.exp(2j * np.pi * np.arange(K) / K)
    return r[np.argmax((np.conj(r) * h).real)]


def _naive_sequential(w, z, K, max_sweeps):
    """Fixed-order updates, fields recomputed from scratch, change only on strict descent."""
    z = z.copy()
    for sweep in range(1, max_sweeps + 1):
        changed = 0
        for i in range(z.size):
            h = w[i] @ z
            new = h / abs(h) if K is None else _naive_csign(h, K)
            size, eps = abs(new - z[i]), 1e-10 * np.abs(w[i]).sum()  # the library's tie tolerance
            if abs(h) > eps and size > 1e-9 and (np.conj(new - z[i]) * h).real > eps * size:
                z[i] = new
                changed += 1
        if changed == 0:
            return z, sweep
    return z, max_sweeps


def test_roots_are_exact_and_csign_picks_the_nearest_root(rng):
    assert ph.roots(4).tolist() == [1, 1j, -1, -1j]
    assert ph.roots(2).tolist() == [1, -1]
    for K in (2, 3, 5, 8):
        h = rng.normal(size=200) + 1j * rng.normal(size=200)
        np.testing.assert_allclose(ph.csign(h, K), [_naive_csign(x, K) for x in h], atol=1e-12)
    h = rng.normal(size=20) + 1j * rng.normal(size=20)
    np.testing.assert_allclose(ph.csign(h, None), h / np.abs(h))
    assert np.array_equal(ph.to_levels(ph.from_levels(np.arange(8), 8), 8), np.arange(8))


def test_hebb_weights_are_hermitian_with_zero_diagonal(rng):
    x = ph.random(3, 7, 5, rng=rng)
    net = ph.PhasorHopfieldNetwork(7, K=5)
    net.store(x[:2])
    net.store(x[2])  # incremental
    w = net.weights
    naive = np.array([[sum(x[m, i] * np.conj(x[m, j]) for m in range(3)) / 7 if i != j else 0
                       for j in range(7)] for i in range(7)])
    np.testing.assert_allclose(w, naive, atol=1e-14)
    np.testing.assert_allclose(w, w.conj().T, atol=0)
    # with one pattern, each neuron's field on it is ((N − 1)/N) ξ_i: the signal term
    one = ph.PhasorHopfieldNetwork(7, K=5)
    one.store(x[0])
    np.testing.assert_allclose(one.local_field(x[0]), 6 / 7 * x[0], atol=1e-14)


def test_projection_rule_stores_correlated_patterns_exactly(rng):
    n, K = 64, 8
    base = ph.random(1, n, K, rng=rng)[0]
    x = np.array([np.where(rng.random(n) < 0.2, ph.random(1, n, K, rng=rng)[0], base) for _ in range(6)])
    hebb = ph.PhasorHopfieldNetwork(n, K=K)
    hebb.store(x)
    proj = ph.PhasorHopfieldNetwork(n, K=K, rule="projection")
    proj.store(x[:3])
    proj.store(x[3:])
    assert np.all(proj.is_fixed_point(x)) and not np.all(hebb.is_fixed_point(x))
    w = proj.weights
    full = w + np.diag(np.diag(x.T @ np.linalg.solve(x.conj() @ x.T, x.conj())))  # restore the diagonal
    np.testing.assert_allclose(full @ full, full, atol=1e-10)  # a projector ...
    np.testing.assert_allclose(full @ x.T, x.T, atol=1e-10)  # ... onto the patterns
    with pytest.raises(ValueError, match="linearly independent"):
        proj.store(x[0])


def test_energy_is_real_and_matches_the_quadratic_form(rng):
    w = _random_hermitian(rng, 9)
    net = ph.PhasorHopfieldNetwork.from_weights(w, K=None)
    z = ph.random(6, 9, None, rng=rng)
    naive = [-0.5 * sum(np.conj(zb[i]) * w[i, j] * zb[j] for i in range(9) for j in range(9)) for zb in z]
    assert np.max(np.abs(np.imag(naive))) < 1e-12
    np.testing.assert_allclose(net.energy(z), np.real(naive), atol=1e-12)
    # a global phase rotation leaves the energy (and the dynamics) unchanged
    np.testing.assert_allclose(net.energy(z * np.exp(0.7j)), net.energy(z), atol=1e-12)


@pytest.mark.parametrize("K", [3, 4, 8, None])
def test_async_updates_never_raise_the_energy(rng, K):
    n = 60
    w = _random_hermitian(rng, n)
    net = ph.PhasorHopfieldNetwork.from_weights(w, K=K)
    z0 = ph.random(12, n, K, rng=rng)
    r = net.recall(z0, update="async", trace=True, max_sweeps=300, rng=rng)
    assert np.all(np.diff(r.energy_trace, axis=1) <= 1e-10)
    np.testing.assert_allclose(r.energy, net.energy(r.states), atol=1e-9)  # incremental ΔE is exact
    if K is not None:  # continuous phases of a random (spin-glass) W settle only slowly
        assert r.success and np.all(net.is_fixed_point(r.states))


@pytest.mark.parametrize("K", [4, None])
def test_kernel_matches_a_naive_sequential_reference(rng, K):
    n = 25
    x = ph.random(3, n, K, rng=rng)
    net = ph.PhasorHopfieldNetwork(n, K=K)
    net.store(x)
    z0 = ph.phase_noise(x, 0.9, K, rng=rng)
    r = net.recall(z0, update="sequential", max_sweeps=200)
    for zb, got, sweeps in zip(z0, r.states, r.sweeps, strict=True):
        want, n_sweeps = _naive_sequential(net.weights, zb, K, 200)
        np.testing.assert_allclose(got, want, atol=1e-6)
        if K is not None:
            assert sweeps == n_sweeps


@pytest.mark.parametrize("update", ["async", "sequential", "sync"])
def test_two_states_reproduce_the_bipolar_network_exactly(rng, update):
    n, p = 200, 16
    x = hf.patterns.random(p, n, rng=rng)
    probes = hf.patterns.flip(x, 0.3, rng=rng)
    classical = hf.HopfieldNetwork(n)
    classical.store(x)
    phasor = ph.PhasorHopfieldNetwork(n, K=2)
    phasor.store(x)
    clamp = np.zeros(n, dtype=bool)
    clamp[:5] = True
    a = classical.recall(probes, update=update, trace=True, max_sweeps=30, clamp=clamp, rng=7)
    b = phasor.recall(probes.astype(complex), update=update, trace=True, max_sweeps=30, clamp=clamp, rng=7)
    assert np.all(b.states.imag == 0)
    np.testing.assert_array_equal(b.states.real.astype(np.int8), a.states)  # identical trajectories' ends
    np.testing.assert_array_equal(b.sweeps, a.sweeps)
    np.testing.assert_array_equal(b.flips, a.flips)
    np.testing.assert_array_equal(b.cycle_length, a.cycle_length)
    np.testing.assert_allclose(b.energy_trace, a.energy_trace, rtol=1e-12, atol=1e-11)
    np.testing.assert_allclose(phasor.weights.real, classical.weights, atol=0)
    # ... and sweep by sweep: one-sweep recalls from the same generator stay in lock step
    ga, gb = np.random.default_rng(3), np.random.default_rng(3)
    sa, sb = probes, probes.astype(complex)
    for _ in range(4):
        sa = classical.recall(sa, update=update, max_sweeps=1, rng=ga).states
        sb = phasor.recall(sb, update=update, max_sweeps=1, rng=gb).states
        np.testing.assert_array_equal(sb.real.astype(np.int8), sa)


def _gaussian_stability(sigma2, K):
    """P(|arg(1 + n)| < π/K) for circular complex Gaussian crosstalk n with E|n|² = sigma2 (K ≥ 3),
    or P(1 + n > 0) for real Gaussian n of variance sigma2 (K = 2), by quadrature."""
    from scipy import integrate, stats

    if K == 2:
        return float(stats.norm.cdf(1 / np.sqrt(sigma2)))
    s = np.sqrt(sigma2 / 2)

    def inner(y):
        # |arg(1 + x + iy)| < π/K  ⇔  1 + x > |y| / tan(π/K)
        return stats.norm.sf((abs(y) / np.tan(np.pi / K) - 1) / s) * stats.norm.pdf(y / s) / s

    return float(integrate.quad(inner, -np.inf, np.inf)[0])


@pytest.mark.parametrize("K", [2, 4, 8])
def test_one_step_stability_of_stored_patterns_follows_gaussian_crosstalk(rng, K):
    """Field on a stored pattern = signal ξ_i + crosstalk of variance (P − 1)/N: the fraction of
    neurons whose csign keeps ξ_i matches the Gaussian prediction; it falls as K grows."""
    n, p = 400, 60
    x = ph.random(p, n, K, rng=rng) if K > 2 else hf.patterns.random(p, n, rng=rng).astype(complex)
    net = ph.PhasorHopfieldNetwork(n, K=K)
    net.store(x)
    stable = np.mean(ph.csign(net.local_field(x), K) == x)
    predicted = _gaussian_stability((p - 1) / n, K)
    err = np.sqrt(predicted * (1 - predicted) / (n * p))
    assert abs(stable - predicted) < 5 * err + 0.01  # + finite-N (1 − 1/N signal, non-Gaussian tails)


def test_more_phase_states_hold_fewer_patterns(rng):
    n, p = 300, 24
    fractions = {}
    for K in (4, 16):  # narrower sectors tolerate less crosstalk (Gaussian theory: 0.9997, 0.68)
        x = ph.random(p, n, K, rng=rng)
        net = ph.PhasorHopfieldNetwork(n, K=K)
        net.store(x)
        fractions[K] = np.mean(ph.csign(net.local_field(x), K) == x)
    assert fractions[4] > 0.99 and fractions[16] < 0.8


def test_recall_from_noisy_phases_and_rotated_memories(rng):
    n, K = 300, 6
    x = ph.random(5, n, K, rng=rng)
    net = ph.PhasorHopfieldNetwork(n, K=K)
    net.store(x)
    r = net.recall(ph.phase_noise(x, 0.5, K, rng=rng), rng=rng)
    np.testing.assert_array_equal(r.states, x)
    assert r.success and r.message == "reached a fixed point"
    # every rotation of a memory by a root of unity is a memory too (the analogue of −ξ)
    assert np.all(net.is_fixed_point(x * ph.roots(K)[1]))


def test_sync_ends_in_a_fixed_point_or_two_cycle_for_hermitian_weights(rng):
    w = _random_hermitian(rng, 40)
    for K in (3, 5):
        net = ph.PhasorHopfieldNetwork.from_weights(w, K=K)
        r = net.recall(ph.random(30, 40, K, rng=rng), update="sync", max_sweeps=500)
        assert set(np.unique(r.cycle_length)) <= {1, 2} and np.all(r.cycle_length > 0)


def test_shadow_cut_identity(rng):
    n = 30
    w = _random_hermitian(rng, n)
    for K in (3, 4, None):
        z = ph.random(10, n, K, rng=rng)
        net = ph.PhasorHopfieldNetwork.from_weights(w, K=K)
        np.testing.assert_allclose(net.energy(z), energy_offset(w) + 2 * shadow_cut(w, z), atol=1e-10)
        pairwise = [0.25 * sum((w[i, j] * (1 - np.conj(zb[i]) * zb[j])).real
                               for i in range(n) for j in range(n)) for zb in z]
        np.testing.assert_allclose(shadow_cut(w, z), pairwise, atol=1e-10)
    # K = 2: the shadow-cut is Bruck's pseudo-cut
    ws = (w + w.conj()).real / 2
    s = hf.patterns.random(8, n, rng=rng)
    np.testing.assert_allclose(shadow_cut(ws, s.astype(complex)), pseudo_cut(ws, s), atol=1e-10)
    # and the dynamics lower it
    net = ph.PhasorHopfieldNetwork.from_weights(w, K=4)
    z0 = ph.random(5, n, 4, rng=rng)
    assert np.all(shadow_cut(w, net.recall(z0, rng=rng).states) <= shadow_cut(w, z0) + 1e-12)


def test_bad_input_is_named_and_never_mutated(rng):
    net = ph.PhasorHopfieldNetwork(4, K=4)
    with pytest.raises(ValueError, match="no weights yet"):
        net.recall(np.ones(4))
    with pytest.raises(ValueError, match="unit circle"):
        net.store(np.array([1, 2, 1, 1]))
    with pytest.raises(ValueError, match="4-th roots of unity"):
        net.store(np.exp(0.3j) * np.ones(4))
    with pytest.raises(ValueError, match="Hermitian"):
        ph.PhasorHopfieldNetwork.from_weights(np.array([[0, 1j], [1j, 0]]))
    with pytest.raises(ValueError, match="has 3 neurons"):
        net.energy(np.ones(3))
    with pytest.raises(ValueError, match="`update` must be one of"):
        ph.PhasorHopfieldNetwork.from_weights(np.zeros((4, 4))).recall(np.ones(4), update="parallel")
    with pytest.raises(ValueError, match="`K` == 1"):
        ph.PhasorHopfieldNetwork(4, K=1)
    with pytest.raises(ValueError, match="levels"):
        ph.from_levels([0, 4], 4)
    x = ph.random(2, 4, 4, rng=rng)
    assert net.store(x) is net
    probe = x.copy()
    net.recall(probe, rng=0)
    np.testing.assert_array_equal(probe, x)


def test_save_and_load_bit_exact(tmp_path, rng):
    net = ph.PhasorHopfieldNetwork(20, K=None)
    net.store(ph.random(3, 20, None, rng=rng))
    hf.save(net, tmp_path / "p.npz")
    back = hf.load(tmp_path / "p.npz")
    assert isinstance(back, ph.PhasorHopfieldNetwork) and back.K is None
    np.testing.assert_array_equal(back.weights, net.weights)
    np.testing.assert_array_equal(back.patterns, net.patterns)
