"""The site's Jinja2 environment: its templates, its words, and autoescaping for every output.

Every template of the site is HTML or Atom (XML), so autoescaping is on for all of them: a
council's title or quote is text, never markup. Templates may be overridden from
``<VIGIE_TEMPLATES_DIR>/site/`` (same names as ``notify/site/templates/``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from notify import LANGUAGES
from notify.render import date_en, date_fr, environment, money_en, money_fr
from notify.site import layout
from storage.safe_yaml import YAMLError, parse_yaml

HERE = Path(__file__).parent
STRINGS = HERE / "strings.yaml"
TEMPLATES = HERE / "templates"
STYLESHEET = HERE / "static" / "style.css"


def load_strings(language: str, path: Path = STRINGS) -> dict[str, str]:
    """The site's words in ``language``; every language must define the same keys."""
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict) or language not in data:
        raise ValueError(f"{path}: no words for language {language!r} (expected one of {', '.join(LANGUAGES)})")
    keys = {lang: set(words) for lang, words in data.items()}
    for lang, names in keys.items():
        missing = set().union(*keys.values()) - names
        if missing:
            raise ValueError(f"{path}: language {lang!r} lacks {', '.join(sorted(missing))}")
    return {key: str(value) for key, value in data[language].items()}


def rfc3339(moment: dt.datetime) -> str:
    """An Atom date (RFC 3339, UTC)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SiteRenderer:
    """Renders the site's pages (links relative to each page) and feeds (absolute links when
    the site's URL is known)."""

    def __init__(
        self, language: str, site_url: str = "", timezone: str = "Europe/Paris", override_dir: str | Path | None = None
    ) -> None:
        self.language = language
        self.site_url = site_url.rstrip("/")
        self.zone = ZoneInfo(timezone)
        self.words = load_strings(language)
        # The alerts' environment (filters, strict undefined), over the site's templates.
        self.env = environment(
            Path(override_dir) / "site" if override_dir else None, bundled=TEMPLATES, autoescape=True
        )
        self.env.filters.update(
            date=date_fr if language == "fr" else date_en,
            local_date=self.local_date,
            rfc3339=rfc3339,
            money=money_fr if language == "fr" else money_en,
        )
        # Our own words, escaped once rather than at each of their thousands of uses.
        self.env.globals.update(t={k: Markup(escape(v)) for k, v in self.words.items()}, lang=language, layout=layout)

    def local_date(self, moment: dt.datetime) -> str:
        """The day of ``moment`` where the councils are, in words."""
        return str(self.env.filters["date"](moment.astimezone(self.zone).date()))

    def absolute(self, path: str) -> str:
        """The public URL of a page, or "" when the site's URL is not configured."""
        return f"{self.site_url}/{path}" if self.site_url else ""

    def page(self, template: str, path: str, **context: Any) -> str:
        """An HTML page that will live at ``path``: its links are relative to it."""
        return self.env.get_template(template).render(root=layout.root_of(path), path=path, **context)

    def feed(self, path: str, **context: Any) -> str:
        """An Atom feed that will live at ``path``."""
        root = f"{self.site_url}/" if self.site_url else layout.root_of(path)
        return self.env.get_template("feed.atom.j2").render(
            root=root, path=path, feed_id=layout.feed_id(path, self.site_url), **context
        )
