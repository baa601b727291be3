"""Vigie's language side: text extraction from documents and detection of surveillance technologies."""
