"""Modern Hopfield network (Ramsauer et al. 2021), THEORY.md §8."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hopfield as hf
from hopfield import _array_api as aa
from hopfield.modern import (
    ModernHopfieldNetwork,
    capacity_bound,
    classify_attention,
    head_class,
    separation_threshold,
)

try:
    import torch
except ImportError:  # the NumPy tests run without the torch extra
    torch = None


needs_torch = pytest.mark.skipif(torch is None, reason="needs torch (hopfield[torch])")


def sphere_patterns(rng, n=1000, d=64, norm=8.0):
    x = rng.normal(size=(n, d))
    return x * (norm / np.linalg.norm(x, axis=1, keepdims=True))


@pytest.fixture
def theory_net(rng):
    """THEORY §8 test setting: d=64, N=1000 Gaussian patterns rescaled to norm 8, β=1."""
    x = sphere_patterns(rng)
    return x, ModernHopfieldNetwork(x, beta=1.0)


def naive_update(x, xi, beta):
    s = beta * xi @ x.T
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    return p @ x


def naive_energy(x, xi, beta):
    s = beta * xi @ x.T
    m = s.max(axis=-1, keepdims=True)
    lse = (np.log(np.exp(s - m).sum(axis=-1)) + m[..., 0]) / beta
    big_m = np.max(np.linalg.norm(x, axis=1))
    return -lse + 0.5 * np.sum(xi * xi, axis=-1) + np.log(len(x)) / beta + 0.5 * big_m**2


# ------------------------------------------------------------------ the paper's claims
def test_one_step_retrieval_error(theory_net, rng):
    x, net = theory_net
    idx = rng.choice(len(x), size=20, replace=False)
    q = x[idx] + 0.3 * rng.normal(size=(20, 64))
    r = net.retrieve(q, steps=1)
    err = np.linalg.norm(r.states - x[idx], axis=1)
    assert err.max() < 1e-9
    assert np.all(r.steps == 1) and r.energy is None
    # that one update moved each query by ≈ ‖noise‖ ≫ tol: not yet converged; the next one is
    assert not np.any(r.converged) and not r.success
    assert net.retrieve(r.states, steps=1).success
    assert np.min(net.separation()) > 25  # THEORY: min Δ ≈ 30


def test_matches_naive_reference(theory_net, rng):
    x, net = theory_net
    q = rng.normal(size=(7, 64)) * 2
    np.testing.assert_allclose(net.update(q), naive_update(x, q, 1.0), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(net.energy(q), naive_energy(x, q, 1.0), rtol=1e-12)
    p = net.attention(q)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(p @ x, net.update(q), atol=1e-12)


@pytest.mark.parametrize("beta", [0.01, 0.1, 1.0])
def test_energy_non_increasing_and_lemma_a1(rng, beta):
    x = sphere_patterns(rng, n=200, d=32, norm=8.0)
    net = ModernHopfieldNetwork(x, beta=beta)
    big_m = net.max_norm
    xi = 3.0 * rng.normal(size=(10, 32))  # start far outside the ball ‖ξ‖ ≤ M
    energies = [net.energy(xi)]
    for _ in range(30):
        xi = net.update(xi)
        assert np.all(np.linalg.norm(xi, axis=1) <= big_m + 1e-9)
        energies.append(net.energy(xi))
    e = np.array(energies)
    assert np.all(np.diff(e, axis=0) <= 1e-10 * np.abs(e[:-1]).max())
    assert np.all(e[1:] >= -1e-12) and np.all(e[1:] <= 2 * big_m**2)


def test_small_beta_goes_to_pattern_mean(theory_net, rng):
    x, _ = theory_net
    net = ModernHopfieldNetwork(x, beta=0.01)
    r = net.retrieve(x[:5] + 0.3 * rng.normal(size=(5, 64)), steps=None, tol=1e-12)
    assert r.success
    assert np.max(np.linalg.norm(r.states - x.mean(axis=0), axis=1)) < 0.01
    c = net.classify(x[:5], steps=None)
    assert c.head_class == "I" and c.fixed_point_type == "global average"


def test_retrieve_until_convergence_reaches_fixed_point(theory_net, rng):
    x, net = theory_net
    q = x[:4] + 0.5 * rng.normal(size=(4, 64))
    r = net.retrieve(q, steps=None, tol=1e-12)
    assert r.success and np.all(r.steps >= 1)
    np.testing.assert_allclose(net.update(r.states), r.states, atol=1e-11)
    assert "converged" in r.message
    # a budget too small to converge is reported, not raised
    slow = ModernHopfieldNetwork(x, beta=0.05).retrieve(q, steps=None, tol=0.0, max_steps=2)
    assert not slow.success and np.all(slow.steps == 2) and "max_steps" in slow.message


def test_steps_zero_and_many(theory_net, rng):
    _, net = theory_net
    q = rng.normal(size=(3, 64))
    r0 = net.retrieve(q, steps=0)
    np.testing.assert_array_equal(r0.states, q)
    r3 = net.retrieve(q, steps=3)
    np.testing.assert_allclose(r3.states, net.update(net.update(net.update(q))), atol=1e-13)
    assert np.all(r3.steps == 3)


def test_retrieve_convergence_is_the_last_updates_move(theory_net, rng):
    """converged ⇔ ‖ξ^k − ξ^{k−1}‖ ≤ tol, from the iterates themselves (naive reference)."""
    x, _ = theory_net
    net = ModernHopfieldNetwork(x, beta=0.1)      # slow, metastable dynamics: moves shrink
    q = rng.normal(size=(6, 64))
    it = [q]
    for _ in range(4):
        it.append(naive_update(x, it[-1], 0.1))
    moves = [np.linalg.norm(it[k] - it[k - 1], axis=1) for k in range(1, 5)]
    for k in (1, 2, 4):
        tol = float(np.median(moves[k - 1]))            # half the rows below, half above
        r = net.retrieve(q, steps=k, tol=tol)
        np.testing.assert_allclose(r.states, it[k], atol=1e-12)
        np.testing.assert_array_equal(r.converged, moves[k - 1] <= tol)
        assert 0 < r.converged.sum() < 6


def test_retrieve_passes_over_the_memory_once_per_update(theory_net, rng, monkeypatch):
    """steps=k makes exactly k update passes; the energy, only on request, one lse pass."""
    import hopfield.modern as mod

    x, net = theory_net
    calls = {"update": 0, "energy": 0}
    real_update, real_energy = mod._update, mod._energy

    def counting(name, fn):
        def wrapped(*a, **k):
            calls[name] += 1
            return fn(*a, **k)
        return wrapped

    monkeypatch.setattr(mod, "_update", counting("update", real_update))
    monkeypatch.setattr(mod, "_energy", counting("energy", real_energy))
    q = x[:5] + 0.3 * rng.normal(size=(5, 64))
    for steps, energy, chunk in ((1, False, None), (3, False, 100), (1, True, None), (2, True, 64)):
        calls.update(update=0, energy=0)
        r = net.retrieve(q, steps=steps, energy=energy, chunk_size=chunk)
        assert calls == {"update": steps, "energy": int(energy)}
        if energy:
            np.testing.assert_allclose(r.energy, naive_energy(x, r.states, 1.0), rtol=1e-12)
        else:
            assert r.energy is None


def test_retrieve_memory_stays_that_of_one_update(rng):
    """tracemalloc: retrieve(steps=1), with or without the energy and chunks, peaks no higher
    than the update it performs (the energy streams in blocks; no (batch, N) matrix twice)."""
    import tracemalloc

    x = rng.normal(size=(20_000, 8))
    q = rng.normal(size=(50, 8))
    net = ModernHopfieldNetwork(x, beta=0.5)

    def peak(fn, *args, **kwargs):
        tracemalloc.start()
        fn(*args, **kwargs)
        out = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return out

    for cs in (None, 250):
        upd = peak(net.update, q, chunk_size=cs)
        for energy in (False, True):
            ret = peak(net.retrieve, q, steps=1, chunk_size=cs, energy=energy)
            assert ret <= 1.05 * upd + 64 * 1024, (cs, energy, ret, upd)
    assert peak(net.energy, q) < 50 * 20_000 * 8 / 2    # never the full score matrix


def test_single_query_shapes(theory_net):
    x, net = theory_net
    r = net.retrieve(x[0])
    assert r.states.shape == (64,) and isinstance(r.steps, int) and isinstance(r.converged, bool)
    assert np.ndim(net.energy(x[0])) == 0 and net.attention(x[0]).shape == (1000,)


def test_chunked_equals_one_shot(theory_net, rng):
    x, net = theory_net
    beta_net = ModernHopfieldNetwork(x, beta=0.05)  # a smooth softmax exercises every chunk
    q = rng.normal(size=(9, 64)) * 2
    for m in (net, beta_net):
        for cs in (1, 37, 256, 999, 5000):
            np.testing.assert_allclose(m.update(q, chunk_size=cs), m.update(q), rtol=0, atol=1e-12)
            np.testing.assert_allclose(m.energy(q, chunk_size=cs), m.energy(q), rtol=1e-13)
        a = m.retrieve(q, steps=None, chunk_size=100)
        b = m.retrieve(q, steps=None)
        np.testing.assert_allclose(a.states, b.states, atol=1e-12)


def _gap_problem(order):
    """Scores 1000, 999, 0, -1000, -1000 (β = 1, query (1, 0)) in the row order ``order``.

    Closed form: the two top patterns share the weight σ(1) : 1 - σ(1); the others get
    e^{-1000} relative weight, far below any float's resolution. lse = 1000 + log(1 + e^{-1}).
    """
    x = np.array([[1000.0, 0.0], [999.0, 1.0], [0.0, 2.0], [-1000.0, 3.0], [-1000.0, -3.0]])
    p = 1.0 / (1.0 + math.exp(-1.0))
    update = p * x[0] + (1.0 - p) * x[1]
    lse = 1000.0 + math.log1p(math.exp(-1.0))
    return x[order], np.array([1.0, 0.0]), update, lse


_GAP_ORDERS = [(0, 1, 2, 3, 4), (4, 3, 2, 1, 0), (2, 0, 3, 4, 1), (3, 4, 2, 1, 0)]


@pytest.mark.parametrize("backend", ["numpy64", "numpy32", "torch64", "torch32"])
@pytest.mark.parametrize("order", _GAP_ORDERS)
def test_chunked_paths_survive_score_gaps_of_1e3(backend, order):
    """Issue 13 item 3: every chunked path keeps the running max (no overflow at gaps of 1e3).

    With the top score in an early block and a later block's maximum 2000 lower, a streaming
    softmax that forgot the running max rescales by e^{2000} (inf → NaN); without the shift the
    first exponential overflows.
    """
    if backend.startswith("torch") and torch is None:
        pytest.skip("needs torch")
    x, q, want_update, lse = _gap_problem(list(order))
    dt = np.float32 if backend.endswith("32") else np.float64
    xs, qs = x.astype(dt), q.astype(dt)
    if backend.startswith("torch"):
        xs, qs = torch.from_numpy(xs), torch.from_numpy(qs)
    net = ModernHopfieldNetwork(xs, beta=1.0)
    want_energy = -lse + 0.5 + math.log(5) + 0.5 * (1000.0**2 + 3.0**2)   # M = ‖(−1000, ±3)‖
    rtol = 1e-6 if dt is np.float32 else 1e-12
    # torch's chunked update merges the fused kernel's per-block log-sum-exps, each rounded to
    # its dtype: a relative weight error of about eps·|lse| (here 1000·2⁻²⁴ ≈ 6e-5 in float32,
    # the size of the rounding of a float32 score of 1000 itself), not eps
    rtol_update = 8 * 1000 * np.finfo(dt).eps if backend.startswith("torch") else rtol
    for cs in (1, 2, 3, 4):
        np.testing.assert_allclose(np.asarray(net.update(qs, chunk_size=cs)), want_update,
                                   rtol=rtol_update)
        np.testing.assert_allclose(float(net.energy(qs, chunk_size=cs)), want_energy, rtol=rtol)
        r = net.retrieve(qs, steps=1, chunk_size=cs, energy=True)
        np.testing.assert_allclose(np.asarray(r.states), want_update, rtol=rtol_update)
        np.testing.assert_allclose(float(r.energy), float(net.energy(r.states)), rtol=rtol)


@pytest.mark.parametrize("use_torch", [False, True])
def test_streaming_softmax_keeps_max_after_fully_masked_blocks(use_torch):
    """A block that is all −inf (masked) before blocks of scores near −1000: exponentials are
    shifted by the true running max, not by the 0 used while nothing was seen."""
    if use_torch and torch is None:
        pytest.skip("needs torch")
    s = np.array([[-np.inf] * 4 + [-1000.0, -1001.0, -1002.0, -1003.0],
                  [-1000.0, -np.inf, -np.inf, -np.inf, -np.inf, -np.inf, 1000.0, -np.inf]])
    v = np.arange(16.0).reshape(8, 2)
    w = np.exp(s - s.max(axis=1, keepdims=True))
    want = (w / w.sum(axis=1, keepdims=True)) @ v
    want_lse = s.max(axis=1) + np.log(w.sum(axis=1))
    xs, vs = (torch.from_numpy(s), torch.from_numpy(v)) if use_torch else (s, v)
    xp = aa.get_namespace(xs)
    for cs in (1, 2, 3, 4, 5):
        out, lse = aa.streaming_softmax_matmul(lambda a, b: xp.asarray(xs[:, a:b], copy=True),
                                               lambda a, b: vs[a:b], 8, cs, xp)
        np.testing.assert_allclose(np.asarray(out), want, rtol=1e-12)
        np.testing.assert_allclose(np.asarray(lse), want_lse, rtol=1e-12)


def test_chunked_memory_is_bounded(rng):
    """tracemalloc peak: one-shot holds (batch, N) scores, chunked only (batch, chunk_size)."""
    import tracemalloc

    x = rng.normal(size=(20_000, 8))
    q = rng.normal(size=(50, 8))
    net = ModernHopfieldNetwork(x, beta=0.5)
    peaks = {}
    for cs in (None, 250):
        tracemalloc.start()
        net.update(q, chunk_size=cs)
        peaks[cs] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    scores_bytes = 50 * 20_000 * 8
    assert peaks[None] >= scores_bytes
    assert peaks[250] < scores_bytes / 5


def test_single_pattern_closed_form(rng):
    """N = 1: f(ξ) = x and E(ξ) = ½‖ξ − x‖² exactly (lse of one term, log 1 = 0, M = ‖x‖)."""
    x = rng.normal(size=(1, 6))
    xi = rng.normal(size=(4, 6))
    net = ModernHopfieldNetwork(x, beta=0.7)
    np.testing.assert_allclose(net.update(xi), np.repeat(x, 4, axis=0), atol=1e-15)
    np.testing.assert_allclose(net.energy(xi), 0.5 * np.sum((xi - x) ** 2, axis=1), rtol=1e-12)


def test_never_mutates_and_copies_numpy(theory_net, rng):
    x, _ = theory_net
    x0 = x.copy()
    net = ModernHopfieldNetwork(x)
    q = rng.normal(size=(2, 64))
    q0 = q.copy()
    net.retrieve(q, steps=None)
    np.testing.assert_array_equal(q, q0)
    x[0] = 0.0  # the network holds its own copy
    np.testing.assert_array_equal(net.patterns, x0)


def test_dtypes_float32_and_int(rng):
    x = sphere_patterns(rng, n=50, d=16).astype(np.float32)
    net = ModernHopfieldNetwork(x)
    r = net.retrieve(x[:3] + np.float32(0.1))
    assert r.states.dtype == np.float32
    np.testing.assert_allclose(r.states, x[:3], atol=1e-4)
    ints = ModernHopfieldNetwork(np.array([[1, -1, 1], [-1, 1, 1]]), beta=5.0)
    assert ints.patterns.dtype == np.float64
    np.testing.assert_allclose(ints.update([1, -1, 1]), [1, -1, 1], atol=1e-5)


# ------------------------------------------------------------------ theory helpers
def test_capacity_constants_theorem3():
    a = capacity_bound(20, beta=1.0, K=3.0, p=0.001)
    assert a.c >= 3.1546 and round(a.c, 4) == 3.1546 and round(a.a_plus_log_b, 4) == 1.2733
    assert a.valid and a.c >= a.c_required
    b = capacity_bound(75, beta=1.0, K=1.0, p=0.001)
    assert b.c >= 1.3718 and round(b.c, 4) == 1.3719 and round(b.a_plus_log_b, 4) == -0.9409
    assert b.valid
    # the definition of W0: c * log-form identity  b/c * exp(b/c) = exp(a + ln b)
    w = a.b / a.c
    assert math.isclose(w * math.exp(w), math.exp(a.a_plus_log_b), rel_tol=1e-12)
    assert math.isclose(b.n_patterns, math.sqrt(0.001) * b.c ** (74 / 4), rel_tol=1e-12)


def test_separation_matches_definition(rng):
    x = rng.normal(size=(30, 8))
    net = ModernHopfieldNetwork(x)
    g = x @ x.T
    want = np.array([min(g[i, i] - g[i, j] for j in range(30) if j != i) for i in range(30)])
    np.testing.assert_allclose(net.separation(), want, rtol=1e-12)
    np.testing.assert_allclose(net.separation(block=7), want, rtol=1e-12)
    assert ModernHopfieldNetwork(x[:1]).separation()[0] == np.inf


def test_theorem5_bound_holds(theory_net, rng):
    x, net = theory_net
    i = 3
    fixed = net.retrieve(x[i], steps=None, tol=1e-13).states
    d_star = float(np.linalg.norm(fixed - x[i]))
    q = x[i] + 0.02 * rng.normal(size=(5, 64))
    err = np.linalg.norm(net.update(q) - x[i], axis=1)
    bound = net.retrieval_error_bound(q, i, fixed_point_distance=d_star)
    assert np.all(err <= bound) and np.all(bound < 1e-3)
    # second part of Thm 5, and Thm 4 is Thm 5 times βNM
    assert d_star <= net.fixed_point_error_bound()[i]
    np.testing.assert_allclose(net.jacobian_bound(q, i), bound * 1000 * 8.0, rtol=1e-9)


def test_well_separated_threshold(rng):
    n, big_m, beta = 100, 8.0, 1.0
    thr = separation_threshold(n, big_m, beta)
    assert math.isclose(thr, 2 / (beta * n) + math.log(2 * 99 * 100 * beta * 64) / beta)
    x = sphere_patterns(rng, n=n, d=64)
    net = ModernHopfieldNetwork(x, beta=beta)
    np.testing.assert_array_equal(net.is_well_separated(), net.separation() >= thr)
    assert net.is_well_separated().all()           # Δ ≈ 30+ > thr ≈ 14
    assert not ModernHopfieldNetwork(x, beta=0.01).is_well_separated().any()


def test_head_classes_and_k():
    n = 64
    assert [head_class(k, n) for k in (40, 32, 9, 8, 3, 2, 1)] == \
        ["I", "II", "II", "III", "III", "IV", "IV"]
    uniform = np.full((3, n), 1 / n)
    c = classify_attention(uniform)
    assert np.all(c.k == math.ceil(0.9 * n)) and c.head_class == "I"
    one_hot = np.eye(n)[:5] * 0.95 + 0.05 / n
    c = classify_attention(one_hot)
    assert np.all(c.k == 1) and c.fixed_point_type == "single pattern" and c.head_class == "IV"
    four = np.zeros((2, n))
    four[:, :4] = 0.25
    c = classify_attention(four)
    assert np.all(c.k == 4) and c.fixed_point_type == "metastable" and c.head_class == "III"


def test_metastable_state_of_similar_patterns(rng):
    """A cluster of near-identical patterns gives a metastable state averaging the cluster."""
    base = sphere_patterns(rng, n=61, d=64)
    cluster = base[0] + 0.05 * rng.normal(size=(4, 64))
    x = np.vstack([cluster, base[1:]])
    net = ModernHopfieldNetwork(x, beta=1.0)
    r = net.retrieve(cluster[0], steps=None)
    np.testing.assert_allclose(r.states, cluster.mean(axis=0), atol=0.05)
    c = net.classify(cluster[0])
    assert c.fixed_point_type == "metastable" and 2 <= c.k_median <= 4


# ------------------------------------------------------------------ validation
@pytest.mark.parametrize("bad, err, match", [
    ([[1.0, np.nan]], ValueError, "NaN"),
    ([[1.0, np.inf]], ValueError, "inf"),
    ([1.0, 2.0], ValueError, "2-D"),
    (np.zeros((0, 3)), ValueError, "empty"),
    ([["a", "b"]], TypeError, "real numbers"),
    (None, TypeError, "numeric"),
])
def test_bad_patterns(bad, err, match):
    with pytest.raises(err, match=match):
        ModernHopfieldNetwork(bad)


@pytest.mark.parametrize("beta", [0.0, -1.0, math.inf, math.nan])
def test_bad_beta(beta):
    with pytest.raises(ValueError, match="beta"):
        ModernHopfieldNetwork(np.eye(3), beta=beta)
    with pytest.raises(TypeError, match="beta"):
        ModernHopfieldNetwork(np.eye(3), beta="1")


def test_finite_check_accepts_finite_entries_whose_sum_overflows():
    """The cheap finiteness test (the sum) falls back to the entrywise test on overflow."""
    x = np.full((3, 2), 3e38, dtype=np.float32)
    net = ModernHopfieldNetwork(x, beta=1e-38)
    assert net.n_patterns == 3
    with pytest.raises(ValueError, match="NaN"):
        ModernHopfieldNetwork(np.array([[1.0, np.nan], [np.inf, -np.inf]]))
    with pytest.raises(ValueError, match="inf"):
        net.update(np.array([np.inf, 1.0], dtype=np.float32))


def test_bad_queries_and_options():
    net = ModernHopfieldNetwork(np.eye(3))
    with pytest.raises(ValueError, match="dimension 4"):
        net.retrieve(np.ones(4))
    with pytest.raises(ValueError, match="NaN"):
        net.energy([np.nan, 0, 0])
    with pytest.raises(ValueError, match="queries"):
        net.retrieve(np.ones((2, 2, 3)))
    with pytest.raises(ValueError, match="chunk_size"):
        net.update(np.ones(3), chunk_size=0)
    with pytest.raises(ValueError, match="steps"):
        net.retrieve(np.ones(3), steps=-1)
    with pytest.raises(ValueError, match="tol"):
        net.retrieve(np.ones(3), tol=-1.0)
    with pytest.raises(ValueError, match="index"):
        net.retrieval_error_bound(np.ones(3), 3)
    with pytest.raises(ValueError, match="p"):
        capacity_bound(20, p=1.5)


def test_save_load_roundtrip(tmp_path, rng):
    x = rng.normal(size=(10, 5))
    net = ModernHopfieldNetwork(x, beta=2.5)
    hf.save(net, tmp_path / "m.npz")
    back = hf.load(tmp_path / "m.npz")
    assert isinstance(back, ModernHopfieldNetwork) and back.beta == 2.5
    np.testing.assert_array_equal(back.patterns, x)


def test_array_api_strict_namespace(rng):
    """The core uses only the array API standard: array_api_strict in, array_api_strict out."""
    xs = pytest.importorskip("array_api_strict")
    x = 2 * rng.normal(size=(100, 16))
    q = x[:3] + 0.1 * rng.normal(size=(3, 16))
    ref = ModernHopfieldNetwork(x, beta=0.5)
    net = ModernHopfieldNetwork(xs.asarray(x), beta=0.5)
    r = net.retrieve(xs.asarray(q), steps=None)
    assert type(r.states).__module__.startswith("array_api_strict")
    np.testing.assert_allclose(np.asarray(r.states), ref.retrieve(q, steps=None).states, atol=1e-12)
    np.testing.assert_allclose(np.asarray(net.update(xs.asarray(q), chunk_size=7)), ref.update(q),
                               atol=1e-12)
    np.testing.assert_allclose(np.asarray(net.energy(xs.asarray(q))), ref.energy(q), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(net.separation()), ref.separation(), rtol=1e-12)


def test_array_api_helpers():
    x = np.array([[1000.0, 1000.0], [-np.inf, -np.inf], [0.0, math.log(3.0)]])
    lse = aa.logsumexp(x, axis=-1)
    np.testing.assert_allclose(lse, [1000 + math.log(2), -np.inf, math.log(4)])
    sm = aa.softmax(np.array([[1000.0, 1000.0], [0.0, math.log(3.0)]]))
    np.testing.assert_allclose(sm, [[0.5, 0.5], [0.25, 0.75]])


# ------------------------------------------------------------------ torch (array API)


def _devices():
    return ["cpu"] + (["cuda"] if torch is not None and torch.cuda.is_available() else [])


@needs_torch
@pytest.mark.parametrize("device", _devices())
def test_torch_in_torch_out_same_device(theory_net, rng, device):
    x, net_np = theory_net
    q = x[:4] + 0.3 * rng.normal(size=(4, 64))
    xt = torch.tensor(x, device=device)
    net = ModernHopfieldNetwork(xt)
    r = net.retrieve(torch.tensor(q, device=device), steps=None)
    assert isinstance(r.states, torch.Tensor) and r.states.device.type == device
    np.testing.assert_allclose(r.states.cpu().numpy(), net_np.retrieve(q, steps=None).states,
                               atol=1e-12)
    # NumPy network, torch query -> torch result (float32 query keeps float32)
    r32 = net_np.retrieve(torch.tensor(q, dtype=torch.float32, device=device))
    assert r32.states.dtype == torch.float32 and r32.states.device.type == device
    np.testing.assert_allclose(r32.states.cpu().numpy(), x[:4], atol=1e-4)
    np.testing.assert_allclose(net.separation().cpu().numpy(), net_np.separation(), rtol=1e-12)


@needs_torch
def test_torch_autograd_energy_gradient(theory_net, rng):
    x, _ = theory_net
    for beta in (0.1, 1.0):
        net = ModernHopfieldNetwork(torch.tensor(x), beta=beta)
        xi = torch.tensor(2 * rng.normal(size=(5, 64)), requires_grad=True)
        net.energy(xi).sum().backward()
        xi_np = xi.detach().numpy()
        analytic = xi_np - naive_update(x, xi_np, beta)
        np.testing.assert_allclose(xi.grad.numpy(), analytic, atol=1e-10)
        np.testing.assert_allclose(net.energy_gradient(xi.detach()).numpy(), analytic, atol=1e-12)


@needs_torch
def test_torch_gradients_flow_to_patterns_through_retrieval(rng):
    x = torch.tensor(rng.normal(size=(20, 8)), requires_grad=True)
    q = torch.tensor(rng.normal(size=(3, 8)), requires_grad=True)
    net = ModernHopfieldNetwork(x, beta=0.5)
    out = net.retrieve(q, steps=3).states
    out.sum().backward()
    assert x.grad is not None and torch.all(torch.isfinite(x.grad)) and x.grad.abs().sum() > 0
    assert q.grad is not None and q.grad.abs().sum() > 0


@needs_torch
@pytest.mark.parametrize("beta", [0.125, 1.0])
def test_one_step_equals_sdpa(theory_net, rng, beta):
    x, _ = theory_net
    q = rng.normal(size=(6, 64))
    xt = torch.tensor(x)
    sdpa = torch.nn.functional.scaled_dot_product_attention(
        torch.tensor(q)[None], xt[None], xt[None], scale=beta)[0]
    ours = ModernHopfieldNetwork(xt, beta=beta).retrieve(torch.tensor(q), steps=1).states
    np.testing.assert_allclose(ours.numpy(), sdpa.numpy(), atol=1e-12)


@needs_torch
def test_update_equals_transformer_attention_eq10(rng):
    """Z = softmax(Q Kᵀ/√d_k) V = softmax(β R W_Q W_Kᵀ Yᵀ) Y W_K W_V (eq. 10)."""
    d_y, d_r, d_k, d_v, n, s = 12, 10, 16, 7, 30, 5
    y = rng.normal(size=(n, d_y))
    r = rng.normal(size=(s, d_r))
    w_q, w_k, w_v = rng.normal(size=(d_r, d_k)), rng.normal(size=(d_y, d_k)), rng.normal(size=(d_k, d_v))
    q, k = r @ w_q, y @ w_k
    v = k @ w_v
    scores = q @ k.T / math.sqrt(d_k)
    att = np.exp(scores - scores.max(axis=1, keepdims=True))
    z = att / att.sum(axis=1, keepdims=True) @ v
    # Hopfield: stored patterns x_i = W_Kᵀ y_i (rows of K), states ξ = W_Qᵀ r (rows of Q)
    net = ModernHopfieldNetwork(k, beta=1 / math.sqrt(d_k))
    np.testing.assert_allclose(net.update(q) @ w_v, z, atol=1e-10)
    zt = torch.nn.functional.scaled_dot_product_attention(
        torch.tensor(q), torch.tensor(k), torch.tensor(v))
    np.testing.assert_allclose(zt.numpy(), z, atol=1e-10)


@needs_torch
def test_torch_validation_and_save_refuses_tensors(tmp_path):
    with pytest.raises(ValueError, match="NaN"):
        ModernHopfieldNetwork(torch.tensor([[1.0, float("nan")]]))
    with pytest.raises(ValueError, match="dimension"):
        ModernHopfieldNetwork(torch.eye(3)).update(torch.ones(2))
    with pytest.raises(TypeError, match="NumPy"):
        hf.save(ModernHopfieldNetwork(torch.eye(3)), tmp_path / "t.npz")


def test_importing_hopfield_does_not_import_torch():
    import subprocess
    import sys
    code = "import sys, hopfield; hopfield.ModernHopfieldNetwork; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_merge_softmax_partials_closed_form(rng):
    """Two halves merged give the one-shot softmax product and log-sum-exp; −inf parts vanish."""
    s = rng.normal(size=(4, 30)) * 3
    v = rng.normal(size=(30, 5))

    def part(cols):
        w = np.exp(s[:, cols] - s[:, cols].max(axis=1, keepdims=True))
        lse = np.log(w.sum(axis=1)) + s[:, cols].max(axis=1)
        return (w / w.sum(axis=1, keepdims=True)) @ v[cols], lse

    (oa, la), (ob, lb) = part(slice(0, 11)), part(slice(11, 30))
    out, lse = aa.merge_softmax_partials(oa, la, ob, lb, aa.get_namespace(oa))
    p = np.exp(s - s.max(axis=1, keepdims=True))
    np.testing.assert_allclose(out, (p / p.sum(axis=1, keepdims=True)) @ v, atol=1e-13)
    np.testing.assert_allclose(lse, np.log(np.exp(s).sum(axis=1)), rtol=1e-14)
    empty = np.full(4, -np.inf)
    out2, lse2 = aa.merge_softmax_partials(oa, la, np.zeros_like(oa), empty, np)
    np.testing.assert_allclose(out2, oa, rtol=1e-15)
    np.testing.assert_array_equal(lse2, la)
    out3, lse3 = aa.merge_softmax_partials(np.zeros_like(oa), empty, np.zeros_like(oa), empty, np)
    assert np.all(out3 == 0) and np.all(lse3 == -np.inf)


@needs_torch
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_torch_chunked_update_runs_the_fused_kernel_per_block(rng, monkeypatch, dtype):
    """torch, chunk_size given, no gradient: one fused-kernel call per block of patterns, merged
    to the array-API streaming result (the independent path: scores, running max, exp, matmul)."""
    import hopfield.modern as mod

    dt = getattr(torch, dtype)
    x = torch.from_numpy(sphere_patterns(rng, n=1000, d=64)).to(dt)
    q = x[:9] + 0.5 * torch.from_numpy(rng.normal(size=(9, 64))).to(dt)
    beta = 0.4
    kernel = mod._flash_op()
    calls = []

    def counting(*a, **k):
        calls.append(a[1].shape[-2])
        return kernel(*a, **k)

    monkeypatch.setattr(mod, "_flash_op", lambda: counting)
    net = ModernHopfieldNetwork(x, beta=beta)
    got = net.update(q, chunk_size=300)
    assert calls == [300, 300, 300, 100]
    want = mod._update(q, x, x, beta, aa.get_namespace(q), chunk_size=300, use_sdpa=False)
    tol = 2e-6 if dtype == "float32" else 1e-13
    torch.testing.assert_close(got, want, rtol=0, atol=tol * 8)
    torch.testing.assert_close(net.update(q[0], chunk_size=128), net.update(q[0]), rtol=0,
                               atol=tol * 8)
    calls.clear()
    xg = x.clone().requires_grad_(True)       # gradients: the differentiable streaming path
    out = ModernHopfieldNetwork(xg, beta=beta).update(q, chunk_size=300)
    assert calls == [] and out.requires_grad
    out.sum().backward()
    assert xg.grad is not None and torch.isfinite(xg.grad).all()


@needs_torch
def test_torch_chunked_update_keeps_the_general_contract_of_update(rng):
    """The fused-kernel route of the chunked update against softmax(β ξ Kᵀ + bias) V written out
    in NumPy, for the forms ``_update`` accepts beyond a network's own call (distinct values,
    broadcast leading dimensions, values of another width, a bias, a β per query): each must
    either run the kernel correctly or leave it to the streaming path."""
    import hopfield.modern as mod

    d, n, cs = 6, 50, 16  # 50 patterns in blocks of 16: the last block is short

    def ref(q, k, v, beta, bias=None):
        s = beta * np.einsum("...qd,...nd->...qn", q, k) + (0 if bias is None else bias)
        w = np.exp(s - s.max(axis=-1, keepdims=True))
        return np.einsum("...qn,...nv->...qv", w / w.sum(axis=-1, keepdims=True), v)

    def run(q, k, v, beta, bias=None):
        t = [torch.from_numpy(a) for a in (q, k, v)]
        b = beta if np.ndim(beta) == 0 else torch.from_numpy(beta)
        tb = None if bias is None else torch.from_numpy(bias)
        out = mod._update(t[0], t[1], t[2], b, aa.get_namespace(t[0]), bias=tb, chunk_size=cs)
        return out.numpy()

    q = rng.normal(size=(2, 1, 5, d))
    k = rng.normal(size=(1, 3, n, d))
    v = rng.normal(size=(1, 3, n, d))  # values other than the keys, same width
    np.testing.assert_allclose(run(q, k, v, 0.7), ref(q, k, v, 0.7), rtol=0, atol=1e-12)
    q2, k2 = q[0, 0], k[0, 0]
    w = rng.normal(size=(n, 3))  # values of another width than the keys
    np.testing.assert_allclose(run(q2, k2, w, 0.7), ref(q2, k2, w, 0.7), rtol=0, atol=1e-12)
    bias = rng.normal(size=(5, n))
    np.testing.assert_allclose(run(q2, k2, k2, 0.7, bias), ref(q2, k2, k2, 0.7, bias), rtol=0,
                               atol=1e-12)
    betas = rng.uniform(0.2, 2.0, size=(5, 1))  # one β per query
    np.testing.assert_allclose(run(q2, k2, k2, betas), ref(q2, k2, k2, betas), rtol=0, atol=1e-12)


def test_merge_softmax_partials_is_shift_invariant_past_overflow(rng):
    """Scores shifted by c shift both log-sum-exps and the merged one by c and leave the weighted
    sum unchanged (softmax is shift-invariant), also at c = ±1000, where e^lse over- or
    underflows in float64: the merge must work relative to the merged log-sum-exp."""
    oa, ob = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    la, lb = rng.normal(size=3), rng.normal(size=3)
    out0, lse0 = aa.merge_softmax_partials(oa, la, ob, lb, np)
    for c in (1000.0, -1000.0):
        out, lse = aa.merge_softmax_partials(oa, la + c, ob, lb + c, np)
        np.testing.assert_allclose(out, out0, rtol=0, atol=1e-12)
        np.testing.assert_allclose(lse, lse0 + c, rtol=1e-15)
