"""VIGIE_SOURCES_AT_ONCE: a run crawls that many sources at a time, the next when one is done."""

from __future__ import annotations

import itertools
import json

from sqlalchemy import select

from storage.models import SourceRun
from tests.crawl.pdfs import make_pdf
from tests.support.http import ScriptedServer, answer

LISTING = b"""<html><head><title>Deliberations du conseil municipal</title></head><body>
<ul><li><a href="/d/1.pdf">Deliberation 1</a></li><li><a href="/d/2.pdf">Deliberation 2</a></li></ul></body></html>"""


def test_one_source_at_a_time_crawls_them_one_after_the_other(tmp_path, run_vigie, db):
    registry = tmp_path / "registry"
    registry.mkdir()
    routes = {f"/{town}/": answer(200, LISTING.replace(b"/d/", f"/{town}/d/".encode())) for town in ("a", "b", "c")}
    routes.update(
        {
            f"/{town}/d/{n}.pdf": answer(200, make_pdf(f"Délibération {town} {n}"), "application/pdf")
            for town in ("a", "b", "c")
            for n in (1, 2)
        }
    )
    with ScriptedServer(routes=routes) as server:
        for town in ("a", "b", "c"):
            (registry / f"ville-{town}.yaml").write_text(
                json.dumps(
                    {
                        "id": f"ville-{town}",
                        "name": f"Ville {town}",
                        "country": "FR",
                        "platform": "html",
                        "url": f"{server.url}/{town}/",
                        "verified": True,
                        "established": "a test server on loopback",
                    }
                )
            )
        result = run_vigie("crawl", extra_env={"VIGIE_SOURCES_DIRS": str(registry), "VIGIE_SOURCES_AT_ONCE": "1"})
    assert result.returncode == 0, result.stderr
    with db.session() as session:
        runs = list(session.scalars(select(SourceRun).order_by(SourceRun.started_at)))
    assert [r.status for r in runs] == ["ok", "ok", "ok"]
    assert all(later.started_at >= earlier.finished_at for earlier, later in itertools.pairwise(runs))
