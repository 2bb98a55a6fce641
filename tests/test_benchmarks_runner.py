"""benchmarks/run.py: the generated blocks of BENCHMARKS.md are replaced whole, nothing else is."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "benchmarks" / "run.py"


def _module():
    spec = importlib.util.spec_from_file_location("bench_run", RUN)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def test_rewrite_replaces_only_the_named_block():
    run = _module()
    text = ("# B\n\n## Classical\n\nprose 1\n\n<!-- run.py: classical -->\nold table 1\n"
            "<!-- /run.py: classical -->\n\nafter\n\n<!-- run.py: tsp -->\nold 2\n<!-- /run.py: tsp -->\n")
    out = run.rewrite(text, "classical", "new block")
    assert "new block" in out and "old table 1" not in out and "old 2" in out
    assert out.startswith("# B\n\n## Classical\n\nprose 1\n\n<!-- run.py: classical -->\nnew block\n")
    assert out.count("<!-- run.py: classical -->") == 1 and "after" in out
    appended = run.rewrite(text, "ham", "ham block")
    assert appended.rstrip().endswith("<!-- run.py: ham -->\nham block\n<!-- /run.py: ham -->")


def test_every_script_is_registered_and_every_block_exists():
    run = _module()
    scripts = {p.name for p in (ROOT / "benchmarks").glob("bench_*.py")}
    assert scripts == {b.script for b in run.BENCHMARKS}, "a benchmark script is missing from run.py"
    report = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")
    for b in run.BENCHMARKS:
        begin, end = run._marker(b.name)
        assert report.count(begin) == 1 and report.count(end) == 1, f"no generated block for {b.name}"


def test_list_names_every_benchmark():
    out = subprocess.run([sys.executable, str(RUN), "--list"], capture_output=True, text=True, check=True)
    run = _module()
    for b in run.BENCHMARKS:
        assert b.name in out.stdout and b.script in out.stdout


def test_output_keeps_tables_and_fences_the_rest():
    run = _module()
    out = run.as_markdown("load 1.0\n| N | t |\n|---|---|\n| 10 | 2 |\ntarget met\n")
    assert out == "```text\nload 1.0\n```\n\n| N | t |\n|---|---|\n| 10 | 2 |\n\n```text\ntarget met\n```"
