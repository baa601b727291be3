"""`vigie demo`."""

from __future__ import annotations

import sys

import click

from vigie.cli.context import App, pass_app
from vigie.cli.output import printable


@click.command()
@click.option("--port", default=8754, show_default=True,
              help="Port of the demo site on 127.0.0.1 (fixed, so that a second run finds the same documents).")
@pass_app
def demo(app: App, port: int) -> None:
    """Crawl a fictional commune's site served on loopback, analyse it and email a demo group.

    Everything stays on this machine: the site and the SMTP server run on 127.0.0.1. Run it
    twice: the second run finds nothing new and sends nothing.
    """
    from sqlalchemy import select

    from storage.models import Document, Hit
    from vigie.demo.run import SOURCE_ID, run_demo

    result = run_demo(app, port)
    click.echo(f"Demo site: {result.site_url} (a fictional commune)")
    for line in result.summary.lines():
        click.echo(line)
    with app.db.session() as session:
        rows = session.execute(
            select(Hit, Document).join(Document, Hit.document_id == Document.id)
            .where(Document.source_id == SOURCE_ID).order_by(Hit.id)
        ).all()
        rows = [(hit, doc) for hit, doc in rows if not hit.retracted_by]  # as `vigie hits` lists them
        click.echo(f"\nHits in the demo commune's documents ({len(rows)}):")
        for hit, doc in rows:
            click.echo(f"  [{hit.vendor or hit.category}] « {printable(hit.matched)} » — {printable(doc.title)}, "
                       f"page {hit.page}")
    if result.mail_files:
        click.echo("\nEmail received by the demo group:")
        for path in result.mail_files:
            click.echo(f"  {path}")
    else:
        click.echo("\nNo email sent: nothing new since the last run.")
    sys.exit(result.summary.exit_code)
