"""A local HTTP server on 127.0.0.1 that stands in for the internet in tests."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from collections.abc import Iterator


@contextmanager
def serve(routes: dict[str, tuple[int, str, bytes] | float]) -> Iterator[str]:
    """Serve ``routes`` (path -> (status, content type, body), or a delay in seconds to hang).

    Yields the base URL, e.g. ``http://127.0.0.1:43121``.
    """
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            route = routes.get(self.path)
            if isinstance(route, (int, float)):
                time.sleep(route)
                route = (200, "text/html", b"<html><body>late</body></html>")
            if route is None:
                route = (404, "text/plain", b"not found")
            status, kind, body = route
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
