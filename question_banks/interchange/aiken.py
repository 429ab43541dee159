"""Aiken: the simplest single-answer format, one question per block.

    Question text (may run over several lines before the first option)
    A. option            (also "A)", "A、", "A．", with or without a space)
    B. option
    ANSWER: B            (also "答案:"; several letters make a multiple-choice question)

Errors mirror what Moodle reports for the same file, with line numbers: an option or ANSWER
with no question before it ("not started"), an ANSWER after fewer than two options, and a new
question (or the end of the file) before the previous one got its ANSWER ("not completed").
Two options reading True/False (or 正确/错误, 对/错) make a judge question.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from .model import (
    OPTION_KEYS,
    ParsedOption,
    ParsedQuestion,
    ParseResult,
    RowError,
    Source,
    check_question,
    judge_options,
    keeps_option_order,
)
from .textfile import read_text, source_name

_OPTION_RE = re.compile(r"^([A-Z])\s*[).、]\s*(.*)$")
_ANSWER_RE = re.compile(r"^(ANSWER|答案)\s*[:：]\s*(.*)$", re.IGNORECASE)
_TRUE_WORDS = {"true", "正确", "对"}
_FALSE_WORDS = {"false", "错误", "错"}


def parse(data, filename: str | None = None) -> ParseResult:
    result = ParseResult()
    file = source_name(data, filename)
    current: dict | None = None

    def error(line, field, value, code, reason):
        result.errors.append(RowError(line, field, value, reason, code))

    for number, raw in enumerate(read_text(data).split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        head = unicodedata.normalize("NFKC", line[:12])
        option = _OPTION_RE.match(head + line[12:])
        answer = _ANSWER_RE.match(head + line[12:])
        if answer:
            if current is None:
                error(number, "ANSWER", line, "not_started", _("Question not started."))
                continue
            if len(current["options"]) < 2:
                error(number, "ANSWER", line, "too_few_options", _("At least 2 options needed."))
                current = None
                continue
            _finish(current, answer.group(2), number, line, result, file)
            current = None
        elif option:
            if current is None:
                error(number, "option", line, "not_started", _("Question not started."))
                continue
            current["options"].append((option.group(1), option.group(2).strip(), number))
        else:
            if current is not None and current["options"]:
                error(
                    number,
                    "question",
                    line,
                    "not_completed",
                    _("The previous question has no ANSWER line."),
                )
                current = None
            if current is None:
                current = {"stem": [line], "line": number, "options": []}
            else:
                current["stem"].append(line)
    if current is not None:
        error(
            current["line"],
            "question",
            current["stem"][0],
            "not_completed",
            _("The question has no ANSWER line."),
        )
    result.flag_near_duplicates()
    return result


def _finish(current, letters_text, number, line, result, file):
    options = []
    for expected, (letter, text, opt_line) in zip(OPTION_KEYS, current["options"], strict=False):
        if letter != expected:
            result.errors.append(
                RowError(
                    opt_line,
                    "option",
                    letter,
                    _("Options must be lettered A, B, C, ... in order."),
                    "option_order",
                )
            )
            return
        options.append(ParsedOption(letter, text))
    letters = re.sub(r"[\s,，、;；]", "", unicodedata.normalize("NFKC", letters_text)).upper()
    keys = [o.key for o in options]
    if not letters or any(ch not in keys for ch in letters):
        result.errors.append(
            RowError(
                number,
                "ANSWER",
                letters_text,
                _("The answer names no option of this question."),
                "answer_not_an_option",
            )
        )
        return
    for o in options:
        o.correct = o.key in letters
    stem = "\n".join(current["stem"])
    words = [o.text.strip().lower() for o in options]
    if len(options) == 2 and words[0] in _TRUE_WORDS and words[1] in _FALSE_WORDS:
        question = ParsedQuestion("judge", stem, judge_options(options[0].correct))
        question.shuffle_options = False
    else:
        kind = "single" if len(letters) == 1 else "multiple"
        question = ParsedQuestion(kind, stem, options)
        question.shuffle_options = not keeps_option_order(options)
    question.source = Source(file, current["line"])
    question.name = stem[:60]
    problems = check_question(question)
    for field_name, value, code, reason in problems:
        result.errors.append(RowError(current["line"], field_name, value, reason, code))
    if not problems:
        result.questions.append(question)
