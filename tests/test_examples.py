"""Every tutorial in examples/ runs in its fast mode and writes its figure."""

import runpy
import sys
from pathlib import Path

import numpy as np

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _run(script, args, monkeypatch):
    monkeypatch.setattr(sys, "argv", [str(script), *args])
    return runpy.run_path(str(script), run_name="__example__")


def test_letters_ti(tmp_path, monkeypatch, capsys):
    out = tmp_path / "letters_ti.png"
    module = _run(EXAMPLES / "letters_ti.py", [], monkeypatch)
    result = module["main"](["--output", str(tmp_path), "--fast"])
    assert np.all(result["overlaps"] == 1.0)
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert "T: overlap" in capsys.readouterr().out
