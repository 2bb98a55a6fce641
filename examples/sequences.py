"""Sequences from asymmetric weights: synchronous replay and the delayed (slow) asymmetric network.

Amari (1972): W = (1/N) Σ ξ^{μ+1} ξ^{μᵀ} maps each stored pattern to its successor, so synchronous
updates step through a stored sequence; a cyclic sequence of length L becomes a cycle of period L
(found by `hf.dynamics.orbit`). Sompolinsky & Kanter (1986) and Kleinfeld (1986): under
asynchronous updates a symmetric term J^s s(t) holds the current pattern while a delayed asymmetric
term λ J^a s(t − τ) pushes to the next, so the network dwells about τ sweeps in each pattern; in a
pure pattern the push wins only for λ > 1. This script

1. replays cycles of several lengths from noisy cues and reports the periods found;
2. runs the delayed network at λ = 2 and λ = 0.6 and plots the overlaps sweep by sweep;
3. measures the dwell time against τ (it should be τ) for the delay and for slow
   (exponential) synapses.

    python examples/sequences.py --output figures/ [--fast]
"""

from __future__ import annotations

import argparse

import numpy as np

import hopfield as hf

NAME = "sequences"


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--output", default=".", help="directory or .png path for the figure")
    ap.add_argument("--fast", action="store_true", help="a smaller network, fewer delays")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    n, taus = (300, (3, 6, 9)) if args.fast else (800, (2, 4, 6, 8, 10, 12))

    # -- 1. synchronous replay: period = length of the stored cycle
    periods = {}
    for length in (2, 3, 5, 8):
        x = hf.patterns.random(length, n, rng=rng)
        mem = hf.SequenceMemory(n).store(x)
        r = mem.replay(hf.patterns.flip(x[0], 0.2, rng=rng))
        periods[length] = (r.transient, r.period)
        print(f"cycle of length {length}: {r.message}")
    length = 6
    x = hf.patterns.random(length, n, rng=rng)
    mem = hf.SequenceMemory(n).store(x)
    replay = mem.replay(hf.patterns.flip(x[0], 0.25, rng=rng), n_steps=14)
    print("synchronous replay from a 25 %-corrupted ξ¹ visits", replay.pattern.tolist())

    # -- 2. the delayed asymmetric network under asynchronous updates
    fast = mem.run_delayed(x[0], lam=2.0, tau=8, n_sweeps=60, rng=rng)
    stuck = mem.run_delayed(x[0], lam=0.6, tau=8, n_sweeps=60, rng=rng)
    print(f"λ = 2.0, τ = 8: visits {fast.visits.tolist()}, dwell {fast.dwell.tolist()}")
    print(f"λ = 0.6, τ = 8: visits {stuck.visits.tolist()} (no transition below λ = 1)")

    # -- 3. dwell time against τ
    dwell = {"delay": [], "exponential": []}
    for tau in taus:
        for memory in dwell:
            d = mem.run_delayed(x[0], lam=2.0, tau=tau, n_sweeps=7 * tau + 10, memory=memory, rng=rng)
            dwell[memory].append(float(np.mean(d.dwell)) if d.dwell.size else np.nan)
    for memory, values in dwell.items():
        print(f"mean dwell ({memory}): " + ", ".join(f"τ={t}: {v:.1f}" for t, v in zip(taus, values,
                                                                                      strict=True)))

    path = hf.plot.figure_path(args.output, NAME)
    fig, ax = hf.plot.new_figure(1, 3, figsize=(14, 4))
    ax[0].imshow(replay.overlaps.T, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1)
    ax[0].set(xlabel="synchronous step", ylabel="pattern μ", title="overlaps m_μ(t): replay of a 6-cycle")
    for mu in range(length):
        ax[1].plot(fast.overlaps[:, mu], label=f"ξ{mu + 1}")
    ax[1].plot(stuck.overlaps[:, 0], "k--", lw=1, label="ξ1, λ = 0.6")
    ax[1].set(xlabel="sweep", ylabel="overlap", title="λ = 2, delay τ = 8 (async)")
    ax[1].legend(fontsize=7, ncol=2)
    ax[2].plot(taus, taus, "k:", label="dwell = τ")
    ax[2].plot(taus, dwell["delay"], "o-", label="delay s(t − τ)")
    ax[2].plot(taus, dwell["exponential"], "s-", label="slow synapse (exponential)")
    ax[2].set(xlabel="τ (sweeps)", ylabel="mean dwell (sweeps)", title="time spent in each pattern")
    ax[2].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"figure: {path}")
    return {"figure": path, "periods": periods, "replay": replay, "fast": fast, "stuck": stuck,
            "taus": np.array(taus), "dwell": {k: np.array(v) for k, v in dwell.items()}}


if __name__ == "__main__":
    main()
