import pytest
from django.core.management import call_command

from question_banks.models import Attempt, ExamSession, QuestionBank
from question_banks.services.rules import paper_rule_validate

pytestmark = pytest.mark.django_db


def test_demo_has_a_valid_rule_an_open_session_and_attempts_in_every_state(capsys):
    call_command("seed_demo", "--force", "--no-logins")
    bank = QuestionBank.objects.get(code="DEMO-DG")
    paper_rule_validate(rule=bank.paper_rules.get())
    assert ExamSession.objects.get(code="DEMO-2026-4").candidates.exists()
    closed = ExamSession.objects.get(code="DEMO-2026-3")
    results = set(Attempt.objects.filter(session=closed).values_list("passed", flat=True))
    assert results == {True, False}
    absent = closed.candidates.exclude(person__attempts__session=closed)
    assert absent.exists()
    attempts = Attempt.objects.count()
    call_command("seed_demo", "--force", "--no-logins")  # a second run changes nothing
    assert Attempt.objects.count() == attempts
    assert QuestionBank.objects.get(code="DEMO-DG").questions.count() == 38
