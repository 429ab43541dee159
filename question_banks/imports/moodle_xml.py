"""Moodle XML read with defusedxml (no DTD, no entities, no external references), as Moodle
reads it; question_banks.exports.moodle_xml writes files this reader and Moodle import to the
same questions.

Read: multichoice (which answers are right, and whether the question is single or multiple
choice, follows from the answers' fractions and ``<single>`` as described in `weights`;
``<shuffleanswers>``), truefalse → judge, ``<question type="category">`` sets the category of
the questions after it. Every other type (essay, shortanswer, matching, numerical, description,
multianswer, calculated, ddwtos, ...) is skipped by name. Fractions that are not one of Moodle's
grade options (e.g. 33 instead of 33.33333) are errors, as Moodle reports them. Texts in
html/moodle_auto_format stay HTML (CDATA unwrapped), plain_text and markdown are plain.
``@@PLUGINFILE@@`` references are kept, and the embedded base64 ``<file>``s (and Moodle 1.9's
``<image>``/``<image_base64>``, put after the question text as Moodle does) that the kept texts
use are returned in ``ParsedQuestion.files``; what cannot be kept is reported (see `media`).
A ``description`` question tagged ``case:N`` and the questions after it tagged
``case-part:N`` are put back together as one 案例分析 (case) question; a ``difficulty:N`` tag
gives the difficulty (the writer's way of carrying what Moodle has no field for).
"""

from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext as _

from question_banks.choices import QuestionType

from .media import file_problems, referenced
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
    plain_text,
    to_html,
    unify_formats,
)
from .weights import decide, is_grade_option, percent

_LINE_ATTR = "{urn:safety-training}line"
_DIFFICULTY_TAG = re.compile(r"^difficulty:([123])$")
_CASE_TAG = re.compile(r"^case:(.+)$")
_PART_TAG = re.compile(r"^case-part:(.+)$")


class _LineNumbers(ET.TreeBuilder):
    """Records each element's line in a private attribute, for error reports."""

    parser = None

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        element.set(_LINE_ATTR, str(self.parser.parser.CurrentLineNumber))
        return element


def _load(data) -> ET.Element:
    target = _LineNumbers()
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    target.parser = parser
    parser.feed(data)
    return parser.close()


def parse(data, filename: str | None = None) -> ParseResult:
    result = ParseResult()
    if isinstance(data, Path):
        filename, data = filename or data.name, data.read_bytes()
    file = filename or ""
    try:
        root = _load(data)
    except DefusedXmlException as exc:
        result.errors.append(
            RowError(
                None,
                "XML",
                type(exc).__name__,
                _("The file declares a DTD or entities, which is refused for safety."),
                "unsafe_xml",
            )
        )
        return result
    except ET.ParseError as exc:
        result.errors.append(
            RowError(
                exc.position[0], "XML", str(exc), _("The file is not well-formed XML."), "bad_xml"
            )
        )
        return result
    if root.tag != "quiz":
        result.errors.append(
            RowError(1, "XML", root.tag, _("This is not a Moodle XML question file."), "not_quiz")
        )
        return result

    category: list[str] = []
    cases: dict[str, ParsedQuestion] = {}
    for element in root.iter("question"):
        qtype = element.get("type", "")
        line = int(element.get(_LINE_ATTR))
        if qtype == "category":
            category = clean_category_path(_text(element.find("category")))
            continue
        name = _text(element.find("name")) or plain_text(_text(element.find("questiontext")))
        tags = [_text(t) for t in element.findall("tags/tag")]
        case_id = next((m.group(1) for t in tags if (m := _CASE_TAG.match(t))), None)
        part_of = next((m.group(1) for t in tags if (m := _PART_TAG.match(t))), None)
        if qtype == "description" and case_id:
            question, problems = _case(element, category, tags, name, Source(file, line), result)
            result.errors.extend(problems)
            if not problems:
                cases[case_id] = question
                result.questions.append(question)
            continue
        if qtype not in ("multichoice", "truefalse"):
            result.skipped.append(
                Skipped(name, qtype, _("This question type cannot be imported."), line)
            )
            continue
        question, problems = _choice_question(
            element, qtype, category, tags, name, file, line, result
        )
        if part_of is not None and part_of in cases:
            question.category, question.difficulty, question.tags = [], None, []
        problems = problems or [
            RowError(line, field_name, value, reason, code)
            for field_name, value, code, reason in check_question(question)
        ]
        result.errors.extend(problems)
        if problems:
            continue
        if part_of is not None and part_of in cases:
            cases[part_of].sub_questions.append(question)
            cases[part_of].files.update(question.files)  # stored with the case, linked by name
        else:
            result.questions.append(question)
    for question in result.questions:
        if question.type == QuestionType.CASE:
            result.errors.extend(
                RowError(question.source.line, field_name, value, reason, code)
                for field_name, value, code, reason in check_question(question)
            )
    result.questions = [
        q for q in result.questions if q.type != QuestionType.CASE or q.sub_questions
    ]
    result.label_fields()
    result.flag_near_duplicates()
    return result


