"""Modern Hopfield retrieval from stored patterns held as a Dask array (issue 12 item 3).

The reference is the in-memory network on the same patterns (``ModernHopfieldNetwork`` with a
NumPy array: one-shot softmax), and for the energy the closed form in ``naive_energy``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from hopfield import ModernHopfieldNetwork

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")


def naive_energy(x, xi, beta):
    """Ramsauer eq. 2 written out with NumPy (independent of the library)."""
    s = beta * xi @ x.T
    m = s.max(axis=1, keepdims=True)
    lse = (np.log(np.exp(s - m).sum(axis=1)) + m[:, 0]) / beta
    big_m2 = np.max(np.sum(x * x, axis=1))
    return -lse + 0.5 * np.sum(xi * xi, axis=1) + math.log(len(x)) / beta + 0.5 * big_m2


# On a loaded 2-core machine spawning workers that import hopfield can outlast distributed's
# 30 s connection timeouts; the cluster's start-up is infrastructure, not the code under test.
_SLOW_START = {"distributed.comm.timeouts.connect": "180s", "distributed.comm.timeouts.tcp": "180s"}


def _start_cluster(attempts: int = 3):
    for attempt in range(attempts):
        try:
            return distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                            dashboard_address=":0", silence_logs=40)
        except (OSError, RuntimeError, TimeoutError):
            if attempt == attempts - 1:
                raise


@pytest.fixture(scope="module")
def client():
    """A local cluster of two worker *processes*: blocks and partials cross process borders.

    Its HTTP server takes a free port (``":0"``): with ``dashboard_address=None`` the scheduler
    still binds 8787, and when that port is taken (another test run, a user's cluster) the
    "Port 8787 is already in use" UserWarning made every test of this module error."""
    with dask.config.set(_SLOW_START), _start_cluster() as cluster, \
            distributed.Client(cluster) as c:
        yield c


@pytest.fixture
def bank(rng):
    x = rng.normal(size=(6000, 24))
    x *= 6.0 / np.linalg.norm(x, axis=1, keepdims=True)
    q = x[:17] + 0.4 * rng.normal(size=(17, 24))
    return x, q


def test_cluster_retrieval_equals_in_memory(client, bank):
    """update / retrieve / energy on the cluster equal the in-memory network's (rounding only)."""
    x, q = bank
    xd = da.from_array(x, chunks=(1000, 24))
    mem = ModernHopfieldNetwork(x, beta=0.7)
    dist = ModernHopfieldNetwork(xd, beta=0.7)
    assert dist.n_patterns == 6000 and dist.dim == 24 and dist.max_norm == pytest.approx(6.0)
    np.testing.assert_allclose(dist.update(q), mem.update(q), rtol=0, atol=1e-12)
    np.testing.assert_allclose(dist.energy(q), naive_energy(x, q, 0.7), rtol=1e-12)
    a = dist.retrieve(q, steps=None, energy=True)
    b = mem.retrieve(q, steps=None, energy=True)
    np.testing.assert_array_equal(a.steps, b.steps)
    np.testing.assert_array_equal(a.converged, b.converged)
    np.testing.assert_allclose(a.states, b.states, rtol=0, atol=1e-12)
    np.testing.assert_allclose(a.energy, b.energy, rtol=1e-12)
    # the energy fell along the way (CCCP) and the retrieved state is the stored pattern
    assert np.all(a.energy <= naive_energy(x, q, 0.7) + 1e-12)
    assert np.max(np.linalg.norm(a.states - x[:17], axis=1)) < 0.05   # ‖x‖ = 6
    r1 = dist.retrieve(q[3], steps=1)
    np.testing.assert_allclose(r1.states, mem.update(q[3]), atol=1e-12)


def test_uneven_blocks_chunks_and_float32(client, bank):
    """Ragged row blocks, chunks inside each block, split columns and float32 agree too."""
    x, q = bank
    xd = da.from_array(x, chunks=((2500, 7, 3000, 493), (10, 14)))
    dist = ModernHopfieldNetwork(xd, beta=2.0)
    mem = ModernHopfieldNetwork(x, beta=2.0)
    np.testing.assert_allclose(dist.update(q, chunk_size=333), mem.update(q), atol=1e-12)
    np.testing.assert_allclose(dist.energy(q, chunk_size=100), mem.energy(q), rtol=1e-12)
    x32 = x.astype(np.float32)
    d32 = ModernHopfieldNetwork(da.from_array(x32, chunks=(700, 24)), beta=2.0)
    out = d32.update(q.astype(np.float32))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, ModernHopfieldNetwork(x32, beta=2.0).update(
        q.astype(np.float32)), atol=2e-5)


