"""Training plans offered to the exam engine (question_banks.providers): a trainer or an
enterprise admin chooses a session's candidates by a plan in their scope.
Imported from CoursesConfig.ready()."""

from __future__ import annotations

from courses.models import Assignment
from courses.selectors import plan_list
from question_banks.providers import register_training_plans


def _choices(*, user):
    return [
        (plan.pk, f"{plan.title}（{plan.enterprise.name}）")
        for plan in plan_list(user=user).order_by("-created_at")[:200]
    ]


def _people(*, user, plan_id: int):
    return Assignment.objects.filter(plan__in=plan_list(user=user), plan_id=plan_id).values(
        "person_id"
    )


register_training_plans(choices=_choices, people=_people)
