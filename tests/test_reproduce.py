"""hopfield.reproduce: verdict rules, the quick reproductions (their verdicts, within the Monte-Carlo
error bars each row carries), reports, the CLI, and executor independence."""

import math
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from hopfield import reproduce
from hopfield.cli import main
from hopfield.reproduce.result import Z_SCORE, Row, binomial_error, verdict

#: rows whose published value is known NOT to be reproduced, with the reason given in the report
#: (name, start of the quantity)
NOT_REPRODUCED = {
    ("mixtures", "temperature where the 3-mixture"),
    ("hopfield1982", "memories ending within < 5 wrong bits"),
    ("hopfield1982", "random starts ending on"),
    ("hopfield_tank1985", "valid-tour rate against Hopfield & Tank"),
    ("hopfield_tank1985", "valid tours that are one of the two shortest"),
    # 8 raw Potts runs on kroA100 end far above 10 % of the optimum (a run whose ordering forms
    # along one eigenvector of the distances folds the tour; BENCHMARKS.md's TSP block shows it)
    ("potts_tsplib", "kroA100 (100 cities): best raw Potts tour"),
}


def _expected(name: str, row: Row) -> bool:
    return not any(name == n and row.quantity.startswith(q) for n, q in NOT_REPRODUCED)


# ----------------------------------------------------------------------------- verdict rules
def test_verdict_approx_uses_tolerance_plus_three_sigma():
    assert verdict(1.0, 0.0, 1.0, 0.0) == "reproduced"
    assert verdict(1.25, 0.0, 1.0, 0.3) == "reproduced"
    assert verdict(1.25, 0.0, 1.0, 0.2) == "not reproduced"
    # 0.2 tolerance + 3 × 0.02 = 0.26 covers 0.25; 2.4 sigma of slack would not
    assert verdict(1.25, 0.02, 1.0, 0.2) == "reproduced"
    assert verdict(1.27, 0.02, 1.0, 0.2) == "not reproduced"
    assert verdict(0.75, 0.02, 1.0, 0.2) == "reproduced"  # symmetric
    assert verdict(0.73, 0.02, 1.0, 0.2) == "not reproduced"
    assert Z_SCORE == 3.0


def test_verdict_one_sided_relations():
    assert verdict(5.0, 0.0, 3.0, 0.0, "≥") == "reproduced"
    assert verdict(2.0, 0.0, 3.0, 0.0, "≥") == "not reproduced"
    assert verdict(2.0, 0.4, 3.0, 0.0, "≥") == "reproduced"  # 3σ = 1.2
    assert verdict(2.0, 0.0, 3.0, 0.0, "≤") == "reproduced"
    assert verdict(5.0, 0.0, 3.0, 1.0, "≤") == "not reproduced"
    assert verdict(5.0, 0.0, 3.0, 2.0, "≤") == "reproduced"


def test_verdict_nan_is_never_reproduced():
    assert verdict(float("nan"), 0.0, 1.0, 10.0) == "not reproduced"
    assert verdict(1.0, float("nan"), 1.0, 0.0) == "reproduced"  # NaN error: unbounded slack
    assert verdict(float("inf"), 0.0, 1.0, 10.0, "≥") == "not reproduced"


def test_row_checks_its_fields():
    with pytest.raises(ValueError, match="relation"):
        Row("q", 1.0, "src", 1.0, 0.0, 0.0, relation="=")
    with pytest.raises(ValueError, match="must be >= 0"):
        Row("q", 1.0, "src", 1.0, -0.1, 0.0)
    with pytest.raises(TypeError, match="real number"):
        Row("q", "1", "src", 1.0, 0.0, 0.0)
    r = Row("q", 1.0, "src", np.float32(1.05), 0.0, 0.1)
    assert r.reproduced and isinstance(r.measured, float)


def test_binomial_error_is_never_zero():
    assert binomial_error(0, 40) > 0 and binomial_error(40, 40) > 0
    assert math.isclose(binomial_error(20, 40), math.sqrt((20.5 / 41) * (20.5 / 41) / 40))


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(KeyError, match="ags1985"):
        reproduce.run("nope", quick=True)


# ----------------------------------------------------------------------------- the reproductions
@pytest.mark.parametrize("name", list(reproduce.REPRODUCTIONS))
def test_quick_reproduction_verdicts(name):
    res = reproduce.run(name, quick=True)
    assert res.name == name and res.quick and res.rows
    assert res.run_time > 0
    assert res.parameters == reproduce._module(name).PARAMETERS["quick"]
    for row in res.rows:
        assert row.error >= 0 and math.isfinite(row.published)
        expected = _expected(name, row)
        assert row.reproduced == expected, (
            f"{name}: {row.quantity}: measured {row.measured} ± {row.error}, published "
            f"{row.relation} {row.published} (tolerance {row.tolerance})")
        if not row.reproduced:
            assert row.note, f"{name}: {row.quantity} is not reproduced and says nothing about why"


