"""The `hopfield` command as a new user meets it: every subcommand runs with no arguments, checks
every option before working and names the flag in its errors, writes a figure unless told not to,
and prints each default once in its help."""

from __future__ import annotations

import argparse
import re

import pytest

from hopfield.cli import SUBCOMMANDS, build_parser, main

PNG = b"\x89PNG"


def _subparsers():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_help_states_each_default_once(name):
    text = _subparsers()[name].format_help()
    # argparse wraps help text: join each option's lines before counting
    for block in re.split(r"\n  (?=-)", text):
        assert block.count("(default:") <= 1, block
        assert "(default: None)" not in block and "(default: False)" not in block, block


@pytest.mark.parametrize("name", ["demo", "tsp", "basins", "maxcut"])
def test_runs_with_no_arguments_and_writes_its_figure(name, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main([name]) == 0
    figure = tmp_path / f"hopfield_{name}.png"
    assert figure.read_bytes()[:4] == PNG
    assert "Figure written to" in capsys.readouterr().out


@pytest.mark.slow
def test_capacity_runs_with_no_arguments(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["capacity"]) == 0
    assert (tmp_path / "capacity.png").read_bytes()[:4] == PNG


@pytest.mark.parametrize("name", ["demo", "tsp", "basins", "maxcut"])
def test_no_plot_skips_the_figure(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fast = {"demo": [], "tsp": ["--cities", "8", "--time-limit", "0.2"],
            "basins": ["--starts", "20", "--trials", "5"], "maxcut": ["--nodes", "10", "--time-limit", "0.1"]}
    assert main([name, *fast[name], "--no-plot"]) == 0
    assert not list(tmp_path.glob("*.png"))


@pytest.mark.parametrize("argv, flag", [
    (["tsp", "--time-limit", "0"], "--time-limit"),
    (["tsp", "--time-limit", "nan"], "--time-limit"),
    (["tsp", "--replicas", "0"], "--replicas"),
    (["tsp", "--cities", "2"], "--cities"),
    (["tsp", "--output", "tour.txt"], "--output"),
    (["basins", "--probability", "1.5"], "--probability"),
    (["basins", "--neurons", "1"], "--neurons"),
    (["basins", "--rule", "nope"], "--rule"),
    (["maxcut", "--density", "0"], "--density"),
    (["maxcut", "--replicas", "0"], "--replicas"),
    (["capacity", "--noise", "1.0"], "--noise"),
    (["capacity", "--trials", "0"], "--trials"),
    (["capacity", "--workers", "0"], "--workers"),
    (["demo", "--noise", "-0.1"], "--noise"),
    (["demo", "--scale", "0"], "--scale"),
])
def test_bad_options_name_the_flag_before_any_work(argv, flag, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr()
    assert flag in err.err, err.err
    assert "Figure written" not in err.out and not list(tmp_path.glob("*.png"))


def test_tsp_hopfield_tank_honours_the_time_limit(capsys):
    import time

    start = time.perf_counter()
    main(["tsp", "--cities", "60", "--method", "hopfield-tank", "--time-limit", "0.5", "--no-plot"])
    out = capsys.readouterr().out
    network = float(re.search(r"network runs in ([0-9.]+) s", out).group(1))
    assert network < 0.5 + 0.5, out  # one Euler chunk past the limit at most
    assert time.perf_counter() - start < 60
