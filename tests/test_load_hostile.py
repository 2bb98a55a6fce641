"""Hostile files for ``hf.load`` (issue 14 item 11): only ValueError leaves ``load``, quickly.

Each file is built by hand with :mod:`zipfile` so that it can lie: about a member's shape, its
compressed size, the JSON nesting, the types in the header. ``load`` must refuse every one with a
``ValueError`` in its own words, without allocating what the file claims and without reading the
members the model does not need.
"""

from __future__ import annotations

import io
import json
import time
import zipfile

import numpy as np
import pytest

import hopfield as hf
from hopfield import io as hio

X = hf.patterns.random(3, 8, rng=0)


def _npy(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asarray(arr), allow_pickle=False)
    return buf.getvalue()


def _header(kind="DenseAssociativeMemory", config=None, **top) -> bytes:
    config = {"F": "polynomial", "n": 3, "beta": 1.0} if config is None else config
    head = {"format": hio.FORMAT, "version": hio.VERSION, "kind": kind, "config": config, **top}
    return _npy(np.frombuffer(json.dumps(head).encode(), dtype=np.uint8))


def _write(path, members: dict[str, bytes], *, compress: dict[str, int] | None = None):
    compress = compress or {}
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data, compress_type=compress.get(name, zipfile.ZIP_STORED))
    return path


def _dam_file(tmp_path, header=None, **extra):
    members = {"__hopfield__.npy": header or _header(), "patterns.npy": _npy(X), **extra}
    return _write(tmp_path / "model.npz", members)


def _refused(path, match: str = "hopfield model file|inconsistent") -> str:
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=match) as info:
        hf.load(path)
    assert time.perf_counter() - t0 < 2.0
    msg = str(info.value)
    assert "allow_pickle" not in msg and str(path) in msg
    return msg


def test_the_handmade_file_loads(tmp_path):
    net = hf.load(_dam_file(tmp_path))
    assert isinstance(net, hf.DenseAssociativeMemory)
    np.testing.assert_array_equal(net.patterns, X)


def test_a_shape_claim_larger_than_the_member_is_refused_before_allocating(tmp_path):
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": "|i1", "fortran_order": False, "shape": (10**12,)})
    claim = buf.getvalue()
    _refused(_dam_file(tmp_path, **{"patterns.npy": b"\x93NUMPY\x01\x00" + claim[8:] + bytes(24)}),
             "declares shape")


def test_an_unknown_compression_method_is_refused(tmp_path):
    """zipfile raises NotImplementedError for a method id it does not know; load names the file."""
    path = _dam_file(tmp_path)
    raw = bytearray(path.read_bytes())
    for sig, at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):    # local and central headers
        i = raw.find(sig)
        while i != -1:
            raw[i + at:i + at + 2] = (99).to_bytes(2, "little")
            i = raw.find(sig, i + 4)
    path.write_bytes(bytes(raw))
    assert "NotImplementedError" in _refused(path, "compression method is not supported")


def test_a_compression_bomb_is_refused_without_decompressing(tmp_path):
    bomb = _npy(np.zeros(50 * 2**20, dtype=np.int8))  # 50 MiB of zeros deflates ~1000:1
    members = {"__hopfield__.npy": _header(), "patterns.npy": bomb}
    path = _write(tmp_path / "bomb.npz", members, compress={"patterns.npy": zipfile.ZIP_DEFLATED})
    assert path.stat().st_size < 2**20
    _refused(path, "compression ratio")


def test_members_the_model_does_not_need_are_not_read(tmp_path):
    junk = b"\x93NUMPY garbage that is never decompressed"
    net = hf.load(_dam_file(tmp_path, **{"unused.npy": junk}))
    assert isinstance(net, hf.DenseAssociativeMemory)


def test_deep_json_is_refused(tmp_path):
    deep = b"[" * 50_000 + b"]" * 50_000
    members = {"__hopfield__.npy": _npy(np.frombuffer(deep, dtype=np.uint8)), "patterns.npy": _npy(X)}
    _refused(_write(tmp_path / "deep.npz", members), "nests deeper")


@pytest.mark.parametrize("config", [
    {"F": "polynomial", "n": "3", "beta": 1.0},
    {"F": "polynomial", "n": 3.9, "beta": 1.0},
    {"F": "polynomial", "n": True, "beta": 1.0},
    {"F": "exponential", "n": 3, "beta": "2"},
    {"F": 7, "n": 3, "beta": 1.0},
    {"F": "polynomial", "n": 3},
])
def test_dam_config_types_are_strict(tmp_path, config):
    _refused(_dam_file(tmp_path, _header(config=config)), "inconsistent DenseAssociativeMemory")


@pytest.mark.parametrize("top", [{"version": True}, {"version": 1.0}, {"version": "1"}, {"kind": 3},
                                 {"config": [1]}, {"format": "other"}])
