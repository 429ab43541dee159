"""The 应急演练 section of a person's training file (courses/training_file.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import DrillKind, DrillParticipant


def drill_section(tf) -> tuple[str, list[str], list[list[str]]]:
    kinds = dict(DrillKind.choices)
    rows = [
        [
            p.record.held_on.isoformat(),
            p.record.enterprise.name,
            str(kinds.get(p.record.kind, p.record.kind)),
            p.record.scenario[:100],
            str(p.record.hours_credited),
        ]
        for p in DrillParticipant.objects.filter(person=tf.person)
        .select_related("record__enterprise")
        .order_by("-record__held_on", "-record__pk")
    ]
    return (
        _("Emergency drills"),
        [_("Drill date"), _("Enterprise"), _("Drill kind"), _("Scenario"), _("Hours (学时)")],
        rows,
    )
