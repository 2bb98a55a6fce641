"""``hopfield maxcut``: max-cut (G-set file or a random graph) or a Beasley QUBO, solved by
Hopfield-dynamics annealing, compared with the best-known value, with a PNG of the result."""

from __future__ import annotations

from pathlib import Path

from ._common import HelpFormatter, add_figure_args, check_flag, figure_target


def add_parser(sub) -> None:
    """Register the subcommand."""
    p = sub.add_parser(
        "maxcut",
        help="max-cut or QUBO by Hopfield-network annealing",
        description="Solve max-cut on a G-set instance file (or a random graph with --nodes and "
        "--density), or a Beasley QUBO (--qubo FILE), with many replicas of an annealed Hopfield "
        "network (Metropolis flips by default), each finished by a 1-flip descent. Prints the best "
        "value, the gap to --best-known and writes a PNG (best value over time, and the cut drawn "
        "on small graphs).",
        formatter_class=HelpFormatter,
    )
    p.add_argument("instance", nargs="?", default=None, help="G-set graph file (i j w lines)")
    p.add_argument("--qubo", default=None, metavar="FILE",
                   help="Beasley QUBO file (minimise x^T Q x) instead of a graph")
    p.add_argument("--nodes", type=int, default=60, help="random graph: number of nodes")
    p.add_argument("--density", type=float, default=0.1, help="random graph: edge probability")
    p.add_argument("--weights", choices=("unit", "pm1"), default="unit",
                   help="random graph: edge weights 1 or random ±1")
    p.add_argument("--method", choices=("metropolis", "glauber", "mean-field", "descent"),
                   default="metropolis", help="solver (see hopfield.optimize.METHODS)")
    p.add_argument("--time-limit", type=float, default=1.0, help="seconds (0: one round of --steps)")
    p.add_argument("--steps", type=int, default=None,
                   help="sweeps per replica (default: fit the time limit)")
    p.add_argument("--replicas", type=int, default=8, help="replicas per round")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.add_argument("--best-known", type=float, default=None,
                   help="known optimum: print the gap to it")
    add_figure_args(p, "hopfield_maxcut.png")
    p.set_defaults(run=run)


def _check(args) -> None:
    if args.qubo is not None and args.instance is not None:
        raise ValueError("give a graph instance or --qubo, not both")
    check_flag(args.nodes, "nodes", minimum=2)
    check_flag(args.density, "density", above=0, maximum=1)
    check_flag(args.time_limit, "time-limit", minimum=0)
    check_flag(args.steps, "steps", minimum=1)
    check_flag(args.replicas, "replicas", minimum=1)
    check_flag(args.best_known, "best-known")
    figure_target(args)


def run(args) -> int:
    """Run the solver and report."""
    import numpy as np

    import hopfield as hf
    from hopfield import optimize as opt

    _check(args)
    time_limit = args.time_limit if args.time_limit > 0 else None
    if time_limit is None and args.steps is None:
        args.steps = 1000
    options = dict(method=args.method, time_limit=time_limit, steps=args.steps,
                   replicas=args.replicas, rng=args.seed)
    print("Preparing the solver kernels (compiled once, then cached)...", flush=True)
    graph = None
    if args.qubo is not None:
        q = opt.read_beasley(args.qubo)
        opt.solve_qubo(q, steps=2, replicas=1, rng=0)
        name = Path(args.qubo).name
        print(f"QUBO {name}: n = {q.n}, {q.Q.nnz} non-zeros; minimise x^T Q x")
        res = opt.solve_qubo(q, **options)
        label = "objective"
    else:
        if args.instance is not None:
            graph = opt.read_gset(args.instance)
            name = Path(args.instance).name
        else:
            graph = opt.random_graph(args.nodes, args.density, weights=args.weights,
                                     rng=args.seed)
            name = f"random G({args.nodes}, {args.density:g}), {args.weights} weights"
        opt.solve_maxcut(graph, steps=2, replicas=1, rng=0)
        n_edges = graph.nnz // 2
        print(f"max-cut {name}: {graph.shape[0]} nodes, {n_edges} edges, "
              f"total weight {graph.sum() / 2:g}")
        res = opt.solve_maxcut(graph, **options)
        label = "cut"
    print(f"method {res.method}: {res.n_replicas} replicas in {res.elapsed:.2f} s "
          f"({res.message})")
    vals = res.replica_values
    print(f"best {label} {res.value:g}; replicas: mean {np.mean(vals):.1f}, "
          f"worst {np.max(vals) if res.sense == 'min' else np.min(vals):g}")
    if args.best_known is not None:
        bk = args.best_known
        gap = (bk - res.value) if res.sense == "max" else (res.value - bk)
        rel = 100.0 * gap / abs(bk) if bk else float("nan")
        status = "reached" if gap <= 0 else "not reached"
        print(f"best known {bk:g}: gap {gap:g} ({rel:.3f} %), {status}")
    path = figure_target(args)
    if path is not None:
        hf.plot.maxcut_figure(res, graph, best_known=args.best_known, path=path)
        print(f"Figure written to {path}")
    return 0
