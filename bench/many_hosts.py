"""Many small hosts: `vigie run` over a thousand council sites, each on its own loopback address.

A France-wide nightly run is thousands of small servers, each asked politely (one request a
second, AutoThrottle on), not one large site. Here ``hosts`` sites are served from one process,
each on its own address of 127.0.0.0/8 (127.10.0.1, 127.10.0.2, …), each with its robots.txt,
a listing page and 5 to 20 one-page PDFs; `vigie run` crawls them all with the production
politeness (the settings' defaults, none of the loopback relaxations of the other stages) and
analyses what it stores. Measured: the wall time, requests per second overall, hosts per minute,
peak memory, and the CPU the run used beside its wall time (what bounds it).

    .venv/bin/python -m bench.many_hosts --hosts 3000     # the larger run, outside `make bench`
"""

from __future__ import annotations

import argparse
import asyncio
import email.utils
import json
import multiprocessing
import os
import shutil
import socket
import time
from pathlib import Path

from bench.measure import python, run_command
from bench.pdf import make_pdf
from bench.workspace import Workspace

PRODUCTION = {  # the defaults of vigie/settings.py, written out: the other stages relax them
    "VIGIE_DOWNLOAD_DELAY_S": "1.0",
    "VIGIE_AUTOTHROTTLE": "true",
    "VIGIE_CONCURRENT_REQUESTS_PER_DOMAIN": "2",
    "VIGIE_DOWNLOAD_TIMEOUT_S": "60",
    "VIGIE_LOG_LEVEL": "WARNING",
}
MODIFIED = email.utils.formatdate(1_764_000_000, usegmt=True)
SUBJECTS = (
    "Approbation du compte administratif de l'exercice écoulé.",
    "Installation de caméras de vidéoprotection aux abords des écoles.",
    "Tarifs de la restauration scolaire et de l'accueil périscolaire.",
    "Convention avec le syndicat intercommunal des eaux.",
)


def address(host: int) -> str:
    """The loopback address of site ``host`` (0-based): 127.10.0.1 onwards, 250 per /24."""
    return f"127.10.{host // 250}.{host % 250 + 1}"


def documents_of(host: int) -> int:
    """How many documents site ``host`` lists: 5 to 20, spread evenly."""
    return 5 + (host * 7) % 16


def _pdfs() -> list[bytes]:
    return [make_pdf([f"Commune de démonstration. Délibération du conseil municipal. {s} " * 6]) for s in SUBJECTS]


def _listing(host: int) -> bytes:
    links = "".join(
        f'<li><a href="/docs/d{i:02d}.pdf">Délibération n° 2026-{i:03d}</a></li>' for i in range(documents_of(host))
    )
    return (
        f"<html><head><title>Délibérations du conseil municipal - commune {host}</title></head><body>"
        f"<h1>Délibérations du conseil municipal</h1><h2>Séance du 12 mars 2026</h2><ul>{links}</ul>"
        f"</body></html>"
    ).encode()


async def _answer(reader, writer, host: int, pdfs: list[bytes]) -> None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        writer.close()
        return
    lines = head.decode("latin-1").split("\r\n")
    path = lines[0].split(" ")[1] if len(lines[0].split(" ")) > 1 else "/"
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    status, kind, body = 404, "text/plain", b"not found"
    if path == "/robots.txt":
        status, kind, body = 200, "text/plain", b"User-agent: *\nDisallow: /private/\n"
    elif path == "/deliberations/":
        status, kind, body = 200, "text/html; charset=utf-8", _listing(host)
    elif path.startswith("/docs/d") and path.endswith(".pdf"):
        number = int(path[7:-4])
        if number < documents_of(host):
            # Distinct files: a comment after %%EOF, which readers ignore.
            status, kind, body = (
                200,
                "application/pdf",
                pdfs[number % len(pdfs)] + b"%% site %d doc %d\n" % (host, number),
            )
    etag = f'"{host}-{len(body)}"'
    if status == 200 and headers.get("if-none-match") == etag:
        status, body = 304, b""
    extra = f"ETag: {etag}\r\nLast-Modified: {MODIFIED}\r\n" if status in (200, 304) else ""
    writer.write(
        (
            f"HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n{extra}"
            f"Connection: close\r\n\r\n"
        ).encode()
        + body
    )
    try:
        await writer.drain()
    except ConnectionError:
        pass
    writer.close()


