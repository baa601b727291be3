"""The analysis stage over the database: batches, bad files, stored text, no hit twice, re-analysis."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys

import pytest
from sqlalchemy import select

from nlp import stage
from nlp.analyze import Analyzer
from storage.blobs import BlobStore
from storage.models import Document, Hit, Page, Source, utcnow
from tests.crawl.pdfs import corrupted_pdf, make_pdf
from tests.nlp.conftest import NEXT_VERSION_LINE, VERSION_LINE

DELIBERATION = (
    "Envoyé en préfecture le 09/02/2023\nReçu en préfecture le 09/02/2023\n"
    "ID : 013-211301106-20230201-2023_45-DE\n"
    "Délibération n° 2023-045\nOBJET : Extension de la vidéoprotection urbaine\n"
    "Le conseil autorise l'achat de 12 caméras-piétons pour 45 000 € HT.\nAdopté à l'unanimité."
)


def add_document(
    db, data_dir, name: str, data: bytes, media_type: str = "application/pdf", language: str = "fr"
) -> int:
    digest = BlobStore(data_dir / "files").put(data)
    with db.session() as session:
        if session.get(Source, "test") is None:
            session.add(
                Source(id="test", name="Ville de test", country="FR", platform="html", url="https://x.example/")
            )
            session.flush()
        doc = Document(
            source_id="test",
            url=f"https://x.example/{name}",
            content_hash=digest,
            media_type=media_type,
            language=language,
            status="pending",
        )
        session.add(doc)
        session.flush()
        return doc.id


def hits_of(db, doc_id: int) -> list[Hit]:
    with db.session() as session:
        return list(session.scalars(select(Hit).where(Hit.document_id == doc_id).order_by(Hit.id)))


@pytest.fixture
def analysed(db, data_dir) -> tuple[stage.AnalysisSummary, int]:
    """A pending deliberation, stamped by the prefecture, after one analysis: the summary and its id."""
    doc_id = add_document(db, data_dir, "delib.pdf", make_pdf(DELIBERATION))
    return stage.analyse_pending(db, data_dir), doc_id


def test_a_pending_document_is_analysed_with_the_current_lexicon(db, analysed) -> None:
    summary, doc_id = analysed
    assert (summary.documents, summary.failed, summary.pages, summary.new_hits) == (1, 0, 1, 2)
    with db.session() as session:
        doc = session.get(Document, doc_id)
        assert (doc.status, doc.claimed_by) == ("analysed", None)
        assert doc.lexicon_version == Analyzer.for_language("fr").lexicon_version


def test_the_stamp_becomes_metadata_and_leaves_the_stored_text(db, analysed) -> None:
    _, doc_id = analysed
    with db.session() as session:
        doc = session.get(Document, doc_id)
        page = session.scalars(select(Page).where(Page.document_id == doc_id)).one()
        assert doc.acte_id == "013-211301106-20230201-2023_45-DE"
        assert doc.extra["prefecture"] == {"sent": "2023-02-09", "received": "2023-02-09"}
        assert "préfecture" not in page.text


def test_the_vote_its_hits_agree_on_is_the_document_vote(db, analysed) -> None:
    _, doc_id = analysed
    with db.session() as session:
        assert session.get(Document, doc_id).votes == {"result": "adopted", "unanimous": True, "text": "à l'unanimité"}


def test_hits_quote_the_stored_page_text_at_their_offsets_with_their_amounts(db, analysed) -> None:
    _, doc_id = analysed
    with db.session() as session:
        page = session.scalars(select(Page).where(Page.document_id == doc_id)).one()
    hits = hits_of(db, doc_id)
    assert (
        [page.text[h.start : h.end] for h in hits]
        == [h.matched for h in hits]
        == ["vidéoprotection", "caméras-piétons"]
    )
    assert all(h.details["amounts"][0]["value"] == 45000.0 for h in hits)


def test_a_bad_file_fails_alone_with_its_reason(db, data_dir) -> None:
    bad = add_document(db, data_dir, "broken.pdf", corrupted_pdf())
    good = add_document(db, data_dir, "good.pdf", make_pdf(DELIBERATION))
    summary = stage.analyse_pending(db, data_dir, batch_size=1)
    assert (summary.documents, summary.failed) == (2, 1)
    with db.session() as session:
        assert session.get(Document, bad).status == "failed"
        assert "corrupted PDF" in session.get(Document, bad).error
        assert session.get(Document, good).status == "analysed"


def test_a_document_without_a_stored_file_fails_with_its_reason(db, data_dir) -> None:
    doc_id = add_document(db, data_dir, "gone.pdf", make_pdf(DELIBERATION))
    with db.session() as session:
        session.get(Document, doc_id).content_hash = None
    summary = stage.analyse_pending(db, data_dir)
    assert (summary.documents, summary.failed) == (1, 1)
    with db.session() as session:
        doc = session.get(Document, doc_id)
        assert (doc.status, doc.claimed_by) == ("failed", None) and "no stored file" in doc.error


def test_analysing_again_adds_no_hit(db, data_dir) -> None:
    doc_id = add_document(db, data_dir, "delib.pdf", make_pdf(DELIBERATION))
    stage.analyse_pending(db, data_dir)
    before = [(h.id, h.fingerprint) for h in hits_of(db, doc_id)]
    with db.session() as session:
        session.get(Document, doc_id).status = "pending"  # the file changed on the site, say
    assert stage.analyse_pending(db, data_dir).new_hits == 0
    assert [(h.id, h.fingerprint) for h in hits_of(db, doc_id)] == before


def edited_lexicon(folder, monkeypatch, file: str, old: str, new: str) -> dict[str, Analyzer]:
    """Analyzers built on the lexicon in ``folder`` with ``old`` replaced by ``new`` in ``file``, as version 99.0.0."""
    for name, before, after in [(file, old, new), ("meta.yaml", VERSION_LINE, NEXT_VERSION_LINE)]:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert before in text
        path.write_text(text.replace(before, after), encoding="utf-8")
    analyzers = {}
    monkeypatch.setattr(
        Analyzer, "for_language", lambda language: analyzers.setdefault(language, Analyzer(language, str(folder)))
    )
    return analyzers


@pytest.fixture
def new_lexicon(lexicon_copy, monkeypatch) -> dict[str, Analyzer]:
    """Analyzers built on an edited lexicon: "mâts de surveillance" becomes a video-surveillance term."""
    return edited_lexicon(
        lexicon_copy,
        monkeypatch,
        "categories/video_surveillance.yaml",
        "  fr: [vidéo-protection,",
        "  fr: [mât de surveillance, vidéo-protection,",
    )


def analysed_with_the_bundled_lexicon(db, data_dir) -> int:
    """A document analysed before the lexicon changed (``new_lexicon`` replaced the analyzers since)."""
    text = DELIBERATION + "\n\nDélibération n° 2023-046\nOBJET : Installation de mâts de surveillance au port."
    doc_id = add_document(db, data_dir, "delib.txt", text.encode(), "text/plain")
    original = Analyzer("fr")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Analyzer, "for_language", lambda language: original)
        stage.analyse_pending(db, data_dir)
    return doc_id


@pytest.mark.slow  # builds a second spaCy pipeline from an edited lexicon
def test_a_lexicon_change_reanalyses_stored_text_without_the_file(db, data_dir, new_lexicon) -> None:
    doc_id = analysed_with_the_bundled_lexicon(db, data_dir)
    before = {h.fingerprint: h.id for h in hits_of(db, doc_id)}
    for path in (data_dir / "files").rglob("*"):
        if path.is_file():
            path.unlink()  # no download, no extraction: the stored pages are enough

    summary = stage.reanalyse_stale(db)

    after = hits_of(db, doc_id)
    assert summary.documents == 1 and summary.new_hits == 1
    assert {h.fingerprint: h.id for h in after if h.fingerprint in before} == before  # same rows, no new alert
    [new] = [h for h in after if h.fingerprint not in before]
    assert new.matched == "mâts de surveillance" and new.lexicon_version.startswith("99.0.0+")
    with db.session() as session:
        assert session.get(Document, doc_id).lexicon_version == new_lexicon["fr"].lexicon_version
    assert stage.reanalyse_stale(db).documents == 0


@pytest.mark.slow  # builds a second spaCy pipeline from an edited lexicon
def test_a_hit_the_new_lexicon_no_longer_finds_is_kept_and_marked_retracted(
    db, data_dir, lexicon_copy, monkeypatch
) -> None:
    doc_id = analysed_with_the_bundled_lexicon(db, data_dir)
    edited = edited_lexicon(
        lexicon_copy, monkeypatch, "categories/body_cameras.yaml", "  fr: [caméra-piéton, caméras-piéton, ", "  fr: ["
    )
    before = {h.id: h.category for h in hits_of(db, doc_id)}

    stage.reanalyse_stale(db)

    after = {h.id: h for h in hits_of(db, doc_id) if h.id in before}
    assert after.keys() == before.keys()  # never deleted
    assert {h.category: h.retracted_by for h in after.values()} == {
        "video_surveillance": None,
        "body_cameras": edited["fr"].lexicon_version,
    }


@pytest.mark.slow  # builds a second spaCy pipeline from an edited lexicon
def test_a_document_being_reanalysed_is_not_taken_by_a_second_worker(db, data_dir, new_lexicon, monkeypatch) -> None:
    analysed_with_the_bundled_lexicon(db, data_dir)
    second_worker = []
    analyse_and_store = stage._analyse_and_store

    def while_the_first_worker_analyses(*args, **kwargs):
        monkeypatch.setattr(stage, "_analyse_and_store", analyse_and_store)  # the second worker's own
        second_worker.append(stage.reanalyse_stale(db))
        analyse_and_store(*args, **kwargs)

    monkeypatch.setattr(stage, "_analyse_and_store", while_the_first_worker_analyses)
    assert stage.reanalyse_stale(db).documents == 1
    assert [summary.documents for summary in second_worker] == [0]


def test_hits_stored_under_an_older_fingerprint_formula_are_recognised(db, data_dir) -> None:
    doc_id = add_document(db, data_dir, "delib.pdf", make_pdf(DELIBERATION))
    stage.analyse_pending(db, data_dir)
    with db.session() as session:
        for hit in session.scalars(select(Hit).where(Hit.document_id == doc_id)):
            hit.fingerprint = "formula-of-an-older-version-" + str(hit.id)
        session.get(Document, doc_id).status = "pending"
    assert stage.analyse_pending(db, data_dir).new_hits == 0
    assert all("not_found_by" not in h.details for h in hits_of(db, doc_id))


def test_two_workers_never_analyse_the_same_document(db, data_dir) -> None:
    """A worker claims its batch before working on it: a second worker gets the others."""
    ids = [add_document(db, data_dir, f"d{n}.pdf", make_pdf(f"Délibération {n}")) for n in range(3)]
    first = stage.claim_batch(db, "machine-a:1", 2)
    second = stage.claim_batch(db, "machine-b:2", 2)
    assert sorted(first + second) == sorted(ids) and not set(first) & set(second)
    with db.session() as session:
        claimed = {d.id: (d.status, d.claimed_by) for d in session.query(Document)}
    assert claimed[first[0]] == ("analysing", "machine-a:1")


def test_documents_of_a_worker_that_died_are_taken_back_after_the_lease(db, data_dir) -> None:
    doc_id = add_document(db, data_dir, "d.pdf", make_pdf(DELIBERATION))
    assert stage.claim_batch(db, "dead:1", 1) == [doc_id]
    assert stage.claim_batch(db, "alive:2", 1) == []
    with db.session() as session:
        session.get(Document, doc_id).claimed_at = utcnow() - stage.CLAIM_LEASE - dt.timedelta(minutes=1)
    assert stage.analyse_pending(db, data_dir).documents == 1


def stopped_worker() -> str:
    """The name a worker of this machine had, whose process has ended (killed, out of memory)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return f"{socket.gethostname()}:{process.pid}"


