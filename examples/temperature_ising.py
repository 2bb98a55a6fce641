"""Temperature, Glauber dynamics and the Ising picture.

At temperature T a neuron takes s_i = +1 with probability 1/(1 + exp(-2 h_i / T)) (Glauber, or
heat-bath, dynamics). The stationary distribution is Boltzmann's, P(s) ∝ exp(-E(s)/T): the Hopfield
network is an Ising model with couplings J = W and fields h = -θ (Hopfield 1982: "This case is
isomorphic with an Ising model"). This tutorial shows four things (THEORY.md §4):

1. One stored pattern (the Mattis model): the equilibrium overlap follows m = tanh(m/T) and
   vanishes at T_c = 1 with the 1/N Hebb rule.
2. Recall of several patterns from noisy probes at fixed temperature: retrieval survives thermal
   noise well below T_c and melts as T approaches 1.
3. A small network (N = 8): the histogram of a long Glauber run matches exp(-E/T)/Z, computed
   exactly over all 256 states, and the Ising Hamiltonian of ``hopfield.ising.to_ising`` equals the
   network's energy.
4. The 0/1 trap: the binary network with W' = 2W, θ' = θ + W·1 has the same states and dynamics as
   the ±1 network, but its energy is half as large, so its temperature T' must be T/2.

    python examples/temperature_ising.py --output figures/ [--fast]

``--output`` is a directory (the figure is written there as ``temperature_ising.png``) or a
``.png`` path.
"""

from __future__ import annotations

import argparse

import numpy as np

import hopfield as hf
import hopfield.analysis as an
import hopfield.ising as ising
from hopfield.analysis.sampling import state_index

