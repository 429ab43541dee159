"""A contest round's bad input on the web, as a contestant's phone meets it: a second device,
answers after the time is up (the server's clock, faked here), entering a round that has
closed or not opened. Each is refused in Chinese and writes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from contests.models import ContestEntry
from question_banks.models import Attempt, AttemptItem

pytestmark = pytest.mark.django_db


def phone(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def enter_and_start(client, round, device: str):
    response = client.post(f"/contests/mine/{round.contest_id}/rounds/{round.pk}/join/")
    assert response.status_code == 302
    return client.post(response["Location"], {"client": device})


def save(client, attempt, device: str, answer=("A",), seq=1):
    item = attempt.items.order_by("position").first()
    return client.post(
        f"/api/attempts/{attempt.pk}/answers",
        json.dumps(
            {
                "client": device,
                "answers": [{"position": item.position, "answer": list(answer), "seq": seq}],
            }
        ),
        content_type="application/json",
    )


def test_a_second_device_is_refused_in_chinese_and_writes_nothing(world, open_round):
    first = phone(world.trainee)
    started = enter_and_start(first, open_round, "phone-1")
    assert started.status_code == 302 and "/exams/attempt/" in started["Location"]
    attempt = Attempt.objects.get(session=open_round.session, person=world.person_a)

    second = phone(world.trainee)  # the same person signed in on another phone
    refused = second.post(f"/exams/session/{open_round.session.code}/", {"client": "phone-2"})
    assert refused.status_code == 409
    assert "本场考试已在其他设备或标签页中打开" in refused.content.decode()
    answer = save(second, attempt, "phone-2")
    assert answer.status_code == 409
    assert "其他设备" in answer.json()["detail"]
    assert not AttemptItem.objects.filter(attempt=attempt, answer__isnull=False).exists()
    # The first phone still answers.
    assert save(first, attempt, "phone-1").status_code == 200


def test_an_answer_after_the_time_is_up_is_refused_in_chinese(world, open_round, monkeypatch):
    client = phone(world.trainee)
    enter_and_start(client, open_round, "phone-1")
    attempt = Attempt.objects.get(session=open_round.session, person=world.person_a)
    assert save(client, attempt, "phone-1", answer=("B",)).status_code == 200

    late = attempt.deadline + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: late)
    refused = save(client, attempt, "phone-1", answer=("A",), seq=2)
    assert refused.status_code == 409
    assert refused.json()["detail"] == "考试时间已到，截止后的答案不予接受。"
    item = attempt.items.order_by("position").first()
    item.refresh_from_db()
    assert item.answer == ["B"]  # what was saved in time stands
    # A late submit grades what was saved, as time ran out.
    state = client.post(
        f"/api/attempts/{attempt.pk}/submit",
        json.dumps({"client": "phone-1"}),
        content_type="application/json",
    ).json()
    assert state["status"] == Attempt.Status.EXPIRED
    assert ContestEntry.objects.get(person=world.person_a).rounds_taken == 1


@pytest.mark.parametrize(
    ("shift", "message"),
    [(dt.timedelta(hours=2), "本轮已结束。"), (-dt.timedelta(hours=2), "本轮尚未开始。")],
)
def test_entering_a_round_outside_its_window_is_refused(
    world, open_round, monkeypatch, shift, message
):
    moment = timezone.now() + shift
    monkeypatch.setattr(timezone, "now", lambda: moment)
    client = phone(world.trainee)
    response = client.post(
        f"/contests/mine/{open_round.contest_id}/rounds/{open_round.pk}/join/", follow=True
    )
    assert message in response.content.decode()
    assert not open_round.session.candidates.exists()
    assert not Attempt.objects.exists()
