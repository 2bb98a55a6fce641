"""Dense associative memory (Krotov & Hopfield 2016, Demircigil et al. 2017): THEORY.md §7."""

import dataclasses
import itertools
import math

import numpy as np
import pytest

import hopfield as hf
from hopfield import dense
from hopfield.dense import DenseAssociativeMemory

XOR = np.array([[-1, -1, -1], [-1, 1, 1], [1, -1, 1], [1, 1, -1]], dtype=np.int8)


def naive_energy_differences(xi, s, F):
    """E(σ_i=-1) - E(σ_i=+1) from the definition, recomputing every overlap (O(K N^2))."""
    xi = xi.astype(np.float64)
    out = np.zeros(s.shape[0])
    for i in range(s.shape[0]):
        a = xi @ s - xi[:, i] * s[i]
        out[i] = np.sum(F(xi[:, i] + a) - F(-xi[:, i] + a))
    return out


def naive_sequential_recall(xi, s, F, max_sweeps=100):
    """Sequential (0..N-1) updates straight from the update rule; tie keeps the state."""
    s = s.astype(np.int64).copy()
    for sweep in range(1, max_sweeps + 1):
        flips = 0
        for i in range(s.size):
            d = naive_energy_differences(xi, s, F)[i]
            new = 1 if d > 0 else (-1 if d < 0 else s[i])
            flips += new != s[i]
            s[i] = new
        if flips == 0:
            return s, sweep
    return s, max_sweeps


# --------------------------------------------------------------------------- closed forms
def test_capacity_no_errors_matches_appendix_b():
    got = [dense.capacity_no_errors(100, n) for n in (2, 3, 4)]
    np.testing.assert_allclose(got, [10.86, 361.9, 7238], atol=0.005, rtol=1e-4)
    assert dense.capacity_no_errors(100, 2) == pytest.approx(100 / (2 * math.log(100)))


def test_double_factorial():
    assert [dense.double_factorial(k) for k in (-1, 0, 1, 3, 5, 7)] == [1, 1, 1, 3, 15, 105]


def test_error_probability_at_no_error_capacity_is_below_one_over_n():
    for n in (2, 3, 4, 5):
        kmax = dense.capacity_no_errors(100, n)
        p = dense.error_probability(100, kmax, n)
        # exponent is exactly -ln N there; the prefactor is 1/sqrt(4π ln N)
        assert p == pytest.approx(1 / 100 / math.sqrt(4 * math.pi * math.log(100)), rel=1e-12)
    ps = [dense.error_probability(100, k, 3) for k in (100, 300, 1000, 3000)]
    assert all(a < b for a, b in itertools.pairwise(ps))


def test_error_probability_matches_monte_carlo(rng):
    # bits of stored memories that one update would flip, n = 3, N = 100, K = 1500
    big_n, k, n = 100, 1500, 3
    xi = hf.patterns.random(k, big_n, rng=rng)
    dam = DenseAssociativeMemory(xi, F="polynomial", n=n)
    d = dam.energy_differences(xi[:300])
    frac = np.mean(d * xi[:300] < 0)
    theory = dense.error_probability(big_n, k, n)
    assert 0.5 * theory < frac < 1.2 * theory, (frac, theory)  # Gaussian tail overestimates a bit


def test_mean_energy_gap_is_exact_for_one_memory(rng):
    for n in (2, 3, 4, 5):
        xi = hf.patterns.random(1, 40, rng=rng)
        dam = DenseAssociativeMemory(xi, F="polynomial", n=n)
        gaps = dam.energy_differences(xi[0]) * xi[0]  # E(flip i) - E(memory)
        np.testing.assert_array_equal(gaps, dense.mean_energy_gap(40, n))
        assert dense.mean_energy_gap(40, n) == 40**n - 38**n


# --------------------------------------------------------------------------- energy and update
@pytest.mark.parametrize("F", ["polynomial", "rectified", "exponential"])
def test_energy_definition(F, rng):
    xi = hf.patterns.random(30, 20, rng=rng)
    dam = DenseAssociativeMemory(xi, F=F, n=4, beta=0.5)
    s = hf.patterns.random(7, 20, rng=rng)
    f, _ = dense.SEPARATIONS[F]
    want = -f((s.astype(float) @ xi.T.astype(float)), 0.5 if F == "exponential" else 4).sum(1)
    np.testing.assert_allclose(dam.energy(s), want, rtol=1e-12)
    assert dam.energy(s[0]) == pytest.approx(want[0], rel=1e-12)


