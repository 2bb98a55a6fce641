"""The continuous Hopfield network, and the travelling salesman with 4 and 10 cities.

Hopfield (1984) made the neurons graded: C du/dt = -u/R + W g(u) + I with V = g(u) = tanh(λu). For
symmetric W the energy E = -½VᵀWV - IᵀV + Σ (1/R) ∫ g⁻¹ never rises (THEORY.md §5). The gain λ
plays the part of the inverse temperature: V = 0 is stable while λ times the largest eigenvalue of W
is below 1 (about 1 for the 1/N Hebb weights at small load), so below λ ≈ 1 every probe decays to
V = 0; above it the network recalls, and as λ grows the outputs go to the corners ±1 of the
hypercube, where the fixed points are those of the binary network.

Hopfield & Tank (1985) turned the same dynamics into a TSP heuristic: V[X, i] = "city X is at
position i", with penalty terms A, B, C for invalid tours and D × the tour length (THEORY.md §6).
The published parameters (A = B = 500, C = 200, D = 500, ñ = 15) are for 10 cities and are
notoriously fragile (Wilson & Pawley 1988 could not reproduce the published success rate). This
tutorial shows:

1. Continuous recall of 5 patterns in 100 neurons at several gains: energy traces, and |V| and
   the overlap against the gain.
2. Four cities: the fraction of Hopfield–Tank runs that end on a valid tour against the distance
   weight D (ñ = 1.5 n, as in the 10-city setting) — the penalty balance decides everything.
3. Ten cities (the standard instance, optimum 2.6907 by brute force): Hopfield–Tank with the
   published parameters against Potts mean-field annealing (Peterson & Söderberg 1989), raw and
   after 2-opt.

For real TSP instances use a dedicated solver (LKH via ``elkai``, OR-Tools, Concorde), not a
Hopfield network; see the comparison page of the documentation.

    python examples/continuous_tsp.py --output figures/ [--fast]

``--output`` is a directory (the figure is written there as ``continuous_tsp.png``) or a ``.png``
path.
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np

import hopfield as hf
import hopfield.optimize as opt

NAME = "continuous_tsp"

#: the standard 10-city instance (THEORY.md §6; attributed to Wilson & Pawley)
TEN_CITIES = np.array([
    (0.4000, 0.4439), (0.2439, 0.1463), (0.1707, 0.2293), (0.2293, 0.7610), (0.5171, 0.9414),
    (0.8732, 0.6536), (0.6878, 0.5219), (0.8488, 0.3609), (0.6683, 0.2536), (0.6195, 0.2634),
])
FOUR_CITIES = np.array([(0.1, 0.2), (0.8, 0.1), (0.9, 0.7), (0.2, 0.9)])


def brute_force(coords: np.ndarray) -> tuple[np.ndarray, float]:
    """Shortest closed tour by enumeration (city 0 first): fine up to ~10 cities."""
    d = np.linalg.norm(coords[:, None] - coords[None], axis=-1)
    rest = np.array(list(itertools.permutations(range(1, len(coords)))))
    tours = np.hstack([np.zeros((len(rest), 1), dtype=rest.dtype), rest])
    lengths = d[tours, np.roll(tours, -1, axis=1)].sum(axis=1)
    best = int(np.argmin(lengths))
    return tours[best], float(lengths[best])


def continuous_recall(gains, rng_seed: int) -> dict:
    """Recall 5 Hebb patterns in N = 100 graded neurons from 20 %-flipped probes at each gain."""
    x = hf.patterns.random(5, 100, rng=rng_seed)
    w = hf.rules.hebb(x)
    v0 = 0.5 * hf.patterns.flip(x, 0.2, rng=rng_seed + 1)  # outputs strictly inside (-1, 1)
    rows, traces = [], {}
    for gain in gains:
        net = hf.ContinuousHopfieldNetwork(w, gain=float(gain))
        res = net.run(V0=v0, steps=2000, dt=0.01, save_every=20)
        v = res.final_outputs
        rows.append((float(np.abs(v).mean()), float(np.mean(np.sum(v * x, axis=1) / x.shape[1]))))
        traces[float(gain)] = (res.times, res.energies[:, 0])
    return {"rows": np.array(rows), "traces": traces,
            "max_rise": max(float(np.max(np.diff(e))) for _, e in traces.values())}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--output", default=".", help="directory or .png path for the figure")
    ap.add_argument("--fast", action="store_true", help="fewer gains, runs and a shorter integration")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    seed = args.seed
    gains = [0.5, 1.5, 3.0, 10.0] if args.fast else [0.5, 0.8, 1.2, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0]
    d_values = [50, 200, 300, 500] if args.fast else [25, 50, 100, 150, 200, 250, 300, 400, 500]
    replicas = 10 if args.fast else 40
    t_max = 0.02 if args.fast else 0.05

    # -- 1. continuous recall
    cont = continuous_recall(gains, seed)
    print("continuous network, N = 100, P = 5, probes with 20 % flipped bits")
    print(f"{'gain':>6} {'mean |V|':>9} {'overlap':>8}")
    for g, (absv, m) in zip(gains, cont["rows"], strict=True):
        print(f"{g:6.1f} {absv:9.3f} {m:8.3f}")
    print(f"largest energy increase along the runs: {cont['max_rise']:.1e}")

    # -- 2. four cities: valid-tour rate against D
    _, four_len = brute_force(FOUR_CITIES)
    four = {}
    for k, d in enumerate(d_values):
        res = opt.solve_tsp(FOUR_CITIES, method=opt.HopfieldTank(D=float(d), n_tilde=6.0, t_max=t_max),
                            replicas=replicas, rng=seed + k)
        four[d] = res
    print(f"\n4 cities (optimum {four_len:.4f}), Hopfield–Tank with ñ = 6, {replicas} runs each:")
    for d, res in four.items():
        print(f"  D = {d:4d}: {100 * res.valid_rate:5.1f} % valid, best {res.length:.4f}")

    # -- 3. ten cities: published Hopfield–Tank parameters vs Potts mean-field annealing
    ten_opt, ten_len = brute_force(TEN_CITIES)
    ht = opt.solve_tsp(TEN_CITIES, method=opt.HopfieldTank(t_max=t_max), replicas=replicas, polish="2opt",
                       rng=seed + 100)
    potts = opt.solve_tsp(TEN_CITIES, method="potts", replicas=max(4, replicas // 4), polish="2opt",
                          rng=seed + 101)
    print(f"\n10 cities, brute-force optimum {ten_len:.4f}")
    for name, res in (("Hopfield–Tank", ht), ("Potts", potts)):
        print(f"  {name:>13}: {100 * res.valid_rate:5.1f} % of {res.n_runs} runs valid; best network tour "
              f"{res.length:.4f}, after 2-opt {res.polished_length:.4f} ({res.network_time:.1f} s)")

    path = hf.plot.figure_path(args.output, NAME)
    _figure(gains, cont, four, four_len, (ht, potts), ten_opt, ten_len, path)
    print(f"figure: {path}")
    return {"continuous": cont, "gains": gains, "four": four, "four_optimum": four_len,
            "ten_optimum": ten_len, "hopfield_tank": ht, "potts": potts, "figure": path}


def _draw_tour(ax, coords, tour, style, label):
    closed = np.append(tour, tour[0])
    ax.plot(coords[closed, 0], coords[closed, 1], style, label=label)


def _figure(gains, cont, four, four_len, ten, ten_opt, ten_len, path) -> None:
    fig, ax = hf.plot.new_figure(2, 3, figsize=(15, 8.5))
    a = ax[0, 0]
    for gain, (t, e) in cont["traces"].items():
        a.plot(t, e, label=f"gain λ = {gain:g}")
    a.set(xlabel="time", ylabel="energy E", title="continuous recall: the energy never rises")
    a.legend(fontsize=8)

    a = ax[0, 1]
    a.semilogx(gains, cont["rows"][:, 0], "o-", label="mean |V|")
    a.semilogx(gains, cont["rows"][:, 1], "s-", label="overlap with the pattern")
    a.axvline(1.0, color="grey", lw=0.8)
    a.set(xlabel="gain λ", ylim=(-0.05, 1.05), title="gain: λ ≲ 1 decays to 0, λ → ∞ gives ±1 corners")
    a.legend(fontsize=8)

    a = ax[0, 2]
    ds = list(four)
    a.plot(ds, [four[d].valid_rate for d in ds], "o-", color="C3")
    a.set(xlabel="distance weight D (A = B = 500, C = 200, ñ = 6)", ylabel="runs ending on a valid tour",
          ylim=(-0.05, 1.05), title="4 cities: the penalty balance decides")

    a = ax[1, 0]
    best_d = max(ds, key=lambda d: four[d].valid_rate)
    if four[best_d].tour is not None:
        label = f"network, D = {best_d}: {four[best_d].length:.3f}"
        _draw_tour(a, FOUR_CITIES, four[best_d].tour, "o-", label)
    a.set(title=f"4 cities (optimum {four_len:.3f})", aspect="equal")
    a.legend(fontsize=8)

    ht, potts = ten
    a = ax[1, 1]
    _draw_tour(a, TEN_CITIES, ten_opt, "k-", f"optimum {ten_len:.4f}")
    if ht.tour is not None:
        _draw_tour(a, TEN_CITIES, ht.tour, "C0--", f"Hopfield–Tank {ht.length:.4f}")
    _draw_tour(a, TEN_CITIES, potts.tour, "C1:", f"Potts {potts.length:.4f}")
    a.set(title="10 cities: best network tours", aspect="equal")
    a.legend(fontsize=8, loc="lower right")

    a = ax[1, 2]
    for k, (name, res) in enumerate((("Hopfield–Tank", ht), ("Potts", potts))):
        lengths = res.run_lengths[np.isfinite(res.run_lengths)]
        a.plot(np.full(lengths.size, k) + np.linspace(-0.15, 0.15, lengths.size), lengths, "o", ms=4,
               label=f"{name}: {100 * res.valid_rate:.0f} % valid")
    a.axhline(ten_len, color="k", lw=0.8, label="optimum")
    a.set(xticks=[0, 1], xticklabels=["Hopfield–Tank", "Potts"], ylabel="tour length of each valid run",
          title="10 cities: every valid run")
    a.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
