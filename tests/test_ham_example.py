"""The worked example examples/ham_digits.py runs in fast mode and does what it says."""

import runpy
from pathlib import Path

import numpy as np
import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ham_digits.py"


def test_ham_digits_fast(tmp_path, capsys):
    pytest.importorskip("torch")
    pytest.importorskip("sklearn")
    module = runpy.run_path(str(EXAMPLE))
    out = tmp_path / "ham_digits.png"
    result = module["main"](["--output", str(tmp_path), "--fast"])
    assert out.is_file() and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert result["accuracy"]["test"] > 0.85  # observed ~0.97 after 60 iterations
    energy = result["energy"]
    assert energy.shape == (3 * 6 + 1, 8)
    assert result["descending"]
    assert np.all(energy[-1] < energy[0] - 1.0)
    assert "test accuracy" in capsys.readouterr().out
