"""Serve the corpus on loopback as several councils, from a process of its own.

``/c<k>/deliberations/`` is council k's listing and ``/c<k>/files/…`` its documents: the same
files for every k, except that council k > 1 gets a few bytes appended to each PDF (a comment
after ``%%EOF``, which readers ignore), so that every council's documents are distinct files to
the archive and the analysis. That is how the growth benchmark gets 2× and 4× the corpus without
generating it again. Answers carry ``Last-Modified`` and ``ETag`` and honour conditional requests.

The server runs in its own process so that it does not share an interpreter lock with anything
measured.
"""

from __future__ import annotations

import email.utils
import multiprocessing
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_PATH = re.compile(r"^/c(\d+)/([\w./-]*)$")
_TYPES = {".pdf": "application/pdf", ".html": "text/html; charset=utf-8"}


def make_handler(root: Path):
    root = root.resolve()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):
            pass

        def do_GET(self):
            match = _PATH.match(self.path.split("?")[0])
            target = (root / match[2]).resolve() if match else None
            if target is not None and target.is_dir():
                target = target / "index.html"
            if target is None or not target.is_file() or not target.is_relative_to(root):
                self._answer(404, b"not found", "text/plain")
                return
            council = int(match[1])
            stat = target.stat()
            etag = f'"{stat.st_size:x}-{int(stat.st_mtime):x}-{council}"'
            modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
            if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == modified:
                self._answer(304, b"", None, ETag=etag, **{"Last-Modified": modified})
                return
            body = target.read_bytes()
            if council > 1 and target.suffix == ".pdf":
                body += b"%% copy for council %d\n" % council
            self._answer(
                200,
                body,
                _TYPES.get(target.suffix, "application/octet-stream"),
                ETag=etag,
                **{"Last-Modified": modified},
            )

        def _answer(self, status: int, body: bytes, content_type: str | None, **headers: str) -> None:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

    return Handler


def _serve(make_handler, args: tuple, port_pipe) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(*args))
    server.daemon_threads = True
    port_pipe.send(server.server_address[1])
    server.serve_forever()


class ServerProcess:
    """An HTTP server on ``http://127.0.0.1:<port>`` in a child process, as a context manager.

    ``make_handler(*args)`` builds the request handler class in the child: both must be picklable
    (module-level functions, plain values)."""

    def __init__(self, make_handler, *args) -> None:
        self.make_handler, self.args = make_handler, args
        self.process: multiprocessing.Process | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        context = multiprocessing.get_context("spawn")
        receive, send = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(self.make_handler, self.args, send), daemon=True)
        self.process.start()
        self.port = receive.recv()
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.join()


class CorpusSite(ServerProcess):
    """The corpus under ``root`` served as councils ``/c1/``, ``/c2/`` … by a child process."""

    def __init__(self, root: Path) -> None:
        super().__init__(make_handler, root)
        self.root = root

    def council_url(self, council: int) -> str:
        return f"{self.url}/c{council}/deliberations/"
