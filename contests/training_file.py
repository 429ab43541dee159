"""The 知识竞赛 section of a person's training file (一人一档): each contest they took part
in, with their rounds, score, rank and daily questions. Registered with courses' training
file, which stays below this app and never imports it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from contests.models import ContestEntry
from contests.selectors import person_rank
from courses.training_file import Section, TrainingFile, register_section


def contest_section(tf: TrainingFile) -> Section:
    # Lazy labels: the file is read here, and written later in the document's language.
    person = tf.person
    entries = ContestEntry.objects.filter(person=person).select_related("contest")
    rows = []
    for entry in entries.order_by("-contest__created_at"):
        _entry, rank = person_rank(contest=entry.contest, person_id=person.pk)
        rows.append(
            [
                entry.contest.name,
                str(entry.rounds_taken),
                str(entry.score),
                str(rank) if rank else "—",
                str(entry.daily_days),
            ]
        )
    return (
        _("Knowledge contests"),
        [_("Contest"), _("Rounds taken"), _("Score"), _("Rank"), _("Days of daily questions")],
        rows,
    )


register_section(contest_section)