def _text(element: ET.Element | None) -> str:
    if element is None:
        return ""
    text = element.find("text")
    return ((text.text if text is not None else element.text) or "").strip()


def _formatted(element: ET.Element | None) -> tuple[str, str]:
    """(text, "html"|"plain") of a Moodle text field; auto format newlines become <br>."""
    text = _text(element)
    fmt = element.get("format", "html") if element is not None else "html"
    if fmt == "moodle_auto_format":
        return text.replace("\n", "<br />\n"), "html"
    return text, "html" if fmt == "html" else "plain"


def _embedded_files(element: ET.Element) -> tuple[dict[str, bytes], set[str]]:
    """Every base64 ``<file>`` in the question, and the names of those that do not decode."""
    files, broken = {}, set()
    for node in element.iter("file"):
        # Keyed as the texts refer to it: ``path="/img/" name="a.png"`` is ``img/a.png``.
        name = node.get("name") and f"{node.get('path', '/').strip('/')}/{node.get('name')}"
        name = name and name.lstrip("/")
        if name and node.get("encoding", "base64") == "base64":
            try:
                files[name] = base64.b64decode("".join((node.text or "").split()), validate=True)
            except (binascii.Error, ValueError):
                broken.add(name)
    return files, broken


def _old_image(element: ET.Element, stem: tuple[str, str], files, broken) -> tuple[str, str]:
    """Moodle 1.9's ``<image>``/``<image_base64>``: the picture goes after the question text,
    as Moodle's own importer puts it (qformat_xml::import_headers)."""
    name = _text(element.find("image")).replace("/", "_")
    if not name:
        return stem
    data = element.find("image_base64")
    if data is not None and (data.text or "").strip():
        try:
            files[name] = base64.b64decode("".join(data.text.split()), validate=True)
        except (binascii.Error, ValueError):
            broken.add(name)
    text, fmt = stem
    return f'{to_html(text, fmt)} <img src="@@PLUGINFILE@@/{quote(name)}" />', "html"


def _keep_files(question, element, files, broken, result) -> list[RowError]:
    """Keep the files the shown texts use; report those they cannot have (errors) and those
    left behind with a part the product has no place for (notes)."""
    line = question.source.line
    shown = [question.stem, question.explanation, *[o.text for o in question.options]]
    problems = [
        RowError(line, field_name, value, reason, code)
        for field_name, value, code, reason in file_problems(shown, files, broken=broken)
    ]
    used = referenced(shown)
    question.files = {name: files[name] for name in used if name in files}
    elsewhere = referenced(node.text for node in element.iter("text"))
    for name in sorted((set(files) | broken) - set(used)):
        if name in elsewhere:
            reason = _(
                "The file “%(name)s” belongs to per-answer feedback or a hint, which this "
                "product does not have; it was not imported."
            )
        else:
            reason = _("No text of the question uses the file “%(name)s”; it was not imported.")
        result.notes.append(RowError(line, "file", name, reason % {"name": name}, "file_left_out"))
    return problems


