"""Every write to drills: who may do it to this enterprise's object, checked here once
(ARCHITECTURE.md rule 10), inside one transaction with its audit row. Bad input raises a
ValidationError naming the field, and nothing is written."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from certificates.services.notifications import notification_send
from courses.models import CreditEntry, TrainingKind
from courses.services.records import classroom_minutes
from roster.choices import Role
from roster.models import Department, Employment, Enterprise, Person, User
from roster.services import audit_record

from .models import (
    DrillAction,
    DrillEvidence,
    DrillParticipant,
    DrillPlan,
    DrillRecord,
    DrillReminder,
    PlannedDrill,
)
from .selectors import OVERDUE, may_keep_drills, obligations_by_enterprise

PHOTO_TYPES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}
VIDEO_TYPES = {".mp4", ".webm", ".mov"}
DOCUMENT_TYPES = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx"}
CHECKIN_SALT = "drills.checkin"
# Files in one form: each may be DRILL_EVIDENCE_MAX_BYTES, and without a count Django's own
# cap (100 files) would let one request write a gigabyte to the private storage.
MAX_EVIDENCE_FILES = 20


def _require_keeper(actor: User | None, enterprise: Enterprise) -> None:
    if actor is None:
        return
    if not may_keep_drills(user=actor, enterprise=enterprise):
        raise PermissionDenied(_("Only the admins of this enterprise keep its drills."))


def _strangers(enterprise: Enterprise, people: list[Person]) -> list[Person]:
    """Those of `people` not employed at the enterprise now. Messages give their number,
    never their names: an id typed into a form must not reveal who another enterprise has."""
    employed = set(
        Employment.objects.current()
        .filter(enterprise=enterprise, person__in=[p.pk for p in people])
        .values_list("person_id", flat=True)
    )
    return [p for p in people if p.pk not in employed]


def _strangers_message(strangers: list[Person]) -> str:
    return _("%(count)s of the people picked are not on this enterprise's roster.") % {
        "count": len(strangers)
    }


# --------------------------------------------------------------------------- plans


@dataclass
class PlannedData:
    kind: str
    form: str
    scenario: str
    planned_on: dt.date
    departments: list[Department] = field(default_factory=list)
    staff_notified_on: dt.date | None = None
    people: list[Person] = field(default_factory=list)


@transaction.atomic
def planned_drill_add(
    *, actor: User | None, enterprise: Enterprise, year: int, data: PlannedData
) -> PlannedDrill:
    """Add a drill to the enterprise's plan of `year` (the plan is made on first use)."""
    _require_keeper(actor, enterprise)
    errors = {}
    if data.planned_on.year != year:
        errors["planned_on"] = _("The planned date must fall in %(year)s.") % {"year": year}
    # A fire drill's staff are told beforehand (消防安全管理规定 art. 40): the day they were
    # told is kept with the plan (the plan page shows a fire drill without it as not told).
    if data.staff_notified_on is not None and data.staff_notified_on > data.planned_on:
        errors["staff_notified_on"] = _("The staff must be told before the drill, not after it.")
    if any(d.enterprise_id != enterprise.pk for d in data.departments):
        errors["departments"] = _("Pick departments of this enterprise only.")
    strangers = _strangers(enterprise, data.people)
    if strangers:
        errors["people"] = _strangers_message(strangers)
    if errors:
        raise ValidationError(errors)
    plan, _created = DrillPlan.objects.get_or_create(
        enterprise=enterprise, year=year, defaults={"created_by": actor}
    )
    planned = PlannedDrill(
        plan=plan,
        kind=data.kind,
        form=data.form,
        scenario=data.scenario.strip(),
        planned_on=data.planned_on,
        staff_notified_on=data.staff_notified_on,
    )
    planned.full_clean()
    planned.save()
    planned.departments.set(data.departments)
    planned.people.set(data.people)
    audit_record(
        actor=actor, action="drills.record", target=planned, summary=planned.scenario[:100]
    )
    return planned


@transaction.atomic
def planned_drill_remove(*, actor: User | None, planned: PlannedDrill) -> None:
    _require_keeper(actor, planned.plan.enterprise)
    audit_record(
        actor=actor, action="drills.record", target=planned, summary=_("Removed from the plan")
    )
    planned.delete()


