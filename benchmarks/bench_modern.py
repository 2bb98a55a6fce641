"""Benchmark: modern Hopfield retrieval (one Ramsauer update) at scale.

Patterns are Gaussian rescaled to norm 24, β = 1/√d, queries = a random pattern + 0.3·N(0, I);
``max error`` is the largest deviation of a retrieved state from its pattern (a sanity check).

Retrieval of ``Q`` queries from ``N`` stored patterns of dimension ``d`` (one update,
``softmax(β ξ Xᵀ) X``), side by side:

* ``hopfield`` : ``ModernHopfieldNetwork.update`` (NumPy: one-shot softmax over all N in the
  array-API core; torch: executed by SDPA on 4-D views);
* ``retrieve`` : ``ModernHopfieldNetwork.retrieve(q, steps=1)``, the whole public call (input
  checks, the update, the convergence flag); ``retrieve+energy`` adds ``energy=True``;
  ``retrieve chunked`` passes ``chunk_size``;
* ``hopfield array-API`` (torch) : the same array-API expression run on torch, without SDPA;
* ``hopfield chunked`` : ``chunk_size`` (streaming log-sum-exp in the array-API core, bounded
  memory on every backend);
* ``naive`` : the textbook NumPy / torch expression ``softmax(β q Xᵀ) X``;
* ``SDPA`` : ``torch.nn.functional.scaled_dot_product_attention`` on ``(1, 1, ·, ·)`` tensors
  (4-D inputs let PyTorch pick its fused flash kernel on CPU; 2-D inputs fall back to the
  unfused math path, which is slower and materialises the scores).

``time × SDPA`` is paired: in the same process, each repetition times our call and then SDPA on
the same inputs, and the column is the median of the per-pair ratios (robust to the load of a
shared machine changing between configurations). ``RSS Δ × SDPA`` divides by the SDPA row's
memory, measured in its own fresh process.

Memory: every measurement runs in a fresh subprocess. After a warm-up on a small problem that runs
the same code paths (imports, thread pools, the chunk loop with a chunk of 16 rows, retrieve's
convergence norms over 64 queries), ``peak RSS Δ`` is the largest resident set size seen by a
1 ms sampling thread during the first full-size call minus the RSS just before it (same method
for NumPy and torch; being the first call, no freed blocks from earlier calls can hide the
temporaries). For NumPy,
the ``tracemalloc`` peak (NumPy reports its buffers to it) is given as well. Time is the median
of ``--repeat`` further calls. Each run uses ``--threads`` threads (BLAS, OpenMP, torch;
default 1, because on a shared, loaded 2-core machine a second OpenMP thread mostly spins
against other processes and makes every timing several times slower and erratic).

Dask: the stored patterns as a ``dask.array.Array`` persisted on a local cluster (two worker
processes, one thread each, eight blocks of rows drawn on the workers), ``update`` and
``retrieve(steps=1)`` timed in turn with the in-memory NumPy network on the same patterns; the
client's peak RSS Δ during one call, and the largest difference from the in-memory result.

Run: ``python benchmarks/bench_modern.py [--quick] [--repeat 3]``. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time

import numpy as np

_PAGE = os.sysconf("SC_PAGE_SIZE")
# The warm-up problem runs the same code paths as the measured call (the chunk loop, and
# retrieve's convergence norms, computed in blocks of 32 queries), so their first-use costs
# (code pages, allocator pools) are paid before the memory is measured.
WARM_Q, WARM_N, WARM_CHUNK = 64, 256, 16


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * _PAGE


class _PeakRSS:
    """Sample RSS every ~1 ms in a thread; ``peak - base`` is the call's extra footprint."""

    def __enter__(self):
        self.base = _rss()
        self.peak = self.base
        self._stop = False
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self):
        while not self._stop:
            self.peak = max(self.peak, _rss())
            time.sleep(0.001)

    def __exit__(self, *exc):
        self._stop = True
        self._t.join()
        self.peak = max(self.peak, _rss())

    @property
    def delta_mb(self) -> float:
        return (self.peak - self.base) / 2**20


