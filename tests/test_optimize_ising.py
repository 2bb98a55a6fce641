"""IsingModel / QUBO: energies, exact conversions on every state, Hopfield and dimod bridges."""

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

import hopfield as hf
from hopfield.optimize import QUBO, IsingModel, read_beasley, solve_ising, solve_qubo


def _all_spins(n):
    return np.array(list(itertools.product([-1, 1], repeat=n)), dtype=np.int8)


def _random_ising(rng, n, *, sparse=False, density=1.0):
    J = rng.normal(size=(n, n)) * (rng.random((n, n)) < density)
    J = np.triu(J, 1)
    J = J + J.T
    h = rng.normal(size=n)
    return IsingModel(sp.csr_array(J) if sparse else J, h, float(rng.normal()))


def _brute_min(energy_fn, states):
    e = energy_fn(states)
    return float(e.min()), states[int(np.argmin(e))]


def test_energy_matches_pairwise_sum(rng):
    n = 6
    m = _random_ising(rng, n)
    J, h, c = m.J, m.h, m.offset
    for s in _all_spins(n)[::7]:
        pair = -sum(J[i, j] * s[i] * s[j] for i in range(n) for j in range(i + 1, n))
        assert m.energy(s) == pytest.approx(pair - h @ s + c, abs=1e-12)


def test_diagonal_moves_into_offset(rng):
    n = 5
    J = rng.normal(size=(n, n))
    J = J + J.T
    S = _all_spins(n).astype(float)
    direct = -0.5 * np.einsum("bi,ij,bj->b", S, J, S) + 0.7
    m = IsingModel(J, None, 0.7)
    assert np.allclose(m.energy(S), direct)
    assert np.all(m.J.diagonal() == 0)
    assert m.offset == pytest.approx(0.7 - 0.5 * np.trace(J))


@pytest.mark.parametrize("sparse", [False, True])
def test_ising_qubo_round_trip_on_every_state(rng, sparse):
    n = 7
    m = _random_ising(rng, n, sparse=sparse, density=0.6)
    S = _all_spins(n)
    X = (S + 1) // 2
    q = m.to_qubo()
    assert q.is_sparse == sparse
    assert np.allclose(q.energy(X), m.energy(S), atol=1e-12)
    back = q.to_ising()
    assert back.is_sparse == sparse
    assert np.allclose(back.energy(S), m.energy(S), atol=1e-12)


def test_qubo_to_ising_on_every_state(rng):
    n = 6
    Q = rng.integers(-5, 6, size=(n, n)).astype(float)
    Q = (Q + Q.T) / 2
    q = QUBO(Q, 3.0)
    S = _all_spins(n)
    X = (S + 1) // 2
    direct = np.einsum("bi,ij,bj->b", X, Q, X) + 3.0
    assert np.allclose(q.energy(X), direct)
    assert np.allclose(q.to_ising().energy(S), direct, atol=1e-12)


def test_hopfield_bridges_equal_up_to_stated_constant(rng):
    n = 6
    m = _random_ising(rng, n)
    S = _all_spins(n)
    net = m.to_hopfield()
    assert np.allclose(net.energy(S) + m.offset, m.energy(S))
    back = IsingModel.from_hopfield(net, offset=m.offset)
    assert np.allclose(back.energy(S), m.energy(S))
    # QUBO -> binary Hopfield network: x^T Q x + c = 2 E01(x) + K
    q = m.to_qubo()
    X = (S + 1) // 2
    bnet = q.to_hopfield()
    assert bnet.state_space == "binary"
    assert np.allclose(2 * bnet.energy(X) + q.hopfield_offset(), q.energy(X))
    # and the network's QUBO reproduces its bipolar energy
    assert np.allclose(QUBO.from_hopfield(net).energy(X), net.energy(S))


def test_hopfield_fixed_points_are_ising_local_minima(rng):
    n = 8
    m = _random_ising(rng, n)
    net = m.to_hopfield()
    S = _all_spins(n)
    e = m.energy(S)
    f = m.local_field(S)
    local_min = np.all(S * f >= 0, axis=1)   # no flip lowers H (ΔH = 2 s_i f_i)
    assert np.array_equal(local_min, net.is_fixed_point(S))
    assert e[local_min].min() == e.min()


