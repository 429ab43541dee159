"""The exam open on another device or tab: what the server tells each page."""

from __future__ import annotations

import json

import pytest
from django.contrib.messages import get_messages

from question_banks.models import AttemptEvent

pytestmark = pytest.mark.django_db


def _state(client, attempt, tab=None):
    url = f"/api/attempts/{attempt.pk}/state"
    return client.get(url, {"client": tab} if tab else {}).json()


def _save(client, attempt, tab, position=1, seq=1):
    body = {"client": tab, "answers": [{"position": position, "answer": None, "seq": seq}]}
    return client.post(
        f"/api/attempts/{attempt.pk}/answers", json.dumps(body), content_type="application/json"
    )


def test_the_state_says_which_tab_holds_the_attempt(examinee, started_attempt):
    assert _state(examinee, started_attempt, "tab-1")["holder"] is True
    assert _state(examinee, started_attempt, "tab-2")["holder"] is False
    assert _state(examinee, started_attempt)["holder"] is None  # no tab named


def test_after_a_take_over_the_first_tab_learns_it_and_its_saves_are_refused(
    examinee, started_attempt
):
    response = examinee.post(f"/exams/attempt/{started_attempt.pk}/take-over/", {"client": "phone"})
    assert response.status_code == 302
    assert response["Location"] == f"/exams/attempt/{started_attempt.pk}/"
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "已改在此处继续作答" in said
    assert AttemptEvent.objects.filter(attempt=started_attempt, kind="taken_over").exists()
    assert _state(examinee, started_attempt, "tab-1")["holder"] is False
    assert _state(examinee, started_attempt, "phone")["holder"] is True
    refused = _save(examinee, started_attempt, "tab-1")
    assert refused.status_code == 409 and refused.json()["code"] == "other_client"
    assert _save(examinee, started_attempt, "phone").status_code == 200


def test_the_state_of_another_persons_attempt_is_not_found(started_attempt, client, world):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username=world.person_b.id_number, person=world.person_b))
    assert client.get(f"/api/attempts/{started_attempt.pk}/state").status_code == 404


def test_the_exam_page_claims_nothing_saved_before_it_knows(examinee, started_attempt):
    html = examinee.get(f"/exams/attempt/{started_attempt.pk}/").content.decode()
    assert 'id="net-status" aria-live="polite"></span>' in html
    # What the page needs to show the real time left and to take over, whoever holds it.
    assert f'data-deadline="{started_attempt.deadline.isoformat()}"' in html
    assert 'data-client="tab-1"' in html and 'id="take-over"' in html
    assert "本场考试已在另一台设备或另一个标签页上打开" in html


def test_reading_the_state_of_an_open_attempt_takes_two_queries(
    examinee, started_attempt, django_assert_max_num_queries
):
    # The exam page asks when it comes back into view: the session and user, the attempt.
    with django_assert_max_num_queries(3):
        assert _state(examinee, started_attempt, "tab-1")["holder"] is True


def _another_examinee(world):
    from tests.factories import UserFactory

    return UserFactory(username=world.person_b.id_number, person=world.person_b)


@pytest.mark.parametrize(
    "who",
    [
        _another_examinee,
        lambda world: world.system_admin,
        lambda world: world.trainer,
        lambda world: world.enterprise_admin,
    ],
    ids=["another_examinee", "system_admin", "trainer", "enterprise_admin"],
)
def test_only_the_examinee_can_take_over_their_paper_in_the_service(world, started_attempt, who):
    from question_banks.services.attempts import ExamError, attempt_take_over

    with pytest.raises(ExamError) as refused:
        attempt_take_over(actor=who(world), attempt=started_attempt, client_id="elsewhere")
    assert refused.value.code == "not_own"
    assert "只有考生本人" in str(refused.value.message)
    started_attempt.refresh_from_db()
    assert started_attempt.client_id == "tab-1"
    assert not AttemptEvent.objects.filter(attempt=started_attempt, kind="taken_over").exists()


def test_the_examinee_takes_over_their_own_paper_in_the_service(world, started_attempt):
    from question_banks.services.attempts import attempt_take_over

    attempt_take_over(actor=world.trainee, attempt=started_attempt, client_id="phone")
    started_attempt.refresh_from_db()
    assert started_attempt.client_id == "phone"
    assert AttemptEvent.objects.filter(attempt=started_attempt, kind="taken_over").exists()


def test_another_examinee_posting_a_take_over_moves_nothing(client, world, started_attempt):
    client.force_login(_another_examinee(world))
    response = client.post(f"/exams/attempt/{started_attempt.pk}/take-over/", {"client": "x"})
    assert response.status_code == 404
    started_attempt.refresh_from_db()
    assert started_attempt.client_id == "tab-1"
