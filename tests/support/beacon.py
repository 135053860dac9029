"""A server on the loopback that records every request: any request means hostile Markdown was rendered as
an image or a link was followed."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Beacon:
    """Records every request: any request means hostile Markdown was rendered as an image or followed."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def hostile(self, lead: str, image: bool = True) -> str:
        base = f"http://127.0.0.1:{self.port}"
        picture = f"![x]({base}/img) " if image else ""  # spaCy ends a spoken sentence at "!"
        return f"{lead} {picture}[click]({base}/link) {base}/bare www.example.com"
