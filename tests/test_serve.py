"""`hopfield serve`: the JSON API over HTTP (stdlib client), image uploads, and the CLI."""

from __future__ import annotations

import base64
import http.client
import json
import os
import struct
import subprocess
import sys
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import numpy as np
import pytest

import hopfield as hf
from hopfield.cli import build_parser
from hopfield.serve import MODELS, make_server
from hopfield.serve.app import MAX_BODY_BYTES
from hopfield.serve.images import MAX_IMAGE_BYTES, ImageError, image_to_pattern

SRC = Path(__file__).resolve().parents[1] / "src"


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def url():
    server = make_server(port=0, quiet=True)
    server.start()
    yield server.url
    server.stop()


def _request(url: str, path: str, body=None, *, raw: bytes | None = None, method=None):
    """(status, decoded JSON or text, headers) of one request."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    req = urllib.request.Request(url + path.lstrip("/"), data=data, method=method,
                                 headers={"Content-Type": "application/json"} if data is not None else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            status, payload, headers = res.status, res.read(), res.headers
    except urllib.error.HTTPError as err:
        status, payload, headers = err.code, err.read(), err.headers
    if headers.get_content_type() == "application/json":
        return status, json.loads(payload), headers
    return status, payload.decode(), headers


def _png(pixels: np.ndarray, *, color_type: int = 0) -> bytes:
    """A minimal 8-bit PNG (grayscale, RGB or RGBA), written with zlib and struct only."""
    h, w = pixels.shape[:2]
    raw = b"".join(b"\x00" + np.ascontiguousarray(row, dtype=np.uint8).tobytes() for row in pixels)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    ihdr = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def _gray(pattern: np.ndarray, shape) -> np.ndarray:
    """±1 pattern -> 8-bit image, ink (+1) black on white paper."""
    return np.where(pattern.reshape(shape) > 0, 0, 255).astype(np.uint8)


def _letters(names="TIUZ", scale=2):
    data = hf.datasets.letters(names, scale=scale)
    return data.patterns, list(data.names), data.shape


def _recall_body(patterns, names, probe, **kw):
    body = {"patterns": np.asarray(patterns).tolist(), "names": names,
            "probe": np.asarray(probe).tolist()}
    body.update(kw)
    return body


# ---------------------------------------------------------------------------------------------
# page, static files, listings
# ---------------------------------------------------------------------------------------------
def test_page_and_static_files(url):
    status, html, headers = _request(url, "/")
    assert status == 200 and headers.get_content_type() == "text/html"
    for element in ('id="probe-grid"', 'id="energy-plot"', 'id="overlaps"', 'id="step-slider"',
                    'src="/static/app.js"'):
        assert element in html
    assert "http://" not in html and "https://" not in html  # nothing from the network
    status, js, headers = _request(url, "/static/app.js")
    assert status == 200 and "text/javascript" in headers["Content-Type"]
    assert "/api/recall" in js and "eval(" not in js
    status, css, _ = _request(url, "/static/style.css")
    assert status == 200 and "#probe-grid" in css
    for bad in ("/static/app.py", "/static/../app.py", "/static/%2e%2e/app.py", "/nope"):
        status, body, _ = _request(url, bad)
        assert status == 404 and "error" in body


def test_models_listing_matches_registry(url):
    status, body, _ = _request(url, "/api/models")
    assert status == 200
    assert [m["name"] for m in body["models"]] == list(MODELS) == ["classical", "dense", "modern"]
    classical = next(m for m in body["models"] if m["name"] == "classical")
    rule = next(p for p in classical["params"] if p["name"] == "rule")
    assert rule["choices"] == ["hebb", "storkey", "pseudoinverse"]
    update = next(p for p in classical["params"] if p["name"] == "update")
    assert update["choices"] == ["async", "sequential", "sync"]


def test_datasets_listing_and_patterns(url):
    status, body, _ = _request(url, "/api/datasets")
    assert status == 200
    assert [d["name"] for d in body["datasets"]] == ["letters", "digits", "shapes"]
    status, body, _ = _request(url, "/api/datasets/letters?scale=2")
    assert status == 200 and body["shape"] == [14, 14] and len(body["names"]) == 26
    ref = hf.datasets.letters(scale=2)
    np.testing.assert_array_equal(np.array(body["patterns"]), ref.patterns)
    status, body, _ = _request(url, "/api/datasets/digits")
    assert status == 200 and body["names"] == list("0123456789")
    status, body, _ = _request(url, "/api/datasets/shapes?size=10")
    assert body["shape"] == [10, 10]
    np.testing.assert_array_equal(np.array(body["patterns"]), hf.datasets.shapes(10).patterns)


@pytest.mark.parametrize(("path", "status", "words"), [
    ("/api/datasets/letters?scale=9", 400, "`scale` == 9, must be <= 4"),
    ("/api/datasets/letters?scale=two", 400, "`scale` must be an integer"),
    ("/api/datasets/letters?size=3", 400, "unknown query parameter(s) 'size'"),
    ("/api/datasets/shapes?size=2", 400, "`size` == 2, must be >= 4"),
    ("/api/datasets/faces", 404, "no dataset 'faces'"),
    ("/api/recall", 405, "use POST"),
])
def test_bad_get_requests(url, path, status, words):
    got, body, _ = _request(url, path)
    assert got == status
    assert words in body["error"]


# ---------------------------------------------------------------------------------------------
# recall
# ---------------------------------------------------------------------------------------------
def test_recall_of_corrupted_letter_async_classical(url):
    patterns, names, _ = _letters()
    n = patterns.shape[1]
    probe = hf.patterns.flip(patterns[0], n_flips=40, rng=3)  # T with 40 of 196 pixels flipped
    status, res, _ = _request(url, "/api/recall", _recall_body(
        patterns, names, probe, model="classical",
        params={"rule": "pseudoinverse", "update": "async"}, seed=5))
    assert status == 200, res
    assert res["recalled"]["name"] == "T" and res["recalled"]["exact"]
    assert res["recalled"]["overlap"] == pytest.approx(1.0)
    states = np.array(res["states"])
    np.testing.assert_array_equal(states[0], probe)
    np.testing.assert_array_equal(states[-1], patterns[0])
    assert res["converged"] and res["message"] == "reached a fixed point"
    assert res["steps"] == len(states) - 1 >= 1
    assert res["overlaps"][0] == pytest.approx(1.0)
    assert res["initial_overlaps"][0] == pytest.approx(1 - 2 * 40 / n)
    # the energies are those of the states, and asynchronous updates never raise them
    net = hf.HopfieldNetwork(n, rule="pseudoinverse")
    net.store(patterns)
    np.testing.assert_allclose(res["energies"], net.energy(states), rtol=1e-12, atol=1e-9)
    e = np.array(res["energies"])
    assert np.all(np.diff(e) <= 1e-9) and e[-1] < e[0]
    # each step is one sweep that changed the state
    assert np.all(np.any(np.diff(states, axis=0) != 0, axis=1))


@pytest.mark.parametrize("rule", ["hebb", "storkey", "pseudoinverse"])
@pytest.mark.parametrize("update", ["async", "sequential"])
def test_asynchronous_energy_never_increases(url, rule, update):
    patterns, names, _ = _letters("HOX", scale=2)
    probe = hf.patterns.flip(patterns[1], 0.3, rng=11)
    status, res, _ = _request(url, "/api/recall", _recall_body(
        patterns, names, probe, params={"rule": rule, "update": update}, seed=2))
    assert status == 200, res
    assert np.all(np.diff(res["energies"]) <= 1e-9)
    assert res["converged"]
    net = hf.HopfieldNetwork(patterns.shape[1], rule=rule)
    net.store(patterns)
    final = np.array(res["states"][-1])
    assert net.is_fixed_point(final)
    assert res["params"] == {"rule": rule, "update": update, "max_steps": 50}


def test_recall_is_reproducible_with_a_seed_and_matches_the_library(url):
    patterns, names, _ = _letters("AEHK", scale=1)
    probe = hf.patterns.flip(patterns[2], 0.25, rng=0)
    body = _recall_body(patterns, names, probe, params={"rule": "storkey"}, seed=9)
    a = _request(url, "/api/recall", body)[1]
    b = _request(url, "/api/recall", body)[1]
    assert a["states"] == b["states"] and a["energies"] == b["energies"]
    # one sweep at a time from one Generator = the library's recall with the same Generator
    net = hf.HopfieldNetwork(patterns.shape[1], rule="storkey")
    net.store(patterns)
    ref = net.recall(probe, rng=np.random.default_rng(9), trace=True)
    np.testing.assert_array_equal(a["states"][-1], ref.states)
    assert a["steps"] == ref.sweeps - 1  # the library also counts the final, unchanged sweep
    np.testing.assert_allclose(a["energies"], ref.energy_trace[: a["steps"] + 1])


def test_synchronous_two_cycle_is_detected(url):
    # two neurons coupled by w = 1/2: synchronous updates swap (+1, -1) <-> (-1, +1) forever
    status, res, _ = _request(url, "/api/recall", {
        "patterns": [[1, 1]], "probe": [1, -1],
        "params": {"rule": "hebb", "update": "sync", "max_steps": 20}})
    assert status == 200, res
    assert res["states"] == [[1, -1], [-1, 1], [1, -1]]
    assert not res["converged"] and "2-cycle" in res["message"]
    assert res["names"] == ["#1"]
    assert res["recalled"]["status"].startswith("spurious")


def test_max_steps_bounds_the_run(url):
    status, res, _ = _request(url, "/api/recall", {
        "patterns": [[1, 1, 1]], "probe": [1, -1, -1],
        "params": {"rule": "hebb", "update": "sync", "max_steps": 1}})
    assert status == 200 and res["steps"] == 1 and not res["converged"]
    assert "stopped after 1 steps" in res["message"]


@pytest.mark.parametrize("update", ["async", "sequential", "sync"])
@pytest.mark.parametrize("F", ["polynomial", "rectified", "exponential"])
def test_dense_recall_of_corrupted_letter(url, F, update):
    patterns, names, _ = _letters()
    probe = hf.patterns.flip(patterns[0], n_flips=40, rng=3)
    params = {"F": F, "n": 3, "beta": 0.2, "update": update}
    status, res, _ = _request(url, "/api/recall", _recall_body(
        patterns, names, probe, model="dense", params=params, seed=1))
    assert status == 200, res
    assert res["recalled"]["name"] == "T" and res["recalled"]["exact"] and res["converged"]
    assert res["params"] == {**params, "max_steps": 50}
    dam = hf.DenseAssociativeMemory(patterns, F=F, n=3, beta=0.2)
    states = np.array(res["states"])
    np.testing.assert_allclose(res["energies"], dam.energy(states), rtol=1e-12)
    if update != "sync":  # asynchronous updates never raise E = -Σ F(ξ·σ)
        assert np.all(np.diff(res["energies"]) <= 0)


def test_dense_exceeds_classical_capacity_on_random_patterns(url):
    # 60 random patterns in 50 neurons: far beyond any classical rule (the projection rule
    # stores at most N), easy for F = max(x, 0)^5 (Krotov & Hopfield 2016)
    patterns = hf.patterns.random(60, 50, rng=0)
    probe = hf.patterns.flip(patterns[7], n_flips=5, rng=1)
    res = _request(url, "/api/recall", _recall_body(
        patterns, None, probe, model="dense", params={"F": "rectified", "n": 5}))[1]
    assert res["recalled"]["index"] == 7 and res["recalled"]["exact"]
    assert res["recalled"]["name"] == "#8"


def test_modern_retrieval_steps_and_energy(url):
    patterns, names, _ = _letters()
    probe = hf.patterns.flip(patterns[0], n_flips=40, rng=3)
    status, res, _ = _request(url, "/api/recall", _recall_body(
        patterns, names, probe, model="modern", params={"beta": 0.1, "steps": 5}))
    assert status == 200, res
    states = np.array(res["states"])
    assert states.dtype == np.float64 and 2 <= len(states) <= 6
    assert res["recalled"]["name"] == "T" and res["recalled"]["overlap"] > 0.99
    # the energy (Ramsauer et al. eq. 2) descends at every update (their Theorem 1)
    net = hf.ModernHopfieldNetwork(patterns.astype(float), beta=0.1)
    np.testing.assert_allclose(res["energies"], np.asarray(net.energy(states)), rtol=1e-3, atol=1e-3)
    assert np.all(np.diff(res["energies"]) <= 1e-9)
    # the first step is the library's one-step retrieval
    one = net.retrieve(probe.astype(float), steps=1)
    np.testing.assert_allclose(states[1], np.asarray(one.states), atol=1e-4)
    res1 = _request(url, "/api/recall", _recall_body(
        patterns, names, probe, model="modern", params={"beta": 0.1, "steps": 1}))[1]
    assert res1["steps"] == 1 and not res1["converged"]
    assert res1["message"] == "stopped after 1 update (the step budget)"
    # at a small β the update averages the memories: a metastable state, no single pattern
    res2 = _request(url, "/api/recall", _recall_body(
        patterns, names, probe, model="modern", params={"beta": 0.005, "steps": 50}))[1]
    assert not res2["recalled"]["exact"] and res2["recalled"]["status"].startswith("metastable")


@pytest.mark.parametrize(("model", "params", "words"), [
    ("dense", {"F": "cubic"}, "`F` must be one of 'polynomial', 'rectified', 'exponential'"),
    ("dense", {"n": 0}, "`n` == 0, must be >= 1"),
    ("dense", {"rule": "hebb"}, "unknown parameter(s) 'rule' for model 'dense'"),
    ("modern", {"beta": 0}, "`beta` == 0, must be >= 0.001"),
    ("modern", {"beta": "big"}, "`beta` must be an instance of Real"),
    ("modern", {"steps": 51}, "`steps` == 51, must be <= 50"),
    ("modern", {"update": "async"}, "unknown parameter(s) 'update' for model 'modern'"),
])
def test_bad_dense_and_modern_params(url, model, params, words):
    status, res, _ = _request(url, "/api/recall", {"patterns": _T.tolist(), "probe": _T[0].tolist(),
                                                   "model": model, "params": params})
    assert status == 400 and words in res["error"]


def test_negated_pattern_is_reported_as_mirror(url):
    patterns, names, _ = _letters("TL", scale=1)
    status, res, _ = _request(url, "/api/recall", _recall_body(
        patterns, names, -patterns[0], params={"rule": "pseudoinverse"}))
    assert status == 200
    assert res["recalled"]["overlap"] == pytest.approx(-1.0)
    assert "negative of T" in res["recalled"]["status"]


_T = hf.datasets.letters("TI").patterns


@pytest.mark.parametrize(("body", "words"), [
    ({"names": ["T"], "probe": [1]}, "missing field `patterns`"),
    ({"patterns": _T.tolist()}, "missing field `probe`"),
    ({"patterns": [[1, 0, 1]], "probe": [1, 1, 1]}, "`patterns` must be ±1"),
    ({"patterns": [[1, -1], [1]], "probe": [1, 1]}, "different lengths"),
    ({"patterns": [[1, "x"]], "probe": [1, 1]}, "only numbers"),
    ({"patterns": "TI", "probe": [1, 1]}, "`patterns` must be a list"),
    ({"patterns": _T.tolist(), "probe": [1, -1, 1]}, "`probe` has 3 neurons but the network has 49"),
    ({"patterns": _T.tolist(), "probe": _T.tolist()}, "`probe` must be one state"),
    ({"patterns": _T.tolist(), "probe": _T[0].tolist(), "model": "boltzmann"},
     "`model` must be one of 'classical', 'dense', 'modern'"),
    ({"patterns": _T.tolist(), "probe": _T[0].tolist(), "params": {"rule": "oja"}},
     "`rule` must be one of 'hebb', 'storkey', 'pseudoinverse'"),
    ({"patterns": _T.tolist(), "probe": _T[0].tolist(), "params": {"beta": 2}},
     "unknown parameter(s) 'beta' for model 'classical'"),
    ({"patterns": _T.tolist(), "probe": _T[0].tolist(), "params": {"max_steps": 0}},
     "`max_steps` == 0, must be >= 1"),
    ({"patterns": _T.tolist(), "probe": _T[0].tolist(), "params": {"max_steps": 2.5}},
     "`max_steps` must be an instance of Integral"),
    ({"patterns": _T.tolist(), "probe": _T[0].tolist(), "params": [1]}, "`params` must be an object"),
    ({"patterns": _T.tolist(), "probe": _T[0].tolist(), "seed": -1}, "`seed` == -1, must be >= 0"),
    ({"patterns": _T.tolist(), "probe": _T[0].tolist(), "names": ["T"]}, "`names` has 1 entries"),
    ({"patterns": _T.tolist(), "probe": _T[0].tolist(), "shape": [7, 8]}, "does not hold 49"),
    ({"patterns": _T.tolist(), "probe": _T[0].tolist(), "weights": [1]}, "unknown field(s) 'weights'"),
    ({"patterns": np.ones((65, 4), int).tolist(), "probe": [1, 1, 1, 1]}, "at most 64 patterns"),
    ({"patterns": np.ones((1, 1025), int).tolist(), "probe": [1] * 1025}, "of 1024 neurons"),
])
def test_bad_recall_requests_are_400_with_a_message(url, body, words):
    status, res, _ = _request(url, "/api/recall", body)
    assert status == 400
    assert words in res["error"]


@pytest.mark.parametrize(("raw", "words"), [
    (b"{not json", "request body is not valid JSON"),
    (b"\xff\xfe", "request body is not valid JSON"),
    (b"[1, 2]", "request body must be a JSON object"),
    (b"", "request body is not valid JSON"),
])
def test_bad_json_is_400(url, raw, words):
    status, res, _ = _request(url, "/api/recall", raw=raw, method="POST")
    assert status == 400
    assert words in res["error"]


def test_request_size_limit_and_headers(url):
    big = b'{"patterns": [' + b"1," * MAX_BODY_BYTES + b"1]}"
    status, res, _ = _request(url, "/api/recall", raw=big, method="POST")
    assert status == 413 and "request body too large" in res["error"]
    host, port = url[len("http://"):].rstrip("/").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("POST", "/api/recall")
    conn.putheader("Content-Type", "application/json")
    conn.endheaders()  # no Content-Length
    res = conn.getresponse()
    assert res.status == 411 and "Content-Length" in json.loads(res.read())["error"]
    conn.close()
    status, res, _ = _request(url, "/api/nothing", {"a": 1})
    assert status == 404 and "/api/recall" in res["error"]
    # a form post (what another web site could make the browser send) is refused
    req = urllib.request.Request(url + "api/corrupt", data=b"state=1", method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 415 and "application/json" in json.loads(err.value.read())["error"]
    err.value.close()


# ---------------------------------------------------------------------------------------------
# corruption
# ---------------------------------------------------------------------------------------------
def test_corrupt_flips_the_requested_share_reproducibly(url):
    t = hf.datasets.letters("T", scale=2).patterns[0]
    status, res, _ = _request(url, "/api/corrupt", {"state": t.tolist(), "percent": 25, "seed": 4})
    assert status == 200
    assert res["flipped"] == 49 == int(np.sum(np.array(res["state"]) != t))
    np.testing.assert_array_equal(res["state"], hf.patterns.flip(t, 0.25, rng=4))
    again = _request(url, "/api/corrupt", {"state": t.tolist(), "percent": 25, "seed": 4})[1]
    assert again == res
    other = _request(url, "/api/corrupt", {"state": t.tolist(), "percent": 25, "seed": 5})[1]
    assert other["state"] != res["state"]


@pytest.mark.parametrize(("body", "words"), [
    ({"state": [1, -1], "percent": 120}, "`percent` == 120, must be <= 100"),
    ({"state": [1, -1], "percent": "10"}, "`percent` must be an instance of Real"),
    ({"state": [1, 2], "percent": 10}, "`state` must be ±1"),
    ({"percent": 10}, "missing field `state`"),
    ({"state": [1, -1], "percent": 10, "seed": 1.5}, "`seed` must be an instance of Integral"),
])
def test_bad_corrupt_requests(url, body, words):
    status, res, _ = _request(url, "/api/corrupt", body)
    assert status == 400 and words in res["error"]


# ---------------------------------------------------------------------------------------------
# uploads
# ---------------------------------------------------------------------------------------------
def _upload(url, data: bytes, shape=None, filename="glyph.png"):
    body = {"filename": filename, "data": base64.b64encode(data).decode()}
    if shape is not None:
        body["shape"] = list(shape)
    return _request(url, "/api/upload", body)


def test_upload_of_a_tiny_png_then_recall_it(url):
    patterns, names, shape = _letters("TIU", scale=2)
    star = -patterns[2].reshape(shape)[::-1].ravel()  # an upside-down negative U, our "drawing"
    status, res, _ = _upload(url, _png(_gray(star, shape)), shape, filename="dir/my star.png")
    assert status == 200, res
    assert res["name"] == "my star" and res["shape"] == list(shape)
    np.testing.assert_array_equal(res["pattern"], star)
    # the uploaded pattern is stored beside the letters and recalled from a corrupted copy
    stored = np.vstack([patterns, res["pattern"]])
    probe = hf.patterns.flip(np.array(res["pattern"]), n_flips=30, rng=1)
    status, rec, _ = _request(url, "/api/recall", _recall_body(
        stored, [*names, res["name"]], probe, params={"rule": "pseudoinverse"}))
    assert rec["recalled"]["name"] == "my star" and rec["recalled"]["exact"]


def test_upload_of_the_largest_image(url):
    gray = np.tile(np.array([0, 255], dtype=np.uint8), (32, 16))  # 32×32 vertical stripes
    status, res, _ = _upload(url, _png(gray))
    assert status == 200 and res["shape"] == [32, 32] and len(res["pattern"]) == 1024
    assert res["pattern"][:4] == [1, -1, 1, -1]
    status, res, _ = _request(url, "/api/recall", {"patterns": [res["pattern"]], "probe": res["pattern"]})
    assert status == 200 and res["recalled"]["exact"]


def test_upload_rgba_png_with_transparency_and_pgm(url):
    ink = np.array([[1, -1, -1], [-1, 1, 1]])
    rgba = np.zeros((2, 3, 4), dtype=np.uint8)
    rgba[..., :3] = np.where(ink > 0, 20, 230)[..., None]
    rgba[..., 3] = 255
    rgba[0, 1] = (0, 0, 0, 0)  # transparent black counts as white paper
    status, res, _ = _upload(url, _png(rgba, color_type=6))
    assert status == 200, res
    assert res["pattern"] == ink.ravel().tolist() and res["shape"] == [2, 3]
    p5 = b"P5\n# a comment\n3 2\n255\n" + bytes([0, 255, 200, 255, 10, 100])
    status, res, _ = _upload(url, p5, filename="x.pgm")
    assert res["pattern"] == [1, -1, -1, -1, 1, 1]
    p2 = b"P2\n3 2\n15\n0 15 12\n15 1 6\n"
    assert _upload(url, p2)[1]["pattern"] == [1, -1, -1, -1, 1, 1]
    p5_16 = b"P5 2 1 65535 " + struct.pack(">HH", 1000, 60000)
    assert _upload(url, p5_16)[1]["pattern"] == [1, -1]


@pytest.mark.parametrize(("make", "shape", "words"), [
    (lambda: b"hello, I am text", None, "not an image"),
    (lambda: b"GIF89a" + bytes(20), None, "not an image"),
    (lambda: _png(np.zeros((40, 40), np.uint8)), None, "too large: 40×40 pixels, at most 32×32"),
    (lambda: _png(np.zeros((14, 14), np.uint8)), (7, 7), "wrong size: the image is 14×14"),
    (lambda: _png(np.zeros((5, 4), np.uint8)), (4, 5), "wrong size: the image is 4×5"),
    (lambda: _png(np.zeros((4, 4), np.uint8))[:40] + b"garbage" * 4, None, "could not be decoded"),
    (lambda: b"\x89PNG\r\n\x1a\n" + bytes(8), None, "truncated"),
    (lambda: b"P5\n2 2\n255\n\x00", None, "truncated"),
    (lambda: b"P2\n2 2\n255\n1 2 3", None, "must list 2×2 = 4 integer pixel values"),
    (lambda: b"P2\n1 1\n9\n12\n", None, "exceeds the maxval 9"),
    (lambda: b"P5 x 2 255 ", None, "PGM header is malformed"),
    (lambda: b"P5\n0 2\n255\n", None, "must not be empty"),
    (lambda: b"P2 " + b"0 " * (MAX_IMAGE_BYTES // 2), None, f"at most {MAX_IMAGE_BYTES}"),
])
def test_bad_uploads_are_400_with_a_message(url, make, shape, words):
    status, res, _ = _upload(url, make(), shape)
    assert status == 400
    assert res["error"].startswith("bad upload: ") or "too large" in res["error"]
    assert words in res["error"]


@pytest.mark.parametrize(("body", "words"), [
    ({"data": "***"}, "`data` is not valid base64"),
    ({"data": 12}, "`data` must be the file's contents in base64"),
    ({"filename": "a.png"}, "missing field `data`"),
    ({"data": "", "shape": [0, 3]}, "`shape` == [0, 3]"),
    ({"data": "", "shape": "7x7"}, "`shape` must be [height, width]"),
    ({"data": "", "mode": "rgb"}, "unknown field(s) 'mode'"),
])
def test_bad_upload_requests(url, body, words):
    status, res, _ = _request(url, "/api/upload", body)
    assert status == 400 and words in res["error"]


def test_image_to_pattern_directly():
    img = image_to_pattern(_png(np.array([[0, 255], [127, 128]], dtype=np.uint8)))
    np.testing.assert_array_equal(img, [[1, -1], [1, -1]])
    assert img.dtype == np.int8
    with pytest.raises(ImageError, match="wrong size"):
        image_to_pattern(_png(np.zeros((2, 2), np.uint8)), shape=(2, 3))
    assert issubclass(ImageError, ValueError)


# ---------------------------------------------------------------------------------------------
# server object and command line
# ---------------------------------------------------------------------------------------------
def test_server_arguments_are_checked():
    with pytest.raises(ValueError, match="`port` == 70000"):
        make_server(port=70000)
    with pytest.raises(TypeError, match="`host` must be a non-empty string"):
        make_server(host="", port=0)


def test_cli_parser_defaults_and_flags():
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.open) == ("127.0.0.1", 8000, True)
    args = build_parser().parse_args(["serve", "--port", "0", "--no-open", "--host", "localhost"])
    assert (args.host, args.port, args.open) == ("localhost", 0, False)


def test_cli_serves_the_page_on_loopback():
    env = {**os.environ, "PYTHONPATH": str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "hopfield", "serve", "--port", "0", "--no-open",
                             "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    try:
        line = proc.stdout.readline()
        assert line.startswith("hopfield serve: http://127.0.0.1:"), line + proc.stderr.read()
        page = line.split()[2]
        with urllib.request.urlopen(page, timeout=30) as res:
            assert b"interactive recall" in res.read()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()


def test_cli_reports_a_busy_port(capsys):
    server = make_server(port=0, quiet=True)
    try:
        port = server.server_address[1]
        from hopfield.cli import main

        assert main(["serve", "--port", str(port), "--no-open"]) == 2
        assert "cannot listen on 127.0.0.1" in capsys.readouterr().err
    finally:
        server.server_close()
