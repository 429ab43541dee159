"""Session results and analysis pages, scoped per role."""

import io

import pytest
from openpyxl import load_workbook

from question_banks.models import Candidate
from question_banks.services.attempts import attempt_start, attempt_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def sat(session, world, now):
    Candidate.objects.create(session=session, person=world.person_b)
    attempt = attempt_start(session=session, person=world.person_a, client_id="c", now=now)
    attempt_submit(attempt=attempt, person_id=attempt.person_id, client_id="c", now=now)
    return session


def test_system_admin_sees_every_candidate_with_their_state(client, world, sat):
    client.force_login(world.system_admin)
    page = client.get(f"/exams/manage/{sat.code}/")
    assert page.status_code == 200
    states = [r["state"] for r in page.context["rows"]]
    assert sorted(states) == ["failed", "not_started"]


def test_trainer_sees_only_candidates_in_their_region(client, world, sat):
    client.force_login(world.trainer)  # township B
    rows = client.get(f"/exams/manage/{sat.code}/").context["rows"]
    assert [r["person"] for r in rows] == [world.person_b]


def test_enterprise_admin_sees_only_their_people(client, world, sat):
    client.force_login(world.enterprise_admin)
    rows = client.get(f"/exams/manage/{sat.code}/").context["rows"]
    assert [r["person"] for r in rows] == [world.person_a]


def test_admin_of_another_enterprise_does_not_see_the_session(client, world, session):
    Candidate.objects.filter(session=session).update(person=world.person_b)
    client.force_login(world.enterprise_admin)
    assert client.get(f"/exams/manage/{session.code}/").status_code == 404


def test_results_export_is_a_spreadsheet_with_masked_ids(client, world, sat):
    client.force_login(world.system_admin)
    response = client.get(f"/exams/manage/{sat.code}/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert len(values) == 2
    assert all("*" in row[1] for row in values)


def test_analysis_is_for_trainers(client, world, sat):
    client.force_login(world.enterprise_admin)
    assert client.get(f"/exams/manage/{sat.code}/analysis/").status_code == 403
    client.force_login(world.trainer)
    assert client.get(f"/exams/manage/{sat.code}/analysis/").status_code == 200


def test_trainee_sees_no_session_management(client, world, sat):
    client.force_login(world.trainee)
    assert client.get(f"/exams/manage/{sat.code}/").status_code == 404
