"""The directory pages: who may open them, the check page, importing the good rows, exports."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roster.models import Enterprise, Region

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent / "data"
ENTERPRISES = reverse("roster:directory_enterprises")
REGIONS = reverse("roster:directory_regions")


def upload(client, url, name):
    return client.post(url, {"file": SimpleUploadedFile(name, (DATA / name).read_bytes())})


@pytest.mark.parametrize("role", ["trainee", "trainer", "enterprise_admin", "no_role"])
@pytest.mark.parametrize(
    "url",
    [
        ENTERPRISES,
        REGIONS,
        reverse("roster:directory_enterprises_export"),
        reverse("roster:directory_regions_export"),
    ],
)
def test_only_the_system_admin_and_regulators_keep_the_directory(client, world, role, url):
    client.force_login(getattr(world, role))
    assert client.get(url).status_code == 403


def test_the_navigation_leads_regulators_to_the_directory(client, world):
    client.force_login(world.regulator_county)
    assert ENTERPRISES.encode() in client.get(reverse("roster:list")).content


def test_the_check_page_lists_every_bad_row_and_writes_nothing(client, world, settings):
    client.force_login(world.regulator_county)
    before = Enterprise.objects.count()
    response = upload(client, ENTERPRISES, "enterprises.csv")
    check = response.context["check"]
    assert sorted({e.row for e in check["report"].errors}) == [4, 5]
    assert check["valid"] == 2 and check["token"]
    assert Enterprise.objects.count() == before
    assert "91990102MA0001004Y" in response.content.decode()
    assert list(Path(settings.IMPORT_PENDING_DIR).glob("*.upload"))


def test_importing_the_good_rows_writes_them_and_nothing_outside_the_region(client, world):
    client.force_login(world.regulator_county)
    token = upload(client, ENTERPRISES, "enterprises.csv").context["check"]["token"]
    response = client.post(ENTERPRISES, {"token": token, "only_valid": "1"}, follow=True)
    assert response.status_code == 200
    assert Enterprise.objects.filter(uscc="91990102MA0001001L").exists()
    assert not Enterprise.objects.filter(uscc="91990103MA00010039").exists()
    # The token is used up.
    client.post(ENTERPRISES, {"token": token, "only_valid": "1"})
    assert Enterprise.objects.filter(uscc="91990102MA0001001L").count() == 1


def test_without_only_valid_a_bad_row_imports_nothing(client, world):
    client.force_login(world.system_admin)
    token = upload(client, ENTERPRISES, "enterprises.csv").context["check"]["token"]
    before = Enterprise.objects.count()
    client.post(ENTERPRISES, {"token": token})
    assert Enterprise.objects.count() == before


def test_a_file_that_is_not_a_table_is_answered_beside_the_field(client, world):
    client.force_login(world.system_admin)
    response = client.post(ENTERPRISES, {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4")})
    assert response.context["form"].errors["file"]


def test_regions_upload_and_import(client, world):
    client.force_login(world.system_admin)
    token = upload(client, REGIONS, "regions.csv").context["check"]["token"]
    client.post(REGIONS, {"token": token, "only_valid": "1"})
    assert Region.objects.get(code="990104001").parent.code == "990104"


def test_the_export_is_an_xlsx_of_the_regulators_enterprises(client, world):
    client.force_login(world.regulator_county)
    response = client.get(reverse("roster:directory_enterprises_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"
