"""`hopfield capacity` and `hopfield basins`, run in-process with tiny sizes."""

import io

import numpy as np
import pytest

from hopfield.cli import main
from hopfield.cli.capacity import Progress, parse_loads


def test_capacity_writes_csv_and_png(tmp_path, capsys):
    code = main(["capacity", "--rules", "hebb,storkey", "--neurons", "60", "--loads",
                 "0.05:0.3:3", "--trials", "2", "--seed", "1", "--output-dir", str(tmp_path)])
    assert code == 0
    out, err = capsys.readouterr()
    assert "McEliece" in out and "Storkey" in out and "storkey" in out
    assert "2/2" in err  # progress bar reached the end (one task per trial)
    lines = (tmp_path / "capacity.csv").read_text().splitlines()
    assert len(lines) == 1 + 2 * 3
    assert lines[0].startswith("rule,n_neurons,noise,update,trials,load,n_patterns,recall_rate")
    assert {ln.split(",")[0] for ln in lines[1:]} == {"hebb", "storkey"}
    png = (tmp_path / "capacity.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


_SEEDED = ["capacity", "--rules", "hebb", "--neurons", "40", "--loads", "0.1,0.2", "--trials", "2",
           "--seed", "3", "--no-plot"]


def test_capacity_same_seed_same_numbers(tmp_path):
    assert main([*_SEEDED, "--output-dir", str(tmp_path / "a")]) == 0
    assert main([*_SEEDED, "--output-dir", str(tmp_path / "b")]) == 0
    a = (tmp_path / "a" / "capacity.csv").read_text()
    assert a == (tmp_path / "b" / "capacity.csv").read_text()
    assert not (tmp_path / "a" / "capacity.png").exists()
    assert main([*_SEEDED[:-2], "4", "--no-plot", "--output-dir", str(tmp_path / "c")]) == 0
    assert (tmp_path / "c" / "capacity.csv").read_text() != a
    assert main([*_SEEDED, "--probes-per-trial", "2", "--output-dir", str(tmp_path / "d")]) == 0
    assert len((tmp_path / "d" / "capacity.csv").read_text().splitlines()) == 3


@pytest.mark.slow
def test_capacity_process_workers_match_in_process(tmp_path):
    # spawned workers import hopfield and load the Numba cache: seconds of start-up
    assert main([*_SEEDED, "--output-dir", str(tmp_path / "a")]) == 0
    assert main([*_SEEDED, "--workers", "2", "--output-dir", str(tmp_path / "b")]) == 0
    a = (tmp_path / "a" / "capacity.csv").read_text()
    assert a == (tmp_path / "b" / "capacity.csv").read_text()
    assert not (tmp_path / "a" / "capacity.png").exists()


def test_capacity_dask_scheduler(tmp_path):
    distributed = pytest.importorskip("distributed")
    import dask

    # a loaded machine can outlast distributed's 30 s connection timeouts
    slow = {"distributed.comm.timeouts.connect": "180s", "distributed.comm.timeouts.tcp": "180s"}
    with dask.config.set(slow), distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        code = main(["capacity", "--rules", "hebb", "--neurons", "40", "--loads", "0.1",
                     "--trials", "2", "--no-plot", "--scheduler", cluster.scheduler_address,
                     "--output-dir", str(tmp_path)])
    assert code == 0
    assert len((tmp_path / "capacity.csv").read_text().splitlines()) == 2


@pytest.mark.parametrize(
    "argv, match",
    [
        (["--rules", "hebb,nope"], "unknown rule"),
        (["--rules", ","], "empty"),
        (["--loads", "0.1:0.2"], "--loads"),
        (["--loads", "a,b"], "--loads"),
        (["--loads", "-0.1"], "loads"),
        (["--workers", "0"], "--workers"),
        (["--trials", "0"], "trials"),
        (["--probes-per-trial", "0"], "--probes-per-trial"),
    ],
)
def test_capacity_errors(tmp_path, capsys, argv, match):
    code = main(["capacity", "--neurons", "20", "--no-plot", "--output-dir", str(tmp_path), *argv])
    assert code == 2
    assert match in capsys.readouterr().err


def test_parse_loads_and_progress():
    np.testing.assert_allclose(parse_loads("0.1:0.3:3"), [0.1, 0.2, 0.3])
    np.testing.assert_allclose(parse_loads("0.05, 0.1"), [0.05, 0.1])
    buf = io.StringIO()
    bar = Progress("hebb", stream=buf)
    for k in range(1, 101):
        bar(k, 100)
    lines = buf.getvalue().splitlines()
    assert 10 <= len(lines) <= 11 and lines[-1].split()[-2] == "100/100"


def test_basins_cli(tmp_path, capsys):
    code = main(["basins", "--neurons", "30", "--patterns", "3", "--starts", "100", "--trials",
                 "10", "--seed", "2", "--output-dir", str(tmp_path)])
    assert code == 0
    out = capsys.readouterr().out
    assert "memories (incl. negations)" in out and "Basin radius" in out
    assert "for this one network" in out and "Hopfield 1982" in out and "85%" in out
    survey = (tmp_path / "survey.csv").read_text().splitlines()
    assert survey[0] == "kind,count,fraction"
    assert sum(int(ln.split(",")[1]) for ln in survey[1:]) == 100
    basins = (tmp_path / "basins.csv").read_text().splitlines()
    assert basins[0] == "distance,pattern_0,pattern_1,pattern_2"
    assert basins[1].startswith("0,")
    assert main(["basins", "--rule", "nope", "--output-dir", str(tmp_path)]) == 2
