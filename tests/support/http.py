"""A scripted web server on loopback: static files plus routes with chosen answers, and a log
of every request, so that tests can check what a crawler asked for and how often."""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from vigie.demo.servers import LoopbackHTTPServer, QuietHandler

# A route answers a request: it gets the handler and returns (status, headers, body).
Route = Callable[[SimpleHTTPRequestHandler], tuple[int, dict[str, str], bytes]]


class ScriptedServer(LoopbackHTTPServer):
    """Serves ``root`` (if given) and ``routes`` (path → Route) on http://<host>:<port>/; ``host``
    is 127.0.0.1, or another loopback address (127.0.0.2) for a second host."""

    def __init__(
        self, root: Path | None = None, routes: dict[str, Route] | None = None, host: str = "127.0.0.1"
    ) -> None:
        self.routes = dict(routes or {})
        self.requests: collections.Counter[str] = collections.Counter()
        self.headers_seen: dict[str, list[dict[str, str]]] = collections.defaultdict(list)
        self.release = threading.Event()  # set on exit, to free routes that hang on purpose
        server = self

        class Handler(QuietHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(root or "."), **kwargs)

            def do_GET(self):
                path = urlsplit(self.path).path
                server.requests[path] += 1
                server.headers_seen[path].append(dict(self.headers.items()))
                route = server.routes.get(path)
                if route is None:
                    if root is None:
                        self.send_error(404)
                        return
                    super().do_GET()
                    return
                status, headers, body = route(self)
                if status == 0:  # the route has answered (or hung up) by itself
                    return
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        super().__init__(Handler, host=host)

    def __exit__(self, *exc) -> None:
        self.release.set()
        super().__exit__(*exc)


def answer(status: int, body: bytes = b"", content_type: str = "text/html", **headers: str) -> Route:
    """A route that always gives the same answer."""

    def route(_handler):
        return status, {"Content-Type": content_type, **{k.replace("_", "-"): v for k, v in headers.items()}}, body

    return route


def redirect(location: str) -> Route:
    return answer(302, b"", Location=location)
