"""Dense associative memory: O(K)-per-neuron Numba sweep against the naive O(K N^2) update.

Usage: python benchmarks/bench_dense.py [--quick]

Prints two Markdown tables:
1. one sequential sweep (N = 1000, K = 2000, F = x^3) of the library kernel against a plain NumPy
   implementation that recomputes every overlap for every neuron (the textbook form of the update);
   both start from the same probe and must end in the same state;
2. batched asynchronous recall throughput (probes per second) at the same size, probes with 10 % of
   the bits flipped, for several F.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import hopfield as hf


def naive_sequential_sweep(xi, s, n):
    """One sweep, neurons 0..N-1, recomputing m = ξσ for each neuron: O(K N) per neuron."""
    s = s.astype(np.float64).copy()
    xf = xi.astype(np.float64)
    for i in range(s.size):
        a = xf @ s - xf[:, i] * s[i]  # Σ_{j≠i} ξ_j^μ σ_j
        d = np.sum((a + xf[:, i]) ** n - (a - xf[:, i]) ** n)
        if d != 0:
            s[i] = 1.0 if d > 0 else -1.0
    return s.astype(np.int8)


def best_of(fn, repeats):
    times = []
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and probes")
    args = parser.parse_args()
    big_n, k, n = 1000, 2000, 3
    xi = hf.patterns.random(k, big_n, rng=0)
    dam = hf.DenseAssociativeMemory(xi, F="polynomial", n=n)
    probe = hf.patterns.random(1, big_n, rng=1)[0]
    dam.recall(probe, update="sequential", max_sweeps=1)  # compile

    try:  # single-threaded BLAS for the naive sweep: one core against one core
        from threadpoolctl import threadpool_limits
    except ImportError:
        from contextlib import nullcontext as threadpool_limits
    with threadpool_limits(1):
        t_naive, s_naive = best_of(lambda: naive_sequential_sweep(xi, probe, n),
                                   1 if args.quick else 2)
    reps = 3 if args.quick else 7
    t_fast, r = best_of(lambda: dam.recall(probe, update="sequential", max_sweeps=1), reps)
    assert np.array_equal(r.states, s_naive), "kernel and naive sweep disagree"
    print(f"machine: nproc={os.cpu_count()}, load average {os.getloadavg()[0]:.2f}")
    print()
    print(f"One sequential sweep, N = {big_n}, K = {k}, F = x^{n} (same final state)\n")
    print("| implementation | time per sweep | speed-up |")
    print("|---|---:|---:|")
    print(f"| naive NumPy (1 BLAS thread), O(K N^2) | {t_naive * 1e3:.1f} ms | 1 |")
    print(f"| hopfield Numba kernel (1 probe, 1 thread), O(K N + flips K) | {t_fast * 1e3:.2f} ms | "
          f"{t_naive / t_fast:.0f}x |")
    print()

    batches = (1, 16, 64) if args.quick else (1, 16, 64, 256)
    print(f"Batched async recall to a fixed point, N = {big_n}, K = {k}, probes = memories with "
          "10 % of bits flipped\n")
    print("| F | batch | time | probes / s | mean sweeps | recovered |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, kw in (("polynomial n=3", {"F": "polynomial", "n": 3}),
                     ("rectified n=3", {"F": "rectified", "n": 3}),
                     ("exponential", {"F": "exponential"})):
        model = hf.DenseAssociativeMemory(xi, **kw)
        model.recall(probe, max_sweeps=1, rng=0)
        for b in batches:
            probes = hf.patterns.flip(xi[:b], 0.1, rng=2)
            t, res = best_of(lambda probes=probes, model=model: model.recall(probes, rng=3),
                             1 if b >= 64 else reps)
            ok = np.mean(np.all(np.atleast_2d(res.states) == xi[:b], axis=1))
            print(f"| {name} | {b} | {t * 1e3:.1f} ms | {b / t:.0f} | "
                  f"{np.mean(res.sweeps):.1f} | {ok:.0%} |")


if __name__ == "__main__":
    main()
