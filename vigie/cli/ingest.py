"""`vigie ingest`: add local files (a records request's answer, a scan) as documents of a source."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from nlp.extract import sniff_kind
from spiders.metadata import KINDS
from storage.blobs import BlobStore
from storage.filetypes import MEDIA_TYPES
from storage.states import DocumentStatus
from vigie.cli.context import App, pass_app


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", "source_id", required=True, help="Source id; an unknown id creates a local source.")
@click.option("--title", help="Title of the document(s) (default: the file name).")
@click.option("--date", "meeting_date", type=click.DateTime(["%Y-%m-%d"]), help="Meeting date, YYYY-MM-DD.")
@click.option("--kind", type=click.Choice(KINDS), default="other", show_default=True)
@pass_app
def ingest(app: App, paths: tuple[Path, ...], source_id: str, title, meeting_date, kind) -> None:
    """Add local files as documents of SOURCE; `vigie analyze` then analyses them."""
    from sqlalchemy import select

    from storage.models import Document, Source, utcnow
    from storage.untrusted import one_line

    blobs = BlobStore(app.config.data_path / "files")
    added = 0
    with app.db.session() as session:
        if session.get(Source, source_id) is None:
            session.add(
                Source(
                    id=source_id,
                    name=source_id,
                    country="FR",
                    platform="local",
                    url=f"file://{Path.cwd()}",
                    origin="local",
                    enabled=False,
                    config={},
                )
            )
            click.echo(f"Created local source {source_id}")
        for path in paths:
            data = path.read_bytes()
            digest = blobs.put(data)
            url = path.resolve().as_uri()
            doc = session.scalar(select(Document).where(Document.source_id == source_id, Document.url == url))
            if doc is not None and doc.content_hash == digest:
                click.echo(f"{path}: already stored, unchanged")
                continue
            doc = doc or Document(source_id=source_id, url=url, extra={})
            session.add(doc)
            doc.title, doc.kind = one_line(title or path.name), kind  # a file name may hide terminal escapes
            doc.meeting_date = meeting_date.date() if isinstance(meeting_date, dt.datetime) else None
            doc.content_hash, doc.size = digest, len(data)
            doc.media_type = MEDIA_TYPES.get(sniff_kind(data, None, path.name), "application/octet-stream")
            doc.status, doc.error, doc.changed_at, doc.last_checked_at = (
                DocumentStatus.PENDING,
                None,
                utcnow(),
                utcnow(),
            )
            added += 1
    click.echo(f"Added {added} document(s) to {source_id}; run `vigie analyze` to analyse them.")
