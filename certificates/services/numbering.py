"""Certificate numbers from a type's pattern: unique, and gap-free under concurrency.

The sequence row is locked (SELECT ... FOR UPDATE) in the issuing transaction and the lock is
held until it commits, so two issuers never take the same number, and a rolled-back issue
gives its number back instead of leaving a hole.
"""

from __future__ import annotations

import datetime as dt
import string

from django.db.models import F

from certificates.models import Certificate, CertificateStatus, CertificateType, NumberSequence
from roster.models import Person

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
    # "T" + ID number: a person with a second operation item gets "-2", "-3", ...
    taken = set(
        Certificate.objects.filter(number__startswith=number)
        .exclude(status=CertificateStatus.REPLACED)
        .values_list("number", flat=True)
    )
    candidate, n = number, 1
    while candidate in taken:
        n += 1
        candidate = f"{number}-{n}"
    return candidate
