"""`vigie documents` and `vigie hits`: what the database holds, as a table, JSON lines or CSV."""

from __future__ import annotations

import click

from vigie.cli.context import App, pass_app
from vigie.cli.output import FORMATS, write_rows

DOCUMENT_COLUMNS = ("source", "url", "title", "kind", "meeting_date", "status", "error", "content_hash", "hits")
HIT_COLUMNS = (
    "source",
    "document_url",
    "document_title",
    "meeting_date",
    "kind",
    "category",
    "vendor",
    "matched",
    "page",
    "start",
    "end",
    "snippet",
    "score",
    "lexicon_version",
    "retracted_by",
)


@click.command()
@click.option("--source", "source_id", help="Only this source.")
@click.option(
    "--status", help="Only documents with this status (pending, analysing, analysed, failed, skipped, blocked)."
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@pass_app
def documents(app: App, source_id, status, fmt) -> None:
    """List stored documents."""
    from sqlalchemy import func, select

    from storage.models import Document, Hit

    hit_count = select(func.count(Hit.id)).where(Hit.document_id == Document.id).scalar_subquery()
    query = select(Document, hit_count).order_by(Document.source_id, Document.meeting_date, Document.id)
    if source_id:
        query = query.where(Document.source_id == source_id)
    if status:
        query = query.where(Document.status == status)
    with app.db.session() as session:
        rows = [
            {
                "source": d.source_id,
                "url": d.url,
                "title": d.title,
                "kind": d.kind,
                "meeting_date": d.meeting_date,
                "status": d.status,
                "error": d.error,
                "content_hash": d.content_hash,
                "hits": n,
            }
            for d, n in session.execute(query)
        ]
    write_rows(
        rows,
        DOCUMENT_COLUMNS,
        fmt,
        table_columns=("source", "kind", "meeting_date", "status", "hits", "title", "error"),
        width=50,
    )


@click.command()
@click.option("--source", "source_id", help="Only this source.")
@click.option("--category", help="Only this category.")
@click.option(
    "--all",
    "include_retracted",
    is_flag=True,
    help="Also list hits that a newer lexicon no longer finds (column retracted_by).",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@pass_app
def hits(app: App, source_id, category, include_retracted, fmt) -> None:
    """List hits with their evidence."""
    from sqlalchemy import select

    from storage.models import Document, Hit

    query = select(Hit, Document).join(Document, Hit.document_id == Document.id).order_by(Hit.id)
    if source_id:
        query = query.where(Document.source_id == source_id)
    if category:
        query = query.where(Hit.category == category)
    with app.db.session() as session:
        rows = [
            {
                "source": d.source_id,
                "document_url": d.url,
                "document_title": d.title,
                "meeting_date": d.meeting_date,
                "kind": h.kind,
                "category": h.category,
                "vendor": h.vendor,
                "matched": h.matched,
                "page": h.page,
                "start": h.start,
                "end": h.end,
                "snippet": h.snippet,
                "score": h.score,
                "lexicon_version": h.lexicon_version,
                "retracted_by": h.retracted_by,
            }
            for h, d in session.execute(query)
            if include_retracted or not h.retracted_by
        ]
    write_rows(
        rows,
        HIT_COLUMNS,
        fmt,
        table_columns=("source", "category", "vendor", "matched", "page", "document_title", "snippet"),
    )
