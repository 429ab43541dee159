"""What the exam page shows for an item: options in this examinee's order, re-lettered."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from question_banks.models import AttemptItem, QuestionType
from question_banks.richtext import clean_html

LETTERS = "ABCDEFGH"


@dataclass
class Choice:
    letter: str  # as shown to this examinee
    key: str  # the option's stable id, which is what the page posts
    text: str
    checked: bool
    correct: bool


@dataclass
class Part:
    name: str  # the input name
    qtype: str
    stem: str = ""
    choices: list[Choice] = field(default_factory=list)

    @property
    def multiple(self) -> bool:
        """Ticked as checkboxes rather than radio buttons."""
        return self.qtype == QuestionType.MULTIPLE

    @property
    def chosen_letters(self) -> str:
        """The examinee's answer as they saw it lettered (the review page)."""
        return "".join(c.letter for c in self.choices if c.checked)

    @property
    def right_letters(self) -> str:
        return "".join(c.letter for c in self.choices if c.correct)


def _choices(options: list[dict], order: list[str], chosen) -> list[Choice]:
    by_key = {o["key"]: o for o in options}
    chosen = set(chosen or ())
    return [
        Choice(
            LETTERS[i],
            key,
            by_key[key].get("text", ""),
            key in chosen,
            bool(by_key[key].get("correct")),
        )
        for i, key in enumerate(order)
        if key in by_key
    ]


def item_parts(item: AttemptItem) -> list[Part]:
    """One part for an ordinary question; one per sub-question for a case question."""
    version = item.version
    qtype = version.question.qtype
    if qtype != QuestionType.CASE:
        return [
            Part(
                f"q{item.position}",
                qtype,
                "",
                _choices(version.options, item.option_order, item.answer),
            )
        ]
    answers = item.answer if isinstance(item.answer, dict) else {}
    return [
        Part(
            f"q{item.position}_{i}",
            sub["qtype"],
            sub.get("stem", ""),
            _choices(sub["options"], item.option_order[i], answers.get(str(i))),
        )
        for i, sub in enumerate(version.sub_questions or [])
    ]


def letters_of(parts: list[Part], keys) -> str:
    """The examinee's letters for a set of option keys (for the result page)."""
    keys = set(keys or ())
    return "".join(c.letter for part in parts for c in part.choices if c.key in keys)


@dataclass
class ReviewItem:
    """One question of a finished paper as the review page shows it."""

    position: int
    points: object
    score: object
    stem: str
    explanation: str
    parts: list[Part]
    outcome: str  # "right", "partial", "wrong" or "unanswered"


def review_items(items) -> list[ReviewItem]:
    """The paper's items (with version__question read) in order, each with the examinee's
    answer and the right one lettered as this examinee saw them, for every question type
    (a case question has one part per sub-question)."""
    reviewed = []
    for item in items:
        if item.answer is None or item.answer == {}:
            outcome = "unanswered"
        elif item.score == item.points:
            outcome = "right"
        elif item.score:
            outcome = "partial"
        else:
            outcome = "wrong"
        reviewed.append(
            ReviewItem(
                item.position,
                item.points,
                item.score,
                item.version.stem,
                item.version.explanation,
                item_parts(item),
                outcome,
            )
        )
    return reviewed


# ---------------------------------------------------------------- the exam page's questions

# The exam page lists every question of the paper at once (the page works offline), and a
# thousand examinees open it in the minute after 9:00. Through the template engine its
# hundred cards cost about 60 ms of a core each; written here from the item's own columns
# and each version's text, cleaned once per process (selectors.exam_texts), a few. The
# markup is exactly what exam.js reads.


@dataclass(frozen=True)
class TextPart:
    """The question of one fieldset: an ordinary question's, or one sub-question's."""

    qtype: str
    stem: str  # cleaned HTML; empty for an ordinary question (its stem heads the card)
    options: dict[str, tuple[str, str]]  # option key -> (the key escaped, its text cleaned)


@dataclass(frozen=True)
class ExamText:
    """What the exam page shows of a question version: never its key or its explanation."""

    qtype: str
    stem: str  # cleaned HTML
    parts: tuple[TextPart, ...]


def _option_texts(options) -> dict[str, tuple[str, str]]:
    return {o["key"]: (escape(o["key"]), clean_html(o.get("text", ""))) for o in options or ()}


def exam_text(qtype: str, stem: str, options, sub_questions) -> ExamText:
    """A version's exam-page text from its columns, the HTML cleaned."""
    if qtype != QuestionType.CASE:
        parts = (TextPart(qtype, "", _option_texts(options)),)
    else:
        parts = tuple(
            TextPart(sub["qtype"], clean_html(sub.get("stem", "")), _option_texts(sub["options"]))
            for sub in sub_questions or ()
        )
    return ExamText(qtype, clean_html(stem), parts)


