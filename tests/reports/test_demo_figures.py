"""On the demo county, the figures on the page, in the exports, from the API and from
`certification_report` agree with each other and with a person-by-person computation."""

import csv
import io

import pandas as pd
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reports.definitions import COUNT_CODES, with_rates
from roster.models import Employment, Enterprise, User

from .independent import counts_by

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_county):
    return demo_county


def _counts(values):
    return {code: values[code] for code in COUNT_CODES}


def test_page_export_api_and_command_agree_with_an_independent_computation(demo, client):
    today = timezone.localdate()
    regulator = User.objects.get(username="county_reg")
    county = "990102"
    in_county = Employment.objects.filter(enterprise__region__path__contains=f"/{county}/")
    expected_by_enterprise = counts_by(lambda e: e.enterprise.uscc, on=today, employments=in_county)
    expected_total = {
        code: sum(c[code] for c in expected_by_enterprise.values()) for code in COUNT_CODES
    }
    # The demo has something in every figure, or the comparison would prove little.
    assert all(expected_total[code] > 0 for code in ("required", "holding", "trained", "hours_ok"))
    assert expected_total["exams_sat"] > 0 and expected_total["violations_open"] > 0
    assert expected_total["dispatch_forbidden"] > 0  # the coal mine's 劳务派遣 blaster (demo)

    client.force_login(regulator)
    page = client.get(reverse("reports:dashboard"))
    assert page.status_code == 200
    assert _counts(page.context["total"]) == expected_total
    by_region = page.context["tables"]["region"]
    assert {code: sum(r.values[code] for r in by_region.rows) for code in COUNT_CODES} == (
        expected_total
    )

    # The parts of every table add up to the whole.
    for by in ("industry", "category"):
        rows = client.get("/api/reports/figures", {"by": by}).json()["rows"]
        summed = {code: sum(r["figures"][code] for r in rows) for code in COUNT_CODES}
        assert summed == expected_total, by

    api = client.get("/api/reports/figures", {"by": "enterprise"}).json()
    assert {code: sum(r["figures"][code] for r in api["rows"]) for code in COUNT_CODES} == (
        expected_total
    )
    assert _counts(api["total"]) == expected_total
    got = {row["code"]: _counts(row["figures"]) for row in api["rows"]}
    for uscc, counts in expected_by_enterprise.items():
        assert got[uscc] == counts, uscc
    assert api["total"]["certification_rate"] == with_rates(expected_total)["certification_rate"]

    export = client.get(reverse("reports:export_csv"), {"by": "enterprise"})
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    for row in rows:
        expected = expected_by_enterprise.get(row["code"], dict.fromkeys(COUNT_CODES, 0))
        assert int(row["required"]) == expected["required"]
        assert int(row["holding"]) == expected["holding"]
        rate = with_rates(expected)["certification_rate"]
        assert (row["rate"] == "" and rate is None) or float(row["rate"]) == rate

    xlsx = client.get(reverse("reports:export_xlsx"), {"by": "region"})
    sheet = pd.read_excel(io.BytesIO(xlsx.content), header=None)
    header_at = sheet.index[sheet[0] == "code"][0]
    table = pd.read_excel(io.BytesIO(xlsx.content), header=header_at, dtype={"code": str})
    table = table[table["code"].notna()]
    assert int(table["required"].sum()) == expected_total["required"]
    assert int(table["holding"].sum()) == expected_total["holding"]
    assert "清河县" in " ".join(str(v) for v in sheet[1].head(header_at).tolist())

    out = io.StringIO()
    call_command("certification_report", "--by", "enterprise", "--region", county, stdout=out)
    command_rows = {row["code"]: row for row in csv.DictReader(io.StringIO(out.getvalue()))}
    for uscc, counts in expected_by_enterprise.items():
        assert int(command_rows[uscc]["required"]) == counts["required"]
        assert int(command_rows[uscc]["holding"]) == counts["holding"]

    # Drill-down: the county's township, then one enterprise, then its people.
    township = by_region.rows[0]
    page = client.get(reverse("reports:dashboard"), township.drill)
    assert _counts(page.context["total"]) == _counts(township.values)
    enterprise = Enterprise.objects.filter(region__code=township.code).order_by("uscc").first()
    page = client.get(reverse("reports:dashboard"), {"enterprise": enterprise.uscc})
    assert _counts(page.context["total"]) == expected_by_enterprise[enterprise.uscc]
    people = client.get(reverse("reports:people"), {"enterprise": enterprise.uscc})
    rows = people.context["rows"]
    assert len(rows) == expected_by_enterprise[enterprise.uscc]["people"]
    assert (
        sum(r.flags["needs"] for r in rows) == expected_by_enterprise[enterprise.uscc]["required"]
    )
    assert (
        sum(r.flags["needs"] - r.flags["lacks"] for r in rows)
        == (expected_by_enterprise[enterprise.uscc]["holding"])
    )


def test_an_enterprise_admin_sees_their_enterprise(demo, client):
    admin = User.objects.get(username="ent_admin")
    enterprise = admin.role_grants.get().enterprise
    today = timezone.localdate()
    expected = counts_by(
        lambda e: e.enterprise.uscc,
        on=today,
        employments=Employment.objects.filter(enterprise=enterprise),
    )[enterprise.uscc]
    client.force_login(admin)
    page = client.get(reverse("reports:dashboard"))
    assert page.context["params"].enterprise == enterprise
    assert _counts(page.context["total"]) == expected
    other = Enterprise.objects.exclude(pk=enterprise.pk).first()
    assert client.get(reverse("reports:dashboard"), {"enterprise": other.uscc}).status_code == 400


def test_the_demo_coal_mine_is_flagged_for_its_dispatched_blaster(demo, client):
    """demo/dispatch.py: 牛大壮, a 劳务派遣 煤矿井下爆破作业 hired this year at the coal mine."""
    regulator = User.objects.get(username="county_reg")
    client.force_login(regulator)

    page = client.get(reverse("reports:dashboard"))
    people = client.get(reverse("reports:people"), {"only": "dispatch_forbidden"})

    mine = Enterprise.objects.get(name="清河县青山煤业有限责任公司")
    by_enterprise = client.get("/api/reports/figures", {"by": "enterprise"}).json()["rows"]
    flagged = {r["code"]: r["figures"]["dispatch_forbidden"] for r in by_enterprise}
    assert flagged[mine.uscc] >= 1
    assert {code for code, n in flagged.items() if n} == {mine.uscc}
    names = [(r.employment.enterprise_id, r.employment.person.name) for r in people.context["rows"]]
    assert (mine.pk, "牛大壮") in names
    hired = {row.code: row.values["people"] for row in page.context["tables"]["hired"].rows}
    assert hired["this_year"] >= 1
