"""Capacity curve of the Hebb rule at N = 1000 (15 loads x 20 trials), against hopfieldkit.

``hopfieldkit.capacity.empirical_capacity_scan(n_units, pattern_counts, n_trials, flip_fraction,
seed)`` trains a fresh network per trial, corrupts pattern 0 by ``int(flip_fraction * N)`` bits,
recalls it (asynchronous, random order, one probe) and records exact recovery. We run it on the
same grid (P = round(alpha N) for the same 15 loads, the same 100 flipped bits, 20 trials) and
time, side by side:

- ``hopfield, like-for-like``: ``capacity_curve(..., probes_per_trial=1, nested=False)``: a fresh
  pattern set per (load, trial) and one probe per trial, exactly hopfieldkit's protocol (plus the
  overlap, wrong bits and the fixed-point test of that pattern). The trials of one load run in
  one pattern-form kernel call (each probe on its own trial's patterns, no N×N matrix), with the
  results of separate per-trial runs;
- ``hopfield, 1 probe, nested``: the library default ``nested=True``: each trial stores one
  growing pattern set incrementally and measures all 15 loads on it (one Hebb storage of
  P_max patterns per trial instead of one per load);
- ``hopfield, full``: every stored pattern of every trial is probed (P probes in one batched
  recall) and tested for stability: P times more recall work than hopfieldkit.

hopfieldkit lives in its own venv (``python -m venv --system-site-packages
/work/venvs/hopfieldkit && /work/venvs/hopfieldkit/bin/pip install hopfieldkit``) and runs in a
subprocess of that interpreter (``--peer-python``).

    python benchmarks/bench_capacity.py            # full grid (minutes: hopfieldkit is slow)
    python benchmarks/bench_capacity.py --quick    # 2 trials per load
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

import hopfield as hf

_PEER = r"""
import json, sys, time
from hopfieldkit.capacity import empirical_capacity_scan
n, counts, trials, flip, seed = json.loads(sys.argv[1])
t0 = time.perf_counter()
r = empirical_capacity_scan(n, counts, n_trials=trials, flip_fraction=flip, seed=seed)
print(json.dumps({"seconds": time.perf_counter() - t0, "success": r["success_rates"]}))
"""


def run_peer(python, n, counts, trials, flip, seed):
    """hopfieldkit's scan in its own interpreter; (seconds, success rates) or None if missing."""
    if not os.path.exists(python):
        return None
    args = json.dumps([n, [int(c) for c in counts], trials, flip, seed])
    out = subprocess.run([python, "-c", _PEER, args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        print(f"hopfieldkit failed: {out.stderr.strip()[-400:]}", file=sys.stderr)
        return None
    res = json.loads(out.stdout.strip().splitlines()[-1])
    return res["seconds"], np.array(res["success"])


def main(argv=None) -> int:
    """Run the benchmark and print a Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2 trials per load instead of 20")
    ap.add_argument("--neurons", type=int, default=1000)
    ap.add_argument("--trials", type=int, default=None)
    ap.add_argument("--noise", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--peer-python", default="/work/venvs/hopfieldkit/bin/python")
    ap.add_argument("--skip-full", action="store_true", help="skip the all-probes curve")
    args = ap.parse_args(argv)
    n = args.neurons
    trials = args.trials or (2 if args.quick else 20)
    loads = np.linspace(0.02, 0.30, 15)
    counts = np.maximum(1, np.rint(loads * n)).astype(int)
    print(f"Hebb, N = {n}, {len(loads)} loads (P = {counts[0]}..{counts[-1]}), {trials} trials, "
          f"{int(args.noise * n)} bits flipped; {platform.processor() or platform.machine()}, "
          f"nproc {os.cpu_count()}, load average {os.getloadavg()[0]:.2f} at start")

    # warm up: Numba compiles (or loads its cache) outside the timing
    hf.analysis.capacity_curve("hebb", 100, [0.05], trials=1, rng=0)

    rows = []
    serial = hf.analysis.InProcessExecutor()
    t0 = time.perf_counter()
    one = hf.analysis.capacity_curve("hebb", n, loads, trials=trials, noise=args.noise,
                                     probes_per_trial=1, nested=False, rng=args.seed,
                                     executor=serial)
    rows.append(("hopfield, like-for-like (1 probe/trial, fresh sets)", time.perf_counter() - t0,
                 trials * len(loads), one))
    t0 = time.perf_counter()
    one_nested = hf.analysis.capacity_curve("hebb", n, loads, trials=trials, noise=args.noise,
                                            probes_per_trial=1, rng=args.seed, executor=serial)
    rows.append(("hopfield, 1 probe/trial, nested (default)", time.perf_counter() - t0,
                 trials * len(loads), one_nested))
    full = None
    if not args.skip_full:
        t0 = time.perf_counter()
        full = hf.analysis.capacity_curve("hebb", n, loads, trials=trials, noise=args.noise,
                                          rng=args.seed, executor=serial)
        t_full = time.perf_counter() - t0
        rows.append(("hopfield, full (P probes/trial + stability, nested)", t_full,
                     int(counts.sum()) * trials, full))
    peer = run_peer(args.peer_python, n, counts, trials, args.noise, args.seed)

    print()
    print("| implementation | probes recalled | time (s) | speed-up vs hopfieldkit |")
    print("|---|---:|---:|---:|")
    if peer is not None:
        print(f"| hopfieldkit 0.1.0 `empirical_capacity_scan` | {trials * len(loads)} | "
              f"{peer[0]:.2f} | 1.0x |")
    for name, secs, probes, _ in rows:
        speed = f"{peer[0] / secs:.1f}x" if peer is not None else "n/a"
        print(f"| {name} | {probes} | {secs:.2f} | {speed} |")
    print()
    keys = ("like_for_like", "nested", "full")
    if peer is not None:
        print(f"impl=hopfieldkit | probes={trials * len(loads)} | seconds={peer[0]:.4g} | speedup=1")
    for key, (_, secs, probes, _) in zip(keys, rows, strict=False):
        speed = f"{peer[0] / secs:.4g}" if peer is not None else "nan"
        print(f"impl={key} | probes={probes} | seconds={secs:.4g} | speedup={speed}")
    print()
    print("Exact-recall rate per load (sanity check: same physics):")
    print("| alpha | P | hopfieldkit | hopfield 1 probe | 1 probe nested | all probes | fixed points |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for k in range(len(loads)):
        pk = f"{peer[1][k]:.2f}" if peer is not None else "n/a"
        fk = f"{full.recall_rate[k]:.3f}" if full is not None else "n/a"
        fx = f"{full.fixed_fraction[k]:.3f}" if full is not None else "n/a"
        print(f"| {one.load[k]:.3f} | {counts[k]} | {pk} | {one.recall_rate[k]:.2f} | "
              f"{one_nested.recall_rate[k]:.2f} | {fk} | {fx} |")
    print(f"\nload average at end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
