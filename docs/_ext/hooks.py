"""MkDocs hooks of the documentation build.

- ``<!-- hopfield-cli-help -->`` in a page is replaced by the ``--help`` text of every subcommand
  of the installed ``hopfield`` command, read from its argparse parser at build time, so the
  command-line page always lists exactly the subcommands that exist, with their current options.
- ``<!-- benchmarks-md -->`` is replaced by the repository's ``BENCHMARKS.md`` (its title dropped,
  its headings one level deeper), so the performance page shows the measurements as they stand.
- After the build, MathJax 3 is copied into ``javascripts/mathjax/`` of the site from the installed
  ``django-static-mathjax`` package (the docs extra; it ships MathJax's own ``es5`` build and
  depends on nothing), so formulas render with no network: the site loads nothing from a CDN.
"""

from __future__ import annotations

import argparse
import importlib.resources
import os
import re
import shutil
from pathlib import Path

MARKER = "<!-- hopfield-cli-help -->"
BENCHMARKS = "<!-- benchmarks-md -->"


def _cli_reference() -> str:
    from hopfield.cli import SUBCOMMANDS, build_parser

    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"  # argparse wraps help to $COLUMNS
    try:
        parser = build_parser()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parts = ["```text", parser.format_help().rstrip(), "```", ""]
        for name in sorted(SUBCOMMANDS):
            parts += [f"### `hopfield {name}`", "", "```text", sub.choices[name].format_help().rstrip(),
                      "```", ""]
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old
    return "\n".join(parts)


def _benchmarks(config) -> str:
    text = (Path(config.config_file_path).parent / "BENCHMARKS.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    out, fenced = [], False
    for line in lines:
        if line.lstrip().startswith("```"):
            fenced = not fenced
        out.append("#" + line if not fenced and re.match(r"#{1,5} ", line) else line)
    return "\n".join(out)


def on_page_markdown(markdown: str, *, config, **kwargs) -> str:
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, _cli_reference())
    if BENCHMARKS in markdown:
        markdown = markdown.replace(BENCHMARKS, _benchmarks(config))
    return markdown


#: MathJax components the pages use: the combined TeX/CHTML bundle plus what it loads on demand
#: (TeX extensions, fonts, the menu and accessibility parts); the other combined bundles are skipped.
_MATHJAX_KEEP = ("tex-mml-chtml.js", "input", "output", "ui", "a11y", "adaptors", "sre")


def _copy_mathjax(site_dir: str) -> None:
    try:
        es5 = importlib.resources.files("mathjax") / "static" / "mathjax" / "es5"
    except ModuleNotFoundError as err:
        raise RuntimeError("the docs need MathJax from the `docs` extra: pip install '.[docs]'") from err
    target = Path(site_dir) / "javascripts" / "mathjax"
    target.mkdir(parents=True, exist_ok=True)
    for name in _MATHJAX_KEEP:
        src = Path(str(es5 / name))
        if src.is_dir():
            shutil.copytree(src, target / name, dirs_exist_ok=True)
        else:
            shutil.copy2(src, target / name)


def on_post_build(*, config, **kwargs) -> None:
    _copy_mathjax(config.site_dir)
