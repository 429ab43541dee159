"""Classroom sessions (线下培训): recorded by an enterprise admin with the sign-in sheet as
evidence; each attendee is credited once, and any change re-credits from scratch."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from certificates.services.retention import replacing
from courses.models import ClassroomSession, CreditEntry
from courses.services.records import RecordError, classroom_minutes, require_record
from documents.pictures import is_whole_picture
from roster.models import Enterprise, Person, User
from roster.services import audit_record

# What a sign-in sheet may be, recognised by its first bytes (never by its name alone), and
# the extension it is kept under: the uploader's name and extension are not kept, so a file
# that starts like a PDF but is named .html is never handed out as a page.
_SIGNATURES = {
    b"%PDF-": "pdf",
    b"\xff\xd8\xff": "jpg",
    b"\x89PNG\r\n\x1a\n": "png",
}


def sign_in_sheet_check(upload: UploadedFile | None) -> str:
    """The extension a PDF, JPEG or PNG no larger than UPLOAD_MAX_BYTES is kept under;
    RecordError otherwise."""
    if upload is None:
        raise RecordError(_("Attach the sign-in sheet (PDF, JPEG or PNG)."))
    if (upload.size or 0) > settings.UPLOAD_MAX_BYTES:
        raise RecordError(
            _("The sign-in sheet is larger than %(mb)s MB.")
            % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for signature, extension in _SIGNATURES.items():
        if head.startswith(signature) and (extension == "pdf" or is_whole_picture(upload)):
            return extension
    raise RecordError(_("The sign-in sheet must be a PDF, JPEG or PNG file."))


def _checked(upload: UploadedFile | None) -> UploadedFile:
    """The checked upload under a random name with the extension its bytes prove: the
    stored file's name says nothing of the session or its attendees and cannot be guessed."""
    extension = sign_in_sheet_check(upload)
    assert upload is not None  # sign_in_sheet_check refuses None
    upload.name = f"{uuid.uuid4().hex}.{extension}"
    return upload


@dataclass(frozen=True)
class SessionData:
    title: str
    training_kind: str
    held_on: dt.date
    hours: Decimal
    trainer: str


def attendees_from_id_numbers(*, enterprise: Enterprise, id_numbers: Iterable[str]) -> list[Person]:
    """People currently employed at the enterprise; RecordError naming every unknown number."""
    wanted = []
    for raw in id_numbers:
        value = raw.strip().upper()
        if value and value not in wanted:
            wanted.append(value)
    found = {
        p.id_number: p
        for p in Person.objects.filter(
            id_number__in=wanted,
            employments__enterprise=enterprise,
            employments__ended_on__isnull=True,
        )
    }
    unknown = [n for n in wanted if n not in found]
    if unknown:
        raise RecordError(
            _("Not on this enterprise's roster: %(numbers)s.") % {"numbers": ", ".join(unknown)}
        )
    return [found[n] for n in wanted]


def _check_attendees(enterprise: Enterprise, attendees: list[Person]) -> None:
    if not attendees:
        raise RecordError(_("Add at least one attendee."))
    ids = {p.pk for p in attendees}
    employed = set(
        Person.objects.filter(
            pk__in=ids, employments__enterprise=enterprise, employments__ended_on__isnull=True
        ).values_list("pk", flat=True)
    )
    strangers = [p.name for p in attendees if p.pk not in employed]
    if strangers:
        raise RecordError(
            _("Not on this enterprise's roster: %(numbers)s.") % {"numbers": ", ".join(strangers)}
        )


def _credit(session: ClassroomSession) -> int:
    """Replace the session's credits with one row per attendee: re-running is exact."""
    # Replaced below in the same transaction: not a deletion the retention rule forbids.
    with replacing():
        CreditEntry.objects.filter(classroom=session).delete()
    minutes = classroom_minutes(session.hours)
    rows = [
        CreditEntry(
            person=person,
            on=session.held_on,
            source=CreditEntry.Source.CLASSROOM,
            training_kind=session.training_kind,
            minutes=minutes,
            classroom=session,
        )
        for person in session.attendees.all()
    ]
    CreditEntry.objects.bulk_create(rows)
    # bulk_create sends no post_save: tell the reports (reports.signals).
    from reports.maintained import figures_changed

    figures_changed(person_ids=[row.person_id for row in rows])
    return len(rows)


def _validate(session: ClassroomSession) -> None:
    if session.hours is None or session.hours <= 0:
        raise RecordError(_("Enter the hours (学时) of the session."))
    try:
        session.full_clean(exclude=["sign_in_sheet", "created_by"])
    except ValidationError as exc:
        raise RecordError(" ".join(exc.messages)) from exc


def classroom_record(
    *,
    enterprise: Enterprise,
    data: SessionData,
    attendees: list[Person],
    sign_in_sheet: UploadedFile | None,
    actor: User | None,
) -> ClassroomSession:
    require_record(actor, enterprise)
    sheet = _checked(sign_in_sheet)
    _check_attendees(enterprise, attendees)
    session = ClassroomSession(
        enterprise=enterprise,
        title=data.title.strip(),
        training_kind=data.training_kind,
        held_on=data.held_on,
        hours=data.hours,
        trainer=data.trainer.strip(),
        created_by=actor,
    )
    _validate(session)
    with transaction.atomic():
        session.sign_in_sheet = sheet
        session.save()
        session.attendees.set(attendees)
        credited = _credit(session)
        audit_record(
            actor=actor,
            action="courses.classroom_record",
            target=session,
            summary=session.title,
            attendees=credited,
        )
    return session


def classroom_update(
    *,
    session: ClassroomSession,
    data: SessionData,
    attendees: list[Person],
    sign_in_sheet: UploadedFile | None = None,
    actor: User | None,
) -> ClassroomSession:
    """Change a session; the credits follow exactly (nobody is credited twice)."""
    require_record(actor, session.enterprise)
    if sign_in_sheet is not None:
        sign_in_sheet = _checked(sign_in_sheet)
    _check_attendees(session.enterprise, attendees)
    session.title = data.title.strip()
    session.training_kind = data.training_kind
    session.held_on = data.held_on
    session.hours = data.hours
    session.trainer = data.trainer.strip()
    _validate(session)
    with transaction.atomic():
        if sign_in_sheet is not None:
            session.sign_in_sheet = sign_in_sheet
        session.save()
        session.attendees.set(attendees)
        credited = _credit(session)
        audit_record(
            actor=actor,
            action="courses.classroom_update",
            target=session,
            summary=session.title,
            attendees=credited,
        )
    return session
