"""Vigie's storage: the database (SQLAlchemy models, Alembic migrations) and the archive of files."""
