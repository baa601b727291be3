"""`vigie site build`: where it builds, what it says, and how it refuses a bad setting."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from notify.site.render import load_strings


def test_the_site_is_built_under_the_data_folder_by_default(cli, sample, data_dir: Path) -> None:
    result = cli("site", "build")
    assert result.exit_code == 0, result.output
    assert (data_dir / "site" / "index.html").is_file()
    assert result.output.startswith(
        f"Site built in {data_dir / 'site'}: 3 council(s), 4 finding(s), 4 document(s), 5 hit(s);"
    )


def test_a_second_build_reports_that_nothing_changed(cli, sample, tmp_path: Path) -> None:
    cli("site", "build", "--out", str(tmp_path / "public"))
    result = cli("site", "build", "--out", str(tmp_path / "public"))
    assert "0 file(s) written" in result.output and "0 removed" in result.output


def test_the_site_url_setting_makes_feed_links_absolute(cli, sample, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("VIGIE_SITE_URL", "https://vigie.example")
    assert cli("site", "build", "--out", str(tmp_path / "public"), "--language", "en").exit_code == 0
    feed = (tmp_path / "public" / "feed.atom").read_text(encoding="utf-8")
    assert 'href="https://vigie.example/feed.atom"' in feed and 'xml:lang="en"' in feed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--site-url", "javascript:alert(1)"), "is not an http(s) URL: fix --site-url or VIGIE_SITE_URL"),
        (("--out", "{tmp}/a-file/site"), "cannot create the site folder"),
    ],
)
def test_a_bad_site_url_or_folder_is_a_configuration_error(cli, tmp_path: Path, args, message: str) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    result = cli("site", "build", *(a.format(tmp=tmp_path) for a in args))
    assert result.exit_code == 2
    assert message in result.output


def test_every_language_of_the_site_has_every_word(tmp_path: Path) -> None:
    assert load_strings("fr").keys() == load_strings("en").keys()
    broken = tmp_path / "strings.yaml"
    broken.write_text(yaml.safe_dump({"fr": {"home": "Accueil", "councils": "Conseils"}, "en": {"home": "Home"}}))
    with pytest.raises(ValueError, match=r"strings.yaml: language 'en' lacks councils"):
        load_strings("fr", broken)
