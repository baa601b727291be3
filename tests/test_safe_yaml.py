"""Every YAML file Vigie reads goes through one loader, which refuses aliases: nine lines of
nested aliases (a "billion laughs") would otherwise expand to a billion strings."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from storage.safe_yaml import parse_yaml

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("nlp", "notify", "spiders", "storage", "vigie")


def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


def test_an_alias_is_refused_with_its_line():
    with pytest.raises(yaml.YAMLError, match=r"found an alias \(\*a\): aliases are not accepted") as error:
        parse_yaml(billion_laughs())
    assert "line 2" in str(error.value)


def test_nesting_too_deep_to_parse_is_an_error_not_a_crash():
    with pytest.raises(yaml.YAMLError, match="nested too deeply"):
        parse_yaml("[" * 100_000 + "]" * 100_000)


def test_plain_yaml_reads_as_safe_load_reads_it():
    text = "id: fr-ville\nurls: [https://ville.example/]\nenabled: true\ncount: 3\n"
    assert parse_yaml(text) == yaml.safe_load(text)


def test_no_module_reads_yaml_another_way():
    readers = (
        "yaml.safe_load(",
        "yaml.load(",
        "yaml.full_load(",
        "yaml.unsafe_load(",
        "yaml.safe_load_all(",
        "yaml.load_all(",
        "yaml.compose(",
    )
    offenders = [
        str(path.relative_to(REPO))
        for package in PACKAGES
        for path in (REPO / package).rglob("*.py")
        if path.name != "safe_yaml.py" and any(r in path.read_text(encoding="utf-8") for r in readers)
    ]
    assert offenders == [], "read YAML with storage.safe_yaml.parse_yaml"


def test_a_settings_file_with_an_alias_is_a_configuration_error(cli, tmp_path):
    (tmp_path / "vigie.yaml").write_text("alert_digest_hour: &heure 7\nalert_rate_cap: *heure\n")
    result = cli("status")
    assert result.exit_code == 2
    assert "vigie.yaml: not valid YAML (found an alias (*heure)" in result.output


def test_a_subscriptions_file_with_an_alias_bomb_is_refused(cli, tmp_path):
    bomb = tmp_path / "abonnements.yaml"
    bomb.write_text(billion_laughs(4) + "subscriptions: *d\n")
    result = cli("subscription", "import", str(bomb))
    assert result.exit_code == 2
    assert f"{bomb}: cannot read it as YAML" in result.output


def test_nesting_deeper_than_any_file_needs_is_refused_before_it_is_built():
    with pytest.raises(yaml.YAMLError, match="nested too deeply"):
        parse_yaml("[" * 150 + "]" * 150)
