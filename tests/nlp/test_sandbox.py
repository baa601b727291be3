"""Extraction in a sandbox: a file that asks for gigabytes or hours fails alone, with the limit it
broke, and the files after it are still read. The hostile PDFs are generated here (hostile_pdfs)."""

from __future__ import annotations

import pytest

from nlp.extract import Extraction
from nlp.sandbox import Job, LimitExceeded, Limits, Sandbox
from tests.crawl.pdfs import corrupted_pdf, make_pdf
from tests.nlp.hostile_pdfs import form_bomb, inflate_bomb, wall_sized_scan

# Far below what the bombs ask for, far above what a council's PDF needs.
SMALL = Limits(memory_mb=1024, time_s=120)


def jobs_for(folder, files: dict[str, bytes]) -> list[Job]:
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [Job(str(folder / name), "application/pdf", name, "fr") for name in files]


def outcomes(limits: Limits, jobs: list[Job]) -> dict[str, object]:
    with Sandbox(limits) as sandbox:
        return {job.name: outcome for job, outcome in zip(jobs, sandbox.extract_all(jobs))}


@pytest.mark.parametrize("bomb", [form_bomb, inflate_bomb], ids=["form objects drawn 4^20 times", "2 GiB stream"])
def test_a_pdf_bomb_breaks_the_memory_limit_alone(tmp_path, bomb):
    jobs = jobs_for(
        tmp_path,
        {
            "avant.pdf": make_pdf("Vidéoprotection du parvis"),
            "bombe.pdf": bomb(),
            "apres.pdf": make_pdf("Caméras-piétons de la police municipale"),
        },
    )

    results = outcomes(SMALL, jobs)

    assert isinstance(results["bombe.pdf"], LimitExceeded)
    assert str(results["bombe.pdf"]) == "resource limit exceeded: memory (more than 1024 MB)"
    assert "Vidéoprotection du parvis" in results["avant.pdf"].pages[0].text
    assert "Caméras-piétons" in results["apres.pdf"].pages[0].text  # read by a new worker


def test_a_document_that_takes_too_long_breaks_the_time_limit_alone(tmp_path):
    # Under a high memory limit the form bomb would draw for minutes.
    jobs = jobs_for(tmp_path, {"bombe.pdf": form_bomb(), "apres.pdf": make_pdf("Drones de surveillance")})

    results = outcomes(Limits(memory_mb=4096, time_s=1), jobs)

    assert str(results["bombe.pdf"]) == "resource limit exceeded: time (more than 1 s)"
    assert "Drones" in results["apres.pdf"].pages[0].text


def test_ocr_refuses_a_page_too_large_to_render_and_keeps_the_document(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # the worker needs no Tesseract to refuse the page
    fake = tmp_path / "tesseract"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    jobs = jobs_for(tmp_path, {"plan.pdf": wall_sized_scan()})

    [result] = outcomes(SMALL, jobs).values()

    assert isinstance(result, Extraction), result
    assert result.metadata["ocr_failed_pages"] == [1]
    assert result.metadata["ocr_errors"] == [
        "page 1: page of 508 × 508 cm, too large to read at 100 dpi within 36 megapixels"
    ]


def test_an_unreadable_file_is_reported_and_the_worker_reads_on(tmp_path):
    jobs = jobs_for(tmp_path, {"faux.pdf": corrupted_pdf(), "vrai.pdf": make_pdf("Délibération")})
    jobs.insert(1, Job(str(tmp_path / "absent.pdf"), None, "absent.pdf"))

    results = outcomes(SMALL, jobs)

    assert "corrupted PDF" in str(results["faux.pdf"])
    assert "the stored file cannot be read (No such file or directory)" == str(results["absent.pdf"])
    assert "Délibération" in results["vrai.pdf"].pages[0].text


def test_an_answer_that_waited_while_the_caller_was_busy_is_not_a_timeout(tmp_path):
    jobs = jobs_for(tmp_path, {f"d{n}.pdf": make_pdf(f"Délibération {n}") for n in range(3)})
    with Sandbox(Limits(memory_mb=1024, time_s=1)) as sandbox:
        outcomes = sandbox.extract_all(jobs)
        first = next(outcomes)
        worker = sandbox._worker
        answered = [worker.answers.get(timeout=60) for _ in jobs[1:]]  # the worker has answered them all…
        for answer in answered:
            worker.answers.put(answer)
        worker.started_at -= 5  # … while the caller spent 5 s analysing the previous batch
        rest = list(outcomes)
    assert all(isinstance(outcome, Extraction) for outcome in [first, *rest])
