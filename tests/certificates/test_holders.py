"""The holders' roster, its export, a certificate's page and the 持证上岗 gaps, per role
(ARCHITECTURE.md rule 7): nobody reaches a certificate outside their scope."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from certificates.models import Certificate, CertificateType, Verification
from certificates.selectors import certificate_list, expiring, holder_gaps
from certificates.services.issuing import certificate_issue
from certificates.services.lifecycle import certificate_change_status
from roster.choices import PersonnelCategory
from roster.models import AuditLog, Employment
from tests.factories import EmploymentFactory

pytestmark = pytest.mark.django_db

SCOPE = {
    "enterprise_admin": {"person_a"},
    "regulator_county": {"person_a", "person_a_chem", "person_b"},
    "regulator_township_chem": {"person_a_chem"},
    "trainer": {"person_b"},
    "system_admin": {"person_a", "person_a_chem", "person_b", "person_other"},
}
STAFF = list(SCOPE)
PEOPLE = ["person_a", "person_a_chem", "person_b", "person_other"]
TODAY = dt.date(2026, 6, 1)


def client_as(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(getattr(world, role))
    return client


def issue(person, code="TZ-DG", on=None):
    return certificate_issue(
        person=person, ctype=CertificateType.objects.get(code=code), actor=None, on=on
    )


@pytest.fixture
def certs(world):
    """One 低压电工 certificate per person of the world, issued today."""
    return {key: issue(getattr(world, key)) for key in PEOPLE}


def in_page(response, msgid: str) -> bool:
    """The message as the user reads it (the site speaks Chinese by default)."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid) in response.content.decode()


def set_post(person, post: str, category: str = PersonnelCategory.SPECIAL_OPERATOR):
    Employment.objects.filter(person=person, ended_on__isnull=True).update(
        post=post, category=category
    )


# --- who gets in ---------------------------------------------------------------------------


def staff_urls(certs) -> dict[str, str]:
    return {
        "holders": reverse("certificates:holders"),
        "export": reverse("certificates:holders_export"),
        "detail": reverse("certificates:detail", args=[certs["person_a"].pk]),
    }


@pytest.mark.parametrize("role", ["trainee", "no_role"])
def test_trainee_and_account_without_role_get_403_on_staff_pages(world, certs, role):
    client = client_as(world, role)
    statuses = {name: client.get(url).status_code for name, url in staff_urls(certs).items()}
    # Even the trainee's own certificate: the staff page is not theirs (they have "mine").
    assert statuses == {"holders": 403, "export": 403, "detail": 403}


def test_anonymous_is_sent_to_sign_in(world, certs):
    for url in staff_urls(certs).values():
        response = Client().get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


# --- the list ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_holders_list_shows_exactly_the_certificates_in_scope(world, certs, role):
    response = client_as(world, role).get(reverse("certificates:holders"))
    assert response.status_code == 200
    assert {c.person for c in response.context["page"]} == {
        getattr(world, key) for key in SCOPE[role]
    }
    content = response.content.decode()
    for key in set(PEOPLE) - SCOPE[role]:
        assert getattr(world, key).name not in content


@pytest.mark.parametrize("role", STAFF)
def test_holders_list_masks_id_numbers_and_numbers_made_of_them(world, certs, role):
    content = client_as(world, role).get(reverse("certificates:holders")).content.decode()
    for key in SCOPE[role]:
        person = getattr(world, key)
        assert certs[key].number == "T" + person.id_number
        assert person.id_number not in content
        assert "T" + person.id_number_masked in content


def test_a_holder_who_left_is_no_longer_in_the_former_enterprise_list(world, certs):
    Employment.objects.filter(person=world.person_a).update(ended_on=dt.date(2026, 1, 1))
    response = client_as(world, "enterprise_admin").get(reverse("certificates:holders"))
    assert list(response.context["page"]) == []


def test_holders_list_enterprise_filter_outside_the_scope_shows_only_the_scope(world, certs):
    response = client_as(world, "trainer").get(
        reverse("certificates:holders"), {"enterprise": world.ent_a.uscc}
    )
    assert {c.person for c in response.context["page"]} == {world.person_b}
    assert in_page(response, "That enterprise is not in your scope.")


def test_holders_list_filters_by_enterprise_state_and_type(world, certs):
    issue(world.person_a, code="TZ-GY")
    certificate_change_status(
        certificate=certs["person_b"], kind="suspended", actor=None, reason="违章作业"
    )
    client = client_as(world, "regulator_county")
    by_enterprise = client.get(reverse("certificates:holders"), {"enterprise": world.ent_a.uscc})
    assert {c.person for c in by_enterprise.context["page"]} == {world.person_a}
    by_type = client.get(reverse("certificates:holders"), {"type": "TZ-GY"})
    # The 高压电工 item went onto person_a's one 特种作业操作证, which the filter finds by it.
    assert [c.pk for c in by_type.context["page"]] == [certs["person_a"].pk]
    suspended = client.get(reverse("certificates:holders"), {"state": "suspended"})
    assert [c.person for c in suspended.context["page"]] == [world.person_b]


