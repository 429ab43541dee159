"""The web import: upload -> preview -> confirm, who may use it, and what it keeps."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roster.models import AuditLog, Person
from tests.factories import make_id_number
from tests.roster.sheets import HEADERS, roster_row, xlsx_bytes

pytestmark = pytest.mark.django_db

URL = reverse("roster:import")
ID_1 = make_id_number(seq=851)
ID_2 = make_id_number(seq=852)


def upload(client, rows, *, name="roster.xlsx", enterprise="", only_valid=False, data=None):
    content = data if data is not None else xlsx_bytes([HEADERS, *rows])
    form = {"file": SimpleUploadedFile(name, content), "enterprise": enterprise}
    if only_valid:
        form["only_valid"] = "on"
    return client.post(URL, form)


def pending_files(settings):
    folder = settings.IMPORT_PENDING_DIR
    return list(folder.glob("*")) if folder.exists() else []


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.enterprise_admin)
    return client


def test_the_upload_page_offers_the_administered_enterprises(admin_client, world):
    response = admin_client.get(URL)
    assert response.status_code == 200
    assert list(response.context["form"].fields["enterprise"].queryset) == [world.ent_a]


@pytest.mark.parametrize("role", ["trainee", "regulator_county", "trainer"])
def test_only_admins_may_import(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get(URL).status_code == 403
    assert upload(client, [roster_row(ID_1, world.ent_a.uscc)]).status_code == 403


def test_upload_shows_a_preview_and_writes_nothing(admin_client, world, settings):
    response = upload(admin_client, [roster_row(ID_1, world.ent_a.uscc)])
    preview = response.context["preview"]
    assert (preview["total"], preview["valid"], preview["result"].created) == (1, 1, 1)
    assert preview["token"]
    assert not Person.objects.filter(id_number=ID_1).exists()
    assert len(pending_files(settings)) == 1


def test_confirm_imports_the_stored_file_and_deletes_it(admin_client, world, settings):
    token = upload(admin_client, [roster_row(ID_1, world.ent_a.uscc)]).context["preview"]["token"]
    response = admin_client.post(URL, {"token": token})
    assert response.status_code == 302
    assert Person.objects.filter(id_number=ID_1).exists()
    assert AuditLog.objects.filter(action="roster.import", actor=world.enterprise_admin).exists()
    assert pending_files(settings) == []


def test_confirming_twice_imports_once(admin_client, world):
    token = upload(admin_client, [roster_row(ID_1, world.ent_a.uscc)]).context["preview"]["token"]
    admin_client.post(URL, {"token": token})
    admin_client.post(URL, {"token": token})
    assert AuditLog.objects.filter(action="roster.import").count() == 1


def test_confirm_with_a_token_not_from_this_session_imports_nothing(admin_client, world):
    upload(admin_client, [roster_row(ID_1, world.ent_a.uscc)])
    response = admin_client.post(URL, {"token": "A" * 32})
    assert response.status_code == 302
    assert not Person.objects.filter(id_number=ID_1).exists()


def test_bad_rows_are_listed_with_row_column_value_and_reason(admin_client, world):
    rows = [roster_row(ID_1, world.ent_a.uscc), roster_row(1.40402199001012e17, world.ent_a.uscc)]
    response = upload(admin_client, rows)
    (error,) = response.context["preview"]["result"].errors
    assert (error.row, error.column, error.value) == (3, "身份证号", "1.40402199001012E+17")
    assert "1.40402199001012E+17" in response.content.decode()


def test_a_row_of_an_enterprise_not_administered_is_bad(admin_client, world):
    response = upload(admin_client, [roster_row(ID_1, world.ent_b.uscc)])
    (error,) = response.context["preview"]["result"].errors
    assert error.column == "统一社会信用代码"


def test_confirm_with_only_valid_imports_the_good_rows(admin_client, world):
    rows = [roster_row(ID_1, world.ent_a.uscc), roster_row(ID_2, world.ent_a.uscc, 姓名="")]
    token = upload(admin_client, rows).context["preview"]["token"]
    admin_client.post(URL, {"token": token, "only_valid": "1"})
    assert Person.objects.filter(id_number=ID_1).exists()
    assert not Person.objects.filter(id_number=ID_2).exists()


def test_confirm_without_only_valid_writes_nothing_when_a_row_is_bad(admin_client, world):
    rows = [roster_row(ID_1, world.ent_a.uscc), roster_row(ID_2, world.ent_a.uscc, 姓名="")]
    token = upload(admin_client, rows).context["preview"]["token"]
    admin_client.post(URL, {"token": token})
    assert not Person.objects.filter(id_number__in=[ID_1, ID_2]).exists()


def test_the_chosen_enterprise_applies_to_a_file_without_the_code_column(admin_client, world):
    data = xlsx_bytes([["姓名", "身份证号", "人员类别"], ["李四", ID_1, "班组长"]])
    token = upload(admin_client, [], data=data, enterprise=world.ent_a.uscc).context["preview"][
        "token"
    ]
    admin_client.post(URL, {"token": token})
    assert Person.objects.get(id_number=ID_1).employments.get().enterprise == world.ent_a


def test_an_oversize_upload_is_refused_on_the_form(admin_client, world, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    response = upload(admin_client, [roster_row(ID_1, world.ent_a.uscc)])
    assert response.context["form"].errors["file"]
    assert "preview" not in response.context


def test_a_wrong_file_type_is_refused_on_the_form(admin_client, world):
    response = upload(admin_client, [], name="roster.docx", data=b"PK\x03\x04junk")
    assert response.context["form"].errors["file"]


def test_a_system_admin_may_import_into_any_enterprise(client, world):
    client.force_login(world.system_admin)
    token = upload(client, [roster_row(ID_1, world.ent_other.uscc)]).context["preview"]["token"]
    client.post(URL, {"token": token})
    assert Person.objects.get(id_number=ID_1).employments.get().enterprise == world.ent_other
