"""Phasor (complex-valued) recall beside the binary network's at equal N, in one run.

Both recall a batch of probes asynchronously to a fixed point (new random order each sweep) and
synchronously. The binary network (`hf.HopfieldNetwork`, ±1 Hebb) recalls probes with 10 % of the
bits flipped; the phasor network (`hf.PhasorHopfieldNetwork`) runs K = 2 on the very same probes
(identical trajectories, so the ratio is the cost of complex arithmetic alone) and K = 8 on
probes with 10 % of the neurons re-drawn. Per-probe times are medians of ``--repeats`` calls; the
"per sweep" ratio divides by the sweeps each run took (K = 8 needs a different number).

    python benchmarks/bench_phasor.py            # N = 500, 1000, 2000; 200 probes
    python benchmarks/bench_phasor.py --quick    # smoke test
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numba
import numpy as np

import hopfield as hf
from hopfield import phasor as ph


def _median(func, repeats):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), out


def _time(net, probes, update, repeats):
    net.recall(probes[:9], update=update, rng=0)  # compile and warm up outside the timing
    return _median(lambda: net.recall(probes, update=update, rng=1), repeats)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--probes", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv)
    sizes = (300,) if args.quick else (500, 1000, 2000)
    n_probes = 20 if args.quick else args.probes
    print(f"machine: {platform.machine()}, nproc {os.cpu_count()}, numpy {np.__version__}, "
          f"numba {numba.__version__}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{n_probes} probes, P = 0.02 N, medians of {args.repeats} calls")
    header = ("N", "update", "binary ms/probe", "phasor K=2 ms/probe", "K=2 / binary",
              "phasor K=8 ms/probe", "K=8 / binary", "K=8 / binary per sweep", "sweeps bin/K8")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    rows = []
    for n in sizes:
        rng = np.random.default_rng(n)
        p = max(2, n // 50)  # well below the K = 8 network's capacity
        x = hf.patterns.random(p, n, rng=rng)
        probes = hf.patterns.flip(x[rng.integers(0, p, n_probes)], 0.1, rng=rng)
        binary = hf.HopfieldNetwork(n)
        binary.store(x)
        two = ph.PhasorHopfieldNetwork(n, K=2)
        two.store(x)
        z8 = ph.random(p, n, 8, rng=rng)
        eight = ph.PhasorHopfieldNetwork(n, K=8)
        eight.store(z8)
        probes8 = z8[rng.integers(0, p, n_probes)].copy()
        hit = rng.random(probes8.shape) < 0.1
        probes8[hit] = ph.random(1, int(hit.sum()), 8, rng=rng)[0]
        probes2 = probes.astype(np.complex128)
        for update in ("async", "sync"):
            tb, rb = _time(binary, probes, update, args.repeats)
            t2, r2 = _time(two, probes2, update, args.repeats)
            t8, r8 = _time(eight, probes8, update, args.repeats)
            if not np.array_equal(r2.states.real.astype(np.int8), rb.states):
                raise AssertionError("K = 2 left the binary network's trajectory")
            sb, s8 = float(np.mean(rb.sweeps)), float(np.mean(r8.sweeps))
            row = (n, update, 1e3 * tb / n_probes, 1e3 * t2 / n_probes, t2 / tb, 1e3 * t8 / n_probes, t8 / tb,
                   (t8 / s8) / (tb / sb), f"{sb:.2f}/{s8:.2f}")
            rows.append(row)
            print(f"| {n} | {update} | {row[2]:.3f} | {row[3]:.3f} | {row[4]:.2f}× | {row[5]:.3f} | "
                  f"{row[6]:.2f}× | {row[7]:.2f}× | {row[8]} |")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return rows


if __name__ == "__main__":
    main()
