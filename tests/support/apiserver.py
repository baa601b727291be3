"""A loopback HTTP server for platform APIs: routes by path, query strings, pagination.

Recorded payloads name their real host (``https://sdnetrim.kdvz-frechen.de/...``); the server
rewrites those origins to its own loopback URL as it serves them, so a spider follows links
back to it. Every request is logged (path and query), so a test can check what a crawl asked.

    server = ApiServer(rewrite=["https://webapi.legistar.com"])
    server.route("/v1/metro/events", lambda request: request.json([...]))
    with server:
        crawl(server.url + "/v1/metro")
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from vigie.demo.servers import LoopbackHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    path: str
    query: dict[str, str]  # the first value of each parameter
    headers: dict[str, str]
    server: ApiServer

    def json(self, data: Any, status: int = 200) -> Reply:
        return Reply(
            status,
            self.server.localise(json.dumps(data, ensure_ascii=False).encode("utf-8")),
            {"Content-Type": "application/json; charset=utf-8"},
        )

    def file(self, path: Path, content_type: str | None = None) -> Reply:
        """A fixture file, with its recorded origins rewritten when it is text."""
        data = path.read_bytes()
        kind = content_type or _content_type(path)
        if kind.startswith(("application/json", "text/")):
            data = self.server.localise(data)
        return Reply(200, data, {"Content-Type": kind})


Handler = Callable[[Request], Reply]


def _content_type(path: Path) -> str:
    return {
        ".json": "application/json; charset=utf-8",
        ".csv": "text/csv",
        ".pdf": "application/pdf",
        ".html": "text/html; charset=utf-8",
    }.get(path.suffix.lower(), "application/octet-stream")


def fake_pdf(name: str) -> bytes:
    """A small, valid-looking PDF whose bytes differ by name (so that hashes differ)."""
    return b"%PDF-1.4\n% " + name.encode("utf-8") + b"\n%%EOF\n"


class ApiServer(LoopbackHTTPServer):
    """Routes ``path → handler``; unknown paths ending in .pdf get a fake PDF, others 404."""

    def __init__(self, rewrite: list[str] | tuple[str, ...] = (), serve_pdfs: bool = True) -> None:
        self.routes: dict[str, Handler] = {}
        self.rewrite = list(rewrite)
        self.serve_pdfs = serve_pdfs
        self.log: list[str] = []
        self.posts: list[tuple[str, bytes]] = []
        self._lock = threading.Lock()
        super().__init__(self._handler_class())

    def route(self, path: str, handler: Handler | Path) -> None:
        """Serve ``path`` with a handler, or a fixture file. A path with a query string matches
        that exact query; a path without one matches any query."""
        if isinstance(handler, Path):
            file = handler
            self.routes[path] = lambda request: request.file(file)
        else:
            self.routes[path] = handler

    def localise(self, data: bytes) -> bytes:
        """``data`` with the recorded origins replaced by this server's URL (bytes: any encoding)."""
        for origin in self.rewrite:
            # Real payloads sometimes mix http and https for one host.
            for variant in (origin, origin.replace("https://", "http://")):
                data = data.replace(variant.encode("ascii"), self.url.encode("ascii"))
        return data

    def requested(self, fragment: str = "") -> list[str]:
        """Every request so far whose path and query contain ``fragment``."""
        with self._lock:
            return [entry for entry in self.log if fragment in entry]

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()

    def _handler_class(self):
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # the standard library's name
                parts = urlsplit(self.path)
                with server._lock:
                    server.log.append(self.path)
                request = Request(
                    parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}, dict(self.headers), server
                )
                handler = server.routes.get(self.path) or server.routes.get(parts.path)
                if handler is not None:
                    reply = handler(request)
                elif server.serve_pdfs and parts.path.lower().endswith(".pdf"):
                    reply = Reply(200, fake_pdf(parts.path), {"Content-Type": "application/pdf"})
                else:
                    reply = Reply(404, b"not found", {"Content-Type": "text/plain"})
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def do_POST(self):  # a webhook receiver, or a form's route ("POST /path")
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = urlsplit(self.path)
                with server._lock:
                    server.posts.append((self.path, body))
                    server.log.append(f"POST {self.path} {body.decode('latin-1')}")
                handler = server.routes.get(f"POST {parts.path}")
                if handler is None:
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
                reply = handler(Request(parts.path, form, dict(self.headers), server))
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format, *args):  # the standard library's signature
                pass

        return _Handler
