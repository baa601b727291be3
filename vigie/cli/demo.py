"""`vigie demo`."""

from __future__ import annotations

import sys

import click

from storage.states import FindingStatus
from vigie.cli.context import App, pass_app
from vigie.cli.output import printable


@click.command()
@click.option(
    "--port",
    default=8754,
    show_default=True,
    help="Port of the demo site on 127.0.0.1 (fixed, so that a second run finds the same documents).",
)
@pass_app
def demo(app: App, port: int) -> None:
    """Crawl a fictional commune's site served on loopback, analyse it and email a demo group.

    Everything stays on this machine: the site and the SMTP server run on 127.0.0.1. Run it
    twice: the second run finds nothing new and sends nothing.
    """
    from sqlalchemy import func, select

    from storage.models import Document, Finding, Hit
    from vigie.demo.run import SOURCE_ID, run_demo

    result = run_demo(app, port)
    click.echo(f"Demo site: {result.site_url} (a fictional commune)")
    for line in result.summary.lines():
        click.echo(line)
    with app.db.session() as session:
        findings = list(
            session.scalars(
                select(Finding)
                .where(Finding.source_id == SOURCE_ID, Finding.status == FindingStatus.ACTIVE)
                .order_by(Finding.id)
            )
        )
        hits = session.scalar(
            select(func.count(Hit.id))
            .join(Document, Hit.document_id == Document.id)
            .where(Document.source_id == SOURCE_ID, Hit.finding_id.is_not(None))
        )
        click.echo(f"\nFindings in the demo commune's documents ({len(findings)} deliberations, {hits} mentions):")
        for finding in findings:
            amount = finding.amounts[0] if finding.amounts else None
            money = (
                f", {amount['value']:,.0f} {amount['currency']} {amount.get('tax') or ''}".rstrip() if amount else ""
            )
            click.echo(
                f"  [{', '.join(finding.categories)}] {printable(finding.subject)[:90]}"
                f" — {finding.meeting_date or 'undated'}{money}"
            )
    if result.mail_files:
        click.echo("\nEmail received by the demo group:")
        for path in result.mail_files:
            click.echo(f"  {path}")
    else:
        click.echo("\nNo email sent: nothing new since the last run.")
    sys.exit(result.summary.exit_code)
