"""Aiken: the simplest single-answer format, one question per block.

    Question text (may run over several lines before the first option)
    A. option            (also "A)", "A、", "A．", with or without a space)
    B. option
    ANSWER: B            (also "答案:"; several letters make a multiple-choice question)

Errors are the ones Moodle reports for the same file: options or an ANSWER with no question
before them ("not started"), an ANSWER after fewer than two options, and a question left
without its ANSWER ("not completed"). Each bad question is reported at its own first line
(Moodle names the line where it noticed, which is the next question's), and a broken question
never takes the next one's lines along (see `_Reader`).
Two options reading True/False (or 正确/错误, 对/错) make a judge question.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from question_banks.choices import QuestionType

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
    reader = _Reader(result, file)
    for number, raw in enumerate(read_text(data).split("\n"), start=1):
        reader.line(number, raw.strip())
    reader.close_question()
    result.label_fields()
    result.flag_near_duplicates()
    return result


class _Reader:
    """One pass over the lines. A question is its stem lines (several lines are accepted while
    no blank line comes between them), its lettered options, then its ANSWER line.

    An unfinished question is reported at its own first line and dropped as soon as something
    shows it is over, so it never takes the next question's lines: a new stem after its options
    (or, for a stem with no options yet, after a blank line), or options lettered from A again.
    Options with no stem before them are reported once for the run of them and skipped up to
    their ANSWER line or the next blank line.
    """

    def __init__(self, result: ParseResult, file: str) -> None:
        self.result, self.file = result, file
        self.current: dict | None = None
        self.orphans = False  # inside a run of options that has no stem
        self.gap = False  # a blank line since the last line of the current question

    def error(self, line, field, value, code, reason) -> None:
        self.result.errors.append(RowError(line, field, value, reason, code))

    def close_question(self) -> None:
        """The current question ends without its ANSWER line: report it at its first line."""
        current, self.current = self.current, None
        if current is None:
            return
        if current["options"]:
            reason = _("This question has no ANSWER line; it was not imported.")
        else:
            reason = _("This question has no options and no ANSWER line; it was not imported.")
        self.error(current["line"], "question", current["stem"][0], "not_completed", reason)

    def line(self, number: int, line: str) -> None:
        if not line:
            self.gap, self.orphans = True, False
            return
        head = unicodedata.normalize("NFKC", line[:12]) + line[12:]
        if answer := _ANSWER_RE.match(head):
            self.answer(number, line, answer.group(2))
        elif option := _OPTION_RE.match(head):
            self.option(number, line, option.group(1), option.group(2).strip())
        else:
            self.stem(number, line)
        self.gap = False

    def answer(self, number: int, line: str, letters: str) -> None:
        current = self.current
        if current is None:
            if not self.orphans:
                self.error(
                    number,
                    "ANSWER",
                    line,
                    "not_started",
                    _("This ANSWER line has no question before it."),
                )
            self.orphans = False
            return
        self.current = None
        if len(current["options"]) < 2:
            self.error(
                current["line"],
                "ANSWER",
                line,
                "too_few_options",
                _("At least 2 options needed."),
            )
            return
        _finish(current, letters, number, line, self.result, self.file)

    def option(self, number: int, line: str, letter: str, text: str) -> None:
        current = self.current
        if current is not None and current["options"] and letter == "A":
            self.close_question()  # lettering starts again: the question before had no ANSWER
            current = None
        if current is None:
            if not self.orphans:
                self.error(
                    number,
                    "option",
                    line,
                    "not_started",
                    _("These options have no question text before them; they were skipped."),
                )
            self.orphans = True
            return
        current["options"].append((letter, text, number))

    def stem(self, number: int, line: str) -> None:
        current = self.current
        if current is not None and (current["options"] or self.gap):
            self.close_question()
            current = None
        self.orphans = False
        if current is None:
            self.current = {"stem": [line], "line": number, "options": []}
        else:
            current["stem"].append(line)


def _finish(current, letters_text, number, line, result, file):
    options = []
    for expected, (letter, text, _line) in zip(OPTION_KEYS, current["options"], strict=False):
        if letter != expected:
            result.errors.append(
                RowError(
                    current["line"],  # the question's line: one report line per question
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
                current["line"],
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
        question = ParsedQuestion(QuestionType.JUDGE, stem, judge_options(options[0].correct))
        question.shuffle_options = False
    else:
        kind = QuestionType.SINGLE if len(letters) == 1 else QuestionType.MULTIPLE
        question = ParsedQuestion(kind, stem, options)
        question.shuffle_options = not keeps_option_order(options)
    question.source = Source(file, current["line"])
    question.name = stem[:60]
    problems = check_question(question)
    for field_name, value, code, reason in problems:
        result.errors.append(RowError(current["line"], field_name, value, reason, code))
    if not problems:
        result.questions.append(question)
