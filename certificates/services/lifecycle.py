"""A certificate's life after issue: review (复审), suspension, revocation, cancellation (注销),
renewal (延续) and replacement (补证/换证). Each step is an event with who, when and why; a
renewal or replacement is a new certificate that supersedes the old one, whose dates stay.

Each step checks its actor here, whoever calls it (require_manager): the system admin, or
the enterprise admin of the enterprise that employs the holder now. A former employer, or an
enterprise that has only asked for the person (a transfer request), changes nothing. Which
status each step starts from is written once, in STEPS: the steps check it under a row lock,
and the pages ask certificate_actions_allowed what to offer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from certificates.models import Certificate, CertificateEvent, CertificateStatus

from .issuing import CertificateError, certificate_create, certificate_dates, require_manager
from .signing import certificate_sign
from .windows import (
    clean_years,
    practical_check,
    renewal_check,
    review_exam_check,
    review_hours_done,
    review_records_check,
    review_window_check,
)

if TYPE_CHECKING:
    from question_banks.models import Attempt
    from roster.models import User

VALID, SUSPENDED, REVOKED = (
    CertificateStatus.VALID,
    CertificateStatus.SUSPENDED,
    CertificateStatus.REVOKED,
)


@dataclass(frozen=True)
class Step:
    """A lifecycle step: the statuses it starts from and how it refuses any other (message
    and code); a review also needs a review date."""

    sources: frozenset[str]
    refusal: str
    code: str = "not_valid"
    needs_review_date: bool = False


_CHANGE = gettext_noop("A %(state)s certificate cannot be changed that way.")
# In the order the manage page offers them.
STEPS: dict[str, Step] = {
    "review": Step(
        frozenset({VALID}),
        gettext_noop("A %(state)s certificate cannot be reviewed."),
        needs_review_date=True,
    ),
    "renew": Step(frozenset({VALID}), gettext_noop("A %(state)s certificate cannot be renewed.")),
    "replace": Step(
        frozenset({VALID, SUSPENDED}),
        gettext_noop("A %(state)s certificate cannot be replaced."),
    ),
    "suspend": Step(frozenset({VALID}), _CHANGE, "transition"),
    "reinstate": Step(frozenset({SUSPENDED}), _CHANGE, "transition"),
    "revoke": Step(frozenset({VALID, SUSPENDED}), _CHANGE, "transition"),
    "cancel": Step(frozenset({VALID, SUSPENDED, REVOKED}), _CHANGE, "transition"),
}

# The status changes certificate_change_status makes: event kind -> (step, new status).
_STATUS_CHANGES: dict[str, tuple[str, CertificateStatus]] = {
    CertificateEvent.Kind.SUSPENDED: ("suspend", SUSPENDED),
    CertificateEvent.Kind.REINSTATED: ("reinstate", VALID),
    CertificateEvent.Kind.REVOKED: ("revoke", REVOKED),
    CertificateEvent.Kind.CANCELLED: ("cancel", CertificateStatus.CANCELLED),
}


def _may_manage(actor: User | None, certificate: Certificate) -> bool:
    try:
        require_manager(actor, certificate.person)
    except CertificateError:
        return False
    return True


def _applies(step: Step, certificate: Certificate) -> bool:
    return certificate.status in step.sources and (
        not step.needs_review_date or certificate.next_review_on is not None
    )


def certificate_actions_allowed(*, actor: User | None, certificate: Certificate) -> list[str]:
    """The steps this actor may take on this certificate now, by name, in STEPS' order
    (what the manage page offers; each step checks again under its row lock)."""
    if not _may_manage(actor, certificate):
        return []
    return [name for name, step in STEPS.items() if _applies(step, certificate)]


def _require_step(name: str, certificate: Certificate) -> None:
    """Refuse a step from a status it does not start from (the first check of each)."""
    step = STEPS[name]
    if certificate.status not in step.sources:
        raise CertificateError(
            _(step.refusal) % {"state": certificate.get_status_display()}, step.code
        )


def _locked(certificate: Certificate) -> Certificate:
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("certificate_type", "person")
        .get(pk=certificate.pk)
    )


def _need_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give a reason; it is kept with the certificate."), "reason")
    return reason[:200]


def _event(
    certificate: Certificate, kind: str, actor: User | None, reason: str = "", **details: Any
) -> None:
    CertificateEvent.objects.create(
        certificate=certificate, kind=kind, by=actor, reason=reason, details=details
    )


def certificate_review(
    *,
    certificate: Certificate,
    actor: User | None,
    on: dt.date | None = None,
    applied_on: dt.date | None = None,
    attempt: Attempt | None = None,
    reason: str = "",
) -> Certificate:
    """Record a passed review: the training and exam that justified it, and the next date.

    The application must have come in its window (windows.review_window_check); the review
    training is what the hours ledger credited since the last review, never a typed number;
    the review exam must have been passed (the one given, or the holder's latest pass of the
    card's items since the last review: windows.review_exam_check); the latest health check
    must not be unfit, and no 三违 or accident penalty may fall in the validity
    (windows.review_records_check);
    after enough clean years in the trade (特种作业: 10, no 三违, accident or credit record,
    windows.clean_years) the next review moves to the longer cycle (6 years) where the type
    allows it."""
    on = on or timezone.localdate()
    applied_on = applied_on or on
    if applied_on > on:
        raise CertificateError(
            _("The application date %(date)s is after the review date.")
            % {"date": applied_on.isoformat()},
            "applied_after",
        )
    with transaction.atomic():
        certificate = _locked(certificate)
        require_manager(actor, certificate.person)
        ctype = certificate.certificate_type
        _require_step("review", certificate)
        if certificate.next_review_on is None:
            raise CertificateError(_("This certificate has no review due."), "no_review")
        if certificate.valid_until < on:
            raise CertificateError(
                _("The certificate expired on %(date)s; it must be issued again.")
                % {"date": certificate.valid_until.isoformat()},
                "expired",
            )
        if certificate.next_review_on < on:
            # 特种作业: a missed review voids the certificate.
            raise CertificateError(
                _("The review was due on %(date)s and was missed; the certificate is void.")
                % {"date": certificate.next_review_on.isoformat()},
                "review_missed",
            )
        review_window_check(certificate=certificate, applied_on=applied_on)
        practical_check(certificate=certificate, on=on)
        training_hours = review_hours_done(certificate=certificate, on=on)
        if training_hours < ctype.review_training_hours:
            raise CertificateError(
                _(
                    "A review needs %(need)s hours of review training; the hours ledger has "
                    "%(done)s since %(since)s."
                )
                % {
                    "need": ctype.review_training_hours,
                    "done": training_hours,
                    "since": (certificate.last_reviewed_on or certificate.valid_from).isoformat(),
                },
                "hours",
            )
        attempt = review_exam_check(certificate=certificate, on=on, attempt=attempt)
        review_records_check(certificate=certificate, on=on)
        years = clean_years(person=certificate.person, since=certificate.first_issued_on, on=on)
        interval = ctype.review_interval_years
        if (
            ctype.extended_review_after_years
            and ctype.extended_review_interval_years
            and years >= ctype.extended_review_after_years
        ):
            interval = ctype.extended_review_interval_years
        due = certificate.next_review_on + relativedelta(years=interval)
        old = certificate.next_review_on
        certificate.last_reviewed_on = on
        certificate.next_review_on = due if due < certificate.valid_until else None
        certificate.save(update_fields=["last_reviewed_on", "next_review_on"])
        _event(
            certificate,
            CertificateEvent.Kind.REVIEWED,
            actor,
            reason[:200],
            applied_on=applied_on.isoformat(),
            training_hours=float(training_hours),
            attempt=attempt.pk if attempt else None,
            clean_years=years,
            previous_due=old.isoformat(),
            next_due=certificate.next_review_on.isoformat() if certificate.next_review_on else None,
        )
        certificate_sign(certificate)  # the QR must not outlive the next review date
    return certificate


def certificate_change_status(
    *, certificate: Certificate, kind: str, actor: User | None, reason: str
) -> Certificate:
    """Suspend, reinstate, revoke (撤销) or cancel (注销), with the reason kept."""
    reason = _need_reason(reason)
    step, new_status = _STATUS_CHANGES[kind]
    with transaction.atomic():
        certificate = _locked(certificate)
        require_manager(actor, certificate.person)
        _require_step(step, certificate)
        old = certificate.status
        certificate.status = new_status
        certificate.save(update_fields=["status"])
        _event(certificate, kind, actor, reason, previous=old)
    return certificate


def certificate_renew(
    *,
    certificate: Certificate,
    actor: User | None,
    reason: str,
    on: dt.date | None = None,
    applied_on: dt.date | None = None,
    attempt: Attempt | None = None,
) -> Certificate:
    """延续/换证 at the end of the validity: a new record from the day after the old one ends
    (or from today if it has already ended), keeping the number and the first-issue date.
    The application must have come in the family's window, and a construction renewal is
    refused after an accident penalty or bad credit record (windows.renewal_check)."""
    reason = _need_reason(reason)
    on = on or timezone.localdate()
    applied_on = applied_on or on
    with transaction.atomic():
        old = _locked(certificate)
        require_manager(actor, old.person)
        _require_step("renew", old)
        renewal_check(certificate=old, applied_on=applied_on)
        if attempt is not None and not attempt.passed:
            raise CertificateError(_("The renewal exam was not passed."), "not_passed")
        valid_from = max(on, old.valid_until + dt.timedelta(days=1))
        old.status = CertificateStatus.REPLACED
        old.save(update_fields=["status"])
        _event(old, CertificateEvent.Kind.RENEWED, actor, reason, applied_on=applied_on.isoformat())
        valid_until, next_review = certificate_dates(old.certificate_type, valid_from)
        new = certificate_create(
            person=old.person,
            ctype=old.certificate_type,
            source=Certificate.Source.RENEWAL,
            actor=actor,
            on=on,
            number=old.number,
            first_issued_on=old.first_issued_on,
            valid_from=valid_from,
            valid_until=valid_until,
            next_review_on=next_review,
            enterprise=old.enterprise,
            supersedes=old,
            reason=reason,
            details={"supersedes": old.number, "attempt": attempt.pk if attempt else None},
        )
        old.events.filter(kind=CertificateEvent.Kind.RENEWED).update(
            details={"superseded_by": new.pk, "applied_on": applied_on.isoformat()}
        )
    return new


def certificate_replace(
    *, certificate: Certificate, actor: User | None, reason: str, new_number: bool = False
) -> Certificate:
    """补证/换证 of a lost or damaged card: the same dates on a new record; the old one is
    marked replaced and its QR stops verifying as valid."""
    reason = _need_reason(reason)
    with transaction.atomic():
        old = _locked(certificate)
        require_manager(actor, old.person)
        _require_step("replace", old)
        carried_status = old.status
        old.status = CertificateStatus.REPLACED
        old.save(update_fields=["status"])
        _event(old, CertificateEvent.Kind.REPLACED, actor, reason)
        new = certificate_create(
            person=old.person,
            ctype=old.certificate_type,
            source=Certificate.Source.REPLACEMENT,
            actor=actor,
            number="" if new_number else old.number,
            first_issued_on=old.first_issued_on,
            valid_from=old.valid_from,
            valid_until=old.valid_until,
            next_review_on=old.next_review_on,
            issuer_code=old.issuer_code,
            issuer_name=old.issuer_name,
            enterprise=old.enterprise,
            supersedes=old,
            reason=reason,
            details={"supersedes": old.number},
        )
        if new.last_reviewed_on != old.last_reviewed_on or carried_status != new.status:
            new.last_reviewed_on = old.last_reviewed_on
            new.status = carried_status
            new.save(update_fields=["last_reviewed_on", "status"])
    return new
