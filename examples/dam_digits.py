"""Krotov & Hopfield (2016) Figure 2 on scikit-learn's 8x8 digits: test error vs epochs for several n.

A dense associative memory with K memories and the rectified polynomial energy F(x) = max(x, 0)^n
is trained as a classifier (their §4 recipe, :class:`hopfield.DAMClassifier`). The paper's
Figure 2 shows, on MNIST, that n = 3 learns faster and ends lower than n = 2 (ReLU-like), and that
large n (20, 30) still trains well; their Figure 3 shows memories turning from "features" (small n)
into "prototypes" (large n). This script draws both on the 8x8 digits (1347 train / 450 test
images, a stratified split) and writes the figure to the path given.

Usage:
    python examples/dam_digits.py dam_digits.png            # n = 2, 3, 20, 30, 300 epochs
    python examples/dam_digits.py dam_digits.png --fast     # n = 2, 3, 20, 40 epochs (seconds)
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import hopfield as hf
from hopfield.dam_classifier import DAMClassifier, load_digits


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", help="where to write the figure (PNG)")
    parser.add_argument("--fast", action="store_true", help="fewer epochs and powers")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per run")
    parser.add_argument("--memories", type=int, default=100, help="number of memories K")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:  # the matrices are small: BLAS threads only add contention on a shared machine
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    if threadpool_limits is not None:
        with threadpool_limits(1):
            return _run(args)
    return _run(args)


def _run(args) -> None:
    powers = (2, 3, 20) if args.fast else (2, 3, 20, 30)
    epochs = args.epochs or (40 if args.fast else 300)
    xtr, ytr, xte, yte = load_digits(rng=args.seed)

    runs = {}
    print(f"K = {args.memories} memories, {epochs} epochs, "
          f"{xtr.shape[0]} train / {xte.shape[0]} test images\n")
    print("| n | final test error | best test error (epoch) | final train error | time |")
    print("|---:|---:|---:|---:|---:|")
    for n in powers:
        t0 = time.perf_counter()
        clf = DAMClassifier(n_memories=args.memories, n=n, anneal_epochs=min(100, epochs),
                            rng=args.seed)
        clf.fit(xtr, ytr, epochs=epochs, X_val=xte, y_val=yte)
        h = clf.history_
        runs[n] = clf
        best = int(np.argmin(h.test_error))
        print(f"| {n} | {h.test_error[-1]:.2%} | {h.test_error[best]:.2%} ({best + 1}) | "
              f"{h.train_error[-1]:.2%} | {time.perf_counter() - t0:.1f} s |")

    fig, axes = hf.plot.new_figure(1, 3, figsize=(15, 4.5))
    ax = axes[0]
    for n, clf in runs.items():
        ep = np.arange(1, epochs + 1)
        ax.plot(ep, 100 * clf.history_.test_error, label=f"n = {n} (test)")
        ax.plot(ep, 100 * clf.history_.train_error, ls=":", color=ax.lines[-1].get_color(),
                label=f"n = {n} (train)")
    ax.set_xlabel("epoch")
    ax.set_ylabel("error, %")
    ax.set_ylim(0, 15)
    ax.set_title("DAM classifier on 8x8 digits (cf. Krotov & Hopfield 2016, Fig. 2)")
    ax.legend(fontsize=8)
    for ax, n in zip(axes[1:], (powers[0], powers[-1]), strict=True):
        mem = runs[n].memories_[:25, :64]
        tiles = np.ones((5 * 9 - 1, 5 * 9 - 1)) * np.nan
        for j in range(25):
            r, c = divmod(j, 5)
            tiles[9 * r:9 * r + 8, 9 * c:9 * c + 8] = mem[j].reshape(8, 8)
        ax.imshow(tiles, cmap="bwr", vmin=-1, vmax=1)
        ax.set_title(f"25 memories (visible part), n = {n}")
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(args.output, dpi=100)
    print(f"\nwrote {args.output}")


if __name__ == "__main__":
    main()
