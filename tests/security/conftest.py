"""The scene of the security tests: the shared world, the users of the wrong scope it lacks,
and real objects of every kind a URL can name, built lazily so each test pays for what it uses."""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cached_property

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from roster.choices import Role
from roster.models import RoleGrant
from tests.factories import UserFactory, exams_elsewhere
from tests.question_banks.conftest import bank, now, rule, session  # noqa: F401

# Rows these tables gain from reading alone (audit of staff reads, verify log); every other
# row of the project's apps must stay as it was after a refused request.
_READ_LOGS = {"roster.auditlog", "certificates.verification"}
_APPS = (
    "roster",
    "courses",
    "question_banks",
    "certificates",
    "reports",
    "notices",
    "drills",
    "campaigns",
    "contests",
    "auth",
)

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def database_fingerprint() -> dict[str, str]:
    """A digest of every row of the project's tables (the test world is small)."""
    digest = {}
    for config in _APPS:
        for model in apps.get_app_config(config).get_models():
            if model._meta.label_lower in _READ_LOGS or model._meta.proxy:
                continue
            rows = model._base_manager.order_by("pk").values_list()
            digest[model._meta.label_lower] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return digest


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(k for k in after if before.get(k) != after[k])


class Scene:
    """`world` plus: another enterprise's admin, another county's regulator, another trainee,
    and (on first use) an exam session with attempts, a certificate, a training plan, a
    classroom session, a violation record and a PDF batch, all of person_a at ent_a."""

    def __init__(self, world, exam_session, exam_rule, exam_bank):
        self.world = world
        self.session = exam_session
        self.rule = exam_rule
        self.bank = exam_bank
        self._clients: dict[str, Client] = {}
        w = world
        self.admin_b = UserFactory(username="admin_b")
        RoleGrant.objects.create(user=self.admin_b, role=Role.ENTERPRISE_ADMIN, enterprise=w.ent_b)
        self.regulator_other = UserFactory(username="regulator_other")
        RoleGrant.objects.create(
            user=self.regulator_other, role=Role.REGULATOR, region=w.other_county
        )
        self.trainee_b = UserFactory(username=w.person_b.id_number, person=w.person_b)
        self.users = {
            "trainee": w.trainee,
            "trainee_b": self.trainee_b,
            "admin": w.enterprise_admin,
            "admin_b": self.admin_b,
            "regulator": w.regulator_county,
            "regulator_chem": w.regulator_township_chem,
            "regulator_other": self.regulator_other,
            "trainer": w.trainer,
            "sysadmin": w.system_admin,
            "nobody": w.no_role,
        }

    def client(self, who: str) -> Client:
        """A client signed in as `who` ("anon": signed out), pages in English."""
        if who not in self._clients:
            client = Client(HTTP_ACCEPT_LANGUAGE="en")
            if who != "anon":
                client.force_login(self.users[who])
            self._clients[who] = client
        return self._clients[who]

    # -- exams --------------------------------------------------------------------------

    @cached_property
    def attempt(self):
        """person_a's attempt in the session, in progress on client "tab-1"."""
        from question_banks.services.attempts import attempt_start

        return attempt_start(session=self.session, person=self.world.person_a, client_id="tab-1")

    @cached_property
    def mock_attempt(self):
        """A mock exam of person_a in progress, claimed by no client yet."""
        from question_banks.services.attempts import mock_start

        return mock_start(person=self.world.person_a, rule=self.rule)

    @cached_property
    def finished_attempt(self):
        """A mock exam of person_a, submitted."""
        from question_banks.services.attempts import attempt_submit, mock_start

        attempt = mock_start(person=self.world.person_a, rule=self.rule)
        return attempt_submit(attempt=attempt, person_id=attempt.person_id, client_id="")

    @cached_property
    def question(self):
        return self.bank.questions.filter(qtype="single").order_by("pk").first()

    # -- certificates -------------------------------------------------------------------

    @cached_property
    def certificate(self):
        from certificates.models import CertificateType
        from certificates.services.issuing import certificate_issue

        return certificate_issue(
            person=self.world.person_a,
            ctype=CertificateType.objects.get(code="TZ-DG"),
            actor=self.world.system_admin,
            on=timezone.localdate() - dt.timedelta(days=30),
            elsewhere=exams_elsewhere(timezone.localdate() - dt.timedelta(days=30)),
        )

    @cached_property
    def theory_pass(self):
        """person_a's passed theory exam for 低压电工 (TZ-DG) yesterday: a practical exam may
        be recorded on it."""
        from question_banks.models import Attempt, ExamSession

        at = timezone.now()
        theory = ExamSession.objects.create(
            code="S-TZ-DG",
            name="低压电工理论考试（走查）",
            rule=self.rule,
            is_published=True,
            opens_at=at - dt.timedelta(days=2),
            closes_at=at - dt.timedelta(days=1),
            training_body=self.world.trainer_body,
            region=self.world.township_b,
            certificate_type_code="TZ-DG",
        )
        return Attempt.objects.create(
            person=self.world.person_a,
            session=theory,
            rule=self.rule,
            seed=1,
            status=Attempt.Status.SUBMITTED,
            finished_at=at - dt.timedelta(days=1),
            score=90,
            total_points=100,
            passed=True,
        )

    @cached_property
    def batch(self):
        from certificates.models import PdfBatch

        batch = PdfBatch.objects.create(
            requested_by=self.world.enterprise_admin,
            title="ent_a",
            certificate_ids=[self.certificate.pk],
            status=PdfBatch.Status.DONE,
            total=1,
            done=1,
        )
        batch.file.save("batch.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
        return batch

    @cached_property
    def notification(self):
        from certificates.services.notifications import notification_send

        return notification_send(user=self.world.trainee, title="复审提醒")

    # -- roster -------------------------------------------------------------------------

    @cached_property
    def transfer(self):
        """ent_b's admin asks for person_a, who works at ent_a: a pending transfer request."""
        from roster.choices import PersonnelCategory
        from roster.services import PersonData
        from roster.services.transfers import person_transfer_request

        w = self.world
        transfer, _created = person_transfer_request(
            actor=self.admin_b,
            data=PersonData(
                id_number=w.person_a.id_number,
                name=w.person_a.name,
                enterprise=w.ent_b,
                category=PersonnelCategory.GENERAL,
            ),
        )
        return transfer

    # -- courses ------------------------------------------------------------------------

    @cached_property
    def course(self):
        from tests.courses.test_plans import make_course

        return make_course()

    @cached_property
    def lesson(self):
        from courses.models import LessonPage

        return LessonPage.objects.child_of(self.course).order_by("pk").first()

    @cached_property
    def plan(self):
        from courses.models import TrainingPlan
        from courses.services.plans import plan_create
        from roster.choices import PersonnelCategory

        return plan_create(
            enterprise=self.world.ent_a,
            title="2025年全员培训",
            courses=[self.course],
            target=TrainingPlan.Target.CATEGORY,
            personnel_category=PersonnelCategory.GENERAL,
            due_on=dt.date(2030, 1, 1),
            actor=self.world.enterprise_admin,
        ).plan

    @cached_property
    def classroom(self):
        from decimal import Decimal

        from courses.services.classroom import SessionData, classroom_record

        return classroom_record(
            enterprise=self.world.ent_a,
            data=SessionData(
                title="消防安全培训",
                training_kind="retraining",
                held_on=dt.date(2025, 4, 1),
                hours=Decimal("2.0"),
                trainer="王老师",
            ),
            attendees=[self.world.person_a],
            sign_in_sheet=SimpleUploadedFile("sheet.pdf", PDF, content_type="application/pdf"),
            actor=self.world.enterprise_admin,
        )

    @cached_property
    def violation(self):
        from courses.services.records import violation_record

        return violation_record(
            person=self.world.person_a,
            enterprise=self.world.ent_a,
            violation="违章操作",
            off_job_from=timezone.localdate() - dt.timedelta(days=3),
            exam_session=self.session,
            actor=self.world.enterprise_admin,
        )

    # -- notices and the library ----------------------------------------------------------

    @cached_property
    def notice(self):
        """The county regulator's notice to township A's 工贸 enterprises and their people
        (ent_a: admin and person_a read it), to be acknowledged, with a PDF attached."""
        from notices.models import Notice
        from notices.services import NoticeData, notice_publish
        from roster.models import Industry

        moment = timezone.now()
        return notice_publish(
            actor=self.world.regulator_county,
            data=NoticeData(
                kind=Notice.Kind.REGIONAL,
                title="关于开展隐患排查的通知",
                body="请各企业开展隐患排查。",
                publish_from=moment - dt.timedelta(hours=1),
                must_acknowledge=True,
                ack_deadline=moment + dt.timedelta(days=3),
                region=self.world.township_a,
                industries=[Industry.objects.get(code="07")],
                include_staff=True,
            ),
            uploads=[SimpleUploadedFile("notice.pdf", PDF, content_type="application/pdf")],
        )

    @cached_property
    def knowledge_item(self):
        """ent_a's own rule in the library, for its people, with a PDF attached."""
        from notices.services import KnowledgeData, knowledge_publish

        return knowledge_publish(
            actor=self.world.enterprise_admin,
            data=KnowledgeData(
                kind="policy",
                title="动火作业管理制度",
                source="城关机械厂",
                doc_number="",
                issued_on=timezone.localdate(),
                enterprise=self.world.ent_a,
            ),
            upload=SimpleUploadedFile("rule.pdf", PDF, content_type="application/pdf"),
        )

    # -- drills ---------------------------------------------------------------------------

    @cached_property
    def drill(self):
        """A drill of ent_a, held yesterday, with person_a taking part and a photo."""
        import io

        from PIL import Image

        from drills.services import RecordData, record_save

        buffer = io.BytesIO()
        Image.new("RGB", (32, 24), "red").save(buffer, "JPEG")
        return record_save(
            actor=self.world.enterprise_admin,
            enterprise=self.world.ent_a,
            data=RecordData(
                kind="fire",
                form="live",
                held_on=timezone.localdate() - dt.timedelta(days=1),
                place="办公楼",
                duration_minutes=30,
                organiser="安全科",
                scenario="火灾疏散",
            ),
            participants=[self.world.person_a],
            evidence=[SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")],
        )

    @cached_property
    def drill_action(self):
        from drills.services import action_add

        return action_add(
            actor=self.world.enterprise_admin,
            record=self.drill,
            description="清理疏散通道",
            owner=self.world.person_a,
            due_on=self.drill.held_on + dt.timedelta(days=10),
        )

    @cached_property
    def planned_drill(self):
        from drills.services import PlannedData, planned_drill_add

        year = timezone.localdate().year
        return planned_drill_add(
            actor=self.world.enterprise_admin,
            enterprise=self.world.ent_a,
            year=year,
            data=PlannedData(
                kind="onsite", form="live", scenario="泄漏处置", planned_on=dt.date(year, 12, 1)
            ),
        )


@pytest.fixture
def scene(world, session, rule, bank):  # noqa: F811
    return Scene(world, session, rule, bank)


@pytest.fixture
def signed_in(scene):
    """Every user of the scene signed in before the test: signing in writes the user's
    last_login, which must not count as a write of the request under test."""
    for who in (*scene.users, "anon"):
        scene.client(who)
    return scene
