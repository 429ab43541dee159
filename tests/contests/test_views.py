"""The contests' pages for each role: the organiser's, the contestant's, the regulator's
figures; strangers get 404/403 by id and nothing is written."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from contests.models import Contest, ContestEntry, ContestRound
from contests.services.playing import contest_round_join
from question_banks.services.attempts import answers_save, attempt_start, attempt_submit
from roster.choices import Role
from roster.models import RoleGrant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _take(round, person, now):
    contest_round_join(person=person, round=round, now=now)
    attempt = attempt_start(session=round.session, person=person, client_id="t", now=now)
    answers = [
        {
            "position": item.position,
            "answer": [o["key"] for o in item.version.options if o.get("correct")][:1],
            "seq": 1,
        }
        for item in attempt.items.select_related("version")
    ]
    answers_save(
        attempt=attempt, person_id=attempt.person_id, client_id="t", answers=answers, now=now
    )
    return attempt_submit(attempt=attempt, person_id=attempt.person_id, client_id="t", now=now)


@pytest.fixture
def other_regulator(world):
    user = UserFactory(username="reg_other")
    RoleGrant.objects.create(user=user, role=Role.REGULATOR, region=world.other_county)
    return user


def test_the_regulator_creates_a_contest_on_the_web(client, world, contest_bank):
    client.force_login(world.regulator_county)
    assert client.get("/contests/new/").status_code == 200
    response = client.post(
        "/contests/new/",
        {
            "name": "2027年安全生产月知识竞赛",
            "organiser": f"r{world.county.pk}",
            "winners_count": 3,
            "daily_bank": contest_bank.pk,
            "daily_count_judge": 2,
            "daily_points_judge": 1,
        },
    )
    contest = Contest.objects.get()
    assert response.status_code == 302
    assert contest.daily_rule is not None
    assert client.get(f"/contests/{contest.pk}/").status_code == 200
    assert client.get("/contests/").status_code == 200


def test_a_round_asking_too_much_keeps_the_input_and_says_why(client, world, contest):
    client.force_login(world.regulator_county)
    opens = timezone.localtime() + dt.timedelta(days=1)
    response = client.post(
        f"/contests/{contest.pk}/rounds/new/",
        {
            "title": "初赛",
            "kind": "timed",
            "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (opens + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 10,
            "attempts_allowed": 1,
            "bank": contest.daily_rule.bank_id,
            "count_single": 99,
            "points_single": 5,
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "初赛" in body and "99" in body
    assert not ContestRound.objects.exists()


def test_another_county_regulator_gets_404_by_id(client, world, contest, other_regulator):
    client.force_login(other_regulator)
    for url in (
        f"/contests/{contest.pk}/",
        f"/contests/{contest.pk}/edit/",
        f"/contests/{contest.pk}/leaderboard/",
        f"/contests/{contest.pk}/winners.xlsx",
        f"/contests/{contest.pk}/honours.pdf",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/contests/{contest.pk}/edit/", {"name": "改"})
    assert response.status_code == 404
    contest.refresh_from_db()
    assert contest.name.startswith("2027")


def test_a_trainee_cannot_open_the_organiser_pages(client, world, contest):
    client.force_login(world.trainee)
    assert client.get("/contests/").status_code == 403
    assert client.get(f"/contests/{contest.pk}/").status_code == 403


def test_the_contestant_enters_a_round_through_the_exam_pages(client, world, open_round):
    client.force_login(world.trainee)
    assert client.get("/contests/mine/").status_code == 200
    page = client.get(f"/contests/mine/{open_round.contest_id}/")
    assert page.status_code == 200
    response = client.post(f"/contests/mine/{open_round.contest_id}/rounds/{open_round.pk}/join/")
    assert response.status_code == 302
    assert response["Location"] == f"/exams/session/{open_round.session.code}/"
    response = client.post(response["Location"], {"client": "tab-1"})
    assert response.status_code == 302 and "/exams/attempt/" in response["Location"]


def test_someone_outside_the_contest_gets_404(client, world, open_round):
    user = UserFactory(username=world.person_other.id_number, person=world.person_other)
    client.force_login(user)
    assert client.get(f"/contests/mine/{open_round.contest_id}/").status_code == 404
    response = client.post(f"/contests/mine/{open_round.contest_id}/rounds/{open_round.pk}/join/")
    assert response.status_code == 404
    assert not open_round.session.candidates.exists()


def test_daily_questions_open_on_the_exam_page(client, world, contest):
    client.force_login(world.trainee)
    response = client.post(f"/contests/mine/{contest.pk}/daily/")
    assert response.status_code == 302 and "/exams/attempt/" in response["Location"]


def test_leaderboards_winners_and_honour_certificates(client, world, open_round, now, tmp_path):
    _take(open_round, world.person_a, now)
    _take(open_round, world.person_b, now)
    client.force_login(world.regulator_county)
    contest = open_round.contest
    for by in ("person", "department", "enterprise", "region"):
        for order in ("score", "rate"):
            page = client.get(f"/contests/{contest.pk}/leaderboard/?by={by}&order={order}")
            assert page.status_code == 200
    page = client.get(f"/contests/{contest.pk}/leaderboard/?by=enterprise")
    assert world.ent_a.name in page.content.decode()
    book = load_workbook(io.BytesIO(client.get(f"/contests/{contest.pk}/winners.xlsx").content))
    names = [row[1] for row in book.active.iter_rows(min_row=3, values_only=True)]
    assert set(names) == {world.person_a.name, world.person_b.name}
    pdf = client.get(f"/contests/{contest.pk}/honours.pdf").content
    assert pdf.startswith(b"%PDF") and b"FontFile2" in pdf
    if shutil.which("pdftotext"):
        path = tmp_path / "h.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "荣誉证书" in text and world.person_a.name in text


def test_participation_shows_in_the_training_file(client, world, open_round, now):
    _take(open_round, world.person_a, now)
    client.force_login(world.enterprise_admin)
    page = client.get(f"/courses/file/{world.person_a.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    body = page.content.decode()
    assert "知识竞赛" in body and escape(open_round.contest.name) in body


def test_the_regulator_figures_are_scoped(client, world, open_round, now, other_regulator):
    _take(open_round, world.person_a, now)
    client.force_login(world.regulator_county)
    page = client.get("/reports/contests/")
    assert escape(open_round.contest.name) in page.content.decode()
    detail = client.get(f"/reports/contests/?contest={open_round.contest_id}")
    assert world.ent_a.name in detail.content.decode()
    client.force_login(other_regulator)
    assert escape(open_round.contest.name) not in client.get("/reports/contests/").content.decode()
    assert client.get(f"/reports/contests/?contest={open_round.contest_id}").status_code == 404


def test_a_township_chem_regulator_sees_only_its_enterprises(client, world, open_round, now):
    _take(open_round, world.person_a, now)
    _take(open_round, world.person_a_chem, now)
    client.force_login(world.regulator_township_chem)
    detail = client.get(f"/reports/contests/?contest={open_round.contest_id}").content.decode()
    assert world.ent_a_chem.name in detail and world.ent_a.name not in detail
    assert ContestEntry.objects.count() == 2
