"""Writing questions. An edit adds a version; a key correction also regrades past attempts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils.translation import gettext as _

from question_banks.choices import QuestionType
from question_banks.models import (
    Attempt,
    AttemptItem,
    Category,
    Question,
    QuestionBank,
    QuestionVersion,
    Regrade,
)
from question_banks.richtext import clean_html
from question_banks.services.permissions import (
    bank_can_change,
    question_can_change,
    question_can_delete,
    require,
)
from roster.models import User
from roster.services.audit import audit_record

_TEXT_FIELDS = ("stem", "options", "explanation", "shuffle_options", "sub_questions")


def validate_choices(qtype: str, options: list[dict]) -> None:
    """The same rules the importers apply, so a question is valid however it arrives."""
    keys = [o.get("key") for o in options]
    if len(options) < 2:
        raise ValidationError(_("A question needs at least two options."))
    if len(set(keys)) != len(keys) or not all(isinstance(k, str) and k for k in keys):
        raise ValidationError(_("Each option needs its own letter."))
    right = sum(1 for o in options if o.get("correct"))
    if qtype in (QuestionType.SINGLE, QuestionType.JUDGE) and right != 1:
        raise ValidationError(
            _("A single-choice or true/false question has exactly one right option.")
        )
    if qtype == QuestionType.MULTIPLE and right < 2:
        raise ValidationError(_("A multiple-choice question has at least two right options."))
    if qtype == QuestionType.JUDGE and len(options) != 2:
        raise ValidationError(_("A true/false question has exactly two options."))


def _clean_version_fields(qtype: str, fields: dict) -> dict:
    fields = dict(fields)
    fields["stem"] = clean_html(fields.get("stem", ""))
    if not fields["stem"].strip():
        raise ValidationError(_("The question text is empty."))
    fields["explanation"] = clean_html(fields.get("explanation", ""))
    fields["options"] = [
        {"key": o["key"], "text": clean_html(o.get("text", "")), "correct": bool(o.get("correct"))}
        for o in fields.get("options", [])
    ]
    if qtype == QuestionType.CASE:
        subs = fields.get("sub_questions") or []
        if not subs:
            raise ValidationError(_("A case question needs at least one part."))
        for sub in subs:
            validate_choices(sub["qtype"], sub["options"])
        fields["options"] = []
    else:
        validate_choices(qtype, fields["options"])
        fields["sub_questions"] = []
    return fields


def _check_category(bank_id: int, category: Category | None) -> None:
    if category is not None and category.bank_id != bank_id:
        raise ValidationError(_("The category must be one of the question's bank."))


def question_create(
    *,
    bank: QuestionBank,
    qtype: str,
    stem: str,
    options: list[dict],
    actor: User | None,
    explanation: str = "",
    category: Category | None = None,
    difficulty: int = 2,
    tags: list[str] | None = None,
    shuffle_options: bool = True,
    sub_questions: list[dict] | None = None,
    source: str = "",
    stem_key: str = "",
) -> Question:
    """A new question in one of the actor's banks (its first version)."""
    require(bank_can_change(actor, bank), _("You may only add questions to your own banks."))
    question, fields = question_prepare(
        bank=bank,
        qtype=qtype,
        stem=stem,
        options=options,
        explanation=explanation,
        category=category,
        difficulty=difficulty,
        tags=tags,
        shuffle_options=shuffle_options,
        sub_questions=sub_questions,
        source=source,
        stem_key=stem_key,
    )
    with transaction.atomic():
        question.save()
        version = QuestionVersion.objects.create(
            question=question, number=1, created_by=actor, **fields
        )
        question.current_version = version
        question.save(update_fields=["current_version"])
    return question


