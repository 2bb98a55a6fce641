"""``hopfield tsp``: solve a travelling-salesman instance with a Hopfield network."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np


def add_parser(sub) -> None:
    """Register the subcommand."""
    p = sub.add_parser(
        "tsp",
        help="travelling salesman with a Hopfield network (TSPLIB file or random cities)",
        description="Solve a TSP with a Hopfield network: Potts mean-field annealing (default; "
        "always a valid tour) or the original Hopfield-Tank (1985) network (often no valid tour), "
        "optionally polished by 2-opt / Or-opt local search. Reads a TSPLIB EUC_2D file "
        "(nint-rounded distances) or draws --cities random cities in the unit square. For "
        "production TSP use LKH (elkai) or OR-Tools: see BENCHMARKS.md.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("file", nargs="?", help="TSPLIB .tsp file (EUC_2D)")
    p.add_argument("--cities", type=int, default=None,
                   help="number of random cities in the unit square (instead of a file)")
    p.add_argument("--seed", type=int, default=0, help="random seed (cities and network)")
    p.add_argument("--method", choices=("potts", "hopfield-tank"), default="potts",
                   help="network")
    p.add_argument("--time-limit", type=float, default=1.0,
                   help="seconds of network runs (potts keeps starting runs until it is used)")
    p.add_argument("--replicas", type=int, default=None,
                   help="number of network runs (default: as many as fit the time limit for "
                   "potts, 20 for hopfield-tank)")
    p.add_argument("--polish", choices=("none", "2opt", "oropt", "2opt+oropt"), default="2opt+oropt",
                   help="local search applied to the network tours, reported separately")
    p.add_argument("--optimum", type=float, default=None,
                   help="known optimal tour length, to print the gaps")
    p.add_argument("--output", default="", help="PNG of the tours over the cities ('' for none)")
    p.set_defaults(run=run)


def _gap(length: float, optimum: float | None) -> str:
    if optimum is None or not np.isfinite(length):
        return ""
    return f"  (gap {100.0 * (length / optimum - 1.0):+.2f} % to optimum {optimum:g})"


def run(args) -> int:
    """Run the subcommand."""
    import hopfield as hf

    if (args.file is None) == (args.cities is None):
        raise ValueError("give either a TSPLIB file or --cities N (not both).")
    if args.optimum is not None and not args.optimum > 0:
        raise ValueError(f"--optimum must be positive; got {args.optimum}.")
    if args.file is not None:
        inst = hf.optimize.read_tsplib(args.file)
        coords, distances, name = inst.coords, inst.distances, inst.name
        kind = "TSPLIB EUC_2D, nint distances"
    else:
        if args.cities < 3:
            raise ValueError(f"--cities must be at least 3; got {args.cities}.")
        coords = np.random.default_rng(args.seed).random((args.cities, 2))
        distances, name, kind = None, f"random{args.cities}", "uniform in the unit square"
    polish = None if args.polish == "none" else args.polish
    res = hf.optimize.solve_tsp(
        coords if distances is None else None,
        distances=distances,
        method=args.method,
        polish=polish,
        replicas=args.replicas,
        time_limit=args.time_limit,
        rng=args.seed,
    )
    n = coords.shape[0]
    print(f"{name}: {n} cities ({kind}); method {res.method}, {res.n_runs} network runs in "
          f"{res.network_time:.2f} s.")
    print(res.message)
    print(f"valid tours: {res.valid_rate:.0%} of runs "
          f"({res.threshold_valid_rate:.0%} were permutation matrices before any decoding)")
    if res.tour is not None:
        print(f"network tour length:  {res.length:.6g}{_gap(res.length, args.optimum)}")
    else:
        print("network tour length:  no valid tour")
    if res.polished_tour is not None:
        print(f"polished ({polish}) length: {res.polished_length:.6g}"
              f"{_gap(res.polished_length, args.optimum)}  [{res.polish_time:.3f} s]")
    best = res.best_tour
    if best is not None:
        print("tour: " + " ".join(str(int(c) + (1 if args.file else 0)) for c in best)
              + ("  (TSPLIB city numbers)" if args.file else ""))
    if args.output:
        path = Path(args.output)
        labels = [f"network ({res.method}): {res.length:.6g}",
                  f"+ {polish}: {res.polished_length:.6g}"]
        hf.plot.tsp_figure(coords, [res.tour, res.polished_tour], labels=labels,
                           energy_trace=res.energy_trace, path=path)
        print(f"Figure written to {path}")
    return 0 if res.valid else 1