@pytest.mark.parametrize("name, param", [("polynomial", 3), ("polynomial", 4), ("rectified", 1),
                                         ("rectified", 2), ("rectified", 3), ("exponential", 0.7)])
def test_separation_derivatives_are_the_derivatives(name, param):
    # each SEPARATIONS entry is (F, F'): F' must be dF/dx (central differences, and closed forms)
    f, df = dense.SEPARATIONS[name]
    x = np.array([-2.5, -1.0, -0.3, 0.4, 1.0, 2.0, 3.5])
    h = 1e-6
    np.testing.assert_allclose(df(x, param), (f(x + h, param) - f(x - h, param)) / (2 * h),
                               rtol=1e-6, atol=1e-6)
    closed = {"polynomial": lambda: param * x ** (param - 1),
              "rectified": lambda: np.where(x > 0, param * np.abs(x) ** (param - 1), 0.0),
              "exponential": lambda: param * np.exp(param * x)}[name]()
    np.testing.assert_allclose(df(x, param), closed, rtol=1e-14)


@pytest.mark.parametrize("F", ["polynomial", "rectified", "exponential"])
def test_energy_differences_against_naive_definition(F, rng):
    xi = hf.patterns.random(25, 16, rng=rng)
    dam = DenseAssociativeMemory(xi, F=F, n=3, beta=0.7)
    s = hf.patterns.random(1, 16, rng=rng)[0]
    want = naive_energy_differences(xi, s, dam.F)
    np.testing.assert_allclose(dam.energy_differences(s), want, rtol=1e-10)
    # it really is E(σ_i = -1) - E(σ_i = +1)
    for i in (0, 5):
        up, down = s.copy(), s.copy()
        up[i], down[i] = 1, -1
        assert want[i] == pytest.approx(dam.energy(down) - dam.energy(up), rel=1e-10)


@pytest.mark.parametrize("F,n", [("polynomial", 3), ("rectified", 4), ("polynomial", 4)])
def test_sequential_kernel_matches_naive_update(F, n, rng):
    xi = hf.patterns.random(40, 24, rng=rng)
    dam = DenseAssociativeMemory(xi, F=F, n=n)
    probes = hf.patterns.random(6, 24, rng=rng)
    r = dam.recall(probes, update="sequential")
    for b in range(6):
        s, sweeps = naive_sequential_recall(xi, probes[b], dam.F)
        np.testing.assert_array_equal(r.states[b], s)
        assert r.sweeps[b] == sweeps


@pytest.mark.parametrize("update", ["sequential", "async", "sync"])
def test_n2_polynomial_is_the_classical_hebbian_network(update, rng):
    big_n, k = 64, 10
    xi = hf.patterns.random(k, big_n, rng=rng)
    dam = DenseAssociativeMemory(xi, F="polynomial", n=2)
    net = hf.HopfieldNetwork(big_n, rule="hebb")
    net.store(xi)
    probes = np.concatenate([hf.patterns.random(150, big_n, rng=rng),
                             hf.patterns.flip(xi, 0.2, rng=rng)])
    for tie in ("keep", "+1"):
        a = dam.recall(probes, update=update, tie=tie, rng=7)
        b = net.recall(probes, update=update, tie=tie, rng=7)
        np.testing.assert_array_equal(a.states, b.states)
        np.testing.assert_array_equal(a.sweeps, b.sweeps)
        np.testing.assert_array_equal(a.flips, b.flips)
        np.testing.assert_array_equal(a.cycle_length, b.cycle_length)
        # E_dam = -Σ_μ (ξ·σ)^2 = 2N E_hebb - K N
        np.testing.assert_allclose(a.energy, 2 * big_n * b.energy - k * big_n, atol=1e-8)
    assert dam.exact


def test_n2_ties_are_exact(rng):
    # an even number of neurons with two memories produces exact ties; both rules agree
    xi = hf.patterns.random(2, 8, rng=rng)
    dam = DenseAssociativeMemory(xi, F="polynomial", n=2)
    net = hf.HopfieldNetwork(8)
    net.store(xi)
    probes = hf.patterns.random(300, 8, rng=rng)
    d = dam.energy_differences(probes)
    assert np.any(d == 0)
    for tie in ("keep", "+1"):
        np.testing.assert_array_equal(dam.is_fixed_point(probes, tie=tie),
                                      net.is_fixed_point(probes, tie=tie))