def test_an_unknown_state_is_refused_with_a_message_and_ignored(world, certs):
    response = client_as(world, "system_admin").get(
        reverse("certificates:holders"), {"state": "bogus"}
    )
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 4
    assert in_page(response, "Unknown certificate state; showing every state.")


def test_state_filters_agree_with_the_state_of_each_certificate(world):
    on = dt.date(2026, 6, 1)
    fresh = issue(world.person_a, on=on)  # valid
    soon = issue(world.person_b, on=on)
    Certificate.objects.filter(pk=soon.pk).update(next_review_on=on + dt.timedelta(days=20))
    ending = issue(EmploymentFactory(enterprise=world.ent_b).person, on=on)
    Certificate.objects.filter(pk=ending.pk).update(
        next_review_on=None, valid_until=on + dt.timedelta(days=20)
    )
    old = issue(world.person_a_chem, on=dt.date(2022, 1, 1))  # review missed in 2025
    lapsed = issue(world.person_other, on=on)
    Certificate.objects.filter(pk=lapsed.pk).update(valid_until=on - dt.timedelta(days=1))
    expected = {
        "valid": {fresh.pk},
        # The review falls due soon, the card itself runs for years: not "expiring".
        "review_soon": {soon.pk},
        "expiring": {ending.pk},
        "review_due": {old.pk},
        "expired": {lapsed.pk},
    }
    for state, pks in expected.items():
        listed = certificate_list(user=world.system_admin, state=state, on=on)
        assert {c.pk for c in listed} == pks, state
        assert {c.state(on) for c in listed} == {state}


def test_holders_list_writes_an_audit_row(world, certs):
    client_as(world, "regulator_county").get(reverse("certificates:holders"), {"type": "TZ-DG"})
    row = AuditLog.objects.get(action="certificates.holders")
    assert row.actor == world.regulator_county
    assert row.data["count"] == 3
    assert row.data["filters"] == {"type": "TZ-DG"}


def test_holders_page_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(12):
        person = EmploymentFactory(enterprise=world.ent_a, post="低压电工").person
        issue(person)
        EmploymentFactory(
            enterprise=world.ent_a, post="焊工", category="special_operator"
        )  # a gap each
    client = client_as(world, "system_admin")
    with django_assert_max_num_queries(20):
        response = client.get(reverse("certificates:holders"))
    assert response.context["page"].paginator.count == 12
    assert response.context["gap_count"] == 12


# --- the export ----------------------------------------------------------------------------


def export_sheets(response) -> dict[str, list[tuple]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}


@pytest.mark.parametrize("role", STAFF)
def test_export_holds_exactly_the_certificates_in_scope(world, certs, role):
    sheets = export_sheets(client_as(world, role).get(reverse("certificates:holders_export")))
    rows = sheets["持证人员"]
    assert rows[0][:2] == ("姓名", "身份证号")
    assert {r[0] for r in rows[1:]} == {getattr(world, key).name for key in SCOPE[role]}


def test_export_shows_full_ids_only_where_the_user_administers(world, certs):
    admin_rows = export_sheets(
        client_as(world, "enterprise_admin").get(reverse("certificates:holders_export"))
    )["持证人员"]
    assert admin_rows[1][1] == world.person_a.id_number
    regulator_rows = export_sheets(
        client_as(world, "regulator_county").get(reverse("certificates:holders_export"))
    )["持证人员"]
    by_name = {r[0]: r for r in regulator_rows[1:]}
    person_b = by_name[world.person_b.name]
    assert person_b[1] == world.person_b.id_number_masked
    assert person_b[6] == "T" + world.person_b.id_number_masked


def test_export_carries_gaps_and_due_sheets_and_is_audited(world, certs):
    set_post(world.person_a, "焊工")
    response = client_as(world, "enterprise_admin").get(
        reverse("certificates:holders_export"), {"type": "TZ-DG"}
    )
    sheets = export_sheets(response)
    assert [r[5] for r in sheets["缺证人员"][1:]] == [
        CertificateType.objects.get(code="TZ-HJ").name
    ]
    assert "即将到期或待复审" in sheets
    row = AuditLog.objects.get(action="certificates.export")
    assert (row.actor, row.data["count"], row.data["masked"]) == (world.enterprise_admin, 1, True)


def test_export_with_an_enterprise_outside_the_scope_is_refused(world, certs):
    response = client_as(world, "trainer").get(
        reverse("certificates:holders_export"), {"enterprise": world.ent_a.uscc}
    )
    assert response.status_code == 404
    assert not AuditLog.objects.filter(action="certificates.export").exists()


