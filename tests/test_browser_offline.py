"""The benchmark's browser mode: Chromium itself cannot leave 127.0.0.1, with no interception."""
from __future__ import annotations

import http.server
import threading

import pytest

from browser import chromium_available, is_local, launch_chromium, open_page

pytestmark = pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed")


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        body = b"<html><body><img src='http://tiles.example.org/0/0/0.png'><p id=ok>local</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_offline_chromium_reaches_only_this_machine() -> None:
    from playwright.sync_api import Error, sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright, offline=True)
            page = open_page(browser, f"http://127.0.0.1:{server.server_address[1]}/", intercept=False)
            assert page.locator("#ok").inner_text() == "local"
            page.wait_for_load_state("load")
            assert page.blocked_requests == ["http://tiles.example.org/0/0/0.png"]  # recorded
            assert not is_local(page.blocked_requests[0])
            with pytest.raises(Error, match="ERR_PROXY_CONNECTION_FAILED"):  # and it could not get out
                page.goto("http://example.org/")
            browser.close()
    finally:
        server.shutdown()
