"""The exam workbench's pages: the owner sets up, runs and closes a session on the web; every
POST by someone else is refused (403 or 404) and changes nothing."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from question_banks.models import Attempt, Candidate, ExamSession, PaperRule
from question_banks.services.attempts import attempt_start
from tests.factories import EmploymentFactory

pytestmark = pytest.mark.django_db


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def trainer(client, world):
    client.force_login(world.trainer)
    return client


@pytest.fixture
def draft(rule, world, now):
    return ExamSession.objects.create(
        code="D1",
        name="草稿场次",
        rule=rule,
        opens_at=now + dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=1, hours=2),
        training_body=world.trainer_body,
        region=world.township_b,
    )


def section_data(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def rule_post(**extra):
    data = {
        "name": "网上组卷",
        "kind": "random",
        "duration_minutes": "60",
        "pass_mark": "60",
        "partial_credit": "all",
        "avoid_previous": "on",
    }
    data.update(extra)
    return data


def test_trainer_makes_a_rule_with_sections(trainer, bank):
    data = (
        rule_post()
        | section_data(
            "sections",
            [
                {
                    "qtype": "judge",
                    "points_each": "2",
                    "easy_count": "5",
                    "medium_count": "5",
                    "hard_count": "0",
                },
                {
                    "qtype": "single",
                    "points_each": "5",
                    "easy_count": "0",
                    "medium_count": "4",
                    "hard_count": "0",
                },
            ],
        )
        | section_data("fixed", [])
    )
    response = trainer.post(f"/exams/manage/rules/new/?bank={bank.pk}", data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    rule = PaperRule.objects.get(name="网上组卷")
    assert [s.count for s in rule.sections.order_by("position")] == [10, 4]
    assert rule.code.startswith("DG-R")


def test_a_short_section_is_shown_beside_it_and_nothing_is_saved(trainer, bank):
    data = (
        rule_post()
        | section_data(
            "sections",
            [
                {
                    "qtype": "judge",
                    "points_each": "2",
                    "easy_count": "1",
                    "medium_count": "0",
                    "hard_count": "0",
                },
                {
                    "qtype": "multiple",
                    "points_each": "5",
                    "easy_count": "0",
                    "medium_count": "0",
                    "hard_count": "9",
                },
            ],
        )
        | section_data("fixed", [])
    )
    response = trainer.post(f"/exams/manage/rules/new/?bank={bank.pk}", data)
    assert response.status_code == 200
    forms = response.context["sections"].forms
    assert not forms[0].non_field_errors()
    assert "9" in forms[1].non_field_errors()[0]
    assert response.context["form"]["name"].value() == "网上组卷"
    assert not PaperRule.objects.filter(name="网上组卷").exists()


def test_a_rule_in_use_shows_only_its_name_open(trainer, rule, session):
    page = trainer.get(f"/exams/manage/rules/{rule.pk}/")
    form = page.context["form"]
    assert not form.fields["name"].disabled
    assert form.fields["pass_mark"].disabled
    assert "只有名称" in page.content.decode() or page.context["locked_reason"]


def test_another_bodys_rule_is_not_found(client, world, rule):
    client.force_login(world.enterprise_admin)
    assert client.get(f"/exams/manage/rules/{rule.pk}/").status_code == 404
    response = client.post(f"/exams/manage/rules/{rule.pk}/", rule_post(name="被改"))
    assert response.status_code == 404
    rule.refresh_from_db()
    assert rule.name == "低压电工理论"


def test_trainer_creates_a_session_and_lands_on_candidates(trainer, rule, now):
    data = {
        "name": "网上新场次",
        "rule": rule.pk,
        "mode": "online",
        "opens_at": local(now + dt.timedelta(days=1)),
        "closes_at": local(now + dt.timedelta(days=1, hours=2)),
        "attempts_allowed": "2",
        "score_policy": "highest",
        "show_result": "immediately",
        "show_answers": "after_close",
        "access_code": "8848",
        "allowed_networks": "",
    }
    response = trainer.post("/exams/manage/new/", data)
    session = ExamSession.objects.get(name="网上新场次")
    assert response.url == f"/exams/manage/{session.code}/candidates/"
    assert session.access_code == "8848"


def test_session_form_keeps_input_and_explains_a_bad_network(trainer, rule, now):
    data = {
        "name": "坏网络",
        "rule": rule.pk,
        "mode": "online",
        "opens_at": local(now + dt.timedelta(days=1)),
        "closes_at": local(now),
        "attempts_allowed": "2",
        "score_policy": "highest",
        "show_result": "immediately",
        "show_answers": "after_close",
        "allowed_networks": "10.0.0.0/8\n不是地址",
    }
    response = trainer.post("/exams/manage/new/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "不是地址" in errors["allowed_networks"][0]
    assert "closes_at" in errors
    assert not ExamSession.objects.filter(name="坏网络").exists()


def test_locked_fields_of_an_open_session_are_read_only(trainer, session):
    form = trainer.get(f"/exams/manage/{session.code}/edit/").context["form"]
    assert form.fields["pass_mark"].disabled and form.fields["rule"].disabled
    assert not form.fields["name"].disabled


def test_candidates_by_filter_and_by_paste(trainer, world, draft):
    welder = EmploymentFactory(enterprise=world.ent_b, post="电焊工").person
    response = trainer.post(
        f"/exams/manage/{draft.code}/candidates/", {"action": "filter", "f-post": "电焊"}
    )
    assert response.status_code == 302
    assert list(draft.candidates.values_list("person", flat=True)) == [welder.pk]
    text = f"{world.person_b.id_number}\n123"
    page = trainer.post(
        f"/exams/manage/{draft.code}/candidates/", {"action": "paste", "p-id_numbers": text}
    )
    assert page.status_code == 200
    assert [p.line for p in page.context["problems"]] == [2]
    assert page.context["paste"]["id_numbers"].value() == text
    assert draft.candidates.count() == 1  # nothing half-done
    trainer.post(
        f"/exams/manage/{draft.code}/candidates/",
        {"action": "paste", "p-id_numbers": world.person_b.id_number},
    )
    assert draft.candidates.count() == 2


def test_empty_filter_is_refused(trainer, draft):
    page = trainer.post(f"/exams/manage/{draft.code}/candidates/", {"action": "filter"})
    assert page.status_code == 200 and page.context["choose"].non_field_errors()
    assert not draft.candidates.exists()


def test_publish_refusal_is_shown_in_chinese(trainer, draft):
    response = trainer.post(f"/exams/manage/{draft.code}/publish/", follow=True)
    text = response.content.decode()
    assert "未发布：发布前请先添加" in text
    draft.refresh_from_db()
    assert not draft.is_published


def test_publish_with_candidates(trainer, world, draft, django_capture_on_commit_callbacks):
    Candidate.objects.create(session=draft, person=world.person_b, seat=1)
    with django_capture_on_commit_callbacks(execute=True):
        trainer.post(f"/exams/manage/{draft.code}/publish/")
    draft.refresh_from_db()
    assert draft.is_published
    assert Attempt.objects.filter(session=draft, status="ready").count() == 1


def test_admission_tickets_as_pdf_and_xlsx(trainer, world, draft):
    Candidate.objects.create(session=draft, person=world.person_b, seat=7)
    pdf = trainer.get(f"/exams/manage/{draft.code}/admission.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    book = trainer.get(f"/exams/manage/{draft.code}/admission.xlsx")
    rows = list(load_workbook(io.BytesIO(book.content)).active.iter_rows(values_only=True))
    assert rows[3][0] == 7 and rows[3][1] == world.person_b.name and "*" in rows[3][2]


def test_live_counts_and_json(trainer, world, session, now):
    attempt_start(session=session, person=world.person_a, client_id="c", now=now)
    Candidate.objects.create(session=session, person=world.person_b)
    data = trainer.get(f"/exams/manage/{session.code}/live.json").json()
    assert data["counts"]["writing"] == 1 and data["counts"]["not_started"] == 1
    page = trainer.get(f"/exams/manage/{session.code}/live/")
    assert page.status_code == 200 and b"session-live.js" in page.content


def test_close_and_grant_from_the_web(trainer, world, session):
    candidate = session.candidates.get(person=world.person_a)
    response = trainer.post(
        f"/exams/manage/{session.code}/candidates/{candidate.pk}/grant/",
        {"extra_minutes": "20", "extra_attempts": "1", "reason": "视力障碍"},
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.extra_minutes, candidate.extra_attempts) == (20, 1)
    page = trainer.post(f"/exams/manage/{session.code}/live/", {"reason": ""})
    assert page.context["close"].errors["reason"]
    trainer.post(f"/exams/manage/{session.code}/live/", {"reason": "考场停电"})
    session.refresh_from_db()
    assert session.closes_at <= timezone.now()


STRANGER_POSTS = [
    ("edit/", {"name": "被改"}),
    ("candidates/", {"action": "paste", "p-id_numbers": ""}),
    ("publish/", {}),
    ("live/", {"reason": "x"}),
]


@pytest.mark.parametrize("who", ["enterprise_admin", "no_role", "trainee", "regulator_county"])
def test_every_post_by_a_stranger_changes_nothing(client, world, session, who):
    client.force_login(getattr(world, who))
    candidate = session.candidates.get()
    before = ExamSession.objects.values().get(pk=session.pk)
    for path, data in [
        *STRANGER_POSTS,
        (f"candidates/{candidate.pk}/remove/", {}),
        (
            f"candidates/{candidate.pk}/grant/",
            {"extra_minutes": 9, "extra_attempts": 1, "reason": "x"},
        ),
    ]:
        response = client.post(f"/exams/manage/{session.code}/{path}", data)
        assert response.status_code in (403, 404), path
    assert ExamSession.objects.values().get(pk=session.pk) == before
    candidate.refresh_from_db()
    assert candidate.extra_minutes == 0


def test_a_trainer_of_another_county_cannot_reach_the_session(client, world, session):
    from roster.choices import Role
    from roster.models import RoleGrant
    from tests.factories import UserFactory

    other = UserFactory(username="trainer_other")
    RoleGrant.objects.create(
        user=other, role=Role.TRAINER, region=world.other_county, training_body=world.trainer_body
    )
    client.force_login(other)
    assert client.get(f"/exams/manage/{session.code}/live/").status_code == 404
    assert client.post(f"/exams/manage/{session.code}/publish/").status_code == 404


def test_session_list_links_the_workbench(trainer, session):
    page = trainer.get("/exams/manage/")
    text = page.content.decode()
    assert f"/exams/manage/{session.code}/live/" in text
    assert "/exams/manage/new/" in text and "/exams/manage/rules/" in text


def test_a_fixed_paper_from_the_web(trainer, bank):
    picked = list(bank.questions.order_by("pk").values_list("pk", flat=True)[:2])
    data = (
        rule_post(name="固定卷", kind="fixed")
        | section_data("sections", [])
        | section_data(
            "fixed",
            [{"question": picked[0], "points": "60"}, {"question": picked[1], "points": "40"}],
        )
    )
    response = trainer.post(f"/exams/manage/rules/new/?bank={bank.pk}", data)
    assert response.status_code == 302
    rule = PaperRule.objects.get(name="固定卷")
    assert list(rule.fixed_items.order_by("position").values_list("question", "position")) == [
        (picked[0], 1),
        (picked[1], 2),
    ]
    assert not rule.sections.exists()


def test_a_question_of_another_bank_cannot_be_on_a_fixed_paper(trainer, bank):
    from question_banks.models import QuestionBank
    from tests.question_banks.conftest import add_question

    foreign = add_question(QuestionBank.objects.create(code="X", name="别人的题库"), "judge")
    data = (
        rule_post(name="偷题", kind="fixed")
        | section_data("sections", [])
        | section_data("fixed", [{"question": foreign.pk, "points": "10"}])
    )
    response = trainer.post(f"/exams/manage/rules/new/?bank={bank.pk}", data)
    assert response.status_code == 200
    assert response.context["fixed"].forms[0].errors["question"]
    assert not PaperRule.objects.filter(name="偷题").exists()


def test_a_trainer_of_two_bodies_says_whose_session_it_is(client, world, rule, now):
    from roster.choices import Role
    from roster.models import RoleGrant, TrainingBody

    second = TrainingBody.objects.create(name="第二培训机构", region=world.county)
    RoleGrant.objects.create(
        user=world.trainer, role=Role.TRAINER, region=world.township_b, training_body=second
    )
    client.force_login(world.trainer)
    form = client.get("/exams/manage/new/").context["form"]
    assert len(form.fields["owner"].choices) == 3
    data = {
        "name": "两个机构",
        "rule": rule.pk,
        "mode": "online",
        "opens_at": local(now + dt.timedelta(days=1)),
        "closes_at": local(now + dt.timedelta(days=1, hours=2)),
        "attempts_allowed": "2",
        "score_policy": "highest",
        "show_result": "immediately",
        "show_answers": "after_close",
        "owner": f"training_body_id:{world.trainer_body.pk}",
    }
    assert client.post("/exams/manage/new/", data).status_code == 302
    assert ExamSession.objects.get(name="两个机构").training_body == world.trainer_body


def test_list_pages_keep_their_query_count(trainer, world, session, django_assert_max_num_queries):
    for _n in range(15):
        Candidate.objects.create(
            session=session, person=EmploymentFactory(enterprise=world.ent_b).person
        )
    with django_assert_max_num_queries(25):
        trainer.get(f"/exams/manage/{session.code}/candidates/")
    with django_assert_max_num_queries(20):
        trainer.get(f"/exams/manage/{session.code}/live/")
    with django_assert_max_num_queries(12):
        trainer.get(f"/exams/manage/{session.code}/live.json")
    with django_assert_max_num_queries(20):
        trainer.get("/exams/manage/rules/")


def test_an_enterprise_admin_makes_an_internal_session(client, world, now):
    from question_banks.models import PaperSection, QuestionBank
    from tests.question_banks.conftest import add_question

    bank = QuestionBank.objects.create(code="NB", name="厂内题库", enterprise=world.ent_a)
    for _n in range(3):
        add_question(bank, "judge")
    rule = PaperRule.objects.create(code="NB-R", name="厂内考试", bank=bank)
    PaperSection.objects.create(rule=rule, qtype="judge", points_each=10, medium_count=3)
    client.force_login(world.enterprise_admin)
    data = {
        "name": "厂内安全考试",
        "rule": rule.pk,
        "mode": "online",
        "opens_at": local(now + dt.timedelta(days=1)),
        "closes_at": local(now + dt.timedelta(days=1, hours=1)),
        "attempts_allowed": "1",
        "score_policy": "last",
        "show_result": "immediately",
        "show_answers": "never",
    }
    assert client.post("/exams/manage/new/", data).status_code == 302
    session = ExamSession.objects.get(name="厂内安全考试")
    assert (session.enterprise, session.region) == (world.ent_a, world.ent_a.region)
    client.post(
        f"/exams/manage/{session.code}/candidates/",
        {"action": "paste", "p-id_numbers": f"{world.person_a.id_number}"},
    )
    assert list(session.candidates.values_list("person", flat=True)) == [world.person_a.pk]
    # Someone of another enterprise is out of this admin's roster.
    page = client.post(
        f"/exams/manage/{session.code}/candidates/",
        {"action": "paste", "p-id_numbers": world.person_b.id_number},
    )
    assert page.context["problems"][0].line == 1
