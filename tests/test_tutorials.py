"""The tutorials of the documentation run in their fast mode, write their figure and show what they
claim (each check below can fail if the library or the tutorial goes wrong)."""

import importlib.util
import runpy
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PNG = b"\x89PNG"


def _main(name, monkeypatch):
    script = EXAMPLES / f"{name}.py"
    monkeypatch.setattr(sys, "argv", [str(script)])
    return runpy.run_path(str(script), run_name="__example__")["main"]


def test_capacity_mixtures(tmp_path, monkeypatch, capsys):
    result = _main("capacity_mixtures", monkeypatch)(["--fast", "--output", str(tmp_path)])
    assert result["figure"] == tmp_path / "capacity_mixtures.png"
    assert result["figure"].read_bytes()[:4] == PNG
    hebb = result["curves"]["hebb"]
    assert np.all(hebb.bit_error[hebb.load <= 0.1] < 0.02)  # retrieval well below α_c (N = 100)
    assert hebb.bit_error[-1] > 0.05  # collapse well above α_c
    assert np.all(result["curves"]["pseudoinverse"].fixed_fraction == 1.0)
    table = result["mixtures"]
    np.testing.assert_allclose(table.overlap, table.overlap_theory, atol=0.03)
    np.testing.assert_allclose(table.energy, table.energy_theory, atol=0.01)
    assert 0.1375 < result["ags"].alpha_c < 0.1385
    assert sum(result["survey"].counts.values()) == result["survey"].n_starts
    assert "symmetric mixtures" in capsys.readouterr().out


def test_temperature_ising(tmp_path, monkeypatch):
    out = tmp_path / "sub" / "temp.png"
    result = _main("temperature_ising", monkeypatch)(["--fast", "--output", str(out)])
    assert result["figure"] == out and out.read_bytes()[:4] == PNG
    temps, m = result["temperatures"], result["mattis"][:, 0]
    assert m[temps < 0.3].min() > 0.99 and m[temps > 1.3].max() < 0.25
    assert result["recall"][0] > 0.95 and result["recall"][-1] < 0.3
    assert result["tv"] < 0.1  # Glauber histogram vs exact Boltzmann (7680 samples, 256 states)
    assert result["ising_gap"] < 1e-9
    assert result["trap"]["T' = T/2"] < 1e-12 < 1e-3 < result["trap"]["T' = T"]


def test_dense_capacity(tmp_path, monkeypatch):
    result = _main("dense_capacity", monkeypatch)(["--fast", "--output", str(tmp_path)])
    assert result["figure"].read_bytes()[:4] == PNG
    app_b = result["app_b"]
    assert app_b["polynomial", 2] == 0.0 and app_b["polynomial", 3] == 0.0
    assert app_b["polynomial", 5] == 1.0 and app_b["rectified", 5] == 1.0
    loads = np.array(result["loads"])
    classical = np.array(result["recall"]["n = 2 (classical)"])
    assert np.all(classical[loads >= 0.3] < 0.1)  # beyond 0.14 N the classical network fails
    assert np.all(np.array(result["recall"]["exponential"]) >= 0.9)
    assert result["exp_fixed"] == 1.0 and result["exp_one_sweep"] >= 0.9


def test_figure_path_rejects_nothing_silently(tmp_path):
    """``--output`` names either a PNG or a folder that is created."""
    from hopfield.plot import figure_path

    folder = tmp_path / "a" / "b"
    assert figure_path(str(folder), "dense_capacity") == folder / "dense_capacity.png"
    assert (tmp_path / "a" / "b").is_dir()
    assert figure_path(str(tmp_path / "x.PNG"), "ignored") == tmp_path / "x.PNG"


#: every script in examples/: each takes --fast and --output DIR_OR_FILE (docs/tutorials.md)
TUTORIALS = sorted(p.stem for p in EXAMPLES.glob("*.py"))


#: tutorials of the PyTorch layers, which import torch at the top (the `torch` extra)
TORCH_TUTORIALS = {"hopfield_lookup", "hopfield_mil_pooling"}


