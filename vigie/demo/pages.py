"""The demo commune's web site: its texts (``texts/``) and its HTML pages, rendered when needed.

The texts are data: ``texts/site.yaml`` (the commune, its council and séances),
``texts/documents/*.yaml`` (one per PDF) and ``texts/templates/*.html.j2`` (the pages). The PDFs
need reportlab (a test extra) to be laid out, so they are built by :mod:`vigie.demo.build_site`
and committed under ``site/``; the pages need only Jinja, so :func:`render_site` renders them
each time the demo starts, beside a copy of the committed files.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from notify.render import date_fr
from storage.safe_yaml import YAMLError, parse_yaml

HERE = Path(__file__).parent
TEXTS = HERE / "texts"
SITE = HERE / "site"  # the committed files: the PDFs, robots.txt and style.css
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


class TextError(ValueError):
    """A text file of the demo is inconsistent; the message names the file and the fix."""


def french_date(day: dt.date, weekday: bool = False) -> str:
    """``date(2026, 12, 1)`` → "1er décembre 2026" (with ``weekday``: "mardi 1er décembre 2026")."""
    return f"{WEEKDAYS[day.weekday()]} {date_fr(day)}" if weekday else date_fr(day)


@dataclass
class Seance:
    """A séance of the council, with its attendance worked out from the absences."""

    data: dict[str, Any]
    council: list[str]

    @property
    def date(self) -> dt.date:
        return self.data["date"]

    @property
    def absent(self) -> dict[str, str | None]:
        return self.data.get("absent") or {}

    @property
    def present(self) -> list[str]:
        return [name for name in self.council if name not in self.absent]

    @property
    def voters(self) -> int:
        return len(self.present) + sum(1 for proxy in self.absent.values() if proxy)

    def check(self, origin: Path) -> None:
        unknown = [n for pair in self.absent.items() for n in pair if n and n not in self.council]
        if unknown:
            raise TextError(f"{origin}: séance {self.date}: {unknown} not in `council`; fix the spelling")
        holders = [proxy for proxy in self.absent.values() if proxy]
        if len(holders) != len(set(holders)) or set(holders) & set(self.absent):
            raise TextError(f"{origin}: séance {self.date}: a proxy holder is absent or holds two proxies")


@dataclass
class Document:
    """One PDF of the site: its text file's data, its séance (if any) and its place in the site."""

    stem: str
    data: dict[str, Any]
    seance: Seance | None

    @property
    def href(self) -> str:
        return "/" + self.data["file"]

    def check(self) -> None:
        vote = self.data.get("vote")
        if vote and self.seance and sum(vote.values()) != self.seance.voters:
            raise TextError(
                f"{TEXTS / 'documents' / self.stem}.yaml: the vote counts {sum(vote.values())} "
                f"voices but the séance of {self.seance.date} has {self.seance.voters} voters"
            )


def load_texts() -> tuple[dict[str, Any], list[Seance], list[Document]]:
    """The commune, its séances (newest first) and every document, checked for consistency."""
    site_file = TEXTS / "site.yaml"
    site = read_yaml(site_file)
    if len(site["council"]) != len(set(site["council"])):
        raise TextError(f"{site_file}: a name appears twice in `council`")
    seances = [Seance(entry, site["council"]) for entry in site["seances"]]
    documents = []
    for seance in seances:
        seance.check(site_file)
        for stem in seance.data["documents"]:
            documents.append(Document(stem, _read_document(stem), seance))
    documents.append(Document(site["canteen_menu"], _read_document(site["canteen_menu"]), None))
    listed = {d.stem for d in documents}
    unlisted = sorted(p.stem for p in (TEXTS / "documents").glob("*.yaml") if p.stem not in listed)
    if unlisted:
        raise TextError(f"{TEXTS / 'documents'}: {unlisted} belong to no séance; list them in site.yaml")
    for document in documents:
        document.check()
    return site, seances, documents


def _read_document(stem: str) -> dict[str, Any]:
    path = TEXTS / "documents" / f"{stem}.yaml"
    if not path.exists():
        raise TextError(f"{TEXTS / 'site.yaml'} names {stem!r} but {path} does not exist")
    return read_yaml(path)


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        raise TextError(f"{path}: not valid YAML ({exc}); quote text holding ': ' or '{{'") from None


def _file_size(path: Path) -> str:
    return f"PDF – {max(1, round(path.stat().st_size / 1024))} Ko"


def build_pages(site: dict[str, Any], seances: list[Seance], documents: list[Document], out: Path) -> list[Path]:
    """Render every HTML page of the site into ``out``, which holds the PDFs already (the pages show
    their sizes); returns the files written."""
    env = Environment(
        loader=FileSystemLoader(TEXTS / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date_fr"] = french_date
    env.filters["size"] = lambda document: _file_size(out / document.data["file"])
    by_seance = {s.date: [d for d in documents if d.seance is s] for s in seances}
    menu = next(d for d in documents if d.seance is None)
    last_page = max(s.data["page"] for s in seances)
    common = {"commune": site["commune"], "site": site, "menu": menu}
    pages: dict[str, tuple[str, dict[str, Any]]] = {name: (template, {}) for name, template in site["pages"].items()}
    for number in range(1, last_page + 1):
        name = "index.html" if number == 1 else f"page-{number}.html"
        shown = [s for s in seances if s.data["page"] == number]
        pages[f"conseil-municipal/{name}"] = (
            "listing.html.j2",
            {"seances": shown, "documents": by_seance, "page": number, "last_page": last_page},
        )
    for seance in seances:
        if seance.data.get("subpage"):
            pages[f"conseil-municipal/{seance.data['subpage']}"] = (
                "seance.html.j2",
                {"seance": seance, "documents": by_seance[seance.date]},
            )
    written = []
    for name, (template, context) in pages.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(env.get_template(template).render(**common, **context), encoding="utf-8")
        written.append(target)
    return written


def render_site(out: Path) -> Path:
    """The whole site, ready to serve, in the folder ``out``: the committed files and the pages."""
    shutil.copytree(SITE, out, dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.md"))
    build_pages(*load_texts(), out)
    return out
