"""A bank out again as ParsedQuestions, for the Excel and Moodle XML writers."""

from __future__ import annotations

from question_banks.imports.model import ParsedOption, ParsedQuestion
from question_banks.models import Question, QuestionBank


def _options(options: list[dict]) -> list[ParsedOption]:
    return [ParsedOption(o["key"], o.get("text", ""), bool(o.get("correct"))) for o in options]


def bank_questions(bank: QuestionBank) -> list[ParsedQuestion]:
    questions = (
        Question.objects.filter(bank=bank, is_active=True, current_version__isnull=False)
        .select_related("current_version", "category")
        .order_by("pk")
    )
    parsed = []
    for q in questions:
        v = q.current_version
        assert v is not None  # filtered above
        parsed.append(
            ParsedQuestion(
                type=q.qtype,
                stem=v.stem,
                options=_options(v.options),
                explanation=v.explanation,
                category=[p for p in q.category.path.split("/") if p] if q.category else [],
                difficulty=q.difficulty,
                tags=list(q.tags or []),
                shuffle_options=v.shuffle_options,
                text_format="html",
                sub_questions=[
                    ParsedQuestion(
                        type=s["qtype"],
                        stem=s.get("stem", ""),
                        options=_options(s["options"]),
                        text_format="html",
                    )
                    for s in v.sub_questions or []
                ],
            )
        )
    return parsed
