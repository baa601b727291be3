"""Council sites generated for the operations tests: listings of PDF deliberations, any size."""

from __future__ import annotations

from pathlib import Path

from bench.pdf import make_pdf

LISTING = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Délibérations du conseil municipal — page {page}</title></head>
<body><h1>Délibérations du conseil municipal</h1>
<ul>
{items}
</ul>
<nav>{next}</nav>
</body></html>
"""


def deliberation_text(number: int) -> str:
    subject = (
        "l'extension du système de vidéoprotection (8 caméras)"
        if number % 25 == 0
        else f"une subvention de {number * 10} euros à l'association sportive"
    )
    return (
        f"Délibération n° 2026-{number:04d}\nConseil municipal du 15 décembre 2026\n"
        f"Le conseil municipal, après en avoir délibéré, approuve {subject}."
    )


def build_council_site(root: Path, documents: int, per_page: int = 25) -> list[str]:
    """Write ``/deliberations/`` (paginated listings) and its PDFs under ``root``; returns the PDF paths.

    Each listing page after the first links the previous page's last PDF again."""
    pdf_paths = []
    pages = max(1, -(-documents // per_page))
    for page in range(1, pages + 1):
        numbers = range((page - 1) * per_page + 1, min(documents, page * per_page) + 1)
        items = []
        for number in numbers:
            path = f"/docs/delib-2026-{number:04d}.pdf"
            target = root / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(make_pdf([deliberation_text(number)], title=f"Délibération {number}"))
            pdf_paths.append(path)
            items.append(f'<li><a href="{path}">Délibération n° 2026-{number:04d} du conseil municipal</a></li>')
        if page > 1:  # the previous page's last deliberation again, as listings often do
            items.append(f'<li><a href="{pdf_paths[(page - 1) * per_page - 1]}">Délibération précédente</a></li>')
        following = (
            f'<a rel="next" href="/deliberations/page-{page + 1}.html">Page suivante</a>' if page < pages else ""
        )
        listing = root / "deliberations" / ("index.html" if page == 1 else f"page-{page}.html")
        listing.parent.mkdir(parents=True, exist_ok=True)
        listing.write_text(LISTING.format(page=page, items="\n".join(items), next=following), encoding="utf-8")
    return pdf_paths
