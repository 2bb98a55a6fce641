"""Krotov–Hopfield DAM classifier (NeurIPS 2016 §4, App. A; THEORY.md §7 "Duality", "MNIST")."""

import warnings

import numpy as np
import pytest

import hopfield as hf
from hopfield.dam_classifier import DAMClassifier, load_digits


@pytest.fixture(autouse=True)
def _single_thread_blas():
    """Small matrices: BLAS threads only add contention on a shared machine (if threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(1):
        yield


def _onehot(y, n_c=10):
    t = -np.ones((y.size, n_c))
    t[np.arange(y.size), y] = 1.0
    return t


def _eq9_reference(xi, v, n, temp):
    """Their Eq. 9 written out per class, straight from the DAM energy -Σ_μ ReP_n(ξ^μ·σ)."""
    n_v = v.shape[1]
    n_c = xi.shape[1] - n_v
    out = np.zeros((v.shape[0], n_c))
    for b in range(v.shape[0]):
        off = np.concatenate([v[b], -np.ones(n_c)])
        for a in range(n_c):
            on = off.copy()
            on[n_v + a] = 1.0
            e_off = -np.sum(np.maximum(xi @ off, 0) ** n)
            e_on = -np.sum(np.maximum(xi @ on, 0) ** n)
            out[b, a] = np.tanh((e_off - e_on) / temp**n)
    return out


@pytest.mark.parametrize("n", [2, 3, 6])
def test_energy_form_is_eq9_energy_difference(n, rng):
    xi = np.clip(rng.normal(-0.1, 0.4, (15, 8 + 4)), -1, 1)
    v = rng.uniform(-1, 1, (5, 8))
    clf = DAMClassifier(15, n, form="energy")
    np.testing.assert_allclose(clf._forward(xi, v, 3.0), _eq9_reference(xi, v, n, 3.0),
                               rtol=1e-10, atol=1e-12)


def test_dual_form_is_the_small_epsilon_limit(rng):
    # classification neurons at -ε, β = 1/(2ε): Eq. 9 -> tanh[Σ_μ ξ_α^μ F'(ξ_v^μ·v)] as ε -> 0
    n = 3
    xi = np.clip(rng.normal(0.0, 0.5, (12, 6 + 3)), -1, 1)
    v = rng.uniform(-1, 1, (4, 6))
    clf = DAMClassifier(12, n, form="dual")
    dual = clf._forward(xi, v, 1.0)  # tanh[Σ_μ ξ_α^μ n max(h,0)^(n-1)] at T = 1
    errs = []
    for eps in (1e-2, 1e-3, 1e-4):
        off = np.concatenate([v, -eps * np.ones((4, 3))], axis=1)
        s = np.zeros((4, 3))
        for a in range(3):
            on = off.copy()
            on[:, 6 + a] = eps
            s[:, a] = (np.maximum(on @ xi.T, 0) ** n - np.maximum(off @ xi.T, 0) ** n).sum(1)
        errs.append(np.abs(np.tanh(s / (2 * eps)) - dual).max())
    assert errs[-1] < 1e-3
    assert errs[0] > errs[1] > errs[2]


@pytest.mark.parametrize("form", ["dual", "energy"])
@pytest.mark.parametrize("n", [2, 3, 7])
def test_gradient_matches_finite_differences(form, n, rng):
    xi = np.clip(rng.normal(-0.1, 0.4, (10, 8 + 3)), -1, 1)
    v = rng.uniform(-1, 1, (6, 8))
    t = _onehot(rng.integers(0, 3, 6), 3)
    clf = DAMClassifier(10, n, form=form, loss_power=3)
    temp = 2.5
    c = clf._forward(xi, v, temp)
    _, dl = clf._loss_grad(c, t)
    _, ascent = clf._forward(xi, v, temp, grad_out=dl)
    h = 1e-6
    for idx in [(0, 0), (3, 5), (7, 8), (9, 10), (2, 9)]:
        a, b = xi.copy(), xi.copy()
        a[idx] += h
        b[idx] -= h
        la = clf._loss_grad(clf._forward(a, v, temp), t)[0].sum()
        lb = clf._loss_grad(clf._forward(b, v, temp), t)[0].sum()
        assert -ascent[idx] == pytest.approx((la - lb) / (2 * h), rel=1e-5, abs=1e-9)


def test_short_training_on_digits_beats_chance_clearly():
    pytest.importorskip("sklearn")
    xtr, ytr, xte, yte = load_digits(rng=0)
    assert xtr.shape[1] == 64 and xtr.min() >= -1 and xtr.max() <= 1
    assert np.bincount(yte).min() >= 40  # stratified
    clf = DAMClassifier(n_memories=50, n=3, rng=0).fit(xtr, ytr, epochs=12, X_val=xte,
                                                        y_val=yte)
    err = 1 - clf.score(xte, yte)
    assert err < 0.20, err
    h = clf.history_
    assert h.test_error.shape == (12,) and h.train_error.shape == (12,)
    assert h.test_error[-1] == pytest.approx(err)
    assert h.train_error[-1] < h.train_error[0]
    assert h.loss[-1] < h.loss[0]
    assert np.all(np.abs(clf.memories_) <= 1.0)  # clipped
    assert clf.memories_.shape == (50, 64 + 10)
    c = clf.decision_function(xte[:5])
    assert c.shape == (5, 10) and np.all(np.abs(c) < 1)
    np.testing.assert_array_equal(clf.predict(xte[:5]), clf.classes_[np.argmax(c, axis=1)])


def test_energy_form_trains_too():
    pytest.importorskip("sklearn")
    xtr, ytr, xte, yte = load_digits(rng=1)
    clf = DAMClassifier(n_memories=40, n=3, form="energy", rng=1).fit(xtr, ytr, epochs=10)
    assert 1 - clf.score(xte, yte) < 0.25


def test_reproducible_and_labels_kept(rng):
    x = rng.uniform(-1, 1, (60, 5))
    y = np.where(x[:, 0] > 0, "pos", "neg")
    a = DAMClassifier(8, 3, batch_size=10, rng=3).fit(x, y, epochs=20)
    b = DAMClassifier(8, 3, batch_size=10, rng=3).fit(x, y, epochs=20)
    np.testing.assert_array_equal(a.memories_, b.memories_)
    assert set(a.predict(x)) <= {"pos", "neg"}
    assert a.score(x, y) > 0.8


def test_temperature_schedule():
    clf = DAMClassifier(5, 3, temperature=(40.0, 10.0), anneal_epochs=4)
    np.testing.assert_allclose(clf._schedule(64, 6), [40, 32.5, 25, 17.5, 10, 10])
    np.testing.assert_allclose(DAMClassifier(5, 3, temperature=7.0)._schedule(64, 3), 7.0)
    np.testing.assert_allclose(DAMClassifier(5, 20)._schedule(100, 2), 80.0)


def test_large_power_does_not_overflow(rng):
    x = rng.uniform(-1, 1, (40, 30))
    y = (x[:, 0] > 0).astype(int)
    clf = DAMClassifier(10, 40, rng=0).fit(x, y, epochs=3)
    assert np.all(np.isfinite(clf.memories_))
    assert np.all(np.isfinite(clf.decision_function(x)))


def test_exported():
    assert hf.DAMClassifier is DAMClassifier


def test_validation_errors(rng):
    x = rng.uniform(-1, 1, (20, 4))
    y = np.arange(20) % 2
    # scikit-learn's convention: parameters are stored as given and validated by fit
    for params, err, match in [({"n": 1}, ValueError, "`n` == 1"),
                               ({"form": "softmax"}, ValueError, "`form` must be one of"),
                               ({"temperature": (1.0, -2.0)}, ValueError, "temperature"),
                               ({"momentum": 1.0}, ValueError, "momentum"),
                               ({"n_memories": 2.5}, TypeError, "n_memories"),
                               ({"input_scaling": "zscore"}, ValueError, "input_scaling"),
                               ({"rng": 1, "random_state": 2}, ValueError, "not both")]:
        with pytest.raises(err, match=match):
            DAMClassifier(4, 3).set_params(**params).fit(x, y, epochs=1)
    clf = DAMClassifier(4, 3)
    with pytest.raises(ValueError, match="not fitted"):
        clf.predict(x)
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        clf.fit(3 * x, y)
    with pytest.raises(ValueError, match="NaN"):
        clf.fit(np.full((3, 2), np.nan), [0, 1, 0])
    with pytest.raises(ValueError, match="one label per row"):
        clf.fit(x, y[:5])
    with pytest.raises(ValueError, match="two classes"):
        clf.fit(x, np.zeros(20))
    with pytest.raises(ValueError, match="X_val"):
        clf.fit(x, y, X_val=x)
    with pytest.raises(ValueError, match="epochs"):
        clf.fit(x, y, epochs=0)
    with pytest.raises(ValueError, match="continuous"):
        clf.fit(x, x[:, 0])
    with pytest.raises(TypeError, match="sparse"):
        clf.fit(pytest.importorskip("scipy.sparse").csr_matrix(x), y)
    clf.fit(x, y, epochs=1)
    with pytest.raises(ValueError, match="expecting 4 features"):
        clf.predict(x[:, :3])
    with pytest.raises(ValueError, match="Reshape your data"):
        clf.predict(x[0])


def test_unit_interval_data_is_refused_unless_rescaled_explicitly():
    pytest.importorskip("sklearn")
    xtr, ytr, xte, _ = load_digits(rng=0)
    unit_tr, unit_te = (xtr + 1) / 2, (xte + 1) / 2  # pixels in [0, 1]
    with pytest.raises(ValueError, match="input_scaling='unit'"):
        DAMClassifier(20, 3, random_state=0).fit(unit_tr, ytr, epochs=2)
    ref = DAMClassifier(20, 3, random_state=0).fit(xtr, ytr, epochs=3)
    unit = DAMClassifier(20, 3, input_scaling="unit", random_state=0).fit(unit_tr, ytr, epochs=3)
    np.testing.assert_allclose(unit.memories_, ref.memories_, atol=1e-12)  # x -> 2x - 1 exactly
    np.testing.assert_array_equal(unit.predict(unit_te), ref.predict(xte))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        unit.predict(xte)  # [-1, 1] data given to a [0, 1] model
    # minmax: each feature's range to [-1, 1]; a shifted, stretched copy of the data is equivalent
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (60, 5))
    x[0], x[1] = -1.0, 1.0  # pin every feature's range to [-1, 1]: minmax maps 3x + 7 back to x
    y = (x[:, 2] + x[:, 3] > 0).astype(int)
    a = DAMClassifier(10, 3, random_state=1).fit(x, y, epochs=5)
    b = DAMClassifier(10, 3, input_scaling="minmax", random_state=1).fit(
        3.0 * x + 7.0, y, epochs=5)
    np.testing.assert_allclose(b.memories_, a.memories_, atol=1e-12)
    np.testing.assert_array_equal(b.predict(3.0 * x + 7.0), a.predict(x))


def test_scikit_learn_protocol(rng):
    sklearn = pytest.importorskip("sklearn")
    from sklearn.base import clone
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler

    clf = DAMClassifier(30, 3, epochs=15, learning_rate=0.03, random_state=0)
    assert repr(clf) == "DAMClassifier(n_memories=30, epochs=15, learning_rate=0.03, random_state=0)"
    assert repr(DAMClassifier()) == "DAMClassifier()"
    params = clf.get_params()
    assert params["n_memories"] == 30 and params["random_state"] == 0 and "rng" in params
    twin = clone(clf)
    assert twin is not clf and twin.get_params() == params
    assert clf.set_params(n=4) is clf and clf.n == 4
    with pytest.raises(ValueError, match="invalid parameter 'power'"):
        clf.set_params(power=3)
    xtr, ytr, _, _ = load_digits(rng=0)
    scores = cross_val_score(DAMClassifier(40, 3, epochs=15, random_state=0), xtr, ytr, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.8
    pipe = make_pipeline(MinMaxScaler((-1, 1), clip=True), DAMClassifier(40, 3, epochs=15, random_state=0))
    assert pipe.fit(xtr[:600], ytr[:600]).score(xtr[600:], ytr[600:]) > 0.8
    fitted = DAMClassifier(20, 3, epochs=3, random_state=0).fit(xtr, ytr)
    again = DAMClassifier(20, 3, epochs=3, random_state=0).fit(xtr, ytr)
    np.testing.assert_array_equal(fitted.memories_, again.memories_)  # an int seed: identical fits
    proba = fitted.predict_proba(xtr[:50])
    assert proba.shape == (50, 10) and np.all(proba >= 0)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(fitted.classes_[proba.argmax(axis=1)], fitted.predict(xtr[:50]))
    assert fitted.n_features_in_ == 64 and sklearn.base.is_classifier(fitted)
    # two classes: scikit-learn's binary decision function, c_1 - c_0
    binary = DAMClassifier(10, 3, epochs=5, random_state=0).fit(xtr[ytr < 2], ytr[ytr < 2])
    c = binary.outputs(xtr[:7])
    np.testing.assert_allclose(binary.decision_function(xtr[:7]), c[:, 1] - c[:, 0])


def test_passes_scikit_learns_estimator_checks():
    pytest.importorskip("sklearn")
    from sklearn.utils.estimator_checks import check_estimator

    reason = "a column-vector y is refused with an error instead of a warning and a ravel"
    est = DAMClassifier(n_memories=20, epochs=20, input_scaling="minmax", random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the checks' own SkipTestWarnings (pandas, array API)
        results = check_estimator(est, on_fail=None,
                                  expected_failed_checks={"check_supervised_y_2d": reason})
    bad = [(r["check_name"], str(r["exception"])[:200]) for r in results
           if r["status"] not in ("passed", "skipped", "xfail")]
    assert bad == []
    assert sum(r["status"] == "passed" for r in results) >= 50


@pytest.mark.slow
@pytest.mark.parametrize("n", [2, 3, 20])
def test_long_training_reaches_a_few_percent(n):
    # the Figure 2 setting scaled to 8x8 digits: every power ends near 2 % (one image = 0.22 %)
    pytest.importorskip("sklearn")
    xtr, ytr, xte, yte = load_digits(rng=0)
    clf = DAMClassifier(n_memories=100, n=n, rng=0).fit(xtr, ytr, epochs=200, X_val=xte,
                                                         y_val=yte)
    assert clf.history_.test_error[-20:].mean() < 0.04
    assert clf.history_.train_error[-1] < 0.02
