"""The pre-check of a run: which sources' listings are unchanged, so that they need no crawl.

After a complete crawl, ``spiders.listings`` stores every page the crawl read as a listing (start
page, sub-pages, pagination, API answers) and the robots.txt of their hosts: validators (``ETag``,
``Last-Modified``) and a hash of the body. Before the next crawl, and before Scrapy is imported,
each stored URL is asked again, conditionally: a source whose every listing answers "304 Not
Modified", or 200 with the same body, would give the crawl the very documents it holds. It is
not crawled; its run is recorded as ``ok``, its documents counted unchanged.

Any other answer (a changed body, an error, a redirection elsewhere, a timeout) leaves the source
to the crawl, which reads it in full as usual (known documents are not downloaded again) and
reports its errors. A source is checked only after a complete crawl (no listing error, no failed
document) whose listings are younger than ``VIGIE_RECHECK_AFTER_DAYS``; after that delay the
crawl re-checks every document.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import func, select

from spiders.addresses import site_host
from spiders.plainget import PlainClient
from spiders.registry import SourceSpec
from storage.db import Database
from storage.models import Document, Listing, SourceRun, utcnow
from storage.states import DocumentStatus, RunStatus

log = logging.getLogger(__name__)

# The finish reason of a source whose listings were unchanged (``source_runs``). It is not
# "finished": the start of the last real crawl stays the one incremental APIs ask from.
UNCHANGED = "unchanged"
# What Scrapy sends when a listing request sets no Accept (spiders.settings keeps its default).
DEFAULT_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ROBOTS_PATH = "/robots.txt"


def fingerprint(body: bytes, status: int = 200) -> str:
    """The hash stored for a listing's body; an answer other than 200 (a robots.txt that is not
    there) is part of what it says."""
    digest = hashlib.sha256()
    if status != 200:
        digest.update(f"HTTP {status}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def is_robots(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path == ROBOTS_PATH and not parts.query


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{ROBOTS_PATH}"


@dataclass(frozen=True)
class Stored:
    """One stored listing, as the pre-check asks it again."""

    url: str
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    accept: str | None


@dataclass(frozen=True)
class Politeness:
    """What the crawl's settings say of every request (``vigie.crawl`` fills it from the config)."""

    user_agent: str
    timeout_s: float
    delay_s: float
    max_bytes: int
    obey_robots: bool
    threads: int = 32


def checkable_listings(db: Database, source_ids: Iterable[str], recheck_after_days: float) -> dict[str, list[Stored]]:
    """The stored listings of the sources that may skip their crawl if these are unchanged: their
    last crawl was complete (ok, finished, no error), no document of theirs waits after a failure,
    and their listings were read less than ``recheck_after_days`` ago."""
    ids = list(dict.fromkeys(source_ids))
    if not ids:
        return {}
    fresh_after = utcnow() - dt.timedelta(days=recheck_after_days)
    with db.session() as session:
        rows = session.scalars(select(Listing).where(Listing.source_id.in_(ids)).order_by(Listing.url))
        listings: dict[str, list[Listing]] = defaultdict(list)
        for row in rows:
            listings[row.source_id].append(row)
        latest = select(func.max(SourceRun.id)).where(SourceRun.source_id.in_(ids)).group_by(SourceRun.source_id)
        complete = {
            run.source_id
            for run in session.scalars(select(SourceRun).where(SourceRun.id.in_(latest)))
            if run.status == RunStatus.OK and run.finish_reason in ("finished", UNCHANGED) and not run.errors
        }
        failed = set(
            session.scalars(
                select(Document.source_id)
                .where(Document.source_id.in_(ids), Document.status == DocumentStatus.FAILED)
                .distinct()
            )
        )
        return {
            source_id: [Stored(r.url, r.etag, r.last_modified, r.body_hash, r.accept) for r in rows]
            for source_id, rows in listings.items()
            if source_id in complete
            and source_id not in failed
            and any(not is_robots(r.url) for r in rows)
            and all(r.checked_at >= fresh_after for r in rows)
        }


