"""Auto- and hetero-association in one matrix, against Kosko's BAM.

Pairs (a, b) are stored in one Hopfield network over the concatenated state [a; b]; the a–a and
b–b blocks (auto-association) and the a–b blocks (hetero-association) are weighted by γ_auto and
γ_hetero. A cue [a; ?] (the unknown half starts at 0) completes b. This script

1. sweeps the number of stored pairs and measures how often b is recalled exactly from a cue with
   20 % of a's bits flipped, for γ_auto = 0, 0.5 and 1 (γ_hetero = 1), and for the BAM;
   γ_auto = 0 is the BAM run in parallel and gives the BAM's answers bit for bit;
2. recalls backwards, [?; b] → a: one symmetric matrix serves both directions equally.

    python examples/paired_associates.py --output figures/ [--fast]
"""

from __future__ import annotations

import argparse

import numpy as np

import hopfield as hf

NAME = "paired_associates"


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--output", default=".", help="directory or .png path for the figure")
    ap.add_argument("--fast", action="store_true", help="fewer loads and trials")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    n = 100  # neurons per item
    counts, trials = ((5, 15, 25, 35), 2) if args.fast else ((5, 10, 15, 20, 25, 30, 35, 40), 6)
    autos = (0.0, 0.5, 1.0)

    curves = {"BAM": [], **{f"γ_auto = {g}": [] for g in autos}}
    backward, same_as_bam = [], True
    for p in counts:
        hits = {k: [] for k in curves}
        back = []
        for _ in range(trials):
            a, b = hf.patterns.random(p, n, rng=rng), hf.patterns.random(p, n, rng=rng)
            cues = hf.patterns.flip(a, 0.2, rng=rng)
            bam = hf.BidirectionalAssociativeMemory(n, n)
            bam.store(a, b)
            bam_result = bam.recall(x=cues, max_iter=200)
            hits["BAM"].append(np.all(bam_result.y == b, axis=1))
            for g in autos:
                mem = hf.PairedAssociativeMemory(n, n, auto=g).store(a, b)
                r = mem.recall(a=cues, clamp_cue=False, max_sweeps=400)
                hits[f"γ_auto = {g}"].append(np.all(r.b == b, axis=1))
                if g == 0.0:
                    same_as_bam &= bool(np.array_equal(r.b, bam_result.y))
                if g == 1.0:
                    rb = mem.recall(b=hf.patterns.flip(b, 0.2, rng=rng), clamp_cue=False)
                    back.append(np.all(rb.a == a, axis=1))
        for k in curves:
            h = np.concatenate(hits[k])
            curves[k].append((h.mean(), np.sqrt(h.mean() * (1 - h.mean()) / h.size)))
        back = np.concatenate(back)
        backward.append(back.mean())
    print(f"{n} + {n} neurons, {trials} sets of pairs per load, cue = a with 20 % of bits flipped")
    print("pairs  " + "  ".join(f"{k:>14}" for k in curves) + "  backward (γ_auto = 1)")
    for i, p in enumerate(counts):
        print(f"{p:5d}  " + "  ".join(f"{curves[k][i][0]:14.2f}" for k in curves) + f"  {backward[i]:10.2f}")
    print(f"γ_auto = 0 gives the BAM's answers bit for bit: {same_as_bam}")

    path = hf.plot.figure_path(args.output, NAME)
    fig, ax = hf.plot.new_figure(1, 1, figsize=(6.5, 4.5))
    for k, style in zip(curves, ("k-", "C0o", "C1s-", "C2^-"), strict=True):
        values = np.array(curves[k])
        ax.errorbar(counts, values[:, 0], yerr=values[:, 1], fmt=style, capsize=2, label=k, ms=5)
    ax.plot(counts, backward, "C2:", label="γ_auto = 1, backward [?; b] → a")
    ax.set(xlabel="stored pairs (100 + 100 neurons)", ylabel="fraction of b recalled exactly",
           title="one matrix [a; b] against the BAM")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"figure: {path}")
    return {"figure": path, "counts": np.array(counts),
            "curves": {k: np.array(v) for k, v in curves.items()}, "backward": np.array(backward),
            "same_as_bam": same_as_bam}


if __name__ == "__main__":
    main()
