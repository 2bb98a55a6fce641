"""The classical network as a cut minimiser: Bruck's (biased) pseudo-cut.

Split the neurons of a ±1 state into S⁻ (the −1 neurons) and S⁺. For symmetric W the biased
pseudo-cut J(s) = Σ_{i∈S⁻, j∈S⁺} w_ij − Σ_{i∈S⁻} θ_i is the energy up to a constant,
E(s) = c + 2J(s) with c = −½ Σ_ij w_ij + Σ_i θ_i, and with zero diagonal an asynchronous update
flips neuron i exactly when that flip lowers J (Bruck 1990; Uykan 2020). This script

1. recalls corrupted patterns in a Hebb network with random thresholds, one sweep at a time, and
   checks E = c + 2J after every sweep;
2. along those trajectories, compares for every neuron "the update flips it" with "flipping it
   lowers J" (they must agree everywhere);
3. reads W = −A for a graph's adjacency matrix A: then J = −cut(S⁻, S⁺), and the network's
   descent is a local search for a large cut (the idea behind `hf.optimize.solve_maxcut`).

    python examples/pseudo_cuts.py --output figures/ [--fast]
"""

from __future__ import annotations

import argparse

import numpy as np

import hopfield as hf
from hopfield.cuts import energy_offset, pseudo_cut, pseudo_cut_change

NAME = "pseudo_cuts"


def _sweeps(net, s, n_sweeps, rng):
    """States after each asynchronous sweep (one recall call per sweep, same generator)."""
    states = [s]
    for _ in range(n_sweeps):
        s = net.recall(s, update="async", max_sweeps=1, rng=rng).states
        states.append(s)
    return np.array(states)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--output", default=".", help="directory or .png path for the figure")
    ap.add_argument("--fast", action="store_true", help="a smaller network and graph")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    n, n_probes, n_sweeps = (100, 4, 6) if args.fast else (400, 8, 8)

    # -- 1. energy and pseudo-cut along asynchronous recall (Hebb weights, random thresholds)
    xi = hf.patterns.random(max(2, n // 20), n, rng=rng)
    w = hf.rules.hebb(xi)
    theta = 0.05 * rng.normal(size=n)
    net = hf.HopfieldNetwork.from_weights(w, theta)
    c = energy_offset(w, theta)
    paths = [_sweeps(net, p, n_sweeps, rng) for p in hf.patterns.flip(xi[:n_probes], 0.3, rng=rng)]
    gap = max(float(np.max(np.abs(net.energy(p) - (c + 2 * pseudo_cut(w, p, theta))))) for p in paths)
    print(f"N = {n}: max |E − (c + 2J)| along {n_probes} recalls = {gap:.2e}")

    # -- 2. a neuron's update flips it iff the flip lowers J
    agree = total = lowered = 0
    for p in paths:
        for s in p:
            flips = np.sign(net.local_field(s)) * s < 0  # zero-temperature update changes s_i
            lowers = pseudo_cut_change(w, s, theta) < 0
            agree += int(np.sum(flips == lowers))
            total += s.size
            lowered += int(lowers.sum())
    print(f"'update flips i' == 'flipping i lowers J' for {agree} of {total} (neuron, state) pairs "
          f"({lowered} flips)")

    # -- 3. W = −A: descent of E is ascent of the graph cut
    n_nodes = 60 if args.fast else 200
    upper = np.triu(rng.random((n_nodes, n_nodes)) < 0.1, 1)
    adjacency = (upper | upper.T).astype(float)
    graph_net = hf.HopfieldNetwork.from_weights(-adjacency)
    start = hf.patterns.random(1, n_nodes, rng=rng)[0]
    cut_path = [-pseudo_cut(-adjacency, s) for s in _sweeps(graph_net, start, n_sweeps, rng)]
    edges = int(adjacency.sum() / 2)
    print(f"graph with {n_nodes} nodes, {edges} edges: cut {cut_path[0]:.0f} (random start) -> "
          f"{cut_path[-1]:.0f} after {n_sweeps} sweeps")

    path = hf.plot.figure_path(args.output, NAME)
    fig, ax = hf.plot.new_figure(1, 2, figsize=(10, 4))
    for k, p in enumerate(paths):
        ax[0].plot(net.energy(p), "o-", color=f"C{k}", ms=4, label="E" if k == 0 else None)
        ax[0].plot(c + 2 * pseudo_cut(w, p, theta), "k+", ms=9, label="c + 2J" if k == 0 else None)
    ax[0].set(xlabel="sweep", ylabel="energy", title="E(s) = c + 2 J(s) along async recall")
    ax[0].legend()
    ax[1].plot(cut_path, "o-", color="C3")
    ax[1].axhline(edges / 2, color="k", ls=":", lw=1, label="random cut (|E|/2)")
    ax[1].set(xlabel="sweep", ylabel="cut weight", title="W = −A: the network enlarges the cut")
    ax[1].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"figure: {path}")
    return {"figure": path, "energy_gap": gap, "agree": agree, "total": total, "flips": lowered,
            "cut_path": np.array(cut_path), "edges": edges}


if __name__ == "__main__":
    main()
