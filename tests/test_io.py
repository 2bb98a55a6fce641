"""Saving and loading: bit-exact round trips; foreign, corrupt and hostile files are refused."""

import json
import pickle
import zipfile

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import hopfield as hf
from naive import hebb as naive_hebb


@pytest.mark.parametrize("rule", ["hebb", "storkey", "pseudoinverse"])
@pytest.mark.parametrize("states", ["bipolar", "binary"])
def test_round_trip_is_bit_exact(tmp_path, rng, rule, states):
    x = hf.patterns.random(5, 30, rng=rng)
    net = hf.HopfieldNetwork(30, rule=rule, states=states, thresholds=rng.normal(size=30))
    net.store(x if states == "bipolar" else hf.patterns.to_binary(x))
    path = tmp_path / "net.npz"
    hf.save(net, path)
    back = hf.load(path)
    assert_array_equal(back.weights, net.weights)
    assert_array_equal(back.thresholds, net.thresholds)
    assert_array_equal(back.patterns, net.patterns)
    assert back.state_space == states and back.rule.name == rule
    assert back.weights.tobytes() == net.weights.tobytes()
    # and it keeps learning the same way
    more = hf.patterns.random(2, 30, rng=rng)
    more = more if states == "bipolar" else hf.patterns.to_binary(more)
    net.store(more)
    back.store(more)
    assert_array_equal(back.weights, net.weights)


def test_mackay_params_survive(tmp_path, rng):
    net = hf.HopfieldNetwork(10, rule="mackay", eta=0.05, n_iter=5)
    net.store(hf.patterns.random(3, 10, rng=rng))
    hf.save(net, tmp_path / "m.npz")
    assert hf.load(tmp_path / "m.npz").rule.params() == {"eta": 0.05, "alpha": 0.01, "n_iter": 5}


def test_custom_rule_network_loads_but_cannot_store(tmp_path, rng):
    net = hf.HopfieldNetwork(8, rule=lambda p: hf.rules.hebb(p))
    net.store(hf.patterns.random(2, 8, rng=rng))
    hf.save(net, tmp_path / "c.npz")
    back = hf.load(tmp_path / "c.npz")
    assert_array_equal(back.weights, net.weights)
    with pytest.raises(TypeError, match="custom rule"):
        back.store(hf.patterns.random(1, 8, rng=rng))


class _Boom:
    def __reduce__(self):
        return (exec, ("import pathlib; pathlib.Path('PWNED').write_text('x')",))


def test_hostile_pickle_file_is_refused_without_executing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # an npz whose header is an object array (needs pickle) and a plain pickle file
    np.savez(tmp_path / "evil.npz", __hopfield__=np.array([_Boom()], dtype=object))
    with open(tmp_path / "evil.pkl", "wb") as fh:
        pickle.dump(_Boom(), fh)
    for name in ("evil.npz", "evil.pkl"):
        with pytest.raises(ValueError, match="not a"):
            hf.load(tmp_path / name)
    assert not (tmp_path / "PWNED").exists()


