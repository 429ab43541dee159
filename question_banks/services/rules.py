"""Paper rules against their bank: the pool, the section specs, and the save-time check."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from question_banks.drawing import PoolQuestion, SectionSpec, Shortage, check_rule
from question_banks.models import Difficulty, PaperRule, Question, QuestionType


def pool_for_bank(bank_id: int) -> list[PoolQuestion]:
    """Every active question of a bank at its current version, as the drawing code sees it."""
    rows = (
        Question.objects.filter(bank_id=bank_id, is_active=True, current_version__isnull=False)
        .select_related("current_version", "category")
        .order_by("pk")
    )
    return [to_pool_question(q) for q in rows]


def to_pool_question(q: Question) -> PoolQuestion:
    version = q.current_version
    return PoolQuestion(
        id=q.pk,
        version_id=version.pk,
        qtype=q.qtype,
        difficulty=q.difficulty,
        category_path=q.category.path if q.category_id else "",
        tags=tuple(q.tags or ()),
        shuffle_options=version.shuffle_options,
        option_keys=tuple(o["key"] for o in version.options),
        sub_option_keys=tuple(
            tuple(o["key"] for o in sub["options"]) for sub in version.sub_questions or ()
        ),
    )


def section_specs(rule: PaperRule) -> list[SectionSpec]:
    sections = rule.sections.prefetch_related("categories").order_by("position")
    return [
        SectionSpec(
            qtype=s.qtype,
            points_each=s.points_each,
            counts=s.counts_by_difficulty(),
            category_paths=tuple(c.path for c in s.categories.all()),
            tags=tuple(s.tags or ()),
            title=s.title,
        )
        for s in sections
    ]


def describe_shortage(shortage: Shortage, spec: SectionSpec) -> str:
    return _(
        "Section %(n)d (%(type)s, %(difficulty)s) needs %(need)d questions but the bank has "
        "only %(have)d that fit: %(short)d short."
    ) % {
        "n": shortage.section + 1,
        "type": QuestionType(spec.qtype).label,
        "difficulty": Difficulty(shortage.difficulty).label,
        "need": shortage.need,
        "have": shortage.available,
        "short": shortage.short,
    }


def paper_rule_validate(*, rule: PaperRule) -> None:
    """Refuse a rule the bank cannot satisfy for every seed, saying which section lacks what."""
    if rule.kind == PaperRule.Kind.FIXED:
        if not rule.fixed_items.exists():
            raise ValidationError(_("A fixed paper needs at least one question."))
        return
    specs = section_specs(rule)
    if not specs or not any(s.count for s in specs):
        raise ValidationError(_("A paper rule needs at least one section with questions."))
    shortages = check_rule(specs, pool_for_bank(rule.bank_id))
    if shortages:
        raise ValidationError([describe_shortage(s, specs[s.section]) for s in shortages])


def paper_rule_total_points(rule: PaperRule):
    if rule.kind == PaperRule.Kind.FIXED:
        return sum((i.points for i in rule.fixed_items.all()), 0)
    return sum((s.points_each * s.count for s in rule.sections.all()), 0)
