"""Numbers from before the one-number rule (issue 26): a special-operation card numbered
T + ID number + "-2" (a second operation item got a card of its own) is renamed to the one
T + ID number the rule gives a person, where the rule allows it: no other live card holds
that number. The card is signed again (its QR carries the number), the old number is kept
as `former_number` so a QR printed with it still verifies (the verify look-up of a token of
the old form matches it: verification._LIVE_SQL_LEGACY), and every rename is written to the
card's history and the audit log.

Run by an admin: `manage.py renumber_legacy_certificates [--dry-run]`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from certificates.models import Certificate, CertificateEvent
from roster.services.audit import audit_record

from .errors import CertificateError
from .numbering import LIVE_STATUSES
from .signing import certificate_sign

if TYPE_CHECKING:
    from roster.models import User

# "T" + an 18-character ID number + "-" + a counter: the numbers the rule no longer gives.
LEGACY_NUMBER = re.compile(r"^(T[0-9]{17}[0-9Xx])-([0-9]+)$")


@dataclass(frozen=True)
class Renumbering:
    """One legacy number and what was (or, in a dry run, would be) done with it."""

    certificate_id: int
    old: str
    new: str
    done: bool
    reason: str = ""  # why it was left as it is


def legacy_certificates() -> list[Certificate]:
    """Every card whose number has the legacy "-N" form, oldest first."""
    candidates = Certificate.objects.filter(number__startswith="T", number__contains="-")
    return [
        c
        for c in candidates.select_related("person", "certificate_type").order_by("pk")
        if LEGACY_NUMBER.match(c.number)
    ]


def _blocker(certificate: Certificate, target: str) -> Certificate | None:
    """The other live card holding the target number, if any (two live cards never share a
    number: the constraint unique_live_certificate_number)."""
    if certificate.status not in LIVE_STATUSES:
        return None  # a dead card may carry the number beside a live one
    return (
        Certificate.objects.filter(number=target, status__in=LIVE_STATUSES)
        .exclude(pk=certificate.pk)
        .first()
    )


def legacy_numbers_rename(*, actor: User | None, dry_run: bool = False) -> list[Renumbering]:
    """Rename every legacy number the rule allows; report each, renamed or not and why.

    It renames across the whole database, so only the system does it: the operators'
    command (actor None, as every command acting as the system passes) or the system
    admin; any other user is refused before anything is read or written."""
    if actor is not None and not (actor.is_active and actor.is_superuser):
        raise CertificateError(_("Only the system admin renames certificate numbers."), "forbidden")
    report = []
    for certificate in legacy_certificates():
        match = LEGACY_NUMBER.match(certificate.number)
        assert match is not None
        old, target = certificate.number, match.group(1).upper()
        blocker = _blocker(certificate, target)
        if blocker is not None:
            report.append(
                Renumbering(
                    certificate.pk,
                    old,
                    target,
                    False,
                    _(
                        "%(number)s is held by the live certificate %(other)s: add this card's "
                        "operation item to it, then cancel this card."
                    )
                    % {"number": target, "other": blocker.pk},
                )
            )
            continue
        if not dry_run:
            _rename(certificate, target, actor)
        report.append(Renumbering(certificate.pk, old, target, True))
    return report


def _rename(certificate: Certificate, target: str, actor: User | None) -> None:
    old = certificate.number
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        certificate.former_number = old
        certificate.number = target
        certificate.save(update_fields=["number", "former_number"])
        CertificateEvent.objects.create(
            certificate=certificate,
            kind=CertificateEvent.Kind.RENUMBERED,
            by=actor,
            reason=_("One special-operation certificate number per person"),
            details={"from": old, "to": target},
        )
        certificate_sign(certificate, actor=actor, event=True)
        audit_record(
            actor=actor,
            action="certificate.renumber",
            target=certificate.person,
            summary=f"{old} -> {target}",
        )
