"""Notice acknowledgement figures under /reports/notices/ and /api/reports/notices: the
counts behind the rates, the drill-down, the export and the scope."""

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from notices.services import notice_acknowledge, notice_mark_read, notice_overdue_notify
from reports import notice_figures
from reports.selectors import report_params

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def acknowledged(world, regional_notice):
    """person_a acknowledged; admin_a read only; person_b nothing."""
    notice_acknowledge(
        actor=world.trainee, receipt=regional_notice.receipts.get(person=world.person_a)
    )
    notice_mark_read(user=world.enterprise_admin, notice=regional_notice)
    return regional_notice


def test_the_county_table_counts_each_enterprise(world, acknowledged):
    params = report_params(user=world.regulator_county)
    table = notice_figures.table(user=world.regulator_county, params=params, by="enterprise")
    rows = {r.name: r.values for r in table.rows}
    assert rows["城关机械厂"]["notice_receipts"] == 2
    assert rows["城关机械厂"]["notice_acknowledged"] == 1
    assert rows["城关机械厂"]["notice_read"] == 2
    assert rows["城关机械厂"]["notice_ack_rate"] == 0.5
    assert rows["河口纺织厂"]["notice_receipts"] == 1
    assert rows["河口纺织厂"]["notice_ack_rate"] == 0.0
    assert rows["城关化工有限公司"]["notice_ack_rate"] is None  # nobody to acknowledge
    assert table.total["notice_receipts"] == 3
    assert table.total["notice_ack_rate"] == round(1 / 3, 4)
    by_region = notice_figures.table(user=world.regulator_county, params=params, by="region")
    regions = {r.name: r.values["notice_receipts"] for r in by_region.rows}
    assert regions == {"城关镇": 2, "河口乡": 1}


def test_overdue_and_on_time_follow_the_deadline(world, acknowledged):
    deadline = acknowledged.ack_deadline
    type(acknowledged).objects.filter(pk=acknowledged.pk).update(
        ack_deadline=deadline - dt.timedelta(days=30)
    )
    params = report_params(user=world.regulator_county)
    total = notice_figures.table(user=world.regulator_county, params=params, by="region").total
    assert total["notice_due"] == 3
    assert total["notice_overdue"] == 2
    # person_a acknowledged after the (moved) deadline: not on time.
    assert total["notice_on_time"] == 0
    assert notice_overdue_notify() == 2


def test_the_page_drills_down_and_exports(world, acknowledged):
    client = client_for(world.regulator_county)
    page = client.get("/reports/notices/").content.decode()
    assert "签收率" in page and "城关镇" in page and "33.3%" in page
    page = client.get("/reports/notices/", {"region": world.township_a.code}).content.decode()
    assert "城关机械厂" in page and "河口纺织厂" not in page
    response = client.get("/reports/notices.xlsx", {"by": "enterprise"})
    assert response.status_code == 200
    values = [row for row in load_workbook(io.BytesIO(response.content)).active.values]
    assert any(row[1] == "城关机械厂" and row[2] == 2 for row in values if len(row) > 2)


def test_the_api_gives_the_same_figures(world, acknowledged):
    data = client_for(world.regulator_county).get("/api/reports/notices?by=enterprise").json()
    rows = {r["name"]: r["figures"] for r in data["rows"]}
    assert rows["城关机械厂"]["notice_ack_rate"] == 0.5
    assert data["total"]["notice_receipts"] == 3
    assert {d["code"] for d in data["definitions"]} >= {"notice_ack_rate", "notice_receipts"}


def test_another_county_and_other_enterprises_are_refused(world, acknowledged):
    from roster.choices import Role
    from roster.models import RoleGrant
    from tests.factories import UserFactory

    other = UserFactory(username="regulator_other_county")
    RoleGrant.objects.create(user=other, role=Role.REGULATOR, region=world.other_county)
    client = client_for(other)
    assert client.get("/reports/notices/", {"region": world.county.code}).status_code == 400
    response = client.get("/api/reports/notices", {"region": world.county.code})
    assert response.status_code == 400
    own = client.get("/api/reports/notices?by=enterprise").json()
    assert own["total"]["notice_receipts"] == 0
    # The enterprise admin sees their own enterprise only.
    admin = client_for(world.enterprise_admin).get("/api/reports/notices?by=enterprise").json()
    assert [r["name"] for r in admin["rows"]] == ["城关机械厂"]
    response = client_for(world.enterprise_admin).get(
        "/reports/notices/", {"enterprise": world.ent_b.uscc}
    )
    assert response.status_code == 400
    for who in (world.trainee, world.no_role):
        assert client_for(who).get("/reports/notices/").status_code == 403
        assert client_for(who).get("/api/reports/notices").status_code == 403
