"""Symmetric odd mixture states (Amit, Gutfreund & Sompolinsky 1985): overlaps, energies and
stability of the 3-, 5- and 7-mixtures at T = 0, and the temperature at which the 3-mixture stops
being stable (theory §3)."""

from __future__ import annotations

import numpy as np

from .result import Result, Row

TITLE = "Odd mixture states: energies, overlaps and stability (AGS 1985)"
REFERENCE = "Amit, Gutfreund & Sompolinsky, PRA 32:1007 (1985); Hopfield, PNAS 79:2554 (1982)"
PARAMETERS = {
    "quick": {"n_neurons": 2000, "n_patterns": 9, "orders": (1, 3, 5, 7), "trials": 4,
              "max_per_order": 24, "T_neurons": 2000,
              "temperatures": (0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50), "T_chains": 2,
              "T_sweeps": 40},
    "full": {"n_neurons": 4000, "n_patterns": 9, "orders": (1, 3, 5, 7), "trials": 6,
             "max_per_order": 32, "T_neurons": 4000,
             "temperatures": tuple(round(0.20 + 0.025 * k, 3) for k in range(15)),
             "T_chains": 4, "T_sweeps": 100},
}


def _table_trial(args):
    """One pattern set: (k, overlap, energy, fixed fraction) per order."""
    import hopfield as hf

    n, p, orders, per, seed = args
    gen = np.random.default_rng(seed)
    net = hf.HopfieldNetwork(n)
    net.store(hf.patterns.random(p, n, rng=gen))
    t = hf.analysis.mixture_table(net, orders, max_per_order=per, rng=gen)
    return np.stack([t.overlap, t.energy, t.fixed_fraction], axis=1)


def _temperature_trial(args):
    """Glauber from the 3-mixture of 3 patterns at one T: mean of the smallest |overlap|."""
    import hopfield as hf

    n, temperature, chains, sweeps, seed = args
    gen = np.random.default_rng(seed)
    x = hf.patterns.random(3, n, rng=gen)
    net = hf.HopfieldNetwork(n)
    net.store(x)
    mix = hf.analysis.mixture_state(x)
    s = hf.analysis.sample(net, 10, temperature=temperature, burn_in=sweeps, thin=2,
                           n_chains=chains, initial=mix, rng=gen)
    m = np.abs(np.einsum("tci,mi->tcm", s.astype(np.float64), x.astype(np.float64)) / n)
    return float(np.mean(np.min(m.mean(axis=0), axis=1)))


