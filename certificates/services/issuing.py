"""Issuing certificates: automatically on a passed exam (idempotent per attempt), by an admin,
in batch for a session, and as the renewal or replacement of an existing one."""

from __future__ import annotations

import datetime as dt
import enum
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import (
    Certificate,
    CertificateEvent,
    CertificateFamily,
    CertificateItem,
    CertificateRule,
    CertificateState,
    CertificateStatus,
    CertificateType,
    PracticalExam,
)
from certificates.trust.status_list import MIN_SIZE, assign_random_index
from roster.models import Enterprise, Person
from roster.selectors import administered_enterprises, can_edit_person

from .errors import CertificateError
from .numbering import LIVE_STATUSES, number_allocate
from .signing import certificate_sign
from .windows import practical_pass_for, revocation_check, rule_for, theory_usable_until

if TYPE_CHECKING:
    from question_banks.models import Attempt, ExamSession
    from roster.models import User

log = logging.getLogger(__name__)


class _Compute(enum.Enum):
    """The default of `next_review_on`: work the date out from the type (None means none)."""

    COMPUTE = "compute"


COMPUTE: Final = _Compute.COMPUTE


class _UsedIndexes:
    """The status-list indexes in use, asked of the database one at a time."""

    def __contains__(self, index: object) -> bool:
        if not isinstance(index, int):
            return False
        return Certificate.objects.filter(status_index=index).exists()

    def __len__(self) -> int:
        return Certificate.objects.count()


def certificate_dates(
    ctype: CertificateType, valid_from: dt.date
) -> tuple[dt.date, dt.date | None]:
    """(valid until, next review) for a certificate valid from that day."""
    if ctype.validity_years is None:
        # The rules give this type no validity (certificates 0012): nothing is invented.
        raise CertificateError(
            _("%(type)s has no validity set: the system admin sets it before issuing.")
            % {"type": ctype.name},
            "no_validity",
        )
    valid_until = valid_from + relativedelta(years=ctype.validity_years) - dt.timedelta(days=1)
    next_review = None
    if ctype.review_interval_years:
        due = valid_from + relativedelta(years=ctype.review_interval_years)
        next_review = due if due <= valid_until else None
    return valid_until, next_review


def require_manager(actor: User | None, person: Person) -> None:
    """Who may issue by hand or change a person's certificates: the system (no user, as
    commands and tasks act), the system admin, and the admin of the enterprise that employs
    the holder *now* (roster.selectors.can_edit_person: the same rule as the roster's)."""
    if actor is None:
        return
    if not can_edit_person(user=actor, person=person):
        raise CertificateError(
            _("Only the system admin and the holder's enterprise admin manage this certificate."),
            "forbidden",
        )


def item_in_force(person: Person, ctype: CertificateType, on: dt.date) -> Certificate | None:
    """The card in force that is of this type or lists it as an operation item."""
    return (
        Certificate.objects.filter(person=person)
        .filter(Q(certificate_type=ctype) | Q(items__certificate_type=ctype))
        .in_force(on)
        .distinct()
        .first()
    )


def _special_operation_card(person: Person) -> Certificate | None:
    """The person's live 特种作业操作证 (T + ID number), if any: one per person."""
    return (
        Certificate.objects.filter(
            person=person, certificate_type__family=CertificateFamily.SPECIAL_OPERATION
        )
        .exclude(status__in=(CertificateStatus.REPLACED, CertificateStatus.CANCELLED))
        .exclude(status=CertificateStatus.REVOKED)
        .order_by("-valid_until", "-pk")
        .first()
    )


