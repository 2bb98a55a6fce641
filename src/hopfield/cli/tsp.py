"""``hopfield tsp``: solve a travelling-salesman instance with a Hopfield network."""

from __future__ import annotations

import sys

import numpy as np

from ._common import HelpFormatter, add_figure_args, check_flag, figure_target

#: cities drawn when neither a file nor --cities is given
DEFAULT_CITIES = 30


def add_parser(sub) -> None:
    """Register the subcommand."""
    p = sub.add_parser(
        "tsp",
        help="travelling salesman with a Hopfield network (TSPLIB file or random cities)",
        description="Solve a TSP with a Hopfield network: Potts mean-field annealing (default; "
        "always a valid tour) or the original Hopfield-Tank (1985) network (often no valid tour), "
        "optionally polished by 2-opt / Or-opt local search. Reads a TSPLIB EUC_2D file "
        "(nint-rounded distances) or draws --cities random cities in the unit square "
        f"({DEFAULT_CITIES} when neither is given). Writes a figure of the tours. For production "
        "TSP use LKH (elkai) or OR-Tools: see BENCHMARKS.md.",
        formatter_class=HelpFormatter,
    )
    p.add_argument("file", nargs="?", help="TSPLIB .tsp file (EUC_2D)")
    p.add_argument("--cities", type=int, default=None,
                   help=f"number of random cities in the unit square (default: {DEFAULT_CITIES} "
                   "when no file is given)")
    p.add_argument("--seed", type=int, default=0, help="random seed (cities and network)")
    p.add_argument("--method", choices=("potts", "hopfield-tank"), default="potts",
                   help="network")
    p.add_argument("--time-limit", type=float, default=1.0,
                   help="seconds of network runs, for either method (kernels are compiled before "
                   "the clock starts)")
    p.add_argument("--replicas", type=int, default=None,
                   help="number of network runs (default: as many as fit the time limit for "
                   "potts, 20 for hopfield-tank)")
    p.add_argument("--polish", choices=("none", "2opt", "oropt", "2opt+oropt"), default="2opt+oropt",
                   help="local search applied to the network tours, reported separately")
    p.add_argument("--optimum", type=float, default=None,
                   help="known optimal tour length, to print the gaps")
    add_figure_args(p, "hopfield_tsp.png")
    p.set_defaults(run=run)


def _gap(length: float, optimum: float | None) -> str:
    if optimum is None or not np.isfinite(length):
        return ""
    return f"  (gap {100.0 * (length / optimum - 1.0):+.2f} % to optimum {optimum:g})"


def _check(args) -> None:
    if args.file is not None and args.cities is not None:
        raise ValueError("give either a TSPLIB file or --cities N, not both.")
    check_flag(args.cities, "cities", minimum=3)
    check_flag(args.time_limit, "time-limit", above=0)
    check_flag(args.replicas, "replicas", minimum=1)
    check_flag(args.optimum, "optimum", above=0)
    figure_target(args)  # a bad --output fails now, not after the run


def run(args) -> int:
    """Run the subcommand."""
    import hopfield as hf

    _check(args)
    if args.file is not None:
        inst = hf.optimize.read_tsplib(args.file)
        coords, distances, name = inst.coords, inst.distances, inst.name
        kind = "TSPLIB EUC_2D, nint distances"
    else:
        n_cities = DEFAULT_CITIES if args.cities is None else args.cities
        coords = np.random.default_rng(args.seed).random((n_cities, 2))
        distances, name, kind = None, f"random{n_cities}", f"uniform in the unit square, seed {args.seed}"
    polish = None if args.polish == "none" else args.polish
    print(f"{name}: {coords.shape[0]} cities ({kind}). Running {args.method} for up to "
          f"{args.time_limit:g} s (kernels compile first, on a cold cache)...", file=sys.stderr,
          flush=True)
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
    path = figure_target(args)
    if path is not None:
        labels = [f"network ({res.method}): {res.length:.6g}{_gap(res.length, args.optimum)}",
                  f"+ {polish}: {res.polished_length:.6g}{_gap(res.polished_length, args.optimum)}"]
        best_len = res.polished_length if res.polished_tour is not None else res.length
        title = f"{name}, {n} cities: {res.method}, {res.n_runs} runs"
        if np.isfinite(best_len):
            title += f", best {best_len:.6g}{_gap(best_len, args.optimum)}"
        else:
            title += ", no valid tour"
        hf.plot.tsp_figure(coords, [res.tour, res.polished_tour], labels=labels,
                           energy_trace=res.energy_trace, title=title,
                           V=res.V if res.method == "hopfield-tank" else None, path=path)
        print(f"Figure written to {path}")
    return 0 if res.valid else 1