class ListingChecker:
    """Asks a source's stored listings again (see the module's docstring)."""

    def __init__(self, politeness: Politeness) -> None:
        self.politeness = politeness
        self.client = PlainClient(politeness.user_agent, politeness.timeout_s, politeness.delay_s, politeness.max_bytes)

    def change(self, spec: SourceSpec, stored: list[Stored]) -> tuple[str | None, int]:
        """What changed, or None when every listing is as stored; and the requests made."""
        by_url = {s.url: s for s in stored}
        pages = [s for s in stored if not is_robots(s.url)]
        order: list[Stored] = []
        if self.politeness.obey_robots:
            # Asked first, as the crawl would: a robots.txt unchanged still allows the listings
            # the last crawl read; a changed one is for the crawl to obey.
            for url in dict.fromkeys(robots_url(page.url) for page in pages):
                if url not in by_url:
                    return f"{url}: not stored", 0
                order.append(by_url[url])
        order += pages
        source_private = self._private(spec.url)
        allowed = _allowed_hosts(spec)
        requests = 0
        for listing in order:
            headers = {"Accept": listing.accept or DEFAULT_ACCEPT, "Accept-Language": "en"}
            if listing.etag:
                headers["If-None-Match"] = listing.etag
            if listing.last_modified:
                headers["If-Modified-Since"] = listing.last_modified
            hosts = allowed | {site_host(urlsplit(listing.url).hostname or "")}
            answer = self.client.get(
                listing.url, headers, source_private, lambda url, hosts=hosts: _on_hosts(url, hosts)
            )
            requests += answer.requests
            if answer.problem:
                return answer.problem, requests
            if answer.status == 304 and (listing.etag or listing.last_modified):
                continue
            if listing.body_hash and fingerprint(answer.body, answer.status) == listing.body_hash:
                continue
            return f"{listing.url}: changed (HTTP {answer.status})", requests
        return None, requests

    def _private(self, url: str) -> bool:
        """Whether the source is itself on a non-public address (it may reach its neighbours)."""
        parts = urlsplit(url)
        address = self.client.resolve(parts.hostname or "", parts.port or 80)
        return address is not None and not address.is_global


def _allowed_hosts(spec: SourceSpec) -> set[str]:
    hosts = {urlsplit(spec.url).hostname or ""} | set(spec.config.get("allowed_domains", []))
    return {site_host(h) for h in hosts if h}


def _on_hosts(url: str, hosts: set[str]) -> bool:
    """Whether a redirection to ``url`` stays where the crawl reads listings: the source's hosts,
    or the listing's own (an API's listing may be hosted elsewhere than the source's page)."""
    host = site_host(urlsplit(url).hostname or "")
    return any(host == h or host.endswith("." + h) for h in hosts)


def unchanged_sources(
    db: Database,
    specs: list[SourceSpec],
    politeness: Politeness,
    recheck_after_days: float,
    run_id: int | None,
) -> set[str]:
    """Check the eligible sources of ``specs`` (in parallel, politely); record a ``source_runs``
    row for each one found unchanged, and return their ids. The others are for the crawl."""
    checkable = checkable_listings(db, (s.id for s in specs), recheck_after_days)
    candidates = [s for s in specs if s.id in checkable]
    if not candidates:
        return set()
    checker = ListingChecker(politeness)
    began = time.monotonic()

    def check(spec: SourceSpec) -> tuple[SourceSpec, str | None, int, dt.datetime, dt.datetime]:
        started = utcnow()
        try:
            change, requests = checker.change(spec, checkable[spec.id])
        except Exception as exc:  # whatever went wrong, the crawl reads the source and says it
            change, requests = f"{type(exc).__name__}: {exc}", 0
        return spec, change, requests, started, utcnow()

    unchanged: set[str] = set()
    total_requests = 0
    with ThreadPoolExecutor(max_workers=max(1, min(politeness.threads, len(candidates)))) as pool:
        results = list(pool.map(check, candidates))
    with db.session() as session:
        counts = dict(
            session.execute(
                select(Document.source_id, func.count())
                .where(Document.source_id.in_([s.id for s, change, *_ in results if change is None]))
                .group_by(Document.source_id)
            ).all()
        )
        for spec, change, requests, started, finished in results:
            total_requests += requests
            if change is not None:
                log.debug("Source %s: its listings must be read: %s", spec.id, change)
                continue
            unchanged.add(spec.id)
            session.add(
                SourceRun(
                    run_id=run_id,
                    source_id=spec.id,
                    started_at=started,
                    finished_at=finished,
                    status=RunStatus.OK,
                    finish_reason=UNCHANGED,
                    requests=requests,
                    documents_unchanged=counts.get(spec.id, 0),
                    duration_s=(finished - started).total_seconds(),
                )
            )
    log.info(
        "Listings unchanged since the last complete crawl: %d of %d source(s) checked (%d requests, %.1f s); "
        "%d to crawl",
        len(unchanged),
        len(candidates),
        total_requests,
        time.monotonic() - began,
        len(specs) - len(unchanged),
    )
    return unchanged
