"""Modern Hopfield retrieval: one step, the role of β, metastable states, and attention.

The modern Hopfield network of Ramsauer et al. (ICLR 2021) stores continuous patterns x_i (rows of
``patterns``) with the energy E(ξ) = -lse(β, Xᵀξ) + ½ξᵀξ + const and the update
ξ ← X softmax(β Xᵀξ). This tutorial shows (THEORY.md §8):

1. One-step retrieval: 1000 patterns of dimension 64 with norm 8 are well separated; a query that
   is a pattern plus Gaussian noise lands on it in ONE update, to about 1e-12.
2. β decides what the fixed points are. With clustered patterns (8 clusters of 16), a large β
   retrieves single patterns, an intermediate β gives metastable states (the mean of one cluster),
   a small β the global average of all patterns. The panel shows how many patterns carry 90 % of
   the softmax weight at the fixed point (k̄) and the distance to the pattern, its cluster mean and
   the global mean.
3. Every update lowers the energy (CCCP; Theorems 1–2).
4. The update is transformer attention: softmax(QKᵀ/√d_k)V with K = V = the stored patterns and
   β = 1/√d_k, and with learned projections W_Q, W_K, W_V (eq. 10). This part runs in PyTorch on
   torch tensors; it is skipped (with a message) if torch is not installed.

    python examples/modern_retrieval.py --output figures/ [--fast]

``--output`` is a directory (the figure is written there as ``modern_retrieval.png``) or a ``.png``
path.
"""

from __future__ import annotations

import argparse
import importlib.util

import numpy as np

import hopfield as hf

NAME = "modern_retrieval"


def one_step_retrieval(n_patterns: int, dim: int, rng: np.random.Generator) -> dict:
    """Ramsauer et al.'s regime of one-step retrieval: norm-8 Gaussian patterns, noisy queries."""
    x = rng.standard_normal((n_patterns, dim))
    x *= 8.0 / np.linalg.norm(x, axis=1, keepdims=True)
    net = hf.ModernHopfieldNetwork(x, beta=1.0)
    idx = rng.integers(n_patterns, size=50)
    queries = x[idx] + 0.3 * rng.standard_normal((idx.size, dim))
    res = net.retrieve(queries, steps=1)
    error = np.linalg.norm(res.states - x[idx], axis=1)
    distance = np.linalg.norm(queries - x[idx], axis=1)
    return {"max_error": float(error.max()), "query_distance": float(distance.mean()),
            "min_separation": float(np.min(net.separation()))}


