"""`vigie sources` (coverage and health) and `vigie source new|record|check` (the maintainer's workflow)."""

from __future__ import annotations

import collections
import datetime as dt
import json
import shutil
import sys
from pathlib import Path

import click

from spiders.registry import PLATFORMS, RegistryError
from vigie.cli.context import App, fail_config, pass_app, registry_or_exit
from vigie.cli.output import FORMATS, write_rows
from vigie.cli.discover import coverage, coverage_line, discover
from vigie.cli.verify import verify

HEALTH_COLUMNS = ("id", "platform", "country", "status", "verified", "enabled", "last_result", "last_run", "documents",
                  "last_new", "blocked", "flag", "error", "name", "url")
TABLE_COLUMNS = ("id", "platform", "country", "status", "last_result", "last_run", "documents", "last_new", "blocked",
                 "flag")


@click.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--flagged", is_flag=True, help="Only the sources that need a maintainer.")
@click.pass_context
@pass_app
def sources(app: App, ctx: click.Context, fmt: str, flagged: bool) -> None:
    """Every source of the registry with its platform, status and last result.

    `status`: enabled, disabled, unverified (kept disabled until checked), no channel (no URL
    known yet). `blocked`: pages and documents its robots.txt forbade in the last crawl (ask the
    council, or request the documents). `flag` says what needs a maintainer: failing (last crawl failed), empty (it found nothing),
    silent (nothing new for longer than the source's usual publication interval), never crawled.
    """
    from spiders.health import source_health

    if ctx.invoked_subcommand:
        return
    registry = registry_or_exit(app)
    health = source_health(app.db, sorted(registry.values(), key=lambda s: (s.country, s.id)))
    rows = [h.as_row() for h in health if h.flag or not flagged]
    write_rows(rows, HEALTH_COLUMNS, fmt, table_columns=TABLE_COLUMNS, width=40)
    if fmt == "table":
        flags = collections.Counter(h.flag for h in health if h.flag)
        enabled = sum(1 for h in health if h.spec.enabled)
        click.echo(f"{len(health)} source(s), {enabled} enabled, {sum(h.spec.verified for h in health)} verified"
                   + "".join(f", {n} {flag}" for flag, n in sorted(flags.items())))
        click.echo(coverage_line(registry.values()))


@click.group()
def source() -> None:
    """Add, record and check a source (see CONTRIBUTING.md)."""


def _crawlable_spec(app: App, source_id: str):
    """The registry entry to crawl live, or exit 2 when there is none or it has no URL."""
    registry = registry_or_exit(app)
    if source_id not in registry:
        fail_config(f"unknown source {source_id!r}; see `vigie sources`")
    spec = registry[source_id]
    if not spec.url:
        fail_config(f"{source_id} has no url yet: its publication channel is unknown ({spec.path})")
    return spec


@source.command()
@click.argument("source_id")
@click.option("--pages", default=10, show_default=True, help="Responses to read at most.")
@click.option("--documents", default=3, show_default=True, help="Documents to download at most.")
@pass_app
def check(app: App, source_id: str, pages: int, documents: int) -> None:
    """Crawl a few pages of a source live and report what it found (into a scratch database).

    Exit status 0 when documents were found, 1 otherwise.
    """
    from vigie.sampling import sample_crawl

    spec = _crawlable_spec(app, source_id)
    sample = sample_crawl(app.config, spec, pages, documents)
    _report(spec, sample)
    sys.exit(0 if sample.documents and sample.status != "failed" else 1)


def _report(spec, sample) -> None:
    docs = sample.documents
    click.echo(f"{spec.id} ({spec.platform}) {spec.url}")
    click.echo(f"Crawl: {sample.status} ({sample.finish_reason})" + (f": {sample.error}" if sample.error else ""))
    kinds = collections.Counter(d.kind for d in docs)
    click.echo(f"Documents found: {len(docs)}" + (" (" + ", ".join(f"{n} {k}" for k, n in kinds.most_common()) + ")"
                                                   if docs else ""))
    dates = sorted(d.meeting_date for d in docs if d.meeting_date)
    if dates:
        ahead = [d for d in dates if d >= dt.date.today()]
        click.echo(f"Meeting dates: {dates[0]} to {dates[-1]}" + (f"; next meeting ahead: {ahead[0]}" if ahead else ""))
    click.echo(f"Without a meeting date: {sum(1 for d in docs if not d.meeting_date)}")
    rows = [{"kind": d.kind, "meeting_date": d.meeting_date, "status": d.status, "title": d.title,
             "url": d.url, "error": d.error} for d in docs[:20]]
    write_rows(rows, ("kind", "meeting_date", "status", "title", "url", "error"), "table",
               table_columns=("kind", "meeting_date", "status", "title", "url"), width=50)


