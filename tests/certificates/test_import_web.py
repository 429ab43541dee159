"""Existing certificates uploaded on the web (/certificates/manage/import/): the check page
lists every bad row before anything is written, the good rows import on request, and an
enterprise admin can only give certificates to their own people."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from certificates.models import Certificate
from roster.models import AuditLog
from tests.certificates.test_import_certificates import HEADERS, row
from tests.roster.sheets import xlsx_bytes

pytestmark = pytest.mark.django_db

URL = "/certificates/manage/import/"


def upload(rows, name="证书.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_check_page_lists_bad_rows_and_writes_nothing(world):
    client = client_for(world.enterprise_admin)
    rows = [HEADERS, row(world.person_a, "W-1"), row(world.person_a, "W-2", 有效期至="")]
    page = client.post(URL, {"file": upload(rows)})
    assert page.status_code == 200
    check = page.context["check"]
    assert (check["total"], check["valid"], check["report"].bad_rows) == (2, 1, 1)
    assert {(e.row, e.column) for e in check["report"].sorted_errors()} == {(3, "有效期至")}
    assert "只导入 1 个有效行" in page.content.decode()
    assert not Certificate.objects.exists()

    done = client.post(URL, {"token": check["token"]})
    assert done.status_code == 302
    assert list(Certificate.objects.values_list("number", flat=True)) == ["W-1"]
    assert AuditLog.objects.filter(action="certificates.import").count() == 1
    # The waiting upload was used: a second click imports nothing twice.
    client.post(URL, {"token": check["token"]})
    assert Certificate.objects.count() == 1


def test_an_enterprise_admin_cannot_import_for_another_enterprises_people(world):
    """person_b works at ent_b: to ent_a's admin the row reads as nobody on the roster, and
    the file tells them nothing about person_b (not their name)."""
    client = client_for(world.enterprise_admin)
    rows = [HEADERS, row(world.person_b, "W-B", 姓名="随便写")]
    page = client.post(URL, {"file": upload(rows)})
    check = page.context["check"]
    assert check["valid"] == 0 and not check["token"]
    [error] = check["report"].sorted_errors()
    assert error.column == "身份证号"
    assert world.person_b.name not in page.content.decode()
    assert not Certificate.objects.exists()


def test_the_service_refuses_a_holder_outside_the_actors_enterprises(world):
    """Even a file read without the page's scope (as the command reads it) is checked again
    where the certificate is written."""
    from certificates.imports import read_certificates
    from certificates.services.imports import certificate_import

    parsed = read_certificates(xlsx_bytes([HEADERS, row(world.person_b, "W-B")]), "c.xlsx")
    result = certificate_import(
        rows=parsed, actor=world.enterprise_admin, only_valid=True, dry_run=False
    )
    assert result.created == 0 and result.bad_rows == 1
    assert not Certificate.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_beside_the_field(world):
    page = client_for(world.enterprise_admin).post(
        URL, {"file": SimpleUploadedFile("证书.xlsx", b"not a workbook")}
    )
    assert page.status_code == 200 and page.context["form"].errors["file"]
    assert "check" not in page.context


@pytest.mark.parametrize("who", ["trainer", "regulator_county", "trainee"])
def test_people_who_do_not_manage_certificates_are_refused(world, who):
    assert client_for(getattr(world, who)).get(URL).status_code in (403, 404)


def test_the_management_page_links_the_import(world):
    page = client_for(world.enterprise_admin).get("/certificates/manage/")
    assert URL in page.content.decode()
