"""`vigie analyze`: the database's pending documents, or files and folders given as paths."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

from storage.filetypes import READABLE_SUFFIXES
from vigie.cli.context import App, pass_app
from vigie.cli.output import write_rows

COLUMNS = (
    "path",
    "kind",
    "category",
    "vendor",
    "matched",
    "page",
    "start",
    "end",
    "snippet",
    "score",
    "language",
    "lexicon_version",
    "details",
)


def iter_files(paths: tuple[str, ...]) -> Iterator[Path]:
    """The files named, and the .pdf/.html/.txt files under the folders named, in a stable order."""
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READABLE_SUFFIXES)
        elif path.exists():
            yield path
        else:
            raise click.BadParameter(f"{name}: no such file or folder", param_hint="PATH")


@click.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "table"]),
    default="jsonl",
    show_default=True,
    help="Output of the analysis of PATHs.",
)
@click.option(
    "--language",
    type=click.Choice(["auto", "fr", "en", "de"]),
    default="auto",
    show_default=True,
    help="Language of the files given as PATHs (auto: guessed from each file's text).",
)
@click.option(
    "--reanalyse",
    is_flag=True,
    help="Also analyse again the stored text of documents analysed with another lexicon version "
    "(no download); hits found before are kept and never alerted again.",
)
@click.option("--limit", type=int, default=None, help="At most this many documents (database mode).")
@pass_app
def analyze(app: App, paths: tuple[str, ...], fmt: str, language: str, reanalyse: bool, limit: int | None) -> None:
    """Analyse pending documents; with PATHs, analyse those files (.pdf, .html, .txt) without a database.

    With PATHs, prints one row per hit (JSON lines by default, with path, kind, category, vendor,
    matched, page, start, end, snippet, score); a file that cannot be read is reported on standard
    error and the others are still analysed (exit status 1).
    """
    if paths:
        sys.exit(_analyse_paths(app, paths, fmt, language))
    from nlp.stage import reanalyse_stale
    from storage.untrusted import without_controls
    from vigie.jobs import analyse_documents

    summary = analyse_documents(app.config, app.db, limit)
    click.echo(
        f"Analysed {summary.documents} document(s), {summary.pages} page(s): "
        f"{summary.new_hits} new hit(s), {summary.failed} failed"
    )
    for error in summary.errors:
        click.echo(f"  {without_controls(error, keep='')}", err=True)
    if reanalyse:
        again = reanalyse_stale(app.db, limit=limit)
        click.echo(f"Re-analysed {again.documents} document(s) with the current lexicon: {again.new_hits} new hit(s)")


def _analyse_paths(app: App, paths: tuple[str, ...], fmt: str, language: str) -> int:
    from nlp.analyze import Analyzer
    from nlp.extract import ExtractionError
    from nlp.language import INSIST, document_language
    from nlp.sandbox import Job, Sandbox
    from vigie.jobs import extraction_limits

    chosen = None if language == "auto" else language
    files = list(iter_files(paths))
    failed = 0

    def rows(sandbox: Sandbox):
        nonlocal failed
        outcomes = sandbox.extract_all([Job(str(path), None, path.name, chosen) for path in files])
        for path, extraction in zip(files, outcomes):
            if isinstance(extraction, ExtractionError):
                click.echo(f"{path}: {extraction}", err=True)
                failed += 1
                continue
            # A language given here is the reader's decision, not a default: the text does not override it.
            lang = document_language(extraction.pages, None if chosen is None else INSIST + chosen)
            for finding in Analyzer.for_language(lang).analyze(extraction.pages):
                yield {"path": str(path), "language": lang, **finding.as_dict()}

    with Sandbox(extraction_limits(app.config)) as sandbox:
        write_rows(
            rows(sandbox),
            COLUMNS,
            fmt,
            table_columns=("path", "page", "category", "vendor", "matched", "score", "snippet"),
        )
    return 1 if failed else 0
