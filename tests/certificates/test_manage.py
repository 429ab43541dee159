"""Certificate administration: the lifecycle pages (each action done, each refusal changing
nothing), who may use them, manual and session issue, and the Wagtail admin screens."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from certificates.models import Certificate, CertificateEvent, CertificateStatus, CertificateType
from certificates.services.issuing import certificate_issue
from roster.models import AuditLog
from tests.factories import exams_elsewhere

from .conftest import credit_review_hours, passed_exam, practical_row, take_exam

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today():
    """Each test's own day in China: a run that passes midnight there (16:00 UTC) must not
    keep the day the module was read on."""
    global TODAY
    TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """Pages in English, whatever the Chinese catalogue holds by then."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def certificate(world):
    """person_a's 低压电工 card, its first review due in ten days."""
    issued_on = TODAY - relativedelta(years=3) + dt.timedelta(days=10)
    return certificate_issue(
        person=world.person_a,
        ctype=CertificateType.objects.get(code="TZ-DG"),
        actor=world.system_admin,
        on=issued_on,
        elsewhere=exams_elsewhere(issued_on),
    )


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.enterprise_admin)
    return client


def url(certificate, action=""):
    return f"/certificates/manage/{certificate.pk}/" + (f"{action}/" if action else "")


def snapshot(certificate):
    certificate.refresh_from_db()
    return (
        certificate.status,
        certificate.next_review_on,
        certificate.last_reviewed_on,
        certificate.events.count(),
        Certificate.objects.count(),
    )


# Who may open the page -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("system_admin", 200),
        ("enterprise_admin", 200),
        ("regulator_county", 403),
        ("regulator_township_chem", 403),
        ("trainer", 403),
        ("trainee", 403),
        ("no_role", 403),
    ],
)
def test_certificate_page_per_role(client, world, certificate, role, status):
    client.force_login(getattr(world, role))
    assert client.get(url(certificate)).status_code == status


def test_opening_a_certificate_is_audited(admin_client, world, certificate):
    admin_client.get(url(certificate))
    entry = AuditLog.objects.get(action="certificate.manage_view")
    assert (entry.actor, entry.target_id) == (world.enterprise_admin, str(certificate.pk))


