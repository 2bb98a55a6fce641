"""The recall page's web server and its JSON API.

The server is :class:`hopfield.serve._http.LocalHTTPServer`: the standard library's
``http.server`` with a bounded thread pool, a deadline on every request, a listen backlog of 128
and a Host allow-list (see that module). Endpoints (every request body is JSON, sent as
``application/json`` with a ``Content-Length`` of at most :data:`MAX_BODY_BYTES`; every error is
a JSON object ``{"error": message}``, plus ``"param"`` naming the parameter at fault, with status
400, 403, 404, 405, 408, 411, 413, 415 or 503, and closes the connection):

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
    "seed": s}`` -> the trajectory: ``states`` and ``energies`` after each step, ``flips`` (the
    neurons each step flipped, in order when ``single_neuron``) with ``flip_energies`` (the
    energy after each single flip), ``weights`` (the classical network's W, as int8 levels in
    base64), ``overlaps`` of the final state with each stored pattern and the ``recalled`` one.

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
from importlib import resources
from urllib.parse import parse_qs, urlsplit

import numpy as np

from .. import datasets as _datasets
from .._validation import check_patterns, check_scalar, check_states
from ..patterns import flip
from ._http import LocalHTTPServer, LocalRequestHandler
from .images import MAX_IMAGE_BYTES, ImageError, image_to_pattern
from .models import MODELS, Param, ParamError, get_model

__all__ = ["DATASETS", "DEFAULT_PORT", "MAX_BODY_BYTES", "MAX_NEURONS", "MAX_PATTERNS", "RecallServer",
           "make_server"]

#: the page's default port (``mkdocs serve`` takes 8000, Jupyter 8888)
DEFAULT_PORT = 8765
#: largest accepted request body (bytes)
MAX_BODY_BYTES = 1024 * 1024
#: largest pattern (neurons = pixels) the API accepts
MAX_NEURONS = 1024
#: most stored patterns the API accepts
MAX_PATTERNS = 64
_MAX_NAME = 40
_CONTENT_LENGTH = re.compile(r"[0-9]{1,12}")  # ASCII digits only: "²" passes str.isdigit()
_HOST_NAME = re.compile(r"[A-Za-z0-9.\-:\[\]]{1,253}")

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


_SEED = Param("seed", "int", 0, "seed", min=0, max=2**32 - 1)
_PERCENT = Param("percent", "float", 20, "corruption %", min=0, max=100)


def _check_seed(value) -> int:
    return _SEED.validate(value)


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
    percent = _PERCENT.validate(_field(body, "percent"))
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
        "single_neuron": traj.single_neuron,
        "flips": None if traj.flips is None else [f.tolist() for f in traj.flips],
        "flip_energies": None if traj.flip_energies is None else _finite(traj.flip_energies),
        "weights": None if traj.weights is None else _weights_json(traj.weights),
        "overlaps": _finite(m), "initial_overlaps": _finite(m0),
        "recalled": {"index": best, "name": names[best], "overlap": float(m[best]),
                     "exact": bool(np.isclose(abs(m[best]), 1.0, atol=5e-3)), "status": status},
    }


def _weights_json(w: np.ndarray) -> dict:
    """A weight matrix for the page's view: ``round(127 w / max|w|)`` as int8, row-major, base64
    (one byte per weight: 1 MiB for the largest network instead of ~20 MiB of JSON numbers)."""
    scale = float(np.max(np.abs(w), initial=0.0))
    levels = np.zeros(w.shape, np.int8) if scale == 0 else np.rint(127 * w / scale).astype(np.int8)
    return {"n": int(w.shape[0]), "max_abs": scale,
            "levels": base64.b64encode(levels.tobytes()).decode("ascii")}


_POST = {"/api/recall": api_recall, "/api/corrupt": api_corrupt, "/api/upload": api_upload}


# ---------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------
class _Handler(LocalRequestHandler):
    server_version = "hopfield-serve"

    def log_message(self, format, *args):
        if not self.server.quiet:
            super().log_message(format, *args)

    # -- responses
    def _send(self, status: int, body: bytes, content_type: str) -> None:
        if status >= 400:  # after an error the rest of the stream cannot be trusted
            self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.close_connection:
            self.send_header("Connection", "close")
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
        except ParamError as exc:
            status, obj = HTTPStatus.BAD_REQUEST, {"error": str(exc), "param": exc.param}
        except (ValueError, TypeError, KeyError) as exc:
            msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            status, obj = HTTPStatus.BAD_REQUEST, {"error": str(msg)}
        except Exception as exc:  # a bug: say so without leaking a traceback to the page
            self.log_error("internal error on %s: %r", self.path, exc)
            status, obj = HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "internal server error"}
        self._send_json(status, obj)

    def _body_length(self) -> int:
        """The declared body size, parsed strictly; any doubt closes the connection.

        A body the server does not read would otherwise be parsed as the next request on the
        connection, so every refusal here closes it.
        """
        self.close_connection = True  # reopened below once the body is known to be read in full
        if self.headers.get("Transfer-Encoding") is not None:
            raise _RequestError(HTTPStatus.LENGTH_REQUIRED, "chunked or encoded bodies are not "
                                "supported: send the body with a Content-Length header.")
        lengths = self.headers.get_all("Content-Length") or []
        if not lengths:
            raise _RequestError(HTTPStatus.LENGTH_REQUIRED, "a Content-Length header is required.")
        if len(lengths) > 1 or not _CONTENT_LENGTH.fullmatch(lengths[0].strip(" \t")):
            raise _RequestError(HTTPStatus.BAD_REQUEST, "Content-Length must be one decimal number "
                                f"of ASCII digits; got {', '.join(map(repr, lengths))[:80]}.")
        length = int(lengths[0].strip(" \t"))
        if length > MAX_BODY_BYTES:
            if length <= 4 * MAX_BODY_BYTES:
                self._drain(length)  # so that a client still sending reads our answer
            raise _RequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                                f"request body too large: {length} bytes, at most {MAX_BODY_BYTES}.")
        return length

    def _drain(self, length: int) -> None:
        try:
            while length > 0 and (chunk := self.rfile.read(min(length, 65536))):
                length -= len(chunk)
        except (TimeoutError, OSError):
            pass

    def _read_json(self) -> dict:
        # Requiring JSON makes a cross-site form post need a CORS preflight, which this server
        # never grants: other web pages cannot drive the API through the user's browser.
        if self.headers.get_content_type() != "application/json":
            self.close_connection = True
            raise _RequestError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                                "send the request body as JSON (Content-Type: application/json).")
        length = self._body_length()
        try:
            raw = self.rfile.read(length)
        except TimeoutError:
            raise _RequestError(HTTPStatus.REQUEST_TIMEOUT, "the request body did not arrive within "
                                f"{self.server.request_timeout:g} s.") from None
        if len(raw) != length:
            raise _RequestError(HTTPStatus.BAD_REQUEST, f"the body ended after {len(raw)} of the "
                                f"{length} bytes of its Content-Length.")
        self.close_connection = False
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _RequestError(HTTPStatus.BAD_REQUEST, f"request body is not valid JSON: {exc}") from None
        except RecursionError:
            raise _RequestError(HTTPStatus.BAD_REQUEST, "request body is nested too deeply to be "
                                "a request of this API.") from None
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


class RecallServer(LocalHTTPServer):
    """The recall page's HTTP server (:class:`hopfield.serve._http.LocalHTTPServer`).

    Parameters
    ----------
    host : str, default="127.0.0.1"
        Address to bind; the default serves this machine only.
    port : int, default=8765
        0 picks a free port (see :attr:`url`).
    quiet : bool, default=False
        Do not log each request to stderr.
    request_timeout : float, default=10.0
        Seconds a client has to send each request; slower clients are cut off.
    max_connections : int, default=32
        Connections served at once; more are answered 503 at once.
    allowed_hosts : sequence of str, default=()
        Host names to answer to besides the bound address, ``localhost`` and ``127.0.0.1``
        (requests naming any other Host get 403, against DNS rebinding).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = DEFAULT_PORT, *, quiet: bool = False,
                 request_timeout: float = 10.0, max_connections: int = 32, allowed_hosts=()):
        check_scalar(port, "port", numbers.Integral, min_val=0, max_val=65535)
        if not isinstance(host, str) or not host:
            raise TypeError(f"`host` must be a non-empty string; got {host!r}.")
        check_scalar(request_timeout, "request_timeout", numbers.Real, min_val=0.01, max_val=3600)
        check_scalar(max_connections, "max_connections", numbers.Integral, min_val=1, max_val=1024)
        if isinstance(allowed_hosts, str) or not all(
                isinstance(h, str) and _HOST_NAME.fullmatch(h) for h in allowed_hosts):
            raise TypeError("`allowed_hosts` must be a sequence of host names (letters, digits, "
                            f"'.', '-', ':'); got {allowed_hosts!r}.")
        self.quiet = bool(quiet)
        super().__init__((host, int(port)), _Handler, request_timeout=request_timeout,
                         max_connections=max_connections, allowed_hosts=allowed_hosts)

    @property
    def url(self) -> str:
        """The page's address, e.g. ``http://127.0.0.1:8765/``."""
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/"

    def start(self) -> threading.Thread:
        """Serve in a daemon thread (for tests and notebooks); stop with :meth:`stop`."""
        thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1},
                                  name="hopfield-serve", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.shutdown()
        self.server_close()


def make_server(host: str = "127.0.0.1", port: int = DEFAULT_PORT, *, quiet: bool = False,
                **options) -> RecallServer:
    """A :class:`RecallServer` bound to ``host:port`` (not yet serving); ``options`` are its
    keyword arguments (``request_timeout``, ``max_connections``, ``allowed_hosts``)."""
    return RecallServer(host, port, quiet=quiet, **options)


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

