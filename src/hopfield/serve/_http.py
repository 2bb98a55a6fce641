"""A hardened ``http.server`` for a page served to this machine: a thread pool, deadlines, a Host check.

The standard library's ``ThreadingHTTPServer`` starts a thread per connection, waits for ever on a
client that stops sending, listens with a backlog of 5 and answers whatever the Host header says.
:class:`LocalHTTPServer` keeps the standard library's request parsing and changes what it does
around it:

- connections run on a fixed pool of ``max_connections`` threads; up to ``2 * max_connections``
  more wait for a free thread (a burst of short requests is served, not refused), and beyond that
  a new connection gets ``503 Service Unavailable`` at once instead of a thread;
- every request has a deadline: its request line, headers and body must arrive within
  ``request_timeout`` seconds of the server starting to wait for it, however the client trickles
  them (one byte at a time still hits the deadline), and an idle keep-alive connection is closed
  after the same time;
- the listen backlog is 128, so a burst of connections waits in the kernel rather than being
  refused;
- a request whose ``Host`` header is not one of the names the server answers to gets ``403``: a
  web page on another site that rebinds its own DNS name to 127.0.0.1 (DNS rebinding) still sends
  its own name as Host, so it cannot read this server's answers;
- every error, including the parser's own (bad request line, too many headers), is a JSON object
  ``{"error": message}`` and closes the connection.
"""

from __future__ import annotations

import io
import ipaddress
import json
import math
import queue
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer

__all__ = ["LocalHTTPServer", "LocalRequestHandler", "host_names"]


class _DeadlineReader(io.RawIOBase):
    """A socket's receive side that raises ``TimeoutError`` once ``deadline`` (monotonic) has passed.

    Each ``recv`` waits at most the time left, so the whole request, not each read, is bounded.
    """

    def __init__(self, sock):
        self._sock = sock
        self.deadline = math.inf

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request did not arrive in time")
        self._sock.settimeout(left)
        return self._sock.recv_into(buffer)


class LocalRequestHandler(BaseHTTPRequestHandler):
    """``BaseHTTPRequestHandler`` with the deadline, the Host check and JSON errors.

    Subclasses implement ``do_GET`` / ``do_POST`` as usual; they run only for an allowed Host.
    """

    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self._reader = _DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self) -> None:
        self._reader.deadline = time.monotonic() + self.server.request_timeout
        super().handle_one_request()

    def time_left(self) -> float:
        """Seconds left before this request's deadline."""
        return self._reader.deadline - time.monotonic()

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or hosts[0].strip().lower() not in self.server.allowed_hosts:
            got = (f"got Host {hosts[0][:80]!r}" if len(hosts) == 1
                   else f"got {len(hosts)} Host headers" if hosts else "the request has no Host header")
            allowed = ", ".join(sorted(self.server.allowed_hosts))
            self.send_error(HTTPStatus.FORBIDDEN, f"this server answers only to {allowed}; {got}.")
            return False
        return True

    def send_response(self, code, message=None) -> None:
        # the reads may have left a short timeout on the socket: give the answer its own
        self.connection.settimeout(self.server.request_timeout)
        super().send_response(code, message)

    def send_error(self, code, message=None, explain=None) -> None:
        """Every error as ``{"error": message}``; the connection closes after it."""
        self.close_connection = True
        status = HTTPStatus(code)
        body = json.dumps({"error": message or status.phrase}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)


def host_names(host: str, port: int, extra=()) -> frozenset[str]:
    """The Host header values a server bound to ``host:port`` answers to.

    The bound address, ``localhost`` and ``127.0.0.1`` (``[::1]`` too for an IPv6 bind), each with
    the port (and without it on port 80, where browsers leave it out), plus the names in ``extra``
    (e.g. the machine's name when serving a network); lowercase.
    """
    names = {host, "localhost", "127.0.0.1", *extra}
    try:
        if ipaddress.ip_address(host).version == 6:
            names.add("::1")
    except ValueError:
        pass
    out = set()
    for name in names:
        name = name.lower().strip("[]")
        name = f"[{name}]" if ":" in name else name
        out.add(f"{name}:{port}")
        if port == 80:
            out.add(name)
    return frozenset(out)


class LocalHTTPServer(HTTPServer):
    """``HTTPServer`` with a bounded worker pool, per-request deadlines and a Host allow-list.

    Parameters
    ----------
    address : (host, port)
    handler : type of LocalRequestHandler
    request_timeout : float
        Seconds a client has to send each request (line, headers, body); also the idle time after
        which a keep-alive connection is closed.
    max_connections : int
        Connections served at once (one pool thread each); twice as many more may wait for a
        thread, and beyond that a connection gets 503 at once.
    allowed_hosts : iterable of str
        Extra Host names besides those of :func:`host_names`.
    """

    request_queue_size = 128

    def __init__(self, address, handler, *, request_timeout: float, max_connections: int,
                 allowed_hosts=()):
        self.request_timeout = float(request_timeout)
        self.max_connections = int(max_connections)
        self._workers: list[threading.Thread] = []  # server_close runs if the bind fails
        super().__init__(address, handler)
        self.allowed_hosts = host_names(self.server_address[0], self.server_address[1], allowed_hosts)
        self._slots = threading.BoundedSemaphore(3 * self.max_connections)
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        # daemon threads: an idle keep-alive connection must not delay the interpreter's exit
        self._workers = [threading.Thread(target=self._work, name=f"hopfield-serve-{k}", daemon=True)
                         for k in range(self.max_connections)]
        for worker in self._workers:
            worker.start()

    def process_request(self, request, client_address) -> None:
        if not self._slots.acquire(blocking=False):
            self._refuse_busy(request)
            self.shutdown_request(request)
            return
        self._jobs.put((request, client_address))

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            request, client_address = job
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)
                self._slots.release()

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up or resets mid-request is routine; anything else is logged."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)

    @staticmethod
    def _refuse_busy(request) -> None:
        body = json.dumps({"error": "the server is busy: every connection is in use; retry in a "
                                    "moment."}).encode()
        head = (f"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n")
        try:
            request.settimeout(1.0)
            request.sendall(head.encode() + body)
        except OSError:
            pass

    def server_close(self) -> None:
        super().server_close()
        for _ in self._workers:
            self._jobs.put(None)