@pytest.mark.parametrize("F", ["polynomial", "rectified", "exponential"])
def test_async_energy_never_increases(F, rng):
    xi = hf.patterns.random(300, 40, rng=rng)
    dam = DenseAssociativeMemory(xi, F=F, n=3)
    probes = hf.patterns.random(20, 40, rng=rng)
    r = dam.recall(probes, trace=True, max_sweeps=30, rng=rng)
    tr = r.energy_trace
    assert tr.shape == (20, 31)
    assert np.all(np.diff(tr, axis=1) <= 1e-9 * np.abs(tr[:, :-1]))
    assert np.any(np.diff(tr, axis=1) < 0)
    np.testing.assert_allclose(tr[:, -1], r.energy, rtol=1e-12)
    np.testing.assert_allclose(r.energy, dam.energy(r.states), rtol=1e-12)
    assert r.success
    assert np.all(dam.is_fixed_point(r.states))


def test_serial_and_parallel_kernels_agree(rng, monkeypatch):
    xi = hf.patterns.random(150, 40, rng=rng)
    dam = DenseAssociativeMemory(xi, F="polynomial", n=3)
    probes = hf.patterns.random(12, 40, rng=rng)
    runs = []
    for limit in (1, 10**9):  # always parallel, never parallel
        monkeypatch.setattr(dense, "_PARALLEL_MIN_BATCH", limit)
        runs.append(dam.recall(probes, trace=True, rng=5))
        np.testing.assert_array_equal(dam.overlaps(probes), probes.astype(int) @ xi.T.astype(int))
    np.testing.assert_array_equal(runs[0].states, runs[1].states)
    np.testing.assert_array_equal(runs[0].energy_trace, runs[1].energy_trace)


def test_async_is_deterministic_per_probe(rng):
    xi = hf.patterns.random(200, 50, rng=rng)
    dam = DenseAssociativeMemory(xi, F="polynomial", n=3)
    probes = np.repeat(hf.patterns.random(1, 50, rng=rng), 64, axis=0)
    a = dam.recall(probes, rng=3)
    b = dam.recall(probes, rng=3)
    np.testing.assert_array_equal(a.states, b.states)  # threads do not change the result
    # each probe has its own order stream: identical probes take different paths
    assert len({row.tobytes() for row in a.states}) > 1
    # the first probe's stream is the first seed, whatever the batch size
    single = dam.recall(probes[0], rng=3)
    np.testing.assert_array_equal(single.states, a.states[0])


# --------------------------------------------------------------------------- THEORY §7 capacity
def _recovered(dam, starts, rng):
    r = dam.recall(starts, rng=rng, max_sweeps=200)
    assert r.success
    ov = np.abs(r.states.astype(np.int64) @ dam.patterns.T.astype(np.int64)).max(axis=1)
    return int(np.sum(ov == dam.n_neurons))


@pytest.fixture(scope="module")
def capacity_memories():
    return hf.patterns.random(2000, 100, rng=20161)


@pytest.mark.parametrize(
    "F,n,low,high",
    [("polynomial", 5, 40, 40), ("rectified", 5, 40, 40), ("polynomial", 3, 0, 0),
     ("rectified", 3, 0, 0), ("rectified", 4, 35, 40), ("polynomial", 4, 25, 40)],
)
def test_capacity_n100_k2000_random_starts(capacity_memories, F, n, low, high):
    dam = DenseAssociativeMemory(capacity_memories, F=F, n=n)
    rng = np.random.default_rng(1000 + n)
    starts = hf.patterns.random(40, 100, rng=rng)
    got = _recovered(dam, starts, rng)
    assert low <= got <= high, got


@pytest.mark.slow
def test_capacity_many_random_starts(capacity_memories):
    # App. B with 1000 (not 10000) random starts: n = 3 never, n = 4 mostly, n = 5 always
    rng = np.random.default_rng(99)
    starts = hf.patterns.random(1000, 100, rng=rng)
    got = {n: _recovered(DenseAssociativeMemory(capacity_memories, F="polynomial", n=n),
                         starts, rng) for n in (3, 4, 5)}
    assert got[3] == 0 and got[5] == 1000
    assert got[4] >= 600, got


