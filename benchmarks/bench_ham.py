"""Benchmark: hierarchical associative memory energy, gradient and 100-step inference.

A 3-layer HAM 784 (identity) - 512 (tanh) - 10 (softmax), batch 256, τ = 1, Euler dt = 0.1:

- ``energy``: total energy of a batch of states;
- ``gradient``: activations and dE/dg of every layer (our ``HAM.derivatives``);
- ``inference``: 100 Euler steps ``x ← x - dt/τ · dE/dg`` (no energy recording).

Implementations: ``hopfield`` on NumPy (float64 and float32, public API with input checks), on torch
(float32, CPU); a naive torch version that gets dE/dg from ``torch.autograd.grad`` of the energy
every step; and ``hamux`` on JAX (float32, ``jax.jit``; the 100 steps inside one
``lax.fori_loop``), run in its own environment ``/work/venvs/hamux`` (``pip install hamux jax
fastcore``) if it exists. All start from the same weights and states; the energies are compared.

Usage::

    python benchmarks/bench_ham.py [--quick] [--hamux-python /work/venvs/hamux/bin/python]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

SIZES = (784, 512, 10)
BATCH = 256
DT = 0.1
STEPS = 100


def make_problem(seed=0):
    rng = np.random.default_rng(seed)
    w1 = (0.5 * rng.normal(size=(SIZES[1], SIZES[0])) / np.sqrt(SIZES[0])).astype(np.float32)
    w2 = (0.5 * rng.normal(size=(SIZES[2], SIZES[1])) / np.sqrt(SIZES[1])).astype(np.float32)
    xs = [rng.normal(size=(BATCH, n)).astype(np.float32) for n in SIZES]
    return w1, w2, xs


def timeit(fn, repeats, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


# ------------------------------------------------------------------------------ hopfield
def bench_hopfield(w1, w2, xs, repeats):
    import torch

    from hopfield.lagrangian import HAM, DenseSynapse, Layer, Softmax, Tanh

    out = {}
    convert = {"numpy": lambda a: a.astype(np.float64), "numpy32": lambda a: a,
               "torch": torch.from_numpy}
    for backend, conv in convert.items():
        ham = HAM([Layer(SIZES[0], "identity"), Layer(SIZES[1], Tanh(1.0)),
                   Layer(SIZES[2], Softmax(1.0))], [DenseSynapse(conv(w1)), DenseSynapse(conv(w2))])
        states = [conv(x) for x in xs]
        with torch.no_grad():
            energy = ham.energy(states)
            out[backend] = {
                "energy": timeit(lambda h=ham, s=states: h.energy(s), repeats * 5),
                "gradient": timeit(lambda h=ham, s=states: h.derivatives(s), repeats * 5),
                "inference": timeit(lambda h=ham, s=states: h.run(s, dt=DT, max_steps=STEPS,
                                                                   record_energy=False), repeats),
                "energy_value": np.asarray(energy, dtype=np.float64).tolist(),
                "final_energy": np.asarray(ham.energy(ham.run(states, dt=DT, max_steps=STEPS,
                                                              record_energy=False).states),
                                           dtype=np.float64).tolist(),
            }
    return out


def bench_naive_torch(w1, w2, xs, repeats):
    """dE/dg by autograd of the energy at every step (what an autodiff-first HAM does)."""
    import torch

    W1, W2 = torch.from_numpy(w1), torch.from_numpy(w2)

    def activations(x0, x1, x2):
        return x0, torch.tanh(x1), torch.softmax(x2, dim=-1)

    def energy_of(xs, gs):
        e = (xs[0] * gs[0]).sum(-1) - 0.5 * (xs[0] ** 2).sum(-1)
        e = e + (xs[1] * gs[1]).sum(-1) - torch.logaddexp(xs[1], -xs[1]).sum(-1) + np.log(2) * SIZES[1]
        e = e + (xs[2] * gs[2]).sum(-1) - torch.logsumexp(xs[2], dim=-1)
        e = e - ((gs[0] @ W1.T) * gs[1]).sum(-1) - ((gs[1] @ W2.T) * gs[2]).sum(-1)
        return e

    def interaction(gs):
        return (-((gs[0] @ W1.T) * gs[1]).sum(-1) - ((gs[1] @ W2.T) * gs[2]).sum(-1)).sum()

    def grad(xs):
        gs = [g.detach().requires_grad_(True) for g in activations(*xs)]
        dg = torch.autograd.grad(interaction(gs), gs)
        return [x + d for x, d in zip(xs, dg, strict=True)]  # dE/dg = x - drive

    def inference(xs):
        for _ in range(STEPS):
            xs = [x - DT * d for x, d in zip(xs, grad(xs), strict=True)]
        return xs

    states = [torch.from_numpy(x) for x in xs]
    with torch.no_grad():
        e0 = energy_of(states, activations(*states))
    final = inference(states)
    with torch.no_grad():
        e1 = energy_of(final, activations(*final))
    return {
        "energy": timeit(lambda: energy_of(states, activations(*states)), repeats * 5),
        "gradient": timeit(lambda: grad(states), repeats * 5),
        "inference": timeit(lambda: inference(states), repeats),
        "energy_value": e0.double().tolist(),
        "final_energy": e1.double().tolist(),
    }


# ------------------------------------------------------------------------------ hamux
HAMUX_WORKER = r"""
import json, statistics, sys, time
import numpy as np
import jax, jax.numpy as jnp
import hamux as hmx

