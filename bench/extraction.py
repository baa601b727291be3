"""Extraction: Vigie's pages per second beside pypdfium2 alone, on the same files in the same run."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from bench.measure import timed
from nlp.extract import extract


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


def run(paths: list[Path], rounds: int = 2) -> dict:
    """Best of ``rounds`` alternated runs of each (the machine's noise hits both alike)."""
    best = {"pdfium": float("inf"), "vigie": float("inf")}
    pages = {}
    for _ in range(rounds):
        for name, function in (("pdfium", pdfium_alone), ("vigie", vigie_extract)):
            seconds, pages[name] = timed(lambda f=function: f(paths))
            best[name] = min(best[name], seconds)
    if pages["pdfium"] != pages["vigie"]:
        raise RuntimeError(f"pypdfium2 read {pages['pdfium']} pages and Vigie {pages['vigie']}")
    vigie_rate, pdfium_rate = pages["vigie"] / best["vigie"], pages["pdfium"] / best["pdfium"]
    return {
        "extraction_files": len(paths),
        "extraction_pages": pages["vigie"],
        "extraction_pages_per_s": round(vigie_rate, 1),
        "extraction_pdfium_pages_per_s": round(pdfium_rate, 1),
        "extraction_ratio_to_pdfium": round(vigie_rate / pdfium_rate, 3),
    }
