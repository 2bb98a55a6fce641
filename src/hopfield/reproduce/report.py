"""Markdown reports: one page per result and an index page of all of them."""

from __future__ import annotations

import json
from pathlib import Path

from .result import RELATIONS, Z_SCORE, Result

__all__ = ["index_markdown", "report_markdown", "write_index", "write_report"]


def _num(x: float) -> str:
    if x != x:  # NaN
        return "—"
    if x == 0:
        return "0"
    if abs(x) >= 1e4 or abs(x) < 1e-3:
        return f"{x:.3g}"
    return f"{x:.4g}"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table_markdown(result: Result) -> str:
    """The result's rows as a Markdown table."""
    lines = ["| quantity | published | source | measured ± MC error | tolerance | verdict |",
             "|---|---|---|---|---|---|"]
    for r in result.rows:
        pub = r.published_text or _num(r.published)
        meas = _num(r.measured) + (f" ± {_num(r.error)}" if r.error > 0 else "")
        mark = "✅ reproduced" if r.reproduced else "❌ **not reproduced**"
        lines.append(f"| {_cell(r.quantity)} | {r.relation} {_cell(pub)} | {_cell(r.source)} | "
                     f"{meas} | {_num(r.tolerance)} | {mark} |")
    return "\n".join(lines)


def report_markdown(result: Result) -> str:
    """The full report of one result (figures referenced by file name, beside the page)."""
    parts = [f"# {result.title}", "",
             f"**Reproduces:** {result.reference}", "",
             f"**Verdict:** {result.n_reproduced} of {len(result.rows)} published values reproduced"
             + ("." if result.reproduced else " — see the notes for the others."), "",
             "**Command:**", "", "```bash", result.command, "```", "",
             "## Set-up", "", result.setup, "",
             "## Published against measured", "", table_markdown(result), "",
             "A row is *reproduced* when the measured value "
             + ", ".join(f"{k}: {v}" for k, v in RELATIONS.items())
             + f", with {Z_SCORE:g} Monte-Carlo standard errors added to the tolerance.", ""]
    notes = [r for r in result.rows if r.note]
    if notes or result.notes:
        parts += ["## Notes", ""]
        for r in notes:
            flag = "" if r.reproduced else "**Not reproduced.** "
            parts.append(f"- *{_cell(r.quantity)}*: {flag}{r.note}")
        parts += [f"- {n}" for n in result.notes]
        parts.append("")
    pngs = [f for f in result.figures if f.endswith(".png")] or list(result.figures)
    if pngs:
        parts += ["## Figures", ""]
        parts += [f"![{result.name} figure {k + 1}]({f})\n" for k, f in enumerate(pngs)]
    from .. import __version__

    parts += ["## Parameters", "",
              f"Seed {result.seed}, {'quick' if result.quick else 'full'} version, run time "
              f"{result.run_time:.1f} s, hopfield {__version__}.", "",
              "```json", json.dumps(result.parameters, indent=1, default=_json_default), "```", ""]
    return "\n".join(parts)


def _json_default(x):
    import numpy as np

    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    return str(x)


def index_markdown(results, *, title: str = "Reproductions") -> str:
    """An index of several results: one line each with its verdict count and a link."""
    results = list(results)
    total = sum(len(r.rows) for r in results)
    ok = sum(r.n_reproduced for r in results)
    lines = [f"# {title}", "",
             "Each page regenerates a classic result of the Hopfield literature with this library and "
             "sets the published numbers beside the measured ones, with Monte-Carlo error bars and a "
             "verdict computed from them (never written by hand). Where a published number is not "
             "reproduced the page says so and why.", "",
             f"{ok} of {total} published values reproduced over {len(results)} results.", "",
             "| result | reproduces | verdict | run time |", "|---|---|---|---|"]
    for r in results:
        lines.append(f"| [{_cell(r.title)}]({r.name}.md) | {_cell(r.reference)} | "
                     f"{r.n_reproduced}/{len(r.rows)} | {r.run_time:.1f} s |")
    lines.append("")
    return "\n".join(lines)


def write_report(result: Result, out) -> Path:
    """Write ``<out>/<name>.md``; returns its path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{result.name}.md"
    path.write_text(report_markdown(result), encoding="utf-8")
    return path


def write_index(results, out, *, name: str = "index.md") -> Path:
    """Write the index page ``<out>/index.md``; returns its path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / name
    path.write_text(index_markdown(results), encoding="utf-8")
    return path
