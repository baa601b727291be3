"""Configuration: settings from the environment and a YAML file, documented, refused loudly when wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vigie.config import ConfigError, load_config
from vigie.settings import SETTINGS, markdown_table

DOCS = Path(__file__).parents[1] / "docs" / "settings.md"


def test_every_setting_is_documented_in_docs_settings_md():
    assert DOCS.read_text(encoding="utf-8") == markdown_table(), (
        "docs/settings.md is stale: run `vigie settings --markdown > docs/settings.md`"
    )


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


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"VIGIE_MAX_FILE_SIZE_MB": "lots"}, "VIGIE_MAX_FILE_SIZE_MB must be an integer"),
        ({"VIGIE_AUTOTHROTTLE": "perhaps"}, "VIGIE_AUTOTHROTTLE must be true or false"),
        ({"VIGIE_ALERT_TIMEZONE": "Europe/Marseille"}, "VIGIE_ALERT_TIMEZONE must be an IANA time zone name"),
        ({"VIGIE_CONFIG": "/nonexistent/vigie.yaml"}, "does not exist"),
    ],
)
def test_a_wrong_value_is_refused_naming_the_setting(environ, message):
    with pytest.raises(ConfigError, match=message):
        load_config(environ=environ)


def test_an_unknown_key_in_the_file_is_refused(tmp_path):
    file = tmp_path / "vigie.yaml"
    file.write_text("max_file_sise_mb: 10\n")
    with pytest.raises(ConfigError, match=r"unknown setting.*max_file_sise_mb"):
        load_config(environ={"VIGIE_CONFIG": str(file)})


@pytest.mark.parametrize(
    "key, value, secret, shown",
    [
        (
            "VIGIE_DATABASE_URL",
            "postgresql+psycopg://vigie:s3cret@db.example.org/vigie",
            "s3cret",
            "postgresql+psycopg://vigie:***@db.example.org/vigie",
        ),
        ("VIGIE_ADMIN_URL", "mailtos://alerts:s3cret@mail.example.org", "s3cret", "(set, hidden)"),
    ],
)
def test_vigie_settings_never_prints_a_password(cli, monkeypatch, key, value, secret, shown):
    monkeypatch.setenv(key, value)
    output = cli("settings").output
    assert secret not in output and f"{key} " in output and shown in output


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"VIGIE_ALERT_DIGEST_HOUR": "99"}, "VIGIE_ALERT_DIGEST_HOUR must be an hour from 0 to 23, got '99'"),
        ({"VIGIE_LOG_LEVEL": "BAVARD"}, "VIGIE_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got 'BAVARD'"),
        ({"VIGIE_ALERT_RATE_CAP": "0"}, "VIGIE_ALERT_RATE_CAP must be an integer of 1 or more"),
        ({"VIGIE_DOWNLOAD_DELAY_S": "-1"}, "VIGIE_DOWNLOAD_DELAY_S must be a number of 0 or more"),
        ({"VIGIE_ANALYSIS_MEMORY_MB": "64"}, "VIGIE_ANALYSIS_MEMORY_MB must be an integer of 256 or more"),
        ({"VIGIE_PUBLIC_URL": "javascript:alert(1)"}, "VIGIE_PUBLIC_URL must be an http:// or https:// URL"),
        (
            {"VIGIE_CONTACT_URL": "https://ex.org/\r\nX-Injected: 1"},
            "VIGIE_CONTACT_URL must be an http:// or https:// URL",
        ),
        ({"VIGIE_TEMPLATES_DIR": "/nonexistent/templates"}, "VIGIE_TEMPLATES_DIR must be an existing folder"),
        ({"VIGIE_ADMIN_URL": "admin@example.org"}, "VIGIE_ADMIN_URL must be an apprise URL"),
    ],
)
def test_every_setting_is_checked_when_the_configuration_is_loaded(environ, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(environ=environ)


def test_a_wrong_value_in_the_file_is_named_by_its_key(tmp_path):
    file = tmp_path / "vigie.yaml"
    file.write_text("alert_digest_hour: 25\n")
    with pytest.raises(
        ConfigError, match=re.escape(f"{file}: alert_digest_hour must be an hour from 0 to 23, got '25'")
    ):
        load_config(environ={"VIGIE_CONFIG": str(file)})


@pytest.mark.parametrize(
    "env, setting",
    [
        ({"VIGIE_ALERT_DIGEST_HOUR": "99"}, "VIGIE_ALERT_DIGEST_HOUR"),
        ({"VIGIE_LOG_LEVEL": "BAVARD"}, "VIGIE_LOG_LEVEL"),
        ({"VIGIE_DATABASE_URL": "postgresql+psycopg://vigie@127.0.0.1:1/vigie"}, "VIGIE_DATABASE_URL"),
        ({"VIGIE_DATABASE_URL": "postgres//vigie@localhost/vigie"}, "VIGIE_DATABASE_URL"),
    ],
)
def test_a_bad_setting_or_an_unreachable_database_exits_2_with_one_line(run_vigie, env, setting):
    # A timer counts exit status 1 as an ordinary failed run; 2 says "fix the configuration".
    result = run_vigie("run", extra_env=env)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("Configuration error: ") and setting in line
