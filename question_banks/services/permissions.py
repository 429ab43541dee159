"""Who may change which question bank, category, question, paper rule and exam session, and
what even they may no longer change.

The one place every service that writes these asks (as Wagtail's actions ask a permission
policy), and the one the admin's permission policy (question_banks/wagtail_admin.py)
delegates to: the admin, the pages, the API and the commands refuse the same things.

Who owns what (the reasoning is on roster.models.TrainingBody):
- the system admin, and the system itself (``actor=None``: seed_demo and the operators'
  management commands): everything;
- a trainer: the banks of the training bodies their grants name, with their categories,
  questions and paper rules; a body's sessions held in the region of a grant that names
  that body, or below it;
- an enterprise admin: the banks and sessions of the enterprises they administer;
- anyone else: nothing.
What the admin lists for a user is what they may change.

What no owner may change any more (the allowed state changes):
- an exam session once it has opened: its rule, pass mark, duration, scoring and its
  publication; its window once someone has started (their deadlines were set by it);
- a paper rule once a session using it has opened or an official paper drawn from it was
  started: anything but its name (papers drawn from it must stay alike);
- deleting what results depend on: a session someone started, a rule a session or an
  attempt uses, a bank with rules or with questions on a paper, a category a paper section
  draws from, a question that is on a paper.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from question_banks.models import (
    Attempt,
    AttemptItem,
    Category,
    ExamSession,
    FixedPaperItem,
    PaperRule,
    PaperSection,
    Question,
    QuestionBank,
)
from roster.choices import Role
from roster.models import Enterprise, Region, RoleGrant, TrainingBody, User
from roster.selectors import grant_region_path, role_grants

_NOTHING = Q(pk__in=[])

# Fields of a session that stop changing once it has opened, and once someone has started.
SESSION_LOCKED_ONCE_OPEN = frozenset(
    {"rule", "pass_mark", "duration_minutes", "score_policy", "is_published"}
)
SESSION_LOCKED_ONCE_STARTED = frozenset({"opens_at", "closes_at"})
# What of a paper rule may still change while sessions use it.
RULE_OPEN_WHEN_IN_USE = frozenset({"name"})


def is_system(actor: User | None) -> bool:
    """The system admin, or the system itself (no actor: seed_demo, the operators' commands)."""
    return actor is None or (actor.is_active and actor.is_superuser)


def _trainer_grants(actor: User | None) -> list[RoleGrant]:
    # A trainer's grant that names no body (made before bodies existed and not yet
    # migrated, or left incomplete) owns nothing. No actor (the system) holds no grant.
    if actor is None:
        return []
    return [
        g
        for g in role_grants(actor)
        if g.role == Role.TRAINER and g.training_body_id and g.region_id
    ]


def _body_ids(actor: User | None) -> set[int]:
    return {pk for g in _trainer_grants(actor) if (pk := g.training_body_id) is not None}


def _enterprise_ids(actor: User | None) -> set[int]:
    if actor is None:
        return set()
    return {
        pk
        for g in role_grants(actor)
        if g.role == Role.ENTERPRISE_ADMIN and (pk := g.enterprise_id) is not None and pk
    }


def may_own(actor: User | None) -> bool:
    """Whether the actor can own anything here at all (and so may create banks, rules and
    sessions): the system, a trainer of a body, an enterprise admin."""
    return is_system(actor) or bool(_trainer_grants(actor)) or bool(_enterprise_ids(actor))


def owner_choices(actor: User | None) -> list[tuple[str, int]]:
    """Whom a new bank or session of the actor's may belong to, as (field, id): the bodies
    their trainer grants name and the enterprises they administer."""
    if actor is None:
        return []
    owners = [("training_body_id", pk) for pk in sorted(_body_ids(actor))]
    return owners + [("enterprise_id", pk) for pk in sorted(_enterprise_ids(actor))]


def grant_regions(actor: User | None, body_id: int) -> set[int]:
    """The regions of the actor's trainer grants that name this body."""
    if actor is None:
        return set()
    return {
        pk
        for g in _trainer_grants(actor)
        if g.training_body_id == body_id and (pk := g.region_id) is not None
    }


def require(allowed: bool, message: str | None = None) -> None:
    """Refuse with PermissionDenied (403 on a page, the reason in the message)."""
    if not allowed:
        raise PermissionDenied(
            message or _("This belongs to another training body, region or enterprise.")
        )


# ---------------------------------------------------------------- what a user may change


def _bank_owner_q(actor: User | None, prefix: str = "") -> Q:
    if is_system(actor):
        return Q()
    q = _NOTHING
    if bodies := _body_ids(actor):
        q |= Q(**{f"{prefix}training_body_id__in": sorted(bodies)})
    if enterprises := _enterprise_ids(actor):
        q |= Q(**{f"{prefix}enterprise_id__in": sorted(enterprises)})
    return q


def banks_for(actor: User | None) -> QuerySet[QuestionBank]:
    return QuestionBank.objects.filter(_bank_owner_q(actor))


def categories_for(actor: User | None) -> QuerySet[Category]:
    return Category.objects.filter(_bank_owner_q(actor, "bank__"))


def questions_for(actor: User | None) -> QuerySet[Question]:
    return Question.objects.filter(_bank_owner_q(actor, "bank__"))


def rules_for(actor: User | None) -> QuerySet[PaperRule]:
    if is_system(actor):
        return PaperRule.objects.all()
    q = Q(enterprise__isnull=True) & _bank_owner_q(actor, "bank__")
    if enterprises := _enterprise_ids(actor):
        q |= Q(enterprise_id__in=sorted(enterprises))
    return PaperRule.objects.filter(q)


def sessions_for(actor: User | None) -> QuerySet[ExamSession]:
    if is_system(actor):
        return ExamSession.objects.all()
    q = _NOTHING
    for grant in _trainer_grants(actor):
        q |= Q(
            training_body_id=grant.training_body_id,
            region__path__startswith=grant_region_path(grant),
        )
    if enterprises := _enterprise_ids(actor):
        q |= Q(enterprise_id__in=sorted(enterprises))
    return ExamSession.objects.filter(q)


def bodies_for(actor: User | None) -> QuerySet[TrainingBody]:
    """The training bodies the actor may make banks and sessions for."""
    if is_system(actor):
        return TrainingBody.objects.all()
    return TrainingBody.objects.filter(pk__in=sorted(_body_ids(actor)))


def enterprises_for(actor: User | None) -> QuerySet[Enterprise]:
    """The enterprises the actor may make internal banks and sessions for."""
    if is_system(actor):
        return Enterprise.objects.all()
    return Enterprise.objects.filter(pk__in=sorted(_enterprise_ids(actor)))


def regions_for(actor: User | None) -> QuerySet[Region]:
    """Where the actor may hold a training body's session: their trainer grants' subtrees."""
    if is_system(actor):
        return Region.objects.all()
    q = _NOTHING
    for grant in _trainer_grants(actor):
        q |= Q(path__startswith=grant_region_path(grant))
    return Region.objects.filter(q)


# ---------------------------------------------------------------- one object


def bank_can_change(actor: User | None, bank: QuestionBank) -> bool:
    if is_system(actor):
        return True
    if bank.training_body_id and bank.training_body_id in _body_ids(actor):
        return True
    return bool(bank.enterprise_id) and bank.enterprise_id in _enterprise_ids(actor)


def category_can_change(actor: User | None, category: Category) -> bool:
    return bank_can_change(actor, category.bank)


def question_can_change(actor: User | None, question: Question) -> bool:
    return bank_can_change(actor, question.bank)


def rule_can_change(actor: User | None, rule: PaperRule) -> bool:
    # An enterprise's own paper on a shared bank is the enterprise's, not the bank body's.
    if rule.enterprise_id:
        return is_system(actor) or rule.enterprise_id in _enterprise_ids(actor)
    return bank_can_change(actor, rule.bank)


def bank_shared_with(bank: QuestionBank, enterprise: Enterprise | None) -> bool:
    """A training body's bank opened to enterprises, and the enterprise is in the body's
    region (the reasoning is on QuestionBank)."""
    if enterprise is None or not (bank.open_to_enterprises and bank.training_body_id):
        return False
    body = bank.training_body
    return body is not None and enterprise.region.path.startswith(body.region.path)


def banks_shared_with(enterprise: Enterprise) -> QuerySet[QuestionBank]:
    codes = [c for c in enterprise.region.path.split("/") if c]
    above = ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]
    return QuestionBank.objects.filter(
        open_to_enterprises=True, training_body__region__path__in=above
    )


