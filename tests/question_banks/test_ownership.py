"""Who may change which bank, category, question, paper rule and exam session: in the Wagtail
admin (lists, edit and delete pages, choosers, bulk delete, the create forms) and in the
services themselves, whoever calls them.

The scene: the world's trainer works for the county's training centre in township B and
keeps `bank`, its `rule` and the open `session` there; a trainer of the neighbouring county's
body keeps the same kinds of objects there; a second trainer of the county's centre works in
township A; the admin of ent_a keeps an internal bank and session of ent_a.
"""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from question_banks.models import (
    Attempt,
    Candidate,
    Category,
    ExamSession,
    PaperRule,
    PaperSection,
    Question,
    QuestionBank,
)
from question_banks.services.attempts import attempt_start
from question_banks.services.banks import bank_save, category_save
from question_banks.services.questions import question_create, question_edit, question_fix_key
from question_banks.services.rules import paper_rule_save
from question_banks.services.sessions import (
    candidate_grant,
    session_add_candidates,
    session_delete,
    session_publish,
    session_save,
)
from roster.choices import Role
from roster.groups import TRAINERS_GROUP
from roster.models import RoleGrant, TrainingBody
from roster.services.roles import role_grant_sync_groups
from tests.factories import UserFactory
from tests.question_banks.conftest import add_question

pytestmark = pytest.mark.django_db

ADMIN = "/admin/snippets/question_banks"


