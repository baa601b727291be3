"""Build the public site and its feeds from the database, into a folder any static host can serve.

Pages: the index (votes ahead, then the latest hits), a page per council (its documents with
hits and the health of its crawls), a page per document (its hits with their evidence), a page
per category, and lists of councils and categories. Feeds: Atom for every hit, per council and
per category; iCalendar for the meetings ahead. Pages are written before the pages that link to
them, and the index last, so that a reader of a site being rebuilt never follows a dead link.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from notify.labels import load_labels
from notify.site import layout
from notify.site.content import DocumentView, SiteContent, load_content
from notify.site.ical import calendar, meeting_events
from notify.site.render import STYLESHEET, SiteRenderer
from notify.site.writer import SiteWriter
from storage.db import Database

LATEST_ON_INDEX = 100  # hits on the front page; every hit is on its document's page
FEED_ENTRIES = 200  # entries per Atom feed: the newest, as feed readers poll often
CATEGORY_PAGE_HITS = 500  # a category page stays light; council and document pages have them all


@dataclass(frozen=True)
class SiteOptions:
    """How to build: where, in which language, and the public addresses of the site and archive."""

    out: Path
    language: str = "fr"
    site_url: str = ""  # where the site is published (absolute links in feeds and calendars)
    public_url: str = ""  # where the archive of documents is published (see VIGIE_PUBLIC_URL)
    timezone: str = "Europe/Paris"  # decides whether a meeting is still ahead
    templates_dir: str = ""  # operator's overrides: labels.yaml and site/*.j2
    today: dt.date | None = None  # None: today in ``timezone``


@dataclass
class BuildSummary:
    out: Path
    councils: int
    documents: int
    hits: int
    written: int
    unchanged: int
    removed: int
    seconds: float


def build_site(db: Database, options: SiteOptions) -> BuildSummary:
    """Build the site into ``options.out``; only files whose content changed are rewritten."""
    started = time.perf_counter()
    today = options.today or dt.datetime.now(ZoneInfo(options.timezone)).date()
    labels = load_labels(options.templates_dir or None)
    with db.session() as session:
        content = load_content(session, labels, options.language, options.public_url, today)
    renderer = SiteRenderer(options.language, options.site_url, options.timezone, options.templates_dir or None)
    writer = SiteWriter(options.out)
    writer.write(layout.STYLE, STYLESHEET.read_text(encoding="utf-8"))
    for document in content.documents:
        writer.write(document.path, renderer.page("document.html.j2", document.path, document=document))
    _write_councils(writer, renderer, content)
    _write_categories(writer, renderer, content)
    _write_front(writer, renderer, content)
    written = writer.finish()
    return BuildSummary(out=options.out, councils=len(content.councils), documents=len(content.documents),
                        hits=len(content.hits), written=written.written, unchanged=written.unchanged,
                        removed=written.removed, seconds=time.perf_counter() - started)


def _calendar(renderer: SiteRenderer, documents: list[DocumentView]) -> str:
    def link(document: DocumentView) -> str:
        return renderer.absolute(document.path) or document.url

    events = meeting_events(documents, renderer.words, link)
    return calendar(renderer.words["calendar_name"], events, renderer.language)


def _write_councils(writer: SiteWriter, renderer: SiteRenderer, content: SiteContent) -> None:
    for council in content.councils:
        writer.write(council.path, renderer.page("council.html.j2", council.path, council=council))
        hits = sorted(council.hits, key=lambda h: (h.created_at, h.id), reverse=True)
        feed = layout.council_page(council.id, "atom")
        writer.write(feed, renderer.feed(
            feed, title=renderer.words["feed_title_council"].format(name=council.name), alternate=council.path,
            entries=hits[:FEED_ENTRIES], updated=hits[0].created_at if hits else council.created_at))
        writer.write(layout.council_page(council.id, "ics"), _calendar(renderer, council.documents))
    writer.write(layout.COUNCILS, renderer.page("councils.html.j2", layout.COUNCILS, councils=content.councils))


def _write_categories(writer: SiteWriter, renderer: SiteRenderer, content: SiteContent) -> None:
    for category in content.categories:
        writer.write(category.path, renderer.page("category.html.j2", category.path, category=category,
                                                  shown=category.hits[:CATEGORY_PAGE_HITS]))
        feed = layout.category_page(category.id, "atom")
        writer.write(feed, renderer.feed(
            feed, title=renderer.words["feed_title_category"].format(name=category.label), alternate=category.path,
            entries=category.hits[:FEED_ENTRIES], updated=category.hits[0].created_at))
    writer.write(layout.CATEGORIES, renderer.page("categories.html.j2", layout.CATEGORIES,
                                                  categories=content.categories))


def _write_front(writer: SiteWriter, renderer: SiteRenderer, content: SiteContent) -> None:
    writer.write(layout.FEED_ALL, renderer.feed(
        layout.FEED_ALL, title=renderer.words["feed_title_all"], alternate=layout.INDEX,
        entries=content.hits[:FEED_ENTRIES],
        updated=content.hits[0].created_at if content.hits else content.updated))
    writer.write(layout.CALENDAR_ALL, _calendar(renderer, content.upcoming))
    ahead = {d.id for d in content.upcoming}
    latest = [h for h in content.hits if h.document.id not in ahead][:LATEST_ON_INDEX]
    writer.write(layout.INDEX, renderer.page("index.html.j2", layout.INDEX, upcoming=content.upcoming,
                                             latest=latest, total=len(content.hits)))