NAME = "temperature_ising"


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--output", default=".", help="directory or .png path for the figure")
    ap.add_argument("--fast", action="store_true", help="smaller networks, shorter runs")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    seed = args.seed
    if args.fast:
        n_mattis, temps, n_recall, sweeps = 300, np.linspace(0.2, 1.4, 7), 300, 30
        n_samples, n_chains = 30, 256
    else:
        n_mattis, temps, n_recall, sweeps = 2000, np.linspace(0.1, 1.5, 15), 1000, 100
        n_samples, n_chains = 100, 1024

    # -- 1. Mattis model: one pattern, equilibrium overlap against m = tanh(m / T)
    xi = hf.patterns.random(1, n_mattis, rng=seed)
    net1 = hf.HopfieldNetwork(n_mattis, rule="hebb")
    net1.store(xi)
    mattis = []
    for k, t in enumerate(temps):
        eq = an.equilibrium_overlap(net1, xi[0], temperature=float(t), n_samples=30 if args.fast else 100,
                                    burn_in=30 if args.fast else 100, rng=seed + 100 + k)
        mattis.append((eq.m, eq.stderr, an.mattis_overlap(float(t))))
    mattis = np.array(mattis)
    print(f"Mattis model, N = {n_mattis}:   T    <|m|>   tanh theory")
    for t, (m, _, th) in zip(temps, mattis, strict=True):
        print(f"{'':29}{t:4.2f}  {m:6.3f}  {th:6.3f}")

    # -- 2. recall of P = 0.02 N patterns from 20 %-flipped probes at fixed temperature
    p = max(2, n_recall // 50)
    xs = hf.patterns.random(p, n_recall, rng=seed + 1)
    net = hf.HopfieldNetwork(n_recall, rule="hebb")
    net.store(xs)
    probes = hf.patterns.flip(xs, 0.2, rng=seed + 2)
    recall = []
    for k, t in enumerate(temps):
        schedule = hf.dynamics.constant(float(t), sweeps)
        res = net.recall(probes, temperature=schedule, rng=seed + 200 + k)
        recall.append(np.mean(np.diag(hf.patterns.overlaps(xs, res.states))))
    recall = np.array(recall)
    print(f"\nrecall at temperature T (N = {n_recall}, P = {p}, 20 % noise, {sweeps} sweeps): "
          + ", ".join(f"T={t:.2f}: m={m:.2f}" for t, m in zip(temps, recall, strict=True)))

    # -- 3. exact Boltzmann distribution of a small network against a Glauber run
    rng = np.random.default_rng(seed + 3)
    small = hf.HopfieldNetwork(8, rule="hebb", thresholds=rng.normal(0.0, 0.2, 8))
    small.store(hf.patterns.random(2, 8, rng=seed + 4))
    temperature = 1.0
    states, exact = an.boltzmann_distribution(small, temperature)
    draws = an.sample(small, n_samples, temperature=temperature, n_chains=n_chains, burn_in=20,
                      rng=seed + 5)
    counts = np.bincount(state_index(draws.reshape(-1, 8)), minlength=states.shape[0])
    empirical = counts / (n_samples * n_chains)
    tv = 0.5 * np.abs(empirical - exact).sum()
    couplings, fields, offset = ising.to_ising(small)
    hamiltonian = ising.ising_energy(couplings, fields, states) + offset
    ising_gap = float(np.max(np.abs(hamiltonian - small.energy(states))))
    print(f"\nN = 8, T = {temperature}: total-variation distance Glauber histogram vs exp(-E/T)/Z = {tv:.3f} "
          f"({n_samples * n_chains} samples); max |H(s) + c - E(s)| = {ising_gap:.1e}")

    # -- 4. the 0/1 network: same dynamics, energy halved, so T' = T/2
    w, theta = small.bipolar_weights, small.bipolar_thresholds
    binary = hf.HopfieldNetwork.from_weights(2 * w, theta + w.sum(axis=1), states="binary")
    _, at_half = an.boltzmann_distribution(binary, ising.binary_temperature(temperature))
    _, at_same = an.boltzmann_distribution(binary, temperature)
    trap = {"T' = T/2": float(np.abs(at_half - exact).max()), "T' = T": float(np.abs(at_same - exact).max())}
    print("0/1 network W' = 2W, θ' = θ + W·1; max |P_01 - P_±1| over all states: "
          + ", ".join(f"{k}: {v:.1e}" for k, v in trap.items()))

    path = hf.plot.figure_path(args.output, NAME)
    _figure(temps, mattis, recall, exact, empirical, (at_half, at_same), small, states, path,
            n_mattis, n_recall, p)
    print(f"figure: {path}")
    return {"temperatures": temps, "mattis": mattis, "recall": recall, "tv": tv, "ising_gap": ising_gap,
            "trap": trap, "figure": path}


def _figure(temps, mattis, recall, exact, empirical, binary, small, states, path, n_mattis, n_recall, p):
    at_half, at_same = binary
    fig, ax = hf.plot.new_figure(2, 2, figsize=(11, 8.5))
    a = ax[0, 0]
    fine = np.linspace(0.05, 1.5, 300)
    a.plot(fine, [an.mattis_overlap(t) for t in fine], "k--", lw=1, label="m = tanh(m/T)")
    a.errorbar(temps, mattis[:, 0], yerr=mattis[:, 1], fmt="o", ms=4, label=f"Glauber, N = {n_mattis}")
    a.axvline(1.0, color="grey", lw=0.8)
    a.set(xlabel="temperature T", ylabel="equilibrium overlap ⟨|m|⟩", title="one pattern (Mattis model)")
    a.legend(fontsize=8)

    a = ax[0, 1]
    a.plot(temps, recall, "o-", color="C2")
    a.axvline(1.0, color="grey", lw=0.8)
    a.set(xlabel="temperature T", ylabel="overlap with the stored pattern",
          title=f"recall at temperature T (N = {n_recall}, P = {p}, 20 % noise)")

    a = ax[1, 0]
    order = np.argsort(small.energy(states))
    a.semilogy(exact[order], "k-", lw=1, label="exact exp(−E/T)/Z")
    a.semilogy(np.where(empirical[order] > 0, empirical[order], np.nan), ".", ms=3, label="Glauber histogram")
    a.set(xlabel="state (sorted by energy)", ylabel="probability", title="N = 8: all 256 states, T = 1")
    a.legend(fontsize=8)

    a = ax[1, 1]
    a.loglog(exact, exact, "k-", lw=0.8)
    a.loglog(exact, at_half, "o", ms=5, mfc="none", color="C0", label="0/1 network at T' = T/2")
    a.loglog(exact, at_same, ".", ms=4, color="C3", label="0/1 network at T' = T (wrong)")
    a.set(xlabel="P(s), ±1 network at T", ylabel="P(V), 0/1 network",
          title="0/1 network: T' = T/2 is exact (on the diagonal)")
    a.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
