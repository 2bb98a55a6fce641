"""Package hygiene: typing marker, version from the installed metadata, clean public namespaces."""

from __future__ import annotations

import importlib
import importlib.metadata
import types
from pathlib import Path

import pytest

import hopfield as hf

PACKAGES = ["hopfield", "hopfield.analysis", "hopfield.dynamics", "hopfield.lagrangian", "hopfield.optimize",
            "hopfield.nn"]


def test_py_typed_marker_ships_with_the_package():
    assert (Path(hf.__file__).parent / "py.typed").is_file()


def test_version_comes_from_the_installed_metadata():
    try:
        expected = importlib.metadata.version("hopfield")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("hopfield is not installed (running from the source tree only)")
    assert hf.__version__ == expected


@pytest.mark.parametrize("name", PACKAGES)
def test_public_namespace_holds_only_its_api_and_submodules(name):
    if name == "hopfield.nn":
        pytest.importorskip("torch")
    pkg = importlib.import_module(name)
    stray = [n for n in dir(pkg) if not n.startswith("_") and n not in pkg.__all__
             and not (isinstance(getattr(pkg, n), types.ModuleType)
                      and getattr(pkg, n).__name__ == f"{name}.{n}")]
    assert stray == [], f"{name} exposes names outside __all__ that are not its submodules: {stray}"
    for public in pkg.__all__:
        assert hasattr(pkg, public), f"{name}.__all__ lists {public!r}, which does not exist"


def test_result_reprs_summarise_arrays():
    import numpy as np

    x = hf.patterns.random(4, 500, rng=0)
    res = hf.HopfieldNetwork(500).store(x).recall(hf.patterns.flip(x, 0.1, rng=1), rng=2, trace=True)
    text = repr(res)
    assert len(text) < 600, text  # the 4 × 500 states are not printed whole
    assert "states=array(shape=(4, 500), dtype=int8, min=-1, max=1)" in text
    assert "converged=[ True,  True,  True,  True]" in text and "message='reached a fixed point'" in text
    one = hf.HopfieldNetwork(500).store(x).recall(x[0])
    assert "converged=True" in repr(one) and "sweeps=1" in repr(one)
    mask = np.zeros(100, dtype=bool)
    mask[:7] = True
    from hopfield._results import summarise
    assert summarise(mask) == "array(shape=(100,), dtype=bool, 7/100 True)"


def test_docstrings_cite_the_theory_page_not_a_file_users_lack():
    src = Path(hf.__file__).parent
    bad = [str(p.relative_to(src)) for p in src.rglob("*.py") if "THEORY.md" in p.read_text(encoding="utf-8")]
    assert bad == [], f"cite the docs' Theory reference (docs/theory.md) instead of THEORY.md in {bad}"
    theory = (src.parents[1] / "docs" / "theory.md")
    if theory.exists():
        text = theory.read_text(encoding="utf-8")
        for section in range(11):
            assert f"{{#section-{section}}}" in text
