"""The bad rows as a .csv the uploader opens in Excel next to the file (the web's "download
the bad rows" and the commands' --bad-rows). Written through documents.csvfile, so a value
someone typed as ``=…`` stays text."""

from __future__ import annotations

from collections.abc import Iterable

from documents.csvfile import csv_bytes

# The file's own headers, in Chinese whatever the interface language: it is a data file.
HEADER = ("行号", "列", "内容", "问题")


def bad_rows_csv(errors: Iterable) -> bytes:
    rows = sorted(errors, key=lambda e: (e.row is not None, e.row or 0))
    return csv_bytes(HEADER, [(e.row or "", e.column, e.value, e.reason) for e in rows])
