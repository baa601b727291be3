"""Atom feeds (RFC 4287) and iCalendar files (RFC 5545): valid, stable, and about the right findings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from notify.site import layout
from notify.site.ical import escape_text, fold
from storage.models import Source
from tests.site.conftest import Sample
from tests.site.factory import NOW, add_document, add_hit
from tests.site.pages import ATOM, atom, entries, events, ical_lines


def test_the_main_feed_is_valid_atom_with_every_required_element(site: Path) -> None:
    feed = atom(site, layout.FEED_ALL)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author/" + ATOM + "name"):
        assert (feed.findtext(ATOM + name) or "").strip(), f"feed lacks {name}"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "feed.atom"
    assert len(entries(feed)) == 4  # one per finding: the Lyon agenda's two mentions are one deliberation
    for entry in entries(feed):
        for name in ("id", "title", "updated"):
            assert (entry.findtext(ATOM + name) or "").strip(), f"entry lacks {name}"
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        dt.datetime.strptime(entry.findtext(f"{ATOM}updated"), "%Y-%m-%dT%H:%M:%SZ")


def test_entries_are_newest_first_and_dated_when_the_finding_was_found(site: Path) -> None:
    feed = atom(site, layout.FEED_ALL)
    dates = [e.findtext(f"{ATOM}updated") for e in entries(feed)]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == "2025-03-09T21:00:00Z"  # the drones hit, found half a day before NOW
    assert feed.findtext(f"{ATOM}updated") == dates[0]


def test_an_entry_links_to_the_finding_page_and_to_its_documents(site: Path) -> None:
    [entry] = [e for e in entries(atom(site, layout.FEED_ALL)) if "plages" in e.findtext(f"{ATOM}title")]
    assert entry.findtext(f"{ATOM}title") == "Ville de Nice : Délibération 7 : surveillance des plages"
    assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("deliberations/")
    assert entry.find(f"{ATOM}link[@rel='related']").get("href") == "https://www.nice.fr/files/delib-2025-01-15-7.pdf"
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["drones"]
    quote = entry.find(f"{ATOM}content/{{http://www.w3.org/1999/xhtml}}div")
    assert "Recours à des drones pour la surveillance des plages" in "".join(quote.itertext())


def test_entry_ids_are_unique_and_survive_a_rebuild_from_scratch(build, sample, tmp_path: Path) -> None:
    build(out=tmp_path / "one")
    build(out=tmp_path / "two", today=dt.date(2025, 4, 1))
    first = [e.findtext(f"{ATOM}id") for e in entries(atom(tmp_path / "one", layout.FEED_ALL))]
    second = [e.findtext(f"{ATOM}id") for e in entries(atom(tmp_path / "two", layout.FEED_ALL))]
    assert first == second and len(set(first)) == len(first)
    assert all(i.startswith("urn:uuid:") for i in first)
    assert atom(tmp_path / "one", layout.FEED_ALL).findtext(f"{ATOM}id") == atom(
        tmp_path / "two", layout.FEED_ALL
    ).findtext(f"{ATOM}id")


def test_a_new_hit_adds_one_entry_and_keeps_the_others(db, build, sample: Sample, tmp_path: Path) -> None:
    build()
    before = {e.findtext(f"{ATOM}id") for e in entries(atom(tmp_path / "site", layout.FEED_ALL))}
    with db.session() as s:
        doc = add_document(s, s.get(Source, "fr-lyon"), title="Rapport sur la sécurité")
        add_hit(s, doc, "vidéosurveillance algorithmique", category="algorithmic_video", created_at=NOW)
    build()
    after = [e.findtext(f"{ATOM}id") for e in entries(atom(tmp_path / "site", layout.FEED_ALL))]
    assert set(after) - before == {after[0]} and before <= set(after)


@pytest.mark.parametrize(
    ("path", "titles"),
    [
        (
            layout.council_page("fr-nice", "atom"),
            ["Délibération 7 : surveillance des plages", "Ordre du jour du 5 mars 2025"],
        ),
        (layout.council_page("fr-brest", "atom"), []),
        (layout.category_page("vendor", "atom"), ["Ordre du jour du conseil municipal du 20 mars 2025"]),
    ],
)
def test_council_and_category_feeds_carry_only_their_findings(site: Path, path: str, titles: list[str]) -> None:
    feed = atom(site, path)
    assert [e.findtext(f"{ATOM}title").split(" : ", 1)[1] for e in entries(feed)] == titles
    assert feed.findtext(f"{ATOM}updated")
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "../" + path  # relative to the feed itself


def test_with_the_site_url_feeds_carry_absolute_links(build, sample, tmp_path: Path) -> None:
    build(site_url="https://vigie.example/lyon/")
    feed = atom(tmp_path / "site", layout.council_page("fr-lyon", "atom"))
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "https://vigie.example/lyon/conseils/fr-lyon.atom"
    assert all(
        e.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("https://vigie.example/lyon/deliberations/")
        for e in entries(feed)
    )


def test_the_calendar_holds_the_meetings_ahead_with_a_finding_to_vote(site: Path) -> None:
    lines = ical_lines(site, layout.CALENDAR_ALL)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"] and lines[-1] == "END:VCALENDAR"
    assert any(line.startswith("PRODID:") for line in lines)
    [event] = events(lines)  # the Nice agenda's meeting is past; deliberations are not votes ahead
    assert event["DTSTART;VALUE=DATE"] == "20250320" and event["DTEND;VALUE=DATE"] == "20250321"
    assert event["SUMMARY;LANGUAGE=fr"] == (
        "Ville de Lyon : à l'ordre du jour\\, entreprise de surveillance\\, Vidéosurveillance"
    )
    assert (
        "- Ordre du jour du conseil municipal du 20 mars 2025 (entreprise de surveillance"
        in event["DESCRIPTION;LANGUAGE=fr"]
    )
    assert "Extension du dispositif de vidéoprotection" in event["DESCRIPTION;LANGUAGE=fr"]
    assert event["URL"] == "https://www.lyon.fr/files/odj-2025-03-20.pdf"
    assert event["DTSTAMP"] == "20250309T090000Z"  # when its finding was last revised, not the build time
    assert event["UID"].endswith("@vigie")


def test_a_meeting_today_is_still_ahead_and_one_yesterday_is_not(build, sample, tmp_path: Path) -> None:
    build(out=tmp_path / "on-the-day", today=dt.date(2025, 3, 20))
    build(out=tmp_path / "day-after", today=dt.date(2025, 3, 21))
    assert len(events(ical_lines(tmp_path / "on-the-day", layout.CALENDAR_ALL))) == 1
    assert events(ical_lines(tmp_path / "day-after", layout.CALENDAR_ALL)) == []


def test_each_council_has_its_own_calendar(site: Path) -> None:
    assert len(events(ical_lines(site, layout.council_page("fr-lyon", "ics")))) == 1
    assert events(ical_lines(site, layout.council_page("fr-nice", "ics"))) == []


def test_calendar_lines_are_folded_at_75_octets(site: Path) -> None:
    raw = (site / layout.CALENDAR_ALL).read_bytes()
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75
    raw.decode("utf-8")  # folding never cuts a character in two


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("vidéoprotection", "vidéoprotection"),
        ("caméras, drones; LAPI", "caméras\\, drones\\; LAPI"),
        ("C:\\dossier", "C:\\\\dossier"),
        ("une ligne\r\nDTSTART:19990101", "une ligne\\nDTSTART:19990101"),
        ("a\nb\rc", "a\\nb\\nc"),
    ],
)
def test_text_values_are_escaped(text: str, escaped: str) -> None:
    assert escape_text(text) == escaped


@pytest.mark.parametrize("line", ["SUMMARY:" + "é" * 100, "DESCRIPTION:" + "a" * 300, "X:" + "€😀" * 40])
def test_folding_keeps_every_line_short_and_every_character_whole(line: str) -> None:
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert folded.replace("\r\n ", "") == line
