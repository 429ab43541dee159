"""The Excel question template of CONTRACT.md, read (question_banks.exports.excel writes it).

Columns (headers in Chinese; synonyms and a title row above the header are accepted):
题型, 题干, 选项A … 选项F, 答案, 解析, 分类, 难度, 适用人员. Training bodies' own sheets vary,
so the reader also accepts 类型/试题类型, 题目/试题内容/问题, A…F or 选项1…选项6, 正确答案/
标准答案, 答案解析/试题解析, 知识点/章节, 难易程度, 适用工种/适用对象, and banks split into one
sheet per type (a sheet named 单选题 needs no 题型 column). Every sheet with a recognisable
header is read.

A 案例分析 (case) question is a row of type 案例分析 holding the scenario, followed by its
sub-questions as rows of type 案例分析-单选题 / 案例分析-多选题 / 案例分析-判断题 (also 案例-单选,
子题-判断 ...).

The workbook is read by the product's one spreadsheet reader (documents.sheets): unpacked
size, rows, columns, cells and cell lengths are checked before and while it is parsed, cached
values only (a formula is never evaluated). Every problem of every row is reported with the
row number Excel shows and the column header as written in the sheet.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from django.utils.translation import gettext as _

from documents.errors import FileProblem
from documents.sheets import Sheet, read_sheets
from question_banks.choices import QuestionType

from .model import (
    OPTION_KEYS,
    ParsedOption,
    ParsedQuestion,
    ParseResult,
    RowError,
    Source,
    judge_options,
    keeps_option_order,
    looks_like_html,
)

HEADERS = [
    "题型",
    "题干",
    *[f"选项{k}" for k in OPTION_KEYS],
    "答案",
    "解析",
    "分类",
    "难度",
    "适用人员",
]
_SYNONYMS = {
    "type": ("题型", "类型", "试题类型", "题目类型"),
    "stem": ("题干", "题目", "试题内容", "问题", "题目内容", "试题"),
    "answer": ("答案", "正确答案", "标准答案", "参考答案"),
    "explanation": ("解析", "答案解析", "试题解析"),
    "category": ("分类", "知识点", "章节"),
    "difficulty": ("难度", "难易程度", "难易度"),
    "tags": ("适用人员", "适用工种", "适用对象"),
}
_DIGITS = "123456"
_CHINESE_DIGITS = "一二三四五六"
for _i, _key in enumerate(OPTION_KEYS):
    _SYNONYMS[_key] = (
        f"选项{_key}",
        _key,
        f"{_key}选项",
        f"选项{_DIGITS[_i]}",
        f"选项{_CHINESE_DIGITS[_i]}",
    )
_HEADER_LOOKUP = {name: key for key, names in _SYNONYMS.items() for name in names}

_TYPES = {
    QuestionType.SINGLE: ("单选题", "单选", "单项选择题", "单项选择", "单选择题"),
    QuestionType.MULTIPLE: ("多选题", "多选", "多项选择题", "多项选择", "多选择题"),
    QuestionType.JUDGE: ("判断题", "判断", "是非题"),
    QuestionType.CASE: ("案例分析", "案例分析题", "案例题", "案例"),
}
_TYPE_LOOKUP = {name: key for key, names in _TYPES.items() for name in names}
_PART_RE = re.compile(r"^(?:案例分析题?|案例题?|子题)[-_:·/(—]+(.+?)\)?$")
_TRUE = {"对", "正确", "√", "✓", "✔", "A", "T", "TRUE", "Y", "YES", "是"}
_FALSE = {"错", "错误", "×", "✗", "✘", "B", "F", "FALSE", "N", "NO", "否", "不正确"}
_DIFFICULTY = {
    "1": 1,
    "2": 2,
    "3": 3,
    "易": 1,
    "简单": 1,
    "容易": 1,
    "较易": 1,
    "中": 2,
    "一般": 2,
    "中等": 2,
    "适中": 2,
    "难": 3,
    "困难": 3,
    "较难": 3,
}
_ANSWER_SEPARATORS = re.compile(r"[\s,、;/|.]+")
_CATEGORY_SEPARATORS = re.compile(r"\s*[/>→\\]\s*")
_TAG_SEPARATORS = re.compile(r"[,、;\n]+")


def _norm(value: str) -> str:
    """Full-width to half-width, no spaces: "（必填）题 型" → "题型"."""
    value = unicodedata.normalize("NFKC", value)
    value = re.sub(r"\(.*?\)|\[.*?\]|\*", "", value)
    return re.sub(r"\s+", "", value).upper()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def question_type(value: str) -> tuple[str | None, bool]:
    """("单选题" → ("single", False)); ("案例-判断" → ("judge", True)): type and is-sub-question."""
    value = unicodedata.normalize("NFKC", value).replace(" ", "")
    if value in _TYPE_LOOKUP:
        return _TYPE_LOOKUP[value], False
    part = _PART_RE.match(value)
    if part and _TYPE_LOOKUP.get(part.group(1)) in (
        QuestionType.SINGLE,
        QuestionType.MULTIPLE,
        QuestionType.JUDGE,
    ):
        return _TYPE_LOOKUP[part.group(1)], True
    return None, False


def parse_answer_letters(value: str) -> str | None:
    """ "A、B、D" / "a,b,d" / "ＡＢＤ" → "ABD"; None when anything but option letters is left."""
    letters = _ANSWER_SEPARATORS.sub("", unicodedata.normalize("NFKC", value).upper())
    if not letters or any(ch not in OPTION_KEYS for ch in letters):
        return None
    return "".join(dict.fromkeys(letters))


def parse_judge_answer(value: str) -> bool | None:
    word = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value).upper())
    return True if word in _TRUE else False if word in _FALSE else None


def parse_difficulty(value: str) -> int | None:
    return _DIFFICULTY.get(re.sub(r"\s+", "", value))


def _find_header(rows: list[tuple]) -> tuple[int, dict[str, int], dict[str, str]] | None:
    """(row number, key → column index, key → header text) of the first header-like row."""
    for number, row in enumerate(rows, start=1):
        columns, names = {}, {}
        for index, value in enumerate(row):
            key = _HEADER_LOOKUP.get(_norm(_cell(value)))
            if key and key not in columns:
                columns[key], names[key] = index, _cell(value)
        if "stem" in columns and ("answer" in columns or "type" in columns):
            return number, columns, names
    return None


def parse(data, filename: str | None = None) -> ParseResult:
    """Read every sheet that has the template's header; see the module docstring.

    `data` is the file's bytes, a path or an open binary file."""
    result = ParseResult()
    if isinstance(data, Path):
        filename = filename or data.name
        data = data.read_bytes()
    elif not isinstance(data, bytes):
        data = data.read()
    file = filename or ""
    try:
        sheets = read_sheets(data, file, kind="xlsx")
    except FileProblem as exc:
        result.errors.append(RowError(None, "file", "", str(exc), "bad_file"))
        return result
    found = False
    for sheet in sheets:
        found = _parse_sheet(sheet, file, result) or found
    if not found:
        result.errors.append(
            RowError(
                None, "题干", "", _("No sheet has a header row with 题干 and 答案."), "no_header"
            )
        )
    result.flag_near_duplicates()
    return result


