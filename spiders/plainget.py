"""A plain, polite HTTP GET under the crawler's rules, without Scrapy (for ``spiders.unchanged``).

The pre-check of unchanged listings runs before Scrapy and Twisted are imported (they cost half
a second of start-up, more than the check itself), so it asks with the standard library. It
obeys what the crawl obeys:

- the address rule of ``spiders.addresses`` (as ``spiders.reach`` does): each host is resolved,
  its address checked, and the connection made to that very address (a name that changes its
  answer meanwhile changes nothing); every redirection is a new request, checked the same way,
  and followed only to the source's own hosts;
- politeness: one request at a time per host, ``delay_s`` apart, whatever the number of threads,
  and Vigie's User-Agent;
- the download timeout and size limit.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from spiders.addresses import SCHEMES, Address, address_problem, parse_address

REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Answer:
    """What a GET brought: a status and a body, or ``problem`` (why there is no usable answer)."""

    status: int = 0
    body: bytes = b""
    problem: str | None = None
    requests: int = 0  # HTTP requests made, redirections included


class HostTurns:
    """One request at a time per host, the next one ``delay_s`` after the last (thread-safe)."""

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}

    @contextmanager
    def turn(self, host: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            wait = self._last.get(host, float("-inf")) + self.delay_s - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                self._last[host] = time.monotonic()


class PlainClient:
    """GET requests with the crawler's User-Agent, timeout, size limit, address rule and politeness."""

    def __init__(self, user_agent: str, timeout_s: float, delay_s: float, max_bytes: int) -> None:
        self.user_agent = user_agent
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.turns = HostTurns(delay_s)
        self._tls_context: ssl.SSLContext | None = None

    def _tls(self) -> ssl.SSLContext:
        """TLS settings, made at the first https request: loading the system's certificates takes
        tens of milliseconds, which a run asking only plain-http servers need not pay (two threads
        making them at once each make a good one)."""
        if self._tls_context is None:
            self._tls_context = ssl.create_default_context()
        return self._tls_context

    def resolve(self, host: str, port: int) -> Address | None:
        """The address a connection to ``host`` goes to (None when the name does not resolve)."""
        literal = parse_address(host)
        if literal is not None:
            return literal
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return None
        return parse_address(str(infos[0][4][0])) if infos else None

    def get(self, url: str, headers: dict[str, str], source_private: bool, may_follow: Callable[[str], bool]) -> Answer:
        """GET ``url`` with ``headers``; a redirection is followed (checked again) when
        ``may_follow(target)``, and is otherwise the answer's problem."""
        requests = 0
        for _ in range(MAX_REDIRECTS + 1):
            parts = urlsplit(url)
            host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
            if parts.scheme not in SCHEMES or not host:
                return Answer(problem=f"{url}: not fetched: only http and https URLs are", requests=requests)
            address = self.resolve(host, port)
            if address is None:
                return Answer(problem=f"{url}: host name not found (DNS)", requests=requests)
            problem = address_problem(address, source_private)
            if problem:
                return Answer(problem=f"{url}: not fetched: {host} is at {address}, {problem}", requests=requests)
            requests += 1
            try:
                with self.turns.turn(host):
                    status, location, body = self._exchange(parts, host, port, address, headers)
            except (OSError, http.client.HTTPException, zlib.error, ValueError) as exc:
                return Answer(problem=f"{url}: {type(exc).__name__}: {exc}", requests=requests)
            if status not in REDIRECTS or not location:
                return Answer(status=status, body=body, requests=requests)
            target = urljoin(url, location)
            if not may_follow(target):
                return Answer(
                    problem=f"{url}: redirected to {target[:300]}, not one of the source's hosts", requests=requests
                )
            url = target
        return Answer(problem=f"{url}: more than {MAX_REDIRECTS} redirections", requests=requests)

    def _exchange(
        self, parts, host: str, port: int, address: Address, headers: dict[str, str]
    ) -> tuple[int, str | None, bytes]:
        connection = _connection(parts.scheme, host, port, address, self.timeout_s, self._tls)
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request(
                "GET",
                path,
                headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate", **headers},
            )
            response = connection.getresponse()
            body = response.read(self.max_bytes + 1)
            if len(body) > self.max_bytes:
                raise ValueError(f"larger than the limit of {self.max_bytes} bytes")
            encoding = (response.getheader("Content-Encoding") or "").strip().lower()
            return response.status, response.getheader("Location"), self._decoded(body, encoding)
        finally:
            connection.close()

    def _decoded(self, body: bytes, encoding: str) -> bytes:
        """The body as Scrapy's decompression hands it to the spider (within the size limit)."""
        if encoding in ("", "identity") or not body:
            return body
        if encoding not in ("gzip", "x-gzip", "deflate"):
            raise ValueError(f"content encoding {encoding!r} not asked for")
        # gzip and zlib headers are both recognised (wbits 32+); raw deflate is tried next.
        for wbits in (47, -15):
            try:
                inflater = zlib.decompressobj(wbits)
                data = inflater.decompress(body, self.max_bytes + 1)
            except zlib.error:
                continue
            if len(data) > self.max_bytes:
                raise ValueError(f"larger than the limit of {self.max_bytes} bytes once decompressed")
            return data
        raise ValueError(f"a body that does not decompress as {encoding}")


def _connection(
    scheme: str, host: str, port: int, address: Address, timeout: float, tls: Callable[[], ssl.SSLContext]
) -> http.client.HTTPConnection:
    """A connection to ``host`` that goes to ``address`` (the one checked), TLS named for ``host``
    (``tls`` gives its settings)."""
    if scheme == "https":
        return _PinnedHTTPS(host, port, address, timeout, tls())
    return _PinnedHTTP(host, port, address, timeout)


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: Address, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self.address), self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: Address, timeout: float, tls: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=tls)
        self.address, self.tls = address, tls

    def connect(self) -> None:
        sock = socket.create_connection((str(self.address), self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
