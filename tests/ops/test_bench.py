"""The benchmark's own parts: its PDFs read back exactly, and its site serves councils and 304s."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from urllib.error import HTTPError

import pypdfium2 as pdfium
import pytest

from bench.corpus import write_listings
from bench.pdf import LINE_CHARS, make_pdf
from bench.site import CorpusSite
from nlp.extract import extract

PAGES = [
    "Délibération n° 2026-045 : extension de la vidéoprotection (12 caméras) pour 45 000 € HT.",
    "Vœu relatif à l’interdiction de la reconnaissance faciale \\ (motion) " + "long " * 60,
]


def test_generated_pdfs_give_back_their_text_page_by_page() -> None:
    extraction = extract(make_pdf(PAGES, title="Séance"), "application/pdf", "x.pdf")
    texts = [" ".join(page.text.split()) for page in extraction.pages]
    assert texts == [" ".join(page.split()) for page in PAGES]


def test_long_paragraphs_are_wrapped_to_the_page_width() -> None:
    pdf = pdfium.PdfDocument(make_pdf(PAGES))
    lines = pdf[1].get_textpage().get_text_bounded().splitlines()
    assert len(lines) > 1 and max(len(line) for line in lines) <= LINE_CHARS


def fetch(url: str, **headers: str) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
            return response.status, response.read(), dict(response.headers)
    except HTTPError as error:
        return error.code, b"", dict(error.headers)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    (root / "files").mkdir()
    (root / "files" / "d00001.pdf").write_bytes(make_pdf(PAGES))
    write_listings(root, 1)
    with CorpusSite(root) as served:
        yield served


def test_each_council_serves_the_listing_and_a_distinct_copy_of_each_file(site) -> None:
    status, listing, _ = fetch(site.council_url(2))
    assert status == 200 and b'href="../files/d00001.pdf"' in listing
    first, second = fetch(f"{site.url}/c1/files/d00001.pdf")[1], fetch(f"{site.url}/c2/files/d00001.pdf")[1]
    assert first != second and second.startswith(first)
    assert [p.text for p in extract(second).pages] == [p.text for p in extract(first).pages]


def test_the_site_answers_conditional_requests_with_304(site) -> None:
    url = f"{site.url}/c1/files/d00001.pdf"
    _, _, headers = fetch(url)
    assert fetch(url, **{"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, **{"If-Modified-Since": headers["Last-Modified"]})[0] == 304


def test_paths_outside_the_corpus_are_not_served(site) -> None:
    assert fetch(f"{site.url}/c1/../../etc/passwd")[0] == 404
    assert fetch(f"{site.url}/robots.txt")[0] == 404


def test_a_commands_peak_memory_is_its_own_not_that_of_the_process_starting_it(tmp_path: Path) -> None:
    import os
    import sys

    from bench.measure import run_command

    ballast = b"x" * (300 * 1024 * 1024)  # this process now holds 300 MB more
    measure = run_command([sys.executable, "-c", "print('ok')"], dict(os.environ), tmp_path)
    assert (measure.returncode, measure.stdout.strip()) == (0, "ok")
    assert measure.peak_rss_mb < 100, measure.peak_rss_mb
    del ballast


def test_the_corpus_is_built_once_with_its_listings_and_what_it_holds(tmp_path: Path) -> None:
    from bench.corpus import LISTING_SIZE, build

    corpus = build(LISTING_SIZE + 1, 2, seed=7, workers=1, cache=tmp_path)
    assert (corpus.documents, corpus.pages, len(corpus.file_paths())) == (
        LISTING_SIZE + 1,
        2 * (LISTING_SIZE + 1),
        LISTING_SIZE + 1,
    )
    assert 0 < corpus.about_surveillance < corpus.deliberations
    assert (corpus.root / "deliberations" / "page-2.html").read_text().count('.pdf"') == 1
    assert build(LISTING_SIZE + 1, 2, seed=7, workers=1, cache=tmp_path) == corpus  # from the cache


def test_many_hosts_serves_each_site_on_its_own_loopback_address() -> None:
    import urllib.request

    from bench.many_hosts import ManySites, address, documents_of

    with ManySites(3) as sites:
        for host in range(3):
            assert sites.url(host).startswith(f"http://{address(host)}:")
            robots = urllib.request.urlopen(sites.url(host).replace("/deliberations/", "/robots.txt"), timeout=10)
            assert robots.read().startswith(b"User-agent: *")
            listing = urllib.request.urlopen(sites.url(host), timeout=10)
            assert listing.read().count(b".pdf") == documents_of(host)
        etag = listing.headers["ETag"]
        request = urllib.request.Request(sites.url(2), headers={"If-None-Match": etag})
        try:
            urllib.request.urlopen(request, timeout=10)
            status = 200
        except urllib.error.HTTPError as exc:
            status = exc.code
    assert len({address(h) for h in range(3)}) == 3 and status == 304
