"""Max-cut as a Hopfield energy (THEORY §6), the G-set reader, the solvers and `hopfield maxcut`."""

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

import hopfield as hf
from hopfield.cli import main
from hopfield.optimize import (
    adjacency,
    cut_value,
    maxcut_ising,
    random_graph,
    read_gset,
    solve_maxcut,
)


def _all_spins(n):
    return np.array(list(itertools.product([-1, 1], repeat=n)), dtype=np.int8)


def _naive_cut(A, s):
    n = len(s)
    return sum(A[i, j] for i in range(n) for j in range(i + 1, n) if s[i] != s[j])


def _weighted_graph(rng, n, density=0.5):
    A = np.triu(rng.integers(1, 10, size=(n, n)) * (rng.random((n, n)) < density), 1)
    return (A + A.T).astype(float)


def test_cut_equals_quarter_sum_minus_half_energy(rng):
    # THEORY §6: cut(s) = ¼ Σ A_ij (1 − s_i s_j) = ¼ΣA − ½E(s), E = −½ sᵀJs, J = −A
    n = 10
    A = _weighted_graph(rng, n)
    S = _all_spins(n)
    model = maxcut_ising(A)
    cuts = cut_value(A, S)
    assert np.allclose(cuts, 0.25 * A.sum() - 0.5 * model.energy(S))
    for s in S[::97]:
        assert cut_value(A, s) == _naive_cut(A, s)
    # the binary-network view: max cut = global minimum of the Hopfield energy
    net = model.to_hopfield()
    assert cuts.max() == pytest.approx(0.25 * A.sum() - 0.5 * net.energy(S).min())


@pytest.mark.parametrize("n", [12, 16])
def test_solver_finds_brute_force_max_cut(rng, n):
    for trial in range(3):
        A = _weighted_graph(rng, n, density=0.4)
        if trial == 2:
            A = A * rng.choice([-1.0, 1.0], size=A.shape)
            A = np.triu(A, 1)
            A = A + A.T          # ±w weights, like G-set's toroidal graphs
        best = cut_value(A, _all_spins(n)).max()
        r = solve_maxcut(sp.csr_array(A), steps=400, replicas=8, rng=trial)
        assert r.cut == best
        assert cut_value(A, r.partition) == r.cut
        assert r.cut == pytest.approx(0.25 * A.sum() - 0.5 * r.energy)
        assert set(np.unique(r.partition)) <= {-1, 1}


def test_results_reproducible_with_seed_and_dense_equals_sparse(rng):
    A = random_graph(60, 0.2, rng=rng)
    r1 = solve_maxcut(A, steps=200, replicas=6, rng=11)
    r2 = solve_maxcut(A.toarray(), steps=200, replicas=6, rng=11)
    assert np.array_equal(r1.partition, r2.partition)
    assert np.array_equal(r1.replica_values, r2.replica_values)
    r3 = solve_maxcut(A, steps=200, replicas=6, rng=12)
    assert not np.array_equal(r1.replica_values, r3.replica_values)


def test_annealing_beats_plain_descent(rng):
    A = random_graph(150, 0.1, weights="pm1", rng=rng)
    anneal = solve_maxcut(A, steps=500, replicas=8, rng=0)
    descent = solve_maxcut(A, method="descent", replicas=8, rng=0)
    assert anneal.cut > descent.cut
    assert anneal.replica_values.mean() > descent.replica_values.mean()


def test_every_replica_is_a_one_flip_local_maximum(rng):
    A = random_graph(80, 0.1, rng=rng)
    for method in hf.optimize.METHODS:
        r = solve_maxcut(A, method=method, steps=30, replicas=3, rng=1)
        base = cut_value(A, r.partition)
        flips = np.tile(r.partition, (80, 1))
        flips[np.arange(80), np.arange(80)] *= -1
        assert np.all(cut_value(A, flips) <= base)


def test_networkx_graph_input(rng):
    nx = pytest.importorskip("networkx")
    g = nx.cycle_graph(9)          # odd cycle: max cut = 8
    assert solve_maxcut(g, steps=100, replicas=4, rng=0).cut == 8
    g2 = nx.Graph()
    g2.add_weighted_edges_from([(0, 1, 2.0), (1, 2, 3.0), (0, 2, 5.0)])
    assert solve_maxcut(g2, steps=50, replicas=2, rng=0).cut == 8.0


def test_sparse_stays_sparse():
    A = random_graph(500, 0.01, rng=0)
    model = maxcut_ising(A)
    assert model.is_sparse and model.to_qubo().is_sparse
    assert sp.issparse(adjacency(A))


