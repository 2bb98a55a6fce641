"""``hopfield serve``: a local web page to store patterns, draw or corrupt a probe and watch recall.

The server (:mod:`hopfield.serve.app`) is the standard library's ``http.server``, hardened (a
bounded thread pool, request deadlines, a Host check against DNS rebinding), with a small JSON
API; the page (``static/``) is plain HTML, CSS and JavaScript with inline SVG and a
canvas, and needs nothing from the network. The models it can run are a registry
(:data:`hopfield.serve.models.MODELS`).

Examples
--------
>>> from hopfield.serve import make_server
>>> server = make_server(port=0, quiet=True)   # 0: any free port
>>> _ = server.start()
>>> server.url.startswith("http://127.0.0.1:")
True
>>> server.stop()
"""

from __future__ import annotations

from .app import RecallServer, make_server
from .models import MODELS

__all__ = ["MODELS", "RecallServer", "make_server"]
