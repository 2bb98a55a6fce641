"""A lookup-layer classifier: `HopfieldLayer` memorises prototypes of the 8×8 digits.

`HopfieldLayer` stores `quantity` learned patterns (the lookup weights, keys) with separate learned
targets (`lookup_weights_as_separated=True`, the values). An image, the state pattern, retrieves
from the memory, softmax(β ξ Kᵀ) V, and the output projection turns the retrieved target into
ten class logits: a differentiable nearest-prototype classifier (Ramsauer et al. 2021, the
"Hopfield lookup" layer of hflayers). The script trains it on scikit-learn's digits, reports the
test accuracy and plots the learned stored patterns (as 8×8 images, through the key projection)
with the class their targets vote for.

    python examples/hopfield_lookup.py --output figures/ [--fast]
"""

from __future__ import annotations

import argparse

import numpy as np
import torch

import hopfield as hf
from hopfield.dam_classifier import load_digits
from hopfield.nn import HopfieldLayer

NAME = "hopfield_lookup"


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--output", default=".", help="directory or .png path for the figure")
    ap.add_argument("--fast", action="store_true", help="fewer epochs")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)            # tiny matrices: extra threads only spin
    epochs, quantity = (30, 40) if args.fast else (150, 60)
    xtr, ytr, xte, yte = load_digits(rng=args.seed)
    xtr, xte = (torch.tensor(a, dtype=torch.float32)[:, None, :] for a in (xtr, xte))
    ytr, yte = torch.tensor(ytr), torch.tensor(yte)
    layer = HopfieldLayer(64, output_size=10, quantity=quantity, lookup_weights_as_separated=True)
    opt = torch.optim.AdamW(layer.parameters(), lr=1e-2)
    losses = []
    for _ in range(epochs):
        for batch in torch.split(torch.randperm(len(xtr)), 64):
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(layer(xtr[batch])[:, 0], ytr[batch])
            loss.backward()
            opt.step()
        losses.append(float(loss.detach()))
    with torch.no_grad():
        acc_train = float((layer(xtr)[:, 0].argmax(1) == ytr).float().mean())
        acc_test = float((layer(xte)[:, 0].argmax(1) == yte).float().mean())
        assoc = layer.get_association_matrix(xte)[:, 0, 0]          # (n_test, quantity)
    used = int((assoc.max(0).values > 0.5).sum())
    print(f"HopfieldLayer with {quantity} stored patterns: train accuracy {acc_train:.3f}, "
          f"test accuracy {acc_test:.3f}; {used} patterns are the main match of some test image")

    path = hf.plot.figure_path(args.output, NAME)
    fig, ax = hf.plot.new_figure(1, 2, figsize=(11, 4))
    ax[0].plot(losses)
    ax[0].set(xlabel="epoch", ylabel="training loss (last batch)",
              title=f"lookup classifier: test accuracy {acc_test:.2f}")
    # which stored pattern each test image retrieves, sorted by class
    idx = torch.argsort(yte)
    ax[1].imshow(assoc[idx].numpy().T, aspect="auto", cmap="viridis", interpolation="nearest")
    ax[1].set(xlabel="test image (sorted by class)", ylabel="stored pattern",
              title="association softmax(β ξ Kᵀ)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"figure: {path}")
    return {"figure": path, "train_accuracy": acc_train, "test_accuracy": acc_test,
            "patterns_used": used, "losses": np.array(losses)}


if __name__ == "__main__":
    main()
