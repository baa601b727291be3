"""`vigie run` and `vigie crawl`."""

from __future__ import annotations

import sys

import click

from spiders.registry import PLATFORMS, RegistryError, SourceSpec, parse_entry
from vigie.cli.context import App, fail_config, pass_app, registry_or_exit
from vigie.jobs import analyse_and_alert, crawl_sources, finish_run


def _print_summary(summary) -> None:
    for line in summary.lines():
        click.echo(line)


@click.command()
@pass_app
def run(app: App) -> None:
    """Crawl every enabled source, analyse new documents, send alerts.

    Exit status: 0 when all went well, 1 when some source failed (the others were still
    done), 2 on a configuration error.
    """
    registry = registry_or_exit(app)
    specs = [s for s in registry.values() if s.enabled]
    summary = crawl_sources(app.config, app.db, specs, "run")
    analyse_and_alert(app.config, app.db, summary)
    finish_run(app.db, summary)
    _print_summary(summary)
    sys.exit(summary.exit_code)


@click.command()
@click.argument("source_ids", nargs=-1)
@click.option("--platform", type=click.Choice([p for p in PLATFORMS if p != "local"]),
              help="Platform of a source given on the command line (with --url and --source).")
@click.option("--url", help="Start URL of a source given on the command line.")
@click.option("--source", "source_id", help="Id of the source given on the command line.")
@click.option("--name", help="Name of the source given on the command line (default: its id).")
@click.option("--language", default="fr", show_default=True, help="Language of its documents.")
@click.option("--country", default="FR", show_default=True, help="Its country (ISO 3166 alpha-2).")
@pass_app
def crawl(app: App, source_ids: tuple[str, ...], platform, url, source_id, name, language, country) -> None:
    """Crawl sources of the registry (all enabled ones when none is named), or one given by --url.

    Documents are stored, not analysed: run `vigie analyze` next, or use `vigie run`.
    """
    if url or platform or source_id:
        if not (url and platform and source_id):
            fail_config("--platform, --url and --source go together")
        if source_ids:
            fail_config("give either source ids or --platform/--url/--source, not both")
        try:
            specs = [parse_entry({"id": source_id, "name": name or source_id, "country": country,
                                  "platform": platform, "url": url, "language": language},
                                 origin="command-line")]
        except RegistryError as exc:
            fail_config(str(exc))
    else:
        registry = registry_or_exit(app)
        unknown = [s for s in source_ids if s not in registry]
        if unknown:
            fail_config(f"unknown source(s) {', '.join(unknown)}; see `vigie sources`")
        specs = [registry[s] for s in source_ids] if source_ids else [s for s in registry.values() if s.enabled]
    summary = crawl_sources(app.config, app.db, specs, "crawl")
    finish_run(app.db, summary)
    _print_summary(summary)
    sys.exit(summary.exit_code)