def test_n5_memories_are_fixed_points_and_n2_fails(capacity_memories):
    dam5 = DenseAssociativeMemory(capacity_memories, F="polynomial", n=5)
    assert dam5.is_fixed_point(capacity_memories[:200]).all()
    dam2 = DenseAssociativeMemory(capacity_memories, F="polynomial", n=2)
    assert not dam2.is_fixed_point(capacity_memories[:200]).any()


def test_exponential_dam_n30_k1000():
    xi = hf.patterns.random(1000, 30, rng=2017)
    dam = DenseAssociativeMemory(xi, F="exponential")
    assert dam.is_fixed_point(xi).all()
    probes = hf.patterns.flip(xi[:200], n_flips=3, rng=1)
    for update in ("async", "sync"):
        r = dam.recall(probes, update=update, max_sweeps=1, rng=2)
        assert np.mean(np.all(r.states == xi[:200], axis=1)) >= 0.95
    r = dam.recall(probes, rng=3)
    assert np.isfinite(r.energy).all() and r.success
    # far more memories than neurons (K = 20000 < 2^(N/2) = 32768): still fixed points
    big = hf.patterns.random(20000, 30, rng=2018)
    assert DenseAssociativeMemory(big, F="exponential").is_fixed_point(big[:300]).all()
    # while the n = 3 polynomial cannot hold even K = 1000 memories in N = 30 neurons
    assert not DenseAssociativeMemory(xi, F="polynomial", n=3).is_fixed_point(xi[:200]).all()


def test_exponential_no_overflow_at_large_n(rng):
    xi = hf.patterns.random(50, 2000, rng=rng)  # e^{2000} is far outside float64
    dam = DenseAssociativeMemory(xi, F="exponential")
    probes = hf.patterns.flip(xi[:5], 0.3, rng=rng)
    r = dam.recall(probes, rng=rng)
    np.testing.assert_array_equal(r.states, xi[:5])
    assert np.all(r.energy == -np.inf)  # honest: the energy itself is out of range
    assert dam.is_fixed_point(xi[:5]).all()
    r1 = dam.recall(probes, update="sync", rng=rng)
    np.testing.assert_array_equal(r1.states, xi[:5])


# --------------------------------------------------------------------------- XOR
def _solves_xor(dam):
    clamp = np.array([True, True, False])
    probes = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)])
    ok = True
    for update in ("async", "sequential", "sync"):
        r = dam.recall(probes, update=update, clamp=clamp, rng=0)
        np.testing.assert_array_equal(r.states[:, :2], probes[:, :2])  # clamped
        ok &= bool(np.all(r.states[:, 2] == -probes[:, 0] * probes[:, 1]))
    return ok


@pytest.mark.parametrize("n", [3, 5, 7])
def test_xor_odd_polynomial_solves_it(n):
    assert _solves_xor(DenseAssociativeMemory(XOR, F="polynomial", n=n))


@pytest.mark.parametrize("n", [1, 2])
def test_xor_n1_n2_cannot(n):
    dam = DenseAssociativeMemory(XOR, F="polynomial", n=n)
    assert not _solves_xor(dam)
    # the z neuron gets no information from x, y at all: its energy difference is zero
    probes = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)])
    np.testing.assert_array_equal(dam.energy_differences(probes)[:, 2], 0)


@pytest.mark.parametrize("n", [2, 3, 4, 6])
def test_xor_rectified_solves_it(n):
    assert _solves_xor(DenseAssociativeMemory(XOR, F="rectified", n=n))


def test_clamp_per_probe(rng):
    xi = hf.patterns.random(20, 30, rng=rng)
    dam = DenseAssociativeMemory(xi, F="rectified", n=3)
    probes = hf.patterns.random(4, 30, rng=rng)
    clamp = np.zeros((4, 30), dtype=bool)
    clamp[1, :10] = True
    r = dam.recall(probes, clamp=clamp, rng=rng)
    np.testing.assert_array_equal(r.states[1, :10], probes[1, :10])


