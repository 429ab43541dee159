"""Certificate numbers from a type's pattern: unique, and gap-free under concurrency.

The sequence row is locked (SELECT ... FOR UPDATE) in the issuing transaction and the lock is
held until it commits, so two issuers never take the same number, and a rolled-back issue
gives its number back instead of leaving a hole.
"""

from __future__ import annotations

import datetime as dt
import string

from django.db.models import F
from django.utils.translation import gettext as _

from certificates.models import Certificate, CertificateStatus, CertificateType, NumberSequence
from roster.models import Person

from .errors import CertificateError

# The statuses in which a card holds its number (the constraint unique_live_certificate_number
# says the same in SQL).
LIVE_STATUSES = (CertificateStatus.VALID, CertificateStatus.SUSPENDED)

_FIELDS = {"year", "issuer", "type", "seq", "id_number"}


def pattern_fields(pattern: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(pattern) if name}


def pattern_problem(pattern: str) -> str | None:
    """Why a number pattern cannot work, or None. Used by the admin form."""
    try:
        fields = pattern_fields(pattern)
    except ValueError:
        return "syntax"
    if fields - _FIELDS:
        return "unknown"
    try:
        pattern.format(year=2026, issuer="X", type="T", seq=1, id_number="1" * 18)
    except (ValueError, KeyError, IndexError):
        return "syntax"
    if not fields & {"seq", "id_number"}:
        return "not_unique"
    return None


def _next_seq(ctype: CertificateType, year: int, issuer_code: str) -> int:
    NumberSequence.objects.get_or_create(certificate_type=ctype, year=year, issuer_code=issuer_code)
    sequence = NumberSequence.objects.select_for_update().get(
        certificate_type=ctype, year=year, issuer_code=issuer_code
    )
    NumberSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
    return sequence.last + 1


def number_allocate(*, ctype: CertificateType, person: Person, on: dt.date) -> str:
    """The next number. Call inside the transaction that creates the certificate."""
    fields = pattern_fields(ctype.number_pattern)
    values = {
        "year": on.year,
        "issuer": ctype.issuer_code,
        "type": ctype.code,
        "id_number": person.id_number,
        "seq": 0,
    }
    if "seq" in fields:
        values["seq"] = _next_seq(ctype, on.year, ctype.issuer_code)
    number = ctype.number_pattern.format(**values)
    if "seq" in fields:
        return number
    # "T" + ID number: one number per person, whatever they hold. A second operation item
    # goes onto the live card (issuing.certificate_item_add); a card that was replaced,
    # cancelled (注销) or revoked (撤销) gave its number up, so the next card carries it
    # again (after 撤销 only once the bar has run out: windows.revocation_check, which the
    # issuing services ask first). Two live cards never share it: refused here, and by the
    # constraint unique_live_certificate_number.
    live = (
        Certificate.objects.filter(number=number, status__in=LIVE_STATUSES)
        .select_related("person")
        .first()
    )
    if live is not None:
        raise CertificateError(
            _(
                "Rule “one special-operation certificate number per person”: %(number)s is "
                "held by the live certificate of %(name)s; add the operation item to it."
            )
            % {"number": number, "name": live.person.name},
            "number_taken",
        )
    return number