def test_asymmetric_and_bad_inputs_rejected(rng):
    A = rng.normal(size=(4, 4))
    with pytest.raises(ValueError, match="`Q` must be symmetric"):
        QUBO(A)
    with pytest.raises(ValueError, match="`J` must be symmetric"):
        IsingModel(A)
    with pytest.raises(ValueError, match="symmetric"):
        QUBO(sp.csr_array(A))
    # symmetrize=True is exact for the quadratic form
    q = QUBO(A, symmetrize=True)
    X = (_all_spins(4) + 1) // 2
    assert np.allclose(q.energy(X), np.einsum("bi,ij,bj->b", X, A, X))
    with pytest.raises(ValueError, match="NaN"):
        QUBO(np.array([[0.0, np.nan], [np.nan, 0.0]]))
    with pytest.raises(ValueError, match="square"):
        IsingModel(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="`h` has length"):
        IsingModel(np.zeros((3, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="±1"):
        IsingModel(np.zeros((3, 3))).energy([0, 1, 1])
    with pytest.raises(ValueError, match="0/1"):
        QUBO(np.eye(3)).energy([-1, 1, 1])
    with pytest.raises(ValueError, match="shape"):
        QUBO(np.eye(3)).energy([1, 1])
    with pytest.raises(TypeError, match="IsingModel"):
        solve_ising(np.eye(3))


def test_solve_ising_finds_brute_force_optimum(rng):
    hits = {"metropolis": 0, "glauber": 0, "mean-field": 0}
    for trial in range(5):
        m = _random_ising(rng, 12)
        best, _ = _brute_min(m.energy, _all_spins(12))
        for method in hits:
            r = solve_ising(m, method=method, steps=300, replicas=8, rng=trial)
            assert r.energy == pytest.approx(m.energy(r.x))
            assert r.value >= best - 1e-9
            assert r.value <= best + 0.05 * abs(best)
            hits[method] += r.value == pytest.approx(best, abs=1e-9)
    assert hits["metropolis"] == hits["glauber"] == 5     # simulated annealing: every instance
    assert hits["mean-field"] >= 3        # mean-field annealing is a heuristic (17/20 measured)


def test_solve_qubo_finds_brute_force_optimum_and_is_reproducible(rng):
    n = 14
    Q = rng.integers(-50, 51, size=(n, n)).astype(float)
    Q = np.triu(Q)
    q = QUBO(Q + np.triu(Q, 1).T)
    X = ((_all_spins(n) + 1) // 2).astype(np.int8)
    best = float(q.energy(X).min())
    r1 = solve_qubo(q, steps=300, replicas=8, rng=5)
    r2 = solve_qubo(q, steps=300, replicas=8, rng=5)
    assert r1.value == best
    assert set(np.unique(r1.x)) <= {0, 1}
    assert q.energy(r1.x) == r1.value
    assert np.array_equal(r1.x, r2.x)
    assert np.array_equal(r1.replica_values, r2.replica_values)


@pytest.mark.parametrize("method", ["metropolis", "glauber", "mean-field", "descent"])
def test_every_method_returns_one_flip_local_minima(rng, method):
    m = _random_ising(rng, 40, sparse=True, density=0.2)
    r = solve_ising(m, method=method, steps=50, replicas=4, rng=0)
    f = m.local_field(r.x)
    assert np.all(r.x * f >= -1e-9)
    assert r.n_replicas == 4 and r.replica_values.shape == (4,)
    assert r.value == pytest.approx(r.replica_values.min())


def test_solver_option_errors(rng):
    m = _random_ising(rng, 5)
    with pytest.raises(ValueError, match="`method` must be one of"):
        solve_ising(m, method="tabu")
    with pytest.raises(ValueError, match="`steps`"):
        solve_ising(m, steps=0)
    with pytest.raises(TypeError, match="`replicas`"):
        solve_ising(m, replicas=2.5)
    with pytest.raises(ValueError, match="`time_limit`"):
        solve_ising(m, time_limit=-1.0)
    with pytest.raises(ValueError, match="beta_range"):
        solve_ising(m, beta_range=(2.0, 1.0))
    with pytest.raises(ValueError, match="symmetric"):
        solve_qubo(rng.normal(size=(4, 4)))


def test_time_limit_runs_rounds_and_traces(rng):
    m = _random_ising(rng, 30, sparse=True, density=0.3)
    solve_ising(m, steps=5, replicas=2, rng=0)   # compile outside the budget
    r = solve_ising(m, time_limit=0.3, replicas=4, rng=1)
    assert r.elapsed < 3.0
    assert r.trace_time.size >= 2
    assert np.all(np.diff(r.trace_value) <= 0)        # best-so-far of a minimisation
    assert np.all(np.diff(r.trace_sweeps) > 0)
    assert r.trace_value[-1] == r.value


def test_read_beasley_counts_off_diagonal_twice(tmp_path):
    p = tmp_path / "tiny.sparse"
    p.write_text("3 3\n1 1 -5\n1 2 3\n2 3 -4\n")
    q = read_beasley(p)
    Q = q.Q.toarray()
    assert np.array_equal(Q, [[-5, 3, 0], [3, 0, -4], [0, -4, 0]])
    assert q.energy([1, 1, 0]) == -5 + 2 * 3
    assert q.energy([0, 1, 1]) == -8
    bad = tmp_path / "bad.sparse"
    bad.write_text("3 2\n1 2 3\n")
    with pytest.raises(ValueError, match="announces 2 entries"):
        read_beasley(bad)
    bad.write_text("2 1\n1 3 3\n")
    with pytest.raises(ValueError, match=r"1\.\.2"):
        read_beasley(bad)


def test_dimod_bridge(rng):
    dimod = pytest.importorskip("dimod")
    m = _random_ising(rng, 6, sparse=True, density=0.7)
    S = _all_spins(6)
    bqm = m.to_dimod()
    e = np.array([bqm.energy(dict(enumerate(s.tolist()))) for s in S])
    assert np.allclose(e, m.energy(S))
    assert np.allclose(IsingModel.from_dimod(bqm).energy(S), m.energy(S))
    q = m.to_qubo()
    bq = q.to_dimod()
    assert bq.vartype == dimod.BINARY
    X = (S + 1) // 2
    eb = np.array([bq.energy(dict(enumerate(x.tolist()))) for x in X])
    assert np.allclose(eb, q.energy(X))
    assert np.allclose(QUBO.from_dimod(bq).energy(X), q.energy(X))
    assert np.allclose(QUBO.from_dimod(bqm).energy(X), m.energy(S))


def test_package_exports():
    assert hf.optimize.IsingModel is IsingModel
    assert "optimize" in hf.__all__
