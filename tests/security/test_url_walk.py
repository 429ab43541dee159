"""Walk every URL pattern of the project and prove who it refuses (ARCHITECTURE.md rule 7).

`django.urls.get_resolver()` is walked recursively, the JSON API's patterns included (Django
Ninja registers each operation as a URL pattern under /api/). Each pattern must be either in
PUBLIC (with the reason it is public) or in PROTECTED (with real objects to fill its path, a
user who may use it, and users of the wrong scope); a new URL that is in neither fails
`test_every_url_pattern_is_public_or_protected`, so nothing slips through unreviewed.

For each protected URL:
- anonymous GET and POST (and PATCH for the API) are refused: a redirect to the sign-in page,
  401 or 403 (405 where the method does not exist), never 200 and never 500;
- the user who may use it gets it (so the refusals below are not an artefact of a bad URL);
- users of the wrong scope (another county's regulator, another enterprise's admin, a
  trainee who is not the owner, …) get 403 or 404, for GET and for POST;
- a refused POST changes no row of the project's tables (the POST body is one that does
  change something when the right user sends it, where that is marked `effective`).

CSRF is not what is tested here (the test client skips it, so refusals come from the views'
own checks). /admin/ is Wagtail's, with its own permissions: only the sign-in redirect is
checked. Every HTML page served in the walk must also work under the site's CSP: no inline
scripts, no on…= handlers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from certificates.models import CertificateType
from tests.factories import EmploymentFactory

from .conftest import Scene, changed_tables, database_fingerprint

pytestmark = pytest.mark.django_db

# --------------------------------------------------------------------------- the public


# URL name -> why anyone may open it, and a URL to check that it answers (not 500, no login).
PUBLIC: dict[str, tuple[str, str]] = {
    "healthz": ("the load balancer's liveness probe: says 'ok', nothing else", "/healthz"),
    "readyz": ("the readiness probe: database and cache up or not, no data", "/readyz"),
    "login": ("the sign-in page (throttled)", "/accounts/login/"),
    "logout": ("signing out; a signed-out visitor is sent to the sign-in page", ""),
    "set_language": ("the language menu, shown to signed-out visitors too", ""),
    "courses:search": (
        "search over published courses and warning cases: the pages /learn/ shows anyone",
        "/courses/search/?q=安全",
    ),
    "certificates_public:verify": ("a certificate QR's verify page", "/verify/NOT-A-TOKEN"),
    "certificates_public:verify_upper": ("the same, as the QR upper-cases it", "/VERIFY/X"),
    "certificates_public:keys": (
        "public keys for offline verifiers",
        "/.well-known/certificate-keys.json",
    ),
    "certificates_public:status_list": (
        "signed status list for offline verifiers",
        "/.well-known/certificate-status-list",
    ),
    "certificates_public:status_list_short": (
        "the same signed status list at the address the QR's status claim names",
        "/sl",
    ),
    "api:certificate_verify": ("the verify result as JSON", "/api/verify/NOT-A-TOKEN"),
    "api:openapi-json": ("the API's OpenAPI document: the shape of the API, no data", ""),
    "api:openapi-view": ("the API's documentation page (Swagger UI), no data", "/api/docs/"),
    "api:api-root": ("Ninja's catch-all for /api/ itself: no endpoint, no data", "/api/"),
    "wagtail_serve": (
        "Wagtail's content pages under /learn/ (courses, lessons, warning cases); "
        "page privacy is Wagtail's own",
        "/learn/",
    ),
    "wagtailcore_login": ("Wagtail's sign-in for private pages (throttled)", ""),
    "wagtailcore_authenticate_with_password": ("password form of a private Wagtail page", ""),
    "wagtaildocs_serve": ("Wagtail documents; collection privacy is Wagtail's own", ""),
    "wagtaildocs_authenticate_with_password": ("password form of a private document", ""),
}
# Static files are served by whitenoise before any URL pattern; /media/ only with DEBUG.


def _campaigns(s: Scene) -> dict:
    """A warning case assigned by the county to ent_a (person_a reads it), a meeting and a
    campaign-month activity of ent_a, and the county's rotation campaign with a session."""
    found = getattr(s, "_campaign_objects", None)
    if found is not None:
        return found
    from decimal import Decimal

    from wagtail.models import Site

    from campaigns.services.months import month_activity_record
    from campaigns.services.rotation import campaign_session_create, rotation_campaign_create
    from campaigns.services.warning import warning_assignment_create, warning_meeting_record
    from courses.models import WarningCaseIndexPage, WarningCasePage
    from roster.models import Industry

    w = s.world
    today = timezone.localdate()
    root = Site.objects.get(is_default_site=True).root_page
    index = WarningCaseIndexPage(title="警示教育（走查）", slug="walk-cases")
    root.add_child(instance=index)
    case = WarningCasePage(
        title="走查用事故案例",
        slug="walk-case",
        occurred_on=dt.date(2024, 1, 1),
        place="示范市",
        industry=Industry.objects.get(code="07"),
        summary="案例。",
        direct_cause="<p>原因。</p>",
        root_cause="<p>原因。</p>",
        lessons="<p>教训。</p>",
    )
    index.add_child(instance=case)
    assignment = warning_assignment_create(
        actor=w.regulator_county,
        case=case,
        enterprises=[w.ent_a],
        due_on=today + dt.timedelta(days=30),
    )
    warning_meeting_record(
        actor=w.enterprise_admin,
        enterprise=w.ent_a,
        held_on=today,
        topic="警示教育会",
        cases=[case],
        attendees=[w.person_a],
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    activity = month_activity_record(
        actor=w.enterprise_admin,
        enterprise=w.ent_a,
        month="safety",
        title="安全生产月咨询日",
        held_on=today,
        participants=[w.person_a],
        files=[SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n")],
    )
    campaign = rotation_campaign_create(
        actor=w.regulator_county,
        title="集中轮训（走查）",
        region=w.county,
        industries=[],
        categories=["general"],
        target_rate=Decimal(1),
        starts_on=today,
        ends_on=today + dt.timedelta(days=100),
    )
    session = campaign_session_create(
        actor=w.regulator_county,
        campaign=campaign,
        kind="classroom",
        title="第一期",
        held_on=today,
        place="会议室",
        capacity=50,
    )
    found = {
        "case": case,
        "assignment": assignment,
        "reading": assignment.assignees.get(person=w.person_a),
        "campaign": campaign,
        "session": session,
        "evidence": activity.evidence.get(),
    }
    s._campaign_objects = found
    return found


# Users who may not reach ent_a's warning education or the county's campaign.
NOT_COUNTY_CAMPAIGN = ("regulator_other", "trainee", "nobody")


# --------------------------------------------------------------------------- the protected


@dataclass(frozen=True)
class Spec:
    url: Callable[[Scene], str]
    right: str  # a user who may use it
    wrong: tuple[str, ...] = ()  # users who must get 403/404 (wrong scope or role)
    read_only: tuple[str, ...] = ()  # users who may read it but whose writes are refused
    methods: tuple[str, ...] = ("GET", "POST")  # what the view accepts
    data: Callable[[Scene], dict] | None = None  # a POST/PATCH body that changes something
    effective: bool = False  # the right user's write changes the database
    right_status: tuple[int, ...] = (200,)
    api: bool = False
    multipart: bool = False  # an API endpoint taking a form with a file
    wrong_status: tuple[int, ...] = (403, 404)
    prepare: Callable[[Scene], object] | None = None  # objects the URL does not name
    notes: str = ""


# Users of the wrong scope for person_a's records at ent_a (township A, general industry).
NOT_PERSON_A = ("admin_b", "regulator_other", "regulator_chem", "trainer", "trainee_b", "nobody")
# For pages of staff roles: people without one.
NO_STAFF_ROLE = ("trainee", "nobody")
NOT_ATTEMPT_OWNER = ("trainee_b", "admin", "regulator", "sysadmin", "nobody")


def _special_operator_job(s: Scene):
    """A 特种作业人员 at ent_a whose post names no operation item (made once)."""
    job = getattr(s, "_special_operator_job", None)
    if job is None:
        job = EmploymentFactory(
            enterprise=s.world.ent_a, post="设备维护员", category="special_operator"
        )
        s._special_operator_job = job
    return job


def _question_import_job(s: Scene):
    """A checked question upload of the trainer's into the scene's bank (made once)."""
    job = getattr(s, "_question_import_job", None)
    if job is None:
        from question_banks.models import QuestionImportJob

        job = QuestionImportJob.objects.create(
            bank=s.bank,
            requested_by=s.users["trainer"],
            filename="q.txt",
            fmt="aiken",
            data=b"Q?\nA. x\nB. y\nANSWER: A\n",
            status=QuestionImportJob.Status.CHECKED,
            report={"valid": 1, "errors": [], "warnings": []},
        )
        s._question_import_job = job
    return job


# Who keeps no question bank of the scene's (the trainer's body's) and no upload of its.
NOT_BANK_OWNER = ("admin", "admin_b", "regulator", "trainee", "nobody")
# Who keeps no part of the enterprise directory.
NOT_DIRECTORY_KEEPER = ("admin", "trainer", "trainee", "nobody")


def _spare_category(s: Scene):
    """A category of the scene's bank that nothing draws from, to delete (made once)."""
    if not hasattr(s, "_spare_category"):
        from question_banks.models import Category

        s._spare_category = Category.objects.create(bank=s.bank, name="可删除的知识点")
    return s._spare_category


def _internal_exam(s: Scene):
    """A draft internal exam of ent_a (admin's enterprise), made once per scene."""
    if not hasattr(s, "_internal_exam"):
        from question_banks.services.internal_exams import internal_exam_create
        from tests.question_banks.test_internal_exams import exam_data, own_bank

        s._internal_exam = internal_exam_create(
            actor=s.world.enterprise_admin,
            enterprise=s.world.ent_a,
            data=exam_data(own_bank(s.world.ent_a, code="NB-WALK")),
        )
    return s._internal_exam


NOT_ENTERPRISE_A = ("admin_b", "trainer", "regulator", "trainee", "nobody")


def _today() -> str:
    return timezone.localdate().isoformat()


def _person_form(s: Scene) -> dict:
    return {
        "name": "改名",
        "phone": "13900990009",
        "department": "",
        "post": "",
        "category": "general",
        "employment_form": "regular",
        "hire_date": "2020-03-01",
    }


def _jpeg():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(buffer, "JPEG")
    return SimpleUploadedFile("snapshot.jpg", buffer.getvalue(), content_type="image/jpeg")


def _api_answers(s: Scene) -> dict:
    item = s.attempt.items.order_by("position").first()
    option = item.version.options[0]["key"]
    return {
        "client": "tab-1",
        "answers": [{"position": item.position, "answer": [option], "seq": 1}],
    }


# For the trainer's own session and rule: an enterprise admin, regulators, trainees.
NOT_SESSION_OWNER = ("admin", "admin_b", "regulator", "regulator_other", "trainee", "nobody")


def _rule_form(s) -> dict:
    return {
        "name": "网上组卷",
        "kind": "random",
        "duration_minutes": "60",
        "pass_mark": "60",
        "partial_credit": "all",
        "sections-TOTAL_FORMS": "1",
        "sections-INITIAL_FORMS": "0",
        "sections-0-qtype": "judge",
        "sections-0-points_each": "10",
        "sections-0-easy_count": "0",
        "sections-0-medium_count": "2",
        "sections-0-hard_count": "0",
        "fixed-TOTAL_FORMS": "0",
        "fixed-INITIAL_FORMS": "0",
    }


def _session_form(s) -> dict:
    def local(value):
        return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")

    return {
        "name": "改过的场次",
        "rule": s.rule.pk,
        "mode": "online",
        "opens_at": local(s.session.opens_at),
        "closes_at": local(s.session.closes_at),
        "attempts_allowed": "3",
        "score_policy": "highest",
        "show_result": "immediately",
        "show_answers": "after_close",
    }


# --- knowledge contests: a county contest of the regulator's, an enterprise contest of ent_a


def _contest_bank(s: Scene, code: str = "JS-WALK"):
    """A bank the county's contests may draw on; a second one (code) for daily questions,
    which pause while a round on their own bank is held."""
    banks = s.__dict__.setdefault("_contest_banks", {})
    if code not in banks:
        from question_banks.models import QuestionBank
        from tests.question_banks.conftest import add_question

        bank = QuestionBank.objects.create(
            code=code,
            name="竞赛题库",
            training_body=s.world.trainer_body,
            open_to_enterprises=True,
        )
        for difficulty in (1, 2, 3):
            for _n in range(3):
                add_question(bank, "judge", difficulty)
                add_question(bank, "single", difficulty)
        banks[code] = bank
    return banks[code]


def _round_form(s: Scene, days: int = 2) -> dict:
    opens = timezone.localtime() + dt.timedelta(days=days)
    return {
        "title": "初赛",
        "kind": "timed",
        "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (opens + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 10,
        "attempts_allowed": 1,
        "bank": _contest_bank(s).pk,
        "count_judge": 3,
        "points_judge": 5,
    }


def _county_contest(s: Scene):
    """The county regulator's contest with one round that has not opened (made once)."""
    if not hasattr(s, "_county_contest"):
        from contests.services.contests import (
            ContestData,
            Part,
            RoundData,
            contest_round_save,
            contest_save,
        )

        contest = contest_save(
            actor=s.world.regulator_county,
            data=ContestData(
                name="县安康杯竞赛", organiser_region=s.world.county, organiser_enterprise=None
            ),
        )
        opens = timezone.now() + dt.timedelta(days=1)
        s._county_round = contest_round_save(
            actor=s.world.regulator_county,
            contest=contest,
            data=RoundData(
                title="预赛",
                kind="timed",
                opens_at=opens,
                closes_at=opens + dt.timedelta(hours=1),
                duration_minutes=10,
                attempts_allowed=1,
                bank=_contest_bank(s),
                parts=(Part("judge", 3, Decimal(5)),),
            ),
        )
        s._county_contest = contest
    return s._county_contest


def _enterprise_contest(s: Scene):
    """ent_a's own contest, with daily questions and a round open now (made once)."""
    if not hasattr(s, "_enterprise_contest"):
        from contests.services.contests import (
            ContestData,
            Part,
            RoundData,
            contest_round_save,
            contest_save,
        )

        contest = contest_save(
            actor=s.world.enterprise_admin,
            data=ContestData(
                name="厂内安全知识竞赛",
                organiser_region=None,
                organiser_enterprise=s.world.ent_a,
                daily_bank=_contest_bank(s, "JS-DAILY"),
                daily_parts=(Part("judge", 2, Decimal(1)),),
            ),
        )
        opens = timezone.now() + dt.timedelta(minutes=5)
        round = contest_round_save(
            actor=s.world.enterprise_admin,
            contest=contest,
            data=RoundData(
                title="第一轮",
                kind="timed",
                opens_at=opens,
                closes_at=opens + dt.timedelta(hours=1),
                duration_minutes=10,
                attempts_allowed=1,
                bank=_contest_bank(s),
                parts=(Part("single", 3, Decimal(5)),),
            ),
        )
        # Opened now: the window moved back, as the clock would have.
        session = round.session
        session.opens_at = timezone.now() - dt.timedelta(minutes=1)
        session.save(update_fields=["opens_at"])
        s._enterprise_round = round
        s._enterprise_contest = contest
    return s._enterprise_contest


NOT_COUNTY_ORGANISER = ("regulator_other", "admin", "admin_b", "trainee", "nobody")
NOT_CONTESTANT_A = ("trainee_b", "admin", "nobody")


# Outside the audience of the scene's notice (township A, 工贸, ent_a's admin and people).
NOT_NOTICE_READER = (
    "trainee_b",
    "admin_b",
    "regulator_other",
    "regulator_chem",
    "trainer",
    "nobody",
)


def _notice_form(s) -> dict:
    return {
        "kind": "regional",
        "title": "安全检查通知",
        "body": "请做好自查。",
        "region": s.world.county.pk,
        "publish_from": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }


def _year() -> int:
    return timezone.localdate().year


def _drill_form(s, **overrides) -> dict:
    data = {
        "kind": "fire",
        "form": "live",
        "held_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "place": "办公楼",
        "duration_minutes": "30",
        "organiser": "安全科",
        "scenario": "火灾疏散",
        "hours_credited": "0",
        "participants": [s.world.person_a.pk],
    }
    data.update(overrides)
    return data


def _checkin_token(s) -> str:
    from drills.services import checkin_token

    return checkin_token(s.drill)


PROTECTED: dict[str, Spec] = {
    # --- the portal and the account
    "home": Spec(lambda s: "/", right="nobody"),
    "password_change": Spec(lambda s: "/accounts/password/", right="nobody"),
    # --- roster
    "roster:list": Spec(lambda s: "/roster/", right="admin", wrong=NO_STAFF_ROLE),
    "roster:person_create": Spec(
        lambda s: "/roster/people/new/",
        right="admin",
        wrong=(*NO_STAFF_ROLE, "regulator", "trainer"),
        data=lambda s: {**_person_form(s), "id_number": "110101199003070011"},
        effective=True,
        right_status=(200, 302),
    ),
    "roster:person_detail": Spec(
        lambda s: reverse("roster:person_detail", args=[s.world.person_a.pk]),
        right="admin",
        wrong=(*NOT_PERSON_A, "trainee"),
    ),
    "roster:person_edit": Spec(
        lambda s: reverse("roster:person_edit", args=[s.world.person_a.pk]),
        right="admin",
        wrong=(*NOT_PERSON_A, "trainee", "regulator"),
        data=_person_form,
        effective=True,
        right_status=(200, 302),
    ),
    "roster:person_status": Spec(
        lambda s: reverse("roster:person_status", args=[s.world.person_a.pk]),
        right="admin",
        wrong=(*NOT_PERSON_A, "trainee", "regulator"),
        methods=("POST",),
        data=lambda s: {"status": "off_post", "effective_on": _today(), "reason": "病假"},
        effective=True,
        right_status=(302,),
    ),
    "roster:import": Spec(
        lambda s: "/roster/import/", right="admin", wrong=(*NO_STAFF_ROLE, "regulator")
    ),
    # Transfer requests: person_a (ent_a) asked for by ent_b. ent_a's admin and the county
    # regulator (over both) decide; ent_b's admin withdraws; nobody else reaches it.
    "roster:transfers": Spec(
        lambda s: "/roster/transfers/",
        right="admin",
        wrong=(*NO_STAFF_ROLE, "trainer"),
        methods=("GET",),
        prepare=lambda s: s.transfer,
    ),
    "roster:transfer_accept": Spec(
        lambda s: reverse("roster:transfer_accept", args=[s.transfer.pk]),
        right="admin",
        wrong=(*NO_STAFF_ROLE, "admin_b", "regulator_other", "regulator_chem", "trainer"),
        methods=("POST",),
        effective=True,
        right_status=(302,),
    ),
    "roster:transfer_refuse": Spec(
        lambda s: reverse("roster:transfer_refuse", args=[s.transfer.pk]),
        right="regulator",
        wrong=(*NO_STAFF_ROLE, "admin_b", "regulator_other", "regulator_chem", "trainer"),
        methods=("POST",),
        data=lambda s: {"reason": "劳动合同未到期"},
        effective=True,
        right_status=(302,),
    ),
    "roster:transfer_cancel": Spec(
        lambda s: reverse("roster:transfer_cancel", args=[s.transfer.pk]),
        right="admin_b",
        wrong=(*NO_STAFF_ROLE, "admin", "regulator", "regulator_other", "trainer"),
        methods=("POST",),
        effective=True,
        right_status=(302,),
    ),
    "roster:export": Spec(lambda s: "/roster/export.xlsx", right="admin", wrong=NO_STAFF_ROLE),
    "roster:activation_codes": Spec(
        lambda s: f"{reverse('roster:activation_codes')}?enterprise={s.world.ent_a.uscc}&all=1",
        right="admin",
        wrong=("admin_b", "regulator", "regulator_chem", "trainer", "trainee", "nobody"),
        prepare=lambda s: EmploymentFactory(enterprise=s.world.ent_a),  # one without account
        data=lambda s: {"enterprise": s.world.ent_a.uscc, "all": "1", "output": "sheet"},
        effective=True,
        notes="GET lists who would get a code; POST issues them and answers the slips",
    ),
    "roster:enterprise_list": Spec(
        lambda s: "/roster/enterprises/", right="regulator", wrong=NO_STAFF_ROLE
    ),
    "roster:enterprise_detail": Spec(
        lambda s: reverse("roster:enterprise_detail", args=[s.world.ent_a.uscc]),
        right="regulator",
        wrong=(*NOT_PERSON_A, "trainee"),
    ),
    # --- exams (the examinee's pages)
    "question_banks:mine": Spec(lambda s: "/exams/", right="trainee"),
    "question_banks:session": Spec(
        lambda s: reverse("question_banks:session", args=[s.session.code]),
        right="trainee",
        wrong=("trainee_b", "admin", "regulator", "nobody"),
        data=lambda s: {"client": "tab-9"},
        right_status=(200, 302),  # a POST starts (here: resumes) the attempt
    ),
    "question_banks:mock": Spec(
        lambda s: reverse("question_banks:mock", args=[s.rule.code]),
        right="trainee",
        wrong=("trainee_b", "admin", "nobody"),
        methods=("POST",),
        data=lambda s: {},
        effective=True,
        right_status=(302,),
    ),
    "question_banks:attempt": Spec(
        lambda s: reverse("question_banks:attempt", args=[s.attempt.pk]),
        right="trainee",
        wrong=NOT_ATTEMPT_OWNER,
    ),
    "question_banks:take_over": Spec(
        lambda s: reverse("question_banks:take_over", args=[s.attempt.pk]),
        right="trainee",
        wrong=NOT_ATTEMPT_OWNER,
        methods=("POST",),
        data=lambda s: {"client": "tab-2"},
        effective=True,
        right_status=(302,),
    ),
    "question_banks:result": Spec(
        lambda s: reverse("question_banks:result", args=[s.finished_attempt.pk]),
        right="trainee",
        wrong=NOT_ATTEMPT_OWNER,
    ),
    "question_banks:review": Spec(
        lambda s: reverse("question_banks:review", args=[s.finished_attempt.pk]),
        right="trainee",
        wrong=NOT_ATTEMPT_OWNER,
    ),
    # --- exams (staff)
    "question_banks:manage_sessions": Spec(lambda s: "/exams/manage/", right="admin"),
    "question_banks:manage_results": Spec(
        lambda s: reverse("question_banks:manage_results", args=[s.session.code]),
        right="admin",
        wrong=("admin_b", "regulator", "regulator_other", "trainee", "nobody"),
    ),
    "question_banks:manage_statistics": Spec(
        lambda s: reverse("question_banks:manage_statistics", args=[s.session.code]),
        right="trainer",
        wrong=("admin", "admin_b", "regulator", "trainee", "nobody"),
    ),
    # --- the exam workbench: the session and rule are the trainer's (township B's body)
    "question_banks:manage_rules": Spec(
        lambda s: "/exams/manage/rules/", right="trainer", wrong=("regulator", *NO_STAFF_ROLE)
    ),
    "question_banks:manage_rule_new": Spec(
        lambda s: f"/exams/manage/rules/new/?bank={s.bank.pk}",
        right="trainer",
        wrong=NOT_SESSION_OWNER,
        data=_rule_form,
        effective=True,
        right_status=(200, 302),
    ),
    "question_banks:manage_rule": Spec(
        lambda s: reverse("question_banks:manage_rule", args=[s.rule.pk]),
        right="trainer",
        wrong=NOT_SESSION_OWNER,
        data=lambda s: {**_rule_form(s), "name": "理论考试（改名）"},
        effective=True,
        right_status=(200, 302),
        notes="the rule is in use (its session is open): only its name changes",
    ),
    "question_banks:manage_session_new": Spec(
        lambda s: "/exams/manage/new/",
        right="trainer",
        wrong=("regulator", *NO_STAFF_ROLE),
        data=lambda s: {**_session_form(s), "name": "新场次"},
        effective=True,
        right_status=(200, 302),
    ),
    "question_banks:manage_session_edit": Spec(
        lambda s: reverse("question_banks:manage_session_edit", args=[s.session.code]),
        right="trainer",
        wrong=NOT_SESSION_OWNER,
        data=_session_form,
        effective=True,
        right_status=(200, 302),
    ),
    "question_banks:manage_candidates": Spec(
        lambda s: reverse("question_banks:manage_candidates", args=[s.session.code]),
        right="trainer",
        wrong=NOT_SESSION_OWNER,
        data=lambda s: {"action": "paste", "p-id_numbers": s.world.person_b.id_number},
        effective=True,
        right_status=(200, 302),
    ),
    "question_banks:manage_candidate_remove": Spec(
        lambda s: reverse(
            "question_banks:manage_candidate_remove",
            args=[s.session.code, s.session.candidates.get().pk],
        ),
        right="trainer",
        wrong=NOT_SESSION_OWNER,
        methods=("POST",),
        data=lambda s: {},
        effective=True,
        right_status=(302,),
    ),
    "question_banks:manage_grant": Spec(
        lambda s: reverse(
            "question_banks:manage_grant", args=[s.session.code, s.session.candidates.get().pk]
        ),
        right="trainer",
        wrong=NOT_SESSION_OWNER,
        data=lambda s: {"extra_minutes": "15", "extra_attempts": "1", "reason": "视力障碍"},
        effective=True,
        right_status=(200, 302),
    ),
    "question_banks:manage_publish": Spec(
        lambda s: reverse("question_banks:manage_publish", args=[s.session.code]),
        right="trainer",
        wrong=NOT_SESSION_OWNER,
        methods=("POST",),
        prepare=lambda s: (
            type(s.session).objects.filter(pk=s.session.pk).update(is_published=False)
        ),
        data=lambda s: {},
        effective=True,
        right_status=(302,),
    ),
    "question_banks:manage_unpublish": Spec(
        lambda s: reverse("question_banks:manage_unpublish", args=[s.session.code]),
        right="trainer",
        wrong=NOT_SESSION_OWNER,
        methods=("POST",),
        prepare=lambda s: type(s.session).objects.filter(pk=s.session.pk).update(is_published=True),
        data=lambda s: {},
        right_status=(302,),
        notes="refused with a message once someone has started: not effective in every scene",
    ),
    "question_banks:manage_admission_pdf": Spec(
        lambda s: reverse("question_banks:manage_admission_pdf", args=[s.session.code]),
        right="trainer",
        wrong=NOT_SESSION_OWNER,
        methods=("GET",),
    ),
    "question_banks:manage_admission_xlsx": Spec(
        lambda s: reverse("question_banks:manage_admission_xlsx", args=[s.session.code]),
        right="trainer",
        wrong=NOT_SESSION_OWNER,
        methods=("GET",),
    ),
    "question_banks:manage_live": Spec(
        lambda s: reverse("question_banks:manage_live", args=[s.session.code]),
        right="trainer",
        wrong=NOT_SESSION_OWNER,
        data=lambda s: {"reason": "考场停电"},
        effective=True,
        right_status=(200, 302),
    ),
    "question_banks:manage_live_json": Spec(
        lambda s: reverse("question_banks:manage_live_json", args=[s.session.code]),
        right="trainer",
        wrong=NOT_SESSION_OWNER,
        methods=("GET",),
    ),
    # --- an enterprise's internal exams
    "question_banks:internal": Spec(
        lambda s: reverse("question_banks:internal"),
        right="admin",
        wrong=("trainer", "regulator", "trainee", "nobody"),
        methods=("GET",),
    ),
    "question_banks:internal_create": Spec(
        lambda s: reverse("question_banks:internal_create"),
        right="admin",
        wrong=("trainer", "regulator", "trainee", "nobody"),
    ),
    "question_banks:internal_detail": Spec(
        lambda s: reverse("question_banks:internal_detail", args=[_internal_exam(s).code]),
        right="admin",
        wrong=NOT_ENTERPRISE_A,
        methods=("GET",),
    ),
    "question_banks:internal_candidates": Spec(
        lambda s: reverse("question_banks:internal_candidates", args=[_internal_exam(s).code]),
        right="admin",
        wrong=NOT_ENTERPRISE_A,
        methods=("POST",),
        data=lambda s: {"who": "everyone"},
        effective=True,
        right_status=(302,),
    ),
    "question_banks:internal_publish": Spec(
        lambda s: reverse("question_banks:internal_publish", args=[_internal_exam(s).code]),
        right="admin",
        wrong=NOT_ENTERPRISE_A,
        methods=("POST",),
        right_status=(302,),
        prepare=lambda s: _internal_exam(s).candidates.create(person=s.world.person_a),
        effective=True,
    ),
    # --- practice
    "question_banks:practice": Spec(
        lambda s: "/exams/practice/", right="trainee", wrong=("admin",)
    ),
    "question_banks:practice_q": Spec(
        lambda s: reverse("question_banks:practice_q", args=[s.bank.code, "sequential"]),
        right="trainee",
        wrong=("trainee_b", "admin", "regulator", "nobody"),
        data=lambda s: {"question": s.question.pk, "answer": "B"},
        effective=True,
    ),
    "question_banks:favourite": Spec(
        lambda s: reverse("question_banks:favourite", args=[s.bank.code, s.question.pk]),
        right="trainee",
        wrong=("trainee_b", "admin", "regulator", "nobody"),
        methods=("POST",),
        data=lambda s: {},
        effective=True,
        right_status=(302,),
    ),
    # --- courses and training records
    "courses:my_study": Spec(lambda s: "/courses/my/", right="trainee"),
    "courses:plan_list": Spec(lambda s: "/courses/plans/", right="admin", wrong=NO_STAFF_ROLE),
    "courses:plan_create": Spec(
        lambda s: "/courses/plans/new/",
        right="admin",
        wrong=(*NO_STAFF_ROLE, "regulator", "trainer"),
    ),
    "courses:plan_overdue": Spec(
        lambda s: "/courses/plans/overdue/", right="admin", wrong=NO_STAFF_ROLE
    ),
    "courses:plan_detail": Spec(
        lambda s: reverse("courses:plan_detail", args=[s.plan.pk]),
        right="admin",
        wrong=(*NOT_PERSON_A, "trainee"),
    ),
    "courses:plan_assign": Spec(
        lambda s: reverse("courses:plan_assign", args=[s.plan.pk]),
        right="admin",
        wrong=(*NOT_PERSON_A, "trainee", "regulator"),
        methods=("POST",),
        data=lambda s: {"id_numbers": s.world.person_a.id_number},
        right_status=(302,),
    ),
    "courses:classroom_list": Spec(
        lambda s: "/courses/classroom/", right="admin", wrong=NO_STAFF_ROLE
    ),
    "courses:classroom_create": Spec(
        lambda s: "/courses/classroom/new/",
        right="admin",
        wrong=(*NO_STAFF_ROLE, "regulator", "trainer"),
    ),
    "courses:classroom_edit": Spec(
        lambda s: reverse("courses:classroom_edit", args=[s.classroom.pk]),
        right="admin",
        wrong=(*NOT_PERSON_A, "trainee"),
        read_only=("regulator",),
        data=lambda s: {
            "title": "改过的标题",
            "training_kind": "retraining",
            "held_on": "2025-04-01",
            "hours": "3.0",
            "trainer": "王老师",
            "attendees": [s.world.person_a.pk],
        },
        effective=True,
        right_status=(200, 302),
    ),
    "courses:classroom_sheet": Spec(
        lambda s: reverse("courses:classroom_sheet", args=[s.classroom.pk]),
        right="admin",
        wrong=(*NOT_PERSON_A, "trainee"),
        methods=("GET",),
        notes="a private file: the county's regulator reads it too",
    ),
    "courses:record_list": Spec(lambda s: "/courses/records/", right="admin", wrong=NO_STAFF_ROLE),
    "courses:safety_education_create": Spec(
        lambda s: "/courses/records/safety-education/new/",
        right="admin",
        wrong=(*NO_STAFF_ROLE, "regulator", "trainer"),
    ),
    "courses:education_import": Spec(
        lambda s: "/courses/records/safety-education/import/",
        right="admin",
        wrong=(*NO_STAFF_ROLE, "regulator", "trainer"),
    ),
    "courses:education_before_go_live": Spec(
        lambda s: "/courses/records/safety-education/before-go-live/",
        right="admin",
        wrong=(*NO_STAFF_ROLE, "regulator", "trainer"),
        data=lambda s: {
            "form": "bulk",
            "bulk-hired_before": "2021-01-01",
            "bulk-reason": "上线前纸质台账",
        },
        effective=True,
        right_status=(200, 302),
    ),
    "courses:violation_create": Spec(
        lambda s: "/courses/records/violations/new/",
        right="admin",
        wrong=(*NO_STAFF_ROLE, "regulator", "trainer"),
    ),
    "courses:violation_return": Spec(
        lambda s: reverse("courses:violation_return", args=[s.violation.pk]),
        right="admin",
        wrong=(*NOT_PERSON_A, "trainee", "regulator"),
        methods=("POST",),
        data=lambda s: {},
        right_status=(302,),
        notes="the right admin is refused too until the exam is passed: not effective",
    ),
    "courses:my_training_file": Spec(lambda s: "/courses/file/", right="trainee"),
    "courses:training_file": Spec(
        lambda s: reverse("courses:training_file", args=[s.world.person_a.pk]),
        right="trainee",
        wrong=NOT_PERSON_A,
    ),
    "courses:training_file_pdf": Spec(
        lambda s: reverse("courses:training_file_pdf", args=[s.world.person_a.pk]),
        right="admin",
        wrong=NOT_PERSON_A,
    ),
    "courses:training_file_xlsx": Spec(
        lambda s: reverse("courses:training_file_xlsx", args=[s.world.person_a.pk]),
        right="trainee",
        wrong=NOT_PERSON_A,
    ),
    "courses:enterprise_training_xlsx": Spec(
        lambda s: "/courses/file/enterprise.xlsx", right="admin", wrong=NO_STAFF_ROLE
    ),
    # --- reports (scoped by their own parameters; tests/reports checks the figures)
    "reports:dashboard": Spec(lambda s: "/reports/", right="regulator", wrong=NO_STAFF_ROLE),
    "reports:people": Spec(
        lambda s: f"/reports/people/?enterprise={s.world.ent_a.uscc}",
        right="regulator",
        wrong=(*NO_STAFF_ROLE, "regulator_other", "admin_b", "regulator_chem"),
        wrong_status=(400, 403, 404),  # 400: "that enterprise is not in your scope"
    ),
    "reports:export_xlsx": Spec(
        lambda s: "/reports/export.xlsx", right="regulator", wrong=NO_STAFF_ROLE
    ),
    "reports:export_csv": Spec(
        lambda s: "/reports/export.csv", right="regulator", wrong=NO_STAFF_ROLE
    ),
    "reports:summary_pdf": Spec(
        lambda s: "/reports/summary.pdf", right="regulator", wrong=NO_STAFF_ROLE
    ),
    # --- certificates (administration)
    "certificates_manage:index": Spec(
        lambda s: "/certificates/manage/",
        right="admin",
        wrong=(*NO_STAFF_ROLE, "regulator", "trainer"),
    ),
    "certificates_manage:issue": Spec(
        lambda s: "/certificates/manage/issue/",
        right="admin",
        wrong=(*NO_STAFF_ROLE, "regulator", "trainer"),
    ),
    "certificates_manage:session_issue": Spec(
        lambda s: "/certificates/manage/session-issue/",
        right="admin",
        wrong=(*NO_STAFF_ROLE, "regulator", "trainer"),
    ),
    "certificates_manage:import": Spec(
        lambda s: "/certificates/manage/import/",
        right="admin",
        wrong=(*NO_STAFF_ROLE, "regulator", "trainer"),
    ),
    "certificates_manage:certificate": Spec(
        lambda s: reverse("certificates_manage:certificate", args=[s.certificate.pk]),
        right="admin",
        wrong=(*NOT_PERSON_A, "trainee", "regulator"),
    ),
    "certificates_manage:action": Spec(
        lambda s: reverse("certificates_manage:action", args=[s.certificate.pk, "suspend"]),
        right="admin",
        wrong=(*NOT_PERSON_A, "trainee", "regulator"),
        methods=("POST",),
        data=lambda s: {"suspend-reason": "违章作业，暂扣"},
        effective=True,
        right_status=(302,),
    ),
    # --- certificates (holders, batches, the holder's own)
    "certificates:holders": Spec(
        lambda s: "/certificates/holders/", right="regulator", wrong=NO_STAFF_ROLE
    ),
    "certificates:holders_export": Spec(
        lambda s: "/certificates/holders/export.xlsx", right="regulator", wrong=NO_STAFF_ROLE
    ),
    "certificates:batch_create": Spec(
        lambda s: "/certificates/batches/",
        right="admin",
        wrong=NO_STAFF_ROLE,
        methods=("POST",),
        data=lambda s: {"variant": "a4"},
        right_status=(302,),
    ),
    "certificates:batch": Spec(
        lambda s: reverse("certificates:batch", args=[s.batch.pk]),
        right="admin",
        wrong=("admin_b", "regulator", "sysadmin", "trainee", "nobody"),
    ),
    "certificates:batch_download": Spec(
        lambda s: reverse("certificates:batch_download", args=[s.batch.pk]),
        right="admin",
        wrong=("admin_b", "regulator", "sysadmin", "trainee", "nobody"),
    ),
    "certificates:operation_item": Spec(
        lambda s: reverse("certificates:operation_item", args=[_special_operator_job(s).pk]),
        right="admin",
        wrong=("admin_b", "regulator", "regulator_other", "trainer", "trainee", "nobody"),
        data=lambda s: {"certificate_type": CertificateType.objects.get(code="TZ-FB").pk},
        effective=True,
        right_status=(200, 302),  # the form on GET, back to the gap list on POST
    ),
    # --- the question workbench (a trainer's body's bank)
    "question_banks:banks": Spec(
        lambda s: reverse("question_banks:banks"),
        right="trainer",
        wrong=("regulator", "trainee", "nobody"),
        methods=("GET",),
    ),
    "question_banks:bank_create": Spec(
        lambda s: reverse("question_banks:bank_create"),
        right="trainer",
        wrong=("regulator", "trainee", "nobody"),
    ),
    "question_banks:bank": Spec(
        lambda s: reverse("question_banks:bank", args=[s.bank.code]),
        right="trainer",
        wrong=NOT_BANK_OWNER,
        methods=("GET",),
    ),
    "question_banks:bank_edit": Spec(
        lambda s: reverse("question_banks:bank_edit", args=[s.bank.code]),
        right="trainer",
        wrong=NOT_BANK_OWNER,
    ),
    "question_banks:bank_categories": Spec(
        lambda s: reverse("question_banks:bank_categories", args=[s.bank.code]),
        right="trainer",
        wrong=NOT_BANK_OWNER,
        data=lambda s: {"name": "走查知识点"},
        effective=True,
        right_status=(200, 302),
    ),
    "question_banks:category_delete": Spec(
        lambda s: reverse(
            "question_banks:category_delete", args=[s.bank.code, _spare_category(s).pk]
        ),
        right="trainer",
        wrong=NOT_BANK_OWNER,
        methods=("POST",),
        effective=True,
        right_status=(302,),
    ),
    "question_banks:bank_bulk": Spec(
        lambda s: reverse("question_banks:bank_bulk", args=[s.bank.code]),
        right="trainer",
        wrong=NOT_BANK_OWNER,
        methods=("POST",),
        data=lambda s: {"action": "disable", "questions": [s.question.pk]},
        effective=True,
        right_status=(302,),
    ),
    "question_banks:question_create": Spec(
        lambda s: reverse("question_banks:question_create", args=[s.bank.code]),
        right="trainer",
        wrong=NOT_BANK_OWNER,
    ),
    "question_banks:question_edit": Spec(
        lambda s: reverse("question_banks:question_edit", args=[s.bank.code, s.question.pk]),
        right="trainer",
        wrong=NOT_BANK_OWNER,
    ),
    "question_banks:question_preview": Spec(
        lambda s: reverse("question_banks:question_preview", args=[s.bank.code, s.question.pk]),
        right="trainer",
        wrong=NOT_BANK_OWNER,
        methods=("GET",),
    ),
    "question_banks:question_history": Spec(
        lambda s: reverse("question_banks:question_history", args=[s.bank.code, s.question.pk]),
        right="trainer",
        wrong=NOT_BANK_OWNER,
        methods=("GET",),
    ),
    "question_banks:question_key_fix": Spec(
        lambda s: reverse("question_banks:question_key_fix", args=[s.bank.code, s.question.pk]),
        right="trainer",
        wrong=NOT_BANK_OWNER,
    ),
    "question_banks:bank_import": Spec(
        lambda s: reverse("question_banks:bank_import", args=[s.bank.code]),
        right="trainer",
        wrong=NOT_BANK_OWNER,
    ),
    "question_banks:bank_import_template": Spec(
        lambda s: reverse("question_banks:bank_import_template", args=[s.bank.code]),
        right="trainer",
        wrong=NOT_BANK_OWNER,
        methods=("GET",),
    ),
    "question_banks:bank_import_job": Spec(
        lambda s: reverse(
            "question_banks:bank_import_job", args=[s.bank.code, _question_import_job(s).pk]
        ),
        right="trainer",
        wrong=(*NOT_BANK_OWNER, "sysadmin"),  # only the uploader sees an upload
        right_status=(200, 302),
    ),
    "question_banks:bank_import_bad_rows": Spec(
        lambda s: reverse(
            "question_banks:bank_import_bad_rows", args=[s.bank.code, _question_import_job(s).pk]
        ),
        right="trainer",
        wrong=(*NOT_BANK_OWNER, "sysadmin"),
        methods=("GET",),
    ),
    "question_banks:bank_import_progress": Spec(
        lambda s: reverse(
            "question_banks:bank_import_progress", args=[s.bank.code, _question_import_job(s).pk]
        ),
        right="trainer",
        wrong=(*NOT_BANK_OWNER, "sysadmin"),
        methods=("GET",),
    ),
    "roster:directory_enterprises": Spec(
        lambda s: "/roster/directory/enterprises/", right="regulator", wrong=NOT_DIRECTORY_KEEPER
    ),
    "roster:directory_regions": Spec(
        lambda s: "/roster/directory/regions/", right="regulator", wrong=NOT_DIRECTORY_KEEPER
    ),
    "roster:directory_enterprises_export": Spec(
        lambda s: "/roster/directory/enterprises/export.xlsx",
        right="regulator",
        wrong=NOT_DIRECTORY_KEEPER,
        methods=("GET",),
    ),
    "roster:directory_regions_export": Spec(
        lambda s: "/roster/directory/regions/export.xlsx",
        right="regulator",
        wrong=NOT_DIRECTORY_KEEPER,
        methods=("GET",),
    ),
    "certificates:mine": Spec(lambda s: "/certificates/mine/", right="trainee"),
    "certificates:notifications": Spec(lambda s: "/certificates/notifications/", right="trainee"),
    "certificates:notifications_read": Spec(
        lambda s: "/certificates/notifications/read/",
        right="trainee",
        prepare=lambda s: s.notification,
        # Everyone marks only their own: others "succeed" and change nothing of the trainee's.
        wrong=("trainee_b", "admin", "sysadmin"),
        wrong_status=(302,),
        methods=("POST",),
        data=lambda s: {},
        effective=True,
        right_status=(302,),
    ),
    "certificates:detail": Spec(
        lambda s: reverse("certificates:detail", args=[s.certificate.pk]),
        right="regulator",
        wrong=(*NOT_PERSON_A, "trainee"),
    ),
    "certificates:person_windows": Spec(
        lambda s: reverse("certificates:person_windows", args=[s.world.person_a.pk]),
        right="admin",
        wrong=(*NOT_PERSON_A, "trainee"),
        methods=("GET",),
    ),
    "certificates:practical_add": Spec(
        lambda s: reverse("certificates:practical_add", args=[s.world.person_a.pk]),
        right="admin",
        # The county's regulator sees person_a but holds no exam.
        wrong=(*NOT_PERSON_A, "trainee", "regulator"),
        methods=("POST",),
        prepare=lambda s: s.theory_pass,
        data=lambda s: {
            "practical-certificate_type": CertificateType.objects.get(code="TZ-DG").pk,
            "practical-taken_on": timezone.localdate().isoformat(),
            "practical-examiner": "李考评员",
            "practical-score": "88",
        },
        effective=True,
        right_status=(302,),
    ),
    "certificates:health_add": Spec(
        lambda s: reverse("certificates:health_add", args=[s.world.person_a.pk]),
        right="admin",
        # The county's regulator sees person_a but keeps no enterprise's records.
        wrong=(*NOT_PERSON_A, "trainee", "regulator"),
        methods=("POST",),
        data=lambda s: {
            "health-on": timezone.localdate().isoformat(),
            "health-fit": "1",
            "health-note": "",
        },
        effective=True,
        right_status=(302,),
    ),
    "certificates:pdf": Spec(
        lambda s: reverse("certificates:pdf", args=[s.certificate.pk]),
        right="trainee",
        wrong=NOT_PERSON_A,
    ),
    # --- the JSON API (session auth; 401 when signed out)
    "api:list_enterprises": Spec(
        lambda s: "/api/enterprises",
        right="regulator",
        wrong=NO_STAFF_ROLE,
        api=True,
        methods=("GET",),
    ),
    "api:get_enterprise": Spec(
        lambda s: reverse("api:get_enterprise", kwargs={"uscc": s.world.ent_a.uscc}),
        right="regulator",
        wrong=(*NOT_PERSON_A, "trainee"),
        api=True,
        methods=("GET",),
    ),
    "api:list_people": Spec(
        lambda s: "/api/people",
        right="regulator",
        wrong=NO_STAFF_ROLE,
        api=True,
        methods=("GET",),
    ),
    "api:create_person": Spec(
        lambda s: "/api/people",
        right="admin",
        wrong=(*NO_STAFF_ROLE, "regulator", "trainer", "admin_b"),
        api=True,
        methods=("POST",),
        data=lambda s: {
            **_person_form(s),
            "id_number": "110101199003070011",
            "enterprise": s.world.ent_a.uscc,
        },
        effective=True,
        right_status=(201,),
    ),
    "api:get_person": Spec(
        lambda s: reverse("api:get_person", kwargs={"person_id": s.world.person_a.pk}),
        right="trainee",
        wrong=NOT_PERSON_A,
        api=True,
        methods=("GET",),
    ),
    "api:update_person": Spec(
        lambda s: reverse("api:update_person", kwargs={"person_id": s.world.person_a.pk}),
        right="admin",
        wrong=(*NOT_PERSON_A, "trainee", "regulator"),
        api=True,
        methods=("PATCH",),
        data=lambda s: {"name": "改名"},
        effective=True,
    ),
    "api:me": Spec(lambda s: "/api/me", right="nobody", api=True, methods=("GET",)),
    "api:save_answers": Spec(
        lambda s: reverse("api:save_answers", kwargs={"attempt_id": s.attempt.pk}),
        right="trainee",
        wrong=NOT_ATTEMPT_OWNER,
        api=True,
        methods=("POST",),
        data=_api_answers,
        effective=True,
    ),
    "api:record_event": Spec(
        lambda s: reverse("api:record_event", kwargs={"attempt_id": s.attempt.pk}),
        right="trainee",
        wrong=NOT_ATTEMPT_OWNER,
        api=True,
        methods=("POST",),
        data=lambda s: {"client": "tab-1", "kind": "focus_lost"},
        effective=True,
        right_status=(204,),
    ),
    "api:submit": Spec(
        lambda s: reverse("api:submit", kwargs={"attempt_id": s.attempt.pk}),
        right="trainee",
        wrong=NOT_ATTEMPT_OWNER,
        api=True,
        methods=("POST",),
        data=lambda s: {"client": "tab-1"},
        effective=True,
    ),
    "api:state": Spec(
        lambda s: reverse("api:state", kwargs={"attempt_id": s.attempt.pk}),
        right="trainee",
        wrong=NOT_ATTEMPT_OWNER,
        api=True,
        methods=("GET",),
    ),
    # Study endpoints act on the signed-in person's own record: staff without one get 403.
    "api:heartbeat": Spec(
        lambda s: "/api/study/heartbeat",
        right="trainee",
        wrong=("admin", "regulator", "nobody"),
        api=True,
        methods=("POST",),
        data=lambda s: {"lesson": s.lesson.pk, "client": "client-1", "seq": 1, "position": 0},
        effective=True,
    ),
    "api:reading": Spec(
        lambda s: "/api/study/reading",
        right="trainee",
        wrong=("admin", "regulator", "nobody"),
        api=True,
        methods=("POST",),
        data=lambda s: {"lesson": s.lesson.pk, "client": "client-1", "seq": 1, "opening": True},
        effective=True,
    ),
    "api:challenge": Spec(
        lambda s: "/api/study/challenge",
        right="trainee",
        wrong=("admin", "regulator", "nobody"),
        api=True,
        methods=("POST",),
        data=lambda s: {"challenge": "no-such-check"},
        right_status=(422,),
    ),
    "api:snapshot": Spec(
        lambda s: "/api/study/snapshot",
        right="trainee",
        wrong=("admin", "regulator", "nobody"),
        api=True,
        methods=("POST",),
        multipart=True,
        data=lambda s: {"lesson": s.lesson.pk, "image": _jpeg()},
        right_status=(204, 422),  # 422 while webcam snapshots are switched off
    ),
    "api:figures": Spec(
        lambda s: "/api/reports/figures",
        right="regulator",
        wrong=NO_STAFF_ROLE,
        api=True,
        methods=("GET",),
    ),
    "api:trend_view": Spec(
        lambda s: "/api/reports/trend",
        right="regulator",
        wrong=NO_STAFF_ROLE,
        api=True,
        methods=("GET",),
    ),
    # --- notices (通知公告) and the shared library
    "notices:inbox": Spec(lambda s: "/notices/", right="nobody"),
    "notices:published": Spec(
        lambda s: "/notices/published/", right="regulator", wrong=(*NO_STAFF_ROLE, "trainer")
    ),
    "notices:create": Spec(
        lambda s: "/notices/new/",
        right="regulator",
        wrong=(*NO_STAFF_ROLE, "trainer"),
        data=_notice_form,
        effective=True,
        right_status=(200, 302),
    ),
    "notices:detail": Spec(
        lambda s: reverse("notices:detail", args=[s.notice.pk]),
        right="trainee",
        wrong=NOT_NOTICE_READER,
    ),
    "notices:acknowledge": Spec(
        lambda s: reverse("notices:acknowledge", args=[s.notice.pk]),
        right="trainee",
        wrong=(*NOT_NOTICE_READER, "regulator"),
        methods=("POST",),
        data=lambda s: {},
        effective=True,
        right_status=(302,),
    ),
    "notices:edit": Spec(
        lambda s: reverse("notices:edit", args=[s.notice.pk]),
        right="regulator",
        wrong=(*NOT_NOTICE_READER, "trainee", "admin"),
        data=lambda s: {
            "title": "关于开展隐患排查的通知（修订）",
            "body": "请各企业开展隐患排查，并上报清单。",
            "must_acknowledge": "on",
            "ack_deadline": timezone.localtime(s.notice.ack_deadline).strftime("%Y-%m-%dT%H:%M"),
        },
        effective=True,
        right_status=(200, 302),
        notes="the publisher only, while the notice is in their scope",
    ),
    "notices:withdraw": Spec(
        lambda s: reverse("notices:withdraw", args=[s.notice.pk]),
        right="regulator",
        wrong=(*NOT_NOTICE_READER, "trainee", "admin"),
        methods=("POST",),
        data=lambda s: {"reason": "走查"},
        effective=True,
        right_status=(302,),
        notes="the publisher only; readers no longer see it",
    ),
    "notices:attachment": Spec(
        lambda s: reverse(
            "notices:attachment", args=[s.notice.pk, s.notice.attachments.first().pk]
        ),
        right="trainee",
        wrong=NOT_NOTICE_READER,
    ),
    "notices:receipts": Spec(
        lambda s: reverse("notices:receipts", args=[s.notice.pk]),
        right="regulator",
        wrong=(*NOT_NOTICE_READER, "trainee", "admin"),
    ),
    "notices:receipts_xlsx": Spec(
        lambda s: reverse("notices:receipts_xlsx", args=[s.notice.pk]),
        right="regulator",
        wrong=(*NOT_NOTICE_READER, "trainee", "admin"),
    ),
    "notices:library": Spec(lambda s: "/notices/library/?q=安全", right="nobody"),
    "notices:knowledge_create": Spec(
        lambda s: "/notices/library/new/",
        right="regulator",
        wrong=(*NO_STAFF_ROLE, "trainer"),
        data=lambda s: {
            "kind": "law",
            "title": "县安全生产条例",
            "source": "县人大常委会",
            "issued_on": _today(),
            "body": "第一条",
            "region": s.world.county.pk,
        },
        effective=True,
        right_status=(200, 302),
    ),
    "notices:knowledge_detail": Spec(
        lambda s: reverse("notices:knowledge_detail", args=[s.knowledge_item.pk]),
        right="trainee",
        wrong=NOT_PERSON_A,
    ),
    "notices:knowledge_file": Spec(
        lambda s: reverse("notices:knowledge_file", args=[s.knowledge_item.pk]),
        right="trainee",
        wrong=NOT_PERSON_A,
    ),
    "reports:notices": Spec(lambda s: "/reports/notices/", right="regulator", wrong=NO_STAFF_ROLE),
    "reports:notices_xlsx": Spec(
        lambda s: "/reports/notices.xlsx", right="regulator", wrong=NO_STAFF_ROLE
    ),
    "api:notice_figures_view": Spec(
        lambda s: "/api/reports/notices",
        right="regulator",
        wrong=NO_STAFF_ROLE,
        api=True,
        methods=("GET",),
    ),
    "api:drills_figures": Spec(
        lambda s: "/api/reports/drills",
        right="regulator",
        wrong=NO_STAFF_ROLE,
        api=True,
        methods=("GET",),
    ),
    # --- drills (the enterprise admin's; regulators read them under /reports/drills/)
    "drills:index": Spec(
        lambda s: "/drills/", right="admin", wrong=(*NO_STAFF_ROLE, "regulator", "trainer")
    ),
    "drills:plan": Spec(
        lambda s: f"/drills/plan/{_year()}/?enterprise={s.world.ent_a.uscc}",
        right="admin",
        wrong=NOT_ENTERPRISE_A,
        data=lambda s: {
            "kind": "onsite",
            "form": "live",
            "scenario": "泄漏处置",
            "planned_on": f"{_year()}-11-01",
            "people": [s.world.person_a.pk],
        },
        effective=True,
        right_status=(200, 302),
    ),
    "drills:planned_remove": Spec(
        lambda s: reverse("drills:planned_remove", args=[s.planned_drill.pk]),
        right="admin",
        wrong=NOT_ENTERPRISE_A,
        methods=("POST",),
        effective=True,
        right_status=(302,),
    ),
    "drills:record_new": Spec(
        lambda s: f"/drills/records/new/?enterprise={s.world.ent_a.uscc}",
        right="admin",
        wrong=NOT_ENTERPRISE_A,
        data=lambda s: _drill_form(s),
        effective=True,
        right_status=(200, 302),
    ),
    "drills:record": Spec(
        lambda s: reverse("drills:record", args=[s.drill.pk]),
        right="admin",
        wrong=NOT_ENTERPRISE_A,
    ),
    "drills:record_edit": Spec(
        lambda s: reverse("drills:record_edit", args=[s.drill.pk]),
        right="admin",
        wrong=NOT_ENTERPRISE_A,
        data=lambda s: _drill_form(s, place="改过的地点"),
        effective=True,
        right_status=(200, 302),
    ),
    "drills:evidence_add": Spec(
        lambda s: reverse("drills:evidence_add", args=[s.drill.pk]),
        right="admin",
        wrong=NOT_ENTERPRISE_A,
        methods=("POST",),
        data=lambda s: {"evidence": _jpeg()},
        multipart=True,
        effective=True,
        right_status=(302,),
    ),
    "drills:checkin_code": Spec(
        lambda s: reverse("drills:checkin_code", args=[s.drill.pk]),
        right="admin",
        wrong=NOT_ENTERPRISE_A,
    ),
    "drills:evaluation": Spec(
        lambda s: reverse("drills:evaluation", args=[s.drill.pk]),
        right="admin",
        wrong=NOT_ENTERPRISE_A,
        data=lambda s: {"problems_found": "疏散慢", "plan_changes": "增加引导员"},
        effective=True,
        right_status=(200, 302),
    ),
    "drills:action_add": Spec(
        lambda s: reverse("drills:action_add", args=[s.drill.pk]),
        right="admin",
        wrong=NOT_ENTERPRISE_A,
        methods=("POST",),
        data=lambda s: {
            "description": "清理通道",
            "owner": s.world.person_a.pk,
            "due_on": (s.drill.held_on + dt.timedelta(days=5)).isoformat(),
        },
        effective=True,
        right_status=(302,),
    ),
    "drills:actions": Spec(
        lambda s: f"/drills/actions/?enterprise={s.world.ent_a.uscc}",
        right="admin",
        wrong=NOT_ENTERPRISE_A,
    ),
    "drills:action_close": Spec(
        lambda s: reverse("drills:action_close", args=[s.drill_action.pk]),
        right="admin",
        wrong=NOT_ENTERPRISE_A,
        methods=("POST",),
        data=lambda s: {"closing_note": "已完成"},
        effective=True,
        right_status=(302,),
    ),
    "drills:evidence": Spec(
        lambda s: reverse("drills:evidence", args=[s.drill.evidence.first().pk]),
        right="admin",
        wrong=("admin_b", "regulator_other", "regulator_chem", "trainer", "trainee", "nobody"),
        notes="the county's regulator may open it too (reports' drill-down)",
    ),
    "drills:checkin": Spec(
        lambda s: reverse("drills:checkin", args=[_checkin_token(s)]),
        right="trainee",
        wrong=("trainee_b", "admin_b", "nobody"),
        notes="a signed-in person of the drill's enterprise checks in (once)",
    ),
    "reports:drills": Spec(
        lambda s: "/reports/drills/", right="regulator", wrong=(*NO_STAFF_ROLE, "trainer")
    ),
    "reports:drill_record": Spec(
        lambda s: reverse("reports:drill_record", args=[s.drill.pk]),
        right="regulator",
        wrong=(*NO_STAFF_ROLE, "trainer", "regulator_other", "regulator_chem", "admin_b"),
    ),
    "reports:drills_export": Spec(
        lambda s: "/reports/drills/export.xlsx",
        right="regulator",
        wrong=(*NO_STAFF_ROLE, "trainer"),
    ),
    # --- warning education, rotation training, campaign months (campaigns/)
    "campaigns:warning_list": Spec(
        lambda s: "/campaigns/warning/", right="regulator", wrong=NO_STAFF_ROLE, methods=("GET",)
    ),
    "campaigns:warning_create": Spec(
        lambda s: "/campaigns/warning/new/",
        right="regulator",
        wrong=(*NO_STAFF_ROLE, "trainer"),
        data=lambda s: {
            "case": _campaigns(s)["case"].pk,
            "enterprises": [s.world.ent_a.pk],
            "due_on": (timezone.localdate() + dt.timedelta(days=9)).isoformat(),
        },
        effective=True,
        right_status=(200, 302),
    ),
    "campaigns:warning_detail": Spec(
        lambda s: f"/campaigns/warning/{_campaigns(s)['assignment'].pk}/",
        right="regulator",
        wrong=(*NOT_COUNTY_CAMPAIGN, "admin_b", "regulator_chem"),
        methods=("GET",),
    ),
    "campaigns:my_cases": Spec(
        lambda s: "/campaigns/warning/mine/", right="trainee", methods=("GET",)
    ),
    "campaigns:read": Spec(
        lambda s: f"/campaigns/warning/read/{_campaigns(s)['reading'].pk}/",
        right="trainee",
        wrong=("trainee_b", "admin", "regulator", "sysadmin", "nobody"),
        methods=("GET",),
    ),
    "api:warning_reading": Spec(
        lambda s: "/api/warning/reading",
        right="trainee",
        wrong=("trainee_b", "admin", "regulator", "nobody"),
        api=True,
        methods=("POST",),
        data=lambda s: {
            "lesson": _campaigns(s)["reading"].pk,
            "client": "client-1",
            "seq": 1,
            "opening": True,
        },
        effective=True,
        wrong_status=(403, 404, 422),  # 422: "no such case assigned to you"
    ),
    "api:warning_challenge": Spec(
        lambda s: "/api/warning/challenge",
        right="trainee",
        wrong=("admin", "regulator", "nobody"),
        api=True,
        methods=("POST",),
        data=lambda s: {"challenge": "no-such-check"},
        right_status=(422,),
    ),
    "campaigns:meeting_list": Spec(
        lambda s: "/campaigns/warning/meetings/",
        right="admin",
        wrong=NO_STAFF_ROLE,
        methods=("GET",),
    ),
    "campaigns:meeting_create": Spec(
        lambda s: "/campaigns/warning/meetings/new/",
        right="admin",
        wrong=(*NO_STAFF_ROLE, "regulator", "trainer"),
        data=lambda s: {
            "enterprise": s.world.ent_a.uscc,
            "held_on": timezone.localdate().isoformat(),
            "topic": "警示教育会",
            "attendees": [s.world.person_a.pk],
        },
        effective=True,
        right_status=(200, 302),
    ),
    "campaigns:rotation_list": Spec(
        lambda s: "/campaigns/rotation/", right="regulator", wrong=NO_STAFF_ROLE, methods=("GET",)
    ),
    "campaigns:rotation_create": Spec(
        lambda s: "/campaigns/rotation/new/",
        right="regulator",
        wrong=(*NO_STAFF_ROLE, "admin", "trainer"),
        data=lambda s: {
            "title": "轮训",
            "region": s.world.county.pk,
            "categories": ["general"],
            "target_percent": "100",
            "starts_on": timezone.localdate().isoformat(),
            "ends_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
            "pass_mark": "80",
        },
        effective=True,
        right_status=(200, 302),
    ),
    "campaigns:rotation_detail": Spec(
        lambda s: f"/campaigns/rotation/{_campaigns(s)['campaign'].pk}/",
        right="regulator",
        wrong=NOT_COUNTY_CAMPAIGN,
        methods=("GET",),
    ),
    "campaigns:rotation_sync": Spec(
        lambda s: f"/campaigns/rotation/{_campaigns(s)['campaign'].pk}/sync/",
        right="regulator",
        wrong=(*NOT_COUNTY_CAMPAIGN, "admin", "regulator_chem"),
        methods=("POST",),
        data=lambda s: {},
        right_status=(302,),
    ),
    "campaigns:session_create": Spec(
        lambda s: f"/campaigns/rotation/{_campaigns(s)['campaign'].pk}/sessions/",
        right="regulator",
        wrong=(*NOT_COUNTY_CAMPAIGN, "admin", "regulator_chem"),
        methods=("POST",),
        data=lambda s: {
            "kind": "classroom",
            "title": "第二期",
            "held_on": timezone.localdate().isoformat(),
            "place": "会议室",
            "capacity": "20",
        },
        effective=True,
        right_status=(302,),
    ),
    "campaigns:exam_record": Spec(
        lambda s: f"/campaigns/rotation/{_campaigns(s)['campaign'].pk}/exam/",
        right="regulator",
        wrong=(*NOT_COUNTY_CAMPAIGN, "admin", "regulator_chem"),
        methods=("POST",),
        data=lambda s: {
            "id_number": s.world.person_a.id_number,
            "score": "90",
            "exam_on": timezone.localdate().isoformat(),
        },
        effective=True,
        right_status=(302,),
    ),
    "campaigns:session_detail": Spec(
        lambda s: f"/campaigns/rotation/sessions/{_campaigns(s)['session'].pk}/",
        right="regulator",
        wrong=NOT_COUNTY_CAMPAIGN,
        read_only=("admin", "regulator_chem"),
        data=lambda s: {"action": "attend", "attend-id_numbers": s.world.person_a.id_number},
        effective=True,
        right_status=(200, 302),
    ),
    "campaigns:month_list": Spec(
        lambda s: "/campaigns/months/", right="admin", wrong=NO_STAFF_ROLE, methods=("GET",)
    ),
    "campaigns:month_create": Spec(
        lambda s: "/campaigns/months/new/",
        right="admin",
        wrong=(*NO_STAFF_ROLE, "regulator", "trainer"),
        data=lambda s: {
            "enterprise": s.world.ent_a.uscc,
            "month": "fire",
            "title": "消防演练",
            "held_on": timezone.localdate().isoformat(),
        },
        effective=True,
        right_status=(200, 302),
    ),
    "campaigns:month_evidence": Spec(
        lambda s: f"/campaigns/months/evidence/{_campaigns(s)['evidence'].pk}/",
        right="admin",
        wrong=("admin_b", "regulator_other", "regulator_chem", "trainer", "trainee", "nobody"),
        methods=("GET",),
        notes="a private file: the county's regulator may open it too",
    ),
    # --- their figures under /reports/
    "reports_campaigns:warning": Spec(
        lambda s: "/reports/warning/", right="regulator", wrong=NO_STAFF_ROLE, methods=("GET",)
    ),
    "reports_campaigns:warning_enterprise": Spec(
        lambda s: f"/reports/warning/{s.world.ent_a.uscc}/",
        right="regulator",
        wrong=(*NO_STAFF_ROLE, "regulator_other", "admin_b", "regulator_chem"),
        methods=("GET",),
    ),
    "reports_campaigns:campaigns": Spec(
        lambda s: "/reports/campaigns/", right="regulator", wrong=NO_STAFF_ROLE, methods=("GET",)
    ),
    "reports_campaigns:campaign": Spec(
        lambda s: f"/reports/campaigns/{_campaigns(s)['campaign'].pk}/",
        right="regulator",
        wrong=NOT_COUNTY_CAMPAIGN,
        methods=("GET",),
    ),
    "reports_campaigns:campaign_enterprise": Spec(
        lambda s: f"/reports/campaigns/{_campaigns(s)['campaign'].pk}/{s.world.ent_a.uscc}/",
        right="regulator",
        wrong=(*NOT_COUNTY_CAMPAIGN, "admin_b", "regulator_chem"),
        methods=("GET",),
    ),
    "reports_campaigns:months": Spec(
        lambda s: "/reports/campaign-months/",
        right="regulator",
        wrong=NO_STAFF_ROLE,
        methods=("GET",),
    ),
    "api:reports_warning": Spec(
        lambda s: "/api/reports/warning",
        right="regulator",
        wrong=NO_STAFF_ROLE,
        api=True,
        methods=("GET",),
    ),
    "api:reports_campaign": Spec(
        lambda s: f"/api/reports/campaigns/{_campaigns(s)['campaign'].pk}",
        right="regulator",
        wrong=NOT_COUNTY_CAMPAIGN,
        api=True,
        methods=("GET",),
    ),
    "api:reports_campaign_months": Spec(
        lambda s: "/api/reports/campaign-months",
        right="regulator",
        wrong=NO_STAFF_ROLE,
        api=True,
        methods=("GET",),
    ),
    # --- knowledge contests
    "contests:list": Spec(
        lambda s: "/contests/", right="regulator", wrong=NO_STAFF_ROLE, methods=("GET",)
    ),
    "contests:create": Spec(
        lambda s: "/contests/new/",
        right="regulator",
        wrong=NO_STAFF_ROLE,
        data=lambda s: {
            "name": "乡镇竞赛",
            "organiser": f"r{s.world.county.pk}",
            "winners_count": 3,
        },
        effective=True,
        right_status=(200, 302),
    ),
    "contests:detail": Spec(
        lambda s: reverse("contests:detail", args=[_county_contest(s).pk]),
        right="regulator",
        wrong=NOT_COUNTY_ORGANISER,
        methods=("GET",),
    ),
    "contests:edit": Spec(
        lambda s: reverse("contests:edit", args=[_county_contest(s).pk]),
        right="regulator",
        wrong=NOT_COUNTY_ORGANISER,
        data=lambda s: {
            "name": "县安康杯竞赛（改）",
            "organiser": f"r{s.world.county.pk}",
            "winners_count": 5,
        },
        effective=True,
        right_status=(200, 302),
    ),
    "contests:round_create": Spec(
        lambda s: reverse("contests:round_create", args=[_county_contest(s).pk]),
        right="regulator",
        wrong=NOT_COUNTY_ORGANISER,
        data=lambda s: _round_form(s, days=3),
        effective=True,
        right_status=(200, 302),
    ),
    "contests:round_edit": Spec(
        lambda s: reverse("contests:round_edit", args=[_county_contest(s).pk, s._county_round.pk]),
        right="regulator",
        wrong=NOT_COUNTY_ORGANISER,
        data=lambda s: {**_round_form(s, days=1), "title": "预赛（改）"},
        effective=True,
        right_status=(200, 302),
    ),
    "contests:delete": Spec(
        lambda s: reverse("contests:delete", args=[_county_contest(s).pk]),
        right="regulator",
        wrong=NOT_COUNTY_ORGANISER,
        effective=True,
        right_status=(200, 302),
    ),
    "contests:round_delete": Spec(
        lambda s: reverse(
            "contests:round_delete", args=[_county_contest(s).pk, s._county_round.pk]
        ),
        right="regulator",
        wrong=NOT_COUNTY_ORGANISER,
        effective=True,
        right_status=(200, 302),
    ),
    "contests:leaderboard": Spec(
        lambda s: reverse("contests:leaderboard", args=[_county_contest(s).pk]) + "?by=enterprise",
        right="regulator",
        wrong=NOT_COUNTY_ORGANISER,
        methods=("GET",),
    ),
    "contests:winners_xlsx": Spec(
        lambda s: reverse("contests:winners_xlsx", args=[_county_contest(s).pk]),
        right="regulator",
        wrong=NOT_COUNTY_ORGANISER,
        methods=("GET",),
    ),
    "contests:honours_pdf": Spec(
        lambda s: reverse("contests:honours_pdf", args=[_county_contest(s).pk]),
        right="regulator",
        wrong=NOT_COUNTY_ORGANISER,
        methods=("GET",),
    ),
    "contests:mine": Spec(
        lambda s: "/contests/mine/", right="trainee", wrong=("admin", "nobody"), methods=("GET",)
    ),
    "contests:play": Spec(
        lambda s: reverse("contests:play", args=[_enterprise_contest(s).pk]),
        right="trainee",
        wrong=NOT_CONTESTANT_A,
        methods=("GET",),
    ),
    "contests:join": Spec(
        lambda s: reverse(
            "contests:join", args=[_enterprise_contest(s).pk, s._enterprise_round.pk]
        ),
        right="trainee",
        wrong=NOT_CONTESTANT_A,
        methods=("POST",),
        effective=True,
        right_status=(302,),
    ),
    "contests:daily": Spec(
        lambda s: reverse("contests:daily", args=[_enterprise_contest(s).pk]),
        right="trainee",
        wrong=NOT_CONTESTANT_A,
        methods=("POST",),
        effective=True,
        right_status=(302,),
    ),
    "api:contests": Spec(
        lambda s: "/api/contests", right="regulator", wrong=("nobody",), api=True, methods=("GET",)
    ),
    "api:contest_rounds": Spec(
        lambda s: f"/api/contests/{_county_contest(s).pk}/rounds",
        right="regulator",
        wrong=("regulator_other", "admin", "admin_b", "nobody"),
        api=True,
        methods=("GET",),
    ),
    "api:contest_leaderboard": Spec(
        lambda s: f"/api/contests/{_county_contest(s).pk}/leaderboard?by=enterprise",
        right="regulator",
        wrong=NOT_COUNTY_ORGANISER,
        api=True,
        methods=("GET",),
    ),
    "reports:contests": Spec(
        lambda s: "/reports/contests/", right="regulator", wrong=NO_STAFF_ROLE, methods=("GET",)
    ),
    "reports:contests_export": Spec(
        lambda s: "/reports/contests/export.xlsx",
        right="regulator",
        wrong=NO_STAFF_ROLE,
        methods=("GET",),
    ),
}


# --------------------------------------------------------------------------- the walk


def url_patterns() -> dict[str, str]:
    """Every URL pattern outside /admin/: its name (with namespace) -> its route."""
    found: dict[str, str] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if route.startswith("admin/"):
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, route, inner)
            elif isinstance(entry, URLPattern):
                if route.startswith("admin/"):
                    continue  # the admin's sign-in, Wagtail's view with our lock-out answer
                name = namespace + (entry.name or f"<unnamed {route}>")
                found.setdefault(name, route)

    walk(get_resolver(), "", "")
    return found


def test_every_url_pattern_is_public_or_protected():
    patterns = url_patterns()
    unknown = sorted(set(patterns) - set(PUBLIC) - set(PROTECTED))
    stale = sorted((set(PUBLIC) | set(PROTECTED)) - set(patterns))
    assert not unknown, (
        "New URL patterns: add each to PROTECTED in this file (with real objects and the "
        f"users who must be refused), or to PUBLIC with the reason: {unknown}"
    )
    assert not stale, f"Listed here but no longer a URL pattern: {stale}"
    assert not set(PUBLIC) & set(PROTECTED)
    assert len(patterns) > 80  # the walk really went through the includes and the API


def _anonymous_refused(response, api: bool) -> bool:
    if api:
        return response.status_code in (401, 403, 405)
    if response.status_code == 302:
        return response["Location"].startswith("/accounts/login/")
    return response.status_code in (403, 405)


def send(client, method: str, url: str, data: dict | None, api: bool, multipart=False):
    if method == "GET":
        return client.get(url)
    if multipart:
        for value in (data or {}).values():
            if hasattr(value, "seek"):
                value.seek(0)
        return client.post(url, data or {})
    if api:
        return client.generic(method, url, _json(data or {}), content_type="application/json")
    return client.post(url, data or {})


def _json(data: dict) -> str:
    import json

    return json.dumps(data)


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)
_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def assert_csp_ready(response, where: str) -> None:
    """An HTML page must run under the CSP: no inline script, no on…= handler."""
    if not response.get("Content-Type", "").startswith("text/html") or response.streaming:
        return
    html = response.content.decode(errors="replace")
    assert "Content-Security-Policy" in response, where
    assert not _INLINE_SCRIPT.search(html), f"{where}: an inline <script> (blocked by the CSP)"
    assert not _HANDLER.search(html), f"{where}: an on…= handler (blocked by the CSP)"
    assert "javascript:" not in html.lower(), f"{where}: a javascript: URL"


