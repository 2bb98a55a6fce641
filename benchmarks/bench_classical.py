"""Classical network: store and batched asynchronous recall, against a plain NumPy implementation
and the PyPI packages `hopfieldnetwork` and `hopfieldkit` (when importable).

Run (peers installed in their own environment, e.g. ``python -m venv --system-site-packages
/work/venvs/classical && /work/venvs/classical/bin/pip install hopfieldnetwork hopfieldkit``):

    /work/venvs/classical/bin/python benchmarks/bench_classical.py           # full grid
    /work/venvs/classical/bin/python benchmarks/bench_classical.py --sizes 2000 --loads 0.05
    python benchmarks/bench_classical.py --quick                             # smoke test

Times are medians of ``--repeats`` runs. Peers and the naive loop update one probe at a time in
Python; they are timed on ``--peer-probes`` probes and reported per probe. ``store`` only records
the patterns (Hebb weights are kept as integers and formed when recall needs them):
``first_recall`` is the first recall on a fresh network, forming K included; ``recall`` is the
median of the next ``--repeats``. ``recall`` is the
default path (exact integer Hebb couplings, see ``hopfield.dynamics.coupling``);
``float64_recall`` is the same network with ``precision="float64"`` (the previous path), in the
same run.

Bandwidth-bound limit (printed per row as ``bandwidth_limit_ms``): on a flip the kernel must read
one column of the integer K (N bytes for int8) and update the N fields, which stay in L1; so a
probe reads at least ``flips × N × itemsize`` bytes of K from the cache level that holds K (L3 at
N = 2000: 4 MB). The limit divides that by the read bandwidth measured in the same run
(``read_gbps``: a single-thread sum over a K-sized buffer, times the cores used). It ignores the
shuffles (one random permutation per sweep), the decisions and the initial fields, so it is a
lower bound, not a prediction.

Probe blocking: in the fixed order (``update="sequential"``) every probe visits neuron i at the
same step, so the kernel runs blocks of probes together and one read of a weight column serves
every probe of the block that flips it. ``sequential_per_probe_ms`` is that recall,
``sequential_unblocked_per_probe_ms`` the same kernel with one probe per block (each probe reads
its own columns), ``sequential_blocking_speedup`` their ratio, ``sequential_same_states`` whether
both gave the same states.

Where blocking can and cannot help (printed per row as ``update_ns_random_row`` and
``update_ns_cached_row``): the field update of one flip, ``h += 2 K[i]`` over the N fields in the
sweeps' own dtype, timed on rows of K drawn at random (K read from the cache level that holds it,
as in a recall) and on 8 rows that stay in L1/L2 (what sharing one row read among a block of
probes would give at best). When the two are equal the update is bound by the additions, not by
reading K, and a blocked kernel has nothing to save. The default random order cannot be blocked:
each probe follows its own permutation.

``*_cpu_per_probe_ms``: CPU time (``time.process_time``) on one Numba and one BLAS thread for
``hopfield``, and of the single-threaded peers: the cost on one core, much less sensitive than
wall time to the other jobs of a shared machine; ``cpu_speedup_vs_fastest_peer`` is their ratio.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import time

import numpy as np

import hopfield as hf


def _cpu_time(func, *args, repeats=1):
    """Median CPU time (this process, all threads) of ``func(*args)`` on one Numba and one BLAS
    thread: what the work costs on one core, whatever else the machine runs."""
    import numba

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # BLAS keeps its threads; their CPU time is still counted
        threadpool_limits = None
    before = numba.get_num_threads()
    numba.set_num_threads(1)
    times = []
    try:
        ctx = threadpool_limits(1) if threadpool_limits is not None else None
        if ctx is not None:
            ctx.__enter__()
        for _ in range(repeats):
            t0 = time.process_time()
            func(*args)
            times.append(time.process_time() - t0)
    finally:
        if ctx is not None:
            ctx.__exit__(None, None, None)
        numba.set_num_threads(before)
    return float(np.median(times))


def _median_time(func, *args, repeats=1):
    """Median wall time of ``func(*args)`` over ``repeats`` runs, and its last result."""
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = func(*args)
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), out


def naive_store(x):
    w = x.T.astype(np.float64) @ x.astype(np.float64) / x.shape[1]
    np.fill_diagonal(w, 0.0)
    return w


def naive_async_recall(w, probe, rng, max_sweeps=100):
    """The textbook loop: one neuron at a time, field recomputed as a row dot product."""
    s = probe.astype(np.float64).copy()
    n = s.size
    for _ in range(max_sweeps):
        changed = False
        for i in rng.permutation(n):
            new = 1.0 if w[i] @ s >= 0 else -1.0
            if new != s[i]:
                s[i] = new
                changed = True
        if not changed:
            break
    return s


def _peer(name):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def ours_store(x):
    net = hf.HopfieldNetwork(x.shape[1])
    net.store(x)
    return net


def ours_recall(net, probes):
    return net.recall(probes, update="async", rng=3)


def sequential_recall(net, probes, block=None):
    """Fixed-order recall; ``block=1`` runs the blocked kernel one probe per block (every probe
    reads its own weight columns, as without blocking)."""
    from hopfield.dynamics import updates

    saved = updates._BLOCK_PROBES
    updates._BLOCK_PROBES = block or saved
    try:
        return net.recall(probes, update="sequential")
    finally:
        updates._BLOCK_PROBES = saved


def float64_store(x):
    net = hf.HopfieldNetwork(x.shape[1], precision="float64")
    net.store(x)
    return net


def read_bandwidth(nbytes, repeats=5):
    """Bytes per second of one thread streaming through an int8 buffer of ``nbytes``."""
    buf = np.ones(nbytes, dtype=np.int8).view(np.int64)
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        buf.sum()
        best = min(best, time.perf_counter() - t0)
    return nbytes / best


def update_costs(k, field_dtype, n_flips=20000, repeats=5):
    """ns per flip of ``h += ±2 K[i]`` (the sweeps' update) on random rows and on 8 cached rows."""
    from numba import njit

    @njit(cache=False)
    def updates(k, h, rows):
        n = h.shape[0]
        for t in range(rows.shape[0]):
            row = k[rows[t]]
            if t & 1:
                for m in range(n):
                    h[m] += 2 * row[m]
            else:
                for m in range(n):
                    h[m] -= 2 * row[m]

    gen = np.random.default_rng(0)
    out = []
    for rows in (gen.integers(0, k.shape[0], n_flips), gen.integers(0, 8, n_flips)):
        h = np.zeros(k.shape[0], dtype=field_dtype)
        updates(k, h, rows[:4])
        out.append(1e9 * min(_median_time(updates, k, h, rows)[0] for _ in range(repeats)) / n_flips)
    return out


def naive_recall_all(w, probes):
    gen = np.random.default_rng(4)
    return [naive_async_recall(w, s, gen) for s in probes]


def hn_store(hn, x):
    m = hn.HopfieldNetwork(N=x.shape[1])
    m.train_pattern(x.T.copy())
    return m


def hn_recall(m, probes):
    for s in probes:
        m.set_initial_neurons_state(s.astype(np.int64).copy())
        m.update_neurons(1, "async", run_max=True)


def hk_store(hk, x):
    return hk.HopfieldNetwork(x.shape[1]).fit(x)


def hk_recall(k, probes):
    for j, s in enumerate(probes):
        k.recall(s, order="random", seed=j)


def bench_one(n, p, n_probes, peer_probes, repeats, hn, hk):
    x = hf.patterns.random(p, n, rng=0)
    idx = np.random.default_rng(1).integers(0, p, n_probes)
    probes = hf.patterns.flip(x[idx], 0.1, rng=2)
    for make in (ours_store, float64_store):  # load or compile the kernels outside the timing
        ours_recall(make(x[:2]), probes[:2])
        ours_recall(make(x), probes[:10])
        ours_recall(make(x), probes)  # the weight form's kernels for this K's and fields' dtypes
    t_store, net = _median_time(ours_store, x, repeats=repeats)
    t_first, _ = _median_time(ours_recall, net, probes)  # includes forming K, if recall needs it
    t_recall, res = _median_time(ours_recall, net, probes, repeats=repeats)
    sequential_recall(net, probes)  # compiled and loaded before the timing
    t_seq, res_seq = _median_time(sequential_recall, net, probes, repeats=repeats)
    t_seq1, res_seq1 = _median_time(sequential_recall, net, probes, 1, repeats=repeats)
    # after the recalls: a multi-threaded BLAS product leaves its threads spinning for a while,
    # and on two cores they would take the cores from a recall timed right after it
    t_blas, _ = _median_time(naive_store, x, repeats=repeats)
    ref = float64_store(x)
    t_ref, res_ref = _median_time(ours_recall, ref, probes, repeats=repeats)
    sub = probes[:peer_probes]
    t_naive, _ = _median_time(naive_recall_all, net.weights, sub)
    c_recall = _cpu_time(ours_recall, net, probes, repeats=repeats)
    itemsize = 1 if p <= 127 else 2
    flips = float(np.mean(res.flips))
    cores = min(os.cpu_count() or 1, 2)
    gbps = read_bandwidth(n * n * itemsize) * cores / 1e9
    row = {
        "N": n, "P": p, "store_s": t_store, "blas_product_s": t_blas,
        "recall_per_probe_ms": 1e3 * t_recall / n_probes,
        "first_recall_per_probe_ms": 1e3 * t_first / n_probes,
        "recall_cpu_per_probe_ms": 1e3 * c_recall / n_probes,
        "float64_recall_per_probe_ms": 1e3 * t_ref / n_probes,
        "sequential_per_probe_ms": 1e3 * t_seq / n_probes,
        "sequential_unblocked_per_probe_ms": 1e3 * t_seq1 / n_probes,
        "sequential_blocking_speedup": t_seq1 / t_seq,
        "sequential_same_states": bool(np.array_equal(res_seq.states, res_seq1.states)),
        "speedup_vs_float64": t_ref / t_recall,
        "same_states_as_float64": bool(np.array_equal(res.states, res_ref.states)),
        "mean_flips": flips,
        "read_gbps": gbps,
        "bandwidth_limit_ms": 1e3 * flips * n * itemsize / (gbps * 1e9),
        "bits_correct": float(np.mean(res.states == x[idx])),
        "field_dtype": np.dtype(net._coupling().sweep_field_dtype()).name,
        "naive_numpy_per_probe_ms": 1e3 * t_naive / len(sub),
    }
    coupling = net._coupling()
    row["update_ns_random_row"], row["update_ns_cached_row"] = update_costs(
        coupling.weights_t(), coupling.sweep_field_dtype())
    if hn is not None:
        row["hopfieldnetwork_store_s"], m = _median_time(hn_store, hn, x)
        row["hopfieldnetwork_per_probe_ms"] = 1e3 * _median_time(hn_recall, m, sub)[0] / len(sub)
        row["hopfieldnetwork_cpu_per_probe_ms"] = 1e3 * _cpu_time(hn_recall, m, sub) / len(sub)
    if hk is not None:
        row["hopfieldkit_store_s"], k = _median_time(hk_store, hk, x)
        row["hopfieldkit_per_probe_ms"] = 1e3 * _median_time(hk_recall, k, sub)[0] / len(sub)
        row["hopfieldkit_cpu_per_probe_ms"] = 1e3 * _cpu_time(hk_recall, k, sub) / len(sub)
    peers = [row[c] for c in ("hopfieldnetwork_per_probe_ms", "hopfieldkit_per_probe_ms") if c in row]
    if peers:
        row["speedup_vs_fastest_peer"] = min(peers) / row["recall_per_probe_ms"]
        cpu = [row[c] for c in ("hopfieldnetwork_cpu_per_probe_ms", "hopfieldkit_cpu_per_probe_ms")
               if c in row]
        row["cpu_speedup_vs_fastest_peer"] = min(cpu) / row["recall_cpu_per_probe_ms"]
    return row


def run(sizes, loads, n_probes, peer_probes, repeats):
    hn, hk = _peer("hopfieldnetwork"), _peer("hopfieldkit")
    rows = []
    for n in sizes:
        for load in loads:
            row = bench_one(n, round(load * n), n_probes, peer_probes, repeats, hn, hk)
            rows.append(row)
            print(_fmt_row(row), flush=True)
    return rows


def _fmt_row(row):
    return " | ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items())


def markdown(rows):
    cols = ["N", "P", "store_s", "blas_product_s", "hopfieldnetwork_store_s", "hopfieldkit_store_s",
            "recall_per_probe_ms", "first_recall_per_probe_ms", "float64_recall_per_probe_ms",
            "recall_cpu_per_probe_ms", "bandwidth_limit_ms",
            "naive_numpy_per_probe_ms", "hopfieldnetwork_per_probe_ms",
            "hopfieldkit_per_probe_ms", "speedup_vs_fastest_peer", "cpu_speedup_vs_fastest_peer",
            "speedup_vs_float64", "update_ns_random_row", "update_ns_cached_row",
            "sequential_per_probe_ms", "sequential_unblocked_per_probe_ms",
            "sequential_blocking_speedup",
            "bits_correct"]
    cols = [c for c in cols if any(c in r for r in rows)]
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        out.append("| " + " | ".join(
            (f"{r[c]:.4g}" if isinstance(r[c], float) else str(r[c])) if c in r else "–" for c in cols
        ) + " |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="N=500 only, 100 probes")
    ap.add_argument("--probes", type=int, default=1000)
    ap.add_argument("--peer-probes", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000])
    ap.add_argument("--loads", type=float, nargs="+", default=[0.05, 0.1])
    args = ap.parse_args()
    if args.quick:
        sizes, loads, n_probes, peer = [500], [0.05], 100, 3
    else:
        sizes, loads, n_probes, peer = args.sizes, args.loads, args.probes, args.peer_probes
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.2f}; numpy {np.__version__}")
    rows = run(sizes, loads, n_probes, peer, args.repeats)
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    print()
    print(markdown(rows))


if __name__ == "__main__":
    main()
