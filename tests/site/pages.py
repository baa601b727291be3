"""Reading built pages in tests: parsel selectors (Scrapy's own) over the files of a site."""

from __future__ import annotations

from pathlib import Path

from parsel import Selector


def page(site: Path, path: str) -> Selector:
    return Selector(text=(site / path).read_text(encoding="utf-8"))


def text_of(selector: Selector, css: str) -> list[str]:
    """The whitespace-normalised text of each element matching ``css``."""
    return [" ".join(node.xpath("string()").get().split()) for node in selector.css(css)]


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))
