"""The documentation site: it builds strictly, documents only modules that exist, renders the
docstrings' maths, lists exactly the CLI subcommands that exist, and its code examples run."""

import importlib
import importlib.util
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_ext" not in p.parts)


def _ext(name):
    return runpy.run_path(str(DOCS / "_ext" / f"{name}.py"), run_name=f"docs_{name}")


def _python_blocks(page: Path) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", page.read_text(encoding="utf-8"), flags=re.S | re.M)


def test_every_api_directive_names_an_importable_module():
    directives = [(p, m) for p in PAGES for m in re.findall(r"^::: ([\w.]+)\s*$", p.read_text(), flags=re.M)]
    assert len(directives) >= 20
    has_torch = importlib.util.find_spec("torch") is not None
    for page, module in directives:
        if module.startswith("hopfield.nn") and not has_torch:
            # finding hopfield.nn.* imports hopfield.nn, which needs torch: check the file instead
            path = ROOT / "src" / Path(*module.split("."))
            assert path.with_suffix(".py").exists() or (path / "__init__.py").exists(), module
            continue
        assert importlib.util.find_spec(module) is not None, f"{page.name}: no module {module}"
        importlib.import_module(module)


def test_every_nav_page_exists_and_every_page_is_in_the_nav():
    nav = re.findall(r":\s*([\w/.-]+\.md)\s*$", (ROOT / "mkdocs.yml").read_text(), flags=re.M)
    assert sorted(nav) == sorted(str(p.relative_to(DOCS)) for p in PAGES)


def test_cli_page_names_exactly_the_existing_subcommands():
    from hopfield.cli import SUBCOMMANDS

    table = re.findall(r"^\| `hopfield (\w+)`", (DOCS / "cli.md").read_text(), flags=re.M)
    assert sorted(table) == sorted(SUBCOMMANDS)
    generated = _ext("hooks")["_cli_reference"]()
    for name in SUBCOMMANDS:
        assert f"### `hopfield {name}`" in generated and f"usage: hopfield {name}" in generated


def test_rst_markup_becomes_markdown_maths():
    pytest.importorskip("griffe", reason="the docs extension needs griffe: pip install '.[docs]'")
    convert = _ext("rst_markup")["convert"]
    text = (":math:`h_i = 0` keeps it; see :class:`~hopfield.HopfieldNetwork` and ReP\\ :sub:`n`.\n\n"
            ".. math:: E = -\\tfrac12 s^\\top W s\n"
            "          + \\theta^\\top s\n\n"
            "Parameters\n----------\nx : int\n"
            "    Doc with\n\n    .. math::\n\n        a = b\n\n        c = d\n\n    after.\n")
    out = convert(text)
    assert out.startswith("$h_i = 0$ keeps it; see `HopfieldNetwork` and ReP<sub>n</sub>.")
    assert "$$\nE = -\\tfrac12 s^\\top W s\n+ \\theta^\\top s\n$$" in out
    assert "    $$\n    a = b\n    $$\n\n    $$\n    c = d\n    $$\n\n    after." in out
    assert ":math:" not in out and ".. math" not in out and "Parameters\n----------" in out


def _optional_imports(block: str) -> set[str]:
    """The optional extras' top-level modules a code block imports (hopfield.nn needs torch)."""
    names = set(re.findall(r"^\s*(?:from|import)\s+([\w.]+)", block, flags=re.M))
    tops = {n.split(".")[0] for n in names} | ({"torch"} if any(
        n.startswith("hopfield.nn") for n in names) else set())
    return tops & {"torch", "dask", "distributed"}


def test_code_examples_in_the_pages_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = [(p, b) for p in PAGES for b in _python_blocks(p)]
    assert len(blocks) >= 10
    for page, block in blocks:
        if any(importlib.util.find_spec(m) is None for m in _optional_imports(block)):
            continue    # a block of an extra that is not installed (torch, dask)
        exec(compile(block, f"{page.name}:python-block", "exec"), {"__name__": "__docs__"})
    assert (tmp_path / "ti.png").read_bytes()[:4] == b"\x89PNG"  # getting-started's figure


def test_mkdocs_build_strict(tmp_path):
    if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("mkdocstrings") is None:
        pytest.skip("mkdocs / mkdocstrings not installed: pip install '.[docs]' to build the site")
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    modern = (site / "models" / "modern" / "index.html").read_text(encoding="utf-8")
    assert 'class="arithmatex"' in modern and ":math:" not in modern and ".. math::" not in modern
    assert "ModernHopfieldNetwork" in modern
    cli = (site / "cli" / "index.html").read_text(encoding="utf-8")
    assert "usage: hopfield demo" in cli
    perf = (site / "performance" / "index.html").read_text(encoding="utf-8")
    assert "Classical network" in perf  # BENCHMARKS.md is included
