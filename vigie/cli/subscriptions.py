"""`vigie subscription add|list|show|pause|resume|remove|test|import|export`.

Apprise URLs hold secrets (passwords, tokens): these commands print them masked, always.
Only `export --output FILE` writes them, to a file only its owner can read.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click

from notify import LANGUAGES
from notify.policy import MODES
from storage.states import AlertMode, DeliveryStatus
from vigie.cli.context import App, fail_config, pass_app
from vigie.cli.findings import filter_options
from vigie.cli.output import FORMATS, write_rows

if TYPE_CHECKING:
    from storage.models import Subscription


def _unknown(name: str) -> None:
    click.secho(f"No subscription named {name!r} (see `vigie subscription list`).", fg="red", err=True)
    sys.exit(1)


def _get(session, name: str) -> Subscription:
    from sqlalchemy import select

    from storage.models import Subscription

    row = session.scalar(select(Subscription).where(Subscription.name == name))
    if row is None:
        _unknown(name)
    return row


@click.group()
def subscription() -> None:
    """Manage the subscriptions of local groups (channels, filters, mode, language)."""


@subscription.command("add")
@click.argument("name")
@click.option(
    "--url", "urls", multiple=True, help="Apprise URL of a channel (repeatable), e.g. mailtos://… or matrix://…"
)
@click.option(
    "--config", "apprise_config", type=click.Path(dir_okay=False), help="Apprise config file (YAML/TEXT) of channels."
)
@click.option("--tag", "tags", multiple=True, help="Only the config file's URLs with this tag (repeatable).")
@filter_options
@click.option("--mode", type=click.Choice(MODES), default=AlertMode.IMMEDIATE.value, show_default=True)
@click.option("--language", type=click.Choice(LANGUAGES), default="fr", show_default=True)
@click.option(
    "--rate-cap", type=int, help="At most this many immediate messages in 24 hours (default: VIGIE_ALERT_RATE_CAP)."
)
@pass_app
def add(app: App, name: str, urls, apprise_config, tags, min_score, mode, language, rate_cap, **filters) -> None:
    """Subscribe NAME to alerts sent to apprise URL(s) or to an apprise config file's URLs.

    Only findings made or updated from now on are sent. Every URL is checked with apprise first.
    """
    from notify.subscriptions import SubscriptionError, SubscriptionSpec, save

    spec = SubscriptionSpec(
        name=name,
        urls=list(urls),
        apprise_config=apprise_config,
        tags=list(tags),
        mode=mode,
        language=language,
        rate_cap=rate_cap,
        filters={**{k: list(v) for k, v in filters.items() if v}, "min_score": min_score},
    )
    try:
        spec.validate()
        with app.db.session() as session:
            save(session, spec, replace=False)
    except SubscriptionError as exc:
        fail_config(str(exc))
    click.echo(
        f"Subscription {name} saved: {mode}, {language}, {len(spec.urls)} URL(s)"
        + (f" and the config file {apprise_config}" if apprise_config else "")
        + "."
    )


LIST_COLUMNS = (
    "name",
    "mode",
    "language",
    "paused",
    "failing_since",
    "channels",
    "filters",
    "pending",
    "sent",
    "failed",
)


def _list_row(sub: Subscription, counts: dict[tuple[int, str], int]) -> dict:
    from notify.redact import mask_url

    channels = [mask_url(u) for u in sub.urls or []] + ([f"config:{sub.apprise_config}"] if sub.apprise_config else [])
    filters = [f"{k}={','.join(map(str, v)) if isinstance(v, list) else v}" for k, v in (sub.filters or {}).items()]
    return {
        "name": sub.name,
        "mode": sub.mode,
        "language": sub.language,
        "paused": sub.paused,
        "failing_since": sub.failing_since,
        "channels": " ".join(channels),
        "filters": " ".join(filters),
        "pending": counts.get((sub.id, "pending"), 0) + counts.get((sub.id, "sending"), 0),
        "sent": counts.get((sub.id, "sent"), 0),
        "failed": counts.get((sub.id, "failed"), 0),
    }


@subscription.command("list")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@pass_app
def list_(app: App, fmt: str) -> None:
    """List subscriptions, their channels (masked) and what they are owed."""
    from sqlalchemy import func, select

    from storage.models import Delivery, Subscription

    with app.db.session() as session:
        counts = {
            (sub_id, status): n
            for sub_id, status, n in session.execute(
                select(Delivery.subscription_id, Delivery.status, func.count()).group_by(
                    Delivery.subscription_id, Delivery.status
                )
            )
        }
        rows = [_list_row(s, counts) for s in session.scalars(select(Subscription).order_by(Subscription.name))]
    write_rows(rows, LIST_COLUMNS, fmt)


@subscription.command("show")
@click.argument("name")
@pass_app
def show(app: App, name: str) -> None:
    """Show one subscription: settings, channels and their health (masked), deliveries."""
    import yaml
    from sqlalchemy import func, select

    from notify.subscriptions import spec_of
    from storage.models import Channel, Delivery

    with app.db.session() as session:
        row = _get(session, name)
        click.echo(textwrap.indent(yaml.safe_dump(spec_of(row), allow_unicode=True, sort_keys=False), "  "), nl=False)
        for channel in session.scalars(select(Channel).where(Channel.subscription_id == row.id).order_by(Channel.id)):
            health = f"failing since {channel.failing_since:%Y-%m-%d %H:%M} UTC" if channel.failing_since else "ok"
            click.echo(
                f"  channel {channel.label}: {health}"
                + (f", {channel.failures} failure(s) in a row: {channel.last_error}" if channel.failures else "")
            )
        counts = dict(
            session.execute(
                select(Delivery.status, func.count())
                .where(Delivery.subscription_id == row.id)
                .group_by(Delivery.status)
            ).all()
        )
        click.echo("  deliveries: " + (", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "none yet"))


def _set_paused(app: App, name: str, paused: bool) -> int:
    from sqlalchemy import update

    from storage.models import Channel, Delivery

    with app.db.session() as session:
        row = _get(session, name)
        row.paused = paused
        if paused:
            return 0
        # Resuming is also how a fixed channel gets its failed alerts back.
        row.failing_since = None
        session.execute(
            update(Channel)
            .where(Channel.subscription_id == row.id)
            .values(failures=0, failing_since=None, last_error=None)
        )
        result = session.execute(
            update(Delivery)
            .where(Delivery.subscription_id == row.id, Delivery.status == DeliveryStatus.FAILED)
            .values(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None)
        )
        return result.rowcount or 0


@subscription.command("pause")
@click.argument("name")
@pass_app
def pause(app: App, name: str) -> None:
    """Stop sending to NAME; its alerts are kept and go out on resume."""
    _set_paused(app, name, True)
    click.echo(f"Subscription {name} paused: its alerts are kept until `vigie subscription resume {name}`.")


@subscription.command("resume")
@click.argument("name")
@pass_app
def resume(app: App, name: str) -> None:
    """Send to NAME again, including the alerts that had failed."""
    requeued = _set_paused(app, name, False)
    click.echo(f"Subscription {name} resumed" + (f"; {requeued} failed alert(s) queued again." if requeued else "."))


@subscription.command("remove")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def remove(app: App, name: str, yes: bool) -> None:
    """Delete NAME and its delivery history."""
    if not yes:
        click.confirm(f"Remove subscription {name} and its delivery history?", abort=True)
    with app.db.session() as session:
        session.delete(_get(session, name))
    click.echo(f"Subscription {name} removed.")


@subscription.command("test")
@click.argument("name")
@pass_app
def test(app: App, name: str) -> None:
    """Send one made-up alert to every channel of NAME (recorded nowhere)."""
    from notify.channels import ChannelError
    from notify.deliver import send_test

    try:
        results = send_test(app.db, app.config.notifier_settings(), name)
    except LookupError:
        _unknown(name)
    except ChannelError as exc:
        fail_config(str(exc))
    for label, error in results:
        click.echo(f"{label}: " + ("sent" if error is None else f"FAILED: {error}"))
    sys.exit(1 if any(error for _, error in results) else 0)


@subscription.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite subscriptions that exist with the same name.")
@pass_app
def import_(app: App, path: Path, replace: bool) -> None:
    """Add the subscriptions of a YAML file (all or none: any error changes nothing)."""
    from notify.subscriptions import SubscriptionError, load_yaml, save

    try:
        specs = load_yaml(path)
        with app.db.session() as session:
            created = sum(save(session, spec, replace) for spec in specs)
    except SubscriptionError as exc:
        fail_config(str(exc))
    click.echo(f"Imported {len(specs)} subscription(s) from {path}: {created} new, {len(specs) - created} replaced.")


@subscription.command("export")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the full URLs, secrets included, to this file (mode 600). Without it: masked, to stdout.",
)
@pass_app
def export(app: App, output: Path | None) -> None:
    """Write every subscription as YAML (the format `import` reads)."""
    from sqlalchemy import select

    from notify.subscriptions import dump_yaml, write_private
    from storage.models import Subscription

    with app.db.session() as session:
        rows = list(session.scalars(select(Subscription).order_by(Subscription.name)))
        text = dump_yaml(rows, reveal=output is not None)
    if output is None:
        click.echo(text, nl=False)
        return
    write_private(output, text)
    click.echo(f"Exported {len(rows)} subscription(s) to {output} (readable by you only: it holds secrets).")
