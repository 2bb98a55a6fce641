"""Hopfield (1982): recall against the number of stored memories at N = 100 ("about 0.15 N"), the
eq. 10 bit-error estimate, and where random starts end at N = 30, n = 5 (theory §1).

Hopfield's network is the 0/1 one: :math:`T_{ij} = \\sum_s (2V_i^s-1)(2V_j^s-1)`, :math:`T_{ii}=0`,
thresholds :math:`U_i = 0`. That is *not* the threshold-0 ±1 network (theory §1: it carries
:math:`\\theta_i = -\\tfrac12\\sum_j T_{ij}` in ±1 variables), so it is built with
``HopfieldNetwork.from_weights(T, 0, states="binary")``.
"""

from __future__ import annotations

import numpy as np

from .result import Result, Row

TITLE = "Hopfield 1982: recall vs number of memories at N = 100, and random-start survey"
REFERENCE = "J. J. Hopfield, PNAS 79:2554 (1982)"
PARAMETERS = {
    "quick": {"n_neurons": 100, "memories": (3, 5, 8, 10, 12, 15, 18, 20, 25), "trials": 100,
              "survey_neurons": 30, "survey_memories": 5, "survey_sets": 40, "survey_starts": 100},
    "full": {"n_neurons": 100, "memories": tuple(range(1, 26)), "trials": 200,
             "survey_neurons": 30, "survey_memories": 5, "survey_sets": 100, "survey_starts": 200},
}


def _original(v: np.ndarray):
    """Hopfield's 0/1 network storing the 0/1 memories ``v`` (eq. 2, U = 0)."""
    import hopfield as hf

    s = 2.0 * v - 1.0
    T = s.T @ s
    np.fill_diagonal(T, 0.0)
    return hf.HopfieldNetwork.from_weights(T, np.zeros(v.shape[1]), states="binary")


def _recall_trial(args):
    """For each n: (unstable-bit fraction, fraction of memories that are fixed points, fraction
    ending with < 5 wrong bits, mean wrong bits) over the n memories of one random set."""
    n_neurons, memories, seed = args
    gen = np.random.default_rng(seed)
    v_all = (gen.random((max(memories), n_neurons)) < 0.5).astype(np.int8)
    out = []
    for n in memories:
        v = v_all[:n]
        net = _original(v)
        h = np.asarray(net.local_field(v))
        unstable = np.where(v == 1, h < 0, h > 0)  # eq. 1: a strict inequality moves the bit
        res = net.recall(v, rng=gen)
        wrong = np.count_nonzero(res.states != v, axis=1)
        out.append([unstable.mean(), np.mean(~unstable.any(axis=1)), np.mean(wrong < 5), wrong.mean()])
    return np.asarray(out)


def _survey_trial(args):
    """Random 0/1 starts on one memory set; counts of (memory or negation, mixture, near, other)."""
    import hopfield as hf

    n_neurons, n_mem, n_starts, seed = args
    gen = np.random.default_rng(seed)
    v = (gen.random((n_mem, n_neurons)) < 0.5).astype(np.int8)
    net = _original(v)
    starts = (gen.random((n_starts, n_neurons)) < 0.5).astype(np.int8)
    res = net.recall(starts, rng=gen)
    final = (2 * res.states.astype(np.int8) - 1).astype(np.int8)
    x = (2 * v - 1).astype(np.int8)
    cls = hf.analysis.classify(final, x)
    d = np.count_nonzero(final[:, None, :] != x[None], axis=2)
    near = np.minimum(d, n_neurons - d).min(axis=1) <= n_neurons // 10
    mem = np.isin(cls.kind, ("pattern", "negated"))
    mix = np.char.startswith(cls.kind.astype(str), "mixture")
    other = ~mem & ~mix
    return np.array([mem.sum(), mix.sum(), (other & near).sum(), (other & ~near).sum()], dtype=float)