class Scene:
    def __init__(self, world, bank, rule, session, now):
        self.world, self.bank, self.rule, self.session, self.now = world, bank, rule, session, now
        self.category = Category.objects.create(bank=bank, name="法律法规")
        self.question = bank.questions.order_by("pk").first()
        # The neighbouring county's training body, its trainer, bank, rule and open session.
        self.other_body = TrainingBody.objects.create(
            name="白石县培训中心", region=world.other_county
        )
        self.other_trainer = UserFactory(username="trainer_other")
        RoleGrant.objects.create(
            user=self.other_trainer,
            role=Role.TRAINER,
            region=world.other_county,
            training_body=self.other_body,
        )
        self.other_bank = QuestionBank.objects.create(
            code="BS", name="白石县题库", training_body=self.other_body
        )
        for _ in range(3):
            add_question(self.other_bank, "judge")
        self.other_category = Category.objects.create(bank=self.other_bank, name="基础")
        self.other_question = self.other_bank.questions.order_by("pk").first()
        self.other_rule = PaperRule.objects.create(
            code="BS-R", name="白石县规则", bank=self.other_bank, pass_mark=80
        )
        PaperSection.objects.create(
            rule=self.other_rule,
            position=0,
            qtype="judge",
            points_each=Decimal(10),
            easy_count=0,
            medium_count=3,
        )
        self.other_session = ExamSession.objects.create(
            code="BS-S",
            name="白石县考试",
            rule=self.other_rule,
            is_published=True,
            opens_at=now - dt.timedelta(hours=1),
            closes_at=now + dt.timedelta(hours=3),
            pass_mark=Decimal(80),
            training_body=self.other_body,
            region=world.other_county,
        )
        # A colleague of the world's trainer (same body) who works in township A.
        self.colleague = UserFactory(username="trainer_a")
        RoleGrant.objects.create(
            user=self.colleague,
            role=Role.TRAINER,
            region=world.township_a,
            training_body=world.trainer_body,
        )
        # ent_a's internal bank and session, kept by its enterprise admin.
        self.internal_bank = QuestionBank.objects.create(
            code="ENT", name="机械厂内部题库", enterprise=world.ent_a
        )
        for _ in range(3):
            add_question(self.internal_bank, "judge")
        self.internal_rule = PaperRule.objects.create(
            code="ENT-R", name="内部规则", bank=self.internal_bank
        )
        self.internal_session = ExamSession.objects.create(
            code="ENT-S",
            name="内部考试",
            rule=self.internal_rule,
            opens_at=now + dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=2),
            enterprise=world.ent_a,
            region=world.township_a,
        )
        for user in (world.trainer, self.other_trainer, self.colleague):
            role_grant_sync_groups(user=user)  # what the role-grant admin does

    def client(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def objects(self, kind: str, whose: str):
        own = {
            "questionbank": self.bank,
            "category": self.category,
            "question": self.question,
            "paperrule": self.rule,
            "examsession": self.session,
        }
        other = {
            "questionbank": self.other_bank,
            "category": self.other_category,
            "question": self.other_question,
            "paperrule": self.other_rule,
            "examsession": self.other_session,
        }
        return (own if whose == "own" else other)[kind]


@pytest.fixture
def scene(world, bank, rule, session, now):
    return Scene(world, bank, rule, session, now)


KINDS = ["questionbank", "category", "question", "paperrule", "examsession"]


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def session_form(session: ExamSession, **changes) -> dict:
    """The admin's edit form of a session as the page would post it, with changes."""
    data = {
        "code": session.code,
        "name": session.name,
        "rule": session.rule_id,
        "mode": session.mode,
        "opens_at": _local(session.opens_at),
        "closes_at": _local(session.closes_at),
        "duration_minutes": session.duration_minutes or "",
        "grace_seconds": session.grace_seconds,
        "attempts_allowed": session.attempts_allowed,
        "score_policy": session.score_policy,
        "pass_mark": session.pass_mark if session.pass_mark is not None else "",
        "show_result": session.show_result,
        "show_answers": session.show_answers,
        "closes_practice": "unknown",
        "access_code": session.access_code,
        "allowed_networks": session.allowed_networks,
        "region": session.region_id or "",
        "certificate_type_code": session.certificate_type_code,
    }
    data.update(changes)
    return data


# ---------------------------------------------------------------- the attack as reported


def test_trainer_of_one_county_cannot_zero_the_pass_mark_of_anothers_open_session(scene):
    trainer = scene.client(scene.world.trainer)
    url = f"{ADMIN}/examsession/edit/{scene.other_session.pk}/"
    response = trainer.post(url, session_form(scene.other_session, pass_mark="0"))
    assert response.status_code in (403, 404)
    scene.other_session.refresh_from_db()
    assert scene.other_session.pass_mark == Decimal(80)


def test_the_same_attack_on_the_service_is_refused(scene):
    scene.other_session.pass_mark = Decimal(0)
    with pytest.raises(PermissionDenied):
        session_save(actor=scene.world.trainer, session=scene.other_session)
    assert ExamSession.objects.get(pk=scene.other_session.pk).pass_mark == Decimal(80)


# ---------------------------------------------------------------- lists


@pytest.mark.parametrize("kind", KINDS)
def test_a_trainer_lists_only_their_bodys_objects(scene, kind):
    page = scene.client(scene.world.trainer).get(f"{ADMIN}/{kind}/")
    assert page.status_code == 200
    listed = set(page.context["object_list"])
    assert scene.objects(kind, "own") in listed
    assert scene.objects(kind, "other") not in listed
    assert not {scene.internal_bank, scene.internal_session} & listed


@pytest.mark.parametrize("kind", KINDS)
def test_the_other_countys_trainer_lists_only_theirs(scene, kind):
    listed = set(scene.client(scene.other_trainer).get(f"{ADMIN}/{kind}/").context["object_list"])
    assert scene.objects(kind, "other") in listed
    assert scene.objects(kind, "own") not in listed


@pytest.mark.parametrize("kind", KINDS)
def test_the_system_admin_lists_everything(scene, kind):
    listed = set(
        scene.client(scene.world.system_admin).get(f"{ADMIN}/{kind}/").context["object_list"]
    )
    assert {scene.objects(kind, "own"), scene.objects(kind, "other")} <= listed


@pytest.mark.parametrize("kind", KINDS)
def test_an_enterprise_admin_has_no_exam_admin_screens(scene, kind):
    response = scene.client(scene.world.enterprise_admin).get(f"{ADMIN}/{kind}/")
    assert response.status_code in (302, 403)


def test_an_enterprise_admin_given_the_screens_sees_only_their_enterprises(scene):
    admin = scene.world.enterprise_admin
    admin.groups.add(Group.objects.get(name=TRAINERS_GROUP))
    client = scene.client(admin)
    assert set(client.get(f"{ADMIN}/questionbank/").context["object_list"]) == {scene.internal_bank}
    assert set(client.get(f"{ADMIN}/examsession/").context["object_list"]) == {
        scene.internal_session
    }
    assert client.get(f"{ADMIN}/questionbank/edit/{scene.bank.pk}/").status_code == 404
    assert client.get(f"{ADMIN}/questionbank/edit/{scene.internal_bank.pk}/").status_code == 200


def test_the_bank_filter_offers_only_own_banks(scene):
    page = scene.client(scene.world.trainer).get(f"{ADMIN}/question/")
    choices = set(page.context["filters"].form.fields["bank"].queryset)
    assert scene.bank in choices and scene.other_bank not in choices


# ---------------------------------------------------------------- edit, delete and the rest


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("view", ["edit", "delete", "usage", "history"])
def test_pages_of_another_bodys_objects_are_not_found(scene, kind, view):
    obj = scene.objects(kind, "other")
    client = scene.client(scene.world.trainer)
    assert client.get(f"{ADMIN}/{kind}/{view}/{obj.pk}/").status_code == 404


def _open_for_editing(client, kind: str, obj) -> int:
    response = client.get(f"{ADMIN}/{kind}/edit/{obj.pk}/")
    if kind == "question":  # the admin sends a question to the workbench, which keeps versions
        assert response.status_code == 302 and response.url.startswith("/exams/banks/")
        response = client.get(response.url)
    return response.status_code


@pytest.mark.parametrize("kind", KINDS)
def test_own_objects_open_for_editing(scene, kind):
    obj = scene.objects(kind, "own")
    assert _open_for_editing(scene.client(scene.world.trainer), kind, obj) == 200


@pytest.mark.parametrize("kind", ["questionbank", "category", "paperrule", "examsession"])
def test_copying_another_bodys_object_is_refused(scene, kind):
    obj = scene.objects(kind, "other")
    response = scene.client(scene.world.trainer).get(f"{ADMIN}/{kind}/copy/{obj.pk}/")
    assert response.status_code in (403, 404)


@pytest.mark.parametrize("kind", KINDS)
def test_deleting_another_bodys_object_is_refused_and_it_stays(scene, kind):
    obj = scene.objects(kind, "other")
    response = scene.client(scene.world.trainer).post(f"{ADMIN}/{kind}/delete/{obj.pk}/")
    assert response.status_code == 404
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_bulk_deleting_another_bodys_object_is_refused_and_it_stays(scene, kind):
    obj = scene.objects(kind, "other")
    client = scene.client(scene.world.trainer)
    client.post(f"/admin/bulk/question_banks/{kind}/delete/?id={obj.pk}", {})
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize(
    "kind, deletable",
    [
        ("category", True),
        ("question", True),  # on no paper yet
        ("examsession", True),  # nobody has started it
        ("paperrule", False),  # the session uses it
        ("questionbank", False),  # it has a paper rule
    ],
)
def test_a_trainer_deletes_their_own_objects_that_nothing_depends_on(scene, kind, deletable):
    obj = scene.objects(kind, "own")
    response = scene.client(scene.world.trainer).post(f"{ADMIN}/{kind}/delete/{obj.pk}/")
    assert response.status_code in (302, 403)
    assert type(obj).objects.filter(pk=obj.pk).exists() is not deletable


@pytest.mark.parametrize("kind", KINDS)
def test_the_system_admin_opens_everyones_objects(scene, kind):
    client = scene.client(scene.world.system_admin)
    for whose in ("own", "other"):
        obj = scene.objects(kind, whose)
        assert _open_for_editing(client, kind, obj) == 200


def test_a_session_someone_started_cannot_be_deleted_even_by_its_owner(scene, world):
    attempt_start(session=scene.session, person=world.person_a, client_id="c")
    client = scene.client(world.trainer)
    refused = client.post(f"{ADMIN}/examsession/delete/{scene.session.pk}/")
    # Wagtail answers a refusal in its admin by sending the user to the dashboard, with why.
    assert (refused.status_code, refused.get("Location")) in ((403, None), (302, "/admin/"))
    assert ExamSession.objects.filter(pk=scene.session.pk).exists()
    with pytest.raises(ValidationError):
        session_delete(actor=world.system_admin, session=scene.session)


@pytest.mark.parametrize("kind", ["questionbank", "paperrule", "examsession"])
def test_the_chooser_offers_only_own_objects(scene, kind):
    client = scene.client(scene.world.trainer)
    page = client.get(f"/admin/snippets/choose/question_banks/{kind}/")
    assert page.status_code == 200
    listed = {str(o.pk) for o in page.context["results"]}
    assert str(scene.objects(kind, "own").pk) in listed
    assert str(scene.objects(kind, "other").pk) not in listed
    other = scene.objects(kind, "other").pk
    chosen = client.get(f"/admin/snippets/choose/question_banks/{kind}/chosen/{other}/")
    assert chosen.status_code == 404


# ---------------------------------------------------------------- regions within one body


def test_a_colleague_of_the_same_body_shares_its_banks_but_not_another_townships_session(scene):
    colleague = scene.client(scene.colleague)  # township A
    assert colleague.get(f"{ADMIN}/questionbank/edit/{scene.bank.pk}/").status_code == 200
    assert colleague.get(f"{ADMIN}/examsession/edit/{scene.session.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        candidate_grant(
            candidate=Candidate.objects.get(session=scene.session),
            actor=scene.colleague,
            reason="设备故障",
            extra_minutes=10,
        )


# ---------------------------------------------------------------- creating


def test_a_new_bank_belongs_to_the_trainers_body(scene):
    client = scene.client(scene.world.trainer)
    response = client.post(f"{ADMIN}/questionbank/add/", {"code": "NEWB", "name": "新题库"})
    assert response.status_code == 302, response.content.decode()[:1500]
    bank = QuestionBank.objects.get(code="NEWB")
    assert bank.training_body == scene.world.trainer_body and bank.owner == scene.world.trainer


def test_a_trainer_cannot_pick_a_foreign_bank_for_a_new_rule(scene):
    from tests.question_banks.test_admin import rule_post

    client = scene.client(scene.world.trainer)
    form = client.get(f"{ADMIN}/paperrule/add/").context["form"]
    assert set(form.fields["bank"].queryset) == {scene.bank}
    response = client.post(f"{ADMIN}/paperrule/add/", rule_post(scene.other_bank, 1))
    assert response.status_code == 200
    assert not PaperRule.objects.filter(code="NEW").exists()


def test_a_trainer_cannot_pick_another_bodys_rule_or_region_for_a_new_session(scene):
    client = scene.client(scene.world.trainer)
    form = client.get(f"{ADMIN}/examsession/add/").context["form"]
    assert set(form.fields["rule"].queryset) == {scene.rule}
    assert scene.world.other_county not in set(form.fields["region"].queryset)
    new = ExamSession(
        code="NEW", name="新场次", opens_at=scene.now, closes_at=scene.now + dt.timedelta(hours=2)
    )
    for rule, region in (
        (scene.other_rule, scene.world.township_b),
        (scene.rule, scene.world.other_county),
    ):
        data = session_form(new, rule=rule.pk, region=region.pk)
        response = client.post(f"{ADMIN}/examsession/add/", data)
        assert response.status_code == 200
        assert not ExamSession.objects.filter(code="NEW").exists()
    response = client.post(
        f"{ADMIN}/examsession/add/",
        session_form(new, rule=scene.rule.pk, region=scene.world.township_b.pk),
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    made = ExamSession.objects.get(code="NEW")
    assert made.training_body == scene.world.trainer_body and made.region == scene.world.township_b


def test_a_rule_section_cannot_draw_from_another_banks_category(scene):
    section = scene.rule.sections.get(position=0)
    rule = PaperRule.objects.get(pk=scene.rule.pk)
    in_memory = rule.sections.all()
    for s in in_memory:
        if s.pk == section.pk:
            s.categories.set([scene.other_category])
    rule.sections.set(in_memory)
    with pytest.raises(ValidationError):
        paper_rule_save(actor=scene.world.system_admin, rule=rule)
    assert not PaperRule.objects.get(pk=scene.rule.pk).sections.get(position=0).categories.exists()


# ---------------------------------------------------------------- states


def test_an_open_sessions_pass_mark_is_locked_even_for_its_owner(scene):
    client = scene.client(scene.world.trainer)
    url = f"{ADMIN}/examsession/edit/{scene.session.pk}/"
    assert client.get(url).context["form"].fields["pass_mark"].disabled
    client.post(url, session_form(scene.session, pass_mark="0", name="改名后的考试"))
    scene.session.refresh_from_db()
    assert scene.session.pass_mark is None and scene.session.name == "改名后的考试"
    scene.session.pass_mark = Decimal(0)
    with pytest.raises(ValidationError) as refused:
        session_save(actor=scene.world.trainer, session=scene.session)
    assert "pass_mark" in refused.value.error_dict


def test_the_window_is_locked_once_someone_has_started(scene, world):
    session = scene.session
    session.closes_at += dt.timedelta(hours=1)
    session_save(actor=world.trainer, session=session)  # open, but nobody has started yet
    attempt_start(session=session, person=world.person_a, client_id="c")
    session.closes_at += dt.timedelta(hours=1)
    with pytest.raises(ValidationError) as refused:
        session_save(actor=world.trainer, session=session)
    assert "closes_at" in refused.value.error_dict


def test_a_rule_in_use_keeps_everything_but_its_name(scene):
    rule = PaperRule.objects.get(pk=scene.rule.pk)  # the open session uses it
    rule.pass_mark = Decimal(0)
    with pytest.raises(ValidationError):
        paper_rule_save(actor=scene.world.trainer, rule=rule)
    rule = PaperRule.objects.get(pk=scene.rule.pk)
    rule.name = "新名称"
    paper_rule_save(actor=scene.world.trainer, rule=rule)
    assert PaperRule.objects.get(pk=rule.pk).pass_mark == Decimal(80)


def test_a_draft_session_of_ones_own_may_change_its_pass_mark(scene, world):
    draft = scene.session
    draft.is_published = False
    draft.save()
    draft.pass_mark = Decimal(60)
    session_save(actor=world.trainer, session=draft)
    assert ExamSession.objects.get(pk=draft.pk).pass_mark == Decimal(60)


# ---------------------------------------------------------------- the services refuse directly


def test_services_refuse_an_out_of_scope_trainer(scene, world):
    other = scene.other_trainer
    candidate = Candidate.objects.get(session=scene.session)
    calls = [
        lambda: session_publish(session=scene.session, actor=other),
        lambda: session_add_candidates(session=scene.session, actor=other, people=[world.person_b]),
        lambda: candidate_grant(candidate=candidate, actor=other, reason="故障", extra_attempts=3),
        lambda: question_create(
            bank=scene.bank,
            qtype="judge",
            stem="新题",
            actor=other,
            options=[{"key": "A", "correct": True}, {"key": "B"}],
        ),
        lambda: question_edit(question=scene.question, actor=other, difficulty=3),
        lambda: question_fix_key(
            question=scene.question, right_keys=["B"], actor=other, reason="x"
        ),
        lambda: paper_rule_save(actor=other, rule=PaperRule.objects.get(pk=scene.rule.pk)),
        lambda: bank_save(actor=other, bank=QuestionBank.objects.get(pk=scene.bank.pk)),
        lambda: category_save(actor=other, category=Category(bank=scene.bank, name="新分类")),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    candidate.refresh_from_db()
    assert candidate.extra_attempts == 0
    assert not Category.objects.filter(name="新分类").exists()
    assert Question.objects.get(pk=scene.question.pk).difficulty == scene.question.difficulty


def test_services_refuse_an_enterprise_admin_on_a_bodys_objects_but_not_their_own(scene, world):
    admin = world.enterprise_admin
    with pytest.raises(PermissionDenied):
        question_edit(question=scene.question, actor=admin, difficulty=3)
    with pytest.raises(PermissionDenied):
        session_save(actor=admin, session=ExamSession.objects.get(pk=scene.session.pk))
    question = scene.internal_bank.questions.first()
    question_edit(question=question, actor=admin, difficulty=3)
    internal = ExamSession.objects.get(pk=scene.internal_session.pk)
    internal.name = "内部考试（改）"
    session_save(actor=admin, session=internal)
    assert ExamSession.objects.get(pk=internal.pk).name == "内部考试（改）"


def test_an_internal_session_cannot_use_a_bodys_rule(scene, world):
    internal = ExamSession.objects.get(pk=scene.internal_session.pk)
    internal.rule = scene.rule
    with pytest.raises(ValidationError):
        session_save(actor=world.system_admin, session=internal)


def test_the_system_admin_may_change_every_session_not_yet_open(scene, world):
    internal = ExamSession.objects.get(pk=scene.internal_session.pk)
    internal.pass_mark = Decimal(70)
    session_save(actor=world.system_admin, session=internal)
    assert ExamSession.objects.get(pk=internal.pk).pass_mark == Decimal(70)


def test_a_trainer_adds_only_people_their_roster_reaches(scene, world):
    with pytest.raises(PermissionDenied):
        session_add_candidates(
            session=scene.session, actor=world.trainer, people=[world.person_other]
        )
    assert (
        session_add_candidates(session=scene.session, actor=world.trainer, people=[world.person_b])
        == 1
    )


# ---------------------------------------------------------------- the upgrade of existing rows


def _migration(app: str, name: str):
    return importlib.import_module(f"{app}.migrations.{name}")


def test_existing_trainers_banks_and_sessions_get_owners_on_upgrade(world, now):
    grant = RoleGrant.objects.get(user=world.trainer)
    grant.training_body = None
    grant.save()
    made = QuestionBank.objects.create(code="OLD", name="旧题库", owner=world.trainer)
    rule = PaperRule.objects.create(code="OLD-R", name="旧规则", bank=made)
    old = ExamSession.objects.create(
        code="OLD-S", name="旧考试", rule=rule, opens_at=now, closes_at=now + dt.timedelta(hours=1)
    )
    internal = ExamSession.objects.create(
        code="OLD-E",
        name="旧内部考试",
        rule=rule,
        opens_at=now,
        closes_at=now + dt.timedelta(hours=1),
        enterprise=world.ent_a,
    )
    _migration("roster", "0010_trainer_grants_name_a_body").name_bodies(apps, None)
    _migration("question_banks", "0004_owners_of_existing_banks_and_sessions").assign(apps, None)
    grant.refresh_from_db()
    body = grant.training_body
    assert body is not None and body.region == world.township_b
    made.refresh_from_db()
    old.refresh_from_db()
    internal.refresh_from_db()
    assert made.training_body == body
    assert (old.training_body, old.region) == (body, world.township_b)
    assert (internal.training_body, internal.region) == (None, world.ent_a.region)


def test_a_draft_with_papers_drawn_ahead_may_still_change(scene, world):
    # Predrawn papers (READY) are not results: a draft with them may still change.
    Attempt.objects.create(
        person=world.person_a, session=scene.session, rule=scene.rule, seed=1, status="ready"
    )
    session = scene.session
    session.is_published = False
    session.save()
    session.duration_minutes = 30
    session_save(actor=world.trainer, session=session)
    assert ExamSession.objects.get(pk=session.pk).duration_minutes == 30
