"""`vigie vendors`: every vendor seen in the councils' documents, known to the lexicon or found there."""

from __future__ import annotations

from dataclasses import dataclass, field

import click

from vigie.cli.context import App, pass_app
from vigie.cli.output import FORMATS, write_rows

COLUMNS = (
    "vendor",
    "written",
    "status",
    "councils",
    "findings",
    "documents",
    "hits",
    "technologies",
    "sources",
    "first_seen",
    "last_seen",
)
# In tables and CSV, lists are joined; JSON lines keep them as lists.
LIST_COLUMNS = ("technologies", "sources")


@dataclass
class VendorRow:
    """One vendor across every council: spellings seen, where, about what."""

    spellings: dict[str, int] = field(default_factory=dict)  # the canonical names (case may differ)
    written: dict[str, int] = field(default_factory=dict)  # as the documents write it, accents and all
    status: str = "found"  # known as soon as one of its hits is of a vendor of the lexicon
    sources: set[str] = field(default_factory=set)
    findings: set[int] = field(default_factory=set)  # the deliberations that name it
    documents: set[int] = field(default_factory=set)
    hits: int = 0
    technologies: set[str] = field(default_factory=set)
    dates: list = field(default_factory=list)

    def as_row(self, joined: bool) -> dict:
        technologies, sources = sorted(self.technologies), sorted(self.sources)
        name = max(self.spellings, key=lambda s: (self.spellings[s], s))
        written = max(self.written, key=lambda s: (self.written[s], s)) if self.written else name
        return {
            "vendor": name,
            "written": written,
            "status": self.status,
            "councils": len(self.sources),
            "findings": len(self.findings),
            "documents": len(self.documents),
            "hits": self.hits,
            "technologies": ", ".join(technologies) if joined else technologies,
            "sources": ", ".join(sources) if joined else sources,
            "first_seen": min(self.dates) if self.dates else None,
            "last_seen": max(self.dates) if self.dates else None,
        }


def vendor_rows(
    session,
    source_id: str | None = None,
    category: str | None = None,
    country: str | None = None,
    status: str | None = None,
) -> dict[str, VendorRow]:
    """The vendors of the stored hits (retracted ones left out), by folded name; hits filtered as asked."""
    from sqlalchemy import select

    from nlp.companies import fold_key
    from storage.models import Document, Hit, Source

    query = (
        select(Hit, Document.source_id, Document.meeting_date, Document.published_date)
        .join(Document, Hit.document_id == Document.id)
        .join(Source, Document.source_id == Source.id)
        .where(Hit.kind == "vendor", Hit.vendor.is_not(None))
    )
    if source_id:
        query = query.where(Document.source_id == source_id)
    if category:
        query = query.where(Hit.category == category)
    if country:
        query = query.where(Source.country == country.upper())
    vendors: dict[str, VendorRow] = {}
    for hit, source, meeting, published in session.execute(query):
        details = hit.details or {}
        # Hits stored before open-vocabulary vendors were all of the lexicon's vendors: known.
        seen_as = details.get("vendor_status", "known")
        if hit.retracted_by or (status and seen_as != status):
            continue
        row = vendors.setdefault(fold_key(hit.vendor), VendorRow())
        row.spellings[hit.vendor] = row.spellings.get(hit.vendor, 0) + 1
        if details.get("vendor_written"):
            row.written[details["vendor_written"]] = row.written.get(details["vendor_written"], 0) + 1
        if seen_as == "known":
            row.status = "known"
        row.sources.add(source)
        row.documents.add(hit.document_id)
        if hit.finding_id is not None:
            row.findings.add(hit.finding_id)
        row.hits += 1
        row.technologies.update([hit.category, *details.get("technologies", ())])
        date = meeting or published or (hit.created_at.date() if hit.created_at else None)
        if date:
            row.dates.append(date)
    return vendors


@click.command()
@click.option("--source", "source_id", help="Only vendors named in this source's documents.")
@click.option("--category", help="Only vendors named about this technology (a category id).")
@click.option("--country", help="Only vendors named by councils of this country (ISO 3166 alpha-2).")
@click.option("--known", "status", flag_value="known", help="Only the vendors of the lexicon.")
@click.option(
    "--found", "status", flag_value="found", help="Only the vendors the lexicon does not know, found in the text."
)
@click.option(
    "--min-councils", type=int, default=1, show_default=True, help="Only vendors named by this many councils."
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@pass_app
def vendors(app: App, source_id, category, country, status, min_councils, fmt) -> None:
    """List every vendor seen: councils, documents, technologies, known to the lexicon or found.

    A vendor is known when the lexicon names it (nlp/lexicon/vendors.yaml), found when Vigie read
    its name in a deliberation beside a surveillance technology ("la société …", "contract with …").
    Names are grouped whatever their case and accents.
    """
    with app.db.session() as session:
        found = vendor_rows(session, source_id, category, country, status)
    rows = sorted(
        (row.as_row(joined=fmt != "jsonl") for row in found.values() if len(row.sources) >= min_councils),
        key=lambda r: (-r["councils"], -r["documents"], r["vendor"].casefold()),
    )
    write_rows(
        rows,
        COLUMNS,
        fmt,
        table_columns=("vendor", "written", "status", "councils", "findings", "documents", "technologies", "sources"),
    )
