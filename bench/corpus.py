"""The benchmark corpus: generated council deliberations as PDFs, with paginated listing pages.

Built once and cached under ``bench/corpus/<key>/`` (git-ignored)::

    manifest.json              what was generated: documents, pages, words, deliberations and how
                               many are about surveillance
    files/d00001.pdf …         one PDF per document (text from bench.corpus_text)
    deliberations/index.html   listing pages of LISTING_SIZE documents each, linked by rel="next"
    deliberations/page-2.html …

Links in the listings are relative, so the same files can be served under several prefixes
(``/c1/``, ``/c2/`` …) as several councils: see :mod:`bench.site`.
"""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench.pdf import make_pdf

CACHE = Path(__file__).with_name("corpus")
FORMAT = 3  # bump when the layout, the PDFs or the manifest change, to rebuild caches
LISTING_SIZE = 50
COUNTS = ("pages", "words", "deliberations", "about_surveillance", "documents_about_surveillance")

LISTING = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Délibérations du conseil municipal – page {page}</title></head>
<body><h1>Conseil municipal : délibérations</h1>
<ul>
{items}
</ul>
<nav>{previous} {following}</nav>
</body></html>
"""


@dataclass(frozen=True)
class Corpus:
    root: Path
    documents: int
    pages: int
    words: int
    deliberations: int
    about_surveillance: int  # deliberations whose subject is a surveillance technology
    documents_about_surveillance: int  # documents with at least one of them

    def file_paths(self) -> list[Path]:
        return sorted((self.root / "files").glob("*.pdf"))


def build(
    documents: int, pages_per_document: int, seed: int = 2024, workers: int | None = None, cache: Path = CACHE
) -> Corpus:
    """The corpus for these parameters, from the cache or generated now."""
    root = cache / f"d{documents}-p{pages_per_document}-s{seed}-f{FORMAT}"
    manifest = root / "manifest.json"
    if manifest.exists():
        return Corpus(root=root, **json.loads(manifest.read_text(encoding="utf-8")))
    partial = root.with_name(root.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    (partial / "files").mkdir(parents=True)
    workers = workers or os.cpu_count() or 1
    chunks = [
        (partial, start, min(documents, start + 100), pages_per_document, seed) for start in range(0, documents, 100)
    ]
    totals = dict.fromkeys(COUNTS, 0)
    with ProcessPoolExecutor(workers) as pool:
        for counts in pool.map(_write_chunk, chunks):
            for key in totals:
                totals[key] += counts[key]
    write_listings(partial, documents)
    (partial / "manifest.json").write_text(json.dumps({"documents": documents, **totals}), encoding="utf-8")
    shutil.rmtree(root, ignore_errors=True)
    partial.rename(root)
    return Corpus(root=root, documents=documents, **totals)


def _write_chunk(args: tuple[Path, int, int, int, int]) -> dict[str, int]:
    """Write documents ``start``..``stop`` (a seed of their own: chunks are built in parallel).

    Their acts are numbered apart from other chunks' (a chunk's year holds a few hundred acts): two
    documents sharing an act number show one deliberation, as agenda, act and minutes do."""
    from bench.corpus_text import SURVEILLANCE_SUBJECTS, generate_documents

    root, start, stop, pages_per_document, seed = args
    counts = dict.fromkeys(COUNTS, 0)
    for offset, pages in enumerate(
        generate_documents(stop - start, pages_per_document, seed * 100_003 + start, numbered_from=start * 10 + 1)
    ):
        number = start + offset + 1
        (root / "files" / f"d{number:05d}.pdf").write_bytes(make_pdf(pages, title=f"Délibérations {number}"))
        text = " ".join(" ".join(pages).split())  # subjects may be wrapped over two lines
        about = sum(text.count(f"OBJET : {subject}") for subject in SURVEILLANCE_SUBJECTS)
        counts["pages"] += len(pages)
        counts["words"] += text.count(" ") + 1
        counts["deliberations"] += text.count("OBJET : ")
        counts["about_surveillance"] += about
        counts["documents_about_surveillance"] += bool(about)
    return counts


def write_listings(root: Path, documents: int) -> None:
    folder = root / "deliberations"
    folder.mkdir(parents=True, exist_ok=True)
    pages = -(-documents // LISTING_SIZE)
    for page in range(1, pages + 1):
        numbers = range((page - 1) * LISTING_SIZE + 1, min(documents, page * LISTING_SIZE) + 1)
        items = "\n".join(
            f'<li><a href="../files/d{n:05d}.pdf">Délibération n° {2019 + n % 6}-{n:05d} – '
            f'séance du conseil municipal</a></li>'
            for n in numbers
        )
        previous = f'<a rel="prev" href="{_listing_name(page - 1)}">Page précédente</a>' if page > 1 else ""
        following = f'<a rel="next" href="{_listing_name(page + 1)}">Page suivante</a>' if page < pages else ""
        (folder / _listing_name(page)).write_text(
            LISTING.format(page=page, items=items, previous=previous, following=following), encoding="utf-8"
        )


def _listing_name(page: int) -> str:
    return "index.html" if page == 1 else f"page-{page}.html"
