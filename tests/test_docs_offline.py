"""The documentation site works with no network: formulas render from the MathJax the site ships.

The site is built with ``mkdocs build --strict``, served on loopback, and loaded in headless
Chromium (the system's, through Playwright) with every request to another host aborted. A page
passes when every formula span holds a typeset ``mjx-container``, the page threw no JavaScript
error, and it asked no external host for anything (scripts, fonts, styles). Skipped where the docs
extra, the Playwright client or a Chromium binary is missing.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("mkdocstrings") is None:
    pytest.skip("the docs extra is not installed: pip install '.[docs]'", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the Playwright Python client is not installed")
CHROMIUM = next((c for c in (os.environ.get("HOPFIELD_CHROMIUM"), "/usr/bin/chromium",
                             shutil.which("chromium"), shutil.which("chromium-browser"))
                 if c and os.access(c, os.X_OK)), None)
if CHROMIUM is None:
    pytest.skip("no Chromium binary (apt-get install chromium)", allow_module_level=True)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _load_offline(browser, url: str):
    """Open ``url`` with every non-loopback request aborted; returns (page, external, errors)."""
    page = browser.new_page()
    external: list[str] = []
    errors: list[str] = []

    def route(r):
        host = urlparse(r.request.url).hostname
        if host in ("127.0.0.1", "localhost") or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="load")
    return page, external, errors


@pytest.mark.parametrize("path", ["theory/", "models/classical/", "api/modern/", "conventions/"])
def test_formulas_render_with_no_network(site_url, browser, path):
    page, external, errors = _load_offline(browser, site_url + path)
    try:
        n_spans = page.locator(".arithmatex").count()
        assert n_spans > 0, f"{path} has no formulas to check"
        # MathJax typesets asynchronously after load: wait until no formula is left as raw TeX
        all_typeset = ("() => [...document.querySelectorAll('.arithmatex')]"
                       ".every(e => e.querySelector('mjx-container'))")
        page.wait_for_function(all_typeset, timeout=60_000)
        assert page.locator(".arithmatex mjx-container").count() >= n_spans
        assert page.locator("mjx-merror").count() == 0, "a formula failed to parse"
        assert errors == [], errors
        assert external == [], f"the page asked external hosts for {external}"
    finally:
        page.close()


def test_instant_navigation_typesets_the_next_page(site_url, browser):
    page, external, errors = _load_offline(browser, site_url)
    try:
        page.click("a[href$='theory/']")
        typeset = ("() => location.pathname.endsWith('/theory/')"
                   " && document.querySelector('.arithmatex mjx-container')")
        page.wait_for_function(typeset, timeout=60_000)
        assert errors == [] and external == []
    finally:
        page.close()


def test_api_properties_render_compactly(site_url, browser):
    page, external, errors = _load_offline(browser, site_url + "api/classical/")
    try:
        prop = page.locator("[id='hopfield.classical.HopfieldNetwork.n_neurons']")
        assert prop.count() == 1
        hidden = page.evaluate("""() => [...document.querySelectorAll('.doc-attribute > .doc-signature')]
                                  .every(e => getComputedStyle(e).display === 'none')""")
        assert hidden, "a property's repeated name is still shown as a signature block"
        shown = page.evaluate("""() => [...document.querySelectorAll('.doc-function > .doc-signature')]
                                 .some(e => getComputedStyle(e).display !== 'none')""")
        assert shown, "function signatures must stay visible"
        assert errors == [] and external == []
    finally:
        page.close()