def test_bad_graphs_rejected(rng):
    with pytest.raises(ValueError, match="symmetric"):
        solve_maxcut(np.triu(np.ones((4, 4)), 1))
    with pytest.raises(ValueError, match="NaN"):
        solve_maxcut(np.array([[0.0, np.nan], [np.nan, 0.0]]))
    with pytest.raises(ValueError, match="square"):
        solve_maxcut(np.ones((3, 4)))
    with pytest.raises(ValueError, match="partition"):
        cut_value(np.ones((3, 3)), [1, 0, 1])
    with pytest.raises(ValueError, match="shape"):
        cut_value(np.ones((3, 3)), [1, 1])
    with pytest.raises(ValueError, match="`method` must be one of"):
        solve_maxcut(np.ones((3, 3)), method="greedy")
    with pytest.raises(ValueError, match="`density`"):
        random_graph(10, 1.5)


def test_read_gset_with_trailing_header_token(tmp_path):
    p = tmp_path / "g.txt"
    p.write_text("4 4 J\n1 2 1\n2 3 1\n3 4 -1\n1 4 1\n")
    A = read_gset(p)
    assert sp.issparse(A) and A.shape == (4, 4)
    assert np.array_equal(A.toarray(), A.toarray().T)
    assert A.sum() == 2 * (1 + 1 - 1 + 1)
    assert cut_value(A, [1, -1, 1, -1]) == 1 + 1 - 1 + 1
    bad = tmp_path / "bad.txt"
    bad.write_text("3 1\n1 1 1\n")
    with pytest.raises(ValueError, match="self-loops"):
        read_gset(bad)
    bad.write_text("3 2\n1 2 1\n")
    with pytest.raises(ValueError, match="announces 2"):
        read_gset(bad)
    bad.write_text("x y\n")
    with pytest.raises(ValueError, match="first line"):
        read_gset(bad)


def test_result_fields_and_trace(rng):
    A = random_graph(30, 0.3, rng=rng)
    r = solve_maxcut(A, steps=50, replicas=4, rng=0)
    assert r.sense == "max" and r.success
    assert np.all(np.diff(r.trace_value) >= 0)
    assert r.trace_value[-1] == r.cut == r.value
    assert r.replica_values.max() == r.cut
    with pytest.raises(AttributeError):
        _ = hf.optimize.solve_ising(maxcut_ising(A), steps=5, replicas=1, rng=0).cut


def test_cli_maxcut_random_graph(tmp_path, capsys):
    out = tmp_path / "cut.png"
    code = main(["maxcut", "--nodes", "14", "--density", "0.4", "--time-limit", "0",
                 "--steps", "200", "--replicas", "4", "--seed", "3", "--output", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    A = random_graph(14, 0.4, rng=3)
    best = cut_value(A, _all_spins(14)).max()
    assert f"best cut {best:g}" in text
    assert out.exists() and out.stat().st_size > 1000


def test_cli_maxcut_gset_file_and_qubo(tmp_path, capsys):
    g = tmp_path / "tiny.txt"
    g.write_text("5 5\n1 2 1\n2 3 1\n3 4 1\n4 5 1\n5 1 1\n")   # 5-cycle: max cut 4
    code = main(["maxcut", str(g), "--time-limit", "0.2", "--best-known", "4",
                 "--output", str(tmp_path / "g.png")])
    assert code == 0
    text = capsys.readouterr().out
    assert "best cut 4" in text and "gap 0" in text and "reached" in text
    q = tmp_path / "q.sparse"
    q.write_text("3 4\n1 1 -3\n2 2 -3\n1 2 5\n3 3 -1\n")   # optimum x = (1, 0, 1): -4
    code = main(["maxcut", "--qubo", str(q), "--time-limit", "0", "--steps", "50",
                 "--best-known", "-4", "--output", ""])
    assert code == 0
    assert "best objective -4" in capsys.readouterr().out
    assert main(["maxcut", str(tmp_path / "missing.txt"), "--output", ""]) == 2


def test_results_do_not_depend_on_thread_count(rng):
    numba = pytest.importorskip("numba")
    A = random_graph(50, 0.2, weights="pm1", rng=rng)
    before = numba.get_num_threads()
    try:
        out = {}
        for threads in (1, numba.config.NUMBA_NUM_THREADS):
            numba.set_num_threads(threads)
            out[threads] = [solve_maxcut(A, method=m, steps=40, replicas=5, rng=7).replica_values
                            for m in hf.optimize.METHODS]
    finally:
        numba.set_num_threads(before)
    one, many = out.values()
    for a, b in zip(one, many, strict=True):
        assert np.array_equal(a, b)


def test_corner_cases_edgeless_graph_and_single_spin():
    r = solve_maxcut(np.zeros((3, 3)), steps=5, replicas=2, rng=0)
    assert r.cut == 0.0 and not np.signbit(r.cut)
    one = hf.optimize.solve_ising(hf.optimize.IsingModel(np.zeros((1, 1)), [0.5]), steps=5,
                                  replicas=2, rng=0)
    assert one.x.tolist() == [1] and one.value == -0.5
    q = hf.optimize.solve_qubo(hf.optimize.QUBO(np.array([[2.0]])), steps=5, replicas=1, rng=0)
    assert q.x.tolist() == [0] and q.value == 0.0
