"""Demircigil, Heusel, Löwe, Upgang & Vermet (2017): the exponential dense associative memory
stores exponentially many patterns, about 2^(N/2), each a fixed point retrieved in one update
(theory §7)."""

from __future__ import annotations

import numpy as np

from .result import Result, Row, binomial_error

TITLE = "Demircigil et al. 2017: exponential capacity of the exponential DAM"
REFERENCE = ("Demircigil, Heusel, Löwe, Upgang & Vermet, J. Stat. Phys. 168:288 (2017); as stated by "
             "Ramsauer et al., ICLR 2021, §1 and Scholarpedia “Hopfield network”")
PARAMETERS = {
    "quick": {"n_neurons": 30, "n_memories": 1000, "flips": 3, "probes": 200,
              "scan_neurons": (20,), "scan_exponents": (0.3, 0.4, 0.5, 0.6, 0.7), "scan_probes": 200},
    "full": {"n_neurons": 30, "n_memories": 1000, "flips": 3, "probes": 1000,
             "scan_neurons": (16, 20, 24), "scan_exponents": (0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8),
             "scan_probes": 500},
}


def _scan_trial(args):
    """Fraction of sampled memories that are fixed points, and of 10 %-corrupted probes retrieved
    exactly by one sweep, with K = round(2^(a N)) memories."""
    import hopfield as hf

    n, a, probes, seed = args
    gen = np.random.default_rng(seed)
    K = round(2.0 ** (a * n))
    x = hf.patterns.random(K, n, rng=gen)
    dam = hf.DenseAssociativeMemory(x, F="exponential", beta=1.0)
    sub = x[:probes]
    fixed = float(np.mean(dam.is_fixed_point(sub)))
    res = dam.recall(hf.patterns.flip(sub, 0.1, rng=gen), max_sweeps=1, rng=gen)
    return fixed, float(np.mean(np.all(res.states == sub, axis=1))), float(len(sub))


def run(ctx) -> Result:
    """The N = 30, K = 1000 check, the K = 2^(N/2) check and the scan over K."""
    import hopfield as hf

    p = ctx.params(PARAMETERS)
    n, K = p["n_neurons"], p["n_memories"]
    gen = np.random.default_rng(ctx.seeds(1)[0])
    x = hf.patterns.random(K, n, rng=gen)
    dam = hf.DenseAssociativeMemory(x, F="exponential", beta=1.0)
    sub = x[: p["probes"]]
    fixed = float(np.mean(dam.is_fixed_point(sub)))
    probes = hf.patterns.flip(sub, p["flips"] / n, rng=gen)
    one = float(np.mean(np.all(dam.recall(probes, max_sweeps=1, rng=gen).states == sub, axis=1)))
    m = len(sub)
    tasks = [(nn, a, p["scan_probes"]) for nn in p["scan_neurons"] for a in p["scan_exponents"]]
    scan = np.asarray(ctx.map(_scan_trial, [(*t[:3], s) for t, s in
                                            zip(tasks, ctx.seeds(len(tasks), key=2), strict=True)],
                              "exponential DAM scan"))
    half = [k for k, t in enumerate(tasks) if abs(t[1] - 0.5) < 1e-9]
    k_half = half[-1]
    n_half = tasks[k_half][0]
    fh, cnt = scan[k_half, 0], scan[k_half, 2]
    rows = (
        Row(f"memories that are fixed points, N = {n}, K = {K} (≪ 2^(N/2) = {2 ** (n // 2)})", 1.0,
            "all stored patterns are fixed points below ≈ 2^(N/2) [A/P]", fixed, binomial_error(fixed * m, m),
            0.0, "≥", published_text="all"),
        Row(f"probes with {p['flips']} of {n} bits flipped retrieved exactly by one sweep, K = {K}", 1.0,
            "one update retrieves w.h.p. [P, Ramsauer et al. §1]", one, binomial_error(one * m, m), 0.05, "≥",
            published_text="w.h.p.", note="“With high probability” read as at least 95 %."),
        Row(f"memories that are fixed points at K = 2^(N/2) = {round(2 ** (n_half / 2))}, N = {n_half}", 1.0,
            "capacity ≈ 2^(N/2) = e^(N ln2/2) [A]", fh, binomial_error(fh * cnt, int(cnt)), 0.02, "≥",
            published_text="w.h.p.", note="Tolerance 0.02 for the finite N of an asymptotic statement."),
    )
    figures = ()
    if ctx.out is not None:
        fig, ax = hf.plot.new_figure(1, 2, figsize=(10, 3.6))
        for nn in p["scan_neurons"]:
            ks = [k for k, t in enumerate(tasks) if t[0] == nn]
            a = [tasks[k][1] for k in ks]
            ax[0].plot(a, scan[ks, 0], "o-", label=f"N = {nn}")
            ax[1].plot(a, scan[ks, 1], "o-", label=f"N = {nn}")
        for axis in ax:
            axis.axvline(0.5, color="k", ls="--", label="K = 2^(N/2)")
            axis.set_xlabel("log₂ K / N")
            axis.legend(fontsize=8)
        ax[0].set(ylabel="memories that are fixed points", title="exponential DAM, β = 1")
        ax[1].set(ylabel="exact one-sweep retrieval", title="probes with 10 % of bits flipped")
        figures = ctx.save_figure(fig, "demircigil2017")
    return Result(
        name="demircigil2017", title=TITLE, reference=REFERENCE,
        setup=(f"hf.DenseAssociativeMemory(F='exponential', β = 1), E = −Σ_μ exp(ξ^μ·σ). N = {n}, "
               f"K = {K} random memories: {m} memories tested as fixed points and as one-sweep targets "
               f"from probes with {p['flips']} bits flipped. Scan: N ∈ {p['scan_neurons']}, "
               f"K = 2^(aN) for a ∈ {p['scan_exponents']}, {p['scan_probes']} memories each "
               "(10 %-corrupted probes for the one-sweep curve)."),
        rows=rows, parameters=p, seed=ctx.seed, quick=ctx.quick, run_time=0.0, figures=figures)
