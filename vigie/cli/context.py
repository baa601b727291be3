"""What every command needs: the configuration, the database and the source registry."""

from __future__ import annotations

import logging
import sys
from functools import cached_property
from typing import TYPE_CHECKING

import click

from spiders.registry import RegistryError, SourceSpec, load_registry
from vigie.config import Config, ConfigError, load_config

if TYPE_CHECKING:
    from storage.db import Database

EXIT_OK, EXIT_SOURCE_FAILED, EXIT_CONFIG = 0, 1, 2


class App:
    """Built once per command; opening the database applies pending migrations.

    SQLAlchemy is imported only when a command opens the database (the command modules import it,
    and the models, inside their commands): it would be most of `vigie --help`'s start-up time.
    """

    def __init__(self, config: Config) -> None:
        self.config = config

    @cached_property
    def db(self) -> Database:
        """The database, migrated; one that cannot be opened is a configuration error."""
        from storage.db import Database, DatabaseUnavailable

        try:
            return Database(self.config.database)
        except DatabaseUnavailable as exc:
            if self.config.database_url:
                raise ConfigError(
                    f"VIGIE_DATABASE_URL: {exc}; check the URL, and that the server runs and accepts this user"
                ) from None
            raise ConfigError(f"VIGIE_DATA_DIR: {exc}; choose a folder Vigie can write") from None

    @cached_property
    def registry(self) -> dict[str, SourceSpec]:
        dirs = [d for d in self.config.sources_dirs.split(":") if d]
        return load_registry(dirs, bundled=self.config.bundled_sources)


def fail_config(message: str) -> None:
    """Print a configuration error and exit with status 2."""
    click.secho(f"Configuration error: {message}", fg="red", err=True)
    sys.exit(EXIT_CONFIG)


class VigieGroup(click.Group):
    """The `vigie` group: a configuration error found while a command runs (a setting, the
    database) ends it with one line and status 2, never a traceback; so does a database error,
    with status 1, its URLs masked (PostgreSQL quotes a refused row, channel URLs included)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            fail_config(str(exc))
        except Exception as exc:
            if not _is_database_error(exc):
                raise
            from notify.redact import redact_urls

            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            click.secho(f"Database error: {redact_urls(reason)}", fg="red", err=True)
            sys.exit(EXIT_SOURCE_FAILED)


def _is_database_error(exc: Exception) -> bool:
    # Looked up rather than imported: commands that never open the database do not load SQLAlchemy.
    errors = sys.modules.get("sqlalchemy.exc")
    return errors is not None and isinstance(exc, errors.SQLAlchemyError)


def _quiet_robots_txt(record: logging.LogRecord) -> bool:
    # When robots.txt cannot be fetched, Scrapy logs a traceback, then tries the page itself,
    # whose failure the spider records in one line: the traceback is noise, shown only at DEBUG.
    # (A filter on the handler, because Scrapy's own logging set-up resets loggers' levels.)
    return record.name != "scrapy.downloadermiddlewares.robotstxt"


def configure_logging(level: str) -> None:
    """One handler on the root logger, filtering at ``level`` whatever libraries do to the root's level."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if level != "DEBUG":
        handler.addFilter(_quiet_robots_txt)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def make_app(verbose: int) -> App:
    try:
        config = load_config()
    except ConfigError as exc:
        fail_config(str(exc))
    level = "DEBUG" if verbose > 1 else "INFO" if verbose == 1 else config.log_level
    if verbose:
        config = config.with_overrides(log_level=level)
    configure_logging(level)
    return App(config)


def registry_or_exit(app: App) -> dict[str, SourceSpec]:
    try:
        return app.registry
    except RegistryError as exc:
        fail_config(str(exc))


pass_app = click.make_pass_decorator(App)
