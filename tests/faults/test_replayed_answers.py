"""Old answer posts replayed late (a flaky network, a proxy retrying, a second tab sending
what it kept in localStorage) never overwrite a newer answer (ARCHITECTURE.md rule 1).

Through the real endpoint (`POST /api/attempts/<id>/answers`), as the exam page sends them.
tests/question_banks covers a single late retry; here: replays after the submit, and replays
across two tabs (or devices) around a take-over.
"""

from __future__ import annotations

import json
import re

import pytest

from question_banks.models import AttemptEvent, AttemptItem

pytestmark = pytest.mark.django_db


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def answers_post(client, attempt, cid, entries):
    body = {
        "client": cid,
        "answers": [{"position": p, "answer": a, "seq": s} for p, a, s in entries],
    }
    return post_json(client, f"/api/attempts/{attempt.pk}/answers", body)


def paper(attempt):
    """{position: (answer, seq)} as stored."""
    return {
        i.position: (i.answer, i.answer_seq)
        for i in AttemptItem.objects.filter(attempt=attempt).order_by("position")
    }


@pytest.fixture
def attempt(started_attempt):
    return started_attempt


def test_replays_after_the_submit_change_nothing(examinee, attempt):
    # Positions 1-15 are 判断题 (A/B), 16-23 单选题.
    posts = [
        [(1, ["A"], 1), (2, ["B"], 2)],
        [(1, ["B"], 3)],
        [(16, ["C"], 4), (2, ["A"], 5)],
    ]
    for entries in posts:
        assert answers_post(examinee, attempt, "tab-1", entries).status_code == 200
    response = post_json(examinee, f"/api/attempts/{attempt.pk}/submit", {"client": "tab-1"})
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    attempt.refresh_from_db()
    stored, score = paper(attempt), attempt.score
    assert stored[1] == (["B"], 3) and stored[2] == (["A"], 5) and stored[16] == (["C"], 4)

    # Every old post again, in any order, and one "newer" than anything saved: all refused.
    for entries in [*reversed(posts), [(3, ["A"], 99)]]:
        response = answers_post(examinee, attempt, "tab-1", entries)
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "finished"
    # A replayed submit is answered as the first one was and grades nothing again.
    again = post_json(examinee, f"/api/attempts/{attempt.pk}/submit", {"client": "tab-1"})
    assert again.status_code == 200 and again.json()["status"] == "submitted"
    attempt.refresh_from_db()
    assert paper(attempt) == stored and attempt.score == score
    assert AttemptEvent.objects.filter(attempt=attempt, kind="submitted").count() == 1


def test_replays_across_two_tabs_never_overwrite_the_newer_answer(examinee, attempt):
    # Tab 1 (a phone) answers and changes its mind; its last post for position 2 is lost.
    assert answers_post(examinee, attempt, "tab-1", [(1, ["A"], 1)]).status_code == 200
    assert answers_post(examinee, attempt, "tab-1", [(1, ["B"], 3)]).status_code == 200
    unsent = [(1, ["A"], 2), (2, ["B"], 4)]  # kept in localStorage: one stale, one unsent

    # Tab 2 (the PC) takes over. Its page starts counting after the highest saved number.
    response = examinee.post(f"/exams/attempt/{attempt.pk}/take-over/", {"client": "tab-2"})
    assert response.status_code == 302
    page = examinee.get(f"/exams/attempt/{attempt.pk}/").content.decode()
    seqs = [int(s) for s in re.findall(r'data-seq="(\d+)"', page)]
    assert max(seqs) == 3
    # Tab 2 finds tab 1's pending answers in localStorage (same browser) and sends them:
    # the stale one is not applied, the unsent one is.
    response = answers_post(examinee, attempt, "tab-2", unsent)
    assert response.status_code == 200
    assert response.json()["saved"] == [
        {"position": 1, "seq": 2, "applied": False},
        {"position": 2, "seq": 4, "applied": True},
    ]
    # Tab 2 answers on from its own counter.
    assert answers_post(examinee, attempt, "tab-2", [(1, ["A"], 5)]).status_code == 200
    final = paper(attempt)
    assert final[1] == (["A"], 5) and final[2] == (["B"], 4)

    # Tab 1 wakes up and replays everything it ever sent, and a post numbered far ahead:
    # refused (it no longer holds the paper), and recorded for the invigilator.
    for entries in [[(1, ["A"], 1)], [(1, ["B"], 3)], unsent, [(1, ["B"], 50)]]:
        response = answers_post(examinee, attempt, "tab-1", entries)
        assert response.status_code == 409 and response.json()["code"] == "other_client"
    assert paper(attempt) == final
    assert AttemptEvent.objects.filter(attempt=attempt, kind="other_client_refused").count() == 4

    # Tab 2's own retries (the same post twice, then an older one late) change nothing.
    for entries in [[(1, ["A"], 5)], [(1, ["A"], 5)], [(2, ["A"], 4)], [(1, ["B"], 3)]]:
        response = answers_post(examinee, attempt, "tab-2", entries)
        assert response.status_code == 200
        assert [s["applied"] for s in response.json()["saved"]] == [False]
    assert paper(attempt) == final
    assert AttemptItem.objects.filter(attempt=attempt).count() == len(seqs)