# --- a certificate's page ------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_detail_opens_in_scope_and_is_404_outside(world, certs, role):
    client = client_as(world, role)
    statuses = {
        key: client.get(reverse("certificates:detail", args=[certs[key].pk])).status_code
        for key in PEOPLE
    }
    assert statuses == {key: 200 if key in SCOPE[role] else 404 for key in PEOPLE}


def test_detail_shows_the_history_with_who_and_why_and_is_audited(world, certs):
    certificate = certs["person_a"]
    certificate_change_status(
        certificate=certificate, kind="suspended", actor=world.system_admin, reason="违章作业"
    )
    response = client_as(world, "enterprise_admin").get(
        reverse("certificates:detail", args=[certificate.pk])
    )
    content = response.content.decode()
    assert "违章作业" in content and "sysadmin" in content
    assert [e.kind for e in response.context["events"]] == ["issued", "suspended"]
    assert world.person_a.id_number not in content
    row = AuditLog.objects.get(action="certificate.view")
    assert (row.actor, row.target_id) == (world.enterprise_admin, str(certificate.pk))


@pytest.mark.parametrize(
    "role, sees",
    [
        ("enterprise_admin", True),
        ("system_admin", True),
        ("regulator_county", False),
    ],
)
def test_verification_log_is_for_the_enterprise_admin_and_the_system_admin(
    world, certs, role, sees
):
    certificate = certs["person_a"]
    Verification.objects.create(
        certificate=certificate, channel="web", result="valid", network="203.0.113.0/24"
    )
    response = client_as(world, role).get(reverse("certificates:detail", args=[certificate.pk]))
    assert response.context["show_verifications"] is sees
    assert ("203.0.113.0/24" in response.content.decode()) is sees


# --- 持证上岗 gaps ---------------------------------------------------------------------------


def gap_keys(world, user=None, on=None) -> set[tuple[str, str]]:
    gaps = holder_gaps(user=user or world.system_admin, on=on)
    return {(g.person.name, g.certificate_type.code) for g in gaps}


def test_an_electrician_without_tz_dg_is_a_gap(world):
    set_post(world.person_a, "低压电工")
    assert gap_keys(world) == {(world.person_a.name, "TZ-DG")}


def test_an_electrician_with_tz_dg_in_force_is_not_a_gap(world):
    set_post(world.person_a, "低压电工")
    issue(world.person_a, on=dt.date(2026, 1, 5))
    assert gap_keys(world, on=dt.date(2026, 6, 1)) == set()


def test_an_expired_or_suspended_certificate_is_a_gap_again(world):
    set_post(world.person_a, "低压电工")
    certificate = issue(world.person_a, on=dt.date(2020, 1, 5))
    Certificate.objects.filter(pk=certificate.pk).update(next_review_on=None)
    assert gap_keys(world, on=dt.date(2024, 1, 1)) == set()
    later = dt.date(2026, 6, 1)  # valid until 2026-01-04
    assert gap_keys(world, on=later) == {(world.person_a.name, "TZ-DG")}
    gap = holder_gaps(user=world.system_admin, on=later)[0]
    assert gap.lapsed == certificate


def test_a_suspended_certificate_is_a_gap(world):
    set_post(world.person_a, "低压电工")
    certificate = issue(world.person_a)
    certificate_change_status(certificate=certificate, kind="suspended", actor=None, reason="违章")
    assert gap_keys(world) == {(world.person_a.name, "TZ-DG")}


def test_a_requirement_naming_an_industry_binds_only_that_industry(world):
    # 主要负责人 need ZY-FZR in high-risk industries (危险化学品) only.
    set_post(world.person_a, "", PersonnelCategory.PRINCIPAL)
    set_post(world.person_a_chem, "", PersonnelCategory.PRINCIPAL)
    assert gap_keys(world) == {(world.person_a_chem.name, "ZY-FZR")}


def test_gaps_stay_inside_the_scope(world):
    for key in PEOPLE:
        set_post(getattr(world, key), "低压电工")
    assert gap_keys(world, user=world.enterprise_admin) == {(world.person_a.name, "TZ-DG")}
    assert gap_keys(world, user=world.trainer) == {(world.person_b.name, "TZ-DG")}
    page = client_as(world, "trainer").get(reverse("certificates:holders"))
    assert [g.person for g in page.context["gaps"]] == [world.person_b]


def test_expiring_lists_in_force_certificates_due_within_the_window(world):
    on = dt.date(2026, 6, 1)
    due = issue(world.person_a, on=on)
    Certificate.objects.filter(pk=due.pk).update(next_review_on=on + dt.timedelta(days=60))
    issue(world.person_b, on=on)  # due in three years
    gone = issue(world.person_a_chem, on=on)
    Certificate.objects.filter(pk=gone.pk).update(valid_until=on - dt.timedelta(days=1))
    rows = list(expiring(user=world.system_admin, on=on))
    assert [(c.pk, c.due_on) for c in rows] == [(due.pk, on + dt.timedelta(days=60))]
    assert list(expiring(user=world.trainer, on=on)) == []
