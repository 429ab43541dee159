"""三级安全教育 of staff who predate the product (issue 26, Must 6): earlier records imported
through the shared import framework (check page, per-row report), or marked as done before
go-live with a reason, per person or for everyone hired before a date. A 2012 hire is then
not shown as missing it; a post change after go-live still asks for the levels again."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import CreditEntry, SafetyEducationBeforeGoLive, SafetyEducationRecord
from courses.services.compliance import safety_education_status
from courses.services.records import RecordError
from courses.services.safety_education import (
    education_mark_done_before_go_live,
    education_mark_hired_before,
)
from roster.models import AuditLog, EmploymentEvent
from tests.factories import EmploymentFactory, make_id_number
from tests.roster.sheets import xlsx_bytes

IMPORT = reverse("courses:education_import")
GO_LIVE = reverse("courses:education_before_go_live")
HEADERS = ["姓名", "身份证号", "教育级别", "教育日期", "学时", "授课人", "教育原因"]


@pytest.fixture
def veteran(world):
    """On the post since 2012, before the product: no 三级 record in it."""
    return EmploymentFactory(
        enterprise=world.ent_a,
        hire_date=dt.date(2012, 4, 1),
        person__id_number=make_id_number(seq=601),
        person__name="老张",
    ).person


@pytest.fixture
def newcomer(world):
    return EmploymentFactory(
        enterprise=world.ent_a,
        hire_date=dt.date(2025, 3, 1),
        person__id_number=make_id_number(seq=602),
        person__name="小李",
    ).person


def test_a_2012_hire_without_records_misses_every_level_until_marked(world, veteran):
    assert safety_education_status(person=veteran).missing_levels == (
        "company",
        "workshop",
        "team",
    )

    education_mark_done_before_go_live(
        person=veteran,
        enterprise=world.ent_a,
        reason="纸质台账已完成",
        actor=world.enterprise_admin,
    )

    assert safety_education_status(person=veteran).complete


def test_bulk_mark_covers_those_hired_before_the_date_only(world, veteran, newcomer):
    count = education_mark_hired_before(
        enterprise=world.ent_a,
        hired_before=dt.date(2020, 1, 1),
        reason="系统上线前入职，纸质三级教育卡存档",
        actor=world.enterprise_admin,
    )

    assert count == 1
    assert safety_education_status(person=veteran).complete
    assert not safety_education_status(person=newcomer).complete
    mark = SafetyEducationBeforeGoLive.objects.get(person=veteran)
    assert (mark.reason, mark.created_by) == (
        "系统上线前入职，纸质三级教育卡存档",
        world.enterprise_admin,
    )
    assert AuditLog.objects.filter(action="courses.safety_education", actor=world.enterprise_admin)
    # Marking again adds nobody twice.
    again = education_mark_hired_before(
        enterprise=world.ent_a,
        hired_before=dt.date(2020, 1, 1),
        reason="再次",
        actor=world.enterprise_admin,
    )
    assert again == 0


def test_a_post_change_after_go_live_asks_for_workshop_and_team_again(world, veteran):
    education_mark_done_before_go_live(
        person=veteran, enterprise=world.ent_a, reason="纸质台账", actor=world.enterprise_admin
    )
    employment = veteran.employments.get()
    later = SafetyEducationBeforeGoLive.objects.get(person=veteran).done_by + dt.timedelta(days=3)
    EmploymentEvent.objects.create(
        employment=employment,
        kind=EmploymentEvent.Kind.CHANGED,
        effective_on=later,
        changes={"post": ["车工", "焊工"]},
    )

    status = safety_education_status(person=veteran)

    assert status.missing_levels == ("workshop", "team")


def test_a_post_change_before_go_live_is_covered_by_the_mark(world, veteran):
    employment = veteran.employments.get()
    EmploymentEvent.objects.create(
        employment=employment,
        kind=EmploymentEvent.Kind.CHANGED,
        effective_on=dt.date(2016, 5, 1),
        changes={"post": ["车工", "焊工"]},
    )
    education_mark_done_before_go_live(
        person=veteran, enterprise=world.ent_a, reason="纸质台账", actor=world.enterprise_admin
    )

    assert safety_education_status(person=veteran).complete


@pytest.mark.parametrize("reason", ["", "  ", "x" * 301])
def test_a_mark_without_a_reason_is_refused(world, veteran, reason):
    with pytest.raises(RecordError):
        education_mark_done_before_go_live(
            person=veteran, enterprise=world.ent_a, reason=reason, actor=world.enterprise_admin
        )
    assert not SafetyEducationBeforeGoLive.objects.exists()


def test_another_enterprises_admin_may_not_mark(world, veteran):
    with pytest.raises(RecordError):
        education_mark_done_before_go_live(
            person=veteran, enterprise=world.ent_a, reason="纸质台账", actor=world.regulator_county
        )
    with pytest.raises(RecordError):
        education_mark_hired_before(
            enterprise=world.ent_b,
            hired_before=dt.date(2020, 1, 1),
            reason="纸质台账",
            actor=world.enterprise_admin,
        )
    assert not SafetyEducationBeforeGoLive.objects.exists()


def test_someone_not_on_the_roster_cannot_be_marked(world):
    elsewhere = world.person_b
    with pytest.raises(RecordError):
        education_mark_done_before_go_live(
            person=elsewhere,
            enterprise=world.ent_a,
            reason="纸质台账",
            actor=world.enterprise_admin,
        )


# --------------------------------------------------------------------------- on the web


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.enterprise_admin)
    return client


def upload(client, rows, *, only_valid=False):
    form = {"file": SimpleUploadedFile("三级教育.xlsx", xlsx_bytes([HEADERS, *rows]))}
    if only_valid:
        form["only_valid"] = "on"
    return client.post(IMPORT, form)


def rows_for(person):
    return [
        [person.name, person.id_number, "公司级", "2012-04-01", 24, "王工", "新员工"],
        [person.name, person.id_number, "车间级", dt.date(2012, 4, 3), 24, "", ""],
        [person.name, person.id_number, "班组级", "2012年4月5日", 24, "", ""],
    ]


def test_import_checks_then_writes_on_confirm(admin_client, world, veteran):
    response = upload(admin_client, rows_for(veteran))

    check = response.context["check"]
    assert (check["total"], check["valid"], check["report"].created) == (3, 3, 3)
    assert not SafetyEducationRecord.objects.exists()  # the check writes nothing

    response = admin_client.post(IMPORT, {"token": check["token"], "enterprise": world.ent_a.uscc})

    assert response.status_code == 302
    assert SafetyEducationRecord.objects.filter(person=veteran).count() == 3
    assert safety_education_status(person=veteran).complete
    # Pre-job hours credited on the dates of the paper records.
    assert CreditEntry.objects.filter(person=veteran, on__year=2012).count() == 3


def test_import_lists_every_bad_row_and_writes_nothing_without_only_valid(
    admin_client, world, veteran
):
    rows = [
        *rows_for(veteran),
        [veteran.name, veteran.id_number, "车间", "2012-04-01", 8, "", ""],
        ["王五", make_id_number(seq=699), "班组级", "2012-04-01", 8, "", ""],
        ["张三", veteran.id_number, "班组级", "2031-04-01", "八", "", "调岗"],
    ]
    response = upload(admin_client, rows)

    report = response.context["check"]["report"]
    by_row = {(e.row, e.column) for e in report.errors}
    assert (5, "教育级别") in by_row
    assert (6, "身份证号") in by_row
    assert {(7, "教育日期"), (7, "学时"), (7, "教育原因"), (7, "姓名")} <= by_row
    page = response.content.decode()
    assert "不在本企业花名册中" in page
    assert "车间" in page  # what was typed is shown

    admin_client.post(
        IMPORT, {"token": response.context["check"]["token"], "enterprise": world.ent_a.uscc}
    )
    assert not SafetyEducationRecord.objects.exists()


def test_import_of_only_the_valid_rows(admin_client, world, veteran):
    rows = [
        *rows_for(veteran),
        ["王五", make_id_number(seq=699), "班组级", "2012-04-01", 8, "", ""],
    ]
    token = upload(admin_client, rows, only_valid=True).context["check"]["token"]

    admin_client.post(IMPORT, {"token": token, "enterprise": world.ent_a.uscc})

    assert SafetyEducationRecord.objects.count() == 3


def test_importing_the_same_file_twice_leaves_the_records_unchanged(admin_client, world, veteran):
    for _ in range(2):
        token = upload(admin_client, rows_for(veteran)).context["check"]["token"]
        admin_client.post(IMPORT, {"token": token, "enterprise": world.ent_a.uscc})

    assert SafetyEducationRecord.objects.count() == 3
    assert upload(admin_client, rows_for(veteran)).context["check"]["report"].unchanged == 3


def test_page_lists_who_misses_it_and_bulk_marks(admin_client, world, veteran, newcomer):
    page = admin_client.get(GO_LIVE)
    assert page.status_code == 200
    assert {e.person for e, _s in page.context["missing"]} >= {veteran, newcomer}

    response = admin_client.post(
        GO_LIVE,
        {
            "form": "bulk",
            "enterprise": world.ent_a.uscc,
            "bulk-hired_before": "2020-01-01",
            "bulk-reason": "上线前入职，纸质记录",
        },
    )

    assert response.status_code == 302
    missing = {e.person for e, _s in admin_client.get(GO_LIVE).context["missing"]}
    assert veteran not in missing
    assert newcomer in missing


def test_bad_input_on_the_page_keeps_what_was_typed(admin_client, world, veteran):
    response = admin_client.post(
        GO_LIVE,
        {
            "form": "person",
            "enterprise": world.ent_a.uscc,
            "person-id_number": "110101199001011234",
            "person-reason": "纸质记录",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "110101199001011234" in page
    assert "纸质记录" in page
    assert not SafetyEducationBeforeGoLive.objects.exists()


@pytest.mark.parametrize("role", ["trainee", "regulator_county", "trainer"])
def test_only_the_enterprise_admin_uses_the_pages(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get(GO_LIVE).status_code == 403
    assert client.get(IMPORT).status_code == 403
