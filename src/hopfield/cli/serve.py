"""``hopfield serve``: the interactive recall page on a local web server."""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
import threading

#: ports tried in turn when --port is not given (the first is the server's DEFAULT_PORT)
_FALLBACK_PORTS = 10


def add_parser(sub) -> None:
    """Register the subcommand."""
    from ..serve.app import DEFAULT_PORT

    p = sub.add_parser(
        "serve",
        help="open the interactive recall page in a browser",
        description="Serve a local web page where you pick stored patterns (letters, digits, shapes "
        "or your own small PNG/PGM images), draw or corrupt a probe, choose a model and an update "
        "schedule, and watch recall neuron by neuron with its energy and weights. Stop with Ctrl-C.",
    )
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=None,
                   help=f"port; 0 picks a free one (default: {DEFAULT_PORT}, or the first free one "
                   f"up to {DEFAULT_PORT + _FALLBACK_PORTS - 1}; mkdocs serve keeps 8000)")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="also answer requests addressed to this host name (repeatable), e.g. the "
                   "machine's name when serving a network with --host 0.0.0.0; other names get "
                   "403 (against DNS rebinding)")
    p.add_argument("--open", action=argparse.BooleanOptionalAction, default=True,
                   help="open the page in the default web browser, or print where it is when none can be "
                   "opened (default: open)")
    p.add_argument("--quiet", action="store_true", help="do not log each request")
    p.set_defaults(run=run)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int | None, *, quiet: bool = False, allowed_hosts=()):
    """A server on ``port``, or with ``port=None`` on the first free one from ``DEFAULT_PORT``.

    Raises ValueError (naming ``--port``) when no port can be bound.
    """
    from ..serve.app import DEFAULT_PORT, make_server

    candidates = [port] if port is not None else range(DEFAULT_PORT, DEFAULT_PORT + _FALLBACK_PORTS)
    error = None
    for candidate in candidates:
        try:
            return make_server(host, candidate, quiet=quiet, allowed_hosts=allowed_hosts)
        except OSError as exc:
            error = exc
    shown = port if port is not None else f"{DEFAULT_PORT}-{DEFAULT_PORT + _FALLBACK_PORTS - 1}"
    raise ValueError(f"cannot listen on {host}:{shown} ({error.strerror or error}); "
                     f"try another --port (0 picks a free one).")


def _graphical_session() -> bool:
    """Whether a browser window can open here (a desktop, or $BROWSER says how)."""
    return (sys.platform in ("darwin", "win32") or bool(os.environ.get("BROWSER"))
            or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")))


def open_browser(url: str) -> bool:
    """Open ``url`` in a browser; if none can be opened, say where the page is. True if opened.

    Without a desktop session (over SSH, in a container) no browser is tried: the standard
    library would otherwise start a text browser that takes over this terminal.
    """
    import webbrowser

    opened = False
    if _graphical_session():
        try:
            opened = webbrowser.open(url)
        except webbrowser.Error:
            opened = False
    if not opened:
        print(f"hopfield serve: no web browser could be opened here; open {url} in a browser "
              f"yourself (from another machine: ssh -L PORT:localhost:PORT this-host, then "
              f"http://localhost:PORT/).", flush=True)
    return opened


def run(args) -> int:
    """Serve until interrupted."""
    from ..serve.app import warm_up

    server = bind(args.host, args.port, quiet=args.quiet, allowed_hosts=args.allow_host)
    if not _is_loopback(args.host):
        names = ", ".join(sorted(server.allowed_hosts))
        print(f"warning: serving on {args.host}, which other machines may reach; the page has no "
              f"authentication. It answers only requests addressed to {names}: add the name or "
              f"address others use to reach this machine with --allow-host.", file=sys.stderr)
    threading.Thread(target=warm_up, name="hopfield-warm-up", daemon=True).start()
    print(f"hopfield serve: {server.url}  (Ctrl-C to stop)", flush=True)
    if args.open:
        open_browser(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nstopped.")
    finally:
        server.server_close()
    return 0
