"""``hopfield capacity``: capacity curves of learning rules, as CSV and a PNG with theory lines."""

from __future__ import annotations

from pathlib import Path

from ._common import HelpFormatter, Progress, check_flag

__all__ = ["Progress", "add_parser", "parse_loads", "run"]


def add_parser(sub) -> None:
    """Register the subcommand."""
    p = sub.add_parser(
        "capacity",
        help="capacity curves (recall vs load P/N) of learning rules",
        description="For each learning rule and load α = P/N, store P random patterns, recall "
        "each from a noisy copy, and measure the exact-recall rate, final overlap, wrong bits, "
        "the fraction of patterns that are fixed points (McEliece's 'most memories stable') and "
        "the fraction of trials in which all of them are ('every memory stable'), over several "
        "trials; each trial measures all loads on one growing pattern set. Writes "
        "capacity.csv and capacity.png (theory lines: AGS 0.138 N, McEliece N/(2 ln N) and "
        "N/(4 ln N), Storkey N/sqrt(2 ln N)).",
        formatter_class=HelpFormatter,
    )
    p.add_argument("--rules", default="hebb,storkey,pseudoinverse",
                   help="comma-separated learning rules")
    p.add_argument("--neurons", type=int, default=200, help="number of neurons N")
    p.add_argument("--loads", default="0.02:0.36:18",
                   help="loads α: START:STOP:COUNT (evenly spaced) or a comma-separated list")
    p.add_argument("--trials", type=int, default=10, help="trials per load")
    p.add_argument("--noise", type=float, default=0.05,
                   help="fraction of bits flipped per probe (with 0, exact recall and fixed points "
                   "coincide)")
    p.add_argument("--update", choices=("async", "sequential", "sync"), default="async",
                   help="update schedule")
    p.add_argument("--probes-per-trial", type=int, default=None, metavar="K",
                   help="probe only K stored patterns per trial (default: all P)")
    p.add_argument("--seed", type=int, default=0, help="random seed (same pattern sets per rule)")
    p.add_argument("--workers", type=int, default=1,
                   help="local worker processes (1: run in this process)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="Dask scheduler address (e.g. tcp://host:8786): run trials on that cluster")
    p.add_argument("--output-dir", default=".", help="directory for capacity.csv and capacity.png")
    p.add_argument("--no-plot", action="store_true", help="skip the PNG")
    p.set_defaults(run=run)


def parse_loads(text: str):
    """``"0.02:0.3:15"`` -> 15 evenly spaced loads; ``"0.05,0.1"`` -> a list."""
    import numpy as np

    try:
        if ":" in text:
            start, stop, count = text.split(":")
            if int(count) < 1:
                raise ValueError
            return np.linspace(float(start), float(stop), int(count))
        return np.array([float(v) for v in text.split(",") if v.strip()])
    except ValueError:
        raise ValueError(f"--loads must be START:STOP:COUNT or a comma-separated list of floats; "
                         f"got {text!r}") from None


def _executor(args):
    """(executor, closer) from --scheduler / --workers."""
    if args.scheduler:
        try:
            from distributed import Client
        except ImportError:
            raise ValueError("--scheduler needs dask.distributed: pip install 'hopfield[dask]'") from None
        client = Client(args.scheduler)
        return client.get_executor(), client.close
    if args.workers == 1:
        from ..analysis import InProcessExecutor

        return InProcessExecutor(), None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(args.workers, mp_context=multiprocessing.get_context("spawn"))
    return pool, pool.shutdown


def _check(args):
    """Every option, before any work: (rules, loads)."""
    import hopfield as hf

    rules = [r.strip() for r in args.rules.split(",") if r.strip()]
    if not rules:
        raise ValueError("--rules is empty")
    for r in rules:
        if r not in hf.rules.RULES:
            raise ValueError(f"--rules: unknown rule {r!r}; choose from {', '.join(hf.rules.RULES)}")
    check_flag(args.neurons, "neurons", minimum=2)
    check_flag(args.trials, "trials", minimum=1)
    check_flag(args.noise, "noise", minimum=0, below=1)
    check_flag(args.probes_per_trial, "probes-per-trial", minimum=1)
    check_flag(args.workers, "workers", minimum=1)
    loads = parse_loads(args.loads)
    if loads.size == 0 or not ((loads > 0).all() and (loads * args.neurons >= 0.5).all()):
        raise ValueError(f"--loads must be positive and give at least one pattern at "
                         f"--neurons {args.neurons}; got {args.loads!r}.")
    return rules, loads


def run(args) -> int:
    """Measure the curves, write CSV and PNG, print a summary."""
    import hopfield as hf

    rules, loads = _check(args)
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    executor, close = _executor(args)
    curves = []
    try:
        for rule in rules:
            curves.append(hf.analysis.capacity_curve(
                rule, args.neurons, loads, trials=args.trials, noise=args.noise,
                update=args.update, probes_per_trial=args.probes_per_trial, rng=args.seed,
                executor=executor, progress=Progress(rule)))
    finally:
        if close is not None:
            close()
    csv = out / "capacity.csv"
    text = curves[0].to_csv()
    for c in curves[1:]:
        text += "".join(c.to_csv().splitlines(keepends=True)[1:])
    csv.write_text(text, encoding="utf-8")
    n = args.neurons
    an = hf.analysis
    print(f"N = {n}, {args.trials} trials per load, noise {args.noise}, {args.update} updates")
    print(f"theory: AGS alpha_c N = {an.ags_capacity().alpha_c * n:.1f} patterns; McEliece "
          f"N/(4 ln N) = {an.mceliece_capacity(n, all_patterns=True):.1f} (all stable), "
          f"N/(2 ln N) = {an.mceliece_capacity(n):.1f} (most stable); Storkey N/sqrt(2 ln N) = "
          f"{an.storkey_capacity(n):.1f}")
    print("fixed: fraction of patterns that are fixed points (most stable); all fixed: fraction "
          "of trials where every pattern is (all stable)")
    print(f"{'rule':<14} {'alpha':>6} {'P':>5} {'fixed':>7} {'all fixed':>9} {'recall':>7} "
          f"{'bits ok':>8}")
    for c in curves:
        for k in range(len(c)):
            print(f"{c.rule:<14} {c.load[k]:6.3f} {c.n_patterns[k]:5d} {c.fixed_fraction[k]:7.3f} "
                  f"{c.all_fixed_rate[k]:9.3f} {c.recall_rate[k]:7.3f} {1 - c.bit_error[k]:8.4f}")
    print(f"CSV written to {csv}")
    if not args.no_plot:
        png = out / "capacity.png"
        hf.plot.capacity_figure(curves, path=png)
        print(f"Figure written to {png}")
    return 0
