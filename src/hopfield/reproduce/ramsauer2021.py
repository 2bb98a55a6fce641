"""Ramsauer et al. (2021), modern Hopfield networks: one-step retrieval error against β and the
pattern separation, and the three kinds of fixed points — global average, metastable, single
pattern (theory §8)."""

from __future__ import annotations

import numpy as np

from .result import Result, Row

TITLE = "Ramsauer et al. 2021: one-step retrieval error vs β and separation; the three regimes"
REFERENCE = ("Ramsauer et al., “Hopfield Networks is All You Need”, ICLR 2021 (arXiv 2008.02217), "
             "§2–3, Thm 4–5")
PARAMETERS = {
    "quick": {"dim": 64, "n_patterns": 200, "norm": 8.0, "query_noise": 0.3, "bound_patterns": 20,
              "queries_per_pattern": 5, "betas": (0.01, 0.03, 0.1, 0.3, 1.0, 3.0),
              "sep_dim": 32, "sep_patterns": 100, "sep_norm": 4.0,
              "sep_betas": tuple(np.round(np.geomspace(0.05, 2.0, 12), 4)),
              "clusters": 8, "cluster_size": 16, "cluster_spread": 0.03},
    "full": {"dim": 64, "n_patterns": 1000, "norm": 8.0, "query_noise": 0.3, "bound_patterns": 100,
             "queries_per_pattern": 10, "betas": tuple(np.round(np.geomspace(0.003, 10.0, 15), 4)),
             "sep_dim": 32, "sep_patterns": 300, "sep_norm": 4.0,
             "sep_betas": tuple(np.round(np.geomspace(0.05, 2.0, 25), 4)),
             "clusters": 16, "cluster_size": 32, "cluster_spread": 0.03},
}


def _sphere(gen, n, d, norm):
    x = gen.normal(size=(n, d))
    return norm * x / np.linalg.norm(x, axis=1, keepdims=True)


