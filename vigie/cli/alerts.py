"""`vigie notify`: send the alerts owed to subscriptions (or preview them)."""

from __future__ import annotations

import sys

import click

from vigie.cli.context import App, fail_config, pass_app
from vigie.config import ConfigError


@click.command()
@click.option("--dry-run", is_flag=True, help="Render what would be sent now; send nothing, mark nothing.")
@pass_app
def notify(app: App, dry_run: bool) -> None:
    """Send the alerts owed to subscriptions.

    Exit status: 0 when every channel accepted its messages, 1 when some failed (they are
    retried with backoff at the next run), 2 on a configuration error.
    """
    from notify.deliver import send_pending

    try:
        summary = send_pending(app.db, app.config.notifier_settings(), dry_run=dry_run)
    except ConfigError as exc:
        fail_config(str(exc))
    if dry_run:
        for preview in summary.previews:
            click.echo(
                f"--- {preview.subscription} → {preview.channel}\nSubject: {preview.subject}\n\n{preview.text}\n"
            )
        for failure in summary.failures:
            click.echo(f"Cannot send: {failure}", err=True)
        click.echo(f"Dry run: {len(summary.previews)} message(s) would be sent; nothing was sent or marked.")
        return
    click.echo(
        f"Queued {summary.queued} delivery(ies); sent {summary.messages_sent} message(s) completing "
        f"{summary.findings_sent} finding(s) or update(s); {len(summary.failures)} failure(s)"
        + (f"; {summary.failed} given up" if summary.failed else "")
        + (f"; {summary.deferred} held by a rate cap" if summary.deferred else "")
        + (f"; {summary.released} taken back from a stopped process" if summary.released else "")
    )
    for failure in summary.failures:
        click.echo(f"  failed: {failure}", err=True)
    sys.exit(1 if summary.failures else 0)
