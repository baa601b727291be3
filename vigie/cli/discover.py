"""`vigie sources discover` (candidate sources for every commune) and `vigie sources coverage`."""

from __future__ import annotations

from pathlib import Path

import click

from vigie.cli.context import App, fail_config, pass_app, registry_or_exit
from vigie.cli.output import FORMATS, write_rows

COVERAGE_COLUMNS = ("departement", "communes", "enabled", "candidate", "nothing")


def _communes(path: Path | None):
    from spiders.communes import load_communes

    try:
        return load_communes(path)
    except ValueError as exc:
        fail_config(str(exc))


@click.command()
@click.option(
    "--annuaire",
    "annuaire",
    required=True,
    metavar="FILE_OR_URL",
    help="The Annuaire de l'administration's export: its data.gouv.fr .tar.bz2 or .json, or the "
    "JSON export of its API (api-lannuaire.service-public.fr).",
)
@click.option("--departement", help="Only the communes of this département (01, 2A, 971…).")
@click.option(
    "--min-population", default=3500, show_default=True, help="Only communes of this many inhabitants or more."
)
@click.option(
    "--populations",
    type=click.Path(dir_okay=False, path_type=Path),
    help="INSEE legal populations: decoupage-administratif's communes.json, or a CSV like the bundled "
    "one (communes of 3,500+ inhabitants, used by default).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the candidate entries (default: <data dir>/sources); add it to VIGIE_SOURCES_DIRS.",
)
@pass_app
def discover(
    app: App, annuaire: str, departement: str | None, min_population: int, populations: Path | None, out: Path | None
) -> None:
    """Write a candidate source for each commune that has none, from its site in the Annuaire.

    A commune whose site is on a known platform gets that platform; the others get the generic
    spider at their home page. Candidates stay disabled until `vigie sources verify` passes. Files
    already there are kept as they are: running it again changes nothing.
    """
    from spiders.annuaire import town_halls
    from spiders.discovery import discover as write_candidates

    out = out or app.config.data_path / "sources"
    communes = _communes(populations)
    try:
        halls = list(town_halls(annuaire))
    except (OSError, ValueError) as exc:
        fail_config(f"--annuaire: {exc}")
    result = write_candidates(halls, communes, registry_or_exit(app).values(), out, min_population, departement)
    click.echo(
        f"{len(result.written)} candidate(s) written, {len(result.kept)} already there, {result.covered} "
        f"commune(s) already in the registry, {len(result.without_site)} without a site in the Annuaire."
    )
    for commune in result.without_site[:20]:
        click.echo(f"  no site: {commune.insee} {commune.name} ({commune.population} inhabitants)")
    click.echo(f"Candidates are in {out}/fr: add {out} to VIGIE_SOURCES_DIRS, then `vigie sources verify --all`.")


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--min-population", default=3500, show_default=True)
@click.option("--populations", type=click.Path(dir_okay=False, path_type=Path), help="As for discover.")
@pass_app
def coverage(app: App, fmt: str, min_population: int, populations: Path | None) -> None:
    """Per département and in total: communes of 3,500+ inhabitants with an enabled source, with
    only a candidate (disabled or unverified entry), or with nothing."""
    from spiders.communes import coverage as count

    rows = count(_communes(populations), registry_or_exit(app).values(), min_population)
    write_rows(rows, COVERAGE_COLUMNS, fmt)


def coverage_line(registry) -> str:
    """One line for `vigie sources`: the national coverage of the communes that must publish online."""
    from spiders.communes import coverage as count
    from spiders.communes import load_communes

    total = count(load_communes(), registry)[-1]
    return (
        f"Communes of 3,500+ inhabitants: {total['communes']}, {total['enabled']} with an enabled source, "
        f"{total['candidate']} with a candidate, {total['nothing']} with nothing (`vigie sources coverage`)."
    )