def _serve(hosts: int, port: int, ready) -> None:
    async def main() -> None:
        pdfs = _pdfs()
        for host in range(hosts):
            await asyncio.start_server(lambda r, w, h=host: _answer(r, w, h, pdfs), address(host), port, backlog=64)
        ready.send(True)
        await asyncio.Event().wait()

    asyncio.run(main())


class ManySites:
    """``hosts`` sites on their own loopback addresses, served by a child process."""

    def __init__(self, hosts: int) -> None:
        self.hosts = hosts
        self.port = _free_port()
        self.process: multiprocessing.Process | None = None

    def __enter__(self) -> ManySites:
        context = multiprocessing.get_context("spawn")
        receive, send = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(self.hosts, self.port, send), daemon=True)
        self.process.start()
        if not receive.poll(300):
            raise RuntimeError("the many-hosts server did not start")
        receive.recv()
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.join()

    def url(self, host: int) -> str:
        return f"http://{address(host)}:{self.port}/deliberations/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((address(0), 0))
        return probe.getsockname()[1]


def _registry(workspace: Workspace, sites: ManySites) -> None:
    for host in range(sites.hosts):
        entry = {
            "id": f"bench-h{host:04d}",
            "name": f"Commune {host} (benchmark)",
            "country": "FR",
            "platform": "html",
            "url": sites.url(host),
            "language": "fr",
            "verified": True,
            "established": "a generated benchmark site on loopback (bench.many_hosts)",
        }
        (workspace.folder / "sources" / f"bench-h{host:04d}.yaml").write_text(json.dumps(entry), encoding="utf-8")


def run(hosts: int, work: Path, database_url: str = "", command: str = "crawl", at_once: int | None = None) -> dict:
    """`vigie crawl` (or ``command`` "run": crawl, analysis, alerts) over ``hosts`` sites with
    production politeness; its figures. ``at_once``: VIGIE_SOURCES_AT_ONCE (default: Vigie's)."""
    with Workspace(work / f"many-{hosts}", database_url) as workspace, ManySites(hosts) as sites:
        _registry(workspace, sites)
        env = {**workspace.env(), **PRODUCTION, **({"VIGIE_SOURCES_AT_ONCE": str(at_once)} if at_once else {})}
        measure = run_command(python("-m", "vigie", command), env, workspace.folder, timeout=3600)
        if measure.returncode not in (0, 1):
            raise RuntimeError(f"vigie run exited with {measure.returncode}:\n{measure.stderr[-3000:]}")
        record = workspace.last_run()
    summary = record["summary"]
    documents = sum(documents_of(h) for h in range(hosts))
    ok = sum(1 for status in summary["sources"].values() if status == "ok")
    requests = record["requests"]
    cores = os.cpu_count() or 1
    return {
        "command": f"vigie {command}",
        "sources_at_once": at_once or "default",
        "hosts": hosts,
        "hosts_ok": ok,
        "documents": documents,
        "documents_new": summary.get("documents_new"),
        "analysed": summary.get("analysed"),
        "requests": requests,
        "wall_s": round(measure.seconds, 1),
        "crawl_and_analysis_s": round(record["run_s"], 1),
        "requests_per_s": round(requests / measure.seconds, 1),
        "hosts_per_minute": round(hosts / measure.seconds * 60, 1),
        "peak_rss_mb": round(measure.peak_rss_mb, 1),
        "cpu_s": round(measure.cpu_s, 1),
        "cpu_share_of_cores": round(measure.cpu_s / measure.seconds / cores, 2),
        "slowest_source_s": round(record["spider_s"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.many_hosts", description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--command",
        choices=("crawl", "run"),
        default="crawl",
        help="vigie crawl (the crawl alone), or vigie run (crawl, analysis, alerts)",
    )
    parser.add_argument("--at-once", type=int, default=None, help="VIGIE_SOURCES_AT_ONCE")
    options = parser.parse_args()
    work = Path(__file__).parent / "work"
    started = time.perf_counter()
    result = run(options.hosts, work, options.database_url, options.command, options.at_once)
    shutil.rmtree(work / f"many-{options.hosts}", ignore_errors=True)
    result["load_average_at_end"] = round(os.getloadavg()[0], 1)
    result["bench_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
