"""iCalendar files (RFC 5545) of the council meetings ahead where Vigie found something to vote on.

One all-day event per council and meeting day (the time of a meeting is rarely known), listing
the findings to be voted, so that a group can put "vote on the vidéoprotection extension" in
its calendar. Written by hand rather
than through a template: the format's escaping and its 75-octet line folding are code, and
every scraped string passes through :func:`escape_text`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from notify.site import layout
from notify.site.content import FindingView

LINE_OCTETS = 75  # RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the CRLF


@dataclass(frozen=True)
class Event:
    uid: str
    day: dt.date
    stamp: dt.datetime  # DTSTAMP: when its content last changed (the newest hit), never the build time
    summary: str
    description: str
    location: str
    url: str


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """``line`` cut into lines of at most 75 octets, never inside a UTF-8 character (§3.1)."""
    if len(line.encode("utf-8")) <= LINE_OCTETS:
        return line
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            parts.append("".join(current))
            # A continuation line starts with one space, which counts in its 75 octets.
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _uri(url: str) -> str:
    # URLs reach here through safe_href (http/https, no control characters); a space would
    # still make an invalid URI value.
    return url.replace(" ", "%20")


def meeting_events(
    findings: Iterable[FindingView], words: dict[str, str], link: Callable[[FindingView], str]
) -> list[Event]:
    """An event per (council, meeting day) among ``findings`` with a vote ahead, soonest first.

    ``link(finding)`` is the URL an event points to: the finding's page on the site when the
    site's address is known, else its first document.
    """
    meetings: dict[tuple[str, dt.date], list[FindingView]] = {}
    for finding in findings:
        if finding.facts["vote_date"]:
            meetings.setdefault((finding.council.id, finding.facts["vote_date"]), []).append(finding)
    events = []
    for (council_id, day), found in sorted(meetings.items(), key=lambda item: (item[0][1], item[0][0])):
        council = found[0].council
        what = ", ".join(dict.fromkeys(label for f in found for label in f.categories))
        lines = [words["calendar_intro"]]
        for finding in found:
            lines += [
                "",
                words["calendar_finding"].format(subject=finding.facts["subject"], what=", ".join(finding.categories)),
                link(finding),
            ]
            lines += [
                words["calendar_quote"].format(
                    label=q["what"], page=q["page"], quote=q["before"] + q["match"] + q["after"]
                )
                for q in finding.facts["quotes"]
            ]
        events.append(
            Event(
                uid=layout.meeting_uid(council_id, day),
                day=day,
                stamp=max(f.updated for f in found),
                summary=words["calendar_summary"].format(council=council.name, what=what),
                description="\n".join(lines),
                location=council.name,
                url=link(found[0]),
            )
        )
    return events


def calendar(name: str, events: Iterable[Event], language: str) -> str:
    """The iCalendar text of ``events``, with CRLF line ends and folded lines."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Vigie//Vigie public site//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{escape_text(name)}",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{_utc(event.stamp)}",
            f"LAST-MODIFIED:{_utc(event.stamp)}",
            f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.day + dt.timedelta(days=1):%Y%m%d}",
            "TRANSP:TRANSPARENT",
            f"SUMMARY;LANGUAGE={language}:{escape_text(event.summary)}",
            f"DESCRIPTION;LANGUAGE={language}:{escape_text(event.description)}",
            f"LOCATION:{escape_text(event.location)}",
        ]
        if event.url:
            lines.append(f"URL:{_uri(event.url)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
