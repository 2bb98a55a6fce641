"""End to end: `hopfield serve` driven in headless Chromium (the system's, through Playwright).

A person's session on the page: load the letter T on the probe grid, corrupt it with mouse clicks
and a drag, run recall, and read the recalled name, its overlap and the plotted energies off the
page. Skipped only where the Playwright client or a Chromium binary cannot be found (install them
with ``pip install playwright`` and ``apt-get install chromium``; never ``playwright install``).
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import urllib.request
import zlib
from pathlib import Path

import numpy as np
import pytest

import hopfield as hf

SRC = Path(__file__).resolve().parents[1] / "src"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium() -> str | None:
    for candidate in (os.environ.get("HOPFIELD_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="the Playwright Python client is not installed (pip install playwright; its browser "
    "download is not needed)",
)
CHROMIUM = _chromium()
if CHROMIUM is None:
    pytest.skip("no Chromium binary found at /usr/bin/chromium or on PATH "
                "(apt-get install chromium chromium-driver)", allow_module_level=True)


@pytest.fixture(scope="module")
def server_url():
    """`hopfield serve` in a subprocess on a free port; yields the page's address."""
    env = {**os.environ, "PYTHONPATH": str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hopfield", "serve", "--port", "0", "--no-open", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        line = proc.stdout.readline()
        if not line.startswith("hopfield serve: http://127.0.0.1:"):
            pytest.fail(f"`hopfield serve` did not start: {line!r} {proc.stderr.read()}")
        url = line.split()[2]
        # one recall before the browser starts, so that a cold Numba cache (compiling the
        # kernels takes seconds on a loaded machine) does not count against the page's timeouts
        body = json.dumps({"patterns": [[1, -1, 1]], "probe": [1, 1, 1]}).encode()
        req = urllib.request.Request(url + "api/recall", data=body,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=300) as res:
            assert res.status == 200
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        # scroll bars shown, as on a desktop (Playwright hides them by default)
        br = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                ignore_default_args=["--hide-scrollbars"])
        try:
            yield br
        finally:
            br.close()


def _open(browser, server_url, width=1320, height=1000):
    pg = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.set_default_timeout(30_000)
    pg.goto(server_url)
    pg.wait_for_selector("body[data-ready=true]")
    pg.errors = errors
    return pg


@pytest.fixture()
def page(browser, server_url):
    pg = _open(browser, server_url)
    yield pg
    pg.close()


def _click_cell(pg, index: int, cols: int, rows: int) -> None:
    box = pg.locator("#probe-grid").bounding_box()
    r, c = divmod(index, cols)
    pg.mouse.click(box["x"] + (c + 0.5) * box["width"] / cols, box["y"] + (r + 0.5) * box["height"] / rows)


def _probe(pg) -> np.ndarray:
    text = pg.locator("#probe-grid").get_attribute("data-state")
    return np.array([1 if ch == "+" else -1 for ch in text], dtype=np.int8)