def run(ctx) -> Result:
    """The N = 100 recall table over random memory sets, then the N = 30 survey."""
    import hopfield as hf

    p = ctx.params(PARAMETERS)
    N, mems = p["n_neurons"], np.array(p["memories"])
    per = np.asarray(ctx.map(_recall_trial, [(N, tuple(mems), s) for s in ctx.seeds(p["trials"], key=1)],
                             "Hopfield N=100"))  # (trials, n, 4)
    mean, sem = per.mean(axis=0), per.std(axis=0, ddof=1) / np.sqrt(per.shape[0])
    k10, k5, k15 = (int(np.flatnonzero(mems == m)[0]) for m in (10, 5, 15))
    # recall "severe" where fewer than half of the memories end within 5 bits
    lt5 = mean[:, 2]
    below = np.flatnonzero(lt5 < 0.5)
    if below.size and below[0] > 0:
        j = below[0]
        slope = (lt5[j] - lt5[j - 1]) / (mems[j] - mems[j - 1])
        n_half = mems[j - 1] + (0.5 - lt5[j - 1]) / slope
        n_half_err = float(np.hypot(sem[j - 1, 2], sem[j, 2]) / abs(slope))
    else:
        n_half, n_half_err = float("nan"), float("nan")
    sv = np.asarray(ctx.map(_survey_trial, [(p["survey_neurons"], p["survey_memories"], p["survey_starts"], s)
                                            for s in ctx.seeds(p["survey_sets"], key=2)], "survey N=30"))
    n_starts = sv.sum()
    mem_f, mix_f, near_f, other_f = sv.sum(axis=0) / n_starts
    # starts on one memory set are correlated: the error bar comes from the spread over sets
    sv_err = (sv / sv.sum(axis=1, keepdims=True)).std(axis=0, ddof=1) / np.sqrt(sv.shape[0])
    rows = (
        Row("bit-error probability, N = 100, n = 10 (one update from a memory)",
            hf.analysis.hopfield1982_error_rate(N, 10), "eq. 10 [P] (printed 0.0091)",
            mean[k10, 0], sem[k10, 0], 0.001, "≈", published_text="0.0091"),
        Row("memories with no unstable bit, N = 100, n = 10", 0.6, "simulation, Hopfield 1982 [P]",
            mean[k10, 1], sem[k10, 1], 0.05, "≈", published_text="0.6 (eq. 10 predicts e^−0.91 ≈ 0.40)"),
        Row("memories that are stable, N = 100, n = 5", 0.95, "“almost always stable” [P]", mean[k5, 1],
            sem[k5, 1], 0.0, "≥", published_text="almost always", note="Read as at least 95 %."),
        Row("memories ending within < 5 wrong bits, N = 100, n = 15", 0.5, "“about half” [P]", mean[k15, 2],
            sem[k15, 2], 0.1, "≈", published_text="about half",
            note=("“About half” is read as 0.4–0.6. Hopfield's own 0/1 network, started on each "
                  "memory and run to a fixed point, keeps "
                  "fewer than half of the memories at n = 15 (the threshold-0 ±1 network, which "
                  "stores about twice as much, keeps about 90 %). The paper does not give the "
                  "protocol in enough detail (its asynchronous timing, and whether 'evolve' means to "
                  "convergence) to tell which difference is responsible.")),
        Row("memories before recall is severe (half within 5 bits), as a fraction of N", 0.15,
            "“about 0.15 N” [P]", n_half / N, n_half_err / N, 0.03, "≈", published_text="about 0.15 N",
            note="“Severe” is read as fewer than half of the memories ending within 5 bits; the "
            "tolerance 0.03 N reads “about”."),
        Row(f"random starts ending on a memory or its negation, N = {p['survey_neurons']}, n = "
            f"{p['survey_memories']}", 0.85, "Hopfield 1982 [P]", mem_f, sv_err[0], 0.05, "≈",
            published_text="≈ 85 %",
            note=(f"Measured by exact match (hf.analysis.classify). Of the rest, {mix_f:.0%} end on "
                  f"symmetric odd mixtures sgn(±ξ ± ξ ± ξ), {near_f:.0%} within {p['survey_neurons'] // 10} "
                  f"bits of a memory and {other_f:.0%} elsewhere. Hopfield reports 10 % "
                  "“meaningless” stable states and 5 % near memories; we do not find so many exact "
                  "memories — even counting the near ones the total is "
                  f"{mem_f + near_f:.0%}. The classification used in the paper is not specified.")),
        Row("random starts ending on other stable states (mixtures included)", 0.10,
            "“meaningless stable states”, Hopfield 1982 [P]", mix_f + other_f,
            float(np.hypot(sv_err[1], sv_err[3])), 0.05, "≈", published_text="≈ 10 %",
            note="Symmetric odd mixtures are counted as meaningless stable states here."),
    )
    figures = ()
    if ctx.out is not None:
        fig, ax = hf.plot.new_figure(1, 2, figsize=(10, 3.8))
        ax[0].errorbar(mems, mean[:, 1], yerr=sem[:, 1], fmt="o-", ms=3, label="memory is a fixed point")
        ax[0].errorbar(mems, mean[:, 2], yerr=sem[:, 2], fmt="s-", ms=3, label="ends within < 5 bits")
        ax[0].axvline(0.15 * N, color="k", ls="--", label="0.15 N")
        ax[0].set(xlabel="number of memories n", ylabel="fraction of memories",
                  title="Hopfield's 0/1 network, N = 100")
        ax[0].legend(fontsize=8)
        labels = ["memory / negation", "odd mixture", "near a memory", "other"]
        ax[1].bar(labels, [mem_f, mix_f, near_f, other_f], label="measured")
        ax[1].scatter([0, 2], [0.85, 0.05], color="k", zorder=3, label="Hopfield 1982")
        ax[1].set(ylabel="fraction of random starts",
                  title=f"end states, N = {p['survey_neurons']}, n = {p['survey_memories']}")
        ax[1].tick_params(axis="x", labelsize=8)
        ax[1].legend(fontsize=8)
        figures = ctx.save_figure(fig, "hopfield1982")
    return Result(
        name="hopfield1982", title=TITLE, reference=REFERENCE,
        setup=(f"Hopfield's own model: 0/1 neurons, T_ij = Σ_s (2V_i−1)(2V_j−1), T_ii = 0, U_i = 0 "
               f"(HopfieldNetwork.from_weights(T, 0, states='binary')), random 0/1 memories. N = {N}: "
               f"{p['trials']} memory sets for each n, each memory used as the start of an asynchronous "
               "run (random order each sweep) to a fixed point; the unstable bits are those whose "
               f"field has the wrong strict sign. Survey: N = {p['survey_neurons']}, n = "
               f"{p['survey_memories']}, {p['survey_sets']} memory sets × {p['survey_starts']} uniformly "
               "random starts. The paper's sizes are used unchanged."),
        rows=rows, parameters=p, seed=ctx.seed, quick=ctx.quick, run_time=0.0, figures=figures)