def test_documents_of_a_stopped_worker_of_this_machine_are_taken_back_at_once(db, data_dir) -> None:
    doc_id = add_document(db, data_dir, "d.pdf", make_pdf(DELIBERATION))
    assert stage.claim_batch(db, stopped_worker(), 32) == [doc_id]
    assert stage.pending_count(db) == 1  # not hidden until the lease ends
    [held] = stage.held_documents(db)
    assert (held.url, held.attempts, held.stopped) == ("https://x.example/d.pdf", 1, True)

    summary = stage.analyse_pending(db, data_dir)

    assert (summary.documents, summary.failed) == (1, 0)
    with db.session() as session:
        doc = session.get(Document, doc_id)
        assert (doc.status, doc.analysis_attempts) == ("analysed", 0)


def test_a_document_whose_worker_stopped_is_claimed_alone(db, data_dir) -> None:
    suspect = add_document(db, data_dir, "suspect.pdf", make_pdf(DELIBERATION))
    others = [add_document(db, data_dir, f"d{n}.pdf", make_pdf(f"Délibération {n}")) for n in range(3)]
    assert stage.claim_batch(db, stopped_worker(), 1) == [suspect]

    assert stage.claim_batch(
        db, "machine-a:1", 32, stage._to_analyse(utcnow(), stage.CLAIM_LEASE, stage.stopped_workers_of(db))
    ) == [suspect]
    assert stage.claim_batch(db, "machine-a:1", 32) == others