def rule_bank_allowed(actor: User | None, rule: PaperRule) -> bool:
    """Whether the actor may write a paper rule on its bank: their own bank, or for an
    enterprise's own paper, a bank shared with that enterprise."""
    if rule.bank_id is None:
        return False
    if rule.enterprise_id:
        return rule_can_change(actor, rule) and (
            rule.bank.enterprise_id == rule.enterprise_id
            or bank_shared_with(rule.bank, rule.enterprise)
        )
    return bank_can_change(actor, rule.bank)


def session_can_change(actor: User | None, session: ExamSession) -> bool:
    if is_system(actor):
        return True
    if session.enterprise_id and session.enterprise_id in _enterprise_ids(actor):
        return True
    if not (session.training_body_id and session.region_id) or session.region is None:
        return False
    path = session.region.path
    return any(
        grant.training_body_id == session.training_body_id
        and path.startswith(grant_region_path(grant))
        for grant in _trainer_grants(actor)
    )


def rule_fits_session(rule: PaperRule, session: ExamSession) -> bool:
    """A session draws from its owner's own banks (a session the system keeps, from any);
    an enterprise's also from a bank shared with it, by the body's rules or its own."""
    bank = rule.bank
    if rule.enterprise_id and rule.enterprise_id != session.enterprise_id:
        return False
    if session.training_body_id:
        return bank.training_body_id == session.training_body_id
    if session.enterprise_id:
        return bank.enterprise_id == session.enterprise_id or bank_shared_with(
            bank, session.enterprise
        )
    return True


