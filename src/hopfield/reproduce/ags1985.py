"""Amit, Gutfreund & Sompolinsky: the retrieval overlap m(α) and the error fraction through the
storage transition α_c ≈ 0.138, simulation beside the replica-symmetric curve, for several N
(theory §2.1)."""

from __future__ import annotations

import numpy as np

from .result import Result, Row

TITLE = "AGS storage transition: m(α), wrong bits and the finite-size shift"
REFERENCE = ("Amit, Gutfreund & Sompolinsky, PRL 55:1530 (1985) and Ann. Phys. 173:30 (1987); RS value "
             "0.137906 (Stojnic, arXiv 2403.01907)")
PARAMETERS = {
    "quick": {"sizes": (250, 500, 1000), "loads": tuple(np.round(np.arange(0.06, 0.2201, 0.02), 3)),
              "trials": 4, "probes_per_trial": 40, "max_sweeps": 60, "crossing": 0.05},
    "full": {"sizes": (250, 500, 1000, 2000),
             "loads": tuple(np.round(np.arange(0.05, 0.2201, 0.01), 3)),
             "trials": 10, "probes_per_trial": 60, "max_sweeps": 100, "crossing": 0.05},
}


def _crossing(loads, err, sem, level):
    """Load where the wrong-bit fraction first rises through ``level`` (linear interpolation), with
    the error propagated from the error bar of the two bracketing points through the slope."""
    above = np.flatnonzero(err >= level)
    if above.size == 0 or above[0] == 0:
        return float("nan"), float("nan")
    k = above[0]
    a0, a1, e0, e1 = loads[k - 1], loads[k], err[k - 1], err[k]
    slope = (e1 - e0) / (a1 - a0)
    alpha = a0 + (level - e0) / slope
    return float(alpha), float(np.hypot(sem[k - 1], sem[k]) / slope)


