"""Rebuilding: atomic writes, unchanged files left alone, pages that went away removed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from notify.site import layout, writer
from notify.site.writer import SiteWriter
from storage.files import write_atomically
from storage.models import Document, Hit, Source
from tests.site.conftest import Sample
from tests.site.factory import NOW, add_hit


def modification_times(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}


def test_a_rebuild_of_an_unchanged_database_writes_nothing(build, sample: Sample, tmp_path: Path) -> None:
    first = build()
    times = modification_times(tmp_path / "site")
    second = build()
    assert first.written > 20 and first.unchanged == 0
    assert (second.written, second.unchanged, second.removed) == (0, first.written, 0)
    assert modification_times(tmp_path / "site") == times


def test_a_new_hit_rewrites_only_the_pages_that_show_it(db, build, sample: Sample, tmp_path: Path) -> None:
    build()
    times = modification_times(tmp_path / "site")
    with db.session() as s:
        add_hit(
            s,
            s.get(Document, sample.nice_deliberation),
            "reconnaissance faciale",
            category="biometrics",
            page=5,
            created_at=NOW,
        )
    build()
    changed = {path for path, mtime in modification_times(tmp_path / "site").items() if times.get(path) != mtime}
    with db.session() as s:
        finding = s.scalars(select(Hit.finding_id).where(Hit.document_id == sample.nice_deliberation)).first()
    assert changed == {
        layout.document_page(sample.nice_deliberation),
        layout.finding_page(finding),
        layout.council_page("fr-nice"),
        layout.council_page("fr-nice", "atom"),
        layout.category_page("biometrics"),
        layout.category_page("biometrics", "atom"),
        layout.category_page("drones", "atom"),  # the finding's entry
        layout.COUNCILS,
        layout.CATEGORIES,
        layout.FEED_ALL,
        layout.INDEX,
        layout.FINDINGS_CSV,
        layout.FINDINGS_JSON,
        layout.DATA,
        layout.COUNCILS_GEOJSON,
        layout.MAP,  # Nice's counts by technology, and so its dot
        writer.MANIFEST,
    }


def test_the_pages_of_a_deleted_document_go_and_the_operators_files_stay(
    db, build, sample: Sample, tmp_path: Path
) -> None:
    build()
    site = tmp_path / "site"
    (site / "robots.txt").write_text("User-agent: *\n")
    with db.session() as s:
        s.execute(delete(Document).where(Document.id == sample.nice_deliberation))
        s.execute(delete(Source).where(Source.id == "fr-brest"))
    summary = build()
    assert not (site / layout.document_page(sample.nice_deliberation)).exists()
    assert not (site / layout.council_page("fr-brest")).exists()
    assert not (site / layout.category_page("drones")).exists()
    assert (site / "robots.txt").read_text() == "User-agent: *\n"
    assert summary.removed == 6  # document, council page + feed + calendar, category page + feed


def test_files_are_readable_by_a_web_server_and_no_temporary_file_stays(build, sample, tmp_path: Path) -> None:
    build()
    files = [p for p in (tmp_path / "site").rglob("*") if p.is_file()]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in files)
    assert not [p for p in files if p.name.startswith(".tmp-")]


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "index.html"
    target.write_text("old page")

    def crash(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, b"new page")
    assert target.read_text() == "old page"
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]


@pytest.mark.parametrize("manifest", ['["../../victim.txt"]', "not json", '{"a": 1}'])
def test_a_damaged_or_edited_manifest_never_deletes_outside_the_site(tmp_path: Path, manifest: str) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    site = tmp_path / "a" / "site"
    site.mkdir(parents=True)
    (site / writer.MANIFEST).write_text(manifest)
    out = SiteWriter(site)
    out.write("index.html", "<!doctype html>")
    assert out.finish().removed == 0
    assert victim.read_text() == "keep me"