def _record(app: App, spec, fixtures_dir: Path, pages: int, documents: int, command: str):
    """Record the source's live pages into ``<fixtures_dir>/<id>/`` (replacing what was there)."""
    from spiders.recorder import INDEX
    from vigie.sampling import sample_crawl
    from spiders.scaffold import write_fixture_readme

    folder = Path(fixtures_dir) / spec.id
    if folder.exists():
        shutil.rmtree(folder)
    sample = sample_crawl(app.config, spec, pages, documents, record_dir=folder)
    if not (folder / INDEX).exists():
        click.secho(f"Nothing recorded for {spec.id}: {sample.error or sample.status}", fg="red", err=True)
        sys.exit(1)
    count = len(json.loads((folder / INDEX).read_text(encoding="utf-8"))["responses"])
    write_fixture_readme(folder, spec.id, command, count, sample.finish_reason or "?")
    click.echo(f"Recorded {count} response(s) of {spec.id} in {folder} "
               f"({len(sample.documents)} document(s) found, crawl {sample.status})")
    return sample


@source.command()
@click.argument("source_id")
@click.option("--pages", default=20, show_default=True, help="Responses to record at most.")
@click.option("--documents", default=2, show_default=True, help="Documents to download and record at most.")
@click.option("--fixtures-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where fixtures live (default: tests/fixtures/sources of this checkout).")
@pass_app
def record(app: App, source_id: str, pages: int, documents: int, fixtures_dir: Path | None) -> None:
    """Re-record a source's fixtures from the live site (then run its test and review it)."""
    from spiders.scaffold import FIXTURES_DIR

    spec = _crawlable_spec(app, source_id)
    _record(app, spec, fixtures_dir or FIXTURES_DIR, pages, documents, "record")


@source.command()
@click.argument("source_id")
@click.option("--platform", type=click.Choice(PLATFORMS), required=True)
@click.option("--url", required=True, help="What a user would copy: the listing page, CSV file, dataset or API URL.")
@click.option("--name", required=True, help="Official name of the body, e.g. \"Ville de Rennes\".")
@click.option("--country", default="FR", show_default=True)
@click.option("--language", default="fr", show_default=True)
@click.option("--timezone", default="Europe/Paris", show_default=True)
@click.option("--interval", default=60, show_default=True, help="Usual days between two publications.")
@click.option("--established", default="Assumed: added with `vigie source new`; the page structure was not "
              "yet checked against the live site.", help="How the channel was found, and from where.")
@click.option("--registry-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--fixtures-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--tests-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--no-record", is_flag=True, help="Do not record the live pages now (offline).")
@pass_app
def new(app: App, source_id, platform, url, name, country, language, timezone, interval, established,
        registry_dir, fixtures_dir, tests_dir, no_record) -> None:
    """Write a registry entry, record its pages as a fixture and write its (failing) test."""
    from spiders import scaffold

    values = {"id": source_id, "name": name, "country": country.upper(), "platform": platform, "url": url,
              "language": language, "timezone": timezone, "interval": interval, "established": established}
    tests_dir = tests_dir or scaffold.TESTS_DIR
    # Checked before anything is written: a test left from an earlier attempt would otherwise
    # stop the command after the entry is written, and the entry would stop the next attempt.
    if scaffold.test_path(tests_dir, source_id).exists():
        fail_config(f"{scaffold.test_path(tests_dir, source_id)} already exists: remove it, or choose another id")
    try:
        spec = scaffold.write_entry(registry_dir or scaffold.REGISTRY_DIR, values)
        test = scaffold.write_test(tests_dir, source_id)
    except (RegistryError, FileExistsError) as exc:
        fail_config(str(exc))
    click.echo(f"Registry entry: {spec.path}")
    click.echo(f"Test (fails until you write its assertions): {test}")
    if not no_record:
        _record(app, spec, fixtures_dir or scaffold.FIXTURES_DIR, 20, 2, "new")
    click.echo(f"Next: `vigie source check {source_id}`, then edit the test and the entry "
               "(verified, enabled, established); see CONTRIBUTING.md.")


# The registry's own commands live in modules of their own (vigie/cli/verify.py, …).
for command in (verify, discover, coverage):
    sources.add_command(command)
