"""Reading a built site in tests: pages through parsel selectors (Scrapy's own), Atom feeds
through ElementTree, iCalendar files line by line."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from parsel import Selector

ATOM = "{http://www.w3.org/2005/Atom}"


def page(site: Path, path: str) -> Selector:
    return Selector(text=(site / path).read_text(encoding="utf-8"))


def text_of(selector: Selector, css: str) -> list[str]:
    """The whitespace-normalised text of each element matching ``css``."""
    return [" ".join(node.xpath("string()").get().split()) for node in selector.css(css)]


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def atom(site: Path, path: str) -> ET.Element:
    return ET.parse(site / path).getroot()


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{ATOM}entry")


def ical_lines(site: Path, path: str) -> list[str]:
    """The content lines of an iCalendar file, unfolded (RFC 5545 §3.1)."""
    raw = (site / path).read_bytes().decode("utf-8")
    assert raw.endswith("\r\n") and "\n" not in raw.replace("\r\n", ""), "lines must end with CRLF"
    return raw.replace("\r\n ", "").split("\r\n")[:-1]


def events(lines: list[str]) -> list[dict[str, str]]:
    """Each VEVENT of ``lines`` as {property (with its parameters): value}."""
    found, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, value = line.split(":", 1)
            current[name] = value
    return found