class _Sheet:
    """One sheet's column layout, and row-level error reporting in its words."""

    def __init__(self, sheet, file, columns, names, result):
        self.title, self.file, self.columns, self.names = sheet.title, file, columns, names
        self.result = result
        self.default_type = question_type(_norm(sheet.title))[0]

    def get(self, row: tuple, key: str) -> str:
        index = self.columns.get(key)
        return _cell(row[index]) if index is not None and index < len(row) else ""

    def header(self, key: str) -> str:
        return self.names.get(key) or {"type": "题型", "stem": "题干", "answer": "答案"}.get(
            key, f"选项{key}" if key in OPTION_KEYS else key
        )

    def error(self, number, key, value, code, reason):
        self.result.errors.append(
            RowError(number, self.header(key), value, reason, code, self.title)
        )


def _parse_sheet(sheet: Sheet, file, result) -> bool:
    head = sheet.rows[:10]
    found = _find_header(head)
    if found is None:
        return False
    header_row, columns, names = found
    layout = _Sheet(sheet, file, columns, names, result)
    if "type" not in columns and layout.default_type is None:
        layout.error(
            header_row,
            "type",
            "",
            "no_type_column",
            _("No 题型 column, and the sheet name is not a question type."),
        )
        return True

    case: ParsedQuestion | None = None  # the 案例分析 that sub-question rows attach to
    case_ok = True

    def close_case():
        if case is None:
            return
        if not case.sub_questions and case_ok:
            layout.error(
                case.source.line,
                "type",
                "案例分析",
                "case_without_parts",
                _("A case has no sub-question rows after it."),
            )
        elif case_ok:
            result.questions.append(case)

    for number, row in enumerate(sheet.rows[header_row:], start=header_row + 1):
        if not any(_cell(v) for v in row):
            continue
        question, is_part, ok = _parse_row(layout, row, number)
        if is_part:
            if case is None:
                layout.error(
                    number,
                    "type",
                    layout.get(row, "type"),
                    "part_without_case",
                    _("A case sub-question must follow a 案例分析 row."),
                )
            elif question is not None and ok:
                case.sub_questions.append(question)
            else:
                case_ok = False
            continue
        close_case()
        case, case_ok = None, True
        if question is not None and question.type == QuestionType.CASE:
            case, case_ok = question, ok
        elif question is not None and ok:
            result.questions.append(question)
    close_case()
    return True