# --------------------------------------------------------------------------- user F, sync, misc
def test_user_function_matches_named_function(rng):
    xi = hf.patterns.random(100, 30, rng=rng)
    probes = hf.patterns.random(10, 30, rng=rng)
    named = DenseAssociativeMemory(xi, F="rectified", n=3)
    user = DenseAssociativeMemory(xi, F=lambda x: np.maximum(x, 0) ** 3)
    assert user.separation == "custom" and user.exact
    a, b = named.recall(probes, rng=4), user.recall(probes, rng=4)
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_allclose(a.energy, b.energy)
    # a non-integer F uses the relative tie tolerance
    soft = DenseAssociativeMemory(xi, F=lambda x: np.tanh(x / 5) + x**3 / 7)
    assert not soft.exact
    r = soft.recall(probes, trace=True, rng=4)
    assert np.all(np.diff(r.energy_trace, axis=1) <= 1e-9 * np.abs(r.energy_trace[:, :-1]))


@pytest.mark.parametrize("update", ["async", "sequential"])
def test_exact_int_kernel_equals_float_kernel(update, rng):
    # the int64 (exact) and float64 specialisations of the kernel must agree where float is exact
    xi = hf.patterns.random(400, 60, rng=rng)
    dam = DenseAssociativeMemory(xi, F="rectified", n=4)
    assert dam.exact and dam._tables.kernel_tables[0].dtype == np.int64
    probes = np.concatenate([hf.patterns.random(30, 60, rng=rng), hf.patterns.flip(xi[:30], 0.2,
                                                                                   rng=rng)])
    a = dam.recall(probes, update=update, trace=True, rng=11)
    dam._tables = dataclasses.replace(dam._tables, rtol=1e-300)  # float64 path, no tie slack
    assert dam._tables.kernel_tables[0].dtype == np.float64
    b = dam.recall(probes, update=update, trace=True, rng=11)
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.flips, b.flips)
    np.testing.assert_array_equal(a.energy_trace, b.energy_trace)


def test_large_power_falls_back_to_float(rng):
    xi = hf.patterns.random(300, 100, rng=rng)
    dam = DenseAssociativeMemory(xi, F="rectified", n=20)
    assert not dam.exact
    probes = hf.patterns.flip(xi[:10], 0.2, rng=rng)
    r = dam.recall(probes, rng=rng)
    np.testing.assert_array_equal(r.states, xi[:10])


def test_sync_detects_fixed_points_and_reports(rng):
    xi = hf.patterns.random(50, 40, rng=rng)
    dam = DenseAssociativeMemory(xi, F="polynomial", n=3)
    r = dam.recall(xi[:5], update="sync", trace=True)
    np.testing.assert_array_equal(r.states, xi[:5])
    np.testing.assert_array_equal(r.sweeps, 1)
    assert r.success and r.message == "reached a fixed point"
    assert r.energy_trace.shape == (5, 101)


def test_max_sweeps_reported_when_not_converged(rng):
    xi = hf.patterns.random(300, 60, rng=rng)
    dam = DenseAssociativeMemory(xi, F="polynomial", n=3)
    r = dam.recall(hf.patterns.random(5, 60, rng=rng), max_sweeps=1, rng=rng)
    assert not r.success and "max_sweeps" in r.message


def test_probes_not_mutated_and_single_probe(rng):
    xi = hf.patterns.random(30, 20, rng=rng)
    dam = DenseAssociativeMemory(xi, F="rectified", n=3)
    probes = hf.patterns.flip(xi[:3], 0.2, rng=rng)
    before = probes.copy()
    dam.recall(probes, rng=rng)
    dam.recall(probes, update="sync")
    np.testing.assert_array_equal(probes, before)
    r = dam.recall(probes[0].astype(np.float32), rng=rng)
    assert isinstance(r.converged, bool) and isinstance(r.sweeps, int)
    assert r.states.dtype == np.int8 and r.states.shape == (20,)
    xi_before = xi.copy()
    xi[0, 0] *= -1
    np.testing.assert_array_equal(dam.patterns, xi_before)  # the model holds a copy


@pytest.mark.parametrize("F", ["polynomial", "rectified", "exponential"])
@pytest.mark.parametrize("update", ["async", "sequential", "sync"])
def test_one_neuron_one_memory(F, update):
    dam = DenseAssociativeMemory([[1]], F=F, n=3)
    r = dam.recall(np.array([[-1], [1]], dtype=np.int8), update=update, rng=0)
    np.testing.assert_array_equal(r.states, [[1], [1]])
    assert r.success
    e_up, e_down = dam.energy([1]), dam.energy([-1])
    assert e_up == -dam.F(1.0) and e_down == -dam.F(-1.0) and e_up < e_down
    assert str(e_down) != "-0.0"


