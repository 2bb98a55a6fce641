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
def page(server_url):
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            pg = browser.new_page(viewport={"width": 1320, "height": 1000})
            errors: list[str] = []
            pg.on("pageerror", lambda exc: errors.append(str(exc)))
            pg.set_default_timeout(30_000)
            pg.goto(server_url)
            pg.wait_for_selector("body[data-ready=true]")
            pg.errors = errors
            yield pg
        finally:
            browser.close()


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

    # the animation ends on the last step, where T's row of the overlap table reads 1.00
    last = len(steps) - 1
    page.wait_for_function(f"document.getElementById('step-slider').value === '{last}'")
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
