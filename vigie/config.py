"""Load Vigie's configuration from the environment and an optional YAML file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from storage.safe_yaml import YAMLError, parse_yaml
from vigie import __version__
from vigie.settings import BY_KEY, SETTINGS, Settings

if TYPE_CHECKING:  # imported when used: `vigie settings` and the crawl need no apprise or Jinja
    from notify.deliver import NotifierSettings
    from notify.messages import Links
    from notify.policy import Policy


class ConfigError(Exception):
    """A configuration mistake; the message names the setting or file and the fix."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


_WANTED = {int: "an integer", float: "a number", bool: "true or false", str: "text"}


def _coerce(key: str, value: Any, origin: str) -> Any:
    wanted = BY_KEY[key].type
    if isinstance(wanted, type) and isinstance(value, wanted) and not (wanted is int and isinstance(value, bool)):
        return value
    text = str(value).strip()
    try:
        if wanted is bool:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError(text)
        return wanted(text)
    except ValueError:
        # A file names its settings by key, the environment by variable.
        name = BY_KEY[key].env if origin.startswith(("environment", "command line", "override")) else key
        raise ConfigError(f"{origin}: {name} must be {_WANTED.get(wanted) or wanted.__doc__}, got {text!r}") from None


@dataclass(frozen=True)
class Config(Settings):
    """The resolved settings, one typed field each (see :class:`vigie.settings.Settings`), and the
    file they were read from. Build it with :func:`load_config`."""

    config_file: Path | None = None

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser()

    @property
    def database(self) -> str:
        """The database URL, defaulting to a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_path / 'vigie.sqlite3').resolve()}"

    @property
    def user_agent(self) -> str:
        return f"Vigie/{__version__} (+{self.contact_url}; council agenda monitor)"

    def value(self, key: str) -> Any:
        """The value of the setting ``key`` (a field name of :class:`Settings`)."""
        if key not in BY_KEY:
            raise KeyError(key)
        return getattr(self, key)

    def with_overrides(self, **overrides: Any) -> Config:
        return replace(self, **{key: _coerce(key, value, "override") for key, value in overrides.items()})

    def delivery_policy(self) -> Policy:
        """The rules of alert delivery (``notify.policy.Policy``) from these settings, which have
        already checked their values."""
        from notify.policy import Policy

        return Policy(
            max_attempts=self.alert_max_attempts,
            rate_cap=self.alert_rate_cap,
            digest_hour=self.alert_digest_hour,
            timezone=ZoneInfo(self.alert_timezone),
            channel_timeout=self.channel_timeout_s,
        )

    def notifier_settings(self) -> NotifierSettings:
        """What the notifier needs of these settings (``notify.deliver.NotifierSettings``)."""
        from notify.deliver import NotifierSettings

        return NotifierSettings(self.delivery_policy(), self.message_links(), self.admin_url or None)

    def message_links(self) -> Links:
        """Where alert messages point, and their templates (``notify.messages.Links``)."""
        from notify.messages import Links

        return Links(public_url=self.public_url, unsubscribe_url=self.unsubscribe_url, templates_dir=self.templates_dir)


def load_config(environ: Mapping[str, str] | None = None, **overrides: Any) -> Config:
    """Resolve every setting from ``environ`` (default: ``os.environ``), the YAML file and defaults."""
    environ = os.environ if environ is None else environ
    path_text = environ.get("VIGIE_CONFIG", "")
    path = Path(path_text) if path_text else Path("vigie.yaml")
    from_file: dict[str, Any] = {}
    if path.is_file():
        try:
            loaded = parse_yaml(path.read_text(encoding="utf-8")) or {}
        except YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML ({exc}); fix the file or unset VIGIE_CONFIG") from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"{path}: expected a mapping of settings at the top level")
        unknown = sorted(set(loaded) - set(BY_KEY))
        if unknown:
            raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)}; see docs/settings.md")
        from_file = loaded
    elif path_text:
        raise ConfigError(f"VIGIE_CONFIG points to {path_text}, which does not exist")

    values: dict[str, Any] = {}
    for s in SETTINGS:
        if s.env in environ:
            values[s.key] = _coerce(s.key, environ[s.env], f"environment variable {s.env}")
        elif s.key in from_file:
            values[s.key] = _coerce(s.key, from_file[s.key], str(path))
        else:
            values[s.key] = s.default
    for key, value in overrides.items():
        if value is not None:
            values[key] = _coerce(key, value, "command line")
    return Config(**values, config_file=path if path.is_file() else None)
