"""The person's rotation campaigns and assigned warning cases in their training file
(courses/training_file.py shows, prints and exports them). The sections register themselves
when campaigns/signals.py imports this module."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from courses.training_file import Section, TrainingFile, register_section

from .models import CampaignMember, WarningAssignee


def _d(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def rotation_section(tf: TrainingFile) -> Section:
    members = (
        CampaignMember.objects.filter(person=tf.person)
        .select_related("campaign", "enterprise")
        .annotate(attended=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("-campaign__starts_on")
    )
    rows = [
        [
            m.campaign.title,
            m.enterprise.name,
            f"{_d(m.campaign.starts_on)} – {_d(m.campaign.ends_on)}",
            str(m.attended),
            "" if m.exam_score is None else str(m.exam_score),
            "" if m.exam_passed is None else (_("Yes") if m.exam_passed else _("No")),
        ]
        for m in members
    ]
    return (
        _("Rotation training"),
        [
            _("Campaign"),
            _("Enterprise"),
            _("Period"),
            _("Sessions attended"),
            _("Score"),
            _("Passed"),
        ],
        rows,
    )


def warning_section(tf: TrainingFile) -> Section:
    readings = (
        WarningAssignee.objects.filter(person=tf.person)
        .select_related("assignment__case")
        .order_by("-assignment__created_at")
    )
    rows = [
        [
            r.assignment.case.title,
            _d(r.deadline),
            str(r.credited_ms // 60_000),
            _d(r.read_at),
        ]
        for r in readings
    ]
    return (
        _("Warning education"),
        [_("Warning case"), _("Deadline"), _("Minutes credited"), _("Read to the end")],
        rows,
    )


register_section(rotation_section)
register_section(warning_section)