@pytest.mark.parametrize("name", TUTORIALS)
def test_help_describes_the_tutorial(name, monkeypatch, capsys):
    if name in TORCH_TUTORIALS:
        pytest.importorskip("torch", reason="this tutorial needs the torch extra")
    with pytest.raises(SystemExit) as exc:
        _main(name, monkeypatch)(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--fast" in out and "--output" in out


def test_modern_retrieval(tmp_path, monkeypatch, capsys):
    result = _main("modern_retrieval", monkeypatch)(["--fast", "--output", str(tmp_path)])
    assert result["figure"].read_bytes()[:4] == PNG
    assert result["one_step"]["max_error"] < 1e-9  # THEORY §8: one update retrieves to ~1e-13
    kinds = [row[4] for row in result["sweep"]["rows"]]
    assert kinds[0] == "global average" and kinds[-1] == "single pattern" and "metastable" in kinds
    k_median = [row[0] for row in result["sweep"]["rows"]]
    assert k_median[0] > 64 and k_median[-1] == 1
    assert result["energy_rise"] < 1e-10
    if importlib.util.find_spec("torch") is None:
        assert result["attention"] is None
        assert "skipped" in capsys.readouterr().out
    else:
        assert result["attention"]["is_torch"]
        assert result["attention"]["max_diff"] < 1e-12 and result["attention"]["max_diff_update"] < 1e-12


def test_modern_retrieval_without_torch(monkeypatch):
    """The attention part is skipped, not failed, when torch is missing."""
    module = runpy.run_path(str(EXAMPLES / "modern_retrieval.py"), run_name="__example__")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "torch" else real(name, *a))
    assert module["attention_equivalence"](np.random.default_rng(0)) is None


def test_continuous_tsp(tmp_path, monkeypatch):
    result = _main("continuous_tsp", monkeypatch)(["--fast", "--output", str(tmp_path / "tsp.png")])
    assert (tmp_path / "tsp.png").read_bytes()[:4] == PNG
    cont = result["continuous"]
    assert cont["max_rise"] < 1e-9  # the 1984 energy never rises
    gains = np.array(result["gains"])
    assert np.all(cont["rows"][gains < 1, 0] < 0.01)  # below gain 1 the outputs decay to 0
    assert np.all(cont["rows"][gains >= 3, 1] > 0.95)  # high gain: recall at the corners
    assert abs(result["ten_optimum"] - 2.6907) < 1e-4  # THEORY §6 brute force
    four = result["four"]
    assert four[50].valid_rate == 1.0 and four[500].valid_rate < four[50].valid_rate
    assert all(r.length == pytest.approx(result["four_optimum"]) for r in four.values() if r.valid)
    potts = result["potts"]
    assert potts.valid and potts.length >= result["ten_optimum"] - 1e-9
    assert potts.polished_length == pytest.approx(result["ten_optimum"], abs=1e-4)
    ht = result["hopfield_tank"]
    lengths = ht.run_lengths[np.isfinite(ht.run_lengths)]  # one per valid run, NaN otherwise
    assert ht.n_runs == 10 and ht.valid_rate == lengths.size / 10
    assert ht.valid == (lengths.size > 0)
    assert np.all(lengths >= result["ten_optimum"] - 1e-9)


def test_pseudo_cuts(tmp_path, monkeypatch):
    result = _main("pseudo_cuts", monkeypatch)(["--fast", "--output", str(tmp_path)])
    assert result["figure"].read_bytes()[:4] == PNG
    assert result["energy_gap"] < 1e-9  # E = c + 2J after every sweep
    assert result["agree"] == result["total"] and result["flips"] > 0  # Bruck: flip iff J falls
    cut = result["cut_path"]
    assert np.all(np.diff(cut) >= 0) and cut[-1] > result["edges"] / 2  # W = −A: the cut grows


