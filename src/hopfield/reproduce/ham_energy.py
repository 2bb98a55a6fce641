"""Hierarchical associative memory (Krotov 2021): the energy never rises along the dynamics when
every layer's Lagrangian has a PSD Hessian, and the network settles at a fixed point (theory §10)."""

from __future__ import annotations

import numpy as np

from .result import Result, Row

TITLE = "Hierarchical associative memory: energy descent and convergence"
REFERENCE = "Krotov, arXiv 2107.06446 (2021); Scholarpedia “Hopfield network” §8.4–8.5"
PARAMETERS = {
    "quick": {"sizes": (32, 24, 16), "batch": 8, "dt": 0.05, "max_steps": 10000, "tol": 1e-5,
              "stacks": ("tanh-softmax-repu", "sigmoid-tanh-softmax", "tanh-repu-softmax")},
    "full": {"sizes": (256, 128, 64), "batch": 32, "dt": 0.05, "max_steps": 20000, "tol": 1e-5,
             "stacks": ("tanh-softmax-repu", "sigmoid-tanh-softmax", "tanh-repu-softmax")},
}


def _ham(stack: str, sizes, gen):
    import hopfield as hf

    L = hf.lagrangian
    layers = [L.Layer(n, name, tau=tau) for n, name, tau in
              zip(sizes, stack.split("-"), (1.0, 0.5, 0.25), strict=True)]
    synapses = [L.DenseSynapse(gen.normal(size=(sizes[k + 1], sizes[k])) / np.sqrt(sizes[k]))
                for k in range(len(sizes) - 1)]
    return L.HAM(layers, synapses)


def run(ctx) -> Result:
    """Integrate three 3-layer HAMs from random states; record the energy traces."""
    p = ctx.params(PARAMETERS)
    gen = np.random.default_rng(ctx.seeds(1)[0])
    rows, traces = [], {}
    for stack in p["stacks"]:
        ham = _ham(stack, p["sizes"], gen)
        x0 = [gen.normal(size=(p["batch"], n)) for n in p["sizes"]]
        res = ham.run(x0, dt=p["dt"], max_steps=p["max_steps"], tol=p["tol"])
        e = np.asarray(res.energy)
        traces[stack] = e
        rise = float(np.max(np.diff(e, axis=0))) if e.shape[0] > 1 else 0.0
        scale = float(np.max(np.abs(e)))
        rows.append(Row(f"{stack}: largest energy increase per Euler step (relative)", 0.0,
                        "dE/dt ≤ 0 for PSD Lagrangian Hessians, Krotov 2021 [A]",
                        max(rise, 0.0) / scale, 0.0, 1e-9, "≤"))
        rows.append(Row(f"{stack}: reached a fixed point (max |ẋ| < {p['tol']:g})", 1.0,
                        "E bounded below ⇒ fixed-point attractor, Krotov 2021 [A]",
                        float(res.converged), 0.0, 0.0, "≥", published_text="yes (1)"))
    figures = ()
    if ctx.out is not None:
        import hopfield as hf

        fig, ax = hf.plot.new_figure(1, len(traces), figsize=(4 * len(traces), 3.2))
        for a, (stack, e) in zip(np.atleast_1d(ax), traces.items(), strict=True):
            a.plot(np.arange(e.shape[0]) * p["dt"], e)
            a.set(xlabel="t", ylabel="energy", title=stack)
        figures = ctx.save_figure(fig, "ham_energy")
    return Result(
        name="ham_energy", title=TITLE, reference=REFERENCE,
        setup=(f"Three 3-layer HAMs of sizes {p['sizes']} (hf.lagrangian.HAM) with the layer "
               f"Lagrangians named in each row, τ = 1, 0.5, 0.25, Gaussian synapses scaled by "
               f"1/√n_pre (feedback = transposed feedforward), {p['batch']} random initial states; "
               f"Euler with dt = {p['dt']} until every |ẋ| < {p['tol']:g} or {p['max_steps']} steps."),
        rows=tuple(rows), parameters=p, seed=ctx.seed, quick=ctx.quick, run_time=0.0,
        figures=figures)
