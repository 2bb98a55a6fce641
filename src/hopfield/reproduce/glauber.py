"""Glauber dynamics samples the Boltzmann distribution (exact enumeration at small N), and the
retrieval / spin-glass / paramagnetic regimes in temperature beside the replica-symmetric theory
(theory §3–§4)."""

from __future__ import annotations

import numpy as np

from .result import Result, Row

TITLE = "Glauber dynamics = Boltzmann, and the retrieval / spin-glass / paramagnetic regimes in T"
REFERENCE = ("Glauber, J. Math. Phys. 4:294 (1963); Amit, Gutfreund & Sompolinsky, PRA 32:1007 (1985) "
             "and Ann. Phys. 173:30 (1987); Scholarpedia “Hopfield network”")
PARAMETERS = {
    "quick": {"enum_neurons": 8, "enum_patterns": 2, "enum_temperature": 1.0, "enum_chains": 400,
              "enum_samples": 20, "enum_thin": 5, "mattis_neurons": 1000, "mattis_temperature": 0.5,
              "n_neurons": 500, "load": 0.05, "temperatures": (0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.2, 1.4),
              "chains": 4, "samples": 100, "burn_in": 200},
    "full": {"enum_neurons": 10, "enum_patterns": 2, "enum_temperature": 1.0, "enum_chains": 2000,
             "enum_samples": 40, "enum_thin": 5, "mattis_neurons": 4000, "mattis_temperature": 0.5,
             "n_neurons": 1000, "load": 0.05,
             "temperatures": (0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.4),
             "chains": 4, "samples": 150, "burn_in": 200},
}


def _enumeration(p, seed):
    """χ²/dof of the Glauber state histogram against e^{-βE}/Z, and the two distributions."""
    import hopfield as hf
    from hopfield.analysis.sampling import state_index

    gen = np.random.default_rng(seed)
    n = p["enum_neurons"]
    net = hf.HopfieldNetwork(n, thresholds=gen.normal(scale=0.2, size=n))
    net.store(hf.patterns.random(p["enum_patterns"], n, rng=gen))
    T = p["enum_temperature"]
    _, prob = hf.analysis.boltzmann_distribution(net, T)
    s = hf.analysis.sample(net, p["enum_samples"], temperature=T, burn_in=50, thin=p["enum_thin"],
                           n_chains=p["enum_chains"], rng=gen)
    counts = np.bincount(state_index(s.reshape(-1, n)), minlength=prob.size).astype(float)
    total = counts.sum()
    expected = prob * total
    keep = expected >= 5.0  # the χ² approximation needs ≥ 5 expected counts per cell
    obs = np.append(counts[keep], counts[~keep].sum())
    exp = np.append(expected[keep], expected[~keep].sum())
    if exp[-1] < 5.0:
        obs, exp = obs[:-1], exp[:-1]
    chi2 = float(np.sum((obs - exp) ** 2 / exp))
    dof = obs.size - 1
    return chi2 / dof, dof, prob, counts / total


def _temperature_trial(args):
    """At one T: |m| from the first pattern (retrieval), and from random starts the
    Edwards–Anderson q (product of the site averages over two disjoint halves of the run,
    unbiased) and the largest |overlap|."""
    import hopfield as hf

    n, load, T, chains, samples, burn_in, seed = args
    gen = np.random.default_rng(seed)
    x = hf.patterns.random(max(1, round(load * n)), n, rng=gen)
    net = hf.HopfieldNetwork(n)
    net.store(x)
    eo = hf.analysis.equilibrium_overlap(net, x[0], temperature=T, n_samples=samples, burn_in=burn_in,
                                         n_chains=chains, rng=gen)
    s = hf.analysis.sample(net, 2 * samples, temperature=T, burn_in=burn_in, n_chains=chains,
                           rng=gen).astype(np.float64)
    # per chain; |·| because E(s) = E(−s): a chain may cross to the negated valley between halves
    q_chain = np.abs(np.mean(s[:samples].mean(axis=0) * s[samples:].mean(axis=0), axis=1))
    m_rand = np.abs(s @ x.T.astype(np.float64) / n).max(axis=-1).mean()
    return eo.m, eo.stderr, float(q_chain.mean()), float(q_chain.std(ddof=1) / np.sqrt(chains)), m_rand


