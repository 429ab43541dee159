"""The formula guard: text that people typed never becomes a live formula in an export.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (OWASP "CSV injection", CWE-1236), or
with a tab or carriage return before one, is read by Excel, WPS and LibreOffice as a
formula: ``=HYPERLINK("http://…","点此")`` in a person's name becomes a link that leaks data
when an administrator opens the export. The full-width forms (``＝＋－＠``) are treated the
same as a precaution, since Chinese input methods type them and spreadsheet programs
normalise full-width input.

How each format is guarded:

* .xlsx (:mod:`documents.xlsx`): every string is written as a string cell (openpyxl's
  ``data_type = "s"``), whatever it starts with, so it is never a formula and needs no prefix:
  the file shows and re-imports exactly the text that was stored (roster and question exports
  round-trip).
* .csv (:mod:`documents.csvfile`): CSV has no cell types, so a risky text gets a leading
  apostrophe (``'=1+1``), the OWASP advice. The CSV reader of imports removes that apostrophe
  again (:func:`unguard`), so a guarded file reads back as what was written.

Numbers, dates and empty cells are never touched: only text is guarded.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
PREFIX = "'"


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet program could take ``text`` for a formula."""
    return text.startswith(FORMULA_STARTS)


def csv_text(value: object) -> object:
    """A CSV cell value: risky text gets the apostrophe; anything else is returned as is."""
    if isinstance(value, str) and looks_like_formula(value):
        return PREFIX + value
    return value


def unguard(text: str) -> str:
    """Undo :func:`csv_text` on text read back from a CSV file."""
    if text.startswith(PREFIX) and looks_like_formula(text[1:]):
        return text[1:]
    return text