def _tags_meta(question: ParsedQuestion, tags: list[str]) -> None:
    plain_tags = []
    for tag in tags:
        if match := _DIFFICULTY_TAG.match(tag):
            question.difficulty = int(match.group(1))
        elif not (_CASE_TAG.match(tag) or _PART_TAG.match(tag)):
            plain_tags.append(tag)
    question.tags = plain_tags


def _case(element, category, tags, name, source, result):
    files, broken = _embedded_files(element)
    stem = _old_image(element, _formatted(element.find("questiontext")), files, broken)
    explanation = _formatted(element.find("generalfeedback"))
    fmt, (stem_text, expl_text) = unify_formats([stem, explanation])
    question = ParsedQuestion(QuestionType.CASE, stem_text, explanation=expl_text, text_format=fmt)
    question.name, question.category, question.source = name, list(category), source
    question.shuffle_options = False
    _tags_meta(question, tags)
    return question, _keep_files(question, element, files, broken, result)


def _choice_question(element, qtype, category, tags, name, file, line, result):
    problems: list[RowError] = []
    answers = []
    for answer in element.findall("answer"):
        answer_line = int(answer.get(_LINE_ATTR))
        raw = answer.get("fraction", "0")
        try:
            fraction = float(raw) / 100
        except ValueError:
            fraction = None
        if fraction is None or not is_grade_option(fraction):
            problems.append(
                RowError(
                    answer_line,
                    "fraction",
                    raw,
                    _("This grade is not one of Moodle's grade options."),
                    "invalid_grade",
                )
            )
            continue
        text, fmt = _formatted(answer)
        if qtype == "multichoice" and not plain_text(text) and "<img" not in text:
            continue  # Moodle ignores blank answers too
        answers.append((text, fmt, fraction))

    files, broken = _embedded_files(element)
    stem = _old_image(element, _formatted(element.find("questiontext")), files, broken)
    explanation = _formatted(element.find("generalfeedback"))
    if qtype == "truefalse":
        true_correct = any(
            fraction > 0 and text.strip().lower() == "true" for text, _fmt, fraction in answers
        )
        fmt, (stem_text, expl_text) = unify_formats([stem, explanation])
        question = ParsedQuestion(QuestionType.JUDGE, stem_text, judge_options(true_correct))
        question.shuffle_options = False
    else:
        fmt, texts = unify_formats([stem, *[(t, f) for t, f, _w in answers], explanation])
        stem_text, expl_text = texts[0], texts[-1]
        fractions = [w for _t, _f, w in answers]
        single = _text(element.find("single")).lower() not in ("false", "0")
        decision = decide(fractions, single=single)
        options = [
            ParsedOption(OPTION_KEYS[i] if i < len(OPTION_KEYS) else "?", text)
            for i, text in enumerate(texts[1:-1])
        ]
        for option, correct in zip(options, decision.correct, strict=False):
            option.correct = correct
        if not problems and not decision.ok and len(options) >= 2:
            shown = ", ".join(
                f"{o.key} {percent(w)}" for o, w in zip(options, fractions, strict=True)
            )
            problems.append(RowError(line, "fraction", shown, decision.reason, decision.code))
        question = ParsedQuestion(decision.kind or QuestionType.SINGLE, stem_text, options)
        shuffle = _text(element.find("shuffleanswers")).lower() not in ("false", "0")
        question.shuffle_options = shuffle and not keeps_option_order(options)
    question.explanation, question.text_format = expl_text, fmt
    question.name, question.category = name, list(category)
    question.source = Source(file, line)
    _tags_meta(question, tags)
    problems += _keep_files(question, element, files, broken, result)
    return question, problems
