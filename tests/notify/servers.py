"""Servers on loopback for alert tests: a webhook that records what apprise's json:// posts,
and SMTP servers that hold, or kill the sender, at chosen moments."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from vigie.demo.servers import LoopbackHTTPServer, MailServer


class Webhook(LoopbackHTTPServer):
    """Records each POST (path, headers, JSON body); answers with ``statuses`` in turn, then 200."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.received: list[dict] = []  # accepted (2xx) posts only
        self.attempts = 0
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # the standard library's signature
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                hook.attempts += 1
                status = hook.statuses.pop(0) if hook.statuses else 200
                if status < 300:
                    hook.received.append(
                        {"path": self.path, "headers": dict(self.headers.items()), "json": json.loads(body or b"{}")}
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        super().__init__(Handler)

    def url(self, path: str = "/hook", scheme: str = "json") -> str:  # an apprise URL, unlike the base's
        return f"{scheme}://127.0.0.1:{self.port}{path}"


class ScriptedSMTP(MailServer):
    """The demo's mail server (messages kept as (rcpt_tos, EmailMessage, None)), which also takes
    any login (without TLS, on loopback), so that URLs can carry a password to mask, and notes
    when each message arrived. Subclasses script DATA.
    """

    def __init__(self) -> None:
        super().__init__()
        self.arrived: list[float] = []  # monotonic time of each message
        self.logins: list[str] = []
        # MailServer's controller takes no login and hands DATA to its keeper: this one, on the
        # same port, hands DATA to this object. The unused one never started; its loop is closed.
        self.controller.loop.close()
        self.controller = Controller(
            self, hostname="127.0.0.1", port=self.port, auth_require_tls=False, authenticator=self._authenticate
        )

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append(auth_data.login.decode())
        return AuthResult(success=True)

    async def handle_DATA(self, server, session, envelope):
        self.arrived.append(time.monotonic())
        return await self.keeper.handle_DATA(server, session, envelope)


class KillingSMTP(ScriptedSMTP):
    """Kills process ``victim`` when its message arrives: after accepting it (``accept=True``,
    the message is kept as delivered) or before (the message is lost in transit)."""

    def __init__(self, accept: bool) -> None:
        super().__init__()
        self.accept, self.victim = accept, None

    async def handle_DATA(self, server, session, envelope):
        if self.victim is None:
            return await super().handle_DATA(server, session, envelope)
        if self.accept:
            await super().handle_DATA(server, session, envelope)
        os.kill(self.victim, signal.SIGKILL)
        self.victim = None
        return "451 Sender gone"


class GatedSMTP(ScriptedSMTP):
    """Holds every message until ``threshold`` are waiting at once, then accepts them all.

    One notifier sends to at most ``Policy.workers`` subscriptions at a time, so a threshold
    above that proves two notifiers were sending at the same moment.
    """

    def __init__(self, threshold: int, timeout: float = 30) -> None:
        super().__init__()
        self.threshold, self.timeout = threshold, timeout
        self.waiting = 0
        self.opened = False
        self._gate: asyncio.Event | None = None

    async def handle_DATA(self, server, session, envelope):
        self._gate = self._gate or asyncio.Event()
        self.waiting += 1
        if self.waiting >= self.threshold:
            self.opened = True
            self._gate.set()
        try:
            await asyncio.wait_for(self._gate.wait(), self.timeout)
        except TimeoutError:
            return "451 Gate never opened"
        return await super().handle_DATA(server, session, envelope)


class Silent:
    """Accepts connections and never answers; records when each client gave up (monotonic time)."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.gave_up: list[float] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._drain, args=(connection,), daemon=True).start()

    def _drain(self, connection: socket.socket) -> None:
        with connection:
            while connection.recv(65536):
                pass
        self.gave_up.append(time.monotonic())

    def url(self, timeout_s: float) -> str:
        return f"json://127.0.0.1:{self.listener.getsockname()[1]}/hook?cto={timeout_s}&rto={timeout_s}"

    def __enter__(self) -> Silent:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.listener.close()


class SlowWebhook:
    """A webhook that answers each POST ``delay`` seconds after reading it, as a busy receiver does.

    An asyncio server in a thread of its own: the wait is a timer of its event loop, so the
    server keeps accepting and reading other requests meanwhile. ``answered`` counts the answers
    it could write (a client that gave up first is not answered).
    """

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.received = 0
        self.answered = 0
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._answer, "127.0.0.1", 0))

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            0,
        )
        await reader.readexactly(length)
        self.received += 1
        await asyncio.sleep(self.delay)
        try:
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
            self.answered += 1
        except ConnectionError:
            pass
        finally:
            writer.close()

    def url(self, path: str = "/hook") -> str:
        return f"json://127.0.0.1:{self.server.sockets[0].getsockname()[1]}{path}"

    def __enter__(self) -> SlowWebhook:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        async def shut_down() -> None:
            self.server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()  # answers still waiting: their clients gave up

        asyncio.run_coroutine_threadsafe(shut_down(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()
