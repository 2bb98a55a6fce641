"""The paired-associate model: probabilistic Hebb, the drift statistics, and the experiment's
effects beyond Monte-Carlo error (standard errors over simulated participants, computed here)."""

import numpy as np
import pytest

from hopfield.human_memory import (
    CORRECT,
    OMISSION,
    PRIOR_LIST,
    WITHIN_LIST,
    PairedAssociateModel,
    paired_associate_experiment,
)


def _gap_beyond_error(x1, se1, x2, se2, k=3.0):
    return (x1 - x2) > k * np.hypot(se1, se2)


@pytest.fixture(scope="module")
def runs():
    """The same participants (seed) with and without contextual drift; three lag bins (0–2, 3–8,
    ≥ 9 events), each holding about a third of the trials."""
    return {d: paired_associate_experiment(n_subjects=12, drift=d, lag_bins=(0, 3, 9, 1000), rng=2024)
            for d in (0.0, 0.1)}


def test_p_one_is_the_hebb_rule_and_p_is_the_update_probability(rng):
    a, b = rng.choice([-1, 1], size=20), rng.choice([-1, 1], size=20)
    full = PairedAssociateModel(20, 10, p_learn=1.0, rng=rng)
    full.study(a, b)
    x = np.concatenate([a, b]).astype(float)
    want = np.outer(x, x) / 50
    np.fill_diagonal(want, 0.0)
    np.testing.assert_allclose(full.weights, want, atol=1e-15)
    p = 0.3
    part = PairedAssociateModel(60, 40, p_learn=p, rng=rng)
    part.study(rng.choice([-1, 1], size=60), rng.choice([-1, 1], size=60))
    w = part.weights
    np.testing.assert_array_equal(w, w.T)
    assert np.all(np.diag(w) == 0)
    upper = w[np.triu_indices(120, 1)]
    frac = np.mean(upper != 0)
    assert abs(frac - p) < 4 * np.sqrt(p * (1 - p) / upper.size)
    frac_c = np.mean(part.context_weights != 0)
    assert frac_c == 0.0  # the first event's context equals its running average: δ = 0


def test_context_overlap_decays_as_one_minus_drift_to_the_lag(rng):
    d, n_c, lags = 0.2, 4000, (1, 3, 6)
    model = PairedAssociateModel(1, n_c, drift=d, rng=rng)
    start = model.context.copy()
    overlaps = {}
    for k in range(1, max(lags) + 1):
        model.tick()
        if k in lags:
            overlaps[k] = float(start @ model.context / n_c)
    for k, m in overlaps.items():
        assert abs(m - (1 - d) ** k) < 4 / np.sqrt(n_c)  # a re-drawn unit keeps its value half the time


def test_recall_learns_nothing(rng):
    model = PairedAssociateModel(30, 30, rng=rng)
    a, b = rng.choice([-1, 1], size=(2, 30))
    for _ in range(3):
        model.study(a, b)
    before, before_c = model.weights, model.context_weights
    model.cued_recall(a)
    np.testing.assert_array_equal(model.weights, before)
    np.testing.assert_array_equal(model.context_weights, before_c)


def test_accuracy_rises_with_repetitions(runs):
    r = runs[0.1]
    acc, se = r.accuracy_by_repetition, r.accuracy_by_repetition_se
    assert np.all(np.isfinite(se)) and np.all((se > 0) | (acc == 1))
    assert _gap_beyond_error(acc[1], se[1], acc[0], se[0])
    assert _gap_beyond_error(acc[2], se[2], acc[0], se[0])


def test_accuracy_falls_with_contextual_drift(runs):
    still, drifting = runs[0.0], runs[0.1]
    # overall accuracy falls when the context drifts ...
    assert _gap_beyond_error(still.intrusions["correct"], still.intrusions_se["correct"],
                             drifting.intrusions["correct"], drifting.intrusions_se["correct"])
    # ... because of forgetting with lag: with drift, short lags beat long lags beyond MC error
    a, se = drifting.accuracy_by_lag, drifting.accuracy_by_lag_se
    assert _gap_beyond_error(a[0], se[0], a[-1], se[-1])
    # and the forgetting is the context's: without drift the lag costs less, beyond MC error (what
    # remains is interference from the pairs stored before a long-lag test)
    a0, se0 = still.accuracy_by_lag, still.accuracy_by_lag_se
    forgetting, forgetting_se = a[0] - a[-1], np.hypot(se[0], se[-1])
    forgetting0, forgetting0_se = a0[0] - a0[-1], np.hypot(se0[0], se0[-1])
    assert _gap_beyond_error(forgetting, forgetting_se, forgetting0, forgetting0_se)


def test_intrusions_are_classified_and_context_separates_lists(runs):
    for r in runs.values():
        total = sum(r.intrusions[k] for k in ("correct", "within_list", "prior_list", "omission"))
        assert total == pytest.approx(1.0)
        outcome = r.trials["outcome"]
        assert set(np.unique(outcome)) <= {CORRECT, WITHIN_LIST, PRIOR_LIST, OMISSION}
        prior = outcome == PRIOR_LIST
        distance = r.trials["list_distance"]
        assert np.all(distance[prior] >= 1) and np.all(distance[~prior] == 0)
        assert np.all(r.trials["list"][prior] >= 1)  # the first list has no prior list
    drifting = runs[0.1]
    assert _gap_beyond_error(drifting.intrusions["within_list"], drifting.intrusions_se["within_list"],
                             drifting.intrusions["prior_list"], drifting.intrusions_se["prior_list"])


def test_trials_follow_the_design(runs):
    t = runs[0.1].trials
    assert t["outcome"].size == 12 * 3 * 12
    counts = np.bincount(t["repetitions"])[1:]
    assert np.all(counts == counts[0])  # every repetition condition has as many pairs
    assert t["lag"].min() >= 0


def test_bad_input_is_named():
    model = PairedAssociateModel(5, 3, rng=0)
    with pytest.raises(ValueError, match="`a` has 4 neurons"):
        model.study(np.ones(4), np.ones(5))
    with pytest.raises(ValueError, match="one word"):
        model.cued_recall(np.ones((2, 5)))
    with pytest.raises(ValueError, match="multiple of `max_repetitions`"):
        paired_associate_experiment(pairs_per_list=10, max_repetitions=3)
    with pytest.raises(ValueError, match=r"`drift` == 1\.5"):
        PairedAssociateModel(10, 10, drift=1.5)
    with pytest.raises(ValueError, match="`lags` must be"):
        paired_associate_experiment(lags=(1, -2))
    with pytest.raises(ValueError, match="`lag_bins` must be increasing"):
        paired_associate_experiment(n_subjects=2, n_lists=1, pairs_per_list=3, lag_bins=(5, 1))


def test_same_seed_same_result_on_any_executor():
    from concurrent.futures import ThreadPoolExecutor

    kwargs = dict(n_subjects=3, n_lists=1, pairs_per_list=6, rng=7)
    here = paired_associate_experiment(**kwargs)
    with ThreadPoolExecutor(2) as pool:
        there = paired_associate_experiment(executor=pool, **kwargs)
    for key, values in here.trials.items():
        np.testing.assert_array_equal(values, there.trials[key])
    with pytest.raises(TypeError, match="`executor` must be"):
        paired_associate_experiment(executor="pool", **kwargs)
