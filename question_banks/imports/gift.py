"""GIFT, Moodle's hand-writable text format.

Supported: ``::title::`` names, ``$CATEGORY:`` lines, ``//`` comment lines, the escapes
``\\~ \\= \\# \\{ \\} \\: \\\\`` and ``\\n``, ``[html]``/``[moodle]``/``[markdown]``/``[plain]``
text formats (on the question and on each answer), multiple choice ``{=right ~wrong}``,
multiple answers with weights ``{~%50%A ~%50%B ~%-100%C}``, true/false ``{T}``/``{TRUE}``/
``{F}``/``{FALSE}``, per-answer feedback ``#...`` (dropped: the product has no per-option
feedback) and general feedback ``####...`` (kept as the explanation). Weights are read as
Moodle reads them and decide which answers are right (see `weights`): one answer worth 100 %
among partly credited ones is single choice; a question whose weights cannot be said with right
and wrong answers is reported, not guessed. A picture (``@@PLUGINFILE@@``) is reported too:
a GIFT file cannot carry it.

GIFT types the product does not have are skipped by name with a reason: essay ``{}``,
numerical ``{#...}``, short answer (only ``=`` answers), matching (``->``) and description (no
braces). Text after the closing brace makes a "missing word" question (``_____`` in the stem),
except stray punctuation such as the ``";`` left over in Moodle's own fixture, which is ignored.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from question_banks.choices import QuestionType

from .media import file_problems
from .model import (
    OPTION_KEYS,
    ParsedOption,
    ParsedQuestion,
    ParseResult,
    RowError,
    Skipped,
    Source,
    check_question,
    clean_category_path,
    judge_options,
    keeps_option_order,
    looks_like_html,
    plain_text,
    unify_formats,
)
from .textfile import read_text, source_name
from .weights import decide, is_grade_option, percent

# Escaped characters are swapped for private-use code points before parsing, so the parser
# only ever sees unescaped special characters, and swapped back in the final texts.
_ESCAPES = {
    "\\\\": "\ue000",
    "\\~": "\ue001",
    "\\=": "\ue002",
    "\\#": "\ue003",
    "\\{": "\ue004",
    "\\}": "\ue005",
    "\\:": "\ue006",
}
_RESTORE = {v: k[1] for k, v in _ESCAPES.items()}
_FORMAT_RE = re.compile(r"^\s*\[(html|moodle|markdown|plain)\]", re.IGNORECASE)
_JUDGE_RE = re.compile(r"^(TRUE|FALSE|T|F)\s*(#.*)?$", re.IGNORECASE | re.DOTALL)
_WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


def escape_text(text: str) -> str:
    """The inverse of reading: what a GIFT writer would put for `text`."""
    text = text.replace("\\", "\\\\")
    for ch in "~=#{}:":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", "\\n")


def _protect(text: str) -> str:
    for escaped, marker in _ESCAPES.items():
        text = text.replace(escaped, marker)
    return text


def _restore(text: str) -> str:
    text = text.replace("\\n", "\n")
    for marker, ch in _RESTORE.items():
        text = text.replace(marker, ch)
    return text.strip()


def _declared_format(text: str, default: str) -> str:
    match = _FORMAT_RE.match(text)
    return match.group(1).lower() if match else default


def _split_format(text: str, default: str) -> tuple[str, str]:
    """("[html]<p>x</p>", _) → ("<p>x</p>", "html").

    `default` is the question's declared format, which answers inherit. Moodle's auto format
    (the default) counts as HTML only when the text has real tags, so "x < 3" stays plain;
    markdown is kept as plain text.
    """
    match = _FORMAT_RE.match(text)
    fmt = match.group(1).lower() if match else default
    body = _restore(text[match.end() :] if match else text)
    if fmt == "html" or (fmt == "moodle" and looks_like_html(body)):
        return body, "html"
    return body, "plain"


def _blocks(text: str):
    """(first line number, lines) per blank-line-separated block, comment lines removed."""
    block, start = [], None
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if not stripped:
            if block:
                yield start, block
            block, start = [], None
            continue
        if start is None:
            start = number
        block.append(line)
    if block:
        yield start, block


def parse(data, filename: str | None = None) -> ParseResult:
    result = ParseResult()
    file = source_name(data, filename)
    category: list[str] = []
    for line, lines in _blocks(_protect(read_text(data))):
        while lines and lines[0].strip().startswith("$CATEGORY:"):
            category = clean_category_path(_restore(lines.pop(0).strip()[len("$CATEGORY:") :]))
        if lines:
            _parse_block("\n".join(lines).strip(), line, category, file, result)
    result.label_fields()
    result.flag_near_duplicates()
    return result


def _parse_block(text: str, line: int, category, file, result: ParseResult) -> None:
    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end > 0:
            name, text = _restore(text[2:end]), text[end + 2 :]
    start, finish = text.find("{"), text.rfind("}")
    if start < 0:
        body, _fmt = _split_format(text, "moodle")
        _skip(result, name or plain_text(body)[:60], "description", line)
        return
    if finish < start:
        result.errors.append(
            RowError(
                line,
                "answers",
                plain_text(_restore(text))[:80],
                _("The answers have no closing brace."),
                "unclosed_brace",
            )
        )
        return
    answers = text[start + 1 : finish].strip()
    after = text[finish + 1 :].strip()
    stem_text = text[:start]
    if re.search(r"\w", after):  # "missing word": the blank goes where the answers were
        stem_text = f"{stem_text.rstrip()} _____ {after}"
    declared = _declared_format(stem_text, "moodle")
    stem, stem_format = _split_format(stem_text, declared)
    name = name or plain_text(stem)[:60]

    if not answers:
        _skip(result, name, "essay", line)
    elif answers.startswith("#"):
        _skip(result, name, "numerical", line)
    elif "->" in answers and answers.lstrip().startswith("="):
        _skip(result, name, "matching", line)
    elif judge := _JUDGE_RE.match(answers):
        explanation, _ignored = _general_feedback(judge.group(2) or "")
        explanation, expl_format = _split_format(explanation, declared)
        question = ParsedQuestion(
            QuestionType.JUDGE, stem, judge_options(judge.group(1).upper().startswith("T"))
        )
        question.shuffle_options = False
        _finish(
            question,
            [(stem, stem_format), (explanation, expl_format)],
            name,
            category,
            Source(file, line),
            result,
        )
    elif "~" in answers:
        _multichoice(
            answers, (stem, stem_format), declared, name, category, Source(file, line), result
        )
    elif answers.startswith("="):
        _skip(result, name, "shortanswer", line)
    else:
        result.errors.append(
            RowError(
                line,
                "answers",
                plain_text(_restore(answers))[:80],
                _("These answers are not a GIFT question type."),
                "unknown_gift_type",
            )
        )


def _general_feedback(answers: str) -> tuple[str, str]:
    """Split "...####general" into (general feedback, the rest)."""
    head, sep, general = answers.partition("####")
    return (general, head) if sep else ("", answers)


def _multichoice(answers, stem_part, declared, name, category, source, result) -> None:
    """Moodle's reading (qformat_gift::readquestion): "=" is worth 100 %, "~%w%" w %, a bare "~"
    nothing; the question is single-answer when any "=" is present. Which answers end up right
    is decided by the weights (see `weights`)."""
    general, answers = _general_feedback(answers)
    pieces = re.split(r"([=~])", answers)
    if pieces[0].strip():  # text before the first marker is an answer worth nothing
        pieces = ["", "~", *pieces]
    options, parts, fractions, problems = [], [stem_part], [], []
    for marker, raw in zip(pieces[1::2], pieces[2::2], strict=True):
        raw = raw.strip()
        weight = _WEIGHT_RE.match(raw)
        if weight:
            raw = raw[weight.end() :]
        if marker == "=":
            fraction = 1.0
            if weight:
                problems.append(
                    (
                        "answers",
                        f"={weight.group(0)}",
                        "weight_after_equals",
                        _(
                            "“=” already marks the answer worth 100%%; Moodle does not read "
                            "the weight %(weight)s after it. Write “~%(weight)s” instead."
                        )
                        % {"weight": weight.group(0)},
                    )
                )
        else:
            fraction = float(weight.group(1)) / 100 if weight else 0.0
            if not is_grade_option(fraction):
                problems.append(
                    (
                        "answers",
                        weight.group(0),
                        "invalid_grade",
                        _("This grade is not one of Moodle's grade options."),
                    )
                )
        text, _feedback = raw.split("#", 1) if "#" in raw else (raw, "")
        text, fmt = _split_format(text, declared)
        key = OPTION_KEYS[len(options)] if len(options) < len(OPTION_KEYS) else "?"
        options.append(ParsedOption(key, text))
        fractions.append(fraction)
        parts.append((text, fmt))
    parts.append(_split_format(general, declared))
    decision = decide(fractions, single="=" in pieces[1::2])
    if not problems and not decision.ok and len(options) >= 2:
        shown = ", ".join(f"{o.key} {percent(f)}" for o, f in zip(options, fractions, strict=True))
        problems.append(("answers", shown, decision.code, decision.reason))
    for option, correct in zip(options, decision.correct, strict=False):
        option.correct = correct
    question = ParsedQuestion(decision.kind or QuestionType.SINGLE, stem_part[0], options)
    question.shuffle_options = not keeps_option_order(options)
    _finish(question, parts, name, category, source, result, problems)


def _finish(question, parts, name, category, source, result, problems=()) -> None:
    """Give the question one text format, check it, and add it or its errors.

    `problems` found while reading the answers come first; the general checks only run when
    there are none, so one mistake is reported once."""
    fmt, texts = unify_formats(parts)
    question.text_format = fmt
    question.stem, question.explanation = texts[0], texts[-1]
    for option, text in zip(
        question.options if question.type != QuestionType.JUDGE else [], texts[1:-1], strict=False
    ):
        option.text = text
    question.name, question.category, question.source = name, list(category), source
    problems = list(problems) or check_question(question)
    shown = [question.stem, question.explanation, *[o.text for o in question.options]]
    problems += file_problems(shown, {}, fmt="gift")
    for field_name, value, code, reason in problems:
        result.errors.append(RowError(source.line, field_name, value, reason, code))
    if not problems:
        result.questions.append(question)


def _skip(result: ParseResult, name: str, qtype: str, line: int) -> None:
    result.skipped.append(Skipped(name, qtype, _("This question type cannot be imported."), line))