def test_anonymous_is_sent_to_login(client, certificate):
    response = client.get(url(certificate))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_another_enterprises_certificate_is_not_found(admin_client, world):
    other = certificate_issue(
        person=world.person_b, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    assert admin_client.get(url(other)).status_code == 404
    response = admin_client.post(url(other, "suspend"), {"suspend-reason": "x"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == CertificateStatus.VALID


def test_regulator_cannot_post_an_action(client, world, certificate):
    client.force_login(world.regulator_county)
    before = snapshot(certificate)
    response = client.post(url(certificate, "suspend"), {"suspend-reason": "检查"})
    assert response.status_code == 403
    assert snapshot(certificate) == before


def test_actions_need_post(admin_client, certificate):
    assert admin_client.get(url(certificate, "suspend")).status_code == 405


def test_unknown_action_is_not_found(admin_client, certificate):
    assert admin_client.post(url(certificate, "explode"), {}).status_code == 404


def test_page_offers_the_actions_of_a_valid_certificate(admin_client, certificate):
    page = admin_client.get(url(certificate)).content.decode()
    for action in ("review", "renew", "replace", "suspend", "revoke", "cancel"):
        assert f'id="action-{action}"' in page
    assert 'id="action-reinstate"' not in page
    assert certificate.person.id_number_masked in page


# Status changes ---------------------------------------------------------------------------


def test_suspend_keeps_who_and_why(admin_client, world, certificate):
    response = admin_client.post(url(certificate, "suspend"), {"suspend-reason": "违章作业"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUSPENDED
    event = certificate.events.last()
    assert (event.kind, event.reason, event.by) == ("suspended", "违章作业", world.enterprise_admin)


def test_suspend_without_a_reason_is_refused_and_changes_nothing(admin_client, certificate):
    before = snapshot(certificate)
    response = admin_client.post(url(certificate, "suspend"), {"suspend-reason": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert snapshot(certificate) == before


def test_reinstate_after_suspension(admin_client, certificate):
    admin_client.post(url(certificate, "suspend"), {"suspend-reason": "违章"})
    page = admin_client.get(url(certificate)).content.decode()
    assert 'id="action-reinstate"' in page and 'id="action-suspend"' not in page
    admin_client.post(url(certificate, "reinstate"), {"reinstate-reason": "整改完成"})
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_reinstating_a_valid_certificate_shows_the_refusal(admin_client, certificate):
    before = snapshot(certificate)
    response = admin_client.post(url(certificate, "reinstate"), {"reinstate-reason": "x"})
    assert response.status_code == 200
    assert "cannot be changed that way" in response.content.decode()
    assert snapshot(certificate) == before


@pytest.mark.parametrize(("action", "status"), [("revoke", "revoked"), ("cancel", "cancelled")])
def test_revoke_and_cancel(admin_client, certificate, action, status):
    admin_client.post(url(certificate, action), {f"{action}-reason": "考核作弊"})
    certificate.refresh_from_db()
    assert certificate.status == status
    assert certificate.events.last().reason == "考核作弊"


def test_a_cancelled_certificate_offers_nothing_and_refuses_revocation(admin_client, certificate):
    admin_client.post(url(certificate, "cancel"), {"cancel-reason": "本人申请注销"})
    page = admin_client.get(url(certificate)).content.decode()
    assert "No action applies" in page
    before = snapshot(certificate)
    response = admin_client.post(url(certificate, "revoke"), {"revoke-reason": "x"})
    assert "cannot be changed that way" in response.content.decode()
    assert snapshot(certificate) == before


# Review, renewal, replacement ------------------------------------------------------------


def test_review_moves_the_next_review_date(admin_client, certificate, world):
    due = certificate.next_review_on
    credit_review_hours(certificate.person, TODAY - dt.timedelta(days=20))
    passed_exam(world, certificate.person, TODAY - dt.timedelta(days=5))  # the review exam
    response = admin_client.post(
        url(certificate, "review"),
        {
            "review-applied_on": (due - dt.timedelta(days=60)).isoformat(),
            "review-on": TODAY.isoformat(),
            "review-reason": "复审合格",
        },
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.last_reviewed_on == TODAY
    assert certificate.next_review_on is None or certificate.next_review_on > due
    event = certificate.events.last()
    assert event.kind == "reviewed" and event.details["training_hours"] == 8.0


def test_review_with_too_few_hours_is_refused_and_changes_nothing(admin_client, certificate):
    before = snapshot(certificate)
    credit_review_hours(certificate.person, TODAY - dt.timedelta(days=20), hours=4)
    response = admin_client.post(
        url(certificate, "review"),
        {
            "review-applied_on": (certificate.next_review_on - dt.timedelta(days=60)).isoformat(),
            "review-on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "needs 8 hours of review training; the hours ledger has 4.0" in (
        response.content.decode()
    )
    assert snapshot(certificate) == before


def test_review_in_the_future_is_refused(admin_client, certificate):
    before = snapshot(certificate)
    tomorrow = TODAY + dt.timedelta(days=1)
    response = admin_client.post(
        url(certificate, "review"),
        {"review-on": tomorrow.isoformat(), "review-applied_on": TODAY.isoformat()},
    )
    assert "in the future" in response.content.decode()
    assert snapshot(certificate) == before


def test_renew_makes_a_new_record_and_opens_it(admin_client, certificate):
    response = admin_client.post(
        url(certificate, "renew"),
        {"renew-reason": "延续换证", "renew-applied_on": TODAY.isoformat()},
    )
    new = Certificate.objects.get(supersedes=certificate)
    assert response["Location"] == url(new)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REPLACED
    assert new.number == certificate.number
    assert new.valid_from == certificate.valid_until + dt.timedelta(days=1)


def test_renew_without_reason_changes_nothing(admin_client, certificate):
    before = snapshot(certificate)
    admin_client.post(url(certificate, "renew"), {"renew-reason": ""})
    assert snapshot(certificate) == before


def test_replace_with_a_new_number(admin_client, world):
    ctype = CertificateType.objects.get(code="JZ-C2")
    old = certificate_issue(person=world.person_a, ctype=ctype, actor=None)
    admin_client.post(
        url(old, "replace"), {"replace-reason": "遗失补证", "replace-new_number": "on"}
    )
    new = Certificate.objects.get(supersedes=old)
    assert new.number != old.number
    assert (new.valid_from, new.valid_until) == (old.valid_from, old.valid_until)
    old.refresh_from_db()
    assert old.status == CertificateStatus.REPLACED
    assert old.events.last().kind == CertificateEvent.Kind.REPLACED


def test_replacing_a_revoked_certificate_is_refused(admin_client, certificate):
    admin_client.post(url(certificate, "revoke"), {"revoke-reason": "作弊"})
    before = snapshot(certificate)
    response = admin_client.post(url(certificate, "replace"), {"replace-reason": "遗失"})
    assert "cannot be replaced" in response.content.decode()
    assert snapshot(certificate) == before


def test_system_admin_acts_on_any_certificate(client, world):
    other = certificate_issue(
        person=world.person_other, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    client.force_login(world.system_admin)
    client.post(url(other, "suspend"), {"suspend-reason": "检查"})
    other.refresh_from_db()
    assert other.status == CertificateStatus.SUSPENDED


# Manual issue -------------------------------------------------------------------------------


def issue_form(person, code="TZ-DG", **extra):
    return {
        "id_number": person.id_number.lower(),
        "certificate_type": CertificateType.objects.get(code=code).pk,
        "on": TODAY.isoformat(),
        "reason": "外地考试合格",
        # The exams held elsewhere that a special-operation type needs.
        "theory_on": (TODAY - dt.timedelta(days=20)).isoformat(),
        "theory_score": "86",
        "practical_on": (TODAY - dt.timedelta(days=10)).isoformat(),
        "practical_score": "90",
        "examiner": "王考评",
        **extra,
    }


def test_enterprise_admin_issues_to_own_person(admin_client, world):
    response = admin_client.post("/certificates/manage/issue/", issue_form(world.person_a))
    certificate = Certificate.objects.get(person=world.person_a)
    assert response["Location"] == url(certificate)
    assert certificate.source == Certificate.Source.MANUAL
    assert certificate.issued_by == world.enterprise_admin
    assert certificate.events.get().reason == "外地考试合格"


def test_issue_to_another_enterprises_person_is_refused(admin_client, world):
    response = admin_client.post("/certificates/manage/issue/", issue_form(world.person_b))
    assert "works at an enterprise you administer" in response.content.decode()
    assert not Certificate.objects.exists()


def test_issue_with_a_bad_id_number_is_refused(admin_client, world):
    response = admin_client.post(
        "/certificates/manage/issue/", issue_form(world.person_a, id_number="123")
    )
    assert response.status_code == 200
    assert not Certificate.objects.exists()


def test_issuing_a_type_already_held_shows_the_refusal(admin_client, world, certificate):
    response = admin_client.post("/certificates/manage/issue/", issue_form(world.person_a))
    assert "renew or replace it instead" in response.content.decode()
    assert Certificate.objects.count() == 1


@pytest.mark.parametrize("role", ["regulator_county", "trainer", "trainee", "no_role"])
def test_issue_is_refused_to_other_roles(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get("/certificates/manage/issue/").status_code == 403
    client.post("/certificates/manage/issue/", issue_form(world.person_a))
    assert not Certificate.objects.exists()


def test_index_finds_a_certificate_by_number(admin_client, certificate, world):
    page = admin_client.get("/certificates/manage/", {"number": certificate.number}).content
    assert url(certificate).encode() in page
    other = certificate_issue(
        person=world.person_b, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    page = admin_client.get("/certificates/manage/", {"number": other.number}).content
    assert url(other).encode() not in page


# Session batch ------------------------------------------------------------------------------


def test_system_admin_issues_a_sessions_certificates(
    client, world, cert_session, now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # no automatic issue
        attempt = take_exam(cert_session, world.person_a, now)
    client.force_login(world.system_admin)
    # 特种作业: the theory pass alone is not enough; the batch says what is missing.
    page = client.post(
        "/certificates/manage/session-issue/", {"session": cert_session.pk}
    ).content.decode()
    assert "theory and practical exam, each passed" in page
    assert not Certificate.objects.exists()
    practical_row(world.person_a, attempt, timezone.localdate())
    response = client.post("/certificates/manage/session-issue/", {"session": cert_session.pk})
    certificate = Certificate.objects.get(person=world.person_a)
    page = response.content.decode()
    assert certificate.number in page
    assert "No problems." in page


def test_session_batch_lists_every_problem(
    client, world, cert_session, now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        take_exam(cert_session, world.person_a, now)
    cert_session.certificate_type_code = "NO-SUCH"
    cert_session.save(update_fields=["certificate_type_code"])
    client.force_login(world.system_admin)
    page = client.post(
        "/certificates/manage/session-issue/", {"session": cert_session.pk}
    ).content.decode()
    assert f"{world.person_a.name}: No certificate type has the code NO-SUCH." in page
    assert not Certificate.objects.exists()


def test_enterprise_admin_runs_only_their_enterprises_sessions(
    admin_client, world, cert_session, now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        attempt = take_exam(cert_session, world.person_a, now)
    practical_row(world.person_a, attempt, timezone.localdate())
    response = admin_client.post(
        "/certificates/manage/session-issue/", {"session": cert_session.pk}
    )
    assert response.status_code == 200
    assert not Certificate.objects.exists()  # a training body's session: not theirs
    cert_session.enterprise, cert_session.training_body = world.ent_a, None  # now internal
    cert_session.save(update_fields=["enterprise", "training_body"])
    admin_client.post("/certificates/manage/session-issue/", {"session": cert_session.pk})
    assert Certificate.objects.filter(person=world.person_a).count() == 1


def test_session_batch_is_refused_to_a_trainer(client, world, cert_session):
    client.force_login(world.trainer)
    response = client.post("/certificates/manage/session-issue/", {"session": cert_session.pk})
    assert response.status_code == 403


# Wagtail admin ------------------------------------------------------------------------------


@pytest.fixture
def wagtail_client(client, world):
    profile = UserProfile.get_for_user(world.system_admin)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(world.system_admin)
    return client


def type_form(**overrides):
    values = {
        "code": "NB-XF",
        "name": "消防控制室操作证（内部）",
        "family": "internal",
        "personnel_category": "general",
        "operation_category": "",
        "operation_item": "",
        "validity_years": "2",
        "review_interval_years": "",
        "review_training_hours": "0",
        "extended_review_after_years": "",
        "extended_review_interval_years": "",
        "number_pattern": "XF{year}{seq:04d}",
        "issuer_code": "QY",
        "issuer_name": "本企业",
        "is_active": "on",
    }
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    "url_",
    [
        "/admin/snippets/certificates/certificatetype/",
        "/admin/snippets/certificates/certificatetype/add/",
        "/admin/snippets/certificates/postrequirement/",
        "/admin/snippets/certificates/postrequirement/add/",
        "/admin/snippets/certificates/certificate/",
        "/admin/snippets/certificates/certificaterule/",
        "/admin/snippets/certificates/conductrecord/",
        "/admin/snippets/certificates/conductrecord/add/",
    ],
)
def test_system_admin_opens_the_certificate_screens(wagtail_client, url_):
    assert wagtail_client.get(url_).status_code == 200


def test_a_certificate_type_is_added_in_the_admin(wagtail_client):
    response = wagtail_client.post("/admin/snippets/certificates/certificatetype/add/", type_form())
    assert response.status_code == 302
    assert CertificateType.objects.get(code="NB-XF").number_pattern == "XF{year}{seq:04d}"


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("XF{year}", "must contain {seq:06d} or {id_number}"),
        ("XF{seq:04d", "cannot be read"),
        ("XF{month}{seq:04d}", "unknown field"),
    ],
)
def test_a_number_pattern_that_cannot_work_is_refused(wagtail_client, pattern, message):
    response = wagtail_client.post(
        "/admin/snippets/certificates/certificatetype/add/", type_form(number_pattern=pattern)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CertificateType.objects.filter(code="NB-XF").exists()


def test_editing_a_seeded_type_checks_the_pattern_too(wagtail_client):
    ctype = CertificateType.objects.get(code="NB-SG")
    wagtail_client.post(
        f"/admin/snippets/certificates/certificatetype/edit/{ctype.pk}/",
        type_form(code="NB-SG", number_pattern="SG{year}"),
    )
    ctype.refresh_from_db()
    assert ctype.number_pattern == "SG{year}{seq:05d}"


def test_certificates_are_listed_searched_and_filtered(wagtail_client, certificate, world):
    other = certificate_issue(
        person=world.person_b, ctype=CertificateType.objects.get(code="JZ-C2"), actor=None
    )
    base = "/admin/snippets/certificates/certificate/"
    by_name = wagtail_client.get(base, {"q": world.person_a.name}).content.decode()
    assert certificate.number in by_name and other.number not in by_name
    by_number = wagtail_client.get(base, {"q": other.number}).content.decode()
    assert other.number in by_number and certificate.number not in by_number
    by_type = wagtail_client.get(base, {"certificate_type": other.certificate_type_id})
    assert other.number in by_type.content.decode()
    assert certificate.number not in by_type.content.decode()
    by_status = wagtail_client.get(base, {"status": "suspended"}).content.decode()
    assert certificate.number not in by_status
    inspect = wagtail_client.get(f"{base}inspect/{certificate.pk}/")
    assert inspect.status_code == 200


def test_certificates_cannot_be_edited_added_or_deleted_in_the_admin(wagtail_client, certificate):
    base = "/admin/snippets/certificates/certificate/"
    before = snapshot(certificate)
    for response in (
        wagtail_client.get(f"{base}edit/{certificate.pk}/"),
        wagtail_client.post(f"{base}edit/{certificate.pk}/", {"status": "revoked"}),
        wagtail_client.get(f"{base}add/"),
        wagtail_client.post(f"{base}delete/{certificate.pk}/"),
    ):
        assert response.status_code in (302, 403)
    assert snapshot(certificate) == before


@pytest.mark.parametrize("role", ["enterprise_admin", "regulator_county", "trainer"])
def test_other_roles_cannot_open_the_certificate_admin(client, world, role):
    client.force_login(getattr(world, role))
    response = client.get("/admin/snippets/certificates/certificatetype/")
    assert response.status_code in (302, 403)


# ---------------------------------------------------------------- what the service allows


def test_the_steps_allowed_follow_the_status_as_the_service_says(world, certificate):
    from certificates.services.lifecycle import certificate_actions_allowed

    def allowed(status, **fields):
        Certificate.objects.filter(pk=certificate.pk).update(status=status, **fields)
        certificate.refresh_from_db()
        return certificate_actions_allowed(actor=world.enterprise_admin, certificate=certificate)

    assert allowed(CertificateStatus.VALID) == [
        "review", "renew", "replace", "suspend", "revoke", "cancel"
    ]  # fmt: skip
    assert allowed(CertificateStatus.VALID, next_review_on=None) == [
        "renew", "replace", "suspend", "revoke", "cancel"
    ]  # fmt: skip
    assert allowed(CertificateStatus.SUSPENDED) == ["replace", "reinstate", "revoke", "cancel"]
    assert allowed(CertificateStatus.REVOKED) == ["cancel"]
    assert allowed(CertificateStatus.CANCELLED) == []
    assert allowed(CertificateStatus.REPLACED) == []


@pytest.mark.parametrize("who", ["regulator_county", "trainer", "trainee"])
def test_no_step_is_allowed_to_anyone_but_the_holders_managers(world, certificate, who):
    from certificates.services.lifecycle import certificate_actions_allowed

    assert certificate_actions_allowed(actor=getattr(world, who), certificate=certificate) == []
    assert certificate_actions_allowed(actor=world.system_admin, certificate=certificate)
    assert certificate_actions_allowed(actor=None, certificate=certificate)  # the system


def test_another_enterprises_admin_is_allowed_no_step(world):
    from certificates.services.lifecycle import certificate_actions_allowed

    theirs = certificate_issue(
        person=world.person_b, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    assert certificate_actions_allowed(actor=world.enterprise_admin, certificate=theirs) == []


def test_the_page_offers_each_step_the_service_allows_and_no_other(admin_client, certificate):
    from certificates.services.lifecycle import STEPS
    from certificates.views.manage import ACTIONS

    assert list(ACTIONS) == list(STEPS)
    Certificate.objects.filter(pk=certificate.pk).update(status=CertificateStatus.SUSPENDED)
    html = admin_client.get(url(certificate)).content.decode()
    offered = {name for name in ACTIONS if f'action="{url(certificate, name)}"' in html}
    assert offered == {"replace", "reinstate", "revoke", "cancel"}


def test_a_certificate_rule_is_changed_in_the_admin(wagtail_client):
    from certificates.models import CertificateRule

    rule = CertificateRule.objects.get(family="special_operation")
    page = wagtail_client.get(f"/admin/snippets/certificates/certificaterule/edit/{rule.pk}/")
    assert page.status_code == 200
    response = wagtail_client.post(
        f"/admin/snippets/certificates/certificaterule/edit/{rule.pk}/",
        {
            "family": "special_operation",
            "review_apply_days_before": "90",
            "renew_apply_days_before": "",
            "renew_window_months": "",
            "revocation_bar_years": "3",
            "away_practical_months": "6",
            "theory_valid_months": "12",
            "practical_pass_mark": "80",
            "assess_within_months": "",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.review_apply_days_before == 90  # a province's own figure, no code change
