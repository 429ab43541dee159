"""Regressions of the server errors the fuzzing found: each bad input now gets a clear 4xx
(or the importer's own report) and changes nothing."""

import json

import pytest
from django.utils import translation

from roster.imports.cells import CellError, date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("page", ["1000001", "5155429312579565001481339797504"])
@pytest.mark.parametrize("path", ["/api/people", "/api/enterprises"])
def test_a_page_number_past_any_roster_is_a_422(client, world, path, page):
    client.force_login(world.regulator_county)

    response = client.get(path, {"page": page})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "page"]


def test_the_last_possible_page_is_still_an_empty_page(client, world):
    client.force_login(world.regulator_county)
    assert client.get("/api/people", {"page": "1000000"}).json()["items"] == []


@pytest.mark.parametrize(
    "entry",
    [
        {"position": 2**70, "answer": ["A"], "seq": 1},
        {"position": 1, "answer": ["A"], "seq": 2**31},
        {"position": 1, "answer": ["A"], "seq": 2**90},
        {"position": 0, "answer": ["A"], "seq": 1},
    ],
)
def test_answer_numbers_beyond_their_columns_are_a_422(client, scene, entry):
    attempt = scene.attempt
    client.force_login(scene.world.trainee)
    before = list(attempt.items.values_list("answer", "answer_seq"))

    response = client.post(
        f"/api/attempts/{attempt.pk}/answers",
        json.dumps({"client": "tab-1", "answers": [entry]}),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert list(attempt.items.values_list("answer", "answer_seq")) == before


def test_the_service_refuses_the_same_numbers_without_touching_the_database(scene):
    from question_banks.services.attempts import ExamError, answers_save

    with pytest.raises(ExamError) as refused:
        answers_save(
            attempt=scene.attempt,
            person_id=scene.attempt.person_id,
            client_id="tab-1",
            answers=[{"position": 2**70, "answer": ["A"], "seq": 1}],
        )
    assert refused.value.code == "bad_question"
    with pytest.raises(ExamError, match="sequence number"):
        answers_save(
            attempt=scene.attempt,
            person_id=scene.attempt.person_id,
            client_id="tab-1",
            answers=[{"position": 1, "answer": None, "seq": 2**63}],
        )


@pytest.mark.parametrize("lesson", [2**31, 2**70])
@pytest.mark.parametrize("path", ["/api/study/heartbeat", "/api/study/reading"])
def test_a_lesson_id_beyond_any_page_is_no_such_lesson(client, world, path, lesson):
    client.force_login(world.trainee)

    response = client.post(
        path,
        json.dumps({"lesson": lesson, "client": "client-1", "seq": 1, "position": 0}),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["code"] == "lesson"


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 10**400])
def test_a_date_cell_holding_no_real_number_is_a_bad_cell(value):
    with pytest.raises(CellError):
        date(value)
