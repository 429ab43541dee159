"""Campaign months (安全生产月, 消防宣传月): activities an enterprise records, with evidence
(photos and PDF documents) kept in the private storage, checked by size and by their first
bytes before anything is stored."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import ActivityEvidence, MonthActivity
from campaigns.selectors import may_record_for
from documents.pictures import is_whole_picture
from roster.models import Employment, Enterprise, Person, User
from roster.services import audit_record

from . import CampaignError

_IMAGES = {b"\xff\xd8\xff": "jpeg", b"\x89PNG\r\n\x1a\n": "png"}
_DOCUMENTS = {b"%PDF-": "pdf"}
_EXTENSIONS = {"jpeg": "jpg", "png": "png", "pdf": "pdf"}
MAX_FILES = 10


def evidence_max_bytes() -> int:
    return settings.CAMPAIGN_EVIDENCE_MAX_BYTES


def evidence_check(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """Each file as (upload, "image" | "document"); a CampaignError names the first bad one."""
    if len(files) > MAX_FILES:
        raise CampaignError(_("At most %(n)s files per activity.") % {"n": MAX_FILES}, "evidence")
    limit = evidence_max_bytes()
    checked = []
    for upload in files:
        if (upload.size or 0) > limit:
            raise CampaignError(
                _("%(name)s is larger than %(mb)s MB.")
                % {"name": upload.name, "mb": limit // (1024 * 1024)},
                "evidence",
            )
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        if any(head.startswith(sig) for sig in _IMAGES):
            if not is_whole_picture(upload):
                raise CampaignError(
                    _("%(name)s is not a readable picture.") % {"name": upload.name},
                    "evidence",
                )
            checked.append((upload, "image"))
        elif any(head.startswith(sig) for sig in _DOCUMENTS):
            checked.append((upload, "document"))
        else:
            raise CampaignError(
                _("%(name)s is not a JPEG, PNG or PDF file.") % {"name": upload.name},
                "evidence",
            )
    return checked


def _stored_name(upload: UploadedFile) -> str:
    """The upload's name with the extension of what its bytes proved: the evidence view
    takes the served type from the stored name, so "photo.html" must not come back as a
    page of this site (text/html) but as the JPEG it is."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = next((k for sig, k in (_IMAGES | _DOCUMENTS).items() if head.startswith(sig)), "pdf")
    stem = os.path.splitext(os.path.basename(upload.name or ""))[0] or "evidence"
    return f"{stem}.{_EXTENSIONS[kind]}"


def month_activity_record(
    *,
    actor: User,
    enterprise: Enterprise,
    month: str,
    title: str,
    held_on: dt.date,
    description: str = "",
    participants: Sequence[Person] = (),
    files: Sequence = (),
    today: dt.date | None = None,
) -> MonthActivity:
    today = today or timezone.localdate()
    if not may_record_for(user=actor, enterprise=enterprise):
        raise CampaignError(_("Only the admin of this enterprise can record its activities."))
    if month not in MonthActivity.Month.values:
        raise CampaignError(_("Choose the campaign month."), "month")
    if not title.strip():
        raise CampaignError(_("Enter the activity."), "title")
    if held_on is None or held_on > today:
        raise CampaignError(_("An activity is recorded once it has taken place."), "held_on")
    employed = set(
        Employment.objects.current()
        .filter(enterprise=enterprise, person__in=[p.pk for p in participants])
        .values_list("person_id", flat=True)
    )
    strangers = [p.name for p in participants if p.pk not in employed]
    if strangers:
        raise CampaignError(
            _("Not on this enterprise's roster: %(numbers)s.") % {"numbers": "、".join(strangers)},
            "participants",
        )
    checked = evidence_check(files)
    with transaction.atomic():
        activity = MonthActivity(
            enterprise=enterprise,
            month=month,
            year=held_on.year,
            title=title.strip(),
            held_on=held_on,
            description=description.strip(),
            created_by=actor,
        )
        activity.full_clean(exclude=["created_by"])
        activity.save()
        activity.participants.set(participants)
        label = f"{enterprise.name} {activity.get_month_display()} {title}"[:200]
        for upload, kind in checked:
            # Into the private storage: months.evidence_file serves it to who may see it.
            evidence = ActivityEvidence(
                activity=activity,
                kind=ActivityEvidence.Kind.PHOTO
                if kind == "image"
                else ActivityEvidence.Kind.DOCUMENT,
            )
            evidence.file.save(_stored_name(upload), upload, save=False)
            evidence.save()
        audit_record(actor=actor, action="month.activity", target=activity, summary=label)
    return activity