def test_attention_separation_and_bounds(client, rng):
    """The lazy attention rows sum to 1 and equal the in-memory ones; separation block by block."""
    x = rng.normal(size=(900, 8)) * 2
    xd = da.from_array(x, chunks=(200, 8))
    dist, mem = ModernHopfieldNetwork(xd, beta=0.5), ModernHopfieldNetwork(x, beta=0.5)
    p = dist.attention(x[:5])
    assert isinstance(p, da.Array) and p.shape == (5, 900)
    np.testing.assert_allclose(p.compute(), mem.attention(x[:5]), atol=1e-14)
    np.testing.assert_allclose(dist.separation(), mem.separation(), rtol=1e-12)
    np.testing.assert_allclose(dist.retrieval_error_bound(x[:3], 2),
                               mem.retrieval_error_bound(x[:3], 2), rtol=1e-12)
    assert dist.classify(x[:5]).k.tolist() == mem.classify(x[:5]).k.tolist()


def test_workers_reduce_their_own_blocks(client, rng):
    """Only partials travel: every task of an update returns (batch, d)-sized data, never a
    block of patterns (500 × 16 float64 = 64 000 bytes here), and the stored blocks stay put."""
    x = rng.normal(size=(4000, 16))
    xd = da.from_array(x, chunks=(500, 16)).persist()
    distributed.wait(xd)
    net = ModernHopfieldNetwork(xd, beta=1.0)
    q = rng.normal(size=(3, 16))
    with distributed.get_task_stream(client) as ts:
        got = net.update(q)
    np.testing.assert_allclose(got, ModernHopfieldNetwork(x, beta=1.0).update(q), atol=1e-12)
    sizes = [rec["nbytes"] if isinstance(rec.get("nbytes"), int)
             else sum(rec.get("nbytes", {}).values()) for rec in ts.data]
    assert len(sizes) >= 8 + 1                       # one partial per block and a merge
    assert max(sizes) < 2000, sizes
    assert len(client.who_has(xd)) == 8