def certificate_item_add(
    *,
    certificate: Certificate,
    ctype: CertificateType,
    actor: User | None,
    on: dt.date,
    attempt: Attempt | None = None,
    reason: str = "",
) -> Certificate:
    """Add an operation item to a person's 特种作业操作证 instead of minting a second card:
    the card keeps its T + ID number and lists the item from `on`; its QR is signed again.

    Who: with an exam `attempt`, the holder's own passed attempt earns the item whoever runs
    the batch (the session's rule decides that: session_issue_certificates); without one,
    the system, the system admin or the holder's enterprise admin (require_manager). From
    which state: only a card that still holds its number (valid or suspended), and never a
    second time for an item it lists."""
    if attempt is None:
        require_manager(actor, certificate.person)
    elif attempt.person_id != certificate.person_id or not attempt.passed:
        raise CertificateError(
            _("Only the holder's own passed exam adds an item to this certificate."),
            "forbidden",
        )
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=certificate.person_id)
        certificate = Certificate.objects.select_related("person").get(pk=certificate.pk)
        if certificate.status not in LIVE_STATUSES:
            raise CertificateError(
                _("Certificate %(number)s is %(state)s: an item cannot be added to it.")
                % {"number": certificate.number, "state": certificate.get_status_display()},
                "card_not_valid",
            )
        if (
            certificate.certificate_type_id == ctype.pk
            or certificate.items.filter(certificate_type=ctype).exists()
        ):
            raise CertificateError(
                _("Certificate %(number)s already lists %(type)s.")
                % {"number": certificate.number, "type": ctype.name},
                "already_held",
            )
        CertificateItem.objects.create(
            certificate=certificate, certificate_type=ctype, first_issued_on=on, attempt=attempt
        )
        CertificateEvent.objects.create(
            certificate=certificate,
            kind=CertificateEvent.Kind.ITEM_ADDED,
            by=actor,
            reason=reason[:200],
            details={"item": ctype.code, "attempt": attempt.pk if attempt else None},
        )
        certificate_sign(certificate)
    return certificate


def certificate_create(
    *,
    person: Person,
    ctype: CertificateType,
    source: str,
    actor: User | None = None,
    on: dt.date | None = None,
    enterprise: Enterprise | None = None,
    attempt: Attempt | None = None,
    number: str = "",
    first_issued_on: dt.date | None = None,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    next_review_on: dt.date | Literal[_Compute.COMPUTE] | None = COMPUTE,
    issuer_code: str = "",
    issuer_name: str = "",
    supersedes: Certificate | None = None,
    event: str = CertificateEvent.Kind.ISSUED,
    reason: str = "",
    details: dict | None = None,
) -> Certificate:
    """The one place a certificate row is made: number, status index, token, first event.

    Runs in the caller's transaction (or its own): the number's sequence lock is held until
    the certificate is committed."""
    on = on or timezone.localdate()
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=person.pk)  # one issue per person at a time
        valid_from = valid_from or on
        if ctype.validity_years is None and valid_until is not None:
            # An imported card of a type without a validity figure keeps its printed expiry.
            computed_until, computed_review = valid_until, None
        else:
            computed_until, computed_review = certificate_dates(ctype, valid_from)
        valid_until = valid_until or computed_until
        if next_review_on is COMPUTE:
            next_review_on = computed_review
        if valid_until < valid_from:
            raise CertificateError(_("The validity ends before it starts."), "dates")
        if enterprise is None:
            current = person.employments.current().select_related("enterprise").first()
            enterprise = current.enterprise if current else None
        certificate = Certificate(
            number=number or number_allocate(ctype=ctype, person=person, on=on),
            certificate_type=ctype,
            person=person,
            enterprise=enterprise,
            first_issued_on=first_issued_on or valid_from,
            valid_from=valid_from,
            valid_until=valid_until,
            next_review_on=next_review_on,
            issuer_code=issuer_code or ctype.issuer_code,
            issuer_name=issuer_name or ctype.issuer_name,
            source=source,
            attempt=attempt,
            supersedes=supersedes,
            issued_by=actor,
        )
        for tries in range(5):
            certificate.status_index = assign_random_index(_UsedIndexes(), MIN_SIZE)
            try:
                with transaction.atomic():
                    certificate.save()
                break
            except IntegrityError:
                if (
                    tries == 4
                    or Certificate.objects.filter(
                        number=certificate.number, status__in=LIVE_STATUSES
                    ).exists()
                ):
                    raise
                certificate.pk = None  # another issuer drew the same index: draw again
        if ctype.family == CertificateFamily.SPECIAL_OPERATION:
            # The card's first operation item; later ones are added by certificate_item_add.
            CertificateItem.objects.create(
                certificate=certificate,
                certificate_type=ctype,
                first_issued_on=certificate.first_issued_on,
            )
        CertificateEvent.objects.create(
            certificate=certificate,
            kind=event,
            by=actor,
            reason=reason[:200],
            details=details or {},
        )
        certificate_sign(certificate)
    return certificate


@dataclass(frozen=True)
class ExamsHeldElsewhere:
    """The theory (安全生产知识) and practical (实际操作) results of exams held by another
    body, typed from its record when a certificate is issued by hand."""

    theory_on: dt.date
    theory_score: Decimal
    practical_on: dt.date
    practical_score: Decimal
    examiner: str


