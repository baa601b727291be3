"""`vigie findings`: the deliberations found, one per row, with the filters of subscriptions."""

from __future__ import annotations

import json
import sys

import click

from vigie.cli.context import App, fail_config, pass_app
from vigie.cli.output import FORMATS, write_rows


def filter_options(command):
    """The filters of a subscription as options (shared by `vigie findings` and `vigie subscription add`)."""
    options = [
        click.option("--source", "sources", multiple=True, help="Only findings of this source id (repeatable)."),
        click.option(
            "--country", "countries", multiple=True, help="Only sources of this country, e.g. FR (repeatable)."
        ),
        click.option(
            "--departement",
            "departements",
            multiple=True,
            help="Only French sources of this département, e.g. 13, 2A, 974 (from their INSEE code).",
        ),
        click.option(
            "--category",
            "categories",
            multiple=True,
            help="Only findings with a mention of this category (repeatable).",
        ),
        click.option("--vendor", "vendors", multiple=True, help="Only findings naming this vendor (repeatable)."),
        click.option(
            "--kind",
            "kinds",
            multiple=True,
            help="Only findings shown by a document of this kind: agenda, deliberation, minutes… (repeatable).",
        ),
        click.option(
            "--min-score", type=float, help="Only findings whose surest mention has at least this score (0 to 1)."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.command()
@filter_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option(
    "--language",
    type=click.Choice(("fr", "en")),
    default="fr",
    show_default=True,
    help="Language of the technologies' names.",
)
@pass_app
def findings(app: App, fmt: str, language: str, min_score, **filters) -> None:
    """List the findings: one deliberation each, with its amounts, vendors, vote and best quote.

    The columns are documented in docs/open-data.md (the same as the site's findings.csv).
    """
    import datetime as dt
    from zoneinfo import ZoneInfo

    from notify.exports import COLUMNS, TABLE_COLUMNS, csv_text, finding_record, flat
    from notify.facts import finding_facts
    from notify.filters import matching
    from notify.labels import load_labels
    from notify.site.layout import finding_page
    from notify.subscriptions import SubscriptionError, normalise_filters

    try:
        wanted = normalise_filters(
            {**{k: list(v) for k, v in filters.items() if v}, "min_score": min_score}, "vigie findings"
        )
    except SubscriptionError as exc:
        fail_config(str(exc))
    labels = load_labels(app.config.templates_dir or None)
    today = dt.datetime.now(ZoneInfo(app.config.alert_timezone)).date()
    site = app.config.site_url.rstrip("/")
    with app.db.session() as session:
        records = [
            finding_record(
                finding_facts(f, labels, language, app.config.public_url, today),
                f.score,
                f.source.country,
                f"{site}/{finding_page(f.id)}" if site else "",
            )
            for f in matching(session, wanted)
        ]
    if fmt == "jsonl":
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        sys.stdout.write(csv_text(records))
    else:
        write_rows([flat(r) for r in records], COLUMNS, fmt, table_columns=TABLE_COLUMNS, width=60)
