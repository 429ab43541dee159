"""First sign-in with a one-time activation code that an enterprise admin hands out.

A person imported from a roster has no account. Their enterprise admin issues them a code
(the roster page: for chosen people or everyone without an account), printed on a slip or
exported to a workbook; the person signs in with their ID number (or phone) and the code,
the account is made, and they must choose a password at once. Until 2026 the first password
was the last six characters of the ID number, which anyone who had seen a certificate knew.

- A code is 8 characters from 32 that cannot be misread (no 0/O, 1/I/L): 40 bits. With the
  sign-in throttle (roster.throttle: a handful of failures an account per quarter of an
  hour) and an expiry of ROSTER_ACTIVATION_CODE_DAYS (14) days, guessing one is hopeless.
- Only a keyed hash is stored: HMAC-SHA256 under the secret key (and its fallbacks while a
  rotation settles) of the person and the code, so a copy of the database gives away no
  code. The code is shown once, on the slip or in the workbook, and never again.
- It works once (marked used in the same transaction that makes the account), until it
  expires; a new code for a person voids the older one.
- Sign-in costs the same whatever the login names: the check of a code is an HMAC, and
  the password hasher runs once on every path (roster.auth), so the time taken does not
  tell whether a login names a roster person without an account.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roster.identity import mask_id_number, mask_phone
from roster.models import ActivationCode, Person, User
from roster.selectors import activation_candidates

from .audit import audit_record, audit_text

if TYPE_CHECKING:
    from django.http import HttpRequest

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
CODE_LENGTH = 8
# One sheet or workbook at a time: the codes are hashed and written one by one.
MAX_PER_BATCH = 2000


class ActivationError(Exception):
    """A refused issue, with a message for the user; nothing was written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class IssuedCode:
    """A code as it was issued: the only moment it exists in clear."""

    person: Person
    enterprise_name: str
    code: str  # formatted for reading: "ABCD-EFGH"
    expires_at: dt.datetime

    @property
    def id_masked(self) -> str:
        return mask_id_number(self.person.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.person.phone) if self.person.phone else ""


def code_days() -> int:
    return settings.ROSTER_ACTIVATION_CODE_DAYS


def _new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def _normalise(typed: str) -> str:
    """What a person typed, as the code it means: spaces and dashes dropped, upper case."""
    return "".join(ch for ch in str(typed or "").upper() if ch not in " -\u3000")


def _digest(person_id: int, code: str, secret: str) -> str:
    return salted_hmac(
        "roster.activation", f"{person_id}:{code}", secret=secret, algorithm="sha256"
    ).hexdigest()


def _matches(row: ActivationCode, typed: str) -> bool:
    code = _normalise(typed)
    if len(code) != CODE_LENGTH:
        return False
    secrets_in_use = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    # Every secret is tried (no early return), so the time does not depend on which matched.
    found = False
    for secret in secrets_in_use:
        found |= constant_time_compare(_digest(row.person_id, code, str(secret)), row.code_hash)
    return found


def _formatted(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def activation_codes_issue(
    *,
    actor: User,
    people: Sequence[Person],
    output: str = "sheet",
    request: HttpRequest | None = None,
    now: dt.datetime | None = None,
) -> list[IssuedCode]:
    """New codes for these people, voiding any older open one of theirs, in one transaction.

    Refused (ActivationError, nothing written) unless every person is currently employed at
    an enterprise the actor administers (the system admin: anyone employed) and has no
    account they can sign in to. ``output`` ("sheet" or "xlsx") is what the audit log says
    the codes were written to."""
    if output not in ("sheet", "xlsx"):
        raise ActivationError(_("Choose a printed sheet or an Excel workbook."))
    wanted = {person.pk for person in people}
    if not wanted:
        raise ActivationError(_("Choose at least one person without an account."))
    if len(wanted) > MAX_PER_BATCH:
        raise ActivationError(
            _("At most %(n)s people at a time; choose an enterprise or fewer people.")
            % {"n": MAX_PER_BATCH}
        )
    now = now or timezone.now()
    expires_at = now + dt.timedelta(days=code_days())
    as_workbook = output == "xlsx"
    with transaction.atomic():
        # Locked: a first sign-in or a second admin issuing at the same moment waits.
        allowed = list(
            activation_candidates(user=actor, person_ids=sorted(wanted))
            .select_for_update(of=("self",))
            .order_by("name", "pk")
        )
        refused = wanted - {person.pk for person in allowed}
        if refused:
            names = Person.objects.filter(pk__in=refused).values_list("name", flat=True)
            raise ActivationError(
                _(
                    "No code for %(names)s: only people currently employed at an enterprise "
                    "you administer, and without an account, get one."
                )
                % {"names": "、".join(sorted(names)[:10])}
            )
        ActivationCode.objects.filter(
            person__in=allowed, used_at__isnull=True, voided_at__isnull=True
        ).update(voided_at=now)
        issued, rows = [], []
        for person in allowed:
            code = _new_code()
            rows.append(
                ActivationCode(
                    person=person,
                    code_hash=_digest(person.pk, code, settings.SECRET_KEY),
                    created_by=actor,
                    created_at=now,
                    expires_at=expires_at,
                )
            )
            jobs = getattr(person, "current_jobs", [])  # prefetched above (to_attr)
            job = jobs[0] if jobs else None
            issued.append(
                IssuedCode(
                    person=person,
                    enterprise_name=job.enterprise.name if job else "",
                    code=_formatted(code),
                    expires_at=expires_at,
                )
            )
        ActivationCode.objects.bulk_create(rows)
        for person in allowed:
            audit_record(
                actor=actor,
                action="activation_code.issue",
                target=person,
                summary=person.name,
                request=request,
                expires=expires_at.isoformat(),
                output=output,
            )
        audit_record(
            actor=actor,
            action="activation_code.export" if as_workbook else "activation_code.print",
            request=request,
            summary=audit_text(gettext_lazy("%(n)s activation codes"), n=len(issued)),
            count=len(issued),
            people=[person.pk for person in allowed][:MAX_PER_BATCH],
        )
    return issued


def activation_sign_in(*, person: Person, user: User | None, code: str) -> User | None:
    """The first sign-in of a roster person who has no account they can sign in to yet
    (``user``: the account without a password, if there is one). With a valid open code:
    the code is used up, the account made (or opened again) with no password, and it must
    choose one now (roster.middleware). Otherwise None.

    Runs the password hasher exactly once, as a password check does (roster.auth)."""
    make_password(code)  # the cost of a password check, on this path too (see the docstring)
    now = timezone.now()
    row = (
        ActivationCode.objects.filter(
            person=person, used_at__isnull=True, voided_at__isnull=True, expires_at__gt=now
        )
        .order_by("-created_at")
        .first()
    )
    if row is None or not _matches(row, code):
        return None
    if user is not None and not user.is_active:
        return None  # a deactivated account stays closed
    try:
        with transaction.atomic():
            taken = ActivationCode.objects.filter(
                pk=row.pk, used_at__isnull=True, voided_at__isnull=True
            ).update(used_at=now)
            if taken != 1:
                return None  # used a moment ago by another sign-in
            if user is None:
                user = User(username=person.id_number, first_name=person.name, person=person)
            user.set_unusable_password()
            user.must_change_password = True
            user.save()
            audit_record(
                actor=None,
                action="account.create",
                target=user,
                summary=audit_text(gettext_lazy("First sign-in with an activation code")),
                person=person.pk,
                code=row.pk,
            )
    except IntegrityError:
        return None  # the username is taken, or an account was made for them meanwhile
    return user
