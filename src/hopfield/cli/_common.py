"""What every ``hopfield`` subcommand shares: help formatting, flag checks, figures, progress."""

from __future__ import annotations

import argparse
import math
import sys
import time

__all__ = ["HelpFormatter", "Progress", "add_figure_args", "check_flag", "figure_target"]


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows ``(default: …)`` once: not for flags without a default, nor where the help says it."""

    def _get_help_string(self, action):
        text = action.help or ""
        if "default" in text or action.default in (None, False, "", argparse.SUPPRESS):
            return text
        return super()._get_help_string(action)


def check_flag(value, flag: str, *, minimum=None, maximum=None, above=None, below=None):
    """Raise ``ValueError`` naming ``--flag`` unless ``value`` is a finite number within the bounds.

    ``minimum``/``maximum`` are inclusive bounds, ``above``/``below`` exclusive ones. ``None``
    values pass (an option left at its "automatic" default).
    """
    if value is None:
        return
    name = "--" + flag.replace("_", "-")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value}.")
    for bound, ok, word in ((minimum, lambda b: value >= b, ">="), (maximum, lambda b: value <= b, "<="),
                            (above, lambda b: value > b, ">"), (below, lambda b: value < b, "<")):
        if bound is not None and not ok(bound):
            raise ValueError(f"{name} must be {word} {bound:g}; got {value:g}.")


def add_figure_args(parser, default: str) -> None:
    """``--output PATH`` (a PNG written by default) and ``--no-plot`` to skip it."""
    parser.add_argument("--output", default=default, metavar="PNG",
                        help=f"figure path (default: {default})")
    parser.add_argument("--no-plot", action="store_true", help="do not write the figure")


def figure_target(args):
    """The figure's path, or None when ``--no-plot`` (or an empty ``--output``) says to skip it."""
    from pathlib import Path

    if args.no_plot or not args.output:
        return None
    path = Path(args.output)
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise ValueError(f"--output must name a .png, .svg or .pdf file; got {args.output!r}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


class Progress:
    """A plain-text progress bar on stderr: redrawn in place on a terminal, one line per tenth
    of the work otherwise (so logs stay short). Call it as ``progress(done, total)``."""

    def __init__(self, label: str, stream=None, width: int = 30):
        self.label, self.width = label, width
        self.stream = sys.stderr if stream is None else stream
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.perf_counter()
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        step = (done * (self.width if self.tty else 10)) // max(total, 1)
        if step == self.last and done != total:
            return
        self.last = step
        filled = int(self.width * done / max(total, 1))
        elapsed = time.perf_counter() - self.start
        line = (f"{self.label:<14} [{'#' * filled}{'.' * (self.width - filled)}] "
                f"{done}/{total} {elapsed:6.1f}s")
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done == total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
