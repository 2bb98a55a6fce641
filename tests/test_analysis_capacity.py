"""Capacity curves: AGS transition, McEliece fixed points, Storkey and pseudo-inverse capacity."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import hopfield as hf
from hopfield import analysis as an


def test_ags_transition_fast():
    # N = 400: finite-size smearing is larger than at N = 1000, thresholds loosened accordingly
    c = an.capacity_curve("hebb", 400, [0.05, 0.25], trials=3, rng=1)
    correct = 1 - c.bit_error
    assert correct[0] >= 0.999
    assert correct[1] <= 0.78  # collapse above alpha_c (~0.70; ~1 if the physics were wrong)
    assert c.fixed_fraction[1] < 0.05
    assert np.all(c.load == np.array([20, 100]) / 400)
    np.testing.assert_allclose(c.bit_error, (1 - c.overlap) / 2)


@pytest.mark.slow
def test_ags_transition_n1000():
    c = an.capacity_curve("hebb", 1000, [0.10, 0.12, 0.16, 0.20], trials=5, rng=2)
    correct = 1 - c.bit_error
    assert correct[0] >= 0.995
    assert correct[1] >= 0.99
    assert 0.72 <= correct[2] <= 0.995
    assert 0.55 <= correct[3] <= 0.72
    # just below alpha_c, the RS theory gives 1.6 % wrong bits; the simulated mean is below that
    below = an.capacity_curve("hebb", 1000, [0.13], trials=5, rng=3)
    assert below.bit_error[0] <= 0.03


def test_mceliece_fixed_points():
    # THEORY §2.2 at N = 200 (N/(4 ln N) = 9.4, N/(2 ln N) = 18.9): p = 10: every pattern stable
    # in >= 95 % of trials; p = 20: most patterns (≈ 91 %) but seldom all; p = 40: mostly not
    c = an.capacity_curve("hebb", 200, [10 / 200, 20 / 200, 40 / 200], trials=20, rng=4)
    assert c.all_fixed_rate[0] >= 0.95 and c.fixed_fraction[0] >= 0.99
    assert c.fixed_fraction[1] >= 0.8 and c.all_fixed_rate[1] <= 0.5
    assert c.fixed_fraction[2] <= 0.30 and c.all_fixed_rate[2] == 0.0
    assert np.all(c.fixed_fraction >= c.recall_rate - 1e-12)  # noiseless: exact recall needs stability
    assert np.all(c.all_fixed_rate <= c.fixed_fraction + 1e-12)


def test_storkey_beats_hebb_and_pseudoinverse_reaches_n():
    loads = [40 / 200]
    hebb = an.capacity_curve("hebb", 200, loads, trials=4, rng=5)
    stork = an.capacity_curve("storkey", 200, loads, trials=4, rng=5)
    assert stork.fixed_fraction[0] >= 0.98  # THEORY §2.3: 100 % at p = 40
    assert hebb.fixed_fraction[0] <= 0.30  # 10.5 %
    pinv = an.capacity_curve("pseudoinverse", 200, [0.9], trials=2, rng=6)
    assert pinv.fixed_fraction[0] == 1.0 and pinv.recall_rate[0] == 1.0
    assert stork.rule == "storkey" and pinv.n_patterns[0] == 180


def test_noise_and_sync_updates():
    c = an.capacity_curve("hebb", 300, [0.03], trials=2, noise=0.1, update="sync", rng=7)
    assert c.recall_rate[0] >= 0.9 and c.noise == 0.1 and c.update == "sync"


def test_same_seed_same_curve_on_any_executor():
    kw = dict(loads=[0.05, 0.15], trials=3, noise=0.05, rng=11)
    a = an.capacity_curve("hebb", 150, **kw)
    with ThreadPoolExecutor(2) as ex:
        b = an.capacity_curve("hebb", 150, executor=ex, **kw)
    for col in an.CapacityCurve.COLUMNS:
        np.testing.assert_array_equal(getattr(a, col), getattr(b, col))
    c = an.capacity_curve("hebb", 150, loads=[0.05, 0.15], trials=3, noise=0.05, rng=12)
    assert not np.array_equal(a.overlap, c.overlap)
    # a Generator seed is accepted too
    an.capacity_curve("hebb", 50, [0.1], trials=1, rng=np.random.default_rng(0))


def test_dask_executor():
    distributed = pytest.importorskip("distributed")
    kw = dict(loads=[0.05, 0.2], trials=2, rng=13)
    local = an.capacity_curve("hebb", 120, **kw)
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2,
                            dashboard_address=":0") as client:
        remote = an.capacity_curve("hebb", 120, executor=client.get_executor(), **kw)
    np.testing.assert_array_equal(local.overlap, remote.overlap)
    np.testing.assert_array_equal(local.fixed_fraction, remote.fixed_fraction)


def test_progress_and_csv(tmp_path):
    calls = []
    c = an.capacity_curve("hebb", 60, [0.05, 0.1], trials=2, rng=0,
                          progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 2), (2, 2)]  # nested: one task per trial
    calls.clear()
    an.capacity_curve("hebb", 60, [0.05, 0.1], trials=2, rng=0, nested=False,
                      progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    text = c.to_csv(tmp_path / "c.csv")
    lines = (tmp_path / "c.csv").read_text().splitlines()
    assert lines[0].split(",")[:6] == ["rule", "n_neurons", "noise", "update", "trials", "load"]
    assert len(lines) == 3 and text.splitlines() == lines
    assert lines[1].startswith("hebb,60,0.0,async,2,0.05,3,")
    assert np.all(c.sem("overlap") == c.overlap_std / np.sqrt(2))
    assert len(c) == 2 and set(c.as_dict()) >= set(an.CapacityCurve.COLUMNS)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(rule="nope"), ValueError, "rule"),
        (dict(rule=3), TypeError, "rule"),
        (dict(loads=[]), ValueError, "loads"),
        (dict(loads=[0.1, -0.2]), ValueError, "loads"),
        (dict(loads=[np.nan]), ValueError, "loads"),
        (dict(trials=0), ValueError, "trials"),
        (dict(noise=1.5), ValueError, "noise"),
        (dict(update="random"), ValueError, "update"),
        (dict(n_neurons=1), ValueError, "n_neurons"),
        (dict(executor="pool"), TypeError, "executor"),
        (dict(rng="seed"), TypeError, "rng"),
    ],
)
def test_bad_inputs(kwargs, exc, match):
    args = dict(rule="hebb", n_neurons=20, loads=[0.1], trials=1)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        an.capacity_curve(**args)


def test_rule_object_accepted():
    c = an.capacity_curve(hf.rules.Hebb(normalize="p"), 100, [0.05], trials=1, rng=0)
    assert c.rule == "hebb" and c.recall_rate[0] == 1.0


def test_probes_per_trial_subsample_and_in_process_executor():
    full = an.capacity_curve("hebb", 200, [0.05, 0.25], trials=6, rng=8)
    sub = an.capacity_curve("hebb", 200, [0.05, 0.25], trials=6, probes_per_trial=5, rng=8,
                            executor=an.InProcessExecutor())
    assert sub.recall_rate[0] == 1.0 and sub.fixed_fraction[1] <= 0.3
    assert abs(sub.bit_error[1] - full.bit_error[1]) < 0.08  # same physics from fewer probes
    one = an.capacity_curve("hebb", 200, [0.25], trials=4, probes_per_trial=1, rng=8)
    assert set(np.unique(one.recall_rate * 4)) <= {0, 1, 2, 3, 4}
    with pytest.raises(ValueError, match="probes_per_trial"):
        an.capacity_curve("hebb", 20, [0.1], probes_per_trial=0)
    fut = an.InProcessExecutor().submit(divmod, 7, 2)
    assert fut.done() and fut.result() == (3, 1)
    bad = an.InProcessExecutor().submit(divmod, 1, 0)
    with pytest.raises(ZeroDivisionError):
        bad.result()


def test_nested_and_unnested_agree_statistically():
    loads = [0.1, 0.05, 0.25]  # unsorted on purpose: nested runs them in increasing order
    a = an.capacity_curve("hebb", 200, loads, trials=8, rng=9)
    b = an.capacity_curve("hebb", 200, loads, trials=8, rng=9, nested=False)
    np.testing.assert_array_equal(a.n_patterns, [20, 10, 50])
    assert a.recall_rate[1] == b.recall_rate[1] == 1.0
    assert abs(a.bit_error[2] - b.bit_error[2]) < 0.05
    assert a.fixed_fraction[2] < 0.2 and b.fixed_fraction[2] < 0.2
    with pytest.raises(TypeError, match="nested"):
        an.capacity_curve("hebb", 20, [0.1], nested=1)
    # non-incremental rule through the nested path: recomputed at each load
    p = an.capacity_curve("pseudoinverse", 100, [0.5, 0.9], trials=2, rng=0)
    assert np.all(p.fixed_fraction == 1.0)


@pytest.mark.parametrize("update", ["async", "sync"])
def test_noiseless_fixed_fraction_equals_is_fixed_point(update):
    # from the stored pattern, "no flip in the run" is used as the fixed-point test
    c = an.capacity_curve("hebb", 120, [0.2], trials=1, update=update, rng=21, nested=False)
    seed = np.random.SeedSequence(21).spawn(1)[0]
    x = hf.patterns.random(24, 120, rng=np.random.default_rng(seed))
    net = hf.HopfieldNetwork(120)
    net.store(x)
    assert c.fixed_fraction[0] == np.mean(net.is_fixed_point(x))
    assert 0 < c.fixed_fraction[0] < 1
    assert c.all_fixed_rate[0] == 0.0  # some pattern is unstable: "every memory" fails
    easy = an.capacity_curve("hebb", 120, [0.02], trials=3, update=update, rng=21, nested=False)
    assert np.all(easy.all_fixed_rate == 1.0) and easy.all_fixed_rate_std[0] == 0.0


def test_all_fixed_rate_counts_trials_where_every_pattern_is_stable():
    # per trial the rate is 0 or 1, so over 7 trials it is a multiple of 1/7, equal to the
    # fraction of trials whose pattern set is entirely stable (recomputed here from the seeds)
    c = an.capacity_curve("hebb", 100, [0.10], trials=7, rng=3, nested=False)
    expect = []
    for seed in np.random.SeedSequence(3).spawn(7):
        x = hf.patterns.random(10, 100, rng=np.random.default_rng(seed))
        net = hf.HopfieldNetwork(100)
        net.store(x)
        expect.append(bool(net.is_fixed_point(x).all()))
    assert c.all_fixed_rate[0] == pytest.approx(np.mean(expect))
    assert 0 < np.mean(expect) < 1  # the test can tell 0/1 per trial from a fraction of patterns


def test_csv_records_protocol():
    c = an.capacity_curve("hebb", 50, [0.1], trials=1, probes_per_trial=2, nested=False, rng=0)
    head, row = c.to_csv().splitlines()
    assert head.endswith(",nested,probes_per_trial") and row.endswith(",False,2")
    assert an.capacity_curve("hebb", 50, [0.1], trials=1, rng=0).to_csv().endswith(",True,\n")


@pytest.mark.parametrize("noise, update", [(0.0, "async"), (0.15, "async"), (0.15, "sequential")])
@pytest.mark.parametrize("rule", ["hebb", hf.rules.Hebb(normalize="p", zero_diagonal=False)])
def test_batched_load_equals_per_trial_runs(noise, update, rule):
    """All trials of a load in one pattern-form kernel call: the per-trial results, exactly."""
    from hopfield.analysis.capacity import _load_trials, _trial

    seeds = np.random.SeedSequence(7).spawn(5)
    for p, probes in ((4, 2), (30, 1)):
        batched = _load_trials(rule, 150, p, noise, update, 50, probes, seeds)
        single = [_trial(rule, 150, p, noise, update, 50, probes, s) for s in seeds]
        np.testing.assert_array_equal(batched, np.array(single))


def test_like_for_like_curve_runs_one_task_per_load():
    calls = []
    an.capacity_curve("hebb", 300, [0.05, 0.1], trials=4, noise=0.1, probes_per_trial=1,
                      nested=False, rng=0, executor=an.InProcessExecutor(),
                      progress=lambda done, total: calls.append(total))
    assert calls and set(calls) == {2}