def beta_sweep(betas, n_clusters: int, per_cluster: int, dim: int, rng: np.random.Generator) -> dict:
    """Fixed points of clustered patterns against β: single pattern, metastable, global average.

    The patterns lie on a sphere (equal norms), so the largest dot product is the nearest pattern.
    """
    centres = rng.standard_normal((n_clusters, dim))
    x = np.repeat(centres, per_cluster, axis=0) + 0.35 * rng.standard_normal((n_clusters * per_cluster, dim))
    x *= np.sqrt(dim) / np.linalg.norm(x, axis=1, keepdims=True)  # on a sphere, as in the paper
    cluster_mean = x.reshape(n_clusters, per_cluster, dim).mean(axis=1)
    idx = rng.integers(x.shape[0], size=24)
    queries = x[idx] + 0.05 * rng.standard_normal((idx.size, dim))
    rows = []
    traces = {}
    for beta in betas:
        net = hf.ModernHopfieldNetwork(x, beta=float(beta))
        res = net.retrieve(queries, steps=None, max_steps=500)
        fp = res.states
        cls = net.classify(fp, steps=0)
        rows.append((cls.k_median,
                     float(np.mean(np.linalg.norm(fp - x[idx], axis=1))),
                     float(np.mean(np.linalg.norm(fp - cluster_mean[idx // per_cluster], axis=1))),
                     float(np.mean(np.linalg.norm(fp - x.mean(axis=0), axis=1))),
                     cls.fixed_point_type))
        # energy along the iterates of one query, from a random start
        state = rng.standard_normal(dim)
        energies = [float(net.energy(state))]
        for _ in range(15):
            state = net.update(state)
            energies.append(float(net.energy(state)))
        traces[float(beta)] = np.array(energies)
    return {"rows": rows, "traces": traces, "n_patterns": x.shape[0]}


def attention_equivalence(rng: np.random.Generator) -> dict | None:
    """softmax(QKᵀ/√d_k)V == the Hopfield update, in torch (None without torch)."""
    if importlib.util.find_spec("torch") is None:
        return None
    import torch

    gen = torch.Generator().manual_seed(int(rng.integers(2**31)))
    d_model, d_k, n_keys, n_queries = 16, 8, 12, 5
    y = torch.randn(n_keys, d_model, generator=gen, dtype=torch.float64)       # stored (keys' source)
    r = torch.randn(n_queries, d_model, generator=gen, dtype=torch.float64)    # state patterns
    w_q, w_k, w_v = (torch.randn(d_model, d_k, generator=gen, dtype=torch.float64) for _ in range(3))
    q, k, v = r @ w_q, y @ w_k, y @ w_v
    beta = 1.0 / d_k**0.5
    attention = torch.softmax(q @ k.T * beta, dim=-1) @ v
    # Hopfield: the stored patterns are the keys; one update of the queries gives softmax(β q kᵀ) k,
    # and the same weights applied to the values give attention (eq. 10: Y W_K W_V).
    net = hf.ModernHopfieldNetwork(k, beta=beta)
    weights = net.attention(q)
    via_hopfield = weights @ v
    # K = V: the attention output IS the Hopfield update of the query
    same_kv = torch.softmax(q @ k.T * beta, dim=-1) @ k
    return {"max_diff": float((attention - via_hopfield).abs().max()),
            "max_diff_update": float((same_kv - net.update(q)).abs().max()),
            "is_torch": bool(isinstance(via_hopfield, torch.Tensor))}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--output", default=".", help="directory or .png path for the figure")
    ap.add_argument("--fast", action="store_true", help="fewer patterns and β values")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)

    one = one_step_retrieval(1000, 64, rng)
    print(f"one-step retrieval, N = 1000 patterns, d = 64, norm 8, β = 1: min separation Δ = "
          f"{one['min_separation']:.1f}; queries {one['query_distance']:.2f} away from their pattern "
          f"end {one['max_error']:.1e} away after ONE update")

    betas = np.logspace(-2, 1, 7 if args.fast else 19)
    sweep = beta_sweep(betas, 8, 16, 32, rng)
    print("\nclustered patterns (8 clusters × 16, d = 32), fixed points reached from near a pattern:")
    print(f"{'β':>8} {'k̄':>6} {'|ξ*-x|':>8} {'|ξ*-cluster|':>13} {'|ξ*-mean|':>10}  type")
    for beta, (k_med, d_pat, d_clu, d_all, kind) in zip(betas, sweep["rows"], strict=True):
        print(f"{beta:8.3f} {k_med:6.1f} {d_pat:8.3f} {d_clu:13.3f} {d_all:10.3f}  {kind}")
    rises = {b: float(np.max(np.diff(t))) for b, t in sweep["traces"].items()}
    print(f"largest energy increase along 15 updates, over all β: {max(rises.values()):.1e}")

    att = attention_equivalence(rng)
    if att is None:
        print("\ntorch is not installed: the attention-equivalence part is skipped")
    else:
        print(f"\ntorch: max |softmax(QKᵀ/√d_k)V − Hopfield weights · V| = {att['max_diff']:.1e}; "
              f"with K = V, max |attention − Hopfield update| = {att['max_diff_update']:.1e}")

    path = hf.plot.figure_path(args.output, NAME)
    _figure(betas, sweep, one, path)
    print(f"figure: {path}")
    return {"one_step": one, "betas": betas, "sweep": sweep, "energy_rise": max(rises.values()),
            "attention": att, "figure": path}


def _figure(betas, sweep, one, path) -> None:
    fig, ax = hf.plot.new_figure(1, 3, figsize=(15, 4.5))
    rows = sweep["rows"]
    a = ax[0]
    a.loglog(betas, [r[0] for r in rows], "o-")
    a.axhline(1, color="grey", lw=0.8)
    a.axhline(sweep["n_patterns"] / 2, color="grey", lw=0.8, ls="--")
    a.set(xlabel="β", ylabel="k̄ (patterns holding 90 % of the weight)",
          title=f"fixed points of {sweep['n_patterns']} clustered patterns")

    a = ax[1]
    a.semilogx(betas, [r[1] for r in rows], "o-", label="to its pattern")
    a.semilogx(betas, [r[2] for r in rows], "s-", label="to its cluster mean (metastable)")
    a.semilogx(betas, [r[3] for r in rows], "^-", label="to the global mean")
    a.set(xlabel="β", ylabel="distance of the fixed point", title="single pattern / metastable / average")
    a.legend(fontsize=8)

    a = ax[2]
    for beta, trace in sweep["traces"].items():
        a.plot(trace - trace[-1] + 1e-12, label=f"β = {beta:.2g}")
    a.set_yscale("log")
    a.set(xlabel="update", ylabel="E(ξᵗ) − E(ξ¹⁵)",
          title=f"energy never rises (one-step error at β = 1: {one['max_error']:.0e})")
    a.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