def test_draw_corrupted_letter_and_recall_it(page, tmp_path):
    letters = hf.datasets.letters(scale=2)
    rows, cols = letters.shape
    t = letters["T"]
    page.select_option("#dataset", "letters")
    page.select_option("#start-from", "T")
    page.click("#load-pattern")
    np.testing.assert_array_equal(_probe(page), t)

    # corrupt T with the mouse: 24 single clicks, then one drag that paints along row 12
    expected = t.copy()
    for i in np.random.default_rng(0).choice(rows * cols, size=24, replace=False):
        _click_cell(page, int(i), cols, rows)
        expected[i] = -expected[i]
    np.testing.assert_array_equal(_probe(page), expected)
    box = page.locator("#probe-grid").bounding_box()
    cw, ch = box["width"] / cols, box["height"] / rows
    y = box["y"] + 12.5 * ch
    paint = -expected[12 * cols + 2]
    page.mouse.move(box["x"] + 2.5 * cw, y)
    page.mouse.down()
    for c in range(3, 8):
        page.mouse.move(box["x"] + (c + 0.5) * cw, y)
    page.mouse.up()
    expected[12 * cols + 2: 12 * cols + 8] = paint
    # and with the keyboard: arrow keys move a cursor from the top left cell, space toggles
    page.focus("#probe-grid")
    for key in ("ArrowDown", "ArrowDown", "ArrowRight", "Space"):
        page.keyboard.press(key)
    expected[2 * cols + 1] = -expected[2 * cols + 1]
    probe = _probe(page)
    np.testing.assert_array_equal(probe, expected)
    assert 0 < hf.patterns.hamming(probe, t) < rows * cols // 4

    page.select_option("#model", "classical")
    page.select_option("#param-rule", "pseudoinverse")
    page.select_option("#param-update", "async")
    page.click("#recall")
    page.wait_for_selector("#result[data-state=done]")

    assert page.inner_text("#result-name") == "T"
    assert page.inner_text("#result-overlap") == "1.00"
    assert page.get_attribute("#result", "data-exact") == "true"
    assert page.inner_text("#result-status") == "The final state is the stored pattern T."

    # the energy curve, read from the plotted points, descends from the probe to the memory
    points = page.locator("#energy-plot circle.energy-point")
    steps = [int(points.nth(k).get_attribute("data-step")) for k in range(points.count())]
    energies = np.array([float(points.nth(k).get_attribute("data-energy")) for k in range(points.count())])
    assert steps == list(range(len(steps))) and len(steps) >= 2
    assert np.all(np.diff(energies) <= 1e-9) and energies[-1] < energies[0]
    net = hf.HopfieldNetwork(rows * cols, rule="pseudoinverse")
    net.store(letters.select("TIUZ").patterns)
    assert energies[0] == pytest.approx(net.energy(probe))
    assert energies[-1] == pytest.approx(net.energy(t))

    # the animation ends on the last frame, where T's row of the overlap table reads 1.00
    page.wait_for_function("document.getElementById('step-slider').value === "
                           "document.getElementById('step-slider').max")
    row = page.locator("#overlaps tr[data-name=T] td.overlap-now")
    assert row.inner_text().startswith("1.00")
    assert page.locator("#pattern-strip .thumb.recalled").get_attribute("data-name") == "T"

    shot = tmp_path / "serve_recall.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")
    assert page.errors == []


