"""Krotov & Hopfield (2016), dense associative memory: capacity against the power n of the
polynomial and rectified-polynomial separation functions (theory §7, App. B of the paper)."""

from __future__ import annotations

import numpy as np

from .result import Result, Row, binomial_error

TITLE = "Krotov–Hopfield 2016: dense associative memory capacity against the power n"
REFERENCE = "Krotov & Hopfield, NeurIPS 2016 (arXiv 1606.01164), §2 and App. B"
PARAMETERS = {
    "quick": {"n_neurons": 100, "n_memories": 2000, "powers": (2, 3, 4, 5), "starts": 40,
              "no_error_powers": (2, 3, 4), "no_error_sets": {"2": 20, "3": 2, "4": 1},
              "no_error_probes": 100},
    "full": {"n_neurons": 100, "n_memories": 2000, "powers": (2, 3, 4, 5, 6), "starts": 1000,
             "no_error_powers": (2, 3, 4), "no_error_sets": {"2": 200, "3": 8, "4": 2},
             "no_error_probes": 500},
}

#: App. B, random starts with K = 2000 at N = 100: what each power does (relation, value, words)
_CLAIMS = {2: ("≤", 0.05, "fails"), 3: ("≤", 0.05, "fails"),
           4: ("≥", 0.5, "sharply peaked at perfect recovery"),
           5: ("≥", 1.0, "all converge to a memory"), 6: ("≥", 1.0, "all converge to a memory")}


def _start_trial(args):
    """Random starts on one memory set: per (F, n), how many end exactly on ±memory."""
    import hopfield as hf

    n_neurons, K, powers, starts, seed = args
    gen = np.random.default_rng(seed)
    x = hf.patterns.random(K, n_neurons, rng=gen)
    s0 = hf.patterns.random(starts, n_neurons, rng=gen)
    out = []
    for F in ("polynomial", "rectified"):
        for n in powers:
            res = hf.DenseAssociativeMemory(x, F=F, n=n).recall(s0, max_sweeps=200, rng=gen)
            best = np.abs(res.states.astype(np.int64) @ x.T.astype(np.int64)).max(axis=1)
            out.append(int(np.count_nonzero(best == n_neurons)))
    return np.array(out)


def _bit_error_trial(args):
    """Unstable bits of stored memories at K = K_max(no errors): (unstable, bits tested)."""
    import hopfield as hf

    n_neurons, n, K, probes, seed = args
    gen = np.random.default_rng(seed)
    x = hf.patterns.random(K, n_neurons, rng=gen)
    sub = x[:probes]
    d = np.asarray(hf.DenseAssociativeMemory(x, F="polynomial", n=n).energy_differences(sub))
    return np.array([np.count_nonzero(d * sub < 0), sub.size], dtype=float)


def run(ctx) -> Result:
    """Random-start survey for each (F, n); unstable-bit rates at the no-error capacity."""
    import hopfield as hf
    from hopfield.dense import capacity_no_errors, error_probability

    p = ctx.params(PARAMETERS)
    N, K, powers = p["n_neurons"], p["n_memories"], tuple(p["powers"])
    n_tasks = max(1, p["starts"] // 40)
    per = p["starts"] // n_tasks
    res = np.asarray(ctx.map(_start_trial, [(N, K, powers, per, s) for s in ctx.seeds(n_tasks, key=1)],
                             "DAM random starts")).sum(axis=0)
    total = per * n_tasks
    rows = []
    k = 0
    frac = {}
    for F in ("polynomial", "rectified"):
        for n in powers:
            hits = float(res[k])
            k += 1
            frac[(F, n)] = hits / total
            rel, val, words = _CLAIMS[n]
            rows.append(Row(f"{F} F, n = {n}: random starts ending exactly on a memory (K = {K}, N = {N})",
                            val, "App. B [P]", hits / total, binomial_error(hits, total), 0.0, rel,
                            published_text=words,
                            note=("“Sharply peaked at perfect recovery” is read as more than half."
                                  if n == 4 else "")))
    published_no_err = {2: 11, 3: 360, 4: 7240}
    for n in p["no_error_powers"]:
        kmax = capacity_no_errors(N, n)
        rows.append(Row(f"K_max(no errors), n = {n}, N = {N} (closed form)", published_no_err[n],
                        "App. B [P]", kmax, 0.0, 0.01 * published_no_err[n] + 0.5, "≈",
                        note="The paper prints rounded values; tolerance 1 % + ½."))
    bit = {}
    for j, n in enumerate(p["no_error_powers"]):
        Kn = round(capacity_no_errors(N, n))
        sets = p["no_error_sets"][str(n)]
        r = np.asarray(ctx.map(_bit_error_trial, [(N, n, Kn, min(p["no_error_probes"], Kn), s)
                                                  for s in ctx.seeds(sets, key=10 + j)],
                               f"bit errors n={n}")).sum(axis=0)
        pe = error_probability(N, Kn, n)
        meas = r[0] / r[1]
        bit[n] = (meas, pe)
        rows.append(Row(f"unstable-bit fraction at K = K_max(no errors) = {Kn}, n = {n}", pe,
                        "P_error formula, App. B [P]", meas, binomial_error(r[0], int(r[1])), 0.5 * pe,
                        "≈", note="Gaussian crosstalk estimate; tolerance 50 % of it."))
    figures = ()
    if ctx.out is not None:
        fig, ax = hf.plot.new_figure(1, 2, figsize=(10, 3.8))
        for F, mk in (("polynomial", "o-"), ("rectified", "s--")):
            ax[0].plot(powers, [frac[(F, n)] for n in powers], mk, label=F)
        ax[0].set(xlabel="power n", ylabel="fraction of random starts on a memory",
                  title=f"K = {K} memories, N = {N} ({total} starts)", xticks=list(powers))
        ax[0].legend(fontsize=8)
        ns = np.arange(2, 7)
        ax[1].semilogy(ns, [capacity_no_errors(N, int(n)) for n in ns], "k-o", label="K_max(no errors)")
        ax[1].semilogy(ns, [N ** (int(n) - 1) for n in ns], "k:", label="N^(n−1)")
        ax[1].axhline(K, color="C3", ls="--", label=f"K = {K} (left panel)")
        ax[1].set(xlabel="power n", ylabel="memories", title="capacity ∝ N^(n−1)")
        ax[1].legend(fontsize=8)
        figures = ctx.save_figure(fig, "krotov_hopfield2016")
    return Result(
        name="krotov_hopfield2016", title=TITLE, reference=REFERENCE,
        setup=(f"App. B's experiment: K = {K} random ±1 memories of N = {N} neurons "
               f"(hf.DenseAssociativeMemory, E = −Σ_μ F(ξ^μ·σ)), {total} uniformly random starts "
               f"(the paper: 10000), asynchronous energy-difference updates to a fixed point; a start "
               "counts if it ends exactly on a memory (or its negation: even powers are symmetric). "
               "Then the closed-form no-error capacities and, at those K, the measured fraction of "
               "unstable memory bits against the paper's P_error."),
        rows=tuple(rows), parameters=p, seed=ctx.seed, quick=ctx.quick, run_time=0.0, figures=figures)
