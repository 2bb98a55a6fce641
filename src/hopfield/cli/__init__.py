"""The ``hopfield`` command. Each subcommand lives in its own module with ``add_parser`` and ``run``."""

from __future__ import annotations

import argparse
import importlib
import sys

__all__ = ["main"]

#: subcommand name -> module (relative to this package) defining add_parser(subparsers) and run(args)
SUBCOMMANDS = {
    "basins": ".basins",
    "capacity": ".capacity",
    "demo": ".demo",
    "maxcut": ".maxcut",
    "reproduce": ".reproduce",
    "serve": ".serve",
    "tsp": ".tsp",
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="hopfield",
        description="Hopfield networks and associative memory: store patterns, corrupt them, "
        "recall them, and measure what the networks can do.",
    )
    parser.add_argument("--version", action="version", version=f"hopfield {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in SUBCOMMANDS.values():
        importlib.import_module(module, __name__).add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``hopfield`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.run(args) or 0)
    except (ValueError, TypeError, KeyError, FileNotFoundError) as exc:
        print(f"hopfield {args.command}: error: {exc}", file=sys.stderr)
        return 2
