"""`vigie sources verify`: check unverified sources live, and enable those that answer."""

from __future__ import annotations

import sys

import click

from vigie.cli.context import App, fail_config, pass_app, registry_or_exit
from vigie.cli.output import printable


@click.command()
@click.argument("source_ids", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every unverified source that has a URL.")
@click.option("--pages", default=10, show_default=True, help="Responses to read at most, per source.")
@click.option("--documents", default=3, show_default=True, help="Documents to download at most, per source.")
@pass_app
def verify(app: App, source_ids: tuple[str, ...], every: bool, pages: int, documents: int) -> None:
    """Crawl a small sample of sources live and record what was seen in their registry files.

    An unverified source that gives documents is marked verified and enabled; one that does not
    stays disabled, with the reason in its `verification` field and what to do printed here. A
    verified source is only reported, never changed. Exit status 0 when every source checked works.
    """
    from spiders.registry import RegistryError
    from spiders.registry_write import update_entry
    from vigie.sampling import sample_crawls
    from spiders.verification import judge

    registry = registry_or_exit(app)
    if every == bool(source_ids):
        fail_config("name the sources to verify, or give --all (not both)")
    unknown = [s for s in source_ids if s not in registry]
    if unknown:
        fail_config(f"unknown source(s) {', '.join(unknown)}; see `vigie sources`")
    chosen = [registry[s] for s in source_ids] if source_ids else [s for s in registry.values() if not s.verified]
    for spec in [s for s in chosen if not s.url]:
        click.echo(f"- {spec.id}: no URL yet, nothing to check: find its channel and set url in {spec.path}")
    specs = [s for s in chosen if s.url]
    if not specs:
        click.echo("Nothing to verify.")
        return
    samples = sample_crawls(app.config, specs, pages, documents)
    working = 0
    for spec in specs:
        sample = samples[spec.id]
        outcome = judge(spec, sample.status, sample.error, [d.title for d in sample.documents])
        working += outcome.ok
        if spec.verified:
            state = "still works" if outcome.ok else f"FAILS: {outcome.record['error']}; {outcome.advice}"
            click.echo(f"= {spec.id}: verified already, {printable(state)} (entry unchanged)")
            continue
        changes = {"verified": True, "enabled": True} if outcome.ok else {}
        try:
            update_entry(spec, {**changes, "verification": outcome.record})
        except (RegistryError, OSError) as exc:
            click.secho(f"! {spec.id}: could not write {spec.path}: {exc}", fg="red", err=True)
            continue
        if outcome.ok:
            click.echo(f"+ {spec.id}: verified and enabled, {outcome.record['documents']} document(s), e.g. "
                       f"« {printable(outcome.record.get('sample_title', ''))} »")
        else:
            click.echo(f"- {spec.id}: stays disabled: {printable(outcome.record['error'])}. Next: {outcome.advice}")
    click.echo(f"{working} of {len(specs)} source(s) work.")
    sys.exit(0 if working == len(specs) else 1)