def test_foreign_and_corrupt_files(tmp_path, rng):
    np.savez(tmp_path / "foreign.npz", a=np.ones(3))
    with pytest.raises(ValueError, match="header"):
        hf.load(tmp_path / "foreign.npz")
    np.save(tmp_path / "bare.npy", np.ones(3))
    with pytest.raises(ValueError, match="not a readable"):
        hf.load(tmp_path / "bare.npy")
    (tmp_path / "junk.npz").write_bytes(b"PK\x03\x04 this is not a zip")
    with pytest.raises(ValueError, match="not a readable"):
        hf.load(tmp_path / "junk.npz")
    net = hf.HopfieldNetwork(6)
    net.store(hf.patterns.random(2, 6, rng=rng))
    hf.save(net, tmp_path / "ok.npz")
    # truncate: a corrupt archive
    data = (tmp_path / "ok.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="not a readable"):
        hf.load(tmp_path / "cut.npz")
    # a header naming a kind we do not know
    with zipfile.ZipFile(tmp_path / "ok.npz") as z:
        names = z.namelist()
    assert "__hopfield__.npy" in names
    header = b'{"format": "hopfield-model", "version": 1, "kind": "os.system", "config": {}}'
    np.savez(tmp_path / "kind.npz", __hopfield__=np.frombuffer(header, dtype=np.uint8))
    with pytest.raises(ValueError, match="unknown model kind"):
        hf.load(tmp_path / "kind.npz")
    # inconsistent arrays
    header = b'{"format": "hopfield-model", "version": 1, "kind": "HopfieldNetwork", ' \
             b'"config": {"states": "bipolar", "rule": "hebb", "rule_params": {}}}'
    np.savez(tmp_path / "bad.npz", __hopfield__=np.frombuffer(header, dtype=np.uint8),
             weights=np.ones((3, 4)), thresholds=np.zeros(3), patterns=np.ones((1, 3), np.int8))
    with pytest.raises(ValueError, match="inconsistent"):
        hf.load(tmp_path / "bad.npz")
    with pytest.raises(FileNotFoundError):
        hf.load(tmp_path / "missing.npz")


def test_save_rejects_unknown_objects(tmp_path):
    with pytest.raises(TypeError, match="cannot save"):
        hf.save(object(), tmp_path / "x.npz")


@pytest.mark.parametrize("states", ["bipolar", "binary"])
def test_hebb_network_is_saved_as_its_patterns_and_loads_bit_exact(tmp_path, rng, states):
    # the file holds the int8 patterns, never the float64 N×N W (which save must not form)
    n, p = 400, 3
    x = hf.patterns.random(p, n, rng=rng)
    net = hf.HopfieldNetwork(n, states=states, thresholds=2.0 / n)
    net.store(x if states == "bipolar" else hf.patterns.to_binary(x))
    path = tmp_path / "hebb.npz"
    hf.save(net, path)
    assert "w" not in net._cache  # saving did not form W
    with zipfile.ZipFile(path) as zf:
        assert "weights.npy" not in zf.namelist()
    assert path.stat().st_size < n * p + 4 * 8 * n  # patterns and thresholds, not 8 N² bytes
    back = hf.load(path)
    assert back.weights.tobytes() == net.weights.tobytes()
    assert back.thresholds.tobytes() == net.thresholds.tobytes()
    assert_array_equal(back.patterns, net.patterns)
    probes = hf.patterns.flip(x, 0.2, rng=rng)
    probes = probes if states == "bipolar" else hf.patterns.to_binary(probes)
    r, rb = net.recall(probes, rng=1), back.recall(probes, rng=1)
    assert_array_equal(rb.states, r.states)
    assert rb.energy.tobytes() == r.energy.tobytes()


def test_unstored_network_loads_without_weights(tmp_path):
    hf.save(hf.HopfieldNetwork(5), tmp_path / "empty.npz")
    back = hf.load(tmp_path / "empty.npz")
    assert back.n_neurons == 5 and back.n_patterns == 0
    with pytest.raises(ValueError, match="no weights yet"):
        back.recall(np.ones(5, dtype=np.int8))


def test_given_weights_and_float64_hebb_keep_the_matrix(tmp_path, rng):
    n = 12
    w0 = rng.normal(size=(n, n))
    w0 = (w0 + w0.T) / 2
    x = hf.patterns.random(2, n, rng=rng)
    given = hf.HopfieldNetwork.from_weights(w0).store(x)  # W0 plus x's Hebb term
    ref = hf.HopfieldNetwork(n, precision="float64").store(x)
    for net in (given, ref):
        hf.save(net, tmp_path / "m.npz")
        back = hf.load(tmp_path / "m.npz")
        assert back.weights.tobytes() == net.weights.tobytes()
        more = hf.patterns.random(1, n, rng=rng)
        assert_array_equal(back.store(more).weights, net.copy().store(more).weights)


def test_format_version_1_files_still_load(tmp_path, rng):
    # a file as version 1 wrote it: the float64 W beside the patterns, no weights form in config
    n = 10
    x = hf.patterns.random(2, n, rng=rng)
    net = hf.HopfieldNetwork(n).store(x)
    w0 = rng.normal(size=(n, n))
    given = hf.HopfieldNetwork.from_weights(w0 + w0.T)
    for model, pats in ((net, x), (given, np.zeros((0, n), np.int8))):
        header = json.dumps({"format": "hopfield-model", "version": 1, "kind": "HopfieldNetwork",
                             "config": {"states": "bipolar", "rule": "hebb",
                                        "rule_params": {"normalize": "n", "zero_diagonal": True},
                                        "precision": "auto"}}).encode()
        np.savez(tmp_path / "v1.npz", __hopfield__=np.frombuffer(header, dtype=np.uint8),
                 weights=model.weights, thresholds=np.zeros(n), patterns=pats)
        back = hf.load(tmp_path / "v1.npz")
        assert back.weights.tobytes() == model.weights.tobytes()
        probe = hf.patterns.flip(x[0], 0.2, rng=0)
        assert_array_equal(back.recall(probe, rng=0).states, model.recall(probe, rng=0).states)
    more = hf.patterns.random(1, n, rng=rng)  # the given weights are kept when storing
    assert_array_equal(back.store(more).weights, given.copy().store(more).weights)


def test_files_without_the_weight_matrix_are_not_version_1(tmp_path, rng):
    # a version-1 reader takes W from weights.npy unconditionally: a file that leaves W out
    # (a Hebb network saved as its patterns) must carry a version such a reader refuses
    n = 12
    x = hf.patterns.random(2, n, rng=rng)
    nets = (hf.HopfieldNetwork(n).store(x), hf.HopfieldNetwork(n),
            hf.HopfieldNetwork(n, states="binary").store(hf.patterns.to_binary(x)))
    for net in nets:
        hf.save(net, tmp_path / "m.npz")
        with zipfile.ZipFile(tmp_path / "m.npz") as zf:
            names = zf.namelist()
            header = json.loads(np.load(zf.open("__hopfield__.npy")).tobytes())
        assert "weights.npy" not in names
        assert header["version"] > 1


def test_version_1_file_of_an_unstored_network_learns_like_a_new_one(tmp_path, rng):
    # version 1 wrote the all-zero W of a network with no patterns: that is no given W, so the
    # loaded network learns as the rule says (Hebb normalised by P: W = Σ ξξᵀ / P, zero diagonal)
    # instead of refusing to add to "given" weights
    n = 10
    header = json.dumps({"format": "hopfield-model", "version": 1, "kind": "HopfieldNetwork",
                         "config": {"states": "bipolar", "rule": "hebb",
                                    "rule_params": {"normalize": "p", "zero_diagonal": True},
                                    "precision": "auto"}}).encode()
    np.savez(tmp_path / "v1.npz", __hopfield__=np.frombuffer(header, dtype=np.uint8),
             weights=np.zeros((n, n)), thresholds=np.zeros(n), patterns=np.zeros((0, n), np.int8))
    back = hf.load(tmp_path / "v1.npz")
    x = hf.patterns.random(3, n, rng=rng)
    np.testing.assert_allclose(back.store(x).weights, naive_hebb(x, 1.0 / 3), rtol=0, atol=1e-15)
