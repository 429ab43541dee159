"""A drill record's bad input on the web, each point alone: nobody taking part, a date in
the future, on a new record and on an edit of one. Each is refused beside its field in
Chinese, what was typed is kept, and nothing is written or changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from drills.models import DrillParticipant, DrillRecord

pytestmark = pytest.mark.django_db

NOBODY = "请至少选择一名参加演练的人员。"
FUTURE = "演练举行后才能记录：演练日期不能晚于今天。"


def admin(world) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.enterprise_admin)
    return client


def form(world, **overrides):
    data = {
        "kind": "onsite",
        "form": "tabletop",
        "held_on": timezone.localdate().isoformat(),
        "place": "二号仓库",
        "duration_minutes": "45",
        "organiser": "安全科",
        "scenario": "仓库叉车碰撞泄漏处置",
        "hours_credited": "1",
        "participants": [str(world.person_a.pk)],
    }
    data.update(overrides)
    return data


def test_a_new_record_without_participants_is_refused(world):
    page = admin(world).post("/drills/records/new/", form(world, participants=[]))
    body = page.content.decode()
    assert page.status_code == 200 and NOBODY in body and FUTURE not in body
    assert "仓库叉车碰撞泄漏处置" in body  # what was typed is kept
    assert not DrillRecord.objects.exists()


def test_a_new_record_dated_tomorrow_is_refused(world):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    page = admin(world).post("/drills/records/new/", form(world, held_on=tomorrow))
    body = page.content.decode()
    assert page.status_code == 200 and FUTURE in body and NOBODY not in body
    assert not DrillRecord.objects.exists() and not DrillParticipant.objects.exists()


def test_an_edit_dropping_every_participant_or_moving_to_the_future_changes_nothing(world, drill):
    client = admin(world)
    before = (drill.held_on, list(drill.participants.values_list("person_id", flat=True)))
    kept = {**form(world), "held_on": drill.held_on.isoformat()}
    page = client.post(f"/drills/records/{drill.pk}/edit/", {**kept, "participants": []})
    assert page.status_code == 200 and NOBODY in page.content.decode()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    page = client.post(f"/drills/records/{drill.pk}/edit/", {**kept, "held_on": tomorrow})
    assert page.status_code == 200 and FUTURE in page.content.decode()
    drill.refresh_from_db()
    after = (drill.held_on, list(drill.participants.values_list("person_id", flat=True)))
    assert after == before
    assert drill.place == "一号车间"  # the rest of the edit was not written either