data = np.load(sys.argv[1])
repeats = int(sys.argv[2])
STEPS, DT = int(sys.argv[3]), float(sys.argv[4])
w1, w2 = jnp.asarray(data["w1"]), jnp.asarray(data["w2"])
xs = {"v": jnp.asarray(data["x0"]), "h": jnp.asarray(data["x1"]), "l": jnp.asarray(data["x2"])}
neurons = {"v": hmx.NeuronLayer(hmx.lagr_identity, (w1.shape[1],)),
           "h": hmx.NeuronLayer(hmx.lagr_tanh, (w1.shape[0],)),
           "l": hmx.NeuronLayer(hmx.lagr_softmax, (w2.shape[0],))}
synapses = {"s1": hmx.LinearSynapse(w1.T), "s2": hmx.LinearSynapse(w2.T)}
ham = hmx.HAM(neurons=neurons, hypersynapses=synapses,
              connections=[(("v", "h"), "s1"), (("h", "l"), "s2")]).vectorize()

@jax.jit
def energy(xs):
    return ham.energy(ham.activations(xs), xs)

@jax.jit
def gradient(xs):
    return ham.dEdact(ham.activations(xs), xs)

@jax.jit
def inference(xs):
    def body(_, xs):
        g = ham.dEdact(ham.activations(xs), xs)
        return jax.tree_util.tree_map(lambda x, d: x - DT * d, xs, g)
    return jax.lax.fori_loop(0, STEPS, body, xs)

def timeit(fn, reps):
    jax.block_until_ready(fn())
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); jax.block_until_ready(fn()); ts.append(time.perf_counter() - t0)
    return statistics.median(ts)

final = inference(xs)
out = {"energy": timeit(lambda: energy(xs), repeats * 5),
       "gradient": timeit(lambda: gradient(xs), repeats * 5),
       "inference": timeit(lambda: inference(xs), repeats),
       "energy_value": np.asarray(energy(xs), dtype=np.float64).tolist(),
       "final_energy": np.asarray(energy(final), dtype=np.float64).tolist(),
       "versions": {"jax": jax.__version__}}
print(json.dumps(out))
"""


def bench_hamux(python, w1, w2, xs, repeats):
    if not python or not os.path.exists(python):
        return None, f"hamux environment not found at {python}"
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "problem.npz")
        np.savez(path, w1=w1, w2=w2, x0=xs[0], x1=xs[1], x2=xs[2])
        worker = os.path.join(tmp, "worker.py")
        with open(worker, "w") as f:
            f.write(HAMUX_WORKER)
        proc = subprocess.run([python, worker, path, str(repeats), str(STEPS), str(DT)],
                              capture_output=True, text=True, env={**os.environ,
                                                                   "JAX_PLATFORMS": "cpu"})
    if proc.returncode != 0:
        return None, proc.stderr.strip().splitlines()[-1] if proc.stderr else "hamux worker failed"
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    return json.loads(lines[-1]), None


def main(argv=None):
    parser = argparse.ArgumentParser(description="HAM energy / gradient / inference benchmark")
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--hamux-python", default="/work/venvs/hamux/bin/python")
    parser.add_argument("--threads", type=int, default=1,
                        help="intra-op threads for torch and XLA (default 1: the CPU is shared)")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    os.environ["XLA_FLAGS"] = (f"--xla_cpu_multi_thread_eigen={'true' if args.threads > 1 else 'false'}"
                               f" intra_op_parallelism_threads={args.threads}")
    repeats = 3 if args.quick else 7
    w1, w2, xs = make_problem()
    results = bench_hopfield(w1, w2, xs, repeats)
    results["naive"] = bench_naive_torch(w1, w2, xs, repeats)
    hamux, why = bench_hamux(args.hamux_python, w1, w2, xs, repeats)
    if hamux is not None:
        results["hamux"] = hamux

    ref = np.asarray(results["numpy"]["energy_value"])
    ref_final = np.asarray(results["numpy"]["final_energy"])
    cols = [("numpy", "hopfield NumPy f64"), ("numpy32", "hopfield NumPy f32"),
            ("torch", "hopfield torch f32"),
            ("naive", "naive torch autograd f32")]
    if hamux is not None:
        cols.append(("hamux", "hamux JAX jit f32"))
    print(f"HAM {SIZES[0]}-{SIZES[1]}-{SIZES[2]} (identity-tanh-softmax), batch {BATCH}, "
          f"Euler dt={DT}; median ms; {args.threads} thread(s); nproc={os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.2f}")
    print()
    header = "| operation | " + " | ".join(name for _, name in cols)
    ratio = " | torch / naive |" + (" torch / hamux |" if hamux is not None else "")
    print(header + ratio)
    print("|---" * (len(cols) + 2 + (hamux is not None)) + "|")
    for op in ("energy", "gradient", "inference"):
        row = [f"{1e3 * results[k][op]:.2f}" for k, _ in cols]
        r = f"{results['torch'][op] / results['naive'][op]:.2f}"
        extra = f" {results['torch'][op] / hamux[op]:.2f} |" if hamux is not None else ""
        label = op if op != "inference" else f"inference ({STEPS} steps)"
        print(f"| {label} | " + " | ".join(row) + f" | {r} |" + extra)
    print()
    for k, name in cols:
        e = np.asarray(results[k]["energy_value"])
        f = np.asarray(results[k]["final_energy"])
        print(f"- {name}: max relative energy difference to NumPy f64: initial "
              f"{np.max(np.abs(e - ref) / np.abs(ref)):.1e}, after {STEPS} steps "
              f"{np.max(np.abs(f - ref_final) / np.abs(ref_final)):.1e}")
    if hamux is None:
        print(f"- hamux not run: {why}")
    descended = bool(np.all(ref_final < ref))
    print(f"- energy fell over the {STEPS} steps for every batch element: {descended}")


if __name__ == "__main__":
    sys.exit(main())
