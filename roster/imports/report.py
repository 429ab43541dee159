"""Kept for callers of the old location: the shared command reporting now lives in the import
framework, documents.imports.command."""

from documents.imports.command import bad_row_count, finish_import, write_bad_rows
from documents.imports.report import BadRow

__all__ = ["BadRow", "bad_row_count", "finish_import", "write_bad_rows"]
