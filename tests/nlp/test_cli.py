"""`vigie analyze PATH…` without a database, and `vigie eval`."""

from __future__ import annotations

import json

from tests.crawl.pdfs import corrupted_pdf, make_pdf
from tests.nlp.conftest import FIXTURES
from tests.support.office import make_docx

KEYS = {"path", "kind", "category", "vendor", "matched", "page", "start", "end", "snippet", "score"}


def _rows(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_analyze_files_and_folders_as_json_lines(cli, tmp_path) -> None:
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "agenda.txt").write_text("Ordre du jour\n1. Déploiement de caméras-piétons", encoding="utf-8")
    (folder / "sub" / "delib.pdf").write_bytes(make_pdf("Le conseil approuve\nl'extension de la vidéoprotection."))
    (folder / "page.html").write_text(
        "<html><body><p>Contract with <b>Flock Safety</b> for license plate readers.</p></body></html>",
        encoding="utf-8",
    )
    (folder / "sub" / "pv.docx").write_bytes(make_docx("Procès-verbal", "Déploiement de caméras-piétons."))
    (folder / "photo.jpg").write_bytes(b"ignored")
    result = cli("analyze", str(folder), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = _rows(result.output)
    assert all(KEYS <= set(row) for row in rows)
    assert {(row["path"].rsplit("/", 1)[-1], row["category"], row["vendor"]) for row in rows} == {
        ("agenda.txt", "body_cameras", None),
        ("delib.pdf", "video_surveillance", None),
        ("pv.docx", "body_cameras", None),
        ("page.html", "plate_recognition", None),
        ("page.html", "plate_recognition", "Flock Safety"),
    }
    html = next(row for row in rows if row["vendor"])
    assert html["language"] == "en" and html["kind"] == "vendor" and html["page"] == 1


def test_an_unreadable_file_is_reported_and_the_others_analysed(cli, tmp_path) -> None:
    (tmp_path / "broken.pdf").write_bytes(corrupted_pdf())
    (tmp_path / "good.txt").write_text("Extension de la vidéoprotection.", encoding="utf-8")
    result = cli("analyze", str(tmp_path / "broken.pdf"), str(tmp_path / "good.txt"))
    assert result.exit_code == 1
    assert "broken.pdf: corrupted PDF" in result.stderr
    assert [row["matched"] for row in _rows(result.stdout)] == ["vidéoprotection"]


def test_a_real_deliberation_without_surveillance_gives_no_hit(cli) -> None:
    result = cli("analyze", str(FIXTURES / "pdf" / "bourg-en-bresse-deliberation-2016-02-01-n2016.02.16.pdf"))
    assert result.exit_code == 0 and result.stdout == ""


def test_eval_prints_precision_recall_and_f1_beside_the_baseline(cli) -> None:
    result = cli("eval", "--split", "dev")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Split dev: ")
    assert any(line.startswith("video_surveillance") for line in lines)
    assert any(line.startswith("vendors") for line in lines)
    micro = next(line for line in lines if line.startswith("micro"))
    assert len(micro.split()) == 10  # label (2 words), support, P/R/F1 of Vigie, P/R/F1 of the baseline


def test_analyze_the_pending_documents_then_reanalyse_stale_ones(cli, tmp_path) -> None:
    path = tmp_path / "pv.txt"
    path.write_text("Le conseil approuve l'extension de la vidéoprotection.\nAdopté à l'unanimité.", encoding="utf-8")
    assert cli("ingest", str(path), "--source", "archives-locales").exit_code == 0
    first = cli("analyze")
    assert first.exit_code == 0 and "Analysed 1 document(s), 1 page(s): 1 new hit(s), 0 failed" in first.output
    again = cli("analyze", "--reanalyse")
    assert "Analysed 0 document(s)" in again.output
    assert "Re-analysed 0 document(s) with the current lexicon: 0 new hit(s)" in again.output


def test_eval_offers_every_split_of_the_evaluation_and_both() -> None:
    from nlp.evaluation import SPLITS
    from vigie.cli.eval import SPLIT_CHOICES

    assert SPLIT_CHOICES == (*SPLITS, "both")
