"""The 应急演练 section of a person's training file (courses/training_file.py). It registers
itself when drills/signals.py imports this module."""

from __future__ import annotations

from django.utils.translation import gettext as _

from courses.training_file import Section, TrainingFile, register_section

from .models import DrillKind, DrillParticipant


def drill_section(tf: TrainingFile) -> Section:
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


register_section(drill_section)
