"""每日答题 on the web across days, with the server's clock faked: a person answers today's
questions from the contest page on a phone, sees the day's result and the streak grow day
by day, sees it broken after a day without answering, and starts again."""

from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from contests.models import ContestEntry
from question_banks.models import Attempt

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo("Asia/Shanghai")
STREAK = re.compile(r"连续答题</dt><dd>(\d+)天</dd>")


@pytest.fixture
def clock(monkeypatch):
    def set_to(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


def streak_shown(client, contest) -> int:
    page = client.get(f"/contests/mine/{contest.pk}/").content.decode()
    return int(STREAK.search(page).group(1))


def answer_today(client, contest, right: int) -> str:
    """Open today's questions, answer `right` of them right and the rest wrong, submit; the
    result page's text."""
    response = client.post(f"/contests/mine/{contest.pk}/daily/")
    assert response.status_code == 302, response
    attempt = Attempt.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    answers = []
    for n, item in enumerate(attempt.items.select_related("version").order_by("position")):
        keys = [o["key"] for o in item.version.options if bool(o.get("correct")) == (n < right)]
        answers.append({"position": item.position, "answer": keys[:1], "seq": n + 1})
    saved = client.post(
        f"/api/attempts/{attempt.pk}/answers",
        json.dumps({"client": "phone", "answers": answers}),
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    state = client.post(
        f"/api/attempts/{attempt.pk}/submit",
        json.dumps({"client": "phone"}),
        content_type="application/json",
    ).json()
    assert state["status"] == Attempt.Status.SUBMITTED
    return client.get(state["result_url"]).content.decode()


def test_the_streak_grows_day_by_day_and_breaks_after_a_missed_day(world, contest, clock):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    day = dt.datetime(2027, 5, 10, 8, 30, tzinfo=LOCAL)

    def at(moment: dt.datetime) -> None:
        """The clock shows `moment`; the person signs in that day (a sign-in lasts hours)."""
        clock(moment)
        client.force_login(world.trainee)

    at(day)
    assert streak_shown(client, contest) == 0
    result = answer_today(client, contest, right=2)
    assert "今日答对 2 题（共 3 题）" in result
    page = client.get(f"/contests/mine/{contest.pk}/").content.decode()
    assert "今日已完成：3题答对2题。明天再来。" in page
    assert streak_shown(client, contest) == 1
    # Once a day: the button is gone and a second start is refused.
    assert "开始今日答题" not in page
    again = client.post(f"/contests/mine/{contest.pk}/daily/", follow=True).content.decode()
    assert "明天再来" in again

    # The next morning, late in the evening: the streak still stands until answered.
    at(day + dt.timedelta(days=1, hours=13))
    assert streak_shown(client, contest) == 1
    answer_today(client, contest, right=3)
    assert streak_shown(client, contest) == 2

    # Just after local midnight it is a new day (UTC is still on the day before).
    at(dt.datetime(2027, 5, 12, 0, 5, tzinfo=LOCAL))
    assert "开始今日答题" in client.get(f"/contests/mine/{contest.pk}/").content.decode()
    answer_today(client, contest, right=1)
    assert streak_shown(client, contest) == 3

    # A day without answering (the 13th) breaks it: shown 0 on the 14th, 1 once answered.
    at(dt.datetime(2027, 5, 14, 9, 0, tzinfo=LOCAL))
    assert streak_shown(client, contest) == 0
    answer_today(client, contest, right=3)
    assert streak_shown(client, contest) == 1
    entry = ContestEntry.objects.get(contest=contest, person=world.person_a)
    assert (entry.daily_days, entry.daily_correct, entry.streak) == (4, 9, 1)
    assert entry.last_daily_on == dt.date(2027, 5, 14)
