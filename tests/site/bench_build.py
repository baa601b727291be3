"""How long building the site takes with thousands of hits (a measurement, not a test).

    .venv/bin/python -m tests.site.bench_build --hits 5000 --councils 200

Times three builds into a scratch folder: the first (every file written), a rebuild of the
same database (nothing written), and a rebuild after one new hit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from notify.site.build import SiteOptions, build_site
from storage.db import Database
from storage.models import Document
from tests.site.factory import NOW, TODAY, add_document, add_hit, add_source, add_source_run

WORDS = [
    ("vidéoprotection", "video_surveillance"),
    ("drone", "drones"),
    ("LAPI", "plate_recognition"),
    ("caméras-piétons", "body_cameras"),
    ("reconnaissance faciale", "biometrics"),
]


def populate(db: Database, hits: int, councils: int, per_document: int = 3) -> None:
    rng = random.Random(7)
    with db.session() as s:
        sources = [
            add_source(s, f"fr-ville-{n}", f"Ville n°{n}", f"https://ville-{n}.example/conseil")
            for n in range(councils)
        ]
        for source in sources:
            add_source_run(s, source, documents_new=rng.randint(0, 5))
        for n in range(0, hits, per_document):
            source = rng.choice(sources)
            meeting = TODAY + dt.timedelta(days=rng.randint(-400, 30))
            doc = add_document(
                s,
                source,
                f"{source.url}/files/{n}.pdf",
                title=f"Délibération n°{n}",
                kind=rng.choice(["agenda", "deliberation", "minutes"]),
                meeting_date=meeting,
            )
            for k in range(min(per_document, hits - n)):
                word, category = rng.choice(WORDS)
                add_hit(
                    s,
                    doc,
                    word,
                    category=category,
                    page=k + 1,
                    created_at=NOW - dt.timedelta(minutes=rng.randint(0, 500_000)),
                    snippet=f"Point {k} : le conseil délibère sur le déploiement de {word} dans la commune.",
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=int, default=5000)
    parser.add_argument("--councils", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/bench.sqlite3")
        started = time.perf_counter()
        populate(db, args.hits, args.councils)
        print(f"inserted {args.hits} hits for {args.councils} councils in {time.perf_counter() - started:.1f} s")
        options = SiteOptions(out=Path(folder) / "site", today=TODAY, public_url="https://archive.example")
        for label in ("first build", "rebuild, nothing new", "rebuild after one new hit"):
            if label.endswith("one new hit"):
                with db.session() as s:
                    add_hit(s, s.get(Document, 1), "drone", category="drones", page=99, created_at=NOW)
            summary = build_site(db, options)
            print(
                f"{label}: {summary.seconds:.2f} s, {summary.written} written, {summary.unchanged} unchanged "
                f"({summary.documents} documents, {summary.councils} councils)"
            )
        db.dispose()


if __name__ == "__main__":
    main()
