"""What the exam page shows for an item: options in this examinee's order, re-lettered."""

from __future__ import annotations

from dataclasses import dataclass, field

from question_banks.models import AttemptItem

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
    if qtype != "case":
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
