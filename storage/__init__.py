"""Vigie's storage: the database (SQLAlchemy models, Alembic migrations) and the archive of files."""

from storage.blobs import BlobStore
from storage.db import Database

__all__ = ["BlobStore", "Database"]
