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
        value = app.config.values[s.key]
        if s.key == "admin_url" and value:
            value = "(set, hidden)"
        click.echo(f"{s.env:<36} {value}")
