"""Bad input stops one document, is recorded with a clear reason, and never stops the run.

One crawl of a hostile site, then one test per kind of bad input.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import Document, SourceRun
from tests.crawl.pdfs import corrupted_pdf, make_pdf
from tests.support.http import ScriptedServer, answer, redirect

RETRIES = 2
LISTING = """<html><head><title>Délibérations du conseil municipal</title></head><body>
<h1>Délibérations — séance du 3 février 2026</h1><ul>
<li><a href="/docs/valide.pdf">Délibération : vidéoprotection de la place du marché</a></li>
<li><a href="/docs/corrompu.pdf">Délibération corrompue</a></li>
<li><a href="/docs/chiffre.pdf">Délibération chiffrée</a></li>
<li><a href="/docs/enorme.pdf">Délibération énorme</a></li>
<li><a href="/docs/absent.pdf">Délibération disparue</a></li>
<li><a href="/docs/erreur.pdf">Délibération en erreur</a></li>
<li><a href="/docs/lent.pdf">Délibération très lente</a></li>
<li><a href="/docs/boucle.pdf">Délibération en boucle</a></li>
<li><a href="http://ailleurs.invalid/docs/externe.pdf">Délibération sur un hôte inconnu</a></li>
<li><a href="/docs/metadonnees.pdf">Délibération qui renvoie vers le service de métadonnées du nuage</a></li>
<li><a href="/docs/fichier-local.pdf">Délibération qui renvoie vers un fichier local</a></li>
</ul></body></html>"""


def _hang(server):
    def route(handler):
        server.release.wait(30)  # never answers within the download timeout
        return 0, {}, b""

    return route


@pytest.fixture(scope="module")
def outcome(module_workspace):
    """Crawl then analyse the hostile site; returns (server, documents by file name, crawl, analysis)."""
    server = ScriptedServer(
        routes={
            # Windows-1252 bytes and no declared charset, as some old council sites serve.
            "/conseil/": answer(200, LISTING.encode("cp1252"), "text/html"),
            "/docs/valide.pdf": answer(
                200, make_pdf("Extension de la vidéoprotection place du Marché."), "application/pdf"
            ),
            "/docs/corrompu.pdf": answer(200, corrupted_pdf(), "application/pdf"),
            "/docs/chiffre.pdf": answer(200, make_pdf("Secret", password="motdepasse"), "application/pdf"),
            "/docs/enorme.pdf": answer(200, b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024), "application/pdf"),
            "/docs/absent.pdf": answer(404, b"<h1>Not found</h1>"),
            "/docs/erreur.pdf": answer(500, b"<h1>Internal error</h1>"),
            "/docs/boucle.pdf": redirect("/docs/boucle-2.pdf"),
            "/docs/boucle-2.pdf": redirect("/docs/boucle.pdf"),
            # Where no request may go, whoever asks: the cloud metadata service, a local file.
            "/docs/metadonnees.pdf": redirect("http://169.254.169.254/latest/meta-data/iam/"),
            "/docs/fichier-local.pdf": redirect("file:///etc/passwd"),
        }
    )
    server.routes["/docs/lent.pdf"] = _hang(server)
    env = {"VIGIE_MAX_FILE_SIZE_MB": "1", "VIGIE_DOWNLOAD_TIMEOUT_S": "1", "VIGIE_RETRIES": str(RETRIES)}
    with server:
        crawl = module_workspace.run(
            "crawl", "--platform", "html", "--url", server.url + "/conseil/", "--source", "hostile", extra_env=env
        )
    analysis = module_workspace.run("analyze")
    with module_workspace.db.session() as session:
        docs = {d.url.rsplit("/", 1)[-1]: d for d in session.scalars(select(Document))}
    return server, docs, crawl, analysis


def test_the_run_goes_on_and_stores_the_good_document(outcome):
    _, docs, crawl, analysis = outcome
    assert crawl.returncode == 0, crawl.stderr
    assert analysis.returncode == 0, analysis.stderr
    assert docs["valide.pdf"].status == "analysed"
    assert len(docs) == 11


@pytest.mark.parametrize(
    "name, status, reason",
    [
        ("corrompu.pdf", "failed", "extraction failed: corrupted PDF"),
        ("chiffre.pdf", "failed", "extraction failed: encrypted PDF"),
        ("enorme.pdf", "failed", "larger than the limit of 1 MB"),
        ("absent.pdf", "failed", "HTTP 404"),
        ("erreur.pdf", "failed", f"HTTP 500 after {RETRIES} retries"),
        ("lent.pdf", "failed", "timed out"),
        ("boucle.pdf", "failed", "too many redirections"),
        ("externe.pdf", "failed", "host name not found"),  # documents are fetched on any host
        ("metadonnees.pdf", "skipped", "169.254.169.254, a link-local address of 169.254.0.0/16"),
        ("fichier-local.pdf", "failed", "HTTP 302"),  # a redirection to file:// is never followed
    ],
)
def test_each_bad_document_is_recorded_with_its_reason(outcome, name, status, reason):
    _, docs, _, _ = outcome
    assert docs[name].status == status
    assert reason in docs[name].error


def test_a_server_error_is_retried_before_being_recorded(outcome):
    server, _, _, _ = outcome
    assert server.requests["/docs/erreur.pdf"] == 1 + RETRIES


def test_a_page_in_windows_1252_is_decoded(outcome):
    _, docs, _, _ = outcome
    assert docs["valide.pdf"].title.startswith("Délibération : vidéoprotection de la place du marché")


def test_the_source_is_healthy_with_its_errors_counted(outcome, module_workspace):
    with module_workspace.db.session() as session:
        run = session.scalars(select(SourceRun)).one()
    assert run.status == "ok"
    assert run.documents_new == 3  # valide, corrompu, chiffre: downloaded; the others never were
    assert run.documents_failed == 7
