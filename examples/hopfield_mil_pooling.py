"""Multiple-instance learning with Hopfield pooling (Ramsauer et al. 2021, §4; hflayers' bit-pattern demo).

A bag of bit patterns is positive when it contains one of a few implanted *signal* patterns
(`hopfield.nn.BitPatternSet`, the data set of hflayers' demo, same numbers for the same seeds).
`HopfieldPooling` learns a state pattern (a query) that retrieves from the bag, the stored
patterns; a linear read-out of the pooled vector classifies the bag. The script trains the
classifier, reports train and test accuracy (chance is 50 %) and plots the loss and, for a few
test bags, the pooling attention over the instances, which lands on the implanted signal.

    python examples/hopfield_mil_pooling.py --output figures/ [--fast]
"""

from __future__ import annotations

import argparse

import numpy as np
import torch

import hopfield as hf
from hopfield.nn import BitPatternSet, HopfieldPooling

NAME = "hopfield_mil_pooling"


class PoolingClassifier(torch.nn.Module):
    """Bits → embedding → Hopfield pooling (one learned query) → logit."""

    def __init__(self, num_bits: int, width: int):
        super().__init__()
        self.embed = torch.nn.Linear(num_bits, width)
        self.pool = HopfieldPooling(width, hidden_size=width, num_heads=1, quantity=1)
        self.out = torch.nn.Linear(width, 1)

    def forward(self, bags):
        return self.out(self.pool(self.embed(bags)))[:, 0]


def _accuracy(model, data, targets) -> float:
    with torch.no_grad():
        return float(((model(data) > 0).float() == targets).float().mean())


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--output", default=".", help="directory or .png path for the figure")
    ap.add_argument("--fast", action="store_true", help="fewer bags and epochs")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)            # tiny matrices: extra threads only spin
    n_bags, n_signals, epochs = (512, 2, 25) if args.fast else (2048, 8, 100)
    ds = BitPatternSet(num_bags=n_bags, num_instances=16, num_signals=n_signals,
                       num_signals_per_bag=1, num_bits=8)
    x = torch.stack([ds[i]["data"] for i in range(len(ds))])
    y = torch.stack([ds[i]["target"] for i in range(len(ds))])
    order = torch.randperm(len(ds), generator=torch.Generator().manual_seed(args.seed))
    train, test = order[: len(ds) * 3 // 4], order[len(ds) * 3 // 4:]
    model = PoolingClassifier(ds.num_bits, 32)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(epochs):
        for batch in torch.split(train[torch.randperm(len(train))], 64):
            opt.zero_grad()
            loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x[batch]), y[batch])
            loss.backward()
            opt.step()
        losses.append(float(loss.detach()))
    acc_train, acc_test = _accuracy(model, x[train], y[train]), _accuracy(model, x[test], y[test])
    print(f"{len(ds)} bags of 16 bit patterns, {ds.num_signals} signal(s); "
          f"train accuracy {acc_train:.3f}, test accuracy {acc_test:.3f} (chance 0.5)")

    # where the pooling query looks: the attention of positive test bags on their instances
    pos = test[y[test] == 1][:6]
    assoc = model.pool.get_association_matrix(model.embed(x[pos]))[:, 0, 0].numpy()
    is_signal = torch.stack([(ds.bags[pos] == s).all(-1) for s in ds.signals]).any(0).numpy()
    on_signal = float(np.mean(assoc[is_signal]) / np.mean(assoc[~is_signal]))
    print(f"attention on the implanted signal is {on_signal:.1f}× that on the other instances")

    path = hf.plot.figure_path(args.output, NAME)
    fig, ax = hf.plot.new_figure(1, 2, figsize=(11, 3.8))
    ax[0].plot(losses)
    ax[0].set(xlabel="epoch", ylabel="training loss (last batch)",
              title=f"HopfieldPooling MIL: test accuracy {acc_test:.2f}")
    ax[1].imshow(assoc, aspect="auto", cmap="viridis")
    rows, cols = np.nonzero(is_signal)
    ax[1].plot(cols, rows, "r+", ms=12, label="implanted signal")
    ax[1].set(xlabel="instance", ylabel="positive test bag", title="pooling attention")
    ax[1].legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"figure: {path}")
    return {"figure": path, "train_accuracy": acc_train, "test_accuracy": acc_test,
            "attention_ratio": on_signal, "losses": np.array(losses)}


if __name__ == "__main__":
    main()