def needs_practical(ctype: CertificateType) -> CertificateRule | None:
    """The type's rule when it asks for a practical exam after the theory, or None."""
    rule = rule_for(ctype.family)
    return rule if rule is not None and rule.theory_valid_months else None


def exams_elsewhere_check(
    *, ctype: CertificateType, results: ExamsHeldElsewhere | None, on: dt.date
) -> None:
    """A certificate whose rule needs both exams, issued by hand: both results given, both
    passed (each part 100 points; the rule's pass mark, 80), the practical taken after the
    theory and while it was usable, neither after the issue date. Refuses naming the rule
    and the dates it allows."""
    rule = needs_practical(ctype)
    if rule is None:
        return
    name = _("Rule “theory and practical exams both passed”")
    if results is None:
        raise CertificateError(
            _(
                "%(rule)s: %(type)s issued without an exam here needs the theory and practical "
                "results of the exams held elsewhere (dates, scores, examiner)."
            )
            % {"rule": name, "type": ctype.name},
            "exam_results_needed",
        )
    mark = rule.practical_pass_mark
    for day in (results.theory_on, results.practical_on):
        if day > on:
            raise CertificateError(
                _("%(rule)s: the exam of %(date)s is after the issue date %(on)s.")
                % {"rule": name, "date": day.isoformat(), "on": on.isoformat()},
                "exam_after_issue",
            )
    for score in (results.theory_score, results.practical_score):
        if not Decimal(0) <= score <= Decimal(100):
            raise CertificateError(_("The score is between 0 and 100."), "score")
    if results.theory_score < mark:
        raise CertificateError(
            _("%(rule)s: the theory score %(score)s is below the pass mark %(mark)s.")
            % {"rule": name, "score": results.theory_score, "mark": mark},
            "theory_not_passed",
        )
    if results.practical_on < results.theory_on:
        raise CertificateError(
            _(
                "Rule “practical exam only after passing the theory”: the practical exam of "
                "%(practical)s is before the theory pass of %(theory)s."
            )
            % {
                "practical": results.practical_on.isoformat(),
                "theory": results.theory_on.isoformat(),
            },
            "no_theory",
        )
    until = results.theory_on + relativedelta(months=rule.theory_valid_months or 0)
    if results.practical_on > until:
        raise CertificateError(
            _(
                "Rule “a theory pass is usable %(months)s months for the practical exam”: the "
                "theory pass of %(passed)s was usable until %(until)s."
            )
            % {
                "months": rule.theory_valid_months,
                "passed": results.theory_on.isoformat(),
                "until": until.isoformat(),
            },
            "theory_expired",
        )
    if results.practical_score < mark:
        raise CertificateError(
            _("%(rule)s: the practical score %(score)s is below the pass mark %(mark)s.")
            % {"rule": name, "score": results.practical_score, "mark": mark},
            "practical_not_passed",
        )
    if not results.examiner.strip():
        raise CertificateError(
            _("%(rule)s: name the practical exam's examiner.") % {"rule": name},
            "examiner_needed",
        )


def certificate_issue(
    *,
    person: Person,
    ctype: CertificateType,
    actor: User | None,
    reason: str = "",
    on: dt.date | None = None,
    attempt: Attempt | None = None,
    elsewhere: ExamsHeldElsewhere | None = None,
) -> Certificate:
    """Issue by an admin (after an exam held elsewhere, for instance). Refused while the
    person already holds one of this type in force: renew or replace that one instead.
    Without an exam attempt here, a type whose rule needs the practical exam asks the user
    issuing it for the results held elsewhere (`elsewhere`), kept as the person's practical
    exam in the same transaction."""
    on = on or timezone.localdate()
    # A person issuing by hand is held to the rule; the system itself (actor None: fixtures
    # of the seed and the benches, code that already checked) issues as before.
    if attempt is not None or actor is None or needs_practical(ctype) is None:
        return _issue(
            person=person, ctype=ctype, actor=actor, reason=reason, on=on, attempt=attempt
        )
    require_manager(actor, person)
    exams_elsewhere_check(ctype=ctype, results=elsewhere, on=on)
    assert elsewhere is not None
    with transaction.atomic():
        certificate = _issue(
            person=person, ctype=ctype, actor=actor, reason=reason, on=on, attempt=None
        )
        rule = needs_practical(ctype)
        assert rule is not None
        PracticalExam.objects.create(
            person=person,
            certificate_type=ctype,
            taken_on=elsewhere.practical_on,
            examiner=elsewhere.examiner.strip()[:50],
            score=elsewhere.practical_score,
            passed=elsewhere.practical_score >= rule.practical_pass_mark,
            theory_taken_on=elsewhere.theory_on,
            theory_score=elsewhere.theory_score,
            recorded_by=actor,
        )
    return certificate