@pytest.mark.parametrize("name", sorted(PROTECTED))
def test_protected_url(name, scene):
    spec = PROTECTED[name]
    if spec.prepare:
        spec.prepare(scene)
    url = spec.url(scene)
    data = spec.data(scene) if spec.data else None
    clients = {who: scene.client(who) for who in ("anon", spec.right, *spec.wrong, *spec.read_only)}
    before = database_fingerprint()

    # Signed out: refused for every method, nothing changed.
    for method in ("GET", "POST", "PATCH") if spec.api else ("GET", "POST"):
        response = send(clients["anon"], method, url, data, spec.api, spec.multipart)
        assert _anonymous_refused(response, spec.api), (
            f"anonymous {method} {url}: {response.status_code}"
        )
    # The wrong scope: 403/404 for every method the view takes, nothing changed.
    for who in (*spec.wrong, *spec.read_only):
        for method in spec.methods:
            if who in spec.read_only and method == "GET":
                continue
            response = send(clients[who], method, url, data, spec.api, spec.multipart)
            assert response.status_code in spec.wrong_status, (
                f"{who} {method} {url}: {response.status_code}, expected {spec.wrong_status}"
            )
    assert changed_tables(before, database_fingerprint()) == [], f"a refused request wrote: {url}"

    # The right user gets it (so the refusals above are about scope, not a bad URL).
    for method in spec.methods:
        response = send(clients[spec.right], method, url, data, spec.api, spec.multipart)
        assert response.status_code in spec.right_status, (
            f"{spec.right} {method} {url}: {response.status_code}, expected {spec.right_status}"
        )
        assert_csp_ready(response, f"{spec.right} {method} {url}")
    if spec.effective:
        assert changed_tables(before, database_fingerprint()), (
            f"{spec.right}'s {spec.methods} {url} changed nothing: the POST body proves nothing"
        )


@pytest.mark.parametrize("name", sorted(n for n, (_why, url) in PUBLIC.items() if url))
def test_public_url_answers_anyone(name, client):
    _why, url = PUBLIC[name]
    with translation.override("en"):
        response = client.get(url)
    assert response.status_code < 500
    assert not (response.status_code == 302 and "/login/" in response["Location"]), url
    assert_csp_ready(response, url)


def test_signing_out_and_the_language_menu_work_signed_out(client):
    assert client.post("/accounts/logout/").status_code == 302
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_the_admin_sends_signed_out_visitors_to_its_sign_in(client, scene):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    # A trainee has no admin access either.
    trainee = scene.client("trainee").get("/admin/")
    assert trainee.status_code in (302, 403)
    if trainee.status_code == 302:
        assert "/admin/login/" in trainee["Location"] or trainee["Location"] == "/"


def test_the_walk_counts():
    """The numbers the report quotes, kept honest."""
    patterns = url_patterns()
    assert len(PUBLIC) + len(PROTECTED) == len(patterns)
