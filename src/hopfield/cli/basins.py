"""``hopfield basins``: where random starts end (memories, negations, mixtures, other) and the
basin radius of each stored pattern."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ._common import HelpFormatter, add_figure_args, check_flag, figure_target


def add_parser(sub) -> None:
    """Register the subcommand."""
    p = sub.add_parser(
        "basins",
        help="random-start survey and basin radii of stored patterns",
        description="Store random patterns, run the network from many random states and count "
        "where they end (stored pattern, negated pattern, 3/5/7-mixture, near a memory, other "
        "stable state); then measure each pattern's basin radius: the largest Hamming distance "
        "from which probes are recalled exactly with at least the given probability. "
        "The defaults have the size of Hopfield's (1982) N = 30, n = 5 simulation, for which he "
        "reported that about 85% of random starts ended in assigned memories (including "
        "negations); this command measures one ±1 Hebb network with zero thresholds drawn from "
        "--seed, which is not his 0/1 network, and 5 patterns on 30 neurons are beyond its "
        "capacity: the fraction varies widely from network to network and is usually well below "
        "85%. It prints its own measurement beside the paper's figure. Writes basins.csv "
        "(recall probability against distance) and survey.csv.",
        formatter_class=HelpFormatter,
    )
    p.add_argument("--neurons", type=int, default=30, help="number of neurons N")
    p.add_argument("--patterns", type=int, default=5, help="number of stored patterns")
    p.add_argument("--rule", default="hebb", help="learning rule")
    p.add_argument("--starts", type=int, default=1000, help="random starts in the survey")
    p.add_argument("--trials", type=int, default=50, help="probes per pattern and distance")
    p.add_argument("--probability", type=float, default=0.9,
                   help="recall probability that defines the basin radius")
    p.add_argument("--update", choices=("async", "sequential", "sync"), default="async",
                   help="update schedule")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.add_argument("--output-dir", default=".", help="directory for basins.csv and survey.csv")
    add_figure_args(p, "hopfield_basins.png")
    p.set_defaults(run=run)


def _check(args) -> None:
    import hopfield as hf

    if args.rule not in hf.rules.RULES:
        raise ValueError(f"--rule: unknown rule {args.rule!r}; choose from {', '.join(hf.rules.RULES)}")
    check_flag(args.neurons, "neurons", minimum=2)
    check_flag(args.patterns, "patterns", minimum=1)
    check_flag(args.starts, "starts", minimum=1)
    check_flag(args.trials, "trials", minimum=1)
    check_flag(args.probability, "probability", above=0, maximum=1)
    figure_target(args)


def _stage(text: str, start: float) -> None:
    print(f"[{time.perf_counter() - start:6.1f} s] {text}", file=sys.stderr, flush=True)


def run(args) -> int:
    """Run the survey and the basin scan, print and write CSV."""
    import numpy as np

    import hopfield as hf

    _check(args)
    start = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    x = hf.patterns.random(args.patterns, args.neurons, rng=rng)
    net = hf.HopfieldNetwork(args.neurons, rule=args.rule)
    net.store(x)
    _stage(f"survey: {args.starts} random starts (the first run also compiles the kernels)...", start)
    survey = hf.analysis.random_start_survey(net, args.starts, update=args.update, rng=rng)
    print(f"N = {args.neurons}, {args.patterns} patterns ({args.rule}); {args.starts} random "
          f"starts, {args.update} updates:")
    order = ["pattern", "negated", "mixture-3", "mixture-5", "mixture-7", "near", "other",
             "unconverged"]
    kinds = order + sorted(set(survey.counts) - set(order))
    for k in kinds:
        if k in survey.counts:
            print(f"  {k:<12} {survey.counts[k]:6d}  {survey.counts[k] / survey.n_starts:6.1%}")
    print(f"  memories (incl. negations): {survey.fraction('pattern', 'negated'):.1%} for this one "
          f"network; {survey.n_distinct} distinct final states")
    print("  (Hopfield 1982, N = 30, n = 5, 0/1 neurons: about 85% memories, 10% other stable "
          "states, 5% near memories; one network's fraction varies widely, try other --seed)")
    _stage(f"basin radii: {args.trials} probes per pattern and distance...", start)
    basins = hf.analysis.basin_radius(net, probability=args.probability, trials=args.trials,
                                      update=args.update, rng=rng)
    _stage("done", start)
    print(f"Basin radius (recalled exactly with probability >= {args.probability}):")
    for mu, r in enumerate(basins.radius):
        print(f"  pattern {mu}: {r if r >= 0 else 'not a fixed point'}")
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    lines = ["distance," + ",".join(f"pattern_{mu}" for mu in range(args.patterns))]
    for j, d in enumerate(basins.radii):
        col = basins.success[:, j]
        if np.all(np.isnan(col)):
            break
        lines.append(f"{d}," + ",".join("" if np.isnan(v) else f"{v:.4g}" for v in col))
    (out / "basins.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    survey_lines = ["kind,count,fraction"] + [
        f"{k},{survey.counts[k]},{survey.counts[k] / survey.n_starts:.6g}"
        for k in kinds if k in survey.counts]
    (out / "survey.csv").write_text("\n".join(survey_lines) + "\n", encoding="utf-8")
    print(f"CSV written to {out / 'basins.csv'} and {out / 'survey.csv'}")
    path = figure_target(args)
    if path is not None:
        hf.plot.basins_figure(survey, basins, probability=args.probability, path=path)
        print(f"Figure written to {path}")
    return 0