def _issue(
    *,
    person: Person,
    ctype: CertificateType,
    actor: User | None,
    reason: str,
    on: dt.date,
    attempt: Attempt | None,
) -> Certificate:
    if attempt is None:
        # By hand: the admin's own people only. An exam's pass earns its certificate
        # whoever runs the batch (the session's scope decides who may do that).
        require_manager(actor, person)
    if not ctype.is_active:
        raise CertificateError(_("This certificate type is no longer issued."), "inactive_type")
    revocation_check(person=person, ctype=ctype, on=on)
    held = item_in_force(person, ctype, on)
    if held is not None:
        raise CertificateError(
            _("%(name)s already holds %(number)s of this type; renew or replace it instead.")
            % {"name": person.name, "number": held.number},
            "already_held",
        )
    if ctype.family == CertificateFamily.SPECIAL_OPERATION:
        card = _special_operation_card(person)
        state = card.state(on) if card is not None else None
        if card is not None and state == CertificateState.EXPIRED:
            # A lapsed card gives way to the new one, which carries the same T + ID number.
            return _card_replace_lapsed(
                card=card, ctype=ctype, actor=actor, on=on, attempt=attempt, reason=reason
            )
        if card is not None:
            if state in (CertificateState.SUSPENDED, CertificateState.REVIEW_DUE):
                raise CertificateError(
                    _(
                        "%(name)s's special-operation certificate %(number)s is %(state)s: "
                        "an item cannot be added to it."
                    )
                    % {
                        "name": person.name,
                        "number": card.number,
                        "state": card.get_state_display(on),
                    },
                    "card_not_valid",
                )
            return certificate_item_add(
                certificate=card, ctype=ctype, actor=actor, on=on, attempt=attempt, reason=reason
            )
    return certificate_create(
        person=person,
        ctype=ctype,
        source=Certificate.Source.EXAM if attempt else Certificate.Source.MANUAL,
        actor=actor,
        on=on,
        attempt=attempt,
        reason=reason,
    )


def _card_replace_lapsed(
    *,
    card: Certificate,
    ctype: CertificateType,
    actor: User | None,
    on: dt.date,
    attempt: Attempt | None,
    reason: str,
) -> Certificate:
    with transaction.atomic():
        Certificate.objects.filter(pk=card.pk).update(status=CertificateStatus.REPLACED)
        CertificateEvent.objects.create(
            certificate=card,
            kind=CertificateEvent.Kind.REPLACED,
            by=actor,
            reason=reason[:200],
            details={"item": ctype.code},
        )
        return certificate_create(
            person=card.person,
            ctype=ctype,
            source=Certificate.Source.EXAM if attempt else Certificate.Source.MANUAL,
            actor=actor,
            on=on,
            attempt=attempt,
            number=card.number,
            supersedes=card,
            reason=reason,
        )


def _issued_for(attempt: Attempt) -> Certificate | None:
    """The card an attempt earned: made for it, or the one it added an item to."""
    return Certificate.objects.filter(Q(attempt=attempt) | Q(items__attempt=attempt)).first()


def attempt_certificate_problem(attempt: Attempt) -> str | None:
    """Why a finished attempt does not earn its session's certificate, or None."""
    from question_banks.models import Attempt, ExamSession
    from question_banks.prerequisites import unmet
    from question_banks.services.attempts import session_result_for

    session = attempt.session
    if session is None or attempt.kind != Attempt.Kind.OFFICIAL:
        return _("Only an official exam session earns a certificate.")
    if session.purpose == ExamSession.Purpose.CONTEST:
        return _("A contest round earns no certificate.")
    if not session.certificate_type_code:
        return _("This exam session issues no certificate.")
    if not attempt.passed:
        return _("%(name)s has not passed this exam.") % {"name": attempt.person.name}
    counting = session_result_for(session=session, person=attempt.person)
    if counting is None or counting.pk != attempt.pk:
        return _("Another attempt of this person is the one that counts.")
    reasons = unmet(person=attempt.person, session=session)
    if reasons:
        return " ".join(reasons)
    return None


