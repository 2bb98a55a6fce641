"""Capacity curves and spurious mixtures of the classical network.

How many random patterns can a Hopfield network of N neurons hold? Start each recall ON a stored
pattern and count the wrong bits after the asynchronous dynamics settle: below the load
α = P/N ≈ 0.138 (Amit, Gutfreund & Sompolinsky) the Hebb network keeps about 98 % of the bits,
above it recall collapses. Storkey's rule and the projection (pseudo-inverse) rule hold more.

The memories are not the only attractors: the odd mixtures sgn(ξ¹ + ξ² + ξ³), ... are fixed points
too, with overlap m_k = 2^{1-k} C(k-1, (k-1)/2) with each component and energy E_k/N = -k m_k²/2
(THEORY.md §3). The last panel repeats Hopfield's 1982 experiment (N = 30, five memories): where do
random starts end?

    python examples/capacity_mixtures.py --output figures/ [--fast]

``--output`` is a directory (the figure is written there as ``capacity_mixtures.png``) or a
``.png`` path. ``--fast`` uses smaller networks and fewer trials (a few seconds).
"""

from __future__ import annotations

import argparse

import numpy as np

import hopfield as hf
import hopfield.analysis as an

NAME = "capacity_mixtures"


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--output", default=".", help="directory or .png path for the figure")
    ap.add_argument("--fast", action="store_true", help="small networks, few trials")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    if args.fast:
        n, trials, n_mix, per_order = 100, 2, 1000, 8
        rules = {"hebb": (0.05, 0.3), "storkey": (0.05, 0.35), "pseudoinverse": (0.1, 0.6)}
    else:
        n, trials, n_mix, per_order = 500, 5, 5000, 32
        rules = {"hebb": (0.02, 0.3), "storkey": (0.02, 0.5), "pseudoinverse": (0.05, 0.9)}

    # -- 1. capacity curves: start on each stored pattern, count wrong bits and exact fixed points
    curves = {}
    for k, (rule, (step, top)) in enumerate(rules.items()):
        loads = np.arange(step, top + 1e-9, step)
        curves[rule] = an.capacity_curve(rule, n, loads, trials=trials, rng=args.seed + k)
    rs = an.ags_capacity()
    print(f"N = {n}, {trials} trials per load; AGS (replica-symmetric) α_c = {rs.alpha_c:.4f}, "
          f"{100 * rs.bit_error:.2f} % wrong bits just below it")
    print(f"{'rule':>14} {'α':>6} {'wrong bits':>11} {'fixed pts':>10}")
    for rule, c in curves.items():
        for a, be, ff in zip(c.load, c.bit_error, c.fixed_fraction, strict=True):
            print(f"{rule:>14} {a:6.3f} {100 * be:10.2f}% {100 * ff:9.0f}%")

    # -- 2. symmetric mixtures of 7 stored patterns in a large network (α → 0)
    xi = hf.patterns.random(7, n_mix, rng=args.seed + 10)
    net = hf.HopfieldNetwork(n_mix, rule="hebb")
    net.store(xi)
    table = an.mixture_table(net, orders=(1, 3, 5, 7), max_per_order=per_order, rng=args.seed + 11)
    print(f"\nsymmetric mixtures, N = {n_mix}, P = 7")
    print(f"{'k':>3} {'overlap':>8} {'theory':>8} {'E/N':>9} {'theory':>9} {'fixed':>6}")
    for row in zip(table.k, table.overlap, table.overlap_theory, table.energy, table.energy_theory,
                   table.fixed_fraction, strict=True):
        print("{:3d} {:8.4f} {:8.4f} {:9.4f} {:9.4f} {:6.0%}".format(*row))

    # -- 3. Hopfield (1982): N = 30, five memories, random starts
    small = hf.HopfieldNetwork(30, rule="hebb")
    small.store(hf.patterns.random(5, 30, rng=args.seed + 20))
    survey = an.random_start_survey(small, 300 if args.fast else 2000, rng=args.seed + 21)
    print(f"\nrandom starts (N = 30, P = 5): {survey.counts}")

    path = hf.plot.figure_path(args.output, NAME)
    _figure(curves, rs, table, survey, n, path)
    print(f"figure: {path}")
    return {"curves": curves, "mixtures": table, "survey": survey, "ags": rs, "figure": path}


def _figure(curves, rs, table, survey, n, path) -> None:
    fig, ax = hf.plot.new_figure(2, 2, figsize=(11, 8.5))
    colors = {"hebb": "C0", "storkey": "C1", "pseudoinverse": "C2"}

    a = ax[0, 0]
    alphas = np.linspace(0.005, rs.alpha_c, 200)
    m = np.array([an.rs_retrieval_overlap(x) for x in alphas])
    a.plot(alphas, 100 * (1 - m) / 2, "k--", lw=1, label="RS theory (N → ∞)")
    for rule, c in curves.items():
        a.errorbar(c.load, 100 * c.bit_error, yerr=100 * c.sem("bit_error"), marker="o", ms=3,
                   color=colors[rule], label=rule)
    a.axvline(rs.alpha_c, color="grey", lw=0.8)
    a.text(rs.alpha_c, a.get_ylim()[1] * 0.5, "α_c ≈ 0.138 ", color="grey", ha="right")
    a.set(xlabel="load α = P/N", ylabel="wrong bits after recall (%)",
          title=f"recall from the stored pattern (N = {n})")
    a.legend(fontsize=8)

    a = ax[0, 1]
    for rule, c in curves.items():
        a.plot(c.n_patterns, c.fixed_fraction, marker="o", ms=3, color=colors[rule], label=rule)
    for value, label, style in [(an.mceliece_capacity(n, all_patterns=True), "N/(4 ln N)", ":"),
                                (an.mceliece_capacity(n), "N/(2 ln N)", "--"),
                                (an.storkey_capacity(n), "N/√(2 ln N)", "-.")]:
        a.axvline(value, color="k", lw=0.8, ls=style, label=label)
    a.set(xlabel="stored patterns P", ylabel="fraction of patterns that are fixed points",
          title="exact fixed points (McEliece et al.; Storkey)")
    a.legend(fontsize=8)

    a = ax[1, 0]
    a.plot(table.k, table.overlap_theory, "k--", lw=1, label="m_k theory")
    a.plot(table.k, table.overlap, "o", color="C0", label="m_k measured")
    a.plot(table.k, -table.energy_theory, "k:", lw=1, label="−E_k/N theory")
    a.plot(table.k, -table.energy, "s", color="C3", label="−E_k/N measured")
    a.set(xlabel="mixture order k", xticks=table.k, title="symmetric mixtures sgn(ξ¹+…+ξᵏ)")
    a.legend(fontsize=8)

    a = ax[1, 1]
    kinds = sorted(survey.counts, key=lambda k: -survey.counts[k])
    a.bar(kinds, [survey.counts[k] / survey.n_starts for k in kinds], color="C4")
    a.set(ylabel="fraction of random starts", title="where random starts end (N = 30, P = 5)")
    a.tick_params(axis="x", labelrotation=30)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
