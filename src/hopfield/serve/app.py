"""The recall page's web server: the standard library's ``ThreadingHTTPServer`` with a JSON API.

Endpoints (every request body is JSON, sent as ``application/json``, at most
:data:`MAX_BODY_BYTES`; every error is a JSON object ``{"error": message}`` with status 400, 404,
405, 411, 413 or 415):

``GET /``
    The page (``static/index.html``); ``GET /static/app.js`` and ``/static/style.css``.
``GET /api/models``
    The model registry: names, labels and parameters (:mod:`hopfield.serve.models`).
``GET /api/datasets``
    The built-in pattern sets and their size option.
``GET /api/datasets/<name>?scale=k`` (letters, digits) or ``?size=k`` (shapes)
    The set's ±1 patterns (rows), names and image shape.
``POST /api/corrupt``
    ``{"state": [±1...], "percent": p, "seed": s}`` -> ``{"state": [...], "flipped": k}``: flips
    ``round(p N / 100)`` distinct pixels chosen with ``numpy.random.default_rng(s)``.
``POST /api/upload``
    ``{"filename": str, "data": base64 PNG/PGM, "shape": [h, w] (optional)}`` ->
    ``{"name", "shape", "pattern"}``: the image thresholded to ±1 (dark = +1).
``POST /api/recall``
    ``{"patterns": [[±1...]...], "names": [...], "probe": [±1...], "model": name, "params": {...},
    "seed": s}`` -> the trajectory (``states``, ``energies``), ``overlaps`` of the final state
    with each stored pattern and the ``recalled`` one.

The server keeps no state between requests and writes nothing to disk.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import numbers
import re
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import parse_qs, urlsplit

import numpy as np

from .. import datasets as _datasets
from .._validation import check_patterns, check_scalar, check_states
from ..patterns import flip
from .images import MAX_IMAGE_BYTES, ImageError, image_to_pattern
from .models import MODELS, Param, get_model

__all__ = ["DATASETS", "MAX_BODY_BYTES", "MAX_NEURONS", "MAX_PATTERNS", "RecallServer", "make_server"]

#: largest accepted request body (bytes)
MAX_BODY_BYTES = 1024 * 1024
#: largest pattern (neurons = pixels) the API accepts
MAX_NEURONS = 1024
#: most stored patterns the API accepts
MAX_PATTERNS = 64
_MAX_NAME = 40

_STATIC = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}

#: built-in pattern sets: name -> (label, loader(option value) -> PatternSet, size option)
DATASETS = {
    "letters": ("Letters A–Z", lambda k: _datasets.letters(scale=k),
                Param("scale", "int", 2, "scale", min=1, max=4, help="enlarge each 7×7 glyph")),
    "digits": ("Digits 0–9", lambda k: _datasets.digits(scale=k),
               Param("scale", "int", 2, "scale", min=1, max=4, help="enlarge each 7×7 glyph")),
    "shapes": ("Shapes", lambda k: _datasets.shapes(k),
               Param("size", "int", 12, "size", min=4, max=32, help="grid side")),
}


class _RequestError(Exception):
    """An error to send back as ``{"error": message}`` with an HTTP status."""

    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status


# ---------------------------------------------------------------------------------------------
# Validation of request fields
# ---------------------------------------------------------------------------------------------
def _field(body: dict, name: str, default=None, *, required: bool = True):
    if name in body:
        return body[name]
    if required and default is None:
        raise ValueError(f"missing field `{name}`.")
    return default


def _check_keys(body: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(map(repr, unknown))}; valid: "
                         f"{', '.join(map(repr, allowed))}.")


def _json_array(value, name: str):
    """A JSON list of numbers (or of lists of numbers); anything else is a clear TypeError."""
    if not isinstance(value, list):
        raise TypeError(f"`{name}` must be a list of ±1 values; got {type(value).__name__}.")
    rows = value if value and isinstance(value[0], list) else [value]
    for row in rows:
        if not isinstance(row, list) or not all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in row
        ):
            raise TypeError(f"`{name}` must hold only numbers (±1), in lists of equal length.")
    if len({len(r) for r in rows}) > 1:
        raise ValueError(f"`{name}` rows have different lengths; every pattern needs the same size.")
    return value


def _check_seed(value) -> int:
    check_scalar(value, "seed", numbers.Integral, min_val=0, max_val=2**32 - 1)
    return int(value)


def _check_shape(value, name: str = "shape") -> tuple[int, int]:
    if not (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        raise TypeError(f"`{name}` must be [height, width] (two integers); got {value!r}.")
    h, w = value
    if h < 1 or w < 1 or h * w > MAX_NEURONS:
        raise ValueError(f"`{name}` == {value}: need height, width >= 1 and height × width <= "
                         f"{MAX_NEURONS}.")
    return h, w


def _check_names(value, n: int) -> list[str]:
    if value is None:
        return [f"#{k + 1}" for k in range(n)]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("`names` must be a list of strings.")
    if len(value) != n:
        raise ValueError(f"`names` has {len(value)} entries but there are {n} patterns.")
    if any(len(v) > _MAX_NAME for v in value):
        raise ValueError(f"pattern names must be at most {_MAX_NAME} characters.")
    return list(value)


# ---------------------------------------------------------------------------------------------
# Endpoints (pure functions of the decoded request; the handler does the HTTP)
# ---------------------------------------------------------------------------------------------
def api_models() -> dict:
    """``GET /api/models``."""
    return {"models": [spec.to_json() for spec in MODELS.values()]}


def api_datasets() -> dict:
    """``GET /api/datasets``."""
    return {"datasets": [{"name": name, "label": label, "option": opt.to_json()}
                         for name, (label, _, opt) in DATASETS.items()],
            "limits": {"max_neurons": MAX_NEURONS, "max_patterns": MAX_PATTERNS,
                       "max_image_bytes": MAX_IMAGE_BYTES}}


def api_dataset(name: str, query: dict[str, list[str]]) -> dict:
    """``GET /api/datasets/<name>?option=value``."""
    if name not in DATASETS:
        raise _RequestError(HTTPStatus.NOT_FOUND, f"no dataset {name!r}; have "
                            f"{', '.join(map(repr, DATASETS))}.")
    _, load, opt = DATASETS[name]
    extra = sorted(set(query) - {opt.name})
    if extra:
        raise ValueError(f"unknown query parameter(s) {', '.join(map(repr, extra))}; "
                         f"{name} takes `{opt.name}`.")
    raw = query.get(opt.name, [str(opt.default)])[-1]
    if not re.fullmatch(r"\d{1,4}", raw):
        raise ValueError(f"`{opt.name}` must be an integer; got {raw!r}.")
    data = load(opt.validate(int(raw)))
    return {"name": name, "names": list(data.names), "shape": list(data.shape),
            "patterns": data.patterns.tolist()}


def api_corrupt(body: dict) -> dict:
    """``POST /api/corrupt``."""
    _check_keys(body, ("state", "percent", "seed"))
    state, _ = check_states(_json_array(_field(body, "state"), "state"), "state")
    if state.shape[0] != 1 or state.shape[1] > MAX_NEURONS:
        raise ValueError(f"`state` must be one pattern of at most {MAX_NEURONS} values.")
    percent = _field(body, "percent")
    check_scalar(percent, "percent", numbers.Real, min_val=0, max_val=100)
    seed = _check_seed(_field(body, "seed", 0, required=False))
    out = flip(state[0], percent / 100.0, rng=seed)
    return {"state": out.tolist(), "flipped": int(np.sum(out != state[0]))}


def api_upload(body: dict) -> dict:
    """``POST /api/upload``."""
    _check_keys(body, ("filename", "data", "shape"))
    filename = _field(body, "filename", "upload", required=False)
    if not isinstance(filename, str):
        raise TypeError("`filename` must be a string.")
    data = _field(body, "data")
    if not isinstance(data, str):
        raise TypeError("`data` must be the file's contents in base64 (a string).")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("`data` is not valid base64.") from None
    shape = body.get("shape")
    shape = None if shape is None else _check_shape(shape)
    img = image_to_pattern(raw, shape=shape)  # at most MAX_SIDE² = MAX_NEURONS pixels
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", filename.rsplit("/", 1)[-1]) or "upload"
    return {"name": stem[:_MAX_NAME], "shape": list(img.shape), "pattern": img.ravel().tolist()}


def _finite(values) -> list:
    """Floats for JSON: ±inf and NaN (not representable) become None."""
    return [float(v) if math.isfinite(v) else None for v in np.asarray(values, dtype=np.float64)]


def api_recall(body: dict) -> dict:
    """``POST /api/recall``.

    The overlaps are :math:`m_\\mu = \\xi^\\mu\\cdot s / N` of the final state with each stored
    pattern; the pattern of largest :math:`|m_\\mu|` is reported, as recalled when
    :math:`m_\\mu = 1` (within 0.005, for the continuous states of the modern network), as a mirror
    state when :math:`m_\\mu = -1`, and as the closest pattern to a spurious state (discrete) or a
    metastable or unfinished one (continuous) otherwise.
    """
    _check_keys(body, ("patterns", "names", "probe", "model", "params", "seed", "shape"))
    patterns = check_patterns(_json_array(_field(body, "patterns"), "patterns"), "patterns")
    k, n = patterns.shape
    if k > MAX_PATTERNS or n > MAX_NEURONS:
        raise ValueError(f"too many patterns or neurons ({k} × {n}); at most {MAX_PATTERNS} patterns "
                         f"of {MAX_NEURONS} neurons.")
    names = _check_names(body.get("names"), k)
    probe, _ = check_states(_json_array(_field(body, "probe"), "probe"), "probe", n_neurons=n)
    if probe.shape[0] != 1:
        raise ValueError("`probe` must be one state (a flat list of ±1 values).")
    if "shape" in body and math.prod(_check_shape(body["shape"])) != n:
        raise ValueError(f"`shape` {body['shape']} does not hold {n} neurons.")
    spec = get_model(_field(body, "model", "classical", required=False))
    params = spec.validate(_field(body, "params", {}, required=False))
    seed = _check_seed(_field(body, "seed", 0, required=False))
    traj = spec.run(patterns, probe[0], params, np.random.default_rng(seed))
    final = np.asarray(traj.states[-1], dtype=np.float64)
    m = patterns.astype(np.float64) @ final / n
    m0 = patterns.astype(np.float64) @ probe[0] / n
    best = int(np.argmax(np.abs(m)))
    if np.isclose(m[best], 1.0, atol=5e-3):
        status = f"recalled {names[best]}"
    elif np.isclose(m[best], -1.0, atol=5e-3):
        status = f"reached the negative of {names[best]} (a mirror state)"
    elif traj.states.dtype.kind == "f":  # continuous states: a mixture of the memories
        status = f"metastable or unfinished state: closest stored pattern is {names[best]}"
    else:
        status = f"spurious state: closest stored pattern is {names[best]}"
    states = traj.states
    states = states.tolist() if states.dtype.kind in "iu" else np.round(states, 4).tolist()
    return {
        "model": spec.name, "params": params, "seed": seed, "names": names,
        "states": states, "energies": _finite(traj.energies), "steps": len(traj.states) - 1,
        "converged": traj.converged, "message": traj.message,
        "overlaps": _finite(m), "initial_overlaps": _finite(m0),
        "recalled": {"index": best, "name": names[best], "overlap": float(m[best]),
                     "exact": bool(np.isclose(abs(m[best]), 1.0, atol=5e-3)), "status": status},
    }


_POST = {"/api/recall": api_recall, "/api/corrupt": api_corrupt, "/api/upload": api_upload}


# ---------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    server_version = "hopfield-serve"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        if not self.server.quiet:
            super().log_message(format, *args)

    # -- responses
    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(self, status: int, obj) -> None:
        self._send(status, json.dumps(obj, allow_nan=False).encode(), "application/json")

    def _dispatch(self, func) -> None:
        try:
            status, obj = HTTPStatus.OK, func()
        except _RequestError as exc:
            status, obj = exc.status, {"error": str(exc)}
        except ImageError as exc:
            status, obj = HTTPStatus.BAD_REQUEST, {"error": f"bad upload: {exc}"}
        except (ValueError, TypeError, KeyError) as exc:
            msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            status, obj = HTTPStatus.BAD_REQUEST, {"error": str(msg)}
        except Exception as exc:  # a bug: say so without leaking a traceback to the page
            self.log_error("internal error on %s: %r", self.path, exc)
            status, obj = HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "internal server error"}
        self._send_json(status, obj)

    def _read_json(self) -> dict:
        # Requiring JSON makes a cross-site form post need a CORS preflight, which this server
        # never grants: other web pages cannot drive the API through the user's browser.
        if self.headers.get_content_type() != "application/json":
            self.close_connection = True
            raise _RequestError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                                "send the request body as JSON (Content-Type: application/json).")
        length = self.headers.get("Content-Length")
        if length is None:
            self.close_connection = True
            raise _RequestError(HTTPStatus.LENGTH_REQUIRED, "a Content-Length header is required.")
        if not length.isdigit():
            self.close_connection = True
            raise _RequestError(HTTPStatus.BAD_REQUEST, "Content-Length must be a number.")
        if int(length) > MAX_BODY_BYTES:
            if int(length) <= 16 * MAX_BODY_BYTES:
                self.rfile.read(int(length))  # drain it, so the client reads our answer
            else:
                self.close_connection = True  # the unread body must not be taken for a request
            raise _RequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                                f"request body too large: {length} bytes, at most {MAX_BODY_BYTES}.")
        raw = self.rfile.read(int(length))
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _RequestError(HTTPStatus.BAD_REQUEST, f"request body is not valid JSON: {exc}") from None
        if not isinstance(body, dict):
            raise _RequestError(HTTPStatus.BAD_REQUEST, "request body must be a JSON object.")
        return body

    # -- methods
    def do_GET(self):
        url = urlsplit(self.path)
        path = url.path
        if path in ("/", "/index.html"):
            return self._static("index.html")
        if path.startswith("/static/"):
            return self._static(path[len("/static/"):])
        if path == "/api/models":
            return self._dispatch(api_models)
        if path == "/api/datasets":
            return self._dispatch(api_datasets)
        if path.startswith("/api/datasets/"):
            query = parse_qs(url.query, keep_blank_values=True)
            return self._dispatch(lambda: api_dataset(path[len("/api/datasets/"):], query))
        if path in _POST:
            return self._send_json(HTTPStatus.METHOD_NOT_ALLOWED, {"error": f"use POST for {path}."})
        return self._send_json(HTTPStatus.NOT_FOUND, {"error": f"no such page: {path}"})

    do_HEAD = do_GET

    def do_POST(self):
        path = urlsplit(self.path).path
        func = _POST.get(path)
        if func is None:
            # read nothing: the connection closes after this answer
            self.close_connection = True
            return self._send_json(HTTPStatus.NOT_FOUND, {"error": f"no POST endpoint {path}; have "
                                                          f"{', '.join(_POST)}."})
        self._dispatch(lambda: func(self._read_json()))

    def _static(self, name: str) -> None:
        if name not in _STATIC:
            return self._send_json(HTTPStatus.NOT_FOUND, {"error": f"no such file: {name}"})
        data = resources.files(__package__).joinpath("static", name).read_bytes()
        self._send(HTTPStatus.OK, data, _STATIC[name])


class RecallServer(ThreadingHTTPServer):
    """The recall page's HTTP server (one thread per request; daemon threads).

    Parameters
    ----------
    host : str, default="127.0.0.1"
        Address to bind; the default serves this machine only.
    port : int, default=8000
        0 picks a free port (see :attr:`url`).
    quiet : bool, default=False
        Do not log each request to stderr.
    """

    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1", port: int = 8000, *, quiet: bool = False):
        check_scalar(port, "port", numbers.Integral, min_val=0, max_val=65535)
        if not isinstance(host, str) or not host:
            raise TypeError(f"`host` must be a non-empty string; got {host!r}.")
        self.quiet = bool(quiet)
        super().__init__((host, int(port)), _Handler)

    @property
    def url(self) -> str:
        """The page's address, e.g. ``http://127.0.0.1:8000/``."""
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/"

    def start(self) -> threading.Thread:
        """Serve in a daemon thread (for tests and notebooks); stop with :meth:`stop`."""
        thread = threading.Thread(target=self.serve_forever, name="hopfield-serve", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.shutdown()
        self.server_close()


def make_server(host: str = "127.0.0.1", port: int = 8000, *, quiet: bool = False) -> RecallServer:
    """A :class:`RecallServer` bound to ``host:port`` (not yet serving)."""
    return RecallServer(host, port, quiet=quiet)


def warm_up() -> None:
    """Compile the Numba kernels with tiny recalls, so that the first click on the page is fast."""
    try:
        net_patterns = _datasets.letters("TI").patterns
        for model, params in (("classical", {"update": "async"}), ("classical", {"update": "sync"}),
                              ("dense", {"update": "async"}), ("modern", {})):
            spec = get_model(model)
            spec.run(net_patterns, net_patterns[0], spec.validate(params), np.random.default_rng(0))
    except Exception as exc:  # a failed warm-up only costs time on the first request
        print(f"hopfield serve: warm-up failed ({exc!r}); continuing.", file=sys.stderr)