def question_prepare(
    *,
    bank: QuestionBank,
    qtype: str,
    stem: str,
    options: list[dict],
    explanation: str = "",
    category: Category | None = None,
    difficulty: int = 2,
    tags: list[str] | None = None,
    shuffle_options: bool = True,
    sub_questions: list[dict] | None = None,
    source: str = "",
    stem_key: str = "",
) -> tuple[Question, dict]:
    """The checked, unsaved question and its first version's fields, as question_create
    makes them; raises ValidationError as it does. Nothing is written."""
    _check_category(bank.pk, category)
    fields = _clean_version_fields(
        qtype,
        {
            "stem": stem,
            "options": options,
            "explanation": explanation,
            "shuffle_options": shuffle_options and qtype != QuestionType.JUDGE,
            "sub_questions": sub_questions or [],
        },
    )
    question = Question(
        bank=bank,
        qtype=qtype,
        category=category,
        difficulty=difficulty,
        tags=tags or [],
        source=source[:200],
        stem_key=stem_key[:200],
    )
    return question, fields


def questions_create_bulk(
    *, bank: QuestionBank, prepared: list[tuple[Question, dict]], actor: User | None
) -> list[Question]:
    """question_create for many prepared questions at once (an import): the bank's
    permission checked once, and a few queries per 500 questions instead of four each."""
    require(bank_can_change(actor, bank), _("You may only add questions to your own banks."))
    with transaction.atomic():
        questions = Question.objects.bulk_create([q for q, _f in prepared], batch_size=500)
        versions = QuestionVersion.objects.bulk_create(
            [
                QuestionVersion(question=q, number=1, created_by=actor, **fields)
                for q, (_q, fields) in zip(questions, prepared, strict=True)
            ],
            batch_size=500,
        )
        for question, version in zip(questions, versions, strict=True):
            question.current_version = version
        # Each question's only version, set by one UPDATE per 500 that reads it back: what
        # bulk_update wrote as a CASE of 500 branches took longer than the inserts.
        first_version = QuestionVersion.objects.filter(question=OuterRef("pk"), number=1)
        pks = [q.pk for q in questions]
        for start in range(0, len(pks), 500):
            Question.objects.filter(pk__in=pks[start : start + 500]).update(
                current_version=Subquery(first_version.values("pk")[:1])
            )
    return questions


