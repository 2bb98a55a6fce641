"""Hopfield & Tank (1985), the 10-city travelling salesman: valid-tour rate and tour quality of
the continuous network with the published parameters, beside the published 16/20 and Wilson &
Pawley's (1988) failure to reproduce it (theory §6)."""

from __future__ import annotations

import itertools

import numpy as np

from .result import Result, Row, binomial_error

TITLE = "Hopfield–Tank 1985 on 10 cities: valid tours and tour quality, against Wilson & Pawley"
REFERENCE = ("Hopfield & Tank, Biol. Cybern. 52:141 (1985); Wilson & Pawley, Biol. Cybern. 58:63 (1988)")
PARAMETERS = {
    "quick": {"replicas": 40, "dt": 1e-6, "t_max": 0.05},
    "full": {"replicas": 100, "dt": 1e-6, "t_max": 0.05},
}

#: the standard 10-city instance (theory §6; attributed to Wilson & Pawley)
CITIES = np.array([(0.4000, 0.4439), (0.2439, 0.1463), (0.1707, 0.2293), (0.2293, 0.7610),
                   (0.5171, 0.9414), (0.8732, 0.6536), (0.6878, 0.5219), (0.8488, 0.3609),
                   (0.6683, 0.2536), (0.6195, 0.2634)])


def exact_tour_lengths(d: np.ndarray) -> np.ndarray:
    """Sorted distinct lengths of all tours (city 0 first) by brute force (n ≤ 10)."""
    n = d.shape[0]
    perms = np.array(list(itertools.permutations(range(1, n))), dtype=np.int64)
    tours = np.concatenate([np.zeros((len(perms), 1), dtype=np.int64), perms], axis=1)
    lengths = d[tours, np.roll(tours, -1, axis=1)].sum(axis=1)
    return np.unique(np.round(lengths, 9))


def _runs(args):
    """One batch of Hopfield–Tank runs: the run lengths (NaN where not a valid tour)."""
    import hopfield as hf

    replicas, dt, t_max, seed = args
    meth = hf.optimize.HopfieldTank(dt=dt, t_max=t_max)
    res = hf.optimize.solve_tsp(CITIES, method=meth, replicas=replicas, rng=np.random.default_rng(seed))
    return res.run_lengths


def run(ctx) -> Result:
    """Brute-force optimum, then the seeded Hopfield–Tank runs (batches of 20, like the paper)."""
    import hopfield as hf

    p = ctx.params(PARAMETERS)
    d = np.linalg.norm(CITIES[:, None] - CITIES[None], axis=2)
    lengths = exact_tour_lengths(d)
    opt, second = float(lengths[0]), float(lengths[1])
    batches = max(1, p["replicas"] // 20)
    out = ctx.map(_runs, [(p["replicas"] // batches, p["dt"], p["t_max"], s)
                          for s in ctx.seeds(batches, key=1)], "Hopfield-Tank")
    L = np.concatenate(out)
    valid = np.isfinite(L)
    n_runs, n_valid = L.size, int(valid.sum())
    rate = n_valid / n_runs
    good = int(np.count_nonzero(L[valid] <= second + 1e-9))
    good_frac = good / n_valid if n_valid else float("nan")
    good_err = binomial_error(good, n_valid) if n_valid else float("nan")
    rows = (
        Row("optimal tour length of the 10-city instance (brute force)", 2.6907,
            "theory §6 [N]", opt, 0.0, 1e-4, "≈"),
        Row(f"valid-tour rate against Hopfield & Tank ({n_runs} runs, published parameters)", 0.8,
            "Hopfield & Tank 1985: 16 of 20 [U]", rate, binomial_error(n_valid, n_runs), 0.1, "≈",
            published_text="16/20",
            note=("Not reproduced, as Wilson & Pawley (1988) found. With A = B = 500, C = 200, D = 500, "
                  "ñ = 15, u₀ = 0.02 and the usual initialisation u = −(u₀/2) ln(n−1) ± 0.1 u₀, most "
                  "runs freeze in states that are not permutation matrices. The 1985 paper does not "
                  "give the integration scheme, step, stopping rule or noise seed, and its instance is "
                  "only believed to be this one (theory §6: [U]); any of these may explain the gap.")),
        Row(f"valid-tour rate against Wilson & Pawley ({n_runs} runs)", 0.08,
            "Wilson & Pawley 1988, as quoted: ~8 % [U]", rate, binomial_error(n_valid, n_runs), 0.1, "≈",
            published_text="≈ 8 % (secondary sources: 1–15 %)",
            note="The exact rates of Wilson & Pawley are unverified (theory §6); the tolerance 0.1 "
            "covers the quoted 1–15 %."),
        Row("valid tours that are one of the two shortest", 0.5,
            "Hopfield & Tank 1985: about half [U]", good_frac, good_err, 0.15, "≈",
            published_text="about half",
            note=(f"Of {n_valid} valid tours, {good} are the optimum ({opt:.4f}) or the second best "
                  f"({second:.4f}); valid tours here are long (mean "
                  f"{np.nanmean(L) if n_valid else float('nan'):.3f}, random tours average ≈ 4.77).")),
    )
    figures = ()
    if ctx.out is not None:
        fig, ax = hf.plot.new_figure(1, 2, figsize=(10, 3.8))
        ax[0].hist(L[valid], bins=12, color="C0", label="valid network tours")
        ax[0].axvline(opt, color="k", ls="--", label=f"optimum {opt:.4f}")
        ax[0].axvline(second, color="grey", ls=":", label=f"second {second:.4f}")
        ax[0].set(xlabel="tour length", ylabel="runs",
                  title=f"{n_valid}/{n_runs} runs valid (Hopfield & Tank: 16/20)")
        ax[0].legend(fontsize=8)
        ax[1].bar(["this run", "Hopfield–Tank 1985", "Wilson–Pawley 1988"], [rate, 0.8, 0.08],
                  color=["C0", "C3", "C2"])
        ax[1].errorbar([0], [rate], yerr=[binomial_error(n_valid, n_runs)], color="k", capsize=4)
        ax[1].set(ylabel="valid-tour rate", title="10 cities, published parameters")
        figures = ctx.save_figure(fig, "hopfield_tank1985")
    return Result(
        name="hopfield_tank1985", title=TITLE, reference=REFERENCE,
        setup=(f"The standard 10-city instance, Euclidean distances. hf.optimize.HopfieldTank with the "
               f"published A = B = 500, C = 200, D = 500, ñ = 15, u₀ = 0.02, τ = 1, explicit Euler "
               f"dt = {p['dt']:g} to t = {p['t_max']:g} (or saturation), {n_runs} seeded runs from "
               "u = −(u₀/2) ln(n−1) plus uniform noise ±0.1 u₀. A run is a valid tour only if V "
               "thresholded at ½ is a permutation matrix (nothing repairs it). The optimum is by brute "
               "force over all 9! tours."),
        rows=rows, parameters=p, seed=ctx.seed, quick=ctx.quick, run_time=0.0, figures=figures)
