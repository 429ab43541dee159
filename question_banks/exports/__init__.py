"""Files out of question_banks: a bank's questions in the formats the product exports
(`excel`, `moodle_xml`: each re-imports through `question_banks.imports` to the same questions)
and a session's results (`results`). Nothing here writes to the database."""

from __future__ import annotations

from . import excel, moodle_xml

WRITERS = {"xlsx": excel.write, "moodle": moodle_xml.write}

__all__ = ["WRITERS"]
