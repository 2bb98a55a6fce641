"""McEliece, Posner, Rodemich & Venkatesh (1987): the largest number of random patterns that are all
exact fixed points of the Hebb rule, against N/(4 ln N), and "most" patterns below N/(2 ln N)
(theory §2.2)."""

from __future__ import annotations

import math

import numpy as np

from .result import Result, Row

TITLE = "McEliece et al.: largest P with every pattern stable vs N/(4 ln N)"
REFERENCE = "McEliece, Posner, Rodemich & Venkatesh, IEEE Trans. IT 33:461 (1987), abstract"
PARAMETERS = {
    "quick": {"sizes": (50, 100, 200), "trials": 12},
    "full": {"sizes": (50, 100, 200, 400, 800), "trials": 24},
}


def _trial(args):
    """Grow one random pattern set one pattern at a time (Hebb is incremental): returns the
    largest P with all P patterns fixed points, and the fraction of the first round(N/(2 ln N))
    patterns that are fixed points once that many are stored."""
    import hopfield as hf

    n, seed = args
    gen = np.random.default_rng(seed)
    most = max(1, round(n / (2.0 * math.log(n))))
    p_hi = 4 * most + 10
    x = hf.patterns.random(p_hi, n, rng=gen)
    net = hf.HopfieldNetwork(n)
    p_max, frac_most = None, float("nan")
    for p in range(1, p_hi + 1):
        net.store(x[p - 1:p])
        fixed = np.asarray(net.is_fixed_point(x[:p]))
        if p == most:
            frac_most = float(fixed.mean())
        if p_max is None and not fixed.all():
            p_max = p - 1
        if p_max is not None and p >= most:
            break
    return float(p_max if p_max is not None else p_hi), frac_most


def run(ctx) -> Result:
    """Largest all-stable P for each N over independent trials."""
    import hopfield as hf

    p = ctx.params(PARAMETERS)
    rows, stats = [], {}
    for k, n in enumerate(p["sizes"]):
        out = np.asarray(ctx.map(_trial, [(n, s) for s in ctx.seeds(p["trials"], key=k)],
                                 f"McEliece N={n}"))
        stats[n] = out
        bound = hf.analysis.mceliece_capacity(n, all_patterns=True)
        rows.append(Row(f"N = {n}: mean largest P with all patterns stable", bound,
                        "m ≤ n/(4 ln n) ⇒ all stable w.h.p., McEliece et al. 1987 [A]",
                        float(out[:, 0].mean()), float(out[:, 0].std(ddof=1) / np.sqrt(len(out))), 0.0,
                        "≥", published_text=f"N/(4 ln N) = {bound:.2f}"))
    n_big = p["sizes"][-1]
    most = hf.analysis.mceliece_capacity(n_big)
    fr = stats[n_big][:, 1]
    rows.append(Row(f"N = {n_big}: fraction of patterns stable at P = N/(2 ln N) = {round(most)}", 0.5,
                    "m ≤ n/(2 ln n) ⇒ most memories stable, McEliece et al. 1987 [A]", float(fr.mean()),
                    float(fr.std(ddof=1) / np.sqrt(len(fr))), 0.0, "≥", published_text="most (> 1/2)",
                    note="“Most” is read as more than half."))
    ns = np.array(p["sizes"], dtype=float)
    ratio = np.array([stats[n][:, 0].mean() / hf.analysis.mceliece_capacity(n, all_patterns=True)
                      for n in p["sizes"]])
    notes = ("The bounds are asymptotic (N → ∞, with high probability). At these sizes the measured "
             "largest all-stable P lies above N/(4 ln N) by the ratio "
             + ", ".join(f"{r:.2f} (N={int(n)})" for n, r in zip(ns, ratio, strict=True))
             + "; the ratio falls only slowly (logarithmic corrections) towards 1.",)
    figures = ()
    if ctx.out is not None:
        fig, ax = hf.plot.new_figure(1, 2, figsize=(9, 3.4))
        means = np.array([stats[n][:, 0].mean() for n in p["sizes"]])
        sems = np.array([stats[n][:, 0].std(ddof=1) / np.sqrt(p["trials"]) for n in p["sizes"]])
        fine = np.geomspace(ns[0], ns[-1], 100)
        ax[0].errorbar(ns, means, yerr=sems, fmt="o", label="measured largest all-stable P")
        ax[0].plot(fine, fine / (4 * np.log(fine)), "k--", label="N/(4 ln N)")
        ax[0].plot(fine, fine / (2 * np.log(fine)), "k:", label="N/(2 ln N)")
        ax[0].set(xscale="log", yscale="log", xlabel="N", ylabel="P", title="Hebb rule, exact stability")
        ax[0].legend(fontsize=8)
        ax[1].plot(ns, ratio, "o-")
        ax[1].axhline(1.0, color="k", ls="--")
        ax[1].set(xscale="log", xlabel="N", ylabel="P_max / (N/(4 ln N))", title="approach to the bound")
        figures = ctx.save_figure(fig, "mceliece1987")
    return Result(
        name="mceliece1987", title=TITLE, reference=REFERENCE,
        setup=(f"Hebb rule (1/N, zero diagonal). For each N ∈ {p['sizes']}, {p['trials']} independent "
               "random pattern sequences are stored one pattern at a time; after each the stored "
               "patterns are tested as exact fixed points (HopfieldNetwork.is_fixed_point, tie rule "
               "“keep”). P_max is the last P at which all were."),
        rows=tuple(rows), parameters=p, seed=ctx.seed, quick=ctx.quick, run_time=0.0,
        figures=figures, notes=notes)