_CARD = (
    '<article class="card question" id="q{position}" data-position="{position}" '
    'data-qtype="{qtype}" data-seq="{seq}" data-flagged="{flagged}">\n'
    '    <header class="q-head"><span class="q-no">{position} / {total}</span>\n'
    '      <span class="tag">{qtype_label} · {points}</span></header>\n'
    '    <div class="stem">{stem}</div>\n'
    "    {parts}\n"
    '    <footer class="q-nav">\n'
    '      <button type="button" class="btn" data-prev>{previous}</button>\n'
    '      <button type="button" class="btn" data-flag aria-pressed="{pressed}">{flag}</button>\n'
    '      <button type="button" class="btn primary" data-next>{next}</button>\n'
    "    </footer>\n"
    "  </article>"
)
_PART = (
    '<fieldset class="choices{sub}">\n'
    "      <legend{hidden}>{legend}</legend>{choices}\n"
    "    </fieldset>"
)
_CHOICE = (
    '\n<label class="choice">\n'
    '  <input type="{kind}" name="{name}" value="{key}"{checked}>\n'
    '  <span class="letter">{letter}</span><span class="text">{text}</span>\n'
    "</label>"
)

_CELL = '<button type="button" class="cell{answered}{flagged}" data-goto="{n}">{n}</button>'


def _part_html(name: str, number: int, part: TextPart, order, chosen, options_label: str) -> str:
    """One fieldset: the options in this examinee's order, lettered in that order."""
    kind = "checkbox" if part.qtype == QuestionType.MULTIPLE else "radio"
    chosen = set(chosen or ())
    options = part.options
    choices = "".join(
        _CHOICE.format(
            kind=kind,
            name=name,
            key=options[key][0],
            checked=" checked" if key in chosen else "",
            letter=LETTERS[i],
            text=options[key][1],
        )
        for i, key in enumerate(order or ())
        if key in options
    )
    if part.stem:
        legend, hidden, sub = f"{number}. {part.stem}", "", " sub"
    else:
        legend, hidden, sub = options_label, ' class="sr-only"', ""
    return _PART.format(sub=sub, hidden=hidden, legend=legend, choices=choices)


def _parts_html(item, text: ExamText, options_label: str) -> str:
    if text.qtype != QuestionType.CASE:
        name = f"q{item.position}"
        return _part_html(name, 1, text.parts[0], item.option_order, item.answer, options_label)
    answers = item.answer if isinstance(item.answer, dict) else {}
    orders = item.option_order or []
    return "\n    ".join(
        _part_html(
            f"q{item.position}_{i}",
            i + 1,
            part,
            orders[i] if i < len(orders) else (),
            answers.get(str(i)),
            options_label,
        )
        for i, part in enumerate(text.parts)
    )


def exam_cards(items, texts: dict[int, ExamText]) -> SafeString:
    """The question cards of the exam page, in order. ``items`` are the rows of
    selectors.attempt_items_for_exam_page, ``texts`` their versions' (selectors.exam_texts)."""
    labels = {
        "previous": escape(_("Previous")),
        "flag": escape(_("Flag for review")),
        "next": escape(_("Next")),
    }
    options_label = escape(_("Options"))
    qtype_labels: dict[str, str] = {}
    points_labels: dict[object, str] = {}
    cards = []
    for item in items:
        text = texts[item.version_id]
        qtype = text.qtype
        if qtype not in qtype_labels:
            qtype_labels[qtype] = escape(str(dict(QuestionType.choices).get(qtype, qtype)))
        if item.points not in points_labels:
            points = floatformat(item.points, "-2")
            points_labels[item.points] = escape(_("%(p)s pts") % {"p": points})
        cards.append(
            _CARD.format(
                position=item.position,
                qtype=escape(qtype),
                seq=item.answer_seq,
                flagged="1" if item.flagged else "0",
                total=len(items),
                qtype_label=qtype_labels[qtype],
                points=points_labels[item.points],
                stem=text.stem,
                parts=_parts_html(item, text, options_label),
                pressed="true" if item.flagged else "false",
                **labels,
            )
        )
    return mark_safe("\n  ".join(cards))  # every value above is escaped or cleaned


def exam_sheet(items) -> SafeString:
    """The answer sheet's cells: one button per question, marked answered and flagged."""
    return mark_safe(
        "".join(
            _CELL.format(
                answered=" answered" if item.answer else "",
                flagged=" flagged" if item.flagged else "",
                n=item.position,
            )
            for item in items
        )
    )