def _png(gray: np.ndarray) -> bytes:
    """A minimal 8-bit grayscale PNG (zlib and struct only)."""
    raw = b"".join(b"\x00" + row.astype(np.uint8).tobytes() for row in gray)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    ihdr = struct.pack(">IIBBBBB", gray.shape[1], gray.shape[0], 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def test_uploads_bad_file_message_and_good_image_stored(page):
    page.set_input_files("#upload", files=[{"name": "notes.png", "mimeType": "image/png",
                                            "buffer": b"this is not a picture"}])
    page.wait_for_selector("#upload-message.bad")
    assert "not an image" in page.inner_text("#upload-message")
    page.set_input_files("#upload", files=[{"name": "small.png", "mimeType": "image/png",
                                            "buffer": _png(np.zeros((5, 5)))}])
    page.wait_for_function("document.getElementById('upload-message').textContent.includes('wrong size')")
    box = np.full((14, 14), 255)
    box[3:11, 3:11] = 0  # a black square on white: +1 inside
    page.set_input_files("#upload", files=[{"name": "square.png", "mimeType": "image/png",
                                            "buffer": _png(box)}])
    page.wait_for_selector("#upload-message.ok")
    thumb = page.locator("#pattern-strip .thumb[data-name=square]")
    assert "stored" in thumb.get_attribute("class")
    page.select_option("#start-from", "square")
    page.click("#load-pattern")
    np.testing.assert_array_equal(_probe(page), np.where(box == 0, 1, -1).ravel())
    assert page.errors == []


def test_modern_network_steps_and_slider(page):
    page.select_option("#start-from", "U")
    page.click("#load-pattern")
    page.fill("#corrupt-percent", "25")
    page.fill("#corrupt-seed", "3")
    page.click("#corrupt")
    page.wait_for_function("document.getElementById('corrupt-seed').value === '4'")
    page.select_option("#model", "modern")
    page.fill("#param-beta", "0.1")
    page.fill("#param-steps", "6")
    page.click("#recall")
    page.wait_for_selector("#result[data-state=done][data-recalled=U]")
    assert page.inner_text("#result-name") == "U"
    assert float(page.inner_text("#result-overlap")) >= 0.99
    points = page.locator("#energy-plot circle.energy-point")
    energies = np.array([float(points.nth(k).get_attribute("data-energy")) for k in range(points.count())])
    assert len(energies) >= 3 and np.all(np.diff(energies) <= 1e-9)
    # the slider shows any step: step 0 is the probe again
    page.click("#play")  # pause (or restart) the animation, then go back to the start
    page.locator("#step-slider").fill("0")
    assert page.inner_text("#step-label").startswith("step 0 /")
    assert page.errors == []


# ---------------------------------------------------------------------------------------------
# issue 16, item 10: each behaviour of the page, driven in the browser
# ---------------------------------------------------------------------------------------------
def _recall(pg) -> dict:
    """Press Recall; the server's answer (as the page received it)."""
    with pg.expect_response("**/api/recall") as answer:
        pg.click("#recall")
    pg.wait_for_selector("#result[data-state=done]")
    return answer.value.json()


def _corrupted_t(pg, percent="20", seed="1"):
    pg.select_option("#start-from", "T")
    pg.click("#load-pattern")
    pg.fill("#corrupt-percent", percent)
    pg.fill("#corrupt-seed", seed)
    pg.click("#corrupt")
    pg.wait_for_function(f"document.getElementById('corrupt-seed').value === '{int(seed) + 1}'")
    return _probe(pg)


def _frame(pg) -> int:
    return int(pg.get_attribute("#state-view", "data-frame"))


def _view_state(pg) -> np.ndarray:
    return np.array([1 if ch == "+" else -1 for ch in pg.get_attribute("#state-view", "data-state")])


def test_animation_steps_single_neuron_updates(page):
    probe = _corrupted_t(page)
    page.select_option("#param-update", "async")
    res = _recall(page)
    flips = [i for step in res["flips"] for i in step]
    assert res["single_neuron"] and len(flips) >= 10
    assert page.get_attribute("#step-slider", "max") == str(len(flips))  # one frame per flip
    page.click("#to-start")
    assert _frame(page) == 0
    np.testing.assert_array_equal(_view_state(page), probe)
    # the single-step button: one neuron update, the one the network made first
    page.click("#step-forward")
    assert _frame(page) == 1
    changed = np.flatnonzero(_view_state(page) != probe)
    assert changed.tolist() == [flips[0]]
    assert page.get_attribute("#state-view", "data-neuron") == str(flips[0])
    assert page.inner_text("#step-label").startswith(f"flip 1 / {len(flips)} (sweep 1): neuron {flips[0]}")
    marker = float(page.get_attribute("#energy-plot .energy-current", "data-energy"))
    assert marker == pytest.approx(res["flip_energies"][1]) and marker < res["flip_energies"][0]
    page.click("#step-forward")
    np.testing.assert_array_equal(np.flatnonzero(_view_state(page) != probe), sorted(flips[:2]))
    page.click("#step-back")
    assert _frame(page) == 1
    # the same from the keyboard, on the state view
    page.focus("#state-view")
    page.keyboard.press("ArrowRight")
    assert _frame(page) == 2
    page.keyboard.press("End")
    assert _frame(page) == len(flips)
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    assert _frame(page) == 1
    # playing with a frame every 3 flips shows flips 3, 6, 9, ... and ends on the last one
    page.fill("#frame-every", "3")
    page.click("#to-start")
    page.evaluate("""() => { window.shown = []; const view = document.getElementById('state-view');
        new MutationObserver(() => window.shown.push(Number(view.dataset.frame)))
            .observe(view, {attributes: true, attributeFilter: ['data-frame']}); }""")
    page.click("#play")
    page.wait_for_function(f"document.getElementById('state-view').dataset.frame === '{len(flips)}'")
    shown = page.evaluate("window.shown")
    assert shown == sorted({*range(3, len(flips), 3), len(flips)})
    np.testing.assert_array_equal(_view_state(page), res["states"][-1])
    assert page.get_attribute("#play", "aria-label") == "play"  # stopped at the end
    assert page.errors == []


def test_synchronous_frames_are_steps(page):
    _corrupted_t(page, "30", "2")
    page.select_option("#param-update", "sync")
    res = _recall(page)
    assert not res["single_neuron"]
    assert page.get_attribute("#step-slider", "max") == str(res["steps"])
    page.click("#to-start")
    page.click("#step-forward")
    np.testing.assert_array_equal(_view_state(page), res["states"][1])
    assert page.inner_text("#step-label").startswith(f"step 1 / {res['steps']}, "
                                                    f"{len(res['flips'][0])} neurons changed")
    assert page.errors == []


def _greyed(pg) -> bool:
    opacity = pg.evaluate("Number(getComputedStyle("
                          "document.querySelector('#panel-recall .recall-layout')).opacity)")
    return (pg.get_attribute("#result", "data-state") == "stale" and opacity < 0.6
            and pg.is_visible("#stale-note"))


def test_results_are_greyed_whenever_the_probe_or_parameters_change(page):
    _corrupted_t(page)
    rows, cols = (int(page.get_attribute("#probe-grid", f"data-{k}")) for k in ("rows", "cols"))
    changes = [
        lambda: _click_cell(page, 5, cols, rows),                         # the probe, by mouse
        lambda: page.click("#invert"),                                     # the probe, by button
        lambda: page.select_option("#param-rule", "hebb"),                 # a parameter
        lambda: page.fill("#param-max_steps", "20"),                       # a number parameter
        lambda: page.fill("#seed", "5"),                                   # the seed
        lambda: page.click("#pattern-strip .thumb[data-name=A]"),          # the stored set
        lambda: page.select_option("#model", "dense"),                     # the model
    ]
    for change in changes:
        _recall(page)
        assert not _greyed(page) and page.is_hidden("#stale-note")
        change()
        assert _greyed(page)
        assert page.get_attribute("#play", "aria-label") == "play"  # the animation stopped
    # another pattern set: the old result is cleared, not just greyed
    page.select_option("#dataset", "digits")
    page.wait_for_selector("#result[data-state=empty]")
    assert page.inner_text("#result-name") == "–" and page.is_hidden("#stale-note")
    assert page.errors == []


def _pixel(pg, canvas: str, x: int, y: int) -> tuple[int, int, int]:
    return tuple(pg.evaluate(f"Array.from(document.querySelector('{canvas}').getContext('2d')"
                             f".getImageData({x}, {y}, 1, 1).data.slice(0, 3))"))


def test_weight_matrix_view(page, tmp_path):
    page.select_option("#param-rule", "hebb")
    _recall(page)
    letters = hf.datasets.letters("TIUZ", scale=2)
    net = hf.HopfieldNetwork(196, rule="hebb")
    net.store(letters.patterns)
    w = net.weights
    assert page.get_attribute("#weights-view", "data-kind") == "weights"
    assert page.evaluate("[document.getElementById('weights-view').width, "
                         "document.getElementById('weights-view').height]") == [196, 196]
    assert "Weight matrix W (196 × 196)" in page.inner_text("#weights-title")
    # one pixel per weight: blue where w > 0, orange where w < 0, white on the zero diagonal
    rng = np.random.default_rng(0)
    for i, j in [(0, 0), (50, 50), *rng.integers(0, 196, size=(30, 2)).tolist()]:
        r, g, b = _pixel(page, "#weights-view", j, i)
        if abs(w[i, j]) < 1e-12:
            assert (r, g, b) == (255, 255, 255)
        elif w[i, j] > 0:
            assert b > r, (i, j, w[i, j])
        else:
            assert r > b, (i, j, w[i, j])
    # hovering reads a weight; the weights into that neuron are drawn as an image
    page.locator("#weights-view").scroll_into_view_if_needed()
    box = page.locator("#weights-view").bounding_box()
    i, j = 30, 100
    page.mouse.move(box["x"] + (j + 0.5) * box["width"] / 196, box["y"] + (i + 0.5) * box["height"] / 196)
    info = page.inner_text("#weights-info")
    assert info.startswith(f"w[{i}][{j}] ≈ ") and float(info.split("≈ ")[1].split(":")[0].replace("−", "-")) \
        == pytest.approx(w[i, j], abs=np.abs(w).max() / 100 + 1e-3)
    assert page.get_attribute("#neuron-weights", "data-neuron") == str(i)
    page.locator("#panel-recall").screenshot(path=str(tmp_path / "weights.png"))
    # a dense memory has no pairwise weights: the view shows the stored patterns instead
    page.select_option("#model", "dense")
    _recall(page)
    assert page.get_attribute("#weights-view", "data-kind") == "memories"
    assert page.inner_text("#weights-title").startswith("Memory matrix Ξ (4 × 196)")
    assert page.is_hidden("#neuron-weights-box")
    assert page.errors == []


def test_controls_are_shown_only_where_they_apply(page):
    def shown(name):
        return page.is_visible(f"#param-label-{name}")

    page.select_option("#model", "dense")
    for F, n, beta in [("rectified", True, False), ("polynomial", True, False), ("exponential", False, True)]:
        page.select_option("#param-F", F)
        assert (shown("n"), shown("beta")) == (n, beta), F
    # a hidden control is not sent: the server uses its default
    page.fill("#param-beta", "0.5")
    with page.expect_request("**/api/recall") as request:
        page.click("#recall")
    assert request.value.post_data_json["params"] == {"F": "exponential", "beta": 0.5, "update": "async",
                                                      "max_steps": 50}
    page.wait_for_selector("#result[data-state=done]")
    page.select_option("#model", "classical")
    for update, seed, frames in [("async", True, True), ("sequential", False, True), ("sync", False, False)]:
        page.select_option("#param-update", update)
        assert (page.is_visible("#seed-label"), page.is_visible("#frame-every-label")) == (seed, frames)
    page.select_option("#model", "modern")
    assert page.is_hidden("#seed-label") and page.is_hidden("#frame-every-label")
    assert shown("beta") and shown("steps")
    assert page.errors == []


def _ticks(pg) -> tuple[np.ndarray, list[str], str]:
    ticks = pg.locator("#energy-plot text.tick-y")
    values = np.array([float(ticks.nth(k).get_attribute("data-value")) for k in range(ticks.count())])
    labels = [ticks.nth(k).text_content() for k in range(ticks.count())]
    return values, labels, pg.text_content("#energy-plot .y-title")


@pytest.mark.parametrize(("model", "params"), [
    ("classical", {}), ("dense", {"#param-F": "rectified"}), ("dense", {"#param-F": "exponential"}),
    ("modern", {})])
def test_energy_ticks_are_round_numbers(page, model, params):
    _corrupted_t(page, "30", "3")
    page.select_option("#model", model)
    for sel, value in params.items():
        page.select_option(sel, value)
    res = _recall(page)
    values, labels, title = _ticks(page)
    assert len(values) >= 3
    step = np.diff(values)
    assert np.allclose(step, step[0], rtol=1e-9)
    mantissa = step[0] / 10 ** np.floor(np.log10(step[0]))
    assert min(abs(mantissa - m) for m in (1, 2, 2.5, 5)) < 1e-9, step[0]
    assert np.allclose(values / step[0], np.round(values / step[0]), atol=1e-6)
    # the labels are the values, in a shared power of ten when they are large
    power = 0
    if "× 10" in title:
        sup = title.split("× 10")[1].rstrip(")")
        power = int(sup.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")))
    shown = np.array([float(label.replace("−", "-")) for label in labels]) * 10.0 ** power
    np.testing.assert_allclose(shown, values, rtol=1e-9, atol=1e-12)
    assert all(len(label) <= 6 for label in labels)
    energies = [e for e in (res["flip_energies"] or res["energies"]) if e is not None]
    assert values.min() <= max(energies) and values.max() >= min(energies)
    assert page.errors == []


def test_errors_name_the_controls_as_the_page_labels_them(page):
    page.fill("#param-max_steps", "0")
    page.click("#recall")
    page.wait_for_function("document.getElementById('error').textContent !== ''")
    assert page.inner_text("#error") == "max steps must be a whole number from 1 to 200; got 0."
    assert "invalid" in page.get_attribute("#param-max_steps", "class")
    page.fill("#param-max_steps", "50")
    # an empty field is caught before any request
    page.fill("#seed", "")
    page.click("#recall")
    assert page.inner_text("#error") == "seed: enter a whole number of at least 0."
    assert page.get_attribute("#seed", "aria-invalid") == "true"
    page.fill("#seed", "0")
    page.select_option("#model", "dense")
    page.fill("#param-n", "40")
    page.click("#recall")
    page.wait_for_function("document.getElementById('error').textContent.startsWith('power n')")
    assert page.inner_text("#error") == "power n must be a whole number from 1 to 30; got 40."
    page.fill("#corrupt-percent", "120")
    page.click("#corrupt")
    page.wait_for_function("document.getElementById('error').textContent.startsWith('corruption')")
    assert page.inner_text("#error") == "corruption % must be a number from 0 to 100; got 120."
    assert "invalid" in page.get_attribute("#corrupt-percent", "class")
    assert "invalid" not in (page.get_attribute("#param-n", "class") or "")  # the old mark is gone
    for text in (page.inner_text("#error"),):
        assert "`" not in text and "_" not in text
    assert page.errors == []


def test_brush_is_one_pixel_wide(page):
    page.click("#clear")
    rows, cols = (int(page.get_attribute("#probe-grid", f"data-{k}")) for k in ("rows", "cols"))
    box = page.locator("#probe-grid").bounding_box()

    def at(r, c):
        return box["x"] + (c + 0.5) * box["width"] / cols, box["y"] + (r + 0.5) * box["height"] / rows

    # the brush outline follows the pointer, one cell
    page.mouse.move(*at(3, 4))
    assert page.get_attribute("#probe-grid", "data-hover") == str(3 * cols + 4)
    # a fast drag (one pointer event from start to end) paints every cell of a one-pixel line
    page.mouse.move(*at(2, 1))
    page.mouse.down()
    page.mouse.move(*at(2, 12), steps=1)
    page.mouse.up()
    expected = -np.ones(rows * cols, dtype=np.int8)
    expected[2 * cols + 1: 2 * cols + 13] = 1
    np.testing.assert_array_equal(_probe(page), expected)
    page.mouse.move(*at(4, 0))
    page.mouse.down()
    page.mouse.move(*at(13, 9), steps=1)
    page.mouse.up()
    for k in range(10):
        expected[(4 + k) * cols + k] = 1
    np.testing.assert_array_equal(_probe(page), expected)
    # a click toggles exactly one pixel
    page.mouse.click(*at(0, 0))
    expected[0] = 1
    np.testing.assert_array_equal(_probe(page), expected)
    assert page.errors == []


def test_small_screen_scrolls_visibly(browser, server_url, tmp_path):
    pg = _open(browser, server_url, width=375, height=740)
    try:
        doc = pg.evaluate("""() => { const d = document.documentElement;
            return {scrollWidth: d.scrollWidth, clientWidth: d.clientWidth, scrollHeight: d.scrollHeight,
                    innerWidth: window.innerWidth, innerHeight: window.innerHeight}; }""")
        assert doc["scrollWidth"] <= doc["clientWidth"]  # nothing cut off at the right
        assert doc["scrollHeight"] > doc["innerHeight"]  # the page scrolls ...
        assert doc["innerWidth"] - doc["clientWidth"] > 0  # ... with a visible scroll bar
        strip = pg.evaluate("""() => { const e = document.getElementById('pattern-strip');
            return {overflow: getComputedStyle(e).overflowY, bar: e.offsetWidth - e.clientWidth,
                    hidden: e.scrollHeight - e.clientHeight}; }""")
        assert strip["hidden"] > 0 and strip["overflow"] in ("auto", "scroll") and strip["bar"] >= 6
        pg.screenshot(path=str(tmp_path / "phone.png"))
        # the page still works at this size
        pg.click("#recall")
        pg.wait_for_selector("#result[data-state=done]")
        assert pg.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        assert pg.errors == []
    finally:
        pg.close()


def test_cli_default_port_and_the_url_when_no_browser_opens(browser):
    # no desktop and no $BROWSER: the command says where the page is instead of opening it, on
    # the default port (8765, or the next free one: other tests may hold it), not mkdocs' 8000
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER")}
    env["PYTHONPATH"] = str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", "")
    proc = subprocess.Popen([sys.executable, "-m", "hopfield", "serve", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first, second = proc.stdout.readline(), proc.stdout.readline()
        assert first.startswith("hopfield serve: http://127.0.0.1:"), first + proc.stderr.read()
        url = first.split()[2]
        assert 8765 <= int(url.rsplit(":", 1)[1].rstrip("/")) <= 8774
        assert "no web browser could be opened" in second and url in second
        pg = browser.new_page()
        try:
            pg.goto(url)
            pg.wait_for_selector("body[data-ready=true]")
            assert pg.title() == "hopfield · interactive recall"
        finally:
            pg.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