def test_phasor_images(tmp_path, monkeypatch):
    result = _main("phasor_images", monkeypatch)(["--fast", "--output", str(tmp_path)])
    assert result["figure"].read_bytes()[:4] == PNG
    assert np.all(result["correct"]["projection"] == 1.0)  # every pixel of every image restored
    assert np.all(result["correct"]["projection (phase noise)"] == 1.0)
    assert result["correct"]["hebb"].min() < 0.9  # correlated images defeat Hebb's rule
    assert result["energy_rise"] <= 1e-10 and result["shadow_gap"] < 1e-9
    for k, rows in result["stability"].items():
        np.testing.assert_allclose(rows[:, 1], rows[:, 2], atol=0.05, err_msg=f"K = {k}")
    assert result["stability"][16][0, 1] < result["stability"][4][0, 1]


def test_every_tutorial_is_listed_and_written_where_output_says(tmp_path, monkeypatch):
    assert {"letters_ti", "dam_digits", "ham_digits", "capacity_mixtures"} <= set(TUTORIALS)
    _main("letters_ti", monkeypatch)(["--output", str(tmp_path / "figs")])
    assert (tmp_path / "figs" / "letters_ti.png").read_bytes()[:4] == PNG  # a folder: <name>.png
    assert not (tmp_path / "figs" / ".png").exists()


def test_sequences(tmp_path, monkeypatch):
    result = _main("sequences", monkeypatch)(["--fast", "--output", str(tmp_path)])
    assert result["figure"].read_bytes()[:4] == PNG
    assert all(period == length and transient <= 1
               for length, (transient, period) in result["periods"].items())
    assert result["replay"].period == 6
    assert result["fast"].visits.tolist()[:7] == [0, 1, 2, 3, 4, 5, 0]
    assert result["stuck"].visits.tolist() == [0]  # λ < 1: no transition
    np.testing.assert_allclose(result["dwell"]["delay"], result["taus"], atol=1)  # dwell = τ


def test_paired_associates(tmp_path, monkeypatch):
    result = _main("paired_associates", monkeypatch)(["--fast", "--output", str(tmp_path)])
    assert result["figure"].read_bytes()[:4] == PNG
    assert result["same_as_bam"]  # γ_auto = 0 is the BAM run in parallel
    curves = result["curves"]
    np.testing.assert_array_equal(curves["γ_auto = 0.0"][:, 0], curves["BAM"][:, 0])
    assert curves["γ_auto = 1.0"][0, 0] == 1.0 and curves["γ_auto = 1.0"][-1, 0] < 0.2  # capacity
    assert curves["γ_auto = 1.0"][1, 0] > curves["BAM"][1, 0]  # 15 pairs: the single memory wins


def test_human_memory(tmp_path, monkeypatch):
    result = _main("human_memory", monkeypatch)(["--fast", "--output", str(tmp_path)])
    assert result["figure"].read_bytes()[:4] == PNG
    drift, still = result["results"]["drift 0.1 per event"], result["results"]["no drift"]
    for r in (drift, still):
        acc, se = r.accuracy_by_repetition, r.accuracy_by_repetition_se
        assert acc[-1] - acc[0] > 3 * np.hypot(se[-1], se[0])  # repetition helps
    lag, lag_se = drift.accuracy_by_lag, drift.accuracy_by_lag_se
    assert lag[0] - lag[-1] > 3 * np.hypot(lag_se[0], lag_se[-1])  # forgetting with drift
    assert drift.intrusions["within_list"] > drift.intrusions["prior_list"]


def test_hopfield_mil_pooling(tmp_path, monkeypatch):
    """hflayers' bit-pattern MIL task with HopfieldPooling: the learned query finds the signal."""
    pytest.importorskip("torch")
    result = _main("hopfield_mil_pooling", monkeypatch)(["--fast", "--output", str(tmp_path)])
    assert result["figure"].read_bytes()[:4] == PNG
    assert result["test_accuracy"] > 0.65                 # chance is 0.5
    assert result["attention_ratio"] > 10                  # attention lands on the signal


def test_hopfield_lookup(tmp_path, monkeypatch):
    """A HopfieldLayer lookup classifier on the 8×8 digits (chance is 0.1)."""
    pytest.importorskip("torch")
    pytest.importorskip("sklearn")
    result = _main("hopfield_lookup", monkeypatch)(["--fast", "--output", str(tmp_path)])
    assert result["figure"].read_bytes()[:4] == PNG
    assert result["test_accuracy"] > 0.9 and result["patterns_used"] >= 10