def test_a_document_that_stopped_its_worker_twice_is_failed_not_claimed_again(db, data_dir) -> None:
    killer = add_document(db, data_dir, "bombe.pdf", make_pdf(DELIBERATION))
    innocent = add_document(db, data_dir, "d.pdf", make_pdf("Délibération 2"))
    assert stage.claim_batch(db, stopped_worker(), 32) == [killer, innocent]  # both die with the worker
    assert stage.claim_batch(
        db, stopped_worker(), 32, stage._to_analyse(utcnow(), stage.CLAIM_LEASE, stage.stopped_workers_of(db))
    ) == [killer]

    summary = stage.analyse_pending(db, data_dir)

    with db.session() as session:
        doc = session.get(Document, killer)
        assert doc.status == "failed" and doc.error.startswith("analysis stopped: the worker died 2 times")
        assert session.get(Document, innocent).status == "analysed"
    assert (summary.documents, summary.failed) == (1, 1)


def test_the_last_documents_are_claimed_in_small_batches_that_workers_can_share(db, data_dir, monkeypatch) -> None:
    for number in range(40):
        add_document(db, data_dir, f"plain-{number}.txt", b"Compte rendu sans objet.", media_type="text/plain")
    sizes = []
    claim_batch = stage.claim_batch

    def recording(db, worker, size, to_do=None):
        sizes.append(size)
        return claim_batch(db, worker, size, to_do)

    monkeypatch.setattr(stage, "claim_batch", recording)
    summary = stage.analyse_pending(db, data_dir, batch_size=32)

    assert summary.documents == 40
    # 40 left: a quarter of them; then a quarter of what is left, never fewer than four.
    assert sizes[:4] == [10, 7, 5, 4]


def test_while_a_batch_is_analysed_the_next_two_are_being_extracted(db, data_dir, monkeypatch) -> None:
    """Two sandboxes take turns: neither waits for the analysis to hand it its next batch."""
    for number in range(12):
        add_document(db, data_dir, f"plain-{number}.txt", b"Compte rendu sans objet.", media_type="text/plain")
    started, extracting_when_analysed = [], []
    extract, analyse_and_store = stage._extract, stage._analyse_and_store

    def recording_extract(db, blobs, sandbox, ids, summary):
        started.append(sandbox)
        return extract(db, blobs, sandbox, ids, summary)

    def recording_analysis(db, works, summary, replace_pages):
        extracting_when_analysed.append(len(started))
        analyse_and_store(db, works, summary, replace_pages)

    monkeypatch.setattr(stage, "_extract", recording_extract)
    monkeypatch.setattr(stage, "_analyse_and_store", recording_analysis)
    summary = stage.analyse_pending(db, data_dir, batch_size=4)

    assert summary.documents == 12
    # Batches of four: the first is analysed once the second and third are being read, by the other sandbox and its own.
    assert extracting_when_analysed == [3, 3, 3]
    assert started[0] is not started[1] and started[2] is started[0]
