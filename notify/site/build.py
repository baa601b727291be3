"""Build the public site and its feeds from the database, into a folder any static host can serve.

Finding first. Pages: the index (votes ahead, then the latest findings), a page per finding (its
facts and its evidence), a page per council (its findings by year and technology, its documents,
the health of its crawls), a page per document (its hits with their evidence), a page per
category, lists of councils and categories, a map and the open-data page. Feeds: Atom of
findings, all, per council and per category; iCalendar for the meetings ahead. Open data:
findings.csv, findings.json, councils.geojson. Pages are written before the pages that link to
them, and the index last, so that a reader of a site being rebuilt never follows a dead link.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from notify import exports
from notify.labels import load_labels
from notify.site import layout, opendata
from notify.site.content import FindingView, SiteContent, load_content
from notify.site.ical import calendar, meeting_events
from notify.site.maps import colour, council_maps
from notify.site.render import STYLESHEET, SiteRenderer, rfc3339
from notify.site.writer import SiteWriter
from storage.db import Database

LATEST_ON_INDEX = 100  # findings on the front page; every one is on its council's page
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
    findings: int
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
    for finding in content.findings:
        writer.write(finding.path, renderer.page("finding.html.j2", finding.path, finding=finding))
    _write_councils(writer, renderer, content)
    _write_categories(writer, renderer, content)
    _write_open_data(writer, renderer, content)
    _write_front(writer, renderer, content)
    written = writer.finish()
    return BuildSummary(
        out=options.out,
        councils=len(content.councils),
        findings=len(content.findings),
        documents=len(content.documents),
        hits=len(content.hits),
        written=written.written,
        unchanged=written.unchanged,
        removed=written.removed,
        seconds=time.perf_counter() - started,
    )


def _calendar(renderer: SiteRenderer, findings: list[FindingView]) -> str:
    def link(finding: FindingView) -> str:
        documents = finding.facts["documents"]
        return renderer.absolute(finding.path) or (documents[0]["url"] if documents else "")

    events = meeting_events(findings, renderer.words, link)
    return calendar(renderer.words["calendar_name"], events, renderer.language)


def _newest(findings: list[FindingView]) -> list[FindingView]:
    return sorted(findings, key=lambda f: (f.updated, f.id), reverse=True)


def _write_councils(writer: SiteWriter, renderer: SiteRenderer, content: SiteContent) -> None:
    for council in content.councils:
        writer.write(council.path, renderer.page("council.html.j2", council.path, council=council))
        findings = _newest(council.findings)
        feed = layout.council_page(council.id, "atom")
        writer.write(
            feed,
            renderer.feed(
                feed,
                title=renderer.words["feed_title_council"].format(name=council.name),
                alternate=council.path,
                entries=findings[:FEED_ENTRIES],
                updated=findings[0].updated if findings else council.created_at,
            ),
        )
        writer.write(layout.council_page(council.id, "ics"), _calendar(renderer, council.findings))
    writer.write(layout.COUNCILS, renderer.page("councils.html.j2", layout.COUNCILS, councils=content.councils))


def _write_categories(writer: SiteWriter, renderer: SiteRenderer, content: SiteContent) -> None:
    for category in content.categories:
        writer.write(
            category.path,
            renderer.page(
                "category.html.j2", category.path, category=category, shown=category.hits[:CATEGORY_PAGE_HITS]
            ),
        )
        feed = layout.category_page(category.id, "atom")
        findings = [f for f in _newest(content.findings) if category.id in f.facts_categories]
        writer.write(
            feed,
            renderer.feed(
                feed,
                title=renderer.words["feed_title_category"].format(name=category.label),
                alternate=category.path,
                entries=findings[:FEED_ENTRIES],
                updated=findings[0].updated if findings else category.hits[0].created_at,
            ),
        )
    writer.write(
        layout.CATEGORIES, renderer.page("categories.html.j2", layout.CATEGORIES, categories=content.categories)
    )


def _write_open_data(writer: SiteWriter, renderer: SiteRenderer, content: SiteContent) -> None:
    """The exports, the map and the page that explains them."""
    rows = opendata.records(content.findings, renderer.absolute)
    writer.write(layout.FINDINGS_CSV, opendata.findings_csv(rows))
    writer.write(layout.FINDINGS_JSON, opendata.findings_json(rows, rfc3339(content.updated)))
    writer.write(layout.COUNCILS_GEOJSON, opendata.councils_geojson(content.councils, renderer.absolute))
    maps, elsewhere = council_maps(content.councils)
    shown = {dot.category for m in maps for dot in m.dots}
    legend = [(category.label, colour(category.id)) for category in content.categories if category.id in shown]
    writer.write(layout.MAP, renderer.page("map.html.j2", layout.MAP, maps=maps, elsewhere=elsewhere, legend=legend))
    writer.write(
        layout.DATA,
        renderer.page(
            "data.html.j2", layout.DATA, columns=exports.COLUMNS, licence=opendata.LICENCE, updated=content.updated
        ),
    )


def _write_front(writer: SiteWriter, renderer: SiteRenderer, content: SiteContent) -> None:
    newest = _newest(content.findings)
    writer.write(
        layout.FEED_ALL,
        renderer.feed(
            layout.FEED_ALL,
            title=renderer.words["feed_title_all"],
            alternate=layout.INDEX,
            entries=newest[:FEED_ENTRIES],
            updated=newest[0].updated if newest else content.updated,
        ),
    )
    writer.write(layout.CALENDAR_ALL, _calendar(renderer, content.findings))
    ahead = content.votes_ahead
    latest = [f for f in newest if not f.facts["vote_date"]][:LATEST_ON_INDEX]
    writer.write(
        layout.INDEX,
        renderer.page("index.html.j2", layout.INDEX, upcoming=ahead, latest=latest, total=len(content.findings)),
    )
