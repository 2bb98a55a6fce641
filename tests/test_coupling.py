"""Exact integer Hebb couplings, the weight and pattern forms, and float32 weights: every one must
give the states of the float64 reference path (``precision="float64"``)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import hopfield as hf
from hopfield.dynamics.coupling import HebbIntegers, choose_form
from hopfield.dynamics.updates import async_kernel
from naive import energy
from naive import hebb as naive_hebb


def _pair(n, x, **kw):
    a = hf.HopfieldNetwork(n, **kw)
    b = hf.HopfieldNetwork(n, precision="float64", **kw)
    a.store(x)
    b.store(x)
    return a, b


def _assert_same(ra, rb):
    assert_array_equal(ra.states, rb.states)
    assert_array_equal(ra.sweeps, rb.sweeps)
    assert_array_equal(ra.flips, rb.flips)
    assert_array_equal(ra.converged, rb.converged)
    assert_allclose(ra.energy, rb.energy, rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("update", ["async", "sequential", "sync"])
@pytest.mark.parametrize("normalize, zero_diagonal", [("n", True), ("p", True), ("none", False)])
def test_integer_recall_equals_float64_path(rng, update, normalize, zero_diagonal):
    # even N and even P: many fields are exactly zero, so the tie rule decides often
    n, p = 64, 12
    x = hf.patterns.random(p, n, rng=rng)
    a, b = _pair(n, x, normalize=normalize, zero_diagonal=zero_diagonal)
    assert a._coupling().integer and not b._coupling().integer
    probes = hf.patterns.flip(x[rng.integers(0, p, 40)], 0.3, rng=rng)
    for tie in ("keep", "+1"):
        ra = a.recall(probes, update=update, tie=tie, trace=True, rng=5)
        rb = b.recall(probes, update=update, tie=tie, trace=True, rng=5)
        _assert_same(ra, rb)
        assert_allclose(ra.energy_trace, rb.energy_trace, rtol=1e-12, atol=1e-9)
        # the integer energy is exact: it equals the energy of the final states
        assert_allclose(ra.energy, b.energy(ra.states), rtol=1e-12, atol=1e-9)
    assert_array_equal(a.is_fixed_point(probes), b.is_fixed_point(probes))
    assert_allclose(a.local_field(probes), b.local_field(probes), atol=1e-12)
    assert_allclose(a.energy(probes), b.energy(probes), rtol=1e-12, atol=1e-9)
    assert_allclose(a.weights, b.weights, rtol=1e-15, atol=0)  # c·K, rounded once


def test_binary_network_integer_path_equals_float64(rng):
    n = 50
    x01 = hf.patterns.to_binary(hf.patterns.random(6, n, rng=rng))
    a, b = _pair(n, x01, states="binary")
    probes = hf.patterns.to_binary(hf.patterns.flip(hf.patterns.to_bipolar(x01), 0.2, rng=rng))
    for update in ("async", "sync"):
        _assert_same(a.recall(probes, update=update, rng=1), b.recall(probes, update=update, rng=1))
    assert_allclose(a.thresholds, b.thresholds, atol=1e-12)
    assert_allclose(a.energy(probes), b.energy(probes), atol=1e-9)


def test_weight_and_pattern_forms_give_identical_runs(rng):
    n, p = 90, 9
    x = hf.patterns.random(p, n, rng=rng)
    net = hf.HopfieldNetwork(n)
    net.store(x)
    c = net._coupling()
    probes = hf.patterns.flip(x[rng.integers(0, p, 30)], 0.25, rng=rng)
    betas = np.full(50, np.inf)
    seeds = rng.integers(0, 2**63, size=30, dtype=np.uint64)
    clamp = rng.random(probes.shape) < 0.1
    out = {}
    for form in ("weights", "patterns"):
        s = probes.copy()
        fields, overlaps, energies, _ = c.start(s)
        trace = np.zeros((30, 51))
        res = async_kernel(c, form, fields, overlaps, s, clamp, "random", 0, betas, seeds,
                           energies, trace)
        out[form] = (s, energies, trace, *res)
    assert_array_equal(out["weights"][0][clamp], probes[clamp])
    for a, b in zip(out["weights"], out["patterns"], strict=True):
        assert_array_equal(a, b)


def test_hebb_integers_match_naive_and_extend_across_int8_limit(rng):
    n = 12
    x = hf.patterns.random(140, n, rng=rng)
    store = HebbIntegers(zero_diagonal=True)
    k1 = store.matrix(x[:100])
    assert k1.dtype == np.int8
    assert_array_equal(k1, naive_hebb(x[:100], 1))
    k2 = store.matrix(x)  # extended by 40 patterns, past int8's 127
    assert k2.dtype == np.int16
    assert_array_equal(k2, naive_hebb(x, 1))
    kept = HebbIntegers(zero_diagonal=False).matrix(x[:5])
    assert_array_equal(np.diag(kept), np.full(n, 5))


def test_exact_ties_without_tolerance():
    # one pattern of five +1s: K_0j = 1, so neuron 0's field is s1 + s2 + s3 + s4 = 0 exactly for
    # s = (·, 1, 1, -1, -1); in float64 it is 0.2 + 0.2 - 0.2 - 0.2, which needs the tolerance
    a, b = _pair(5, np.ones((1, 5), dtype=np.int8))
    assert a._coupling().field(np.array([[-1, 1, 1, -1, -1]], dtype=np.int8))[0, 0] == 0
    clamp = np.array([False, True, True, True, True])
    for start, tie, want in ((-1, "keep", -1), (1, "keep", 1), (-1, "+1", 1)):
        probe = np.array([start, 1, 1, -1, -1], dtype=np.int8)
        for update in ("sequential", "async", "sync"):
            ra = a.recall(probe, update=update, clamp=clamp, tie=tie, rng=0)
            rb = b.recall(probe, update=update, clamp=clamp, tie=tie, rng=0)
            assert ra.states[0] == want == rb.states[0]
        assert a.is_fixed_point(probe, tie=tie) == b.is_fixed_point(probe, tie=tie)


def test_thresholds_that_are_not_integers_use_the_float_path(rng):
    n = 40
    x = hf.patterns.random(5, n, rng=rng)
    probes = hf.patterns.flip(x, 0.2, rng=rng)
    whole = hf.HopfieldNetwork(n, thresholds=3.0 / n)  # Θ = 3 exactly
    frac = hf.HopfieldNetwork(n, thresholds=0.3 / n)
    ref = hf.HopfieldNetwork(n, thresholds=0.3 / n, precision="float64")
    for net in (whole, frac, ref):
        net.store(x)
    assert whole._coupling().integer and not frac._coupling().integer
    _assert_same(frac.recall(probes, rng=2), ref.recall(probes, rng=2))
    ref3 = hf.HopfieldNetwork(n, thresholds=3.0 / n, precision="float64")
    ref3.store(x)
    _assert_same(whole.recall(probes, rng=2), ref3.recall(probes, rng=2))


def test_float32_weights_for_other_rules(rng):
    n = 60
    x = hf.patterns.random(8, n, rng=rng)
    a = hf.HopfieldNetwork(n, rule="storkey", precision="float32")
    b = hf.HopfieldNetwork(n, rule="storkey")
    a.store(x)
    b.store(x)
    assert a._coupling().weights_t().dtype == np.float32
    assert b._coupling().weights_t().dtype == np.float64
    probes = hf.patterns.flip(x, 0.15, rng=rng)
    ra, rb = a.recall(probes, rng=4), b.recall(probes, rng=4)
    assert_array_equal(ra.states, rb.states)
    assert_allclose(ra.energy, b.energy(ra.states), rtol=1e-5)
    assert_array_equal(a.weights, b.weights)  # storage stays float64; only recall reads float32


def test_pattern_form_never_forms_k_and_weights_are_formed_on_request(rng):
    n = 3000
    x = hf.patterns.random(3, n, rng=rng)
    net = hf.HopfieldNetwork(n)
    net.store(x)
    r = net.recall(hf.patterns.flip(x[0], 0.1, rng=rng), rng=0)
    assert_array_equal(r.states, x[0])
    assert net._hebb_k._k is None  # one probe: the pattern form is cheaper than forming K
    w = net.weights
    assert w.dtype == np.float64 and w.shape == (n, n)
    assert_allclose(w[:5, :5], naive_hebb(x[:, :5], 1.0 / n))


def test_pattern_kernel_is_deterministic_across_thread_counts(rng):
    numba = pytest.importorskip("numba")
    n, p = 100, 10
    x = hf.patterns.random(p, n, rng=rng)
    net = hf.HopfieldNetwork(n)
    net.store(x)
    c = net._coupling()
    probes = hf.patterns.flip(np.repeat(x, 3, axis=0), 0.3, rng=rng)
    betas = np.concatenate([np.full(4, 2.0), np.full(20, np.inf)])  # Glauber, then T = 0
    seeds = rng.integers(0, 2**63, size=probes.shape[0], dtype=np.uint64)
    before = numba.get_num_threads()
    results = []
    try:
        for threads in (1, numba.config.NUMBA_NUM_THREADS):
            numba.set_num_threads(threads)
            for form in ("patterns", "weights"):
                s = probes.copy()
                fields, overlaps, energies, _ = c.start(s)
                async_kernel(c, form, fields, overlaps, s, np.zeros(s.shape, bool), "random", 0,
                             betas, seeds, energies, np.zeros((s.shape[0], 0)))
                results.append((s, energies))
    finally:
        numba.set_num_threads(before)
    for s, e in results[1:]:
        assert_array_equal(s, results[0][0])
        assert_array_equal(e, results[0][1])


def test_glauber_integer_path_equals_float64(rng):
    n = 48
    x = hf.patterns.random(6, n, rng=rng)
    a, b = _pair(n, x)
    probes = hf.patterns.flip(np.repeat(x, 2, axis=0), 0.2, rng=rng)
    sched = hf.dynamics.anneal(1.5, 0.1, 6, hold=5)
    ra, rb = a.recall(probes, temperature=sched, rng=9), b.recall(probes, temperature=sched, rng=9)
    assert_array_equal(ra.states, rb.states)


def test_given_weights_stay_on_the_float_path(rng):
    w = rng.normal(size=(10, 10))
    w = (w + w.T) / 2
    net = hf.HopfieldNetwork.from_weights(w)
    assert not net._coupling().integer
    assert_array_equal(net.weights, w)


def test_one_neuron_one_pattern():
    net = hf.HopfieldNetwork(1)
    net.store([[1]])
    r = net.recall([-1])
    assert r.states.tolist() == [-1] and r.converged  # zero self-coupling: every state is fixed
    assert net.energy([1]) == 0.0


@pytest.mark.parametrize("states", ["bipolar", "binary"])
def test_small_batches_take_the_pattern_form_and_equal_float64(rng, states):
    n, p = 600, 5
    x = hf.patterns.random(p, n, rng=rng)
    probes = hf.patterns.flip(x[:2], 0.2, rng=rng)
    if states == "binary":
        x, probes = hf.patterns.to_binary(x), hf.patterns.to_binary(probes)
    a, b = _pair(n, x, states=states)
    assert a._coupling().pattern_form_certain(2)
    clamp = rng.random(n) < 0.05
    for update in ("async", "sequential"):
        ra = a.recall(probes, update=update, clamp=clamp, trace=True, rng=3)
        rb = b.recall(probes, update=update, clamp=clamp, trace=True, rng=3)
        _assert_same(ra, rb)
        assert_allclose(ra.energy_trace, rb.energy_trace, rtol=1e-12, atol=1e-9)
    assert a._hebb_k._k is None


@pytest.mark.parametrize(("n", "p", "dtype"), [(70, 9, np.int32), (70, 9, np.int64),
                                               (2**15 + 3, 2, np.int32)])
def test_hebb_start_matches_naive_fields_and_energies(rng, n, p, dtype):
    # the integer start of the weight form against K = ΞᵀΞ − P·I formed naively; n >= 2**15 takes
    # the int32 overlap loop, the int64 fields the dtype for huge N·P
    from hopfield.dynamics._kernels import hebb_start

    x = hf.patterns.random(p, n, rng=rng)
    s = hf.patterns.random(5, n, rng=rng)
    theta = rng.integers(-3, 4, n).astype(np.int64)
    m = s.astype(np.int64) @ x.T
    h = m @ x - p * s.astype(np.int64) - theta  # zero diagonal: c_d = P
    e = -0.5 * np.einsum("bi,bi->b", s, h + theta) + s @ theta
    fields = np.empty((5, n), dtype=dtype)
    overlaps = np.empty((5, p), dtype=np.int32)
    energies, unstable = np.empty(5), np.empty(5, dtype=np.int64)
    hebb_start(x, s, p, theta, fields, overlaps, energies, unstable)
    assert_array_equal(overlaps, m)
    assert_array_equal(fields, h)
    assert_array_equal(energies, e)
    assert_array_equal(unstable, np.count_nonzero(s * h < 0, axis=1))


def test_sweeps_keep_int16_fields_only_when_the_row_bound_fits(rng):
    # |H_i| <= max_i Σ_j |K_ij| + |Θ_i|: int16 fields below 2**15, int32 above (a threshold of
    # 40 000 in units of 1/N pushes the bound over); both runs equal the float64 path
    n, p = 60, 7
    x = hf.patterns.random(p, n, rng=rng)
    k = naive_hebb(x, 1).astype(np.int64)
    assert HebbIntegers(True).row_bound(x) == np.abs(k).sum(axis=1).max()
    theta = np.zeros(n)
    theta[:3] = 40_000 / n
    probes = hf.patterns.flip(x[rng.integers(0, p, 12)], 0.2, rng=rng)
    for th, dtype in ((0.0, np.int16), (theta, np.int32)):
        a, b = _pair(n, x, thresholds=th)
        assert a._coupling().sweep_field_dtype() == dtype
        _assert_same(a.recall(probes, rng=5), b.recall(probes, rng=5))


@pytest.mark.parametrize("precision", ["auto", "float64"])
def test_blocked_fixed_order_kernel_equals_one_probe_at_a_time(rng, precision):
    # blocks of probes visiting neuron i together (one column read per block) against the
    # one-probe kernel: states, fields' energies, trace, sweeps, flips, at T = 0 and T > 0, with
    # clamped neurons and a batch that is not a multiple of the block
    from hopfield.dynamics import _kernels as k

    n, p, batch = 80, 8, 37
    x = hf.patterns.random(p, n, rng=rng)
    net = hf.HopfieldNetwork(n, precision=precision).store(x)
    c = net._coupling()
    probes = hf.patterns.flip(x[rng.integers(0, p, batch)], 0.3, rng=rng)
    clamp = rng.random(probes.shape) < 0.05
    seeds = rng.integers(0, 2**63, size=batch, dtype=np.uint64)
    for betas in (np.full(30, np.inf), np.concatenate([np.full(4, 3.0), np.full(20, np.inf)]),
                  np.full(3, 0.5)):
        out = []
        for block in (None, 1, 5, 16):  # None: the one-probe kernel, on one thread
            s = probes.copy()
            if c.integer:
                fields, _, energies, _ = c.start(s)
            else:
                fields = c.field(s)
                energies = -0.5 * np.einsum("bi,bi->b", s, fields + c.theta) + s @ c.theta
            h = np.ascontiguousarray(fields, dtype=c.sweep_field_dtype())
            trace = np.zeros((batch, len(betas) + 1))
            res = [np.zeros(batch, np.int64), np.zeros(batch, np.bool_), np.zeros(batch, np.int64)]
            if block is None:
                k.async_sweeps_serial(c.weights_t(), c.eps, c.diag, c.scale, s, h, clamp,
                                      k.ORDER_FIXED, 0, betas, seeds, energies, trace, *res)
            else:
                k.sequential_sweeps_blocked(c.weights_t(), c.eps, c.diag, c.scale, s, h, clamp,
                                            0, betas, seeds, energies, trace, *res, block)
            out.append((s, h, energies, trace, *res))
        for other in out[1:]:
            for a, b in zip(out[0], other, strict=True):
                assert_array_equal(a, b)
        assert not np.array_equal(out[0][0], probes)  # the dynamics did run


@pytest.mark.parametrize("n", [2**15 - 1, 2**15])
def test_hebb_start_overlap_of_a_stored_pattern_is_n_at_the_int16_edge(n):
    # a probe equal to its pattern has the overlap m = N exactly, a partial sum that leaves int16
    # at N = 2**15 (so the int16 overlap loop is for N < 2**15 only); closed forms for one
    # pattern, zero diagonal, Θ = 0: H_i = (N − 1) ξ_i, E = −N (N − 1) / 2
    from hopfield.dynamics._kernels import hebb_start

    x = np.ones((1, n), dtype=np.int8)
    x[0, ::3] = -1
    s = np.concatenate([x, -x])
    fields = np.empty((2, n), dtype=np.int32)
    overlaps = np.empty((2, 1), dtype=np.int32)
    energies, unstable = np.empty(2), np.empty(2, dtype=np.int64)
    hebb_start(x, s, 1, np.zeros(n, dtype=np.int64), fields, overlaps, energies, unstable)
    assert overlaps[:, 0].tolist() == [n, -n]
    assert_array_equal(fields, (n - 1) * s.astype(np.int64))
    assert energies.tolist() == [-0.5 * n * (n - 1)] * 2
    assert unstable.tolist() == [0, 0]


@pytest.mark.parametrize("zero_diagonal", [True, False])
@pytest.mark.parametrize("edge", ["int16", "past_int16", "int32"])
def test_fields_at_the_edge_of_their_integer_type(rng, zero_diagonal, edge):
    # one pattern ξ (ξ_0 = +1) and a negative threshold Θ_0 on neuron 0: at s = ξ its field is
    # H_0 = d + |Θ_0| with d = N − 1 (zero diagonal) or N (kept), the largest any field can be.
    # Θ_0 is picked so that H_0 is exactly 2**15 (one past int16; the bound max_i Σ_j |K_ij| +
    # |Θ_i| then equals 2**15 too: int16 fields must not be used), far past it, or at the top of
    # int32 (kept diagonal: 2**31, the field bound N·P + |Θ| itself). ξ is a fixed point (every
    # s_i H_i > 0), so recall from ξ must make no flip; other probes must match float64.
    n = 64
    d = n - 1 if zero_diagonal else n
    top = {"int16": 2**15, "past_int16": 40_000,
           "int32": 2**31 - 1 + d if zero_diagonal else 2**31}[edge]
    big = top - d  # |Θ_0| (below 2**31, so the integer path is taken)
    x = np.ones((1, n), dtype=np.int8)
    x[0, 1::2] = -1
    scale = 1.0 / n if zero_diagonal else 1.0
    theta = np.zeros(n)
    theta[0] = -big * scale  # an exact binary fraction: integer in units of the scale
    kw = {"normalize": "n" if zero_diagonal else "none", "zero_diagonal": zero_diagonal,
          "thresholds": theta}
    a, b = _pair(n, x, **kw)
    assert a._coupling().integer
    # mostly stable probes, so that the weight form (which keeps the fields) is the cheaper one
    flipped = hf.patterns.flip(np.repeat(x, 3, axis=0), 0.1, rng=rng)
    probes = np.concatenate([np.repeat(x, 30, axis=0), -x, flipped])
    *_, unstable = a._coupling().start(probes)
    assert choose_form(a._coupling(), unstable, len(probes)) == "weights"
    for update in ("async", "sequential"):
        ra, rb = a.recall(probes, update=update, rng=2), b.recall(probes, update=update, rng=2)
        assert_array_equal(ra.states[:30], np.repeat(x, 30, axis=0))
        assert_array_equal(ra.flips[:30], 0)
        _assert_same(ra, rb)
    want = -0.5 * (d * n) * scale + theta[0]  # E(ξ) = −½ ξᵀWξ + θᵀξ, closed form
    assert_allclose(a.energy(x[0]), want, rtol=1e-15)


@pytest.mark.parametrize("zero_diagonal", [True, False])
def test_hebb_integers_at_the_int8_edge(rng, zero_diagonal):
    # P copies of one pattern ξ: K = P ξξᵀ (minus P·I when the diagonal is zeroed), whose entries
    # ±P are the largest a K of P patterns can hold. int8 holds P = 127 and not 128, so K is int8
    # up to P = 127 and wider from 128 on, whether formed at once or extended across the edge
    n = 9
    xi = hf.patterns.random(1, n, rng=rng)[0].astype(np.int64)
    for p in (127, 128):
        want = p * np.outer(xi, xi) - (p * np.eye(n, dtype=np.int64) if zero_diagonal else 0)
        x = np.repeat(xi[None].astype(np.int8), p, axis=0)
        k = HebbIntegers(zero_diagonal).matrix(x)
        assert k.dtype == (np.int8 if p <= 127 else np.int16)
        assert_array_equal(k.astype(np.int64), want)
    grown = HebbIntegers(zero_diagonal)
    grown.matrix(x[:127])
    k = grown.matrix(x)  # 127 patterns, then one more: the entries reach 128
    assert_array_equal(k.astype(np.int64), want)


def test_row_bound_reads_every_block_of_rows(rng, monkeypatch):
    # the row sums of K are taken in blocks of rows (bounded temporaries); with blocks of 3 rows
    # over 10 the last block is one row, and it holds the largest row sum Σ_j |K_ij| (neurons
    # reordered so): the bound must still be the naive maximum
    import hopfield.dynamics.coupling as coupling

    monkeypatch.setattr(coupling, "_BLOCK_BYTES", 30)  # int8 K of 10 columns: 3 rows a block
    n = 10
    while True:
        x = hf.patterns.random(4, n, rng=rng)
        sums = np.abs(naive_hebb(x, 1)).sum(axis=1)
        if np.count_nonzero(sums == sums.max()) == 1:
            break
    x = np.ascontiguousarray(x[:, np.argsort(sums, kind="stable")])  # the largest sum last
    assert HebbIntegers(True).row_bound(x) == sums.max()


@pytest.mark.parametrize("zero_diagonal", [True, False])
def test_pattern_form_with_thresholds_and_a_kept_diagonal(rng, zero_diagonal):
    # the pattern form's field h_i = ξ_i·m − c_d s_i − Θ_i and its energy step −Δh_i − ½w_iiΔ²
    # with non-zero integer thresholds and with the diagonal kept (w_ii = P): the same runs as the
    # weight form, at T > 0 then T = 0, and final energies equal −½ sᵀWs + θᵀs with W formed here
    n, p, batch = 40, 6, 12
    x = hf.patterns.random(p, n, rng=rng)
    normalize = "n" if zero_diagonal else "none"
    scale = 1.0 / n if zero_diagonal else 1.0
    theta = rng.integers(-4, 5, n) * scale
    net = hf.HopfieldNetwork(n, normalize=normalize, zero_diagonal=zero_diagonal,
                             thresholds=theta).store(x)
    c = net._coupling()
    assert c.integer and np.any(c.theta != 0)
    w = scale * (x.T.astype(np.float64) @ x)
    if zero_diagonal:
        np.fill_diagonal(w, 0.0)
    probes = hf.patterns.flip(x[rng.integers(0, p, batch)], 0.3, rng=rng)
    clamp = rng.random(probes.shape) < 0.1
    betas = np.concatenate([np.full(3, 0.8 / scale), np.full(30, np.inf)])
    seeds = rng.integers(0, 2**63, size=batch, dtype=np.uint64)
    out = {}
    for form in ("weights", "patterns"):
        s = probes.copy()
        fields, overlaps, energies, _ = c.start(s)
        res = async_kernel(c, form, fields, overlaps, s, clamp, "random", 0, betas, seeds,
                           energies, np.zeros((batch, 0)))
        out[form] = (s, energies, *res)
    for a, b in zip(out["weights"], out["patterns"], strict=True):
        assert_array_equal(a, b)
    s, energies = out["patterns"][:2]
    assert_allclose(c.scale * energies, [energy(w, theta, si) for si in s], rtol=1e-12,
                    atol=1e-9)
    assert not np.array_equal(s, probes)