def _rs_retrieval_temperature(alpha: float) -> float:
    """Largest T at which the RS retrieval branch (started at m = 1) keeps m > 0.1, by bisection."""
    import hopfield as hf

    lo, hi = 0.05, 1.0
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        if hf.analysis.rs_finite_temperature(alpha, mid).m > 0.1:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def run(ctx) -> Result:
    """Enumeration check, Mattis overlap, then the temperature scan at load α."""
    import hopfield as hf

    an = hf.analysis
    p = ctx.params(PARAMETERS)
    seeds = ctx.seeds(3, key=1)
    chi2dof, dof, prob, freq = _enumeration(p, seeds[0])
    # Mattis: one stored pattern
    gen = np.random.default_rng(seeds[1])
    nm = p["mattis_neurons"]
    xm = hf.patterns.random(1, nm, rng=gen)
    netm = hf.HopfieldNetwork(nm)
    netm.store(xm)
    Tm = p["mattis_temperature"]
    eo = an.equilibrium_overlap(netm, xm[0], temperature=Tm, n_samples=100, burn_in=50, n_chains=4, rng=gen)
    temps = np.asarray(p["temperatures"], dtype=float)
    tasks = [(p["n_neurons"], p["load"], float(T), p["chains"], p["samples"], p["burn_in"], s)
             for T, s in zip(temps, ctx.seeds(len(temps), key=2), strict=True)]
    res = np.asarray(ctx.map(_temperature_trial, tasks, "Glauber in T"))
    m, m_err, q, q_err, m_rand = res.T
    alpha = p["load"]
    rs = [an.rs_finite_temperature(alpha, float(T)) for T in temps]
    t_g = an.spin_glass_temperature(alpha)
    t_m = _rs_retrieval_temperature(alpha)

    def at(T):
        return int(np.argmin(np.abs(temps - T)))

    k_ret, k_sg, k_para = at(0.3), at(0.5 * (t_m + t_g) + 0.1), at(1.4)
    # measured end of retrieval: first T where m from the pattern drops below 0.5
    below = np.flatnonzero(m < 0.5)
    if below.size and below[0] > 0:
        j = below[0]
        t_end = float(temps[j - 1] + (0.5 - m[j - 1]) * (temps[j] - temps[j - 1]) / (m[j] - m[j - 1]))
        t_end_err = float((temps[j] - temps[j - 1]) / 2)
    else:
        t_end, t_end_err = float("nan"), float("nan")
    n = p["n_neurons"]
    rows = (
        Row(f"χ²/dof of Glauber states vs e^(−βE)/Z, N = {p['enum_neurons']} (exact enumeration, "
            f"{dof} dof)", 1.0, "Boltzmann distribution is stationary [N]", chi2dof,
            float(np.sqrt(2.0 / dof)), 0.0, "≈",
            note="Samples are thinned and drawn from many independent chains so they are close "
            "to independent; the error bar is the χ² spread √(2/dof)."),
        Row(f"Mattis overlap, p = 1, T = {Tm}, N = {nm}", an.mattis_overlap(Tm), "m = tanh(m/T) [N]",
            eo.m, eo.stderr, 1.0 / np.sqrt(nm), "≈", published_text=f"{an.mattis_overlap(Tm):.4f}",
            note="Tolerance 1/√N for the finite size."),
        Row(f"retrieval: m from the pattern at T = {temps[k_ret]}, α = {alpha}, N = {n}", rs[k_ret].m,
            "RS theory, AGS 1987 (hf.analysis.rs_finite_temperature) [U]", m[k_ret], m_err[k_ret], 0.03,
            "≈", note="Tolerance 0.03 for the finite size. Closer to the end of retrieval the "
            "retrieval state is only metastable and finite-N runs leave it."),
        Row(f"end of retrieval (m from the pattern falls below 0.5), α = {alpha}", t_m,
            "RS retrieval branch disappears, AGS 1987 [U]", t_end, t_end_err, 0.1, "≈",
            note="The RS value is the largest T at which the retrieval branch keeps m > 0.1; finite "
            "N smears the first-order jump, hence the tolerance 0.1."),
        Row(f"spin glass: q_EA from random starts at T = {temps[k_sg]} (T_M < T < T_g = {t_g:.3f})",
            rs[k_sg].q, "RS q with m = 0, AGS 1987 [U]", q[k_sg], q_err[k_sg], 0.05, "≈",
            note=f"Largest |overlap| with any pattern there: {m_rand[k_sg]:.2f} (no retrieval)."),
        Row(f"paramagnet: q_EA at T = {temps[k_para]} > T_g = 1 + √α = {t_g:.3f}", 0.0,
            "T_g = 1 + √α [N]", q[k_para], q_err[k_para], 0.02, "≈"),
    )
    figures = ()
    if ctx.out is not None:
        fig, ax = hf.plot.new_figure(1, 2, figsize=(10, 3.8))
        order = np.argsort(prob)[::-1]
        ax[0].semilogy(prob[order], "k-", label="e^(−βE)/Z (exact)")
        ax[0].semilogy(freq[order], ".", ms=3, label="Glauber histogram")
        ax[0].set(xlabel="state (by probability)", ylabel="probability",
                  title=f"N = {p['enum_neurons']}, T = {p['enum_temperature']}")
        ax[0].legend(fontsize=8)
        fine = np.linspace(0.25, 1.6, 55)
        rs_f = [an.rs_finite_temperature(alpha, float(T)) for T in fine]
        ax[1].errorbar(temps, m, yerr=m_err, fmt="o", label="m from the pattern")
        ax[1].errorbar(temps, q, yerr=q_err, fmt="s", label="q_EA from random starts")
        ax[1].plot(fine, [r.m for r in rs_f], "C0--", label="RS m")
        ax[1].plot(fine, [r.q for r in rs_f], "C1--", label="RS q")
        ax[1].axvline(t_m, color="grey", ls=":", label="RS end of retrieval")
        ax[1].axvline(t_g, color="k", ls=":", label="T_g = 1 + √α")
        ax[1].set(xlabel="T", ylabel="order parameter", title=f"α = {alpha}, N = {n}")
        ax[1].legend(fontsize=7)
        figures = ctx.save_figure(fig, "glauber")
    return Result(
        name="glauber", title=TITLE, reference=REFERENCE,
        setup=(f"Exact enumeration: Hebb network of N = {p['enum_neurons']} with {p['enum_patterns']} "
               f"patterns and random thresholds; {p['enum_chains']} Glauber chains (hf.analysis.sample, "
               f"burn-in 50, thin {p['enum_thin']}, {p['enum_samples']} samples each) against "
               "hf.analysis.boltzmann_distribution. Regimes: Hebb network at α = "
               f"{alpha}, N = {n}; at each T, {p['chains']} chains started on a pattern (|m|, "
               f"hf.analysis.equilibrium_overlap) and {p['chains']} from random states (q_EA), "
               f"burn-in {p['burn_in']} sweeps, {p['samples']} samples. RS curves from "
               "hf.analysis.rs_finite_temperature."),
        rows=rows, parameters=p, seed=ctx.seed, quick=ctx.quick, run_time=0.0, figures=figures)
