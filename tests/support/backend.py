#!/usr/bin/env python3
"""A fake regional load balancer for tests and benchmarks: its health endpoint.

GET/HEAD on any path answers with the current status, the body
{"load": L, "status": "ok"} (or a body set through /control) and the header
X-Load: L. POST /control with a JSON object changes that at runtime:
  {"status": 503}                    answer with this status
  {"load": 0.7}                      report this load (body and X-Load)
  {"body": "text"}                   answer with this body (null: the default)
  {"hang": true}                     health requests wait until hang is false
                                     again or their client gives up
  {"status": 302, "location": "/x"}  send a Location header (null: none)
The control endpoint never hangs; it answers with the whole state as JSON.

Prints exactly one line, "ready PORT", once it listens. SIGTERM stops it.
Standard library only.
"""

import argparse
import http.server
import json
import select
import signal
import socket
import socketserver
import ssl
import sys
import threading

# How often a hanging request checks whether its client went away.
HANG_POLL_SECONDS = 0.05
# A connection that sends nothing (or never finishes a TLS handshake) is
# dropped after this long, so that stray clients cannot pile up threads.
CONNECTION_TIMEOUT_SECONDS = 30


class State:
    """What the health endpoint answers; shared by all handler threads."""

    def __init__(self, status, load, hang):
        self.changed = threading.Condition()
        self.values = {"status": status, "load": load, "hang": hang,
                       "body": None, "location": None}

    def snapshot(self):
        with self.changed:
            return dict(self.values)

    def update(self, changes):
        with self.changed:
            for key in ("status", "load", "hang", "body", "location"):
                if key in changes:
                    self.values[key] = changes[key]
            self.changed.notify_all()
            return dict(self.values)

    def wait_while_hanging(self, client_gone):
        """Returns False when the client went away while the backend hung."""
        with self.changed:
            while self.values["hang"]:
                if client_gone():
                    return False
                self.changed.wait(HANG_POLL_SECONDS)
        return True


def health_body(values):
    if values["body"] is not None:
        return str(values["body"]).encode()
    return json.dumps({"load": values["load"], "status": "ok"}).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "gslb-test-backend"

    def setup(self):
        self.request.settimeout(CONNECTION_TIMEOUT_SECONDS)
        if self.server.tls is not None:
            # Handshake here, in the connection's thread, not in accept():
            # a client that never finishes it must not block the server.
            self.request = self.server.tls.wrap_socket(self.request, server_side=True)
        super().setup()

    def do_GET(self):
        self.answer_health(send_body=True)

    def do_HEAD(self):
        self.answer_health(send_body=False)

    def do_POST(self):
        if self.path.split("?")[0] != "/control":
            self.send_plain(404, b"only POST /control\n")
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            changes = json.loads(self.rfile.read(length) or b"{}")
            if not isinstance(changes, dict):
                raise ValueError("not an object")
        except ValueError as error:
            self.send_plain(400, f"bad control JSON: {error}\n".encode())
            return
        state = self.server.state.update(changes)
        self.send_plain(200, json.dumps(state).encode(), "application/json")

    def answer_health(self, send_body):
        if not self.server.state.wait_while_hanging(self.client_gone):
            self.close_connection = True
            return
        values = self.server.state.snapshot()
        body = health_body(values)
        self.send_response(int(values["status"]))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Load", str(values["load"]))
        if values["location"] is not None:
            self.send_header("Location", str(values["location"]))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def send_plain(self, status, body, content_type="text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def client_gone(self):
        """True once the client closed its end (readable with nothing to read)."""
        sock = self.connection
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            return False
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return False
        try:
            # The raw socket's recv: a TLS-level peek could consume a close_notify.
            return socket.socket.recv(sock, 1, socket.MSG_PEEK) == b""
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            return True

    def log_message(self, format, *args):
        if self.server.verbose:
            super().log_message(format, *args)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, state, tls, verbose):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.state = state
        self.tls = tls
        self.verbose = verbose
        super().__init__(address, Handler)

    def server_bind(self):
        if self.address_family == socket.AF_INET6:
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        # Not HTTPServer.server_bind: it looks up the host's name, which can stall.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):
        # Clients that give up (timeouts, failed TLS handshakes) are routine here.
        if self.verbose:
            super().handle_error(request, client_address)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    parser.add_argument("--status", type=int, default=200, help="HTTP status to answer")
    parser.add_argument("--load", type=float, default=0.2, help="load to report, 0..1")
    parser.add_argument("--hang", action="store_true", help="start hanging")
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--tls-key", help="and this private key (PEM)")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    return args


def tls_context(args):
    if not args.tls_cert:
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.tls_cert, args.tls_key)
    return context


def stop(signum, frame):
    raise SystemExit(0)


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, stop)
    state = State(args.status, args.load, args.hang)
    server = Server((args.bind, args.port), state, tls_context(args), args.verbose)
    print(f"ready {server.server_port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
