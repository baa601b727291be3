"""PostgreSQL schemas: several Vigie databases inside one PostgreSQL database.

A schema is chosen through the URL (``?options=-csearch_path%3D<schema>``, see
docs/operations.md); the tests and the benchmark each make a scratch schema this way.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text


def schema_url(server_url: str, schema: str) -> str:
    """``server_url`` with every connection's ``search_path`` set to ``schema``."""
    separator = "&" if "?" in server_url else "?"
    return f"{server_url}{separator}options=-csearch_path%3D{schema}"


@contextmanager
def scratch_schema(server_url: str, prefix: str = "scratch") -> Iterator[str]:
    """A new, empty schema on the PostgreSQL server at ``server_url``, dropped with all it holds
    when the block ends; yields the URL that selects it."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield schema_url(server_url, schema)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()
