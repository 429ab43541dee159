"""Questions out as the Excel template of CONTRACT.md, the one `imports.excel` reads: an
export re-imports to the same questions (tests/question_banks/test_imports_excel.py).

A 案例分析 (case) question is its row followed by one 案例分析-<type> row per sub-question, as
the reader expects. Every cell goes through documents.xlsx, so a stem that starts with "="
stays text and reads back the same.
"""

from __future__ import annotations

from documents import xlsx
from question_banks.choices import QuestionType
from question_banks.imports.excel import HEADERS
from question_banks.imports.model import JUDGE_FALSE, JUDGE_TRUE, OPTION_KEYS, ParsedQuestion

_TYPE_NAMES = {
    QuestionType.SINGLE: "单选题",
    QuestionType.MULTIPLE: "多选题",
    QuestionType.JUDGE: "判断题",
    QuestionType.CASE: "案例分析",
}


def _row_for(q: ParsedQuestion, part: bool) -> list:
    type_name = f"案例分析-{_TYPE_NAMES[q.type]}" if part else _TYPE_NAMES[q.type]
    options = {o.key: o.text for o in q.options}
    default_judge = q.type == QuestionType.JUDGE and [o.text for o in q.options] == [
        JUDGE_TRUE,
        JUDGE_FALSE,
    ]
    if q.type == QuestionType.JUDGE and default_judge:
        answer, options = (JUDGE_TRUE if q.options[0].correct else JUDGE_FALSE), {}
    else:
        answer = q.correct_keys
    return [
        type_name,
        q.stem,
        *[options.get(k, "") for k in OPTION_KEYS],
        answer,
        q.explanation,
        "" if part else "/".join(q.category),
        "" if part or q.difficulty is None else q.difficulty,
        "" if part else "、".join(q.tags),
    ]


def write(questions: list[ParsedQuestion], target=None) -> bytes | None:
    """The template as .xlsx; returns the bytes when `target` (a path or file) is not given.

    Embedded files cannot travel in a spreadsheet; export to Moodle XML to keep them.
    """
    book = xlsx.workbook()
    sheet = xlsx.add_sheet(
        book, "试题", widths=(10, 60, *(20,) * len(OPTION_KEYS), 8, 40, 20, 6, 20), freeze="A2"
    )
    xlsx.append(sheet, HEADERS)
    for q in questions:
        for values in [_row_for(q, False)] + [_row_for(s, True) for s in q.sub_questions]:
            xlsx.append(sheet, values)
    if target is not None:
        book.save(target)
        return None
    return xlsx.to_bytes(book)
