"""`vigie eval`: precision, recall and F1 of the detector on the annotated set, beside a keyword baseline."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from nlp.evaluation import Counts, Passage, Report

# nlp.evaluation.SPLITS, and "both"; the evaluation is imported only when the command runs, not by every `vigie`.
SPLIT_CHOICES = ("dev", "heldout", "all", "both")


def _table(title: str, passages: list[Passage], ours: Report, baseline: Report) -> list[str]:
    languages = {}
    for p in passages:
        languages[p.language] = languages.get(p.language, 0) + 1
    hard = sum(1 for p in passages if p.type == "hard_negative")
    lines = [
        f"{title}: {len(passages)} passages ({', '.join(f'{k} {v}' for k, v in sorted(languages.items()))}; "
        f"{hard} hard negatives)",
        f"{'':24} {'':>7}  {'Vigie':^20}  {'keyword baseline':^20}",
        f"{'label':24} {'support':>7}  {'P':>6} {'R':>6} {'F1':>6}  {'P':>6} {'R':>6} {'F1':>6}",
    ]
    from nlp.evaluation import Counts

    rows = list(ours.rows) + [r for r in baseline.rows if r not in ours.rows]
    for row in rows:
        mine, base = ours.rows.get(row, Counts()), baseline.rows.get(row, Counts())
        if mine.support == 0 and mine.fp == 0 and base.fp == 0:
            continue
        lines.append(f"{row:24} {mine.support:>7}  {_metrics(mine)}  {_metrics(base)}")
    lines.append(
        f"{'micro (all labels)':24} {ours.micro.support:>7}  {_metrics(ours.micro)}  {_metrics(baseline.micro)}"
    )
    lines.append("(precision is '-' without any prediction, recall and F1 without any expected label)")
    return lines


def _metrics(counts: Counts) -> str:
    """P, R and F1, with '-' where they are undefined rather than a flattering 1.00."""
    precision = f"{counts.precision:6.2f}" if counts.tp + counts.fp else f"{'-':>6}"
    recall = f"{counts.recall:6.2f}" if counts.support else f"{'-':>6}"
    f1 = f"{counts.f1:6.2f}" if counts.support and counts.tp + counts.fp else f"{'-':>6}"
    return f"{precision} {recall} {f1}"


@click.command("eval")
@click.option(
    "--dataset",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Folder of annotated passages (default: tests/fixtures/nlp/devset).",
)
@click.option(
    "--split",
    type=click.Choice(SPLIT_CHOICES),
    default="both",
    show_default=True,
    help="dev: passages used for tuning; heldout: the quarter kept apart; all; both: dev, then heldout.",
)
@click.option(
    "--errors",
    is_flag=True,
    help="Also list false positives and negatives (of the dev split only, "
    "unless --split says otherwise: look at held-out errors only when done tuning).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def evaluate(dataset: str | None, split: str, errors: bool, fmt: str) -> None:
    """Measure the detector on the annotated development set (precision, recall, F1 per category and for
    vendors), beside a naive keyword baseline measured on the same passages."""
    from nlp.evaluation import DatasetError, detector_labels, load_dataset, score, select
    from nlp.evaluation.baseline import baseline_labels
    from nlp.lexicon import TAXONOMY

    try:
        passages = load_dataset(dataset) if dataset else load_dataset()
    except DatasetError as exc:
        raise click.ClickException(str(exc)) from None
    splits = ["dev", "heldout"] if split == "both" else [split]
    results = {}
    for name in splits:
        chosen = select(passages, name)
        results[name] = (chosen, score(chosen, detector_labels, TAXONOMY), score(chosen, baseline_labels, TAXONOMY))
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    name: {
                        "passages": len(chosen),
                        "micro": _counts(ours.micro),
                        "rows": {r: _counts(c) for r, c in ours.rows.items()},
                        "baseline_micro": _counts(base.micro),
                    }
                    for name, (chosen, ours, base) in results.items()
                },
                indent=2,
            )
        )
        return
    for name, (chosen, ours, base) in results.items():
        click.echo("\n".join(_table(f"Split {name}", chosen, ours, base)) + "\n")
        if errors and (name == "dev" or split == name):
            texts = {p.id: p for p in chosen}
            for passage_id, kind, label in ours.errors:
                snippet = " ".join(texts[passage_id].text.split())[:150]
                click.echo(f"  {kind} {label:24} {passage_id}: {snippet}")


def _counts(counts: Counts) -> dict:
    return {
        "tp": counts.tp,
        "fp": counts.fp,
        "fn": counts.fn,
        "precision": round(counts.precision, 4),
        "recall": round(counts.recall, 4),
        "f1": round(counts.f1, 4),
    }
