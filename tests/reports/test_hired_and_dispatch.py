"""Issue 26, Must 8: the regulator's figures broken down by people hired this year, and a
mine employing 劳务派遣 workers in posts the rules forbid flagged (on the dashboard with the
people behind it, on the enterprise's own page, in the exports and the API), against data
counted by hand."""

import csv
import datetime as dt
import io
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from roster.choices import EmploymentForm, PersonnelCategory, Role
from roster.dispatch import forbidden_employments
from roster.models import AuditLog, DispatchRestriction, Industry, RoleGrant
from tests.factories import EmploymentFactory, EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

SPECIAL = PersonnelCategory.SPECIAL_OPERATOR
GENERAL = PersonnelCategory.GENERAL
DISPATCHED = EmploymentForm.DISPATCHED


def _csv(response) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    return {row["code"]: row for row in rows}


# --------------------------------------------------------------------------- hired this year


@pytest.fixture
def hires(world):
    """In the county (world: one person each at ent_a, ent_a_chem and ent_b, hired 2020),
    three people hired this year: two at ent_a (one a special operator, who needs a card and
    has none), one at ent_b; and one at the other county, outside the regulator's scope."""
    this_year = dt.date(timezone.localdate().year, 1, 1)
    EmploymentFactory(enterprise=world.ent_a, hire_date=this_year)
    EmploymentFactory(enterprise=world.ent_a, hire_date=this_year, category=SPECIAL)
    EmploymentFactory(enterprise=world.ent_b, hire_date=this_year)
    EmploymentFactory(enterprise=world.ent_other, hire_date=this_year)
    # The last day of last year is "before this year".
    EmploymentFactory(enterprise=world.ent_b, hire_date=this_year - dt.timedelta(days=1))
    return world


def test_the_dashboard_breaks_the_figures_down_by_hired_this_year(client, hires):
    client.force_login(hires.regulator_county)

    response = client.get(reverse("reports:dashboard"))

    table = response.context["tables"]["hired"]
    rows = {row.code: row.values for row in table.rows}
    assert [row.code for row in table.rows] == ["this_year", "earlier"]
    assert rows["this_year"]["people"] == 3
    assert rows["earlier"]["people"] == 4
    assert rows["this_year"]["required"] == 1 and rows["this_year"]["holding"] == 0
    assert rows["earlier"]["required"] == 0
    assert table.total["people"] == response.context["total"]["people"] == 7
    page = response.content.decode()
    assert "本年新入职" in page and "本年以前入职" in page


def test_hired_this_year_in_the_exports_and_the_api(client, hires):
    client.force_login(hires.regulator_county)

    exported = _csv(client.get(reverse("reports:export_csv"), {"by": "hired"}))
    api = client.get("/api/reports/figures", {"by": "hired"}).json()
    xlsx = client.get(reverse("reports:export_xlsx"), {"by": "hired"})

    assert exported["this_year"]["people"] == "3" and exported["earlier"]["people"] == "4"
    assert {r["code"]: r["figures"]["people"] for r in api["rows"]} == {
        "this_year": 3,
        "earlier": 4,
    }
    assert any(d["code"] == "hired" for d in api["definitions"])
    sheet = load_workbook(BytesIO(xlsx.content)).active
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert "本年新入职" in text and "1 月 1 日" in text  # the title and the definition


def test_hired_this_year_counts_from_1_january_of_the_report_date(client, hires):
    """On a date last year, this year's hires are not employed yet and last year's are new."""
    client.force_login(hires.regulator_county)
    last_year = dt.date(timezone.localdate().year - 1, 12, 31)

    response = client.get(reverse("reports:dashboard"), {"date": last_year.isoformat()})

    rows = {row.code: row.values for row in response.context["tables"]["hired"].rows}
    assert rows["this_year"]["people"] == 1  # hired on 31 December of that year
    assert rows["earlier"]["people"] == 3


# --------------------------------------------------------------------------- dispatch in mines


@pytest.fixture
def mine(world):
    """A coal mine in township A. Flagged by hand: the dispatched special operator and the
    dispatched 井下 worker. Not flagged: a dispatched surface worker, a regular special
    operator, an outsourced 井下 worker, and a machine works' dispatched special operator
    (not a mine)."""
    coal = Industry.objects.get(code="01")
    ent = EnterpriseFactory(region=world.township_a, industry=coal, name="城关煤矿")
    flagged = [
        EmploymentFactory(
            enterprise=ent, category=SPECIAL, post="煤矿井下爆破作业", employment_form=DISPATCHED
        ),
        EmploymentFactory(enterprise=ent, post="井下电钳工", employment_form=DISPATCHED),
    ]
    EmploymentFactory(enterprise=ent, post="选煤工", employment_form=DISPATCHED)
    EmploymentFactory(enterprise=ent, category=SPECIAL, post="煤矿瓦斯检查作业")
    EmploymentFactory(enterprise=ent, post="井下电钳工", employment_form=EmploymentForm.OUTSOURCED)
    EmploymentFactory(
        enterprise=world.ent_a, category=SPECIAL, post="低压电工", employment_form=DISPATCHED
    )
    admin = UserFactory(username="mine_admin")
    RoleGrant.objects.create(user=admin, role=Role.ENTERPRISE_ADMIN, enterprise=ent)
    return ent, flagged, admin


