"""The plain data every question format is read into and written from.

Parsers know nothing about Django models: they turn a file into `ParsedQuestion`s plus a list
of `RowError`s, so the import service can show every problem before anything is written
(ARCHITECTURE.md rule 8) and the same checks apply whatever the file format was.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from question_banks.choices import QuestionType

from .dedupe import DEFAULT_THRESHOLD, find_near_duplicates
from .text import plain_text

QUESTION_TYPES = tuple(QuestionType.values)
#: Letters an option may carry; banks in China use at most six (A-F).
OPTION_KEYS = ("A", "B", "C", "D", "E", "F")
#: The two options a judge (判断) question gets when the source names none.
JUDGE_TRUE = "正确"
JUDGE_FALSE = "错误"


@dataclass(frozen=True)
class Source:
    """Where a question came from, for error messages; `line` is the row number in a sheet."""

    file: str = ""
    line: int | None = None
    sheet: str = ""


@dataclass
class ParsedOption:
    key: str
    text: str
    correct: bool = False


@dataclass
class ParsedQuestion:
    """One question as read from a file.

    `text_format` applies to the stem, the option texts and the explanation: "html" (kept as
    HTML, cleaned when shown) or "plain" (to be escaped when shown). `files` holds embedded
    images/media referenced as ``@@PLUGINFILE@@/name`` in the texts. `source` is left out of
    equality so a question compares equal after a write/read round trip.
    """

    type: str
    stem: str
    options: list[ParsedOption] = field(default_factory=list)
    explanation: str = ""
    category: list[str] = field(default_factory=list)
    difficulty: int | None = None
    tags: list[str] = field(default_factory=list)
    shuffle_options: bool = True
    text_format: str = "plain"
    name: str = ""
    sub_questions: list[ParsedQuestion] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    source: Source = field(default_factory=Source, compare=False)

    @property
    def correct_keys(self) -> str:
        return "".join(o.key for o in self.options if o.correct)

    def html(self, text: str) -> str:
        """`text` (one of this question's texts) as HTML, whatever its format."""
        return to_html(text, self.text_format)


@dataclass(frozen=True)
class RowError:
    """One problem in the file: where (row/line, column/field), what was there, and why.

    `code` is a stable machine-readable reason (tests and the UI key on it); `reason` is the
    translated sentence for people.
    """

    row: int | None
    column: str
    value: str
    reason: str
    code: str = ""
    sheet: str = ""


class Skipped(NamedTuple):
    """A question of a type the product does not have (essay, matching, ...), left out by name."""

    name: str
    type: str
    reason: str
    line: int | None = None


@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    near_duplicates: list = field(default_factory=list)  # list[dedupe.NearDuplicate]
    # Remarks that stop nothing: what of a good question was left behind (e.g. a picture in
    # per-answer feedback, which the product has no place for), each with its line.
    notes: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def label_fields(self) -> None:
        """Name each problem's field in the reader's language ("分值", not "fraction"), as a
        spreadsheet's problems name its Chinese column header; `code` stays machine-readable."""
        self.errors = [replace(e, column=field_label(e.column)) for e in self.errors]
        self.notes = [replace(e, column=field_label(e.column)) for e in self.notes]

    def flag_near_duplicates(self, existing=(), threshold: float | None = None) -> list:
        """Compare the stems with each other and with `existing` ((key, stem) pairs or stems).

        Called by every parser for the file itself; the import service calls it again with the
        bank's stems. The result replaces `near_duplicates` and is returned.
        """
        self.near_duplicates = find_near_duplicates(
            [q.stem for q in self.questions],
            existing,
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        )
        return self.near_duplicates


def field_label(name: str) -> str:
    """The translated name of a field of a text-format question, for reports."""
    from django.utils.translation import gettext as _

    if name.startswith("option ") and len(name) > len("option "):
        return _("Option %(key)s") % {"key": name[len("option ") :]}
    labels = {
        "type": _("Question type"),
        "stem": _("Question text"),
        "question": _("Question"),
        "options": _("Options"),
        "option": _("Option"),
        "answer": _("Answer"),
        "answers": _("Answers"),
        "ANSWER": _("ANSWER line"),
        "fraction": _("Grade"),
        "file": _("File"),
        "sub_questions": _("Sub-questions"),
    }
    return labels.get(name, name)


def qtype_label(qtype: str) -> str:
    """A Moodle question type's name in the reader's language, for "skipped" lines."""
    from django.utils.translation import gettext as _

    labels = {
        "essay": _("essay"),
        "shortanswer": _("short answer"),
        "matching": _("matching"),
        "match": _("matching"),
        "numerical": _("numerical"),
        "description": _("description"),
        "cloze": _("embedded answers (cloze)"),
        "multianswer": _("embedded answers (cloze)"),
        "calculated": _("calculated"),
        "calculatedsimple": _("calculated"),
        "calculatedmulti": _("calculated"),
        "ddwtos": _("drag and drop"),
        "ddimageortext": _("drag and drop"),
        "ddmarker": _("drag and drop"),
        "gapselect": _("select missing words"),
        "randomsamatch": _("random short-answer matching"),
    }
    return labels.get(qtype, qtype)


# --- text helpers shared by the formats -------------------------------------------------

_HTML_HINT_RE = re.compile(
    r"<(p|br|img|div|span|b|strong|i|em|u|sub|sup|table|tr|td|ul|ol|li|a|font|pre|code)"
    r"(\s[^>]*)?/?>",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """Spreadsheet cells are plain text unless they carry real tags (an export of ours)."""
    return bool(text) and bool(_HTML_HINT_RE.search(text))


def to_html(text: str, text_format: str) -> str:
    if text_format == "html":
        return text or ""
    return html.escape(text or "", quote=False).replace("\n", "<br>")


def unify_formats(parts: list[tuple[str, str]]) -> tuple[str, list[str]]:
    """Give the texts of one question a single format.

    Moodle and GIFT let every answer carry its own format; the product keeps one per question,
    so when any part is HTML the plain parts are escaped into HTML.
    """
    if any(fmt == "html" for _, fmt in parts):
        return "html", [to_html(text, fmt) for text, fmt in parts]
    return "plain", [text for text, _ in parts]


_FIXED_ORDER_RE = re.compile(
    r"以上.{0,4}(都|均|全|皆)|以上皆(是|非)|(all|none|both|neither) of the (above|previous)"
    r"|以上(选项|答案|说法)?(都|均)?(不对|不正确|错误)",
    re.IGNORECASE,
)


def keeps_option_order(options: list[ParsedOption]) -> bool:
    """True when an option refers to the others (以上都对, none of the above): no shuffling."""
    return any(_FIXED_ORDER_RE.search(plain_text(o.text)) for o in options)


_NOISE_RE = re.compile(r"^(\$[a-z0-9]+\$|top|default for .*|.*的默认.*|默认(类别|分类)?)$", re.I)


def clean_category_path(path: str) -> list[str]:
    """Moodle's "$course$/top/Default for X/电工作业/低压电工" → ["电工作业", "低压电工"].

    The context prefix ($course$, $module$, $system$, $cat1$...), Moodle's hidden "top" and
    the automatic "Default for <course>" category carry no meaning in another system, so they
    are dropped wherever they appear at the start. "//" is Moodle's escape for a "/" in a name.
    """
    parts = [p.replace("\x00", "/").strip() for p in path.replace("//", "\x00").split("/")]
    parts = [p for p in parts if p]
    while parts and _NOISE_RE.match(parts[0]):
        parts.pop(0)
    return parts


def judge_options(true_is_correct: bool) -> list[ParsedOption]:
    return [
        ParsedOption("A", JUDGE_TRUE, true_is_correct),
        ParsedOption("B", JUDGE_FALSE, not true_is_correct),
    ]


def check_question(q: ParsedQuestion) -> list[tuple[str, str, str, str]]:
    """The rules every imported question must meet, whatever the format.

    Returns (field, value, code, reason) tuples; the formats turn them into `RowError`s with
    their own row/column naming.
    """
    from django.utils.translation import gettext as _

    problems = []
    if q.type not in QUESTION_TYPES:
        problems.append(("type", q.type, "unknown_type", _("Unknown question type.")))
        return problems
    if not plain_text(q.stem) and "<img" not in q.stem:
        problems.append(("stem", "", "empty_stem", _("The question text is empty.")))
    if q.type == QuestionType.CASE:
        if not q.sub_questions:
            problems.append(
                ("sub_questions", "", "case_without_parts", _("A case has no sub-questions."))
            )
        for sub in q.sub_questions:
            problems.extend(check_question(sub))
        return problems
    if len(q.options) < 2:
        problems.append(
            ("options", str(len(q.options)), "too_few_options", _("At least 2 options needed."))
        )
    if len(q.options) > len(OPTION_KEYS):
        problems.append(
            ("options", str(len(q.options)), "too_many_options", _("At most 6 options allowed."))
        )
    for option in q.options:
        if not plain_text(option.text) and "<img" not in option.text:
            problems.append(
                (f"option {option.key}", "", "empty_option", _("An option has no text."))
            )
    correct = q.correct_keys
    if q.type in (QuestionType.SINGLE, QuestionType.JUDGE) and len(correct) != 1:
        problems.append(
            ("answer", correct, "single_needs_one", _("Exactly one correct answer is needed."))
        )
    if q.type == QuestionType.MULTIPLE and len(correct) < 2:
        problems.append(
            ("answer", correct, "multiple_needs_two", _("At least two correct answers needed."))
        )
    return problems