def _parse_row(layout: _Sheet, row: tuple, number: int):
    """(question or None, is a case sub-question, no errors) for one row; errors recorded."""
    errors_before = len(layout.result.errors)
    type_text = layout.get(row, "type")
    if type_text:
        qtype, is_part = question_type(type_text)
    else:
        qtype, is_part = layout.default_type, False
    if qtype is None:
        layout.error(number, "type", type_text, "unknown_type", _("Unknown question type."))

    stem = layout.get(row, "stem")
    if not stem:
        layout.error(number, "stem", "", "empty_stem", _("The question text is empty."))
    difficulty_text = layout.get(row, "difficulty")
    difficulty = parse_difficulty(difficulty_text) if difficulty_text else None
    if difficulty_text and difficulty is None:
        layout.error(
            number,
            "difficulty",
            difficulty_text,
            "bad_difficulty",
            _("Difficulty must be 1-3 or 易/中/难."),
        )

    texts = {key: layout.get(row, key) for key in OPTION_KEYS}
    last = max((i for i, k in enumerate(OPTION_KEYS) if texts[k]), default=-1)
    options = [ParsedOption(k, texts[k]) for k in OPTION_KEYS[: last + 1]]
    for option in options:
        if not option.text:
            layout.error(
                number,
                option.key,
                "",
                "option_gap",
                _("An option is empty while a later one is filled."),
            )
    answer = layout.get(row, "answer")

    if qtype == QuestionType.JUDGE:
        options = _judge(layout, number, options, answer)
    elif qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        _choice(layout, number, qtype, options, answer)

    explanation = layout.get(row, "explanation")
    question = None
    if qtype is not None:
        question = ParsedQuestion(qtype, stem, options if qtype != QuestionType.CASE else [])
        question.explanation = explanation
        question.difficulty = None if is_part else difficulty
        question.shuffle_options = qtype not in (
            QuestionType.JUDGE,
            QuestionType.CASE,
        ) and not keeps_option_order(options)
        all_texts = [stem, explanation, *(o.text for o in question.options)]
        question.text_format = "html" if any(looks_like_html(t) for t in all_texts) else "plain"
        question.source = Source(layout.file, number, layout.title)
        if not is_part:
            category = layout.get(row, "category")
            question.category = [c for c in _CATEGORY_SEPARATORS.split(category) if c]
            question.tags = [
                t.strip() for t in _TAG_SEPARATORS.split(layout.get(row, "tags")) if t.strip()
            ]
    return question, is_part, len(layout.result.errors) == errors_before


def _judge(layout, number, options, answer) -> list[ParsedOption]:
    truth = parse_judge_answer(answer)
    if not options:
        if truth is None:
            layout.error(
                number,
                "answer",
                answer,
                "bad_judge_answer",
                _("A true/false answer must be 对/错, 正确/错误, √/×, T/F ..."),
            )
            return []
        return judge_options(truth)
    if len(options) != 2:
        layout.error(
            number,
            "A",
            str(len(options)),
            "judge_options",
            _("A true/false question has exactly two options."),
        )
        return options
    letter = parse_answer_letters(answer)
    if letter not in ("A", "B"):
        if truth is None:
            layout.error(
                number,
                "answer",
                answer,
                "bad_judge_answer",
                _("A true/false answer must be 对/错, 正确/错误, √/×, T/F ..."),
            )
            return options
        # 对/错 against written-out options: pick the option that says so, else A is "true".
        said_true = [parse_judge_answer(o.text) for o in options]
        letter = "A" if (said_true[0] is not False) == truth else "B"
    for option in options:
        option.correct = option.key == letter
    return options


def _choice(layout, number, qtype, options, answer) -> None:
    if len([o for o in options if o.text]) < 2:
        layout.error(
            number, "A", str(len(options)), "too_few_options", _("At least 2 options needed.")
        )
    letters = parse_answer_letters(answer)
    if letters is None:
        layout.error(
            number,
            "answer",
            answer,
            "bad_answer" if answer else "no_answer",
            _("The answer must be option letters such as B or ABD."),
        )
        return
    filled = {o.key for o in options if o.text}
    for letter in letters:
        if letter not in filled:
            layout.error(
                number,
                "answer",
                answer,
                "answer_empty_option",
                _("The answer names an option that is empty."),
            )
    if qtype == QuestionType.SINGLE and len(letters) != 1:
        layout.error(
            number,
            "answer",
            answer,
            "single_needs_one",
            _("A single-choice question has exactly one answer."),
        )
    if qtype == QuestionType.MULTIPLE and len(letters) < 2:
        layout.error(
            number,
            "answer",
            answer,
            "multiple_needs_two",
            _("A multiple-choice question has at least two answers."),
        )
    for option in options:
        option.correct = option.key in letters