def test_dask_patterns_are_validated(rng):
    x = rng.normal(size=(50, 4))
    bad = x.copy()
    bad[7, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        ModernHopfieldNetwork(da.from_array(bad, chunks=10))
    bad[7, 1] = np.inf
    with pytest.raises(ValueError, match="inf"):
        ModernHopfieldNetwork(da.from_array(bad, chunks=10))
    with pytest.raises(ValueError, match="2-D"):
        ModernHopfieldNetwork(da.from_array(x[0], chunks=2))
    unknown = da.from_array(x, chunks=10)
    unknown = unknown[unknown[:, 0] > 0]
    with pytest.raises(ValueError, match="unknown chunk sizes"):
        ModernHopfieldNetwork(unknown)
    with pytest.raises(TypeError, match="real numbers"):
        ModernHopfieldNetwork(da.from_array(x.astype(complex), chunks=10))
    ints = ModernHopfieldNetwork(da.from_array(np.arange(12).reshape(6, 2), chunks=3))
    assert ints.update(np.ones(2)).dtype == np.float64
    net = ModernHopfieldNetwork(da.from_array(x, chunks=10))
    with pytest.raises(ValueError, match="dimension 3"):
        net.update(np.ones(3))
    q = x[:2].copy()
    net.retrieve(q, steps=3)
    np.testing.assert_array_equal(q, x[:2])            # the caller's queries are not modified


def test_dask_network_is_not_saved_by_hopfield_save(tmp_path, rng):
    import hopfield as hf

    net = ModernHopfieldNetwork(da.from_array(rng.normal(size=(20, 3)), chunks=5))
    with pytest.raises(TypeError, match="to_zarr"):
        hf.save(net, tmp_path / "m.npz")


def test_torch_queries_are_refused_with_dask_patterns(rng):
    torch = pytest.importorskip("torch")
    net = ModernHopfieldNetwork(da.from_array(rng.normal(size=(20, 3)), chunks=5))
    with pytest.raises(TypeError, match="NumPy array when the patterns are a Dask array"):
        net.update(torch.ones(3))


def test_numpy_networks_never_import_dask():
    import subprocess
    import sys
    code = ("import sys, numpy as np, hopfield as hf; n = hf.ModernHopfieldNetwork(np.eye(3)); "
            "n.retrieve(np.ones(3), steps=None, energy=True); print('dask' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_partials_merge_through_every_level_of_the_tree(rng, monkeypatch):
    """Partials merged two at a time (the tree's fan-in lowered from 8 to 2) over 9 blocks take
    four levels (9 -> 5 -> 3 -> 2 -> 1); the result is the one-shot softmax written out in
    NumPy, so no block may be left out at any level, odd ones included. The tree is the same on
    every scheduler: the synchronous one keeps this fast (the cluster tests cover the rest)."""
    import dask

    import hopfield._dask_bank as bank

    monkeypatch.setattr(bank, "_SPLIT_EVERY", 2)
    monkeypatch.setattr(bank, "_share", lambda q: dask.delayed(q, pure=True))
    x = rng.normal(size=(90, 5))
    q = rng.normal(size=(4, 5))
    beta = 1.3
    s = beta * q @ x.T
    w = np.exp(s - s.max(axis=1, keepdims=True))
    want = (w / w.sum(axis=1, keepdims=True)) @ x
    with dask.config.set(scheduler="synchronous"):
        net = ModernHopfieldNetwork(da.from_array(x, chunks=(10, 5)), beta=beta)
        np.testing.assert_allclose(net.update(q), want, rtol=0, atol=1e-12)
        np.testing.assert_allclose(net.energy(q), naive_energy(x, q, beta), rtol=1e-12)


def test_chunk_size_bounds_the_rows_each_block_scores_at_once(rng, monkeypatch):
    """``chunk_size`` bounds a worker's temporaries: inside every block the scores are formed at
    most ``chunk_size`` rows at a time, and the chunks tile the block (recorded on the
    synchronous scheduler, in this process); the result is the one-shot one."""
    import dask

    import hopfield._array_api as aa
    import hopfield._dask_bank as bank

    widths = []
    streaming = aa.streaming_softmax_matmul

    def spy(scores_of, values_of, n, chunk_size, xp):
        def scores(a, b):
            widths.append((n, b - a))
            return scores_of(a, b)
        return streaming(scores, values_of, n, chunk_size, xp)

    monkeypatch.setattr(bank, "_share", lambda q: dask.delayed(q, pure=True))
    monkeypatch.setattr(aa, "streaming_softmax_matmul", spy)
    x = rng.normal(size=(100, 4))
    q = rng.normal(size=(3, 4))
    mem = ModernHopfieldNetwork(x, beta=0.9)
    with dask.config.set(scheduler="synchronous"):
        net = ModernHopfieldNetwork(da.from_array(x, chunks=(40, 4)), beta=0.9)
        widths.clear()
        got = net.update(q, chunk_size=15)
    # blocks of 40, 40 and 20 rows, each cut into chunks of 15: 15 + 15 + 10 and 15 + 5
    assert sorted(widths) == sorted([(40, 15)] * 4 + [(40, 10)] * 2 + [(20, 15), (20, 5)])
    np.testing.assert_allclose(got, mem.update(q), rtol=0, atol=1e-12)
