"""Extraction: Vigie's pages per second beside pypdfium2 alone, on the same files in the same run:
in the analysing process (:func:`nlp.extract.extract`), and as the analysis runs it, in the
sandbox's worker process (:mod:`nlp.sandbox`: files read there, pages sent back)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from bench.measure import timed
from nlp.extract import extract
from nlp.sandbox import Job, Limits, Sandbox


def pdfium_alone(paths: list[Path]) -> int:
    """The ceiling: open each file and read each page's text with pypdfium2, nothing more."""
    pages = 0
    for path in paths:
        pdf = pdfium.PdfDocument(path.read_bytes())
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            textpage.get_text_bounded()
            textpage.close()
            page.close()
            pages += 1
        pdf.close()
    return pages


def vigie_extract(paths: list[Path]) -> int:
    return sum(len(extract(path.read_bytes(), "application/pdf", path.name).pages) for path in paths)


def sandboxed_extract(paths: list[Path]) -> int:
    """As the analysis extracts: in a worker process under the default limits (its start included)."""
    jobs = [Job(str(path), "application/pdf", path.name) for path in paths]
    with Sandbox(Limits()) as sandbox:
        return sum(len(outcome.pages) for outcome in sandbox.extract_all(jobs))


def run(paths: list[Path], rounds: int = 2) -> dict:
    """Best of ``rounds`` alternated runs of each (the machine's noise hits all alike)."""
    functions = {"pdfium": pdfium_alone, "vigie": vigie_extract, "sandbox": sandboxed_extract}
    best = dict.fromkeys(functions, float("inf"))
    pages = {}
    for _ in range(rounds):
        for name, function in functions.items():
            seconds, pages[name] = timed(lambda f=function: f(paths))
            best[name] = min(best[name], seconds)
    if len(set(pages.values())) != 1:
        raise RuntimeError(f"pages read: {pages}")
    rate = {name: pages[name] / best[name] for name in functions}
    return {
        "extraction_files": len(paths),
        "extraction_pages": pages["vigie"],
        "extraction_pages_per_s": round(rate["vigie"], 1),
        "extraction_pdfium_pages_per_s": round(rate["pdfium"], 1),
        "extraction_ratio_to_pdfium": round(rate["vigie"] / rate["pdfium"], 3),
        "extraction_sandbox_pages_per_s": round(rate["sandbox"], 1),
        "extraction_sandbox_ratio_to_pdfium": round(rate["sandbox"] / rate["pdfium"], 3),
    }
