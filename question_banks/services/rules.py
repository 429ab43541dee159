"""Paper rules against their bank: the pool, the section specs, the save-time check, and
saving and deleting a rule with its owner's check (services/permissions.py)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from question_banks.drawing import PoolQuestion, SectionSpec, Shortage, check_rule
from question_banks.models import (
    Difficulty,
    FixedPaperItem,
    PaperRule,
    PaperSection,
    Question,
    QuestionType,
)
from question_banks.services.permissions import (
    RULE_OPEN_WHEN_IN_USE,
    require,
    rule_bank_allowed,
    rule_can_change,
    rule_can_delete,
    rule_in_use,
)
from roster.models import User


def pool_for_bank(bank_id: int) -> list[PoolQuestion]:
    """Every active question of a bank at its current version, as the drawing code sees it.

    Read as plain rows of the columns drawing needs, not as model instances: every start of
    a paper not drawn ahead (a contest round's contestants, who enter on the day) reads the
    whole pool, and building three model instances per question took most of the draw."""
    rows = (
        Question.objects.filter(bank_id=bank_id, is_active=True, current_version__isnull=False)
        .order_by("pk")
        .values_list(
            "pk",
            "current_version_id",
            "qtype",
            "difficulty",
            "category__path",
            "tags",
            "current_version__shuffle_options",
            "current_version__options",
            "current_version__sub_questions",
        )
    )
    return [
        PoolQuestion(
            id=pk,
            version_id=version_id,
            qtype=qtype,
            difficulty=difficulty,
            category_path=path or "",
            tags=tuple(tags or ()),
            shuffle_options=shuffle,
            option_keys=tuple(o["key"] for o in options),
            sub_option_keys=tuple(tuple(o["key"] for o in sub["options"]) for sub in subs or ()),
        )
        for pk, version_id, qtype, difficulty, path, tags, shuffle, options, subs in rows
    ]


def to_pool_question(q: Question) -> PoolQuestion:
    version = q.current_version
    assert version is not None  # only questions with a version are drawn
    return PoolQuestion(
        id=q.pk,
        version_id=version.pk,
        qtype=q.qtype,
        difficulty=q.difficulty,
        category_path=q.category.path if q.category else "",
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
        # Each message carries its section's index, so a form can show it beside the section.
        raise ValidationError(
            [
                ValidationError(
                    describe_shortage(s, specs[s.section]),
                    code="shortage",
                    params={"section": s.section},
                )
                for s in shortages
            ]
        )


def paper_rule_total_points(rule: PaperRule) -> Decimal:
    if rule.kind == PaperRule.Kind.FIXED:
        return sum((i.points for i in rule.fixed_items.all()), Decimal(0))
    return sum((s.points_each * s.count for s in rule.sections.all()), Decimal(0))


# ---------------------------------------------------------------- saving and deleting

_RULE_FIELDS = (
    "code",
    "name",
    "bank_id",
    "kind",
    "duration_minutes",
    "pass_mark",
    "partial_credit",
    "avoid_previous",
)


def _sections(sections: Iterable[PaperSection]) -> list[tuple]:
    return sorted(
        (
            s.position,
            s.title,
            s.qtype,
            s.points_each,
            s.easy_count,
            s.medium_count,
            s.hard_count,
            tuple(sorted(c.pk for c in s.categories.all())),
            tuple(s.tags or ()),
        )
        for s in sections
    )


def _fixed(items: Iterable[FixedPaperItem]) -> list[tuple]:
    return sorted((i.position, i.question_id, i.points) for i in items)


def _rule_changes(stored: PaperRule, rule: PaperRule) -> set[str]:
    """What of the rule differs from the stored one, its sections and fixed items included
    (they may be unsaved changes held in memory by the admin's form)."""
    changed = {
        f.removesuffix("_id") for f in _RULE_FIELDS if getattr(stored, f) != getattr(rule, f)
    }
    stored_sections = PaperSection.objects.filter(rule_id=stored.pk).prefetch_related("categories")
    if _sections(stored_sections) != _sections(rule.sections.all()):
        changed.add("sections")
    if _fixed(FixedPaperItem.objects.filter(rule_id=stored.pk)) != _fixed(rule.fixed_items.all()):
        changed.add("fixed_items")
    return changed


def _check_parts_in_bank(rule: PaperRule) -> None:
    """A rule draws only from its own bank: the categories its sections name and the
    questions of a fixed paper are the bank's."""
    for section in rule.sections.all():
        if any(c.bank_id != rule.bank_id for c in section.categories.all()):
            raise ValidationError(_("A section may only name categories of the rule's bank."))
    for item in rule.fixed_items.all():
        if item.question.bank_id != rule.bank_id:
            raise ValidationError(_("A fixed paper may only hold questions of the rule's bank."))


def paper_rule_save(
    *, actor: User | None, rule: PaperRule, now: dt.datetime | None = None
) -> PaperRule:
    """Create a rule or save the changes made to it (its sections with it): on the actor's
    own bank, never a rule in use beyond its name, and one the bank can satisfy."""
    with transaction.atomic():
        if rule.pk is not None:
            stored = PaperRule.objects.select_for_update().select_related("bank").get(pk=rule.pk)
            require(rule_can_change(actor, stored))
            if rule_in_use(stored, now) and _rule_changes(stored, rule) - RULE_OPEN_WHEN_IN_USE:
                raise ValidationError(
                    _(
                        "An exam using this paper rule has opened: only its name may change. "
                        "Copy the rule to make a changed one."
                    )
                )
        require(
            rule_bank_allowed(actor, rule),
            _("You may only write paper rules for your own question banks."),
        )
        if not rule.code:
            # Named after its bank, with a random part (a rule made on the web has none).
            rule.code = f"{rule.bank.code[:28]}-R{secrets.token_hex(3).upper()}"
        _check_parts_in_bank(rule)
        rule.full_clean()
        rule.save()
        paper_rule_validate(rule=PaperRule.objects.get(pk=rule.pk))
    return rule


def paper_rule_delete(*, actor: User | None, rule: PaperRule) -> None:
    with transaction.atomic():
        rule = PaperRule.objects.select_for_update().select_related("bank").get(pk=rule.pk)
        require(rule_can_change(actor, rule))
        if not rule_can_delete(actor, rule):
            raise ValidationError(
                _("An exam session or a paper uses this rule: it cannot be deleted.")
            )
        rule.delete()
