"""``hopfield serve``: the interactive recall page on a local web server."""

from __future__ import annotations

import argparse
import ipaddress
import sys
import threading


def add_parser(sub) -> None:
    """Register the subcommand."""
    p = sub.add_parser(
        "serve",
        help="open the interactive recall page in a browser",
        description="Serve a local web page where you pick stored patterns (letters, digits, shapes "
        "or your own small PNG/PGM images), draw or corrupt a probe, choose a model and an update "
        "schedule, and watch recall step by step with its energy. Stop with Ctrl-C.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (the default serves this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (0 picks a free one)")
    p.add_argument("--open", action=argparse.BooleanOptionalAction, default=True,
                   help="open the page in the default web browser")
    p.add_argument("--quiet", action="store_true", help="do not log each request")
    p.set_defaults(run=run)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args) -> int:
    """Serve until interrupted."""
    from ..serve.app import make_server, warm_up

    try:
        server = make_server(args.host, args.port, quiet=args.quiet)
    except OSError as exc:
        raise ValueError(f"cannot listen on {args.host}:{args.port} ({exc.strerror or exc}); "
                         f"try another --port.") from None
    if not _is_loopback(args.host):
        print(f"warning: serving on {args.host}, which other machines may reach; the page has no "
              f"authentication.", file=sys.stderr)
    threading.Thread(target=warm_up, name="hopfield-warm-up", daemon=True).start()
    print(f"hopfield serve: {server.url}  (Ctrl-C to stop)", flush=True)
    if args.open:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nstopped.")
    finally:
        server.server_close()
    return 0