def certificate_issue_for_attempt(*, attempt_id: int, actor: User | None = None) -> Certificate:
    """Issue the certificate a passed attempt earns. Idempotent: keyed on the attempt, so a
    retried task or a second batch run returns the existing certificate."""
    from question_banks.models import Attempt

    attempt = Attempt.objects.select_related("session", "person").get(pk=attempt_id)
    existing = _issued_for(attempt)
    if existing is not None:
        return existing
    problem = attempt_certificate_problem(attempt)
    if problem:
        raise CertificateError(problem, "not_earned")
    session = attempt.session
    assert session is not None  # attempt_certificate_problem refuses an attempt without one
    ctype = CertificateType.objects.filter(code=session.certificate_type_code).first()
    if ctype is None:
        raise CertificateError(
            _("No certificate type has the code %(code)s.")
            % {"code": session.certificate_type_code},
            "unknown_type",
        )
    on = timezone.localtime(attempt.finished_at).date() if attempt.finished_at else None
    reason = _("Passed %(session)s") % {"session": session.name}
    rule = rule_for(ctype.family)
    if rule is not None and rule.theory_valid_months:
        # 特种作业: theory AND practical, each passed. The exam pass is the theory; the
        # certificate waits for a passed practical within the theory's validity, and is
        # issued by whichever of the two comes last (practical.practical_exam_record).
        practical = practical_pass_for(attempt=attempt, ctype=ctype, rule=rule)
        if practical is None:
            raise CertificateError(
                _(
                    "Rule “theory and practical exam, each passed”: %(name)s passed the theory "
                    "of %(type)s; the certificate is issued when a passed practical exam is "
                    "recorded, by %(until)s."
                )
                % {
                    "name": attempt.person.name,
                    "type": ctype.name,
                    "until": theory_usable_until(attempt, rule).isoformat(),
                },
                "practical_pending",
            )
        on = max(on or practical.taken_on, practical.taken_on)
        reason = _("Passed %(session)s and the practical exam of %(date)s") % {
            "session": session.name,
            "date": practical.taken_on.isoformat(),
        }
    try:
        return certificate_issue(
            person=attempt.person,
            ctype=ctype,
            actor=actor,
            attempt=attempt,
            on=on,
            reason=reason,
        )
    except IntegrityError:
        # The same attempt issued concurrently by a retried task: the other one won.
        existing = _issued_for(attempt)
        if existing is None:
            raise
        return existing


def session_issue_certificates(
    *, session: ExamSession, actor: User | None
) -> tuple[list[Certificate], list[str]]:
    """Batch: every person whose counting attempt passed gets their certificate.
    Returns (certificates, problems); running it twice issues nothing twice. Run by the
    system (no actor), the system admin, or an admin of the enterprise whose own session it
    is (session_may_issue); anyone else is refused and nothing is issued."""
    from question_banks.models import Attempt
    from question_banks.services.attempts import session_result_for

    if not session_may_issue(actor=actor, session=session):
        raise CertificateError(
            _(
                "Only the system admin and the admins of the enterprise holding this exam "
                "session issue its certificates."
            ),
            "forbidden",
        )
    issued, problems = [], []
    person_ids = (
        Attempt.objects.filter(session=session, passed=True)
        .values_list("person_id", flat=True)
        .distinct()
    )
    for person in Person.objects.filter(pk__in=person_ids).order_by("name"):
        attempt = session_result_for(session=session, person=person)
        if attempt is None or not attempt.passed:
            continue
        try:
            issued.append(certificate_issue_for_attempt(attempt_id=attempt.pk, actor=actor))
        except CertificateError as exc:
            problems.append(f"{person.name}: {exc.message}")
    return issued, problems


def session_may_issue(*, actor: User | None, session: ExamSession) -> bool:
    """Who runs a session's certificate batch (the one rule; the batch page lists the
    sessions it allows: certificates.forms.sessions_for_batch): the system, the system
    admin, and the admins of the enterprise whose own session it is."""
    if actor is None:
        return True
    if not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    enterprise_id = session.enterprise_id
    return enterprise_id is not None and (
        administered_enterprises(user=actor).filter(pk=enterprise_id).exists()
    )
