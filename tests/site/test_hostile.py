"""Everything scraped is untrusted: hostile titles, quotes, names and URLs never come out live."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from notify.site import layout
from storage.models import Finding, SourceRun
from tests.site.factory import NOW, add_document, add_hit, add_source
from tests.site.pages import ATOM, events, html_files, ical_lines, page, text_of

HOSTILE_TEXT = [
    "<script>window.pwned=1</script>",
    '"><img src=x onerror=alert(1)>',
    "Ordre du jour\r\nDTSTART:19990101\r\nX-INJECTED:1",
    "]]><evil xmlns='urn:x'/>&amp;",
    # Control and bidi characters: invalid in XML, deceptive on screen (no NUL: PostgreSQL refuses it).
    "\x08\x1b[31m\u202eliam.evil",
]
HOSTILE_URLS = [
    "javascript:alert(1)",
    " JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x.pdf",
]
XHTML_ELEMENTS = {"div", "p", "strong", "blockquote"}
ICAL_LINE = re.compile(r"^[A-Z][A-Z-]*(;[A-Z-]+=[^:;]+)*:")


def hostile_site(db, build, tmp_path: Path, text: str, url: str) -> tuple[Path, int]:
    """A council, a document and its finding with ``text`` in every field a council's text can fill."""
    with db.session() as s:
        source = add_source(s, "fr-hostile", name=f"Ville {text}", url=url, latitude=45.0, longitude=5.0)
        doc = add_document(s, source, url, title=text, kind="agenda", meeting_date=dt.date(2025, 3, 20))
        add_hit(s, doc, "vidéoprotection", snippet=f"{text} vidéoprotection {text}")
        hit = add_hit(
            s,
            doc,
            text.strip() or "x",
            category="vendor",
            kind="vendor",
            vendor=text,
            page=2,
            snippet=f"Contrat avec {text}.",
        )
        finding = s.get(Finding, hit.finding_id)
        finding.subject, finding.act_label, finding.subsidies = text, text, [text]
        finding.amounts = [{"value": 223680.0, "currency": text, "tax": text, "purpose": text, "text": text}]
        finding.categories = {text: 1, **finding.categories}
        s.add(SourceRun(source_id=source.id, started_at=NOW, status="failed", error=text, finish_reason=text))
        doc_id = doc.id
    build(site_url="https://vigie.example")
    return tmp_path / "site", doc_id


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_text_is_shown_as_text_in_every_page(db, build, tmp_path: Path, text: str) -> None:
    site, doc_id = hostile_site(db, build, tmp_path, text, HOSTILE_URLS[0])
    for path in html_files(site):
        doc = page(site, path.relative_to(site).as_posix())
        assert not doc.css("script, img, iframe, object, embed, evil, base, form"), path
        assert not doc.xpath("//@*[starts-with(name(), 'on')]"), path
    title = text_of(page(site, layout.document_page(doc_id)), "h1")[0]
    assert "\x1b" not in title and "\u202e" not in title and "\r" not in title
    if "<script>" in text:
        assert title == text  # readable as it was written: escaped, not removed


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_link_that_is_not_http_never_becomes_live(db, build, tmp_path: Path, url: str) -> None:
    site, doc_id = hostile_site(db, build, tmp_path, "Délibération", url)
    for path in html_files(site):
        for href in page(site, path.relative_to(site).as_posix()).css("a::attr(href), link::attr(href)").getall():
            assert href == "data:," or urlsplit(href).scheme in ("", "http", "https"), (path, href)
            assert not href.startswith("//"), (path, href)
    facts = text_of(page(site, layout.document_page(doc_id)), "dl.facts dd")
    assert "lien d'origine non affiché (adresse non web)" in facts[-1]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_text_keeps_feeds_well_formed_and_inert(db, build, tmp_path: Path, text: str) -> None:
    site, _ = hostile_site(db, build, tmp_path, text, HOSTILE_URLS[0])
    for path in (layout.FEED_ALL, layout.council_page("fr-hostile", "atom"), layout.category_page("vendor", "atom")):
        feed = ET.parse(site / path).getroot()  # raises if a string broke the XML
        xhtml = {
            el.tag.split("}")[1]
            for e in feed.iter(f"{ATOM}content")
            for el in e.iter()
            if el.tag.startswith("{http://www.w3.org/1999/xhtml}")
        }
        assert xhtml <= XHTML_ELEMENTS, (path, xhtml)
        for entry in feed.iter(f"{ATOM}entry"):
            assert all(urlsplit(link.get("href")).scheme == "https" for link in entry.iter(f"{ATOM}link"))


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_text_cannot_add_a_line_to_a_calendar(db, build, tmp_path: Path, text: str) -> None:
    site, _ = hostile_site(db, build, tmp_path, text, HOSTILE_URLS[0])
    for path in (layout.CALENDAR_ALL, layout.council_page("fr-hostile", "ics")):
        lines = ical_lines(site, path)
        assert all(ICAL_LINE.match(line) for line in lines), [line for line in lines if not ICAL_LINE.match(line)]
        assert not [line for line in lines if line.startswith(("X-INJECTED", "DTSTART:"))]
        [event] = events(lines)
        assert event["URL"].startswith("https://vigie.example/deliberations/")


@pytest.mark.parametrize("source_id", ["../../outside", "a/b", "fr-lyon/../../x", "CON", "ÉVRY", ".hidden"])
def test_a_strange_source_id_never_becomes_a_path(db, build, tmp_path: Path, source_id: str) -> None:
    with db.session() as s:
        add_hit(s, add_document(s, add_source(s, source_id, name="Ville")))
    before = {p for p in tmp_path.rglob("*") if "site" not in p.relative_to(tmp_path).parts}
    build()
    after = {p for p in tmp_path.rglob("*") if "site" not in p.relative_to(tmp_path).parts}
    assert after == before
    page_path = layout.council_page(source_id)
    assert (tmp_path / "site" / page_path).is_file() and page_path.count("/") == 1
    assert not page_path.split("/")[1].startswith(".")


def test_two_ids_that_differ_only_in_case_or_symbols_get_different_pages() -> None:
    ids = ["Fr-Lyon", "fr-lyon", "fr/lyon", "fr lyon", "fr_lyon", "FR-LYON"]
    assert len({layout.council_page(i) for i in ids}) == len(ids)


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_text_keeps_the_exports_parseable_and_out_of_formulas(db, build, tmp_path: Path, text: str) -> None:
    site, _ = hostile_site(db, build, tmp_path, f"={text}", HOSTILE_URLS[0])
    with (site / layout.FINDINGS_CSV).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 2 and len(rows[1]) == len(rows[0])
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    for path in (layout.FINDINGS_JSON, layout.COUNCILS_GEOJSON):
        json.loads((site / path).read_text(encoding="utf-8"))  # raises if a string broke it
    assert "\x1b" not in (site / layout.FINDINGS_JSON).read_text(encoding="utf-8")