def _make(n, d, q, dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d), dtype=np.float32).astype(dtype)
    x /= np.linalg.norm(x, axis=1, keepdims=True).astype(dtype) / dtype(24.0)
    idx = rng.integers(0, n, size=q)
    queries = (x[idx] + dtype(0.3) * rng.standard_normal((q, d), dtype=np.float32)).astype(dtype)
    return x, queries, idx


def _retrieves(net, qq, xx, x_full, beta, chunk):
    """``retrieve(steps=1)`` variants; on the warm-up problem a small network of its own."""
    import hopfield as hf

    m = net if xx is x_full else hf.ModernHopfieldNetwork(xx, beta=beta)
    return {
        "retrieve": lambda: m.retrieve(qq, steps=1).states,
        "retrieve+energy": lambda: m.retrieve(qq, steps=1, energy=True).states,
        "retrieve chunked": lambda: m.retrieve(qq, steps=1, chunk_size=chunk).states,
    }


def _worker(cfg: dict) -> dict:
    """Run one configuration (inside a fresh process) and return its measurements."""
    import gc
    import tracemalloc

    import hopfield as hf
    from hopfield import _array_api as aa
    from hopfield.modern import _update

    lib, impl, dtype_name = cfg["lib"], cfg["impl"], cfg["dtype"]
    n, d, nq, beta, chunk = cfg["n"], cfg["d"], cfg["q"], cfg["beta"], cfg["chunk"]
    dtype = np.dtype(dtype_name).type
    x, queries, idx = _make(n, d, nq, dtype)
    if lib == "torch":
        import torch
        torch.set_num_threads(cfg["threads"])
        dev = cfg.get("device", "cpu")
        x_t = torch.from_numpy(x).to(dev)
        q_t = torch.from_numpy(queries).to(dev)
        xp = aa.get_namespace(x_t)
        net = hf.ModernHopfieldNetwork(x_t, beta=beta)
        sync = torch.cuda.synchronize if dev == "cuda" else (lambda: None)
        x4, q4 = x_t[None, None], q_t[None, None]

        def make(qq, xx, chunk):
            return {
                "hopfield": lambda: net.update(qq) if xx is x_t else _update(qq, xx, xx, beta,
                                                                             xp),
                "hopfield array-API": lambda: _update(qq, xx, xx, beta, xp, use_sdpa=False),
                "hopfield chunked": lambda: _update(qq, xx, xx, beta, xp, chunk_size=chunk),
                **_retrieves(net, qq, xx, x_t, beta, chunk),
                "naive": lambda: torch.softmax(beta * qq @ xx.T, dim=-1) @ xx,
                "SDPA": lambda: torch.nn.functional.scaled_dot_product_attention(
                    qq[None, None], xx[None, None], xx[None, None], scale=beta)[0, 0],
            }[impl]

        fn, warm = make(q_t, x_t, chunk), make(q_t[:WARM_Q], x_t[:WARM_N], WARM_CHUNK)
        peer = None
        if impl != "SDPA":              # timed in alternation with ours, in this process
            def peer():
                return torch.nn.functional.scaled_dot_product_attention(
                    q_t[None, None], x_t[None, None], x_t[None, None], scale=beta)[0, 0]
        del x4, q4
        ctx = torch.no_grad()
    else:
        xp = aa.get_namespace(x)
        net = hf.ModernHopfieldNetwork(x, beta=beta)

        def make(qq, xx, chunk):
            def naive():
                s = beta * (qq @ xx.T)
                e = np.exp(s - s.max(axis=1, keepdims=True))
                return (e / e.sum(axis=1, keepdims=True)) @ xx

            return {
                "hopfield": lambda: net.update(qq) if xx is x else _update(qq, xx, xx, beta, xp),
                "hopfield chunked": lambda: net.update(qq, chunk_size=chunk) if xx is x
                else _update(qq, xx, xx, beta, xp, chunk_size=chunk),
                **_retrieves(net, qq, xx, x, beta, chunk),
                "naive": naive,
            }[impl]

        fn, warm = make(queries, x, chunk), make(queries[:WARM_Q], x[:WARM_N], WARM_CHUNK)
        peer = None
        sync = lambda: None  # noqa: E731

        class _Null:
            def __enter__(self):
                return self

            def __exit__(self, *a):
                return False

        ctx = _Null()
    with ctx:
        warm()              # imports and one-time set-up, on a tiny problem
        gc.collect()
        with _PeakRSS() as mem:         # the first full-size call: no cached blocks to reuse
            out = fn()
            sync()
        ref = np.asarray(out.cpu()) if lib == "torch" else out
        err = float(np.max(np.abs(ref.astype(np.float64) - x[idx])))
        del out, ref
        gc.collect()
        trace_mb = None
        if lib == "numpy":
            tracemalloc.start()
            out = fn()
            trace_mb = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            del out
        if peer is not None:
            out = peer()                # its own warm-up at full size, after our first call
            del out
        times, peer_times = [], []
        for rep in range(cfg["repeat"]):
            pair = ((fn, times), (peer, peer_times))
            for f, acc in (pair if rep % 2 == 0 else pair[::-1]):     # alternate who goes first
                if f is None:
                    continue
                t0 = time.perf_counter()
                out = f()
                sync()
                acc.append(time.perf_counter() - t0)
                del out
    ratio = float(np.median(np.array(times) / np.array(peer_times))) if peer_times else None
    return {"time": float(np.median(times)), "rss_mb": mem.delta_mb, "trace_mb": trace_mb,
            "err": err, "paired_ratio": ratio}


