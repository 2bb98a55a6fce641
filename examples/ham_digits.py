"""Train a hierarchical associative memory (HAM) to classify scikit-learn's 8×8 digits.

A three-layer HAM (Krotov 2021; THEORY.md §10):

    pixels (64, identity, clamped) — hidden (128, ReLU = RePU(2)) — labels (10, softmax)

with symmetric synapses (the feedback from a layer is the transpose of its feedforward weights).
Inference is energy descent: the pixel layer is clamped to the image, the hidden and label layers
start at zero and follow τ dx/dt = drive − x for ``--steps`` Euler steps; the predicted class is the
argmax of the label layer's softmax activation. Training back-propagates a cross-entropy loss
through the unrolled dynamics (torch autograd through ``HAM.run``). The figure shows the energy of
several test digits falling during inference, and those digits with their predicted labels.

Usage::

    python examples/ham_digits.py ham_digits.png            # about a minute (test acc. ~0.99)
    python examples/ham_digits.py ham_digits.png --fast     # a few seconds (test acc. ~0.97)

Needs torch and scikit-learn (``load_digits`` is bundled with scikit-learn; nothing is downloaded).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import hopfield as hf
from hopfield.lagrangian import HAM, DenseSynapse, Layer, RePU, Softmax


def load_data(rng):
    """Digits scaled to [-1, 1], shuffled and split 75/25."""
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:  # pragma: no cover - exercised only without scikit-learn
        raise ImportError("this example needs scikit-learn: pip install scikit-learn") from exc
    digits = load_digits()
    x = digits.data / 8.0 - 1.0
    y = digits.target
    order = rng.permutation(len(y))
    x, y = x[order], y[order]
    n_train = int(0.75 * len(y))
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


def build_ham(params, torch):
    """The HAM whose synapses and biases are the trainable tensors in ``params``."""
    layers = [
        Layer(64, "identity"),
        Layer(params["w1"].shape[0], RePU(2), tau=1.0, bias=params["b1"]),
        Layer(10, Softmax(1.0), tau=1.0, bias=params["b2"]),
    ]
    return HAM(layers, [DenseSynapse(params["w1"]), DenseSynapse(params["w2"])])


def infer(ham, images, torch, *, steps, dt, record_energy=False):
    """Clamp the pixels, relax the other layers; returns the HAMResult."""
    batch = images.shape[0]
    xs = [images,
          torch.zeros(batch, ham.layers[1].size, dtype=images.dtype),
          torch.zeros(batch, 10, dtype=images.dtype)]
    return ham.run(xs, dt=dt, max_steps=steps, clamp={0: True}, record_energy=record_energy)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=".", help="directory or .png path for the figure")
    parser.add_argument("--fast", action="store_true", help="tiny training run (a few seconds)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=None, help="Euler steps of inference")
    args = parser.parse_args(argv)

    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the matrices are tiny: threads only add overhead on a shared CPU
    try:
        return _run(args, torch)
    finally:
        torch.set_num_threads(threads)


def _run(args, torch):
    """Train, evaluate and plot (see the module docstring)."""
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    x_train, y_train, x_test, y_test = load_data(rng)
    hidden = 48 if args.fast else 128
    iterations = 60 if args.fast else 1000
    steps = args.steps or (6 if args.fast else 12)
    dt = 0.5
    dtype = torch.float32
    params = {
        "w1": torch.nn.Parameter(0.1 * torch.randn(hidden, 64, dtype=dtype)),
        "b1": torch.nn.Parameter(torch.zeros(hidden, dtype=dtype)),
        "w2": torch.nn.Parameter(0.1 * torch.randn(10, hidden, dtype=dtype)),
        "b2": torch.nn.Parameter(torch.zeros(10, dtype=dtype)),
    }
    opt = torch.optim.Adam(params.values(), lr=0.01)
    xt, yt = torch.tensor(x_train, dtype=dtype), torch.tensor(y_train)
    t0 = time.perf_counter()
    for it in range(iterations):
        idx = torch.as_tensor(rng.integers(0, len(yt), size=128))
        res = infer(build_ham(params, torch), xt[idx], torch, steps=steps, dt=dt)
        loss = torch.nn.functional.nll_loss(torch.log(res.activations[2] + 1e-9), yt[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if (it + 1) % max(iterations // 5, 1) == 0:
            print(f"iteration {it + 1:5d}  loss {float(loss.detach()):.4f}")
    train_time = time.perf_counter() - t0

    with torch.no_grad():
        ham = build_ham({k: v.detach() for k, v in params.items()}, torch)
        accuracy = {}
        for name, (xs, ys) in {"train": (x_train, y_train), "test": (x_test, y_test)}.items():
            res = infer(ham, torch.tensor(xs, dtype=dtype), torch, steps=steps, dt=dt)
            pred = res.activations[2].argmax(dim=1).numpy()
            accuracy[name] = float(np.mean(pred == ys))
        # energy during inference for a few test digits, with more steps than in training
        show = torch.tensor(x_test[:8], dtype=dtype)
        res = infer(ham, show, torch, steps=3 * steps, dt=dt, record_energy=True)
        energy = res.energy.numpy().astype(np.float64)
        predicted = res.activations[2].argmax(dim=1).numpy()
    descending = bool(np.all(np.diff(energy, axis=0) <= 1e-5 * (1 + np.abs(energy[:-1]))))
    print(f"trained {iterations} iterations in {train_time:.1f} s; "
          f"train accuracy {accuracy['train']:.3f}, test accuracy {accuracy['test']:.3f}; "
          f"energy non-increasing during inference: {descending}")

    fig, ax0 = hf.plot.new_figure(1, 1, figsize=(11, 4.6))
    ax0.remove()
    grid = fig.add_gridspec(2, 5)
    ax = fig.add_subplot(grid[:, :2])
    t = np.arange(energy.shape[0]) * dt
    for k in range(energy.shape[1]):
        ax.plot(t, energy[:, k], marker="o", ms=2, label=f"digit {y_test[k]}")
    ax.set_xlabel("time (τ)")
    ax.set_ylabel("HAM energy")
    ax.set_title("energy descent during inference")
    ax.legend(fontsize=7, ncol=2)
    for k in range(6):
        a = fig.add_subplot(grid[k // 3, 2 + k % 3])
        a.imshow(x_test[k].reshape(8, 8), cmap="gray_r")
        a.set_title(f"pred {predicted[k]} (true {y_test[k]})", fontsize=8)
        a.set_xticks([])
        a.set_yticks([])
    fig.tight_layout()
    path = hf.plot.figure_path(args.output, "ham_digits")
    fig.savefig(path, dpi=100)
    print(f"wrote {path}")
    return {"accuracy": accuracy, "energy": energy, "descending": descending,
            "train_time": train_time}


if __name__ == "__main__":
    main()