def run(ctx) -> Result:
    """Theorem 5 on noisy queries; error vs β; slope of log error against βΔ; regimes."""
    import hopfield as hf

    p = ctx.params(PARAMETERS)
    gen = np.random.default_rng(ctx.seeds(1)[0])
    d, N = p["dim"], p["n_patterns"]
    x = _sphere(gen, N, d, p["norm"])
    # (1) one-step error of noisy queries and the Theorem 5 bound, at β = 1
    net = hf.ModernHopfieldNetwork(x, beta=1.0)
    q, errs, ok = p["queries_per_pattern"], [], 0
    for i in range(p["bound_patterns"]):
        xi = x[i] + p["query_noise"] * gen.normal(size=(q, d))
        err = np.linalg.norm(np.asarray(net.retrieve(xi, steps=1).states) - x[i], axis=1)
        bound = np.asarray(net.retrieval_error_bound(xi, i))
        errs.append(err)
        ok += int(np.count_nonzero(err <= bound))
    errs = np.concatenate(errs)
    n_q = errs.size
    # (2) mean one-step error and head class against β, queries = noisy patterns
    queries = x[:50] + p["query_noise"] * gen.normal(size=(50, d))
    betas = np.asarray(p["betas"], dtype=float)
    err_beta, kbar = [], []
    for b in betas:
        nb = hf.ModernHopfieldNetwork(x, beta=float(b))
        err_beta.append(float(np.mean(np.linalg.norm(np.asarray(nb.retrieve(queries, steps=1).states)
                                                     - x[:50], axis=1))))
        kbar.append(nb.classify(queries, steps=None).k_median)
    small = hf.ModernHopfieldNetwork(x, beta=float(betas[0]))
    fp = np.asarray(small.retrieve(queries, steps=None).states)
    d_mean = float(np.max(np.linalg.norm(fp - x.mean(axis=0), axis=1)))
    # (3) error from the pattern itself against β Δ_i: log error falls with slope −1
    xs = _sphere(gen, p["sep_patterns"], p["sep_dim"], p["sep_norm"])
    pts = []
    for b in p["sep_betas"]:
        ns = hf.ModernHopfieldNetwork(xs, beta=float(b))
        delta = np.asarray(ns.separation())
        e = np.linalg.norm(np.asarray(ns.retrieve(xs, steps=1).states) - xs, axis=1)
        pts.append(np.stack([b * delta, e], axis=1))
    pts = np.concatenate(pts)
    sel = (pts[:, 0] > 5.0) & (pts[:, 0] < 25.0) & (pts[:, 1] > 0)
    X = np.stack([np.ones(sel.sum()), pts[sel, 0]], axis=1)
    coef, *_ = np.linalg.lstsq(X, np.log(pts[sel, 1]), rcond=None)
    resid = np.log(pts[sel, 1]) - X @ coef
    cov = np.linalg.inv(X.T @ X) * float(resid @ resid) / max(1, sel.sum() - 2)
    slope, slope_err = float(coef[1]), float(np.sqrt(cov[1, 1]))
    # (4) metastable states: clusters of near-identical patterns, β separating the clusters only
    C, S = p["clusters"], p["cluster_size"]
    centres = _sphere(gen, C, d, p["norm"])
    xc = (np.repeat(centres, S, axis=0) + p["cluster_spread"] * gen.normal(size=(C * S, d)))
    netc = hf.ModernHopfieldNetwork(xc, beta=1.0)
    cls_meta = netc.classify(xc[::S] + 0.1 * gen.normal(size=(C, d)), steps=None)
    rows = (
        Row(f"noisy queries (σ = {p['query_noise']}) whose one-step error is within the Theorem 5 bound",
            1.0, "Theorem 5 [P]", ok / n_q, 0.0, 0.0, "≥", published_text="all"),
        Row(f"largest one-step error, d = {d}, N = {N}, ‖x‖ = {p['norm']:g}, β = 1", 0.0,
            "exponentially small error for well-separated patterns, Thm 5 [P]; < 1e-9 [N]",
            float(errs.max()), 0.0, 1e-9, "≤"),
        Row("slope of log(one-step error) against β Δ_i", -1.0, "error ∝ exp(−β Δ_i), Thm 5 [P]", slope,
            slope_err, 0.1, "≈", note="Queries are the stored patterns; points with 5 < βΔ < 25. The "
            "prefactor (N−1, distances) differs between patterns, the exponent does not."),
        Row(f"global fixed point at β = {betas[0]:g}: distance to the mean of all patterns", 0.0,
            "small β ⇒ global average, §3 [P]; within 0.01 [N]", d_mean, 0.0, 0.01, "≤"),
        Row(f"head class at β = {betas[0]:g}: k̄ / N (k̄ = median entries holding 90 % of the softmax)", 0.5,
            "class I: k̄ > N/2 (global averaging) [P]", float(kbar[0]) / N, 0.0, 0.0, "≥",
            published_text="> 1/2"),
        Row(f"metastable: k̄ / cluster size, {C} clusters of {S} near-identical patterns, β = 1", 0.9,
            "metastable state ≈ mean of a subset of similar patterns [P]", cls_meta.k_median / S, 0.0,
            1.0 / S + 0.05, "≈", note="A uniform average over a cluster of S patterns needs ⌈0.9 S⌉ "
            "entries for 90 % of the softmax mass."),
        Row(f"single pattern at β = {betas[-1]:g}: k̄", 1.0, "large β ⇒ fixed point near one pattern [P]",
            float(kbar[-1]), 0.0, 0.0, "≤"),
    )
    figures = ()
    if ctx.out is not None:
        fig, ax = hf.plot.new_figure(1, 3, figsize=(13, 3.6))
        ax[0].loglog(betas, np.maximum(err_beta, 1e-17), "o-")
        ax[0].set(xlabel="β", ylabel="mean one-step error ‖f(ξ) − x_i‖",
                  title=f"d = {d}, N = {N}, noisy queries")
        ax[1].semilogy(pts[:, 0], np.maximum(pts[:, 1], 1e-17), ".", ms=2, alpha=0.4)
        t = np.linspace(5, 25, 10)
        ax[1].semilogy(t, np.exp(coef[0] + coef[1] * t), "k-", label=f"fit slope {slope:.2f}")
        ax[1].set(xlabel="β Δ_i", ylabel="one-step error from x_i", xlim=(0, 40), ylim=(1e-16, 1e2),
                  title="error ∝ exp(−βΔ)")
        ax[1].legend(fontsize=8)
        ax[2].loglog(betas, np.asarray(kbar) / N, "o-")
        ax[2].axhline(0.5, color="k", ls=":", label="class I / II (N/2)")
        ax[2].axhline(1 / N, color="k", ls="--", label="one pattern")
        ax[2].set(xlabel="β", ylabel="k̄ / N", title="global average → single pattern")
        ax[2].legend(fontsize=8)
        figures = ctx.save_figure(fig, "ramsauer2021")
    return Result(
        name="ramsauer2021", title=TITLE, reference=REFERENCE,
        setup=(f"hf.ModernHopfieldNetwork with N = {N} random patterns on the sphere of radius "
               f"{p['norm']:g} in d = {d}; queries are patterns plus {p['query_noise']}·N(0, I). One "
               "update ξ ← X softmax(β Xᵀξ) (retrieve(steps=1)); Theorem 5's bound from "
               "retrieval_error_bound; head classes from classify(steps=None) at the fixed point. "
               f"Separation: N = {p['sep_patterns']}, d = {p['sep_dim']}, radius {p['sep_norm']:g}, "
               f"β over {p['sep_betas'][0]}–{p['sep_betas'][-1]}. Metastable states: {C} random "
               f"centres, {S} patterns each (spread {p['cluster_spread']} per coordinate)."),
        rows=rows, parameters=p, seed=ctx.seed, quick=ctx.quick, run_time=0.0, figures=figures)
