"""Every role sees figures only for its own scope; filters outside it, unknown codes and
impossible dates get a clear message and no figures (page, export, API and command)."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, CertificateType, PostRequirement
from reports.selectors import ReportError, report_params, table, totals
from tests.factories import EmploymentFactory

pytestmark = pytest.mark.django_db


def _certify(person, ctype, on):
    return Certificate.objects.create(
        number=f"T{person.pk}-{ctype.pk}",
        certificate_type=ctype,
        person=person,
        status="valid",
        first_issued_on=on,
        valid_from=on,
        valid_until=on + dt.timedelta(days=2000),
        issuer_code="X",
        issuer_name="X",
        source=Certificate.Source.IMPORT,
        status_index=person.pk * 100 + ctype.pk,
    )


@pytest.fixture
def certified(world):
    """Welders (特种作业人员) everywhere: need a certificate; the one in township A holds it."""
    ctype = CertificateType.objects.order_by("pk").first()
    PostRequirement.objects.all().delete()
    PostRequirement.objects.create(certificate_type=ctype, post="焊工")
    for person in (world.person_a, world.person_a_chem, world.person_b, world.person_other):
        person.employments.update(post="焊工", category="special_operator")
    _certify(world.person_a, ctype, timezone.localdate() - dt.timedelta(days=30))
    return world


def test_each_role_sees_only_its_scope(certified):
    w = certified
    county = totals(user=w.regulator_county, params=report_params(user=w.regulator_county))
    assert (county["required"], county["holding"]) == (3, 1)  # not the other county's welder
    chem = totals(
        user=w.regulator_township_chem, params=report_params(user=w.regulator_township_chem)
    )
    assert (chem["people"], chem["required"], chem["holding"]) == (1, 1, 0)
    admin = totals(user=w.enterprise_admin, params=report_params(user=w.enterprise_admin))
    assert (admin["people"], admin["holding"]) == (1, 1)
    everything = totals(user=w.system_admin, params=report_params(user=w.system_admin))
    assert everything["required"] == 4
    # The enterprise admin's region table lists only the part holding their enterprise.
    rows = table(
        user=w.enterprise_admin,
        params=report_params(user=w.enterprise_admin, region=w.county.code),
        by="region",
    ).rows
    assert [r.code for r in rows] == [w.township_a.code]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"region": "990103"}, "outside your scope"),
        ({"region": "123456"}, "Unknown region"),
        ({"industry": "07"}, "outside your scope"),
        ({"industry": "ZZ"}, "Unknown industry"),
        ({"category": "astronaut"}, "Unknown personnel category"),
        ({"date": "2026-02-30"}, "YYYY-MM-DD"),
        ({"date": "1999-12-31"}, "no figures before"),
        ({"enterprise": "91990102MA01QHM7KT"}, "outside your scope"),
    ],
)
def test_bad_filters_are_refused_with_a_reason(certified, kwargs, message):
    with pytest.raises(ReportError, match=message):
        from django.utils import translation

        with translation.override("en"):
            report_params(user=certified.regulator_township_chem, **kwargs)


def test_future_dates_are_refused(certified):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(ReportError):
        report_params(user=certified.regulator_county, date=tomorrow)


def test_pages_and_api_refuse_out_of_scope_filters_and_show_nothing(certified, client):
    w = certified
    client.force_login(w.regulator_county)
    page = client.get(reverse("reports:dashboard"), {"region": w.other_county.code})
    assert page.status_code == 400
    assert "白石县" in page.content.decode() and "total" not in page.context
    assert "tables" not in page.context
    api = client.get("/api/reports/figures", {"region": w.other_county.code})
    assert api.status_code == 400 and "白石县" in api.json()["detail"]
    export = client.get(reverse("reports:export_xlsx"), {"enterprise": w.ent_other.uscc})
    assert export.status_code == 400
    people = client.get(reverse("reports:people"), {"enterprise": w.ent_other.uscc})
    assert people.status_code == 400 and "rows" not in people.context
    assert client.get("/api/reports/figures", {"by": "planet"}).status_code == 400


@pytest.mark.parametrize("who", ["trainee", "trainer", "no_role"])
def test_trainees_and_trainers_get_no_reports(certified, client, who):
    client.force_login(getattr(certified, who))
    assert client.get(reverse("reports:dashboard")).status_code == 403
    assert client.get(reverse("reports:export_csv")).status_code == 403
    assert client.get("/api/reports/figures").status_code == 403


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_people_list_is_audited_and_masks_id_numbers(certified, client):
    from roster.models import AuditLog

    client.force_login(certified.regulator_county)
    response = client.get(reverse("reports:people"), {"enterprise": certified.ent_a.uscc})
    assert response.status_code == 200
    html = response.content.decode()
    assert certified.person_a.id_number not in html
    assert certified.person_a.id_number_masked in html
    assert AuditLog.objects.filter(
        action="reports.people", actor=certified.regulator_county
    ).exists()


def test_command_refuses_bad_input_and_writes_nothing(certified, tmp_path):
    target = tmp_path / "out.xlsx"
    for args in (
        ["--region", "000000"],
        ["--industry", "nope"],
        ["--date", "2020-13-01"],
        ["-o", str(tmp_path / "out.txt")],
    ):
        with pytest.raises(CommandError):
            call_command("certification_report", "--by", "region", *args, stdout=io.StringIO())
    assert not target.exists()


def test_command_keeps_one_category(certified):
    # The fixture's welders are 特种作业人员; one more of them, and a 班组长 who is not counted.
    EmploymentFactory(enterprise=certified.ent_b, post="焊工", category="special_operator")
    EmploymentFactory(enterprise=certified.ent_b, post="焊工", category="team_leader")
    out = io.StringIO()
    call_command(
        "certification_report",
        "--by",
        "region",
        "--region",
        "990102",
        "--category",
        "特种作业人员",
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("code,name,required,holding,rate")
    township_b = next(line for line in lines if line.startswith("990102002,"))
    assert township_b.split(",")[2:5] == ["2", "0", "0.0000"]


def _csv_rows(out: str) -> dict[str, list[str]]:
    lines = out.splitlines()
    assert lines[0].startswith("code,name,required,holding,rate")
    return {line.split(",")[0]: line.split(",") for line in lines[1:]}


def test_command_without_a_region_reports_the_whole_database_by_region(certified):
    """It crashed (TypeError on the command's system principal) when --region was left out."""
    out = io.StringIO()
    call_command("certification_report", "--by", "region", stdout=out)
    rows = _csv_rows(out.getvalue())
    # The top level of the region tree, and in it every welder of both counties.
    assert list(rows) == [certified.county.parent.parent.code]
    assert rows[certified.county.parent.parent.code][2:5] == ["4", "1", "0.2500"]


def test_command_without_a_region_lists_every_enterprise(certified):
    out = io.StringIO()
    call_command("certification_report", "--by", "enterprise", stdout=out)
    rows = _csv_rows(out.getvalue())
    w = certified
    assert {w.ent_a.uscc, w.ent_a_chem.uscc, w.ent_b.uscc, w.ent_other.uscc} <= set(rows)
    assert rows[w.ent_other.uscc][2:5] == ["1", "0", "0.0000"]  # the other county's too
    assert rows[w.ent_a.uscc][2:5] == ["1", "1", "1.0000"]


@pytest.mark.parametrize("by", ["region", "industry", "enterprise", "category"])
def test_command_without_a_region_counts_everyone_in_every_grouping(certified, by):
    out = io.StringIO()
    call_command("certification_report", "--by", by, stdout=out)
    rows = _csv_rows(out.getvalue()).values()
    assert sum(int(r[2]) for r in rows) == 4 and sum(int(r[3]) for r in rows) == 1