def run(ctx) -> Result:
    """Mixture table over independent pattern sets, then the temperature scan."""
    import hopfield as hf

    p = ctx.params(PARAMETERS)
    n, orders = p["n_neurons"], tuple(p["orders"])
    tasks = [(n, p["n_patterns"], orders, p["max_per_order"], s)
             for s in ctx.seeds(p["trials"], key=1)]
    per = np.asarray(ctx.map(_table_trial, tasks, "mixture table"))  # (trials, orders, 3)
    mean = per.mean(axis=0)
    sem = per.std(axis=0, ddof=1) / np.sqrt(per.shape[0])
    alpha = p["n_patterns"] / n
    rows = []
    for j, k in enumerate(orders):
        mk, ek = hf.analysis.mixture_overlap(k), hf.analysis.mixture_energy(k)
        rows.append(Row(f"{k}-mixture: overlap with each component", mk,
                        "m_k = 2^{1-k} C(k-1,(k-1)/2), AGS 1985 [N]", mean[j, 0], sem[j, 0], 0.0, "≈",
                        published_text=f"{mk:.4g}"))
        rows.append(Row(f"{k}-mixture: energy per neuron E/N", ek, "E_k/N = −(k/2) m_k², AGS 1985 [N]",
                        mean[j, 1], sem[j, 1], alpha, "≈", published_text=f"{ek:.4g}",
                        note=f"Tolerance α = p/N = {alpha:.3g}: the non-component overlaps "
                        "(≈ 1/√N each) and the +p/(2N) of the zero diagonal shift E/N by O(p/N)."))
        rows.append(Row(f"{k}-mixture: fraction that are fixed points (T = 0, α = {alpha:.2g})", 1.0,
                        "odd mixtures are stable at T = 0, α → 0 (AGS 1985) [A/U]", mean[j, 2],
                        sem[j, 2], 0.0, "≥", published_text="1 (stable)"))
    temps = np.asarray(p["temperatures"], dtype=float)
    tt = [(p["T_neurons"], float(T), p["T_chains"], p["T_sweeps"], s)
          for T, s in zip(temps, ctx.seeds(len(temps), key=2), strict=True)]
    m_min = np.asarray(ctx.map(_temperature_trial, tt, "3-mixture in T"))
    alive = m_min > 0.25  # the symmetric 3-mixture keeps overlaps ≈ 0.5; a pure state has ≈ 0
    lost = np.flatnonzero(~alive)
    if lost.size and lost[0] > 0:
        t_star = 0.5 * (temps[lost[0] - 1] + temps[lost[0]])
    else:
        t_star = float("nan")
    step = float(np.max(np.diff(temps)))
    rows.append(Row("temperature where the 3-mixture stops being stable (T/T_c)", 0.46,
                    "AGS, PRA 32:1007 (1985) abstract [A]", t_star, step / 2, 0.03, "≈",
                    published_text="0.46 T_c",
                    note=(f"Glauber runs of {p['T_sweeps']} sweeps at N = {p['T_neurons']}, p = 3, from "
                          "the 3-mixture: the mixture counts as stable while its smallest component "
                          "overlap stays above 0.25. The error bar is half the temperature step. "
                          "0.46 is where the mixture's free-energy Hessian loses positivity at "
                          "N → ∞; at finite N the mixture is only metastable below it, and its "
                          "barrier (∝ N times a small free-energy difference) is crossed by thermal "
                          "fluctuations well below 0.46 at these sizes, so the finite-N estimate "
                          "lies lower. Reproducing 0.46 by simulation needs N ≫ 10⁴.")))
    figures = ()
    if ctx.out is not None:
        fig, ax = hf.plot.new_figure(1, 2, figsize=(9, 3.4))
        ks = np.array(orders)
        ax[0].errorbar(ks, mean[:, 1], yerr=sem[:, 1], fmt="o", label="measured E/N")
        kk = np.arange(1, 16, 2)
        ax[0].plot(kk, [hf.analysis.mixture_energy(int(k)) for k in kk], "k--", label="−(k/2) m_k²")
        ax[0].axhline(-1 / np.pi, color="grey", lw=0.8, label="−1/π (k → ∞)")
        ax[0].set(xlabel="mixture order k", ylabel="E / N", title=f"N = {n}, p = {p['n_patterns']}")
        ax[0].legend(fontsize=8)
        ax[1].plot(temps, m_min, "o-")
        ax[1].axvline(0.46, color="k", ls="--", label="0.46 T_c (AGS 1985)")
        ax[1].axhline(0.25, color="grey", lw=0.8)
        ax[1].set(xlabel="T", ylabel="smallest component |m|",
                  title=f"3-mixture under Glauber, N = {p['T_neurons']}")
        ax[1].legend(fontsize=8)
        figures = ctx.save_figure(fig, "mixtures")
    return Result(
        name="mixtures", title=TITLE, reference=REFERENCE,
        setup=(f"Hebb network (1/N, zero diagonal) with p = {p['n_patterns']} random patterns, "
               f"N = {n}, {p['trials']} independent pattern sets; up to {p['max_per_order']} symmetric "
               "mixtures sgn(±ξ¹ ± … ± ξᵏ) per order through hf.analysis.mixture_table. Then p = 3 "
               f"patterns at N = {p['T_neurons']}: Glauber dynamics (hf.analysis.sample, "
               f"{p['T_chains']} chains, {p['T_sweeps']} sweeps) from the 3-mixture at each "
               "temperature. AGS work at N → ∞, α → 0; the sizes here are finite."),
        rows=tuple(rows), parameters=p, seed=ctx.seed, quick=ctx.quick, run_time=0.0,
        figures=figures)