# --------------------------------------------------------------------------- records


@dataclass
class RecordData:
    kind: str
    form: str
    held_on: dt.date
    place: str
    duration_minutes: int
    organiser: str
    scenario: str
    hours_credited: Decimal = Decimal("0")
    planned: PlannedDrill | None = None


# What the first bytes of a document or a video of each accepted extension are: a page or a
# script named report.pdf or clip.mp4 is not evidence (photos are opened with Pillow).
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .ppt
_ZIP = b"PK\x03\x04"  # .docx, .xlsx, .pptx
_MAGIC = {
    ".pdf": (b"%PDF-",),
    ".doc": (_OLE,),
    ".xls": (_OLE,),
    ".ppt": (_OLE,),
    ".docx": (_ZIP,),
    ".xlsx": (_ZIP,),
    ".pptx": (_ZIP,),
    ".webm": (b"\x1a\x45\xdf\xa3",),
}
# MP4 and QuickTime start with a box: 4 bytes of size, then its type.
_BOXES = {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def _bytes_match(upload: UploadedFile) -> bool:
    """Whether a document's or a video's first bytes are those of its extension."""
    ext = os.path.splitext(upload.name or "")[1].lower()
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    if ext in (".mp4", ".mov"):
        return head[4:8] in _BOXES
    return any(head.startswith(magic) for magic in _MAGIC.get(ext, ()))


def _evidence_kind(upload: UploadedFile) -> str | None:
    ext = os.path.splitext(upload.name or "")[1].lower()
    if ext in PHOTO_TYPES:
        return DrillEvidence.Kind.PHOTO
    if ext in VIDEO_TYPES:
        return DrillEvidence.Kind.VIDEO
    if ext in DOCUMENT_TYPES:
        return DrillEvidence.Kind.DOCUMENT
    return None


def evidence_check(files: list[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """Every file's kind, or a ValidationError naming each refused file and why."""
    limit = settings.DRILL_EVIDENCE_MAX_BYTES
    if len(files) > MAX_EVIDENCE_FILES:
        raise ValidationError(
            {"evidence": _("At most %(n)s files at a time.") % {"n": MAX_EVIDENCE_FILES}}
        )
    problems, checked = [], []
    for upload in files:
        kind = _evidence_kind(upload)
        if kind is None:
            problems.append(
                _(
                    "%(name)s: this type of file is not accepted (photos JPG/PNG/WebP/GIF, "
                    "video MP4/WebM/MOV, documents PDF/Word/Excel/PowerPoint)."
                )
                % {"name": upload.name}
            )
            continue
        if (upload.size or 0) > limit:
            problems.append(
                _("%(name)s is larger than %(mb)s MB.")
                % {"name": upload.name, "mb": limit // (1024 * 1024)}
            )
            continue
        if kind == DrillEvidence.Kind.PHOTO:
            try:
                upload.seek(0)
                with PILImage.open(upload) as image:
                    image.verify()
            except (UnidentifiedImageError, OSError, SyntaxError):
                problems.append(_("%(name)s is not a readable picture.") % {"name": upload.name})
                continue
            finally:
                upload.seek(0)
        elif not _bytes_match(upload):
            problems.append(_("%(name)s is not the file its name says.") % {"name": upload.name})
            continue
        checked.append((upload, kind))
    if problems:
        raise ValidationError({"evidence": problems})
    return checked


def _store_evidence(
    record: DrillRecord, checked: list[tuple[UploadedFile, str]], actor: User | None
) -> list[DrillEvidence]:
    """Each file into the private storage (config.storage): an enterprise's drill photos,
    videos and reports are not for anyone who guesses a URL. drills.views.evidence serves
    them to whoever may see the record."""
    made = []
    for upload, kind in checked:
        title = os.path.basename(upload.name or "")[:200]
        evidence = DrillEvidence(record=record, kind=kind, title=title, uploaded_by=actor)
        evidence.file.save(title, upload, save=False)
        evidence.save()
        made.append(evidence)
    return made


def _credit(participant: DrillParticipant) -> None:
    """The participant's hours from this drill, as one ledger row (replaced on a change)."""
    record = participant.record
    if participant.credit_id:
        CreditEntry.objects.filter(pk=participant.credit_id).delete()
        participant.credit = None
    if record.hours_credited > 0:
        participant.credit = CreditEntry.objects.create(
            person=participant.person,
            on=record.held_on,
            source=CreditEntry.Source.DRILL,
            training_kind=TrainingKind.RETRAINING,
            minutes=classroom_minutes(record.hours_credited),
        )
    participant.save(update_fields=["credit"])


@transaction.atomic
def record_save(
    *,
    actor: User | None,
    enterprise: Enterprise,
    data: RecordData,
    participants: list[Person],
    evidence: list[UploadedFile] | None = None,
    record: DrillRecord | None = None,
    on: dt.date | None = None,
) -> DrillRecord:
    """Record a drill that was held (or change one): its facts, who took part (people on the
    enterprise's roster now) and evidence files. Refuses a future date, nobody taking part,
    another enterprise's people, a planned drill of another enterprise, a bad file."""
    _require_keeper(actor, enterprise)
    if record is not None and record.enterprise_id != enterprise.pk:
        raise PermissionDenied(_("This drill belongs to another enterprise."))
    on = on or timezone.localdate()
    errors: dict[str, list[str] | str] = {}
    if data.held_on > on:
        errors["held_on"] = _(
            "A drill is recorded once it has been held: the date is in the future."
        )
    if data.planned is not None and data.planned.plan.enterprise_id != enterprise.pk:
        errors["planned"] = _("This planned drill belongs to another enterprise.")
    kept = (
        set(
            record.participants.filter(method=DrillParticipant.Method.CHECK_IN).values_list(
                "person_id", flat=True
            )
        )
        if record is not None
        else set()
    )
    if not participants and not kept:
        errors["participants"] = _("Pick at least one person who took part in the drill.")
    strangers = _strangers(enterprise, participants)
    if strangers:
        errors["participants"] = _strangers_message(strangers)
    try:
        checked = evidence_check(list(evidence or []))
    except ValidationError as exc:
        errors.update(exc.message_dict)
        checked = []
    if errors:
        raise ValidationError(errors)

    creating = record is None
    record = record or DrillRecord(enterprise=enterprise, created_by=actor)
    for name in (
        "kind",
        "form",
        "held_on",
        "place",
        "duration_minutes",
        "organiser",
        "scenario",
        "hours_credited",
        "planned",
    ):
        setattr(record, name, getattr(data, name))
    record.full_clean()
    record.save()
    # Who was picked is replaced; who checked in on their phone stays.
    chosen = {p.pk: p for p in participants}
    record.participants.filter(method=DrillParticipant.Method.PICKED).exclude(
        person_id__in=chosen
    ).delete()
    existing = {p.person_id: p for p in record.participants.select_related("person")}
    for person in chosen.values():
        if person.pk not in existing:
            existing[person.pk] = DrillParticipant.objects.create(record=record, person=person)
    for participant in existing.values():
        participant.record = record
        _credit(participant)
    _store_evidence(record, checked, actor)
    audit_record(
        actor=actor,
        action="drills.record",
        target=record,
        summary=f"{record.held_on} {record.get_kind_display()}",
        created=creating,
        participants=len(existing),
    )
    return record


@transaction.atomic
def evidence_add(*, actor: User | None, record: DrillRecord, files: list[UploadedFile]) -> int:
    _require_keeper(actor, record.enterprise)
    if not files:
        raise ValidationError({"evidence": _("Choose at least one file.")})
    made = _store_evidence(record, evidence_check(files), actor)
    audit_record(actor=actor, action="drills.record", target=record, evidence=len(made))
    return len(made)


# --------------------------------------------------------------------------- check-in


# The code shown at the drill changes every DRILL_CHECKIN_STEP_SECONDS and is taken for one
# step more, so a photo of it sent to someone who is not there stops working within two
# steps (a minute by default). Someone who scanned it in time and then had to sign in keeps
# DRILL_CHECKIN_SIGN_IN_MINUTES to do so (the view remembers the scan in their session).


def _step_seconds() -> int:
    return max(1, int(settings.DRILL_CHECKIN_STEP_SECONDS))


def _step(moment: dt.datetime) -> int:
    return int(moment.timestamp()) // _step_seconds()


def checkin_token(record: DrillRecord, now: dt.datetime | None = None) -> str:
    """A signed token naming the drill and the current time step."""
    step = _step(now or timezone.now())
    return signing.Signer(salt=CHECKIN_SALT).sign_object({"r": record.pk, "s": step})


def checkin_expires(now: dt.datetime | None = None) -> dt.datetime:
    """When a code made now stops working: the end of the step after this one."""
    end = (_step(now or timezone.now()) + 2) * _step_seconds()
    return dt.datetime.fromtimestamp(end, tz=dt.UTC)


def checkin_refresh_seconds(now: dt.datetime | None = None) -> int:
    """Seconds until the code shown changes (the page reloads then)."""
    now = now or timezone.now()
    return max(1, (_step(now) + 1) * _step_seconds() - int(now.timestamp()))


class CheckInError(Exception):
    """A check-in refused, with the message for the person holding the phone."""


def _token_value(token: str) -> dict:
    try:
        value = signing.Signer(salt=CHECKIN_SALT).unsign_object(token)
    except signing.BadSignature as exc:
        raise CheckInError(_("This check-in code is not valid.")) from exc
    if not isinstance(value, dict) or not isinstance(value.get("s"), int):
        raise CheckInError(_("This check-in code is not valid."))
    return value


def checkin_fresh(token: str, at: dt.datetime) -> bool:
    """Whether the code was the one shown at the drill at `at` (this step or the last)."""
    try:
        step = _token_value(token)["s"]
    except CheckInError:
        return False
    return 0 <= _step(at) - step <= 1


def checkin_audience(record: DrillRecord) -> tuple[list[Department], list[Person]] | None:
    """Who may check in: the departments and people the planned drill names, or None when it
    names none (or the drill was not planned): then everyone on the enterprise's roster."""
    planned = record.planned
    if planned is None:
        return None
    departments, people = list(planned.departments.all()), list(planned.people.all())
    if not departments and not people:
        return None
    return departments, people


def _may_check_in(record: DrillRecord, person: Person) -> bool:
    employment = (
        Employment.objects.current().filter(enterprise=record.enterprise, person=person).first()
    )
    if employment is None:
        return False
    audience = checkin_audience(record)
    if audience is None:
        return True
    departments, people = audience
    return person in people or employment.department_id in {d.pk for d in departments}


@transaction.atomic
def record_check_in(
    *,
    user: User,
    token: str,
    now: dt.datetime | None = None,
    scanned_at: dt.datetime | None = None,
) -> tuple[DrillRecord, bool]:
    """A signed-in person opened the drill's check-in code: they are recorded as taking part
    once (a second scan changes nothing). Only people of the drill's audience
    (checkin_audience), and only with the code of the current or the last time step, at the
    moment they scanned it (`scanned_at`, when they then had to sign in first) or now."""
    now = now or timezone.now()
    value = _token_value(token)
    record = (
        DrillRecord.objects.select_related("enterprise", "planned")
        .filter(pk=value.get("r", 0))  # no record id: none (as pk=None finds)
        .first()
    )
    if record is None:
        raise CheckInError(_("This check-in code is not valid."))
    person = user.person
    if person is None or not _may_check_in(record, person):
        if checkin_audience(record) is None:
            raise CheckInError(
                _("Only people of %(name)s check in to this drill.")
                % {"name": record.enterprise.name}
            )
        raise CheckInError(
            _(
                "Only the departments and people this drill was planned for check in to it. "
                "Ask the organiser to add you to the participants."
            )
        )
    if record.participants.filter(person=person).exists():
        return record, False
    seen = now
    if scanned_at is not None and dt.timedelta(0) <= now - scanned_at <= dt.timedelta(
        minutes=settings.DRILL_CHECKIN_SIGN_IN_MINUTES
    ):
        seen = scanned_at
    if not checkin_fresh(token, seen):
        raise CheckInError(
            _(
                "This check-in code has expired: the code at the drill changes every "
                "%(seconds)s seconds. Scan the one shown now."
            )
            % {"seconds": _step_seconds()}
        )
    try:
        with transaction.atomic():
            participant = DrillParticipant.objects.create(
                record=record,
                person=person,
                method=DrillParticipant.Method.CHECK_IN,
                checked_in_at=now,
            )
    except IntegrityError:
        return record, False  # the same phone twice at once: one row, as asked
    _credit(participant)
    return record, True


# --------------------------------------------------------------------------- evaluation, actions


@transaction.atomic
def evaluation_file(
    *, actor: User | None, record: DrillRecord, problems_found: str, plan_changes: str
) -> DrillRecord:
    """File (or revise) the evaluation report (演练评估报告) of a drill."""
    _require_keeper(actor, record.enterprise)
    problems_found, plan_changes = problems_found.strip(), plan_changes.strip()
    if not problems_found:
        raise ValidationError(
            {"problems_found": _("Write what the drill showed (or that it found no problem).")}
        )
    record.problems_found = problems_found
    record.plan_changes = plan_changes
    record.evaluated_at = timezone.now()
    record.evaluated_by = actor
    record.save(update_fields=["problems_found", "plan_changes", "evaluated_at", "evaluated_by"])
    audit_record(actor=actor, action="drills.record", target=record, summary=_("Evaluation filed"))
    return record


@transaction.atomic
def action_add(
    *, actor: User | None, record: DrillRecord, description: str, owner: Person, due_on: dt.date
) -> DrillAction:
    _require_keeper(actor, record.enterprise)
    errors = {}
    if not description.strip():
        errors["description"] = _("Describe the action.")
    if due_on < record.held_on:
        errors["due_on"] = _("The due date cannot be before the drill (%(date)s).") % {
            "date": record.held_on.isoformat()
        }
    if _strangers(record.enterprise, [owner]):
        errors["owner"] = _("The owner is not on this enterprise's roster.")
    if errors:
        raise ValidationError(errors)
    action = DrillAction(record=record, description=description.strip(), owner=owner, due_on=due_on)
    action.full_clean()
    action.save()
    audit_record(actor=actor, action="drills.record", target=action, summary=action.description)
    return action


@transaction.atomic
def action_close(*, actor: User | None, action: DrillAction, note: str) -> DrillAction:
    """Close an open action with what was done."""
    action = (
        DrillAction.objects.select_for_update()
        .select_related("record__enterprise")
        .get(pk=action.pk)
    )
    _require_keeper(actor, action.record.enterprise)
    if action.status == DrillAction.Status.CLOSED:
        raise ValidationError({"closing_note": _("This action is already closed.")})
    if not note.strip():
        raise ValidationError({"closing_note": _("Write what was done to close it.")})
    action.status = DrillAction.Status.CLOSED
    action.closing_note = note.strip()
    action.closed_at = timezone.now()
    action.closed_by = actor
    action.save(update_fields=["status", "closing_note", "closed_at", "closed_by"])
    audit_record(actor=actor, action="drills.record", target=action, summary=_("Action closed"))
    return action


# --------------------------------------------------------------------------- reminders


def drill_reminders_send(*, on: dt.date | None = None) -> int:
    """Tell each enterprise's admins of every overdue obligation, once per rule and period
    (the DrillReminder row is the key, so running twice sends nothing more)."""
    on = on or timezone.localdate()
    enterprises = Enterprise.objects.filter(is_active=True).select_related("industry")
    sent = 0
    for enterprise_id, obligations in obligations_by_enterprise(
        enterprises=enterprises, on=on
    ).items():
        for obligation in obligations:
            if obligation.state != OVERDUE:
                continue
            with transaction.atomic():
                _reminder, created = DrillReminder.objects.get_or_create(
                    enterprise_id=enterprise_id,
                    rule=obligation.rule,
                    period_start=obligation.period_start,
                )
                if not created:
                    continue
                admins = User.objects.filter(
                    is_active=True,
                    role_grants__role=Role.ENTERPRISE_ADMIN,
                    role_grants__enterprise_id=enterprise_id,
                ).distinct()
                for admin in admins:
                    notification_send(
                        user=admin,
                        title=_("Drill overdue: %(rule)s") % {"rule": obligation.rule.name},
                        body=_("Due by %(date)s; no drill of this kind was recorded.")
                        % {"date": obligation.due_on.isoformat()},
                        url="/drills/",
                    )
                    sent += 1
    return sent
