"""Capacity of the Hebb, Storkey and pseudo-inverse rules: the fraction of stored random patterns
that are exact fixed points against the load (theory §2.2–§2.4)."""

from __future__ import annotations

import math

import numpy as np

from .result import Result, Row

TITLE = "Storkey vs Hebb vs pseudo-inverse: fixed-point capacity curves"
REFERENCE = ("Storkey, ICANN'97 (1997) and his homepage; McEliece et al., IEEE Trans. IT 33:461 (1987); "
             "Kanter & Sompolinsky, PRA 35:380 (1987)")
PARAMETERS = {
    "quick": {"n_neurons": 100, "trials": 6, "probes_per_trial": 40,
              "loads": {"hebb": (0.02, 0.4, 20), "storkey": (0.1, 0.8, 15),
                        "pseudoinverse": (0.1, 0.95, 6)}},
    "full": {"n_neurons": 200, "trials": 20, "probes_per_trial": 60,
             "loads": {"hebb": (0.01, 0.4, 40), "storkey": (0.1, 0.8, 36),
                       "pseudoinverse": (0.05, 0.95, 19)}},
}


def _half_load(loads, frac, sem):
    """Load where the fixed-point fraction first falls through 1/2 (interpolated) and its error."""
    below = np.flatnonzero(frac < 0.5)
    if below.size == 0 or below[0] == 0:
        return float("nan"), float("nan")
    k = below[0]
    slope = (frac[k] - frac[k - 1]) / (loads[k] - loads[k - 1])
    return (float(loads[k - 1] + (0.5 - frac[k - 1]) / slope),
            float(np.hypot(sem[k - 1], sem[k]) / abs(slope)))


def run(ctx) -> Result:
    """One capacity curve per rule; only the fixed-point fraction is used (one sweep suffices)."""
    import hopfield as hf

    p = ctx.params(PARAMETERS)
    n = p["n_neurons"]
    an = hf.analysis
    curves = {}
    for k, (rule, (lo, hi, count)) in enumerate(p["loads"].items()):
        bar = None if ctx.progress is None else ctx.progress(rule)
        # from the stored pattern, one zero-temperature sweep flips nothing iff it is a fixed point
        curves[rule] = an.capacity_curve(
            rule, n, np.linspace(lo, hi, count), trials=p["trials"], max_sweeps=1,
            probes_per_trial=p["probes_per_trial"], rng=ctx.seeds(1, key=k)[0],
            executor=ctx.executor or an.InProcessExecutor(), progress=bar)
    half = {r: _half_load(c.load, c.fixed_fraction, c.sem("fixed_fraction")) for r, c in curves.items()}
    (hh, he), (sh, se) = half["hebb"], half["storkey"]
    ratio = sh / hh
    ratio_err = ratio * math.hypot(he / hh, se / sh)
    theory_ratio = math.sqrt(2.0 * math.log(n))
    p_st = hf.analysis.storkey_capacity(n)
    st = curves["storkey"]
    frac_st, frac_st_err = _at(st, p_st / n)
    pi = curves["pseudoinverse"]
    rows = (
        Row(f"Storkey: fraction of patterns stable at P = N/√(2 ln N) = {p_st:.1f} (N = {n})", 0.5,
            "absolute capacity n/√(2 ln n), Storkey's homepage [A]", frac_st, frac_st_err, 0.0, "≥",
            published_text="most (> 1/2)",
            note="Absolute capacity read like McEliece's: a given pattern is stable w.h.p.; "
            "“most” is read as more than half; the fraction is interpolated between loads."),
        Row(f"half-stability load ratio Storkey / Hebb (N = {n})", theory_ratio,
            "ratio of n/√(2 ln n) to n/(2 ln n), Storkey 1997 [A]", ratio, ratio_err,
            0.15 * theory_ratio, "≈", published_text=f"√(2 ln N) = {theory_ratio:.2f}",
            note=(f"Loads where half the patterns are fixed points: Hebb {hh:.3f}, Storkey {sh:.3f}. "
                  "Both capacities are leading-order asymptotics, so 15 % tolerance.")),
        Row(f"pseudo-inverse: fraction stable at the largest load P/N = {pi.load[-1]:.2f}", 1.0,
            "linearly independent patterns are recalled without errors, Kanter & Sompolinsky 1987 [A]",
            float(pi.fixed_fraction[-1]), float(pi.sem("fixed_fraction")[-1]), 0.0, "≥",
            published_text="1 (all, for α < 1)"),
        Row(f"Hebb: half-stability load (N = {n})", hf.analysis.mceliece_capacity(n) / n,
            "n/(2 ln n), McEliece et al. 1987 [A]", hh, he, 0.0, "≥",
            published_text="≥ 1/(2 ln N)",
            note="“Most patterns stable below N/(2 ln N)” puts the half-stability load above it."),
    )
    figures = ()
    if ctx.out is not None:
        fig, ax = hf.plot.new_figure(figsize=(6.5, 4))
        for rule, c in curves.items():
            ax.errorbar(c.load, c.fixed_fraction, yerr=c.sem("fixed_fraction"), fmt="o-", ms=3, label=rule)
        ax.axvline(hf.analysis.mceliece_capacity(n) / n, color="C0", ls=":", label="N/(2 ln N)")
        ax.axvline(p_st / n, color="C1", ls=":", label="N/√(2 ln N)")
        ax.axvline(1.0, color="C2", ls=":", label="α = 1")
        ax.set(xlabel="load α = P/N", ylabel="fraction of patterns that are fixed points",
               title=f"N = {n}, {p['trials']} pattern sets per load")
        ax.legend(fontsize=8)
        figures = ctx.save_figure(fig, "learning_rules")
    return Result(
        name="learning_rules", title=TITLE, reference=REFERENCE,
        setup=(f"N = {n}; for each rule (hf.rules: Hebb 1/N zero diagonal, Storkey zero diagonal, "
               f"pseudo-inverse with its diagonal) {p['trials']} random pattern sets grown through the "
               f"loads (hf.analysis.capacity_curve, nested), {p['probes_per_trial']} stored patterns "
               "each tested as exact fixed points (one zero-temperature sweep flips nothing)."),
        rows=rows, parameters=p, seed=ctx.seed, quick=ctx.quick, run_time=0.0, figures=figures)


def _at(curve, load: float):
    """Fixed-point fraction and its error at ``load``, linearly interpolated."""
    x = curve.load
    f, e = curve.fixed_fraction, curve.sem("fixed_fraction")
    return float(np.interp(load, x, f)), float(np.interp(load, x, e))