#: full runs that take minutes of CPU each (2026-12: hopfield1982, ags1985, learning_rules and
#: glauber 2-5 min each; the others under 2 min): also marked `full`, left out of CI's slow step
#: (`pytest -m "slow and not full"`, whose budget is a few minutes on 2 cores); `pytest -m full`
#: runs them, as `hopfield reproduce NAME` does
_LONG_FULL_RUNS = {"hopfield1982", "ags1985", "learning_rules", "glauber"}


@pytest.mark.slow
@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.full) if n in _LONG_FULL_RUNS else n
                                  for n in reproduce.REPRODUCTIONS])
def test_full_reproduction_verdicts(name, tmp_path):
    res = reproduce.run(name, quick=False, out=tmp_path, formats=("png",))
    for row in res.rows:
        assert row.reproduced == _expected(name, row), (name, row)
    assert (tmp_path / f"{name}.md").exists()


def test_results_do_not_depend_on_the_executor():
    a = reproduce.run("mceliece1987", quick=True, seed=3)
    with ThreadPoolExecutor(2) as pool:
        b = reproduce.run("mceliece1987", quick=True, seed=3, executor=pool)
    assert [r.measured for r in a.rows] == [r.measured for r in b.rows]
    c = reproduce.run("mceliece1987", quick=True, seed=4)
    assert [r.measured for r in a.rows] != [r.measured for r in c.rows]


@pytest.mark.slow
def test_a_process_pool_gives_the_same_table():
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    a = reproduce.run("mceliece1987", quick=True, seed=5)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        b = reproduce.run("mceliece1987", quick=True, seed=5, executor=pool)
    assert [r.measured for r in a.rows] == [r.measured for r in b.rows]


def test_docs_hold_a_full_report_of_every_reproduction():
    docs = Path(__file__).resolve().parents[1] / "docs" / "reproductions"
    index = (docs / "index.md").read_text(encoding="utf-8")
    for name in reproduce.REPRODUCTIONS:
        page = (docs / f"{name}.md").read_text(encoding="utf-8")
        assert f"({name}.md)" in index
        assert f"hopfield reproduce {name} --seed" in page, f"{name}.md is not from a full run"
        for fig in re.findall(r"\]\(([\w.-]+\.png)\)", page):
            assert (docs / fig).read_bytes()[:4] == b"\x89PNG"


def test_executor_must_be_an_executor():
    with pytest.raises(TypeError, match="Executor"):
        reproduce.run("ham_energy", quick=True, executor=object())


# ----------------------------------------------------------------------------- reports and CLI
def test_cli_list_names_every_reproduction(capsys):
    assert main(["reproduce", "--list"]) == 0
    out = capsys.readouterr().out
    for name in reproduce.REPRODUCTIONS:
        assert name in out


def test_cli_writes_figures_report_and_index(tmp_path, capsys):
    assert main(["reproduce", "model_b_attention", "--quick", "--out", str(tmp_path)]) == 0
    page = (tmp_path / "model_b_attention.md").read_text(encoding="utf-8")
    assert "| quantity | published | source | measured ± MC error | tolerance | verdict |" in page
    assert "hopfield reproduce model_b_attention --quick --seed 0" in page
    assert "model_b_attention.png" in page
    assert (tmp_path / "model_b_attention.png").stat().st_size > 0
    assert (tmp_path / "model_b_attention.svg").stat().st_size > 0
    index = (tmp_path / "index.md").read_text(encoding="utf-8")
    assert "(model_b_attention.md)" in index
    assert "reproduced" in capsys.readouterr().out


def test_cli_without_names_lists_and_checks_flags(capsys):
    assert main(["reproduce"]) == 0
    assert "hopfield1982" in capsys.readouterr().out
    assert main(["reproduce", "ags1985", "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err
    assert main(["reproduce", "ags1985", "--formats", "gif"]) == 2
    assert "--formats" in capsys.readouterr().err


def test_cli_rejects_unknown_names(capsys):
    assert main(["reproduce", "nope", "--quick"]) == 2
    assert "unknown reproduction 'nope'" in capsys.readouterr().err


def test_report_flags_rows_that_are_not_reproduced():
    rows = (Row("a", 1.0, "src", 1.0, 0.0, 0.0),
            Row("b", 1.0, "src", 2.0, 0.0, 0.1, note="finite N"))
    res = reproduce.Result("x", "T", "ref", "setup", rows, {"n": 1}, 0, True, 1.0)
    page = reproduce.report_markdown(res)
    assert res.n_reproduced == 1 and not res.reproduced
    assert "❌ **not reproduced**" in page and "**Not reproduced.** finite N" in page
    assert "1 of 2 published values reproduced" in page
