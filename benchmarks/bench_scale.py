"""Classical networks larger than a float64 weight matrix: peak memory beside W's size.

Each case runs in a fresh subprocess (so its peak resident memory is its own) and prints one
machine-readable line ``case=... | N=... | P=... | ...`` with

- ``float64_W_GB``: the size of the N×N float64 weight matrix the network never forms;
- ``peak_traced_GB``: the peak of the memory NumPy allocated during the case (``tracemalloc``,
  which NumPy reports its buffers to), i.e. what storing and recalling needed;
- ``peak_rss_GB``: the process's peak resident set (``ru_maxrss``), interpreter, NumPy, Numba
  and compiled kernels included;
- timings and the recall quality.

Cases:

- ``store_recall``: ``HopfieldNetwork(N).store(X)`` with P = ``--load`` · N random patterns, then
  one ``recall`` of ``--probes`` probes with 10 % of their bits flipped (asynchronous updates).
  Hebb weights are kept as integers and recall chooses the pattern form (overlaps m = Ξs kept
  current, O(P) per neuron visit), so no N×N matrix is formed.
- ``capacity``: ``capacity_curve("hebb", N, loads, trials, noise=0.1, probes_per_trial,
  nested=False)``: a capacity point at N = 20 000 (fresh patterns per load and trial).

    python benchmarks/bench_scale.py                 # N = 50 000 store/recall, N = 20 000 capacity
    python benchmarks/bench_scale.py --quick         # N = 5 000 and 2 000 (smoke test)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys

_CASE = r"""
import json, resource, sys, time, tracemalloc
import numpy as np
import hopfield as hf

args = json.loads(sys.argv[1])
n = args["n"]
hf.HopfieldNetwork(50).store(hf.patterns.random(3, 50, rng=0)).recall(
    hf.patterns.random(9, 50, rng=1), rng=2)  # compile the kernels outside the measurement
hf.analysis.capacity_curve("hebb", 60, [0.05], trials=2, noise=0.1, probes_per_trial=1,
                           nested=False, rng=0, executor=hf.analysis.InProcessExecutor())
tracemalloc.start()
out = {"case": args["case"], "N": n, "float64_W_GB": n * n * 8 / 1e9}
if args["case"] == "store_recall":
    p = max(1, round(args["load"] * n))
    t0 = time.perf_counter()
    x = hf.patterns.random(p, n, rng=0)
    net = hf.HopfieldNetwork(n).store(x)
    t1 = time.perf_counter()
    idx = np.arange(args["probes"]) % p
    probes = hf.patterns.flip(x[idx], 0.1, rng=1)
    r = net.recall(probes, rng=2)
    t2 = time.perf_counter()
    out.update(P=p, probes=int(args["probes"]), store_s=t1 - t0, recall_s=t2 - t1,
               recall_per_probe_s=(t2 - t1) / args["probes"],
               bits_correct=float(np.mean(r.states == x[idx])),
               exact_recall=float(np.mean(np.all(r.states == x[idx], axis=1))),
               mean_sweeps=float(np.mean(r.sweeps)),
               K_formed=net._hebb_k._k is not None)
else:
    t0 = time.perf_counter()
    c = hf.analysis.capacity_curve("hebb", n, args["loads"], trials=args["trials"], noise=0.1,
                                   probes_per_trial=args["probes"], nested=False, rng=0,
                                   executor=hf.analysis.InProcessExecutor())
    out.update(P=[int(v) for v in c.n_patterns], trials=args["trials"],
               probes_per_trial=args["probes"], seconds=time.perf_counter() - t0,
               recall_rate=[float(v) for v in c.recall_rate],
               bit_error=[float(v) for v in c.bit_error],
               fixed_fraction=[float(v) for v in c.fixed_fraction])
out["peak_traced_GB"] = tracemalloc.get_traced_memory()[1] / 1e9
out["peak_rss_GB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9
print(json.dumps(out))
"""


def run_case(spec: dict) -> dict:
    """One case in a fresh interpreter; its JSON result."""
    proc = subprocess.run([sys.executable, "-c", _CASE, json.dumps(spec)], capture_output=True,
                          text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"case {spec} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fmt(row: dict) -> str:
    def f(v):
        if isinstance(v, float):
            return f"{v:.4g}"
        if isinstance(v, list):
            return "[" + ",".join(f(u) for u in v) + "]"
        return str(v)

    return " | ".join(f"{k}={f(v)}" for k, v in row.items())


def main(argv=None) -> int:
    """Run the cases and print one line each."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="N = 5000 and 2000 instead")
    ap.add_argument("--neurons", type=int, default=50_000)
    ap.add_argument("--load", type=float, default=0.05)
    ap.add_argument("--probes", type=int, default=20)
    ap.add_argument("--capacity-neurons", type=int, default=20_000)
    ap.add_argument("--capacity-loads", type=float, nargs="+", default=[0.1, 0.138])
    ap.add_argument("--trials", type=int, default=2)
    ap.add_argument("--capacity-probes", type=int, default=10)
    args = ap.parse_args(argv)
    n, nc = (5000, 2000) if args.quick else (args.neurons, args.capacity_neurons)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f} at start")
    rows = [
        run_case({"case": "store_recall", "n": n, "load": args.load, "probes": args.probes}),
        run_case({"case": "capacity", "n": nc, "loads": args.capacity_loads,
                  "trials": args.trials, "probes": args.capacity_probes}),
    ]
    for row in rows:
        print(_fmt(row), flush=True)
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
