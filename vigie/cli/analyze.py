"""`vigie analyze`: the database's pending documents, or files and folders given as paths."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from vigie.cli.context import App, pass_app

SUFFIXES = (".pdf", ".html", ".htm", ".txt")


def iter_files(paths: tuple[str, ...]):
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        elif path.exists():
            yield path
        else:
            raise click.BadParameter(f"{name}: no such file or folder", param_hint="PATH")


@click.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True,
              help="Output of the analysis of PATHs.")
@click.option("--language", default="fr", show_default=True, help="Language of the files given as PATHs.")
@pass_app
def analyze(app: App, paths: tuple[str, ...], fmt: str, language: str) -> None:
    """Analyse pending documents; with PATHs, analyse those files (.pdf, .html, .txt) without a database.

    With PATHs, prints one JSON object per hit and per line; a file that cannot be read is
    reported on standard error and the others are still analysed (exit status 1).
    """
    if not paths:
        from nlp.stage import analyse_pending

        summary = analyse_pending(app.db, app.config.data_path)
        click.echo(f"Analysed {summary.documents} document(s), {summary.pages} page(s): "
                   f"{summary.new_hits} new hit(s), {summary.failed} failed")
        for error in summary.errors:
            click.echo(f"  {error}", err=True)
        return
    from nlp.analyze import Analyzer
    from nlp.extract import ExtractionError, extract

    analyzer = Analyzer.for_language(language)
    failed = 0
    for path in iter_files(paths):
        try:
            extraction = extract(path.read_bytes(), None, path.name)
        except (ExtractionError, OSError) as exc:
            click.echo(f"{path}: {exc}", err=True)
            failed += 1
            continue
        for finding in analyzer.analyze(extraction.pages):
            row = {"path": str(path), **finding.as_dict()}
            if fmt == "jsonl":
                click.echo(json.dumps(row, ensure_ascii=False))
            else:
                click.echo(f"{path}:{finding.page}  {finding.category:<22} {finding.vendor or '':<12} {finding.matched}")
    sys.exit(1 if failed else 0)
