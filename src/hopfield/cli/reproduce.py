"""``hopfield reproduce``: regenerate the classic results of the literature and check them against
the published numbers (figures, a Markdown report per result and an index page)."""

from __future__ import annotations

import sys
from pathlib import Path

from ._common import HelpFormatter, Progress, check_flag


def add_parser(sub) -> None:
    """Register the subcommand."""
    p = sub.add_parser(
        "reproduce",
        help="regenerate classic published results and compare them with the papers",
        description="Run the reproductions of classic Hopfield-network results (Hopfield 1982, "
        "Amit-Gutfreund-Sompolinsky, McEliece et al., Storkey, Krotov-Hopfield, Demircigil et al., "
        "Ramsauer et al., Hopfield-Tank, ...). Each writes PNG/SVG figures and a Markdown report "
        "with the published value, the measured value with its Monte-Carlo error and a verdict; "
        "an index.md lists them all. NAME is a reproduction from --list, or 'all'; with no NAME the "
        "list is printed.",
        formatter_class=HelpFormatter,
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="reproductions to run, or 'all'")
    p.add_argument("--list", action="store_true", help="list the reproductions and exit")
    p.add_argument("--quick", action="store_true",
                   help="small sizes and few trials (the test-suite version, seconds each)")
    p.add_argument("--out", default="reproductions", help="output directory")
    p.add_argument("--seed", type=int, default=0, help="root random seed")
    p.add_argument("--workers", type=int, default=1,
                   help="local worker processes for the trials (1: run in this process)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="Dask scheduler address: run the trials on that cluster")
    p.add_argument("--formats", default="png,svg", help="comma-separated figure formats")
    p.set_defaults(run=run)


def run(args) -> int:
    """List, or run the named reproductions and write their reports and the index."""
    from .. import reproduce
    from .capacity import _executor

    check_flag(args.workers, "workers", minimum=1)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    for f in formats:
        if f not in ("png", "svg", "pdf"):
            raise ValueError(f"--formats takes png, svg and pdf; got {f!r}.")
    if args.list or not args.names:
        width = max(len(n) for n in reproduce.REPRODUCTIONS)
        for name in reproduce.REPRODUCTIONS:
            print(f"{name:<{width}}  {reproduce.describe(name)}")
        return 0
    names = list(reproduce.REPRODUCTIONS) if args.names == ["all"] else args.names
    for name in names:
        if name not in reproduce.REPRODUCTIONS:
            raise ValueError(f"unknown reproduction {name!r}; choose from "
                             f"{', '.join(reproduce.REPRODUCTIONS)} or 'all'")
    out = Path(args.out)
    executor, close = _executor(args)
    results = []
    try:
        for name in names:
            res = reproduce.run(name, quick=args.quick, seed=args.seed, out=out,
                                executor=executor, progress=Progress, formats=formats)
            results.append(res)
            _summary(res)
    finally:
        if close is not None:
            close()
    index = reproduce.write_index(results, out)
    total = sum(len(r.rows) for r in results)
    ok = sum(r.n_reproduced for r in results)
    print(f"{ok}/{total} published values reproduced; reports in {out}, index {index}")
    return 0


def _summary(res) -> None:
    print(f"== {res.name}: {res.title} ({res.run_time:.1f} s) — "
          f"{res.n_reproduced}/{len(res.rows)} reproduced")
    for r in res.rows:
        mark = "ok " if r.reproduced else "NOT"
        err = f" ± {r.error:.3g}" if r.error > 0 else ""
        print(f"   [{mark}] {r.quantity}: published {r.relation} {r.published_text or f'{r.published:.4g}'}"
              f"; measured {r.measured:.4g}{err}")
    sys.stdout.flush()
