"""Questions out as Moodle XML that Moodle and `imports.moodle_xml` import to the same
questions (tests/question_banks/test_imports_formats.py reads back what this writes).

One category record per category path, then the questions. What Moodle has no field for
travels as tags: ``difficulty:N`` and, for a 案例分析 (case) question, a ``description``
question tagged ``case:N`` carrying the scenario followed by its sub-questions tagged
``case-part:N`` (Moodle shows the scenario and the sub-questions in order; the reader puts
the case back together). Files a text references (``@@PLUGINFILE@@``) go along base64-encoded.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

from question_banks.choices import QuestionType
from question_banks.imports.media import referenced
from question_banks.imports.model import ParsedQuestion, plain_text


def _grade(value: float) -> str:
    # Moodle writes percentages with 5 decimals (33.33333), matching its grade options.
    return f"{value * 100:.5f}".rstrip("0").rstrip(".")


def _text_field(parent, tag, text, fmt, files=None):
    node = ET.SubElement(parent, tag, format="html" if fmt == "html" else "plain_text")
    ET.SubElement(node, "text").text = text or ""
    for name in sorted(set(referenced([text]))):
        if files and name in files:
            folder, _sep, base = name.rpartition("/")
            path = f"/{folder}/" if folder else "/"
            file_node = ET.SubElement(node, "file", name=base, path=path, encoding="base64")
            file_node.text = base64.b64encode(files[name]).decode("ascii")
    return node


def _category_path(category: list[str]) -> str:
    return "/".join(["$course$", "top", *(c.replace("/", "//") for c in category)])


def _add_question(quiz, q: ParsedQuestion, extra_tags=(), files=None):
    files = files if files is not None else q.files
    qtype = {QuestionType.JUDGE: "truefalse", QuestionType.CASE: "description"}.get(
        q.type, "multichoice"
    )
    node = ET.SubElement(quiz, "question", type=qtype)
    ET.SubElement(ET.SubElement(node, "name"), "text").text = q.name or plain_text(q.stem)[:60]
    _text_field(node, "questiontext", q.stem, q.text_format, files)
    _text_field(node, "generalfeedback", q.explanation, q.text_format, files)
    ET.SubElement(node, "defaultgrade").text = "1"
    ET.SubElement(node, "penalty").text = (
        "0" if q.type in (QuestionType.JUDGE, QuestionType.CASE) else "0.3333333"
    )
    ET.SubElement(node, "hidden").text = "0"
    if q.type == QuestionType.JUDGE:
        true_correct = q.options[0].correct if q.options else True
        for word, correct in (("true", true_correct), ("false", not true_correct)):
            answer = ET.SubElement(
                node, "answer", fraction="100" if correct else "0", format="moodle_auto_format"
            )
            ET.SubElement(answer, "text").text = word
            _text_field(answer, "feedback", "", "html")
    elif q.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        ET.SubElement(node, "single").text = "true" if q.type == QuestionType.SINGLE else "false"
        ET.SubElement(node, "shuffleanswers").text = "true" if q.shuffle_options else "false"
        ET.SubElement(node, "answernumbering").text = "ABCD"
        right = sum(o.correct for o in q.options) or 1
        for option in q.options:
            # Wrong choices cost everything in a multiple-choice question, as all-or-nothing
            # grading in the product does.
            grade = (
                1 / right if option.correct else (-1.0 if q.type == QuestionType.MULTIPLE else 0.0)
            )
            answer = _text_field(node, "answer", option.text, q.text_format, files)
            answer.set("fraction", _grade(grade))
            _text_field(answer, "feedback", "", "html")
    tags = (
        list(q.tags) + ([f"difficulty:{q.difficulty}"] if q.difficulty else []) + list(extra_tags)
    )
    if tags:
        tags_node = ET.SubElement(node, "tags")
        for tag in tags:
            ET.SubElement(ET.SubElement(tags_node, "tag"), "text").text = tag


def write(questions: list[ParsedQuestion]) -> bytes:
    """Moodle XML for `questions`, grouped under one category record per category path."""
    quiz = ET.Element("quiz")
    current = None
    for number, q in enumerate(questions, start=1):
        if q.category != current:
            current = q.category
            record = ET.SubElement(quiz, "question", type="category")
            ET.SubElement(ET.SubElement(record, "category"), "text").text = _category_path(current)
        if q.type == QuestionType.CASE:
            _add_question(quiz, q, extra_tags=[f"case:{number}"])
            for sub in q.sub_questions:
                _add_question(quiz, sub, extra_tags=[f"case-part:{number}"])
        else:
            _add_question(quiz, q)
    ET.indent(quiz)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="utf-8") + b"\n"
