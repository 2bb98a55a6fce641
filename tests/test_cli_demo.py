"""The `hopfield` command: help texts and the demo."""

import subprocess
import sys

import pytest

from hopfield.cli import main


def test_demo_prints_grids_and_writes_figure(tmp_path, capsys):
    out = tmp_path / "demo.png"
    assert main(["demo", "--output", str(out), "--seed", "0"]) == 0
    text = capsys.readouterr().out
    for letter in "TI":
        assert f"{letter}: overlap" in text
    assert "4/4 letters recalled exactly" in text
    assert out.exists() and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_demo_options(tmp_path, capsys):
    assert main(["demo", "--letters", "TI", "--noise", "0.1", "--update", "sync", "--rule", "hebb",
                 "--output", ""]) == 0
    assert "2/2 letters recalled exactly" in capsys.readouterr().out


def test_bad_option_gives_clean_error(capsys):
    assert main(["demo", "--letters", "T?", "--output", ""]) == 2
    assert "no glyph" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["demo", "--update", "parallel"])


def test_help_reads_well():
    res = subprocess.run([sys.executable, "-m", "hopfield", "--help"], capture_output=True,
                         text=True, check=True)
    assert "demo" in res.stdout and "usage: hopfield" in res.stdout
    res = subprocess.run([sys.executable, "-m", "hopfield", "demo", "--help"], capture_output=True,
                         text=True, check=True)
    assert "--noise" in res.stdout and "(default: 0.2)" in res.stdout