def run(ctx) -> Result:
    """Capacity curves of the Hebb rule at each N, from the stored patterns (no noise)."""
    import hopfield as hf

    p = ctx.params(PARAMETERS)
    an = hf.analysis
    cap = an.ags_capacity()
    loads = np.asarray(p["loads"])
    curves = {}
    for k, n in enumerate(p["sizes"]):
        bar = None if ctx.progress is None else ctx.progress(f"AGS N={n}")
        curves[n] = an.capacity_curve(
            "hebb", n, loads, trials=p["trials"], probes_per_trial=p["probes_per_trial"],
            max_sweeps=p["max_sweeps"], rng=ctx.seeds(1, key=k)[0],
            executor=ctx.executor or an.InProcessExecutor(), progress=bar)
    n_big = p["sizes"][-1]
    big = curves[n_big]
    k10 = int(np.argmin(np.abs(big.load - 0.10)))
    k20 = int(np.argmin(np.abs(big.load - 0.20)))
    m_rs10 = an.rs_retrieval_overlap(float(big.load[k10]))
    cross = {n: _crossing(c.load, c.bit_error, c.sem("bit_error"), p["crossing"]) for n, c in curves.items()}
    ns = np.array([n for n in p["sizes"] if np.isfinite(cross[n][0])], dtype=float)
    ac = np.array([cross[int(n)][0] for n in ns])
    ae = np.array([cross[int(n)][1] for n in ns])
    if ns.size >= 2:
        # α_c(N) = α_c(∞) + a N^{-1/2}: weighted least squares, intercept and its standard error
        A = np.stack([np.ones_like(ns), ns ** -0.5], axis=1)
        w = 1.0 / np.maximum(ae, 1e-4)
        coef, *_ = np.linalg.lstsq(A * w[:, None], ac * w, rcond=None)
        cov = np.linalg.inv((A * w[:, None]).T @ (A * w[:, None]))
        a_inf, a_inf_err = float(coef[0]), float(np.sqrt(cov[0, 0]))
    else:
        a_inf, a_inf_err, coef = float("nan"), float("nan"), (np.nan, np.nan)
    rows = (
        Row("α_c from the RS equations (hf.analysis.ags_capacity)", 0.138, "AGS 1985 [A]; RS 0.137906 [A]",
            cap.alpha_c, 0.0, 0.0005, "≈"),
        Row("wrong-bit fraction at α_c (RS)", 0.016, "AGS 1987 via theory §2.1 [N]", cap.bit_error, 0.0,
            0.0005, "≈", published_text="1.6 %"),
        Row(f"wrong bits at α = {big.load[k10]:.2f}, N = {n_big} (simulation)", (1 - m_rs10) / 2,
            "RS curve (1 − m(α))/2 [N]", float(big.bit_error[k10]), float(big.sem("bit_error")[k10]),
            0.002, "≈", note="Tolerance 0.2 % for the finite-N spread of the retrieval state."),
        Row(f"wrong bits at α = {big.load[k20]:.2f} > α_c, N = {n_big} (simulation)", cap.bit_error,
            "no retrieval state above α_c (AGS 1985) [A]", float(big.bit_error[k20]),
            float(big.sem("bit_error")[k20]), 0.0, "≥", published_text="> 1.6 % (collapse)"),
        Row(f"α_c extrapolated N → ∞ from the {p['crossing']:.0%}-wrong-bit crossings", 0.138,
            "AGS 1985 [A]", a_inf, a_inf_err, 0.01, "≈",
            note=(f"For each N the load where the mean wrong-bit fraction from the stored pattern "
                  f"crosses {p['crossing']:.0%} is fitted by α_c(N) = α_c(∞) + a/√N (a = {coef[1]:.3g}); "
                  "the tolerance 0.01 allows for the choice of crossing level and of the finite-size "
                  "law. Crossings: " + ", ".join(f"N={int(n)}: {a:.3f}" for n, a in zip(ns, ac, strict=True))
                  + ".")),
    )
    figures = ()
    if ctx.out is not None:
        fig, ax = hf.plot.new_figure(1, 2, figsize=(10, 3.8))
        fine = np.linspace(0.0, 0.25, 251)
        m_rs = np.array([an.rs_retrieval_overlap(a) for a in fine])
        for n, c in curves.items():
            ax[0].errorbar(c.load, c.overlap, yerr=c.sem("overlap"), fmt="o-", ms=3, label=f"N = {n}")
            ax[1].errorbar(c.load, c.bit_error, yerr=c.sem("bit_error"), fmt="o-", ms=3, label=f"N = {n}")
        ax[0].plot(fine, m_rs, "k--", label="RS theory")
        ax[1].plot(fine, (1 - m_rs) / 2, "k--", label="RS theory")
        for a in ax:
            a.axvline(cap.alpha_c, color="grey", lw=0.8)
            a.set_xlabel("load α = P/N")
            a.legend(fontsize=7)
        ax[0].set(ylabel="final overlap m", title="retrieval overlap from the stored pattern")
        ax[1].set(ylabel="wrong-bit fraction", yscale="log", ylim=(1e-4, 0.6),
                  title="error fraction through α_c")
        figures = ctx.save_figure(fig, "ags1985")
    return Result(
        name="ags1985", title=TITLE, reference=REFERENCE,
        setup=(f"Hebb rule (1/N, zero diagonal), N ∈ {p['sizes']}, loads {loads[0]:.2f}–{loads[-1]:.2f}; "
               f"{p['trials']} pattern sets per N (hf.analysis.capacity_curve, nested loads), "
               f"{p['probes_per_trial']} stored patterns per set as starting states, asynchronous "
               f"zero-temperature dynamics to a fixed point (≤ {p['max_sweeps']} sweeps). The RS "
               "curve is hf.analysis.rs_retrieval_overlap. AGS is an N → ∞ theory; finite N smears "
               "the transition, which is why several N are shown and extrapolated."),
        rows=rows, parameters=p, seed=ctx.seed, quick=ctx.quick, run_time=0.0, figures=figures)
