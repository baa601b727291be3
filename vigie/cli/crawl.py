"""`vigie run` and `vigie crawl`."""

from __future__ import annotations

import sys
from contextlib import nullcontext

import click

from spiders.registry import PLATFORMS, RegistryError, parse_entry
from vigie.cli.context import App, fail_config, pass_app, registry_or_exit


def _print_summary(summary) -> None:
    from storage.untrusted import without_controls

    for line in summary.lines():
        click.echo(without_controls(line, keep=""))  # errors may quote what a server sent


def distributed_options(command):
    """``--distributed REDIS_URL`` and ``--redis-prefix``: crawl as one of several crawler processes."""
    command = click.option(
        "--redis-prefix",
        default="vigie",
        show_default=True,
        help="Prefix of the Redis keys of the shared crawl (one per Vigie instance).",
    )(command)
    return click.option(
        "--distributed",
        "redis_url",
        metavar="REDIS_URL",
        help="Share the crawl with the crawler processes using this Redis server "
        "(redis://host:6379/0); see docs/operations.md.",
    )(command)


def crawl_overrides(redis_url: str | None, prefix: str) -> dict | None:
    if not redis_url:
        return None
    try:
        from spiders.distributed import distributed_settings, redis_problem
    except ModuleNotFoundError as exc:
        if exc.name not in ("scrapy_redis", "redis"):
            raise
        fail_config(f"--distributed needs {exc.name}, an extra: .venv/bin/pip install -e '.[distributed]'")

    problem = redis_problem(redis_url)
    if problem:
        fail_config(f"--distributed: {problem}")
    return distributed_settings(redis_url, prefix)


@click.command()
@distributed_options
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Analysis processes working while the crawl goes on (default: the setting analysis_workers, "
    "one per core; 0: analyse after the crawl, in this process; see docs/operations.md).",
)
@pass_app
def run(app: App, redis_url: str | None, redis_prefix: str, workers: int | None) -> None:
    """Crawl every enabled source, analyse new documents, send alerts.

    Exit status: 0 when all went well, 1 when some source failed (the others were still
    done), 2 on a configuration error, 3 when another run was in progress (nothing done).
    With --distributed, this machine crawls with the others, then analyses and alerts.
    """
    from vigie.jobs import run_job
    from vigie.lock import exclusive_run

    registry = registry_or_exit(app)
    specs = [s for s in registry.values() if s.enabled]
    overrides = crawl_overrides(redis_url, redis_prefix)
    with exclusive_run(app.db, "run"):
        summary = run_job(app.config, app.db, specs, "run", overrides, workers)
    _print_summary(summary)
    sys.exit(summary.exit_code)


@click.command()
@click.argument("source_ids", nargs=-1)
@click.option(
    "--platform",
    type=click.Choice(PLATFORMS),
    help="Platform of a source given on the command line (with --url and --source).",
)
@click.option("--url", help="Start URL of a source given on the command line.")
@click.option("--source", "source_id", help="Id of the source given on the command line.")
@click.option("--name", help="Name of the source given on the command line (default: its id).")
@click.option(
    "--language",
    help="Usual language of its documents (default: the platform's: oparl de, legistar en, "
    "others fr); each document's is checked from its text, unless written =LANG.",
)
@click.option("--country", default="FR", show_default=True, help="Its country (ISO 3166 alpha-2).")
@click.option(
    "--resume",
    is_flag=True,
    help="Keep each source's pending requests under <data>/jobs/ so that an interrupted crawl goes on "
    "where it stopped (Scrapy JOBDIR); removed once a source's crawl finishes.",
)
@click.option("--full", is_flag=True, help="Ask APIs for everything, not only what changed since the last crawl.")
@distributed_options
@pass_app
def crawl(
    app: App,
    source_ids: tuple[str, ...],
    platform,
    url,
    source_id,
    name,
    language,
    country,
    resume,
    full,
    redis_url,
    redis_prefix,
) -> None:
    """Crawl sources of the registry (all enabled ones when none is named), or one given by --url.

    Documents are stored, not analysed: run `vigie analyze` next, or use `vigie run`.
    Distributed crawlers (--distributed) run side by side; other crawls take the run lock.
    """
    from vigie.jobs import crawl_sources, finish_run
    from vigie.lock import exclusive_run

    if url or platform or source_id:
        if not (url and platform and source_id):
            fail_config("--platform, --url and --source go together")
        if source_ids:
            fail_config("give either source ids or --platform/--url/--source, not both")
        try:
            from spiders.platforms import platform_language

            specs = [
                parse_entry(
                    {
                        "id": source_id,
                        "name": name or source_id,
                        "country": country,
                        "platform": platform,
                        "url": url,
                        "language": language or platform_language(platform),
                    },
                    origin="command-line",
                )
            ]
        except RegistryError as exc:
            fail_config(str(exc))
    else:
        registry = registry_or_exit(app)
        unknown = [s for s in source_ids if s not in registry]
        if unknown:
            fail_config(f"unknown source(s) {', '.join(unknown)}; see `vigie sources`")
        specs = [registry[s] for s in source_ids] if source_ids else [s for s in registry.values() if s.enabled]
    overrides = crawl_overrides(redis_url, redis_prefix)
    with nullcontext() if overrides else exclusive_run(app.db, "crawl"):
        summary = crawl_sources(
            app.config,
            app.db,
            specs,
            "crawl",
            {**(overrides or {}), "VIGIE_RESUME": resume, "VIGIE_INCREMENTAL": not full},
        )
        finish_run(app.db, summary)
    _print_summary(summary)
    sys.exit(summary.exit_code)
