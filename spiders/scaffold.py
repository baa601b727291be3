"""Write what `vigie source new` creates: a registry entry, a test, a fixture README (templates in
``spiders/templates/``)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from string import Template

from spiders.options import PLATFORMS, commented_config
from spiders.registry import REGISTRY_DIR, RegistryError, SourceSpec, parse_entry
from storage.safe_yaml import parse_yaml

__all__ = [
    "FIXTURES_DIR",
    "REGISTRY_DIR",
    "TESTS_DIR",
    "test_path",
    "write_entry",
    "write_fixture_readme",
    "write_test",
]

TEMPLATES = Path(__file__).with_name("templates")
REPO = Path(__file__).resolve().parents[1]
FIXTURES_DIR = REPO / "tests" / "fixtures" / "sources"
TESTS_DIR = REPO / "tests" / "spiders" / "sources"


def render(template: str, **values) -> str:
    """``spiders/templates/<template>`` with its ``${name}`` placeholders filled."""
    return Template((TEMPLATES / template).read_text(encoding="utf-8")).substitute(**values)


def write_entry(registry_dir: Path, values: dict) -> SourceSpec:
    """Write ``<registry_dir>/<country>/<id>.yaml`` from the template and validate it by loading it."""
    path = Path(registry_dir) / values["country"].lower() / f"{values['id']}.yaml"
    # Files are named after their id: one of that name in any country folder holds the id, and a
    # second one would make every `vigie` command refuse the registry.
    taken = next(Path(registry_dir).rglob(f"{values['id']}.yaml"), None)
    if taken is not None:
        raise RegistryError(f"{taken} already uses the id {values['id']!r}: edit it, or choose another id")
    scalars = {k: _yaml_scalar(v) for k, v in values.items() if k != "established"}
    # `established` sits in a folded block: any text on one line is fine there.
    text = render("source.yaml.tmpl", established=" ".join(str(values["established"]).split()), **scalars)
    if values["platform"] in PLATFORMS:  # an unknown one is refused just below, naming the platforms
        text += commented_config(values["platform"])
    spec = parse_entry(parse_yaml(text), path)  # refuse before writing anything invalid
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return spec


def test_path(tests_dir: Path, source_id: str) -> Path:
    """Where the source's test goes."""
    return Path(tests_dir) / f"test_{source_id.replace('-', '_')}.py"


def write_test(tests_dir: Path, source_id: str) -> Path:
    """The source's test, failing until someone writes real assertions."""
    path = test_path(tests_dir, source_id)
    if path.exists():
        raise FileExistsError(f"{path} already exists: remove it, or choose another id")
    path.parent.mkdir(parents=True, exist_ok=True)
    package = path.parent / "__init__.py"  # tests/ is a package: its tests import tests.support
    if not package.exists():
        package.write_text("", encoding="utf-8")
    path.write_text(render("test_source.py.tmpl", id=source_id, function=source_id.replace("-", "_")), encoding="utf-8")
    return path


def write_fixture_readme(folder: Path, source_id: str, command: str, count: int, reason: str) -> Path:
    """The README of a recording: where and when it was recorded, and how to record it again."""
    path = folder / "README.md"
    path.write_text(
        render(
            "fixture-README.md.tmpl",
            id=source_id,
            command=command,
            count=count,
            reason=reason,
            date=dt.date.today().isoformat(),
        ),
        encoding="utf-8",
    )
    return path


def _yaml_scalar(value) -> str:
    """A value safe to put after ``key:`` in the template (quoted when YAML could misread it)."""
    text = str(value)
    if (
        re.fullmatch(r"[\w.:/?=&%~+-]*", text)
        and text[:1] not in "-?:"
        and text.lower() not in ("yes", "no", "true", "false", "null", "on", "off")
    ):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