# ---------------------------------------------------------------- states


def session_has_started(session: ExamSession) -> bool:
    """Someone has started a paper of this session (READY papers drawn ahead do not count)."""
    return Attempt.objects.filter(session=session, started_at__isnull=False).exists()


def session_locked_fields(session: ExamSession, now: dt.datetime | None = None) -> frozenset[str]:
    """The fields of a stored session that may no longer change, as of now."""
    if session.pk is None:
        return frozenset()
    now = now or timezone.now()
    started = session_has_started(session)
    locked: set[str] = set()
    if started or (session.is_published and session.opens_at <= now):
        locked |= SESSION_LOCKED_ONCE_OPEN
    if started:
        locked |= SESSION_LOCKED_ONCE_STARTED
    return frozenset(locked)


def rule_in_use(rule: PaperRule, now: dt.datetime | None = None) -> bool:
    """A session using the rule has opened, or an official paper drawn from it was started."""
    if rule.pk is None:
        return False
    now = now or timezone.now()
    return (
        rule.sessions.filter(is_published=True, opens_at__lte=now).exists()
        or Attempt.objects.filter(
            rule=rule, kind=Attempt.Kind.OFFICIAL, started_at__isnull=False
        ).exists()
    )


def session_can_delete(actor: User | None, session: ExamSession) -> bool:
    return session_can_change(actor, session) and not session_has_started(session)


def rule_can_delete(actor: User | None, rule: PaperRule) -> bool:
    return (
        rule_can_change(actor, rule)
        and not rule.sessions.exists()
        and not Attempt.objects.filter(rule=rule).exists()
    )


def bank_can_delete(actor: User | None, bank: QuestionBank) -> bool:
    return (
        bank_can_change(actor, bank)
        and not bank.paper_rules.exists()
        and not AttemptItem.objects.filter(version__question__bank=bank).exists()
    )


def category_can_delete(actor: User | None, category: Category) -> bool:
    # Deleting a category deletes the ones below it too.
    used = PaperSection.objects.filter(
        categories__bank_id=category.bank_id, categories__path__startswith=category.path
    )
    return category_can_change(actor, category) and not used.exists()


def question_can_delete(actor: User | None, question: Question) -> bool:
    return (
        question_can_change(actor, question)
        and not AttemptItem.objects.filter(version__question=question).exists()
        and not FixedPaperItem.objects.filter(question=question).exists()
    )
