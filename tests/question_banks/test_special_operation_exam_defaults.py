"""The special-operation theory exam's national format (MISSION.md: 100 points, pass ≥ 80,
120 minutes): the trainer's new paper rule starts at 120 minutes and a pass mark of 80, and a
special-operation exam session on it with no override of its own runs 120 minutes with a
pass at 80 of the paper's 100 points. (The product keeps no rule templates: the defaults are
the paper rule's, checked here where a trainer meets them.)"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from question_banks.models import ExamSession, PaperRule
from question_banks.services.rules import paper_rule_total_points
from tests.question_banks.test_workbench_views import rule_post, section_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer(client, world):
    client.force_login(world.trainer)
    return client


def test_a_new_paper_rule_starts_at_120_minutes_and_a_pass_mark_of_80(trainer, bank):
    form = trainer.get(f"/exams/manage/rules/new/?bank={bank.pk}").context["form"]
    assert int(form["duration_minutes"].value()) == 120
    assert Decimal(str(form["pass_mark"].value())) == Decimal(80)


def test_a_special_operation_session_with_no_override_runs_120_minutes_and_passes_at_80(
    trainer, bank, world
):
    # A 100-point paper (judge 10 x 2, single 16 x 5) with the page's defaults kept.
    defaults = trainer.get(f"/exams/manage/rules/new/?bank={bank.pk}").context["form"]
    data = (
        rule_post(
            name="低压电工作业理论考试",
            duration_minutes=str(defaults["duration_minutes"].value()),
            pass_mark=str(defaults["pass_mark"].value()),
        )
        | section_data(
            "sections",
            [
                {
                    "qtype": "judge",
                    "points_each": "2",
                    "easy_count": "4",
                    "medium_count": "3",
                    "hard_count": "3",
                },
                {
                    "qtype": "single",
                    "points_each": "5",
                    "easy_count": "6",
                    "medium_count": "5",
                    "hard_count": "5",
                },
            ],
        )
        | section_data("fixed", [])
    )
    response = trainer.post(f"/exams/manage/rules/new/?bank={bank.pk}", data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    rule = PaperRule.objects.get(name="低压电工作业理论考试")
    assert paper_rule_total_points(rule) == Decimal(100)

    now = timezone.now()
    session = ExamSession.objects.create(
        code="TZ-DG-1",
        name="低压电工作业理论考试",
        rule=rule,
        opens_at=now,
        closes_at=now + dt.timedelta(hours=3),
        training_body=world.trainer_body,
        region=world.township_b,
        certificate_type_code="TZ-DG",
    )
    assert session.duration_minutes is None and session.pass_mark is None
    assert session.duration_over(rule) == 120
    assert session.pass_mark_over(rule) == Decimal(80)
