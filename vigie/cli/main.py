"""Entry point of the `vigie` command."""

from __future__ import annotations

import gc

import click

from vigie import __version__
from vigie.cli.alerts import notify
from vigie.cli.analyze import analyze
from vigie.cli.context import VigieGroup, make_app
from vigie.cli.crawl import crawl, run
from vigie.cli.demo import demo
from vigie.cli.eval import evaluate
from vigie.cli.findings import findings
from vigie.cli.ingest import ingest
from vigie.cli.listing import documents, hits
from vigie.cli.settings import settings
from vigie.cli.site import site
from vigie.cli.sources import source, sources
from vigie.cli.status import status
from vigie.cli.subscriptions import subscription
from vigie.cli.vendors import vendors


@click.group(cls=VigieGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More logging (-v: INFO, -vv: DEBUG).")
@click.version_option(__version__, prog_name="vigie")
@click.pass_context
def cli(ctx: click.Context, verbose: int) -> None:
    """Vigie watches city councils for surveillance technologies and alerts local groups.

    Configuration: environment variables VIGIE_* or a vigie.yaml file (see `vigie settings`).
    """
    ctx.obj = make_app(verbose)


for command in (
    run,
    crawl,
    analyze,
    ingest,
    notify,
    subscription,
    documents,
    hits,
    demo,
    settings,
    status,
    site,
    source,
    sources,
    evaluate,
    findings,
):
    cli.add_command(command)
cli.add_command(vendors)


def main() -> None:
    try:
        cli(prog_name="vigie")
    finally:
        # The command is over: what it allocated lives until the process ends. Frozen, it is not
        # scanned again by the collections of the interpreter's shutdown, which for SQLAlchemy's
        # objects alone took 0.1-0.2 s: a third of a scheduled run that finds nothing new.
        gc.freeze()