def _dask_worker(cfg: dict) -> dict:
    """The stored patterns as a Dask array persisted on a local cluster, against the same
    patterns in memory (NumPy, one BLAS thread in the client)."""
    import gc

    import dask.array as da
    from dask.distributed import Client, LocalCluster

    import hopfield as hf

    n, d, nq, beta = cfg["n"], cfg["d"], cfg["q"], cfg["beta"]
    workers, rows = cfg["workers"], cfg["block_rows"]
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        # the bank is drawn and normalised on the workers and stays there
        x = da.random.default_rng(0).standard_normal((n, d), chunks=(rows, d), dtype=np.float32)
        x = (x * (np.float32(24.0) / da.linalg.norm(x, axis=1, keepdims=True))).persist()
        rng = np.random.default_rng(1)
        idx = np.sort(rng.integers(0, n, size=nq))
        targets = x[idx].compute()
        queries = targets + np.float32(0.3) * rng.standard_normal((nq, d), dtype=np.float32)
        net = hf.ModernHopfieldNetwork(x, beta=beta)
        net.update(queries[:WARM_Q])                 # imports, task graph machinery
        gc.collect()
        with _PeakRSS() as mem:                      # the client's memory during one call
            out = net.update(queries)
        calls = {"dask update": lambda: net.update(queries),
                 "dask retrieve": lambda: net.retrieve(queries, steps=1).states}
        x_local = x.compute()                        # now the client holds the bank as well
        local = hf.ModernHopfieldNetwork(x_local, beta=beta)
        ref = local.update(queries)
        diff = float(np.max(np.abs(out.astype(np.float64) - ref)))
        err = float(np.max(np.abs(out.astype(np.float64) - targets)))
        times = {k: [] for k in (*calls, "in-memory update")}
        for _ in range(cfg["repeat"]):              # in turn, so both see the same load
            for name, f in (*calls.items(), ("in-memory update", lambda: local.update(queries))):
                t0 = time.perf_counter()
                f()
                times[name].append(time.perf_counter() - t0)
        n_workers = len(client.scheduler_info()["workers"])
    med = {k: float(np.median(v)) for k, v in times.items()}
    return {"times": med, "client_rss_mb": mem.delta_mb, "bank_mb": x_local.nbytes / 2**20,
            "blocks": -(-n // rows), "workers": n_workers, "diff": diff, "err": err}


def _run(cfg: dict) -> dict:
    threads = str(cfg["threads"])
    env = {**os.environ, "OMP_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads,
           "MKL_NUM_THREADS": threads}
    proc = subprocess.run([sys.executable, __file__, "--worker", json.dumps(cfg)],
                          capture_output=True, text=True, check=False, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"worker failed for {cfg}:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fmt(x, nd=1):
    return "—" if x is None else f"{x:.{nd}f}"


def _verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def _print_verdicts(paired: dict, grown: dict, ns) -> None:
    """The targets of issue 12 item 3 and issue 15 item 4, from the rows just printed."""
    lines = []
    chunked = paired.get(("cpu", "float32", "hopfield chunked"))
    if chunked:
        lines.append(f"target chunked update, torch float32 (issue 12 item 3): time × SDPA <= 1.1: "
                     f"{_verdict(chunked[0] <= 1.1)} ({chunked[0]:.2f})")
    for key in (("torch", "hopfield chunked"), ("numpy", "hopfield chunked")):
        if key in grown:
            a, b = grown[key][0], grown[key][-1]
            lines.append(f"target memory flat in N, {key[0]} chunked (issue 12 item 3): RSS Δ at "
                         f"N = {ns[-1]} <= 1.5 × RSS Δ at N = {ns[0]}: {_verdict(b <= 1.5 * a)} "
                         f"({b:.0f} vs {a:.0f} MiB)")
    ret = paired.get(("cpu", "float32", "retrieve"))
    if ret:
        lines.append(f"target retrieve(steps=1), torch float32 (issue 15 item 4): time × SDPA and "
                     f"RSS Δ × SDPA <= 1.1: {_verdict(max(ret) <= 1.1)} ({ret[0]:.2f}, {ret[1]:.2f})")
    if lines:
        print("\n" + "\n".join(lines))


def _print_dask(base: dict, n: int, *, quick: bool):
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        print("\n(dask.distributed not installed: no Dask rows)")
        return
    rows = n // 8
    r = _run({**base, "lib": "dask", "n": n, "workers": 2, "block_rows": rows})
    t = r["times"]
    print(f"\n## Stored patterns in a Dask array (float32, N = {n}, d = {base['d']}, "
          f"{base['q']} queries)\n")
    print(f"Local cluster of {r['workers']} worker processes × 1 thread; the bank "
          f"({r['bank_mb']:.0f} MiB) in {r['blocks']} blocks of {rows} rows, drawn and kept "
          "on the workers. In-memory: the same patterns as a NumPy array in the client (one "
          "BLAS thread). Median of the calls timed in turn.\n")
    print("| call | time [s] | time × in-memory update |")
    print("|---|---:|---:|")
    for k in ("in-memory update", "dask update", "dask retrieve"):
        print(f"| {k} | {t[k]:.3f} | {t[k] / t['in-memory update']:.2f} |")
    print(f"\nclient peak RSS Δ during a Dask update: {r['client_rss_mb']:.1f} MiB "
          f"(bank {r['bank_mb']:.0f} MiB); max |Dask − in-memory| = {r['diff']:.1e}; "
          f"max error against the stored patterns {r['err']:.1e}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--chunk", type=int, default=4096)
    ap.add_argument("--threads", type=int, default=1,
                    help="BLAS / OpenMP / torch threads per run (default 1: on a shared, "
                         "loaded machine extra threads spin against other processes)")
    ap.add_argument("--rows", default=None,
                    help="only these rows of the first table, e.g. 'torch:float32:retrieve,"
                         "torch:float32:SDPA' (backend:dtype:implementation); the N-growth "
                         "table is skipped")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        cfg = json.loads(args.worker)
        print(json.dumps(_dask_worker(cfg) if cfg.get("lib") == "dask" else _worker(cfg)))
        return
    try:
        import torch
        devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
        torch_version = torch.__version__
    except ImportError:
        devices, torch_version = [], None
    n, d, q = (20_000, 128, 200) if args.quick else (100_000, 256, 1000)
    beta = 1.0 / np.sqrt(d)
    base = {"d": d, "q": q, "beta": float(beta), "chunk": args.chunk, "repeat": args.repeat,
            "threads": args.threads}
    load = os.getloadavg()
    print(f"# Modern Hopfield retrieval benchmark\n\nN = {n}, d = {d}, {q} queries, β = 1/√d, "
          f"chunk = {args.chunk}, threads = {args.threads}; nproc = {os.cpu_count()}, load average at start "
          f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}; numpy {np.__version__}, "
          f"torch {torch_version}, Python {platform.python_version()}\n")
    print("| backend | dtype | implementation | time [s] | time × SDPA | peak RSS Δ [MiB] | "
          "RSS Δ × SDPA | tracemalloc peak [MiB] | max error |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    rows = []
    for dtype in ("float32", "float64"):
        for impl in ("hopfield", "retrieve", "retrieve+energy", "hopfield chunked",
                     "retrieve chunked", "naive"):
            rows.append(("numpy", "cpu", dtype, impl))
    for dev in devices:
        for dtype in ("float32", "float64"):
            for impl in ("SDPA", "hopfield", "retrieve", "retrieve+energy", "hopfield array-API",
                         "hopfield chunked", "retrieve chunked", "naive"):
                rows.append(("torch", dev, dtype, impl))
    if args.rows:
        keep = {tuple(r.split(":")) for r in args.rows.split(",")}
        rows = [r for r in rows if (r[0], r[2], r[3]) in keep or (r[3] == "SDPA"
                and any(k[0] == r[0] and k[1] == r[2] for k in keep))]
    sdpa, paired, grown = {}, {}, {}
    for lib, dev, dtype, impl in rows:
        r = _run({**base, "lib": lib, "device": dev, "impl": impl, "dtype": dtype, "n": n})
        if impl == "SDPA":              # the peer; every other row is ours, timed against it
            sdpa[(dev, dtype)] = r
        ref = sdpa.get((dev, dtype)) if lib == "torch" and impl != "SDPA" else None
        t_ratio = "—" if ref is None else f"{r['paired_ratio']:.2f}"
        m_ratio = "—" if ref is None else f"{r['rss_mb'] / max(ref['rss_mb'], 0.1):.2f}"
        if ref is not None:
            paired[(dev, dtype, impl)] = (r["paired_ratio"], r["rss_mb"] / max(ref["rss_mb"], 0.1))
        name = f"{lib} {dev}" if lib == "torch" else "numpy"
        print(f"| {name} | {dtype} | {impl} | {r['time']:.3f} | {t_ratio} | {_fmt(r['rss_mb'])} | "
              f"{m_ratio} | {_fmt(r['trace_mb'])} | {r['err']:.1e} |", flush=True)

    if not args.rows or "dask" in args.rows:
        _print_dask(base, n, quick=args.quick)
    if args.rows:
        _print_verdicts(paired, grown, ())
        end = os.getloadavg()
        print(f"\nload average at the end {end[0]:.2f} / {end[1]:.2f} / {end[2]:.2f}")
        return
    ns = (2_000, 20_000, 60_000) if args.quick else (10_000, 100_000, 300_000)
    print(f"\n## Memory as N grows (float32, {q} queries, d = {d}, chunk = {args.chunk})\n")
    print("| backend | implementation | " + " | ".join(f"N = {k}: time [s] / RSS Δ [MiB]"
                                                       for k in ns) + " |")
    print("|---|---|" + "---:|" * len(ns))
    grow = [("numpy", "cpu", "hopfield"), ("numpy", "cpu", "hopfield chunked")]
    grow += [("torch", "cpu", "hopfield chunked"), ("torch", "cpu", "retrieve"),
             ("torch", "cpu", "retrieve chunked"), ("torch", "cpu", "SDPA")] if devices else []
    for lib, dev, impl in grow:
        cells = []
        for k in ns:
            r = _run({**base, "lib": lib, "device": dev, "impl": impl, "dtype": "float32", "n": k,
                      "repeat": 1})
            cells.append(f"{r['time']:.2f} / {r['rss_mb']:.0f}")
            grown.setdefault((lib, impl), []).append(r["rss_mb"])
        print(f"| {lib} | {impl} | " + " | ".join(cells) + " |", flush=True)
    _print_verdicts(paired, grown, ns)
    end = os.getloadavg()
    print(f"\nload average at the end {end[0]:.2f} / {end[1]:.2f} / {end[2]:.2f}")


if __name__ == "__main__":
    main()
