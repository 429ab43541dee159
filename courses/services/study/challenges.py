"""Idle checks: after a random amount of credited study (StudySettings), the server asks the
learner to respond; the report's answer carries the check until it is answered, and from its
deadline until then nothing is credited (courses.credit)."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.db import transaction
from django.utils import timezone

from courses import credit
from courses.models import StudySettings
from courses.services.study.outcomes import RULES
from courses.services.study.stream import Extra, stream_dump, stream_load, stream_lock
from roster.models import Person


def _next_check_ms(settings: StudySettings) -> int:
    low = settings.idle_check_min_minutes
    high = max(low, settings.idle_check_max_minutes)
    # Random so that a script cannot predict when to answer.
    return random.SystemRandom().randint(low * 60_000, high * 60_000)


def challenge_count_down(
    state: credit.StreamState, extra: Extra, ms: int, settings: StudySettings, now: dt.datetime
) -> credit.StreamState:
    """Count credited study down to the next idle check; issue it when due."""
    if extra.get("check_in_ms") is None:
        extra["check_in_ms"] = _next_check_ms(settings)
    if state.challenge_id:
        return state
    extra["check_in_ms"] -= ms
    if extra["check_in_ms"] > 0:
        return state
    extra["check_in_ms"] = _next_check_ms(settings)
    return credit.challenge_issue(state, secrets.token_urlsafe(12), now, RULES)


def challenge_answer(*, person: Person, challenge_id: str, now: dt.datetime | None = None) -> bool:
    """The learner answered an idle check; False when it is not the one pending."""
    now = now or timezone.now()
    with transaction.atomic():
        stream = stream_lock(person)
        state, extra = stream_load(stream.state)
        state, ok = credit.challenge_answer(state, challenge_id, now)
        if ok:
            stream.state = stream_dump(state, extra)
            stream.save()
        return ok
