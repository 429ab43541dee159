"""Writing .csv files: every CSV the product hands out is written by :func:`csv_bytes`.

UTF-8 with a byte-order mark, so Excel on a Chinese Windows opens it correctly and Python's
csv (``encoding="utf-8-sig"``) or pandas read it as plain UTF-8. Text goes through the
formula guard (:func:`documents.guard.csv_text`: a leading apostrophe before ``=``, ``+``,
``-``, ``@`` …); numbers are written as numbers, floats with ``float_format``, and missing
values (None, pandas' NA) as empty cells.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence

from django.utils.functional import Promise

from .guard import csv_text


def _value(value: object, float_format: str) -> object:
    if value is None:
        return ""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, float):
        return "" if math.isnan(value) else float_format % value
    if type(value).__name__ == "NAType":  # pandas.NA, without importing pandas here
        return ""
    return csv_text(value)


def csv_bytes(
    header: Sequence[object], rows: Iterable[Sequence[object]], *, float_format: str = "%s"
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_value(v, float_format) for v in header])
    for row in rows:
        writer.writerow([_value(v, float_format) for v in row])
    return buffer.getvalue().encode("utf-8-sig")
