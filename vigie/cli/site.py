"""`vigie site build`: the public site, its Atom feeds and its calendars, as static files."""

from __future__ import annotations

from pathlib import Path

import click

from notify import LANGUAGES
from notify.sanitize import safe_href
from vigie.cli.context import App, fail_config, pass_app


@click.group()
def site() -> None:
    """The public site: pages, Atom feeds and iCalendar files for any static host."""


@site.command()
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Folder to build into. Default: <data folder>/site."
)
@click.option("--language", type=click.Choice(LANGUAGES), default="fr", show_default=True, help="Language of the site.")
@click.option("--site-url", help="Public URL of the site (default: VIGIE_SITE_URL); feeds then carry absolute links.")
@pass_app
def build(app: App, out: Path | None, language: str, site_url: str | None) -> None:
    """Build (or update) the site from the database; unchanged files are left as they are."""
    from notify.site.build import SiteOptions, build_site
    from notify.site.writer import SiteFolderError

    site_url = app.config.site_url if site_url is None else site_url
    if site_url and not safe_href(site_url):
        fail_config(f"the site URL {site_url!r} is not an http(s) URL: fix --site-url or VIGIE_SITE_URL")
    options = SiteOptions(
        out=out or app.config.data_path / "site",
        language=language,
        site_url=site_url,
        public_url=app.config.public_url,
        timezone=app.config.alert_timezone,
        templates_dir=app.config.templates_dir,
    )
    try:
        summary = build_site(app.db, options)
    except SiteFolderError as exc:
        fail_config(str(exc))
    click.echo(
        f"Site built in {summary.out}: {summary.councils} council(s), {summary.findings} finding(s), "
        f"{summary.documents} document(s), {summary.hits} hit(s); {summary.written} file(s) written, {summary.unchanged} unchanged, "
        f"{summary.removed} removed in {summary.seconds:.1f} s"
    )
