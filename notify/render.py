"""Render alert messages from Jinja2 templates (bundled, or overridden from a folder).

Templates live in ``templates/<language>/``: ``subject.txt.j2``, ``email.txt.j2``,
``email.html.j2`` and ``chat.txt.j2``; a folder given as VIGIE_TEMPLATES_DIR with the same
layout overrides any of them (and may hold a ``labels.yaml``, see ``labels.py``).

HTML templates are autoescaped; text templates are not, and the chat template passes every
scraped string through the ``chat`` filter (no Markdown, no mentions, no live links).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    select_autoescape,
)

from notify import LANGUAGES
from notify.sanitize import chat_safe, one_line, trim

BUNDLED = Path(__file__).with_name("templates")
HTML = select_autoescape(["html.j2", "html"])
MONTHS = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def date_fr(value: dt.date) -> str:
    return f"{'1er' if value.day == 1 else value.day} {MONTHS['fr'][value.month - 1]} {value.year}"


def date_en(value: dt.date) -> str:
    return f"{value.day} {MONTHS['en'][value.month - 1]} {value.year}"


CURRENCIES = {"EUR": "€", "USD": "$", "GBP": "£"}


def money_fr(value: float, currency: str = "EUR") -> str:
    """223680.0 → "223 680 €" (narrow no-break spaces); cents only when there are some."""
    text = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    sign = CURRENCIES.get(currency, currency)
    return text.replace(",", "\u202f").replace(".", ",") + "\u00a0" + sign


def money_en(value: float, currency: str = "EUR") -> str:
    """223680.0 → "€223,680"; cents only when there are some."""
    text = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    sign = CURRENCIES.get(currency)
    return f"{sign}{text}" if sign else f"{text} {currency}"


def upper_first(value: str) -> str:
    """Capitalise the first letter only (Jinja's ``capitalize`` lowercases "LAPI")."""
    return value[:1].upper() + value[1:]


def head(value: str, limit: int) -> str:
    """The first ``limit`` characters, cut at a word, with an ellipsis."""
    if len(value) <= limit:
        return value
    return value[:limit].rsplit(" ", 1)[0] + "…"


def tail(value: str, limit: int) -> str:
    """The last ``limit`` characters, cut at a word, with an ellipsis."""
    if len(value) <= limit:
        return value
    return "…" + value[-limit:].split(" ", 1)[-1]


def environment(
    override_dir: str | Path | None = None,
    bundled: Path = BUNDLED,
    autoescape: bool | Callable[[str | None], bool] = HTML,
) -> Environment:
    """Templates from ``override_dir`` first, then the ``bundled`` ones (the alerts', or the
    site's). HTML is autoescaped: every string that comes from a council document is untrusted."""
    loaders = [FileSystemLoader(str(override_dir))] if override_dir else []
    loaders.append(FileSystemLoader(str(bundled)))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # A template is read once per process: otherwise each {% import %} of a macro file looks at
        # the file's date again, at every message.
        auto_reload=False,
    )
    env.filters.update(
        date_fr=date_fr,
        date_en=date_en,
        money_fr=money_fr,
        money_en=money_en,
        upper_first=upper_first,
        head=head,
        tail=tail,
        chat=chat_safe,
    )
    return env


@dataclass
class EmailContent:
    subject: str
    text: str
    html: str


@dataclass
class ChatContent:
    title: str
    body: str


class Renderer:
    """Renders one message in one language for email or for a chat service's size limits."""

    def __init__(self, override_dir: str | Path | None = None) -> None:
        self.env = environment(override_dir)
        self._templates: dict[str, Template] = {}

    @classmethod
    @lru_cache(maxsize=8)
    def shared(cls, override_dir: str | None = None) -> Renderer:
        """One renderer per templates folder in a process: its templates compiled once."""
        return cls(override_dir)

    def compile_all(self) -> None:
        """Compile every template (and the macros they import) now, before threads render with
        them: Jinja's cache has no lock, and eight threads' first messages each compiled them."""
        for path in self.env.list_templates(extensions=["j2"]):
            try:
                self._template(path)
            except TemplateError:
                pass  # a broken override: the messages that use it report it, as without this

    def _template(self, path: str) -> Template:
        """A template, compiled once, without Jinja's lookup in its cache at every message."""
        if path not in self._templates:
            self._templates[path] = self.env.get_template(path)
        return self._templates[path]

    def _render(self, language: str, name: str, context: dict[str, Any]) -> str:
        lang = language if language in LANGUAGES else "fr"
        return self._template(f"{lang}/{name}").render(**context)

    def subject(self, language: str, context: dict[str, Any], limit: int = 200) -> str:
        # A subject is one line: a title with CR/LF from a council cannot inject a header.
        return one_line(self._render(language, "subject.txt.j2", context), limit)

    def email(self, language: str, context: dict[str, Any]) -> EmailContent:
        subject = self.subject(language, context)
        context = {**context, "subject": subject}
        return EmailContent(
            subject,
            self._render(language, "email.txt.j2", context).strip() + "\n",
            self._render(language, "email.html.j2", context),
        )

    def chat(self, language: str, context: dict[str, Any], body_maxlen: int = 0, title_maxlen: int = 0) -> ChatContent:
        """A short text within the service's limits: fewer items (and "+N more") until it fits."""
        title = self.subject(language, context, title_maxlen if title_maxlen > 0 else 200)
        # A service without titles gets the title at the top of the body: leave room for it.
        budget = body_maxlen - (len(title) + 2 if title_maxlen <= 0 else 0) if body_maxlen > 0 else 0
        count = len(context["items"])
        shown = count
        while True:
            body = self._render(language, "chat.txt.j2", {**context, "shown": shown, "more": count - shown}).strip()
            if budget <= 0 or len(body) <= budget or shown <= 1:
                return ChatContent(title, trim(body, budget))
            shown = max(1, min(shown - 1, shown * budget // len(body)))