def test_the_rules_are_seeded_as_data_for_coal_and_metal_mines():
    rules = DispatchRestriction.objects.filter(employment_form=DISPATCHED)
    assert set(rules.values_list("industry__code", flat=True)) == {"01", "02"}
    assert rules.filter(industry__code="02", personnel_category=SPECIAL).exists()
    assert rules.filter(industry__code="02", post_contains="井下").exists()


def test_the_regulator_sees_the_flag_and_the_people_behind_it(client, world, mine):
    ent, flagged, _admin = mine
    client.force_login(world.regulator_county)

    response = client.get(reverse("reports:dashboard"))

    assert response.context["total"]["dispatch_forbidden"] == 2
    rows = {row.code: row.values for row in response.context["tables"]["industry"].rows}
    assert rows["01"]["dispatch_forbidden"] == 2 and rows["07"]["dispatch_forbidden"] == 0
    page = response.content.decode()
    assert "违规使用劳务派遣人员" in page
    assert "only=dispatch_forbidden" in page

    people = client.get(reverse("reports:people"), {"only": "dispatch_forbidden"})

    assert people.status_code == 200
    listed = [row.employment.pk for row in people.context["rows"]]
    assert sorted(listed) == sorted(e.pk for e in flagged)
    text = people.content.decode()
    assert "矿山不得使用劳务派遣人员从事特种作业" in text
    assert "矿山不得使用劳务派遣人员从事井下作业" in text
    assert ent.name in text
    assert AuditLog.objects.filter(action="reports.people", actor=world.regulator_county).exists()


def test_a_regulator_of_other_industries_does_not_see_the_mine(client, world, mine):
    client.force_login(world.regulator_township_chem)

    response = client.get(reverse("reports:dashboard"))
    people = client.get(reverse("reports:people"), {"only": "dispatch_forbidden"})

    assert response.context["total"]["dispatch_forbidden"] == 0
    assert list(people.context["rows"]) == []


def test_an_unknown_list_is_refused_with_a_message(client, world, mine):
    client.force_login(world.regulator_county)

    response = client.get(reverse("reports:people"), {"only": "everyone"})

    assert response.status_code == 400
    assert "未知的名单" in response.content.decode()


def test_the_enterprise_sees_the_flag_on_its_own_page(client, world, mine):
    ent, flagged, admin = mine
    client.force_login(admin)

    response = client.get(reverse("roster:enterprise_detail", args=[ent.uscc]))

    assert response.status_code == 200
    assert {e.pk for e in response.context["forbidden"]} == {e.pk for e in flagged}
    text = response.content.decode()
    assert 'id="dispatch-flag"' in text and "2 名劳务派遣人员" in text
    # A machine works' dispatched electrician breaks no rule: no flag on its page.
    client.force_login(world.enterprise_admin)
    other = client.get(reverse("roster:enterprise_detail", args=[world.ent_a.uscc]))
    assert 'id="dispatch-flag"' not in other.content.decode()


def test_the_flag_is_in_the_exports_and_the_api(client, world, mine):
    ent, _flagged, _admin = mine
    client.force_login(world.regulator_county)

    exported = _csv(client.get(reverse("reports:export_csv"), {"by": "enterprise"}))
    api = client.get("/api/reports/figures", {"by": "enterprise"}).json()
    xlsx = client.get(reverse("reports:export_xlsx"), {"by": "enterprise"})
    pdf = client.get(reverse("reports:summary_pdf"))

    assert exported[ent.uscc]["dispatch_forbidden"] == "2"
    assert exported[world.ent_a.uscc]["dispatch_forbidden"] == "0"
    assert {r["code"]: r["figures"]["dispatch_forbidden"] for r in api["rows"]}[ent.uscc] == 2
    assert api["total"]["dispatch_forbidden"] == 2
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert any("dispatch_forbidden" in row for row in sheet.iter_rows(values_only=True))
    assert pdf.status_code == 200


def test_the_rule_is_data_an_administrator_changes(world, mine):
    ent, _flagged, _admin = mine
    assert forbidden_employments(enterprise=ent).count() == 2

    # The province drops the underground rule of coal mines and forbids 选煤 posts instead.
    DispatchRestriction.objects.filter(industry__code="01", post_contains="井下").delete()
    DispatchRestriction.objects.create(
        industry=ent.industry, post_contains="选煤", rule="本省：选煤岗位不得使用劳务派遣"
    )

    found = forbidden_employments(enterprise=ent)
    assert sorted(e.post for e in found) == ["煤矿井下爆破作业", "选煤工"]
    assert {e.forbidden_rule for e in found if e.post == "选煤工"} == {
        "本省：选煤岗位不得使用劳务派遣"
    }