def test_header_types_are_strict(tmp_path, top):
    _refused(_dam_file(tmp_path, _header(**top)))


def test_classical_flag_must_be_a_bool(tmp_path):
    net = hf.HopfieldNetwork(8)
    net.store(X)
    path = tmp_path / "net.npz"
    hf.save(net, path)
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    head = json.loads(np.load(io.BytesIO(members["__hopfield__.npy"])).tobytes())
    head["config"]["rule_params"]["zero_diagonal"] = "no"
    members["__hopfield__.npy"] = _npy(np.frombuffer(json.dumps(head).encode(), dtype=np.uint8))
    _refused(_write(tmp_path / "bad.npz", members), "zero_diagonal")


def test_object_arrays_are_refused_without_unpickling(tmp_path):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.array([object()], dtype=object), allow_pickle=True)
    _refused(_dam_file(tmp_path, **{"patterns.npy": buf.getvalue()}), "Python objects")


def test_a_complex_member_is_refused_by_a_real_model(tmp_path):
    _refused(_dam_file(tmp_path, **{"patterns.npy": _npy(X.astype(complex))}), "inconsistent")


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04" + b"\x00" * 40, _npy(X)])
def test_garbage_files(tmp_path, content):
    path = tmp_path / "junk.npz"
    path.write_bytes(content)
    _refused(path)


def test_other_members_and_too_many_members(tmp_path):
    _refused(_dam_file(tmp_path, **{"script.py": b"print(1)"}), "not a .npy")
    many = {f"a{i}.npy": _npy(np.zeros(1)) for i in range(hio.MAX_MEMBERS + 1)}
    _refused(_dam_file(tmp_path, **many), "members")


def test_a_huge_header_is_refused(tmp_path):
    big = _npy(np.zeros(hio.MAX_HEADER_BYTES + 1, dtype=np.uint8))
    _refused(_dam_file(tmp_path, big), "header is")


def test_every_byte_corruption_is_a_value_error_or_the_model(tmp_path):
    """Flip each of 400 bytes of a real file in turn: load returns the model or a ValueError."""
    for model in (hf.DenseAssociativeMemory(X), hf.ModernHopfieldNetwork(X.astype(float))):
        path = tmp_path / "good.npz"
        hf.save(model, path)
        good = path.read_bytes()
        rng = np.random.default_rng(0)
        for pos in rng.choice(len(good), size=min(200, len(good)), replace=False):
            bad = bytearray(good)
            bad[pos] ^= 0xFF
            path.write_bytes(bytes(bad))
            try:
                out = hf.load(path)
            except ValueError:
                continue
            assert type(out) is type(model)


@pytest.mark.parametrize(("key", "value", "match"), [("weights", "bogus", "form"),
                                                     ("weights", 3, "form"),
                                                     ("custom_weights", "no", "custom_weights")])
def test_classical_weights_form_is_checked(tmp_path, key, value, match):
    net = hf.HopfieldNetwork(8, precision="float64")
    net.store(X)
    path = tmp_path / "net.npz"
    hf.save(net, path)
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    head = json.loads(np.load(io.BytesIO(members["__hopfield__.npy"])).tobytes())
    head["config"][key] = value
    members["__hopfield__.npy"] = _npy(np.frombuffer(json.dumps(head).encode(), dtype=np.uint8))
    _refused(_write(tmp_path / "bad.npz", members), match)


def test_hebb_form_without_the_hebb_rule_is_refused(tmp_path):
    net = hf.HopfieldNetwork(8)
    net.store(X)
    path = tmp_path / "net.npz"
    hf.save(net, path)
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    head = json.loads(np.load(io.BytesIO(members["__hopfield__.npy"])).tobytes())
    head["config"]["rule"], head["config"]["rule_params"] = "storkey", {}
    members["__hopfield__.npy"] = _npy(np.frombuffer(json.dumps(head).encode(), dtype=np.uint8))
    _refused(_write(tmp_path / "bad.npz", members), "Hebb rule")


@pytest.mark.parametrize("n_patterns", [0, 3])
def test_classical_weights_of_another_size_than_the_patterns_are_refused(tmp_path, n_patterns):
    # a matrix-form file whose W has 9 neurons beside patterns of 8: inconsistent, whether the
    # patterns could be checked against W (Hebb, 3 patterns) or not (given weights, no patterns)
    net = hf.HopfieldNetwork.from_weights(np.eye(8)) if n_patterns == 0 else \
        hf.HopfieldNetwork(8, precision="float64").store(X)
    path = tmp_path / "net.npz"
    hf.save(net, path)
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    members["weights.npy"] = _npy(np.eye(9))
    _refused(_write(tmp_path / "bad.npz", members), "8 neurons and the weights 9")
