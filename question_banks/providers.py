"""What the apps above this one offer to exam sessions, registered from their AppConfig.ready()
like the prerequisite checks (question_banks.prerequisites): the certificate types a session
may issue on passing (certificates) and the training plans candidates may be chosen by
(courses). The exam engine asks through here and imports neither app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db.models import QuerySet

# (user) -> [(code, name)]: the certificate types a session may issue.
CertificateTypes = Callable[..., Iterable[tuple[str, str]]]
# (user) -> [(id, title)]: the training plans in the user's scope.
PlanChoices = Callable[..., Iterable[tuple[int, str]]]
# (user, plan_id) -> a queryset of person ids assigned by that plan (empty outside scope).
PlanPeople = Callable[..., QuerySet]

_providers: dict[str, Callable] = {}


def register_certificate_types(fn: CertificateTypes) -> CertificateTypes:
    _providers["certificate_types"] = fn
    return fn


def register_training_plans(*, choices: PlanChoices, people: PlanPeople) -> None:
    _providers["plan_choices"] = choices
    _providers["plan_people"] = people


def certificate_type_choices(*, user) -> list[tuple[str, str]]:
    provider = _providers.get("certificate_types")
    return list(provider(user=user)) if provider else []


def training_plan_choices(*, user) -> list[tuple[int, str]]:
    provider = _providers.get("plan_choices")
    return list(provider(user=user)) if provider else []


def training_plan_people(*, user, plan_id: int) -> QuerySet | None:
    """Person ids of the plan, or None when no app offers plans."""
    provider = _providers.get("plan_people")
    return provider(user=user, plan_id=plan_id) if provider else None


# (attempt) -> AttemptStanding-like object or None: where a ranked attempt (a contest round's)
# stands, shown instead of passed / not passed for sessions that have no pass mark.
AttemptStanding = Callable[..., object | None]


def register_attempt_standing(fn: AttemptStanding) -> AttemptStanding:
    _providers["attempt_standing"] = fn
    return fn


def attempt_standing(*, attempt) -> object | None:
    """What an app above says of a ranked attempt (its rank among the round's), or None:
    the attempt is judged by the pass mark as usual."""
    provider = _providers.get("attempt_standing")
    return provider(attempt=attempt) if provider else None


# (person_id) -> a queryset of attempt ids: the person's attempts that an app above shows on
# its own pages (a contest's daily questions, mock attempts of the engine), not among the
# mock exams of 我的考试.
AttemptsShownElsewhere = Callable[..., QuerySet]


def register_attempts_shown_elsewhere(fn: AttemptsShownElsewhere) -> AttemptsShownElsewhere:
    _providers["attempts_shown_elsewhere"] = fn
    return fn


def attempts_shown_elsewhere(*, person_id: int) -> QuerySet | None:
    """Ids of the person's attempts that belong to an app above's pages, or None."""
    provider = _providers.get("attempts_shown_elsewhere")
    return provider(person_id=person_id) if provider else None


# (people, session, on) -> {person id: reason}: who may not be put on the session's list (the
# certificates app's "one resit, then retrain") on the day `on`. Only asked for sessions that
# issue a certificate type.
CandidacyProblems = Callable[..., dict[int, str]]


def register_candidacy_check(fn: CandidacyProblems) -> CandidacyProblems:
    _providers["candidacy_problems"] = fn
    return fn


def candidacy_problems(*, people: Iterable, session, on: dt.date | None = None) -> dict[int, str]:
    """Why each of these people may not become a candidate of the session on the day `on`
    (today when None), by person id (absent: they may). An exam start passes the day of its
    own `now`, so the rule is asked for the moment the start is made, not the server's today."""
    provider = _providers.get("candidacy_problems")
    if provider is None or not session.certificate_type_code:
        return {}
    return dict(provider(people=list(people), session=session, on=on))
