"""`vigie notify` and `vigie subscription`."""

from __future__ import annotations

import apprise
import click
from sqlalchemy import select

from storage.models import Subscription
from vigie.cli.context import App, fail_config, pass_app


@click.command()
@click.option("--dry-run", is_flag=True, help="Render what would be sent, send nothing.")
@pass_app
def notify(app: App, dry_run: bool) -> None:
    """Send the alerts owed to subscriptions."""
    from notify.deliver import send_pending

    summary = send_pending(app.db, app.config, dry_run=dry_run)
    for preview in summary.previews:
        click.echo(f"--- {preview['subscription']}: {preview['subject']}\n{preview['text']}")
    click.echo(f"Queued {summary.queued} delivery(ies); sent {summary.messages_sent} message(s) "
               f"with {summary.hits_sent} hit(s); {len(summary.failures)} failure(s)")


@click.group()
def subscription() -> None:
    """Manage the subscriptions of local groups."""


@subscription.command("add")
@click.argument("name")
@click.option("--url", "urls", multiple=True, required=True, help="Apprise URL of a channel (repeatable).")
@click.option("--source", "sources", multiple=True, help="Only hits of this source (repeatable).")
@click.option("--category", "categories", multiple=True, help="Only hits of this category (repeatable).")
@click.option("--language", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@pass_app
def add(app: App, name: str, urls, sources, categories, language) -> None:
    """Subscribe NAME to alerts sent to the apprise URL(s)."""
    for url in urls:
        if not apprise.Apprise().add(url):
            fail_config(f"apprise cannot use URL #{urls.index(url) + 1} of {name}: check its scheme and "
                        "fields (https://github.com/caronc/apprise/wiki)")
    with app.db.session() as session:
        sub = session.scalar(select(Subscription).where(Subscription.name == name)) or Subscription(name=name)
        sub.urls, sub.language = list(urls), language
        sub.filters = {k: list(v) for k, v in (("sources", sources), ("categories", categories)) if v}
        session.add(sub)
    click.echo(f"Subscription {name} saved.")
