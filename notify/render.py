"""Render alert messages from Jinja2 templates (bundled, or overridden from a folder)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

BUNDLED = Path(__file__).with_name("templates")
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre")


def date_fr(value: dt.date) -> str:
    return f"{'1er' if value.day == 1 else value.day} {MONTHS_FR[value.month - 1]} {value.year}"


def environment(override_dir: str | Path | None = None) -> Environment:
    """Templates from ``override_dir`` first, then the bundled ones. HTML is autoescaped:
    every string that comes from a council document is untrusted."""
    loaders = [FileSystemLoader(str(override_dir))] if override_dir else []
    loaders.append(FileSystemLoader(str(BUNDLED)))
    env = Environment(loader=ChoiceLoader(loaders), autoescape=select_autoescape(["html.j2", "html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["date_fr"] = date_fr
    return env


@dataclass
class Message:
    subject: str
    text: str
    html: str


def render_alert(env: Environment, language: str, context: dict) -> Message:
    lang = language if language in ("fr", "en") else "fr"
    subject = env.get_template(f"{lang}/subject.txt.j2").render(**context).strip()
    # No header injection through a council's title: a subject is one line.
    subject = " ".join(subject.split())[:200]
    context = {**context, "subject": subject}
    return Message(subject, env.get_template(f"{lang}/email.txt.j2").render(**context),
                   env.get_template(f"{lang}/email.html.j2").render(**context))


def labels(hits: Iterable) -> list[str]:
    return sorted({h.vendor or h.category for h in hits})
