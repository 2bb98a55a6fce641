"""``hopfield demo``: store letters, corrupt them, recall them, show the grids and a figure."""

from __future__ import annotations

import numpy as np

from ._common import HelpFormatter, add_figure_args, check_flag, figure_target

DEFAULT_LETTERS = "TIUZ"


def add_parser(sub) -> None:
    """Register the subcommand."""
    p = sub.add_parser(
        "demo",
        help="store letters (T and I among them), corrupt and recall them",
        description="Store a few 7×7 letters in a classical Hopfield network (projection rule by "
        "default: letters are strongly correlated, which defeats Hebb), flip a fraction of each "
        "letter's pixels, recall, and print probe / recalled / target grids with "
        "the overlap and energy. Also writes a PNG figure.",
        formatter_class=HelpFormatter,
    )
    p.add_argument("--letters", default=DEFAULT_LETTERS, help="letters to store (A–Z)")
    p.add_argument("--noise", type=float, default=0.2, help="fraction of pixels flipped per probe")
    p.add_argument("--update", choices=("async", "sequential", "sync"), default="async",
                   help="update schedule")
    p.add_argument("--rule", choices=("hebb", "storkey", "pseudoinverse"), default="pseudoinverse",
                   help="learning rule")
    p.add_argument("--scale", type=int, default=1, help="enlarge each 7×7 letter by this factor")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    add_figure_args(p, "hopfield_demo.png")
    p.set_defaults(run=run)


def _grid(v: np.ndarray, shape) -> list[str]:
    return ["".join("█" if x > 0 else "·" for x in row) for row in v.reshape(shape)]


def run(args) -> int:
    """Run the demo."""
    import hopfield as hf

    check_flag(args.noise, "noise", minimum=0, maximum=1)
    check_flag(args.scale, "scale", minimum=1)
    path = figure_target(args)
    letters = args.letters.upper()
    data = hf.datasets.letters(letters, scale=args.scale)
    rng = np.random.default_rng(args.seed)
    net = hf.HopfieldNetwork(data.patterns.shape[1], rule=args.rule)
    net.store(data.patterns)
    probes = hf.patterns.flip(data.patterns, args.noise, rng=rng)
    res = net.recall(probes, update=args.update, trace=True, rng=rng)
    print(f"Stored {len(letters)} letters ({net.n_neurons} neurons, {args.rule} rule); "
          f"flipped {args.noise:.0%} of pixels; {args.update} updates.\n")
    for k, name in enumerate(data.names):
        m0 = hf.patterns.overlap(probes[k], data.patterns[k])
        m1 = hf.patterns.overlap(res.states[k], data.patterns[k])
        e0, e1 = res.energy_trace[k, 0], res.energy[k]
        ok = "recalled" if m1 == 1.0 else ("recalled (negated)" if m1 == -1.0 else "not recalled")
        print(f"{name}: overlap {m0:+.2f} -> {m1:+.2f}   energy {e0:8.3f} -> {e1:8.3f}   "
              f"{res.sweeps[k]} sweeps, {ok}")
        cols = zip(_grid(probes[k], data.shape), _grid(res.states[k], data.shape),
                   _grid(data.patterns[k], data.shape), strict=True)
        width = data.shape[1]
        print(f"  {'probe':<{width}}   {'recalled':<{width}}   {'target':<{width}}")
        for a, b, c in cols:
            print(f"  {a}   {b}   {c}")
        print()
    exact = int(np.sum(np.all(res.states == data.patterns, axis=1)))
    print(f"{exact}/{len(letters)} letters recalled exactly.")
    if path is not None:
        traces = [t[: n + 1] for t, n in zip(res.energy_trace, res.sweeps, strict=True)]
        hf.plot.recall_figure(data.patterns, probes, res.states, data.shape, names=data.names,
                              energy_traces=traces, path=path)
        print(f"Figure written to {path}")
    return 0
