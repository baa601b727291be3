"""Vigie: a lookout over city councils for surveillance technologies."""

__version__ = "0.1.0"
