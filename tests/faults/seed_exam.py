"""Seed an open exam, its trainees and a certificate into the database of DATABASE_URL;
print them as JSON.

Run by the fault tests as a child process against a database of their own:
    DATABASE_URL=... python -m tests.faults.seed_exam
"""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def main() -> None:
    import django

    django.setup()
    from django.utils import timezone

    from question_banks.models import (
        Candidate,
        ExamSession,
        PaperRule,
        PaperSection,
        QuestionBank,
    )
    from tests.factories import UserFactory, build_world
    from tests.question_banks.conftest import add_question

    world = build_world()
    bank = QuestionBank.objects.create(code="FAULT", name="低压电工作业")
    for difficulty in (1, 2, 3):
        for _ in range(6):
            add_question(bank, "judge", difficulty, correct=("A",))
            add_question(bank, "single", difficulty, correct=("B",))
    rule = PaperRule.objects.create(code="FAULT-R", name="理论", bank=bank, duration_minutes=60)
    PaperSection.objects.create(
        rule=rule, position=0, qtype="judge", points_each=Decimal(4), medium_count=5, easy_count=5
    )
    PaperSection.objects.create(
        rule=rule, position=1, qtype="single", points_each=Decimal(6), medium_count=5, hard_count=5
    )
    now = timezone.now()
    session = ExamSession.objects.create(
        code="FAULT-S",
        name="故障测试考试",
        rule=rule,
        is_published=True,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(hours=3),
    )
    trainees = [world.trainee]
    for person in (world.person_b, world.person_a_chem):
        trainees.append(UserFactory(username=person.id_number, person=person))
    for user in trainees:
        Candidate.objects.create(session=session, person=user.person)
    # A certificate for the inspectors' look-ups (test_postgres_restart).
    from certificates.models import CertificateType
    from certificates.services.issuing import certificate_issue

    certificate = certificate_issue(
        person=world.person_a, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    print(
        json.dumps(
            {
                "logins": [user.username for user in trainees],
                "password": "pw-123456",  # tests.factories.UserFactory
                "session": session.code,
                "token": certificate.token,
            }
        )
    )


if __name__ == "__main__":
    main()