def question_edit(*, question: Question, actor: User | None, **changes: Any) -> Question:
    """Change a question of one of the actor's banks. Text changes make a new version; no
    attempt's version ever changes."""
    with transaction.atomic():
        question = (
            Question.objects.select_for_update(of=("self",))
            .select_related("current_version", "bank")
            .get(pk=question.pk)
        )
        require(question_can_change(actor, question))
        if "category" in changes:
            _check_category(question.bank_id, changes["category"])
        current = question.current_version
        text = {f: changes.pop(f, getattr(current, f)) for f in _TEXT_FIELDS}
        text = _clean_version_fields(question.qtype, text)
        if any(text[f] != getattr(current, f) for f in _TEXT_FIELDS):
            number = (question.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            question.current_version = QuestionVersion.objects.create(
                question=question, number=number, created_by=actor, **text
            )
        for field in ("category", "difficulty", "tags", "is_active"):
            if field in changes:
                setattr(question, field, changes.pop(field))
        if changes:
            raise ValidationError(f"unknown fields: {sorted(changes)}")
        question.save()
        audit_record(actor=actor, action="question.edit", target=question)
    return question


def question_fix_key(
    *, question: Question, right_keys: list[str], actor: User, reason: str
) -> list[Regrade]:
    """Correct a wrong answer key after a session and regrade every finished attempt that used it.

    The corrected key becomes a new version; the affected attempt items are re-pinned to it
    (the options themselves are unchanged, so the examinee's choices keep their meaning) and
    each attempt's old and new score are recorded. Each returned Regrade also carries
    `old_passed` and `new_passed` (not stored: the attempt keeps the new one) so the page can
    name every pass that becomes a fail. Certificates already issued are left as they are:
    withdrawing one is a decision with its own reason and record (certificates' lifecycle).
    One transaction: the new version and every regrade land together or not at all.
    """
    from question_banks.services.attempts import attempt_grade

    require(question_can_change(actor, question))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the key is corrected.")})
    if question.qtype == QuestionType.CASE:
        raise ValidationError(
            _("A case question's keys are corrected question by question in its editor.")
        )
    with transaction.atomic():
        current = question.current_version
        assert current is not None  # a question is created with its first version
        options = [{**o, "correct": o["key"] in set(right_keys)} for o in current.options]
        fixed = question_edit(question=question, actor=actor, options=options).current_version
        assert fixed is not None
        if fixed.pk == current.pk:
            raise ValidationError({"right_keys": _("That is already the key.")})
        regrades = []
        same_options = [
            v.pk
            for v in question.versions.exclude(pk=fixed.pk)
            if [o["key"] for o in v.options] == [o["key"] for o in fixed.options]
        ]
        # A subquery rather than a join + DISTINCT: PostgreSQL refuses FOR UPDATE with DISTINCT.
        used = AttemptItem.objects.filter(version_id__in=same_options).values("attempt_id")
        attempts = Attempt.objects.filter(
            pk__in=used, status__in=["submitted", "expired"]
        ).select_related("session", "rule")
        for attempt in attempts.select_for_update(of=("self",)).order_by("pk"):
            old, old_passed = attempt.score, attempt.passed
            AttemptItem.objects.filter(attempt=attempt, version_id__in=same_options).update(
                version=fixed
            )
            if old is None:
                continue  # submitted a moment ago: its grade, on its way, reads the fixed key
            attempt_grade(attempt)
            attempt.save(update_fields=["score", "passed", "section_scores"])
            regrade = Regrade.objects.create(
                attempt=attempt,
                question=question,
                old_score=old,
                new_score=attempt.score,
                reason=reason[:200],
                by=actor,
            )
            regrade.old_passed, regrade.new_passed = old_passed, attempt.passed
            regrades.append(regrade)
        audit_record(
            actor=actor,
            action="question.fix_key",
            target=question,
            summary=reason[:200],
            regraded=len(regrades),
            key="".join(sorted(right_keys)),
        )
    return regrades


class _DryRun(Exception):
    """Raised inside the preview's transaction so everything it wrote is rolled back."""


def question_fix_key_preview(
    *, question: Question, right_keys: list[str], actor: User, reason: str
) -> list[Regrade]:
    """What question_fix_key would do, written nowhere: the real correction and regrading
    run inside a transaction that is then rolled back, so the preview cannot differ from
    the confirmed result by a second copy of the grading rules. The Regrades returned are
    unsaved copies (their attempts carry the would-be score)."""
    outcome: list[Regrade] = []
    try:
        with transaction.atomic():
            for regrade in question_fix_key(
                question=question, right_keys=right_keys, actor=actor, reason=reason
            ):
                regrade.pk = None
                outcome.append(regrade)
            raise _DryRun
    except _DryRun:
        pass
    question.refresh_from_db()
    return outcome


def question_delete(*, actor: User | None, question: Question) -> None:
    """Delete a question no paper has used (one that has is taken out of use instead)."""
    with transaction.atomic():
        question = (
            Question.objects.select_for_update(of=("self",))
            .select_related("bank")
            .get(pk=question.pk)
        )
        require(question_can_change(actor, question))
        if not question_can_delete(actor, question):
            raise ValidationError(
                _("This question is on exam papers: take it out of use instead of deleting it.")
            )
        question.current_version = None
        question.save(update_fields=["current_version"])
        question.delete()


def _owned_questions(actor: User | None, question_ids: list[int]) -> list[Question]:
    """The questions, locked, each checked for the actor: one foreign or missing id refuses
    the whole action (nothing is written)."""
    ids = sorted({int(pk) for pk in question_ids})
    if not ids:
        raise ValidationError(_("Tick at least one question."))
    questions = list(
        Question.objects.select_for_update(of=("self",))
        .select_related("bank")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    require(len(questions) == len(ids), _("Some of these questions do not exist."))
    for question in questions:
        require(question_can_change(actor, question))
    return questions


def _check_upcoming_papers(bank_ids: set[int]) -> None:
    """Refuse a change that leaves a paper rule of a published, not yet closed session
    unable to draw a fair paper (ARCHITECTURE rule 4), naming the rule, the section and
    how many questions it would lack. Run inside the change's transaction, after its
    writes, so the pool is the one the change leaves; raising rolls the change back."""
    from django.utils import timezone

    from question_banks.models import PaperRule
    from question_banks.services.rules import (
        check_rule,
        describe_shortage,
        pool_for_bank,
        section_specs,
    )

    rules = (
        PaperRule.objects.filter(
            bank_id__in=bank_ids,
            sessions__is_published=True,
            sessions__closes_at__gt=timezone.now(),
        )
        .exclude(kind=PaperRule.Kind.FIXED)
        .distinct()
        .order_by("code")
    )
    problems = []
    for rule in rules:
        specs = section_specs(rule)
        for shortage in check_rule(specs, pool_for_bank(rule.bank_id)):
            problems.append(
                _("Paper rule %(rule)s of a published exam session: %(shortage)s")
                % {
                    "rule": rule.name,
                    "shortage": describe_shortage(shortage, specs[shortage.section]),
                }
            )
    if problems:
        raise ValidationError([*problems, _("Nothing was changed.")], code="rule_shortage")


def questions_set_active(*, actor: User | None, question_ids: list[int], active: bool) -> int:
    """Put questions of the actor's banks in or out of use, all or none; returns how many.
    Taking questions out of use is refused when a published session's paper rule would
    lack questions (see _check_upcoming_papers)."""
    with transaction.atomic():
        questions = _owned_questions(actor, question_ids)
        changed = [q.pk for q in questions if q.is_active != active]
        Question.objects.filter(pk__in=changed).update(is_active=active)
        if not active and changed:
            _check_upcoming_papers({q.bank_id for q in questions if q.pk in changed})
        for question in questions:
            if question.pk in changed:
                audit_record(
                    actor=actor,
                    action="question.enable" if active else "question.disable",
                    target=question,
                )
    return len(changed)


def questions_move(
    *,
    actor: User | None,
    question_ids: list[int],
    bank: QuestionBank,
    category: Category | None,
) -> int:
    """Move questions of the actor's banks to a category, in the same bank or another bank
    of theirs; all or none. A question on a fixed paper stays in its bank (the paper draws
    from that bank only)."""
    from question_banks.models import FixedPaperItem

    with transaction.atomic():
        require(bank_can_change(actor, bank), _("You may only move questions into your own banks."))
        if category is not None and category.bank_id != bank.pk:
            raise ValidationError(_("The category must be one of the question's bank."))
        questions = _owned_questions(actor, question_ids)
        leaving = [q.pk for q in questions if q.bank_id != bank.pk]
        if FixedPaperItem.objects.filter(question_id__in=leaving).exists():
            raise ValidationError(
                _("Some of these questions are on a fixed paper: they stay in their bank.")
            )
        Question.objects.filter(pk__in=[q.pk for q in questions]).update(
            bank=bank, category=category
        )
        # A section may draw from certain categories: any move can leave one short.
        _check_upcoming_papers({q.bank_id for q in questions})
        for question in questions:
            audit_record(
                actor=actor,
                action="question.move",
                target=question,
                bank=bank.code,
                category=str(category or ""),
            )
    return len(questions)


def question_write(
    *,
    actor: User | None,
    bank: QuestionBank,
    question: Question | None,
    uploads: dict,
    build: Callable[[dict[str, str]], dict],
) -> Question:
    """Write a question from the workbench's form: its new images are stored, `build`
    turns their URLs into the question's fields, and the question is created or edited.
    When it is refused, the images stored for it are removed again: nothing half-written."""
    from question_banks.services.question_images import (
        question_image_store,
        question_images_discard,
    )

    require(bank_can_change(actor, bank), _("You may only add questions to your own banks."))
    if question is not None:
        require(question.bank_id == bank.pk and question_can_change(actor, question))
    stored = []
    try:
        urls = {}
        for name, upload in uploads.items():
            image = question_image_store(actor=actor, bank=bank, upload=upload)
            stored.append(image)
            urls[name] = image.url
        fields = build(urls)
        if question is None:
            return question_create(bank=bank, actor=actor, **fields)
        return question_edit(question=question, actor=actor, **fields)
    except (ValidationError, PermissionDenied):
        question_images_discard(stored)
        raise
