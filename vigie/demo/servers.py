"""Real servers on loopback: a static web site and an SMTP server that keeps what it receives."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # the signature is the standard library's
        pass


class LoopbackHTTPServer:
    """An HTTP server on loopback (127.0.0.1, or another address of 127.0.0.0/8 for a second
    host) answering from a background thread; a context manager."""

    def __init__(self, handler: Callable[..., BaseHTTPRequestHandler], port: int = 0, host: str = "127.0.0.1") -> None:
        self.host = host
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class SiteServer(LoopbackHTTPServer):
    """Serves the folder ``root`` on ``http://127.0.0.1:<port>/``."""

    def __init__(self, root: Path, port: int = 0) -> None:
        super().__init__(functools.partial(QuietHandler, directory=str(root)), port)


class _Keeper:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.messages: list[tuple[list[str], EmailMessage, Path | None]] = []

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = message_from_bytes(raw, policy=policy.default)
        path = None
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"message-{len(list(self.folder.glob('*.eml'))) + 1:04d}.eml"
            path.write_bytes(raw)
        self.messages.append((list(envelope.rcpt_tos), message, path))
        return "250 Message accepted for delivery"


class MailServer:
    """An aiosmtpd server on 127.0.0.1 that keeps every message (and writes it to ``folder``)."""

    def __init__(self, folder: Path | None = None, port: int = 0) -> None:
        self.keeper = _Keeper(folder)
        self.controller = Controller(self.keeper, hostname="127.0.0.1", port=port or free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def messages(self):
        return self.keeper.messages

    def apprise_url(self, to: str, sender: str = "vigie@localhost") -> str:
        return f"mailto://127.0.0.1:{self.port}?from={sender}&to={to}"

    def __enter__(self) -> MailServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (aiosmtpd needs one up front)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
