"""Configuration: settings from the environment and a YAML file, documented, refused loudly when wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigie.config import ConfigError, load_config
from vigie.settings import SETTINGS, markdown_table

DOCS = Path(__file__).parents[1] / "docs" / "settings.md"


def test_every_setting_is_documented_in_docs_settings_md():
    assert DOCS.read_text(encoding="utf-8") == markdown_table(), \
        "docs/settings.md is stale: run `vigie settings --markdown > docs/settings.md`"


def test_every_setting_has_help_text():
    assert all(len(s.help) > 20 for s in SETTINGS)


def test_defaults_use_sqlite_under_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(environ={})
    assert config.database == f"sqlite:///{(tmp_path / 'data' / 'vigie.sqlite3').resolve()}"


def test_environment_overrides_the_file_which_overrides_defaults(tmp_path):
    file = tmp_path / "vigie.yaml"
    file.write_text("max_file_size_mb: 10\nrecheck_after_days: 7\n")
    config = load_config(environ={"VIGIE_CONFIG": str(file), "VIGIE_RECHECK_AFTER_DAYS": "1"})
    assert (config.max_file_size_mb, config.recheck_after_days) == (10, 1)


@pytest.mark.parametrize("environ, message", [
    ({"VIGIE_MAX_FILE_SIZE_MB": "lots"}, "VIGIE_MAX_FILE_SIZE_MB must be an integer"),
    ({"VIGIE_AUTOTHROTTLE": "perhaps"}, "VIGIE_AUTOTHROTTLE must be true or false"),
    ({"VIGIE_ALERT_TIMEZONE": "Europe/Marseille"}, "VIGIE_ALERT_TIMEZONE must be an IANA time zone name"),
    ({"VIGIE_CONFIG": "/nonexistent/vigie.yaml"}, "does not exist"),
])
def test_a_wrong_value_is_refused_naming_the_setting(environ, message):
    with pytest.raises(ConfigError, match=message):
        load_config(environ=environ)


def test_an_unknown_key_in_the_file_is_refused(tmp_path):
    file = tmp_path / "vigie.yaml"
    file.write_text("max_file_sise_mb: 10\n")
    with pytest.raises(ConfigError, match="unknown setting.*max_file_sise_mb"):
        load_config(environ={"VIGIE_CONFIG": str(file)})


@pytest.mark.parametrize("key, value, secret, shown", [
    ("VIGIE_DATABASE_URL", "postgresql+psycopg://vigie:s3cret@db.example.org/vigie", "s3cret",
     "postgresql+psycopg://vigie:***@db.example.org/vigie"),
    ("VIGIE_ADMIN_URL", "mailtos://alerts:s3cret@mail.example.org", "s3cret", "(set, hidden)"),
])
def test_vigie_settings_never_prints_a_password(cli, monkeypatch, key, value, secret, shown):
    monkeypatch.setenv(key, value)
    output = cli("settings").output
    assert secret not in output and f"{key} " in output and shown in output