def test_save_load_roundtrip(tmp_path, rng):
    xi = hf.patterns.random(40, 25, rng=rng)
    for F in ("polynomial", "rectified", "exponential"):
        dam = DenseAssociativeMemory(xi, F=F, n=4, beta=0.3)
        hf.save(dam, tmp_path / "dam.npz")
        back = hf.load(tmp_path / "dam.npz")
        assert isinstance(back, DenseAssociativeMemory)
        assert (back.separation, back.n, back.beta) == (F, 4, 0.3)
        np.testing.assert_array_equal(back.patterns, xi)
        probes = hf.patterns.random(5, 25, rng=1)
        np.testing.assert_array_equal(back.recall(probes, rng=2).states,
                                      dam.recall(probes, rng=2).states)
    with pytest.raises(TypeError, match="user function"):
        hf.save(DenseAssociativeMemory(xi, F=np.abs), tmp_path / "x.npz")


def test_exported():
    assert hf.DenseAssociativeMemory is DenseAssociativeMemory
    assert "DenseAssociativeMemory" in hf.__all__
    assert "polynomial" in repr(DenseAssociativeMemory(XOR, n=3))


# --------------------------------------------------------------------------- validation
def test_validation_errors():
    with pytest.raises(ValueError, match=r"patterns.*±1"):
        DenseAssociativeMemory([[0, 1, 1]])
    with pytest.raises(ValueError, match=r"patterns.*NaN"):
        DenseAssociativeMemory([[np.nan, 1.0]])
    with pytest.raises(ValueError, match=r"patterns.*2-D"):
        DenseAssociativeMemory(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="`F` must be one of 'polynomial', 'rectified'"):
        DenseAssociativeMemory(XOR, F="cubic")
    with pytest.raises(ValueError, match="`n` == 0"):
        DenseAssociativeMemory(XOR, n=0)
    with pytest.raises(TypeError, match="`n` must be an instance of Integral"):
        DenseAssociativeMemory(XOR, n=2.5)
    with pytest.raises(ValueError, match="`beta`"):
        DenseAssociativeMemory(XOR, F="exponential", beta=-1.0)
    with pytest.raises(ValueError, match="`beta`"):
        DenseAssociativeMemory(XOR, F="exponential", beta=np.inf)
    with pytest.raises(ValueError, match="overflows"):
        DenseAssociativeMemory(hf.patterns.random(2, 100, rng=0), n=200)
    with pytest.raises(ValueError, match="not finite"):
        DenseAssociativeMemory(hf.patterns.random(2, 1000, rng=0), F=np.exp)
    with pytest.raises(TypeError, match="shape of its input"):
        DenseAssociativeMemory(XOR, F=lambda x: 1.0)
    dam = DenseAssociativeMemory(XOR, n=3)
    with pytest.raises(ValueError, match="`probes` has 4 neurons"):
        dam.recall(np.ones(4))
    with pytest.raises(ValueError, match=r"probes.*±1"):
        dam.recall([0, 1, 1])
    with pytest.raises(ValueError, match="`update` must be one of"):
        dam.recall([1, 1, 1], update="random")
    with pytest.raises(ValueError, match="`tie` must be one of"):
        dam.recall([1, 1, 1], tie="-1")
    with pytest.raises(ValueError, match="max_sweeps"):
        dam.recall([1, 1, 1], max_sweeps=0)
    with pytest.raises(TypeError, match="clamp"):
        dam.recall([1, 1, 1], clamp=[1, 0, 0])
    with pytest.raises(ValueError, match="clamp"):
        dam.recall([1, 1, 1], clamp=np.ones(4, dtype=bool))
    with pytest.raises(TypeError, match="rng"):
        dam.recall([1, 1, 1], rng="seed")
    with pytest.raises(ValueError, match="`states` has 5 neurons"):
        dam.energy(np.ones(5))
    with pytest.raises(ValueError, match="n_neurons"):
        dense.capacity_no_errors(1, 3)
    with pytest.raises(ValueError, match="`n` == 1"):
        dense.error_probability(100, 10, 1)
    with pytest.raises(ValueError, match="n_patterns"):
        dense.error_probability(100, 0, 3)
