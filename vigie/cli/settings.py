"""`vigie settings`: every setting, its value and its meaning."""

from __future__ import annotations

import click

from vigie.cli.context import App, pass_app
from vigie.settings import SETTINGS, markdown_table


@click.command()
@click.option("--markdown", is_flag=True, help="Print the documentation table (docs/settings.md).")
@pass_app
def settings(app: App, markdown: bool) -> None:
    """Show the settings in effect (secrets masked) or their documentation."""
    if markdown:
        click.echo(markdown_table(), nl=False)
        return
    for s in SETTINGS:
        click.echo(f"{s.env:<36} {_shown(s.key, app.config.value(s.key))}")


def _shown(key: str, value: object) -> object:
    """A setting's value as it may be printed: without the secrets of the admin and database URLs."""
    if key == "admin_url" and value:
        return "(set, hidden)"
    if key == "database_url" and value:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            return make_url(str(value)).render_as_string(hide_password=True)
        except ArgumentError:
            return "(set, not a valid SQLAlchemy URL)"
    return "auto" if value is None else value
