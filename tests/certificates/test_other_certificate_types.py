"""The certificates outside the special-operation catalogue (MISSION.md): 特种设备作业人员证,
消防设施操作员 and 建筑施工特种作业操作资格证 are seeded as types (certificates 0012), shown in
the admin, imported with their printed dates and verified like any other card. MISSION.md
gives them no validity figure: the seed leaves it empty, and the product refuses to invent
one when asked to issue such a card."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from certificates.models import Certificate, CertificateType, PostRequirement
from certificates.requirements import job_requirements
from certificates.services.errors import CertificateError
from certificates.services.issuing import certificate_issue
from roster.choices import PersonnelCategory
from roster.models import Industry
from tests.factories import EmploymentFactory, EnterpriseFactory
from tests.roster.sheets import write_xlsx

from .test_import_certificates import HEADERS, row, run

pytestmark = pytest.mark.django_db

OTHER = {
    "TSSB": ("特种设备作业人员证", "special_equipment", "示范省市场监督管理局"),
    "XFSS": ("消防设施操作员", "fire_operator", "示范省消防救援总队"),
    "JZ-TZ": ("建筑施工特种作业操作资格证", "construction_special", "示范省住房和城乡建设厅"),
}


@pytest.mark.parametrize("code", sorted(OTHER))
def test_other_types_are_seeded_without_invented_figures(code):
    name, family, issuer = OTHER[code]
    ctype = CertificateType.objects.get(code=code)
    assert (ctype.name, ctype.family, ctype.issuer_name) == (name, family, issuer)
    assert ctype.is_active
    # MISSION.md gives none of these: left empty.
    assert ctype.validity_years is None
    assert ctype.review_interval_years is None
    assert ctype.records_kept_years is None


def test_the_posts_mission_names_are_mapped():
    posts = {
        code: set(PostRequirement.objects.filter(certificate_type__code=code).values_list("post"))
        for code in OTHER
    }
    assert posts["TSSB"] == {
        ("锅炉司炉",),
        ("压力容器操作",),
        ("电梯作业",),
        ("起重机司机",),
        ("叉车司机",),
    }
    assert posts["XFSS"] == {("消防设施操作员",)}
    assert posts["JZ-TZ"] == {("建筑电工",), ("架子工",), ("塔式起重机司机",)}
    construction = PostRequirement.objects.filter(certificate_type__code="JZ-TZ")
    assert {r.industry.code for r in construction} == {"06"}


def test_forklift_driver_and_construction_electrician_need_their_cards(
    world,
):
    factory = EnterpriseFactory(region=world.township_a, industry=Industry.objects.get(code="07"))
    site = EnterpriseFactory(region=world.township_a, industry=Industry.objects.get(code="06"))
    driver = EmploymentFactory(enterprise=factory, post="叉车司机")
    electrician = EmploymentFactory(
        enterprise=site, post="建筑电工", category=PersonnelCategory.GENERAL
    )
    elsewhere = EmploymentFactory(enterprise=factory, post="建筑电工")

    needs = job_requirements([driver, electrician, elsewhere])
    assert [t.code for t in needs[driver.pk].types] == ["TSSB"]
    assert [t.code for t in needs[electrician.pk].types] == ["JZ-TZ"]
    assert not needs[elsewhere.pk].needs  # the construction card binds in construction only


def test_retention_is_seeded_per_family():
    special = CertificateType.objects.filter(family="special_operation", is_active=True)
    managers = CertificateType.objects.filter(family="principal_manager")
    assert special.exists() and managers.exists()
    assert set(special.values_list("records_kept_years", flat=True)) == {6}
    assert set(managers.values_list("records_kept_years", flat=True)) == {3}


@pytest.fixture
def wagtail_client(client, world):
    profile = UserProfile.get_for_user(world.system_admin)
    profile.preferred_language = "zh-hans"
    profile.save()
    client.force_login(world.system_admin)
    return client


def test_the_types_are_listed_and_edited_in_the_admin(wagtail_client):
    listing = wagtail_client.get("/admin/snippets/certificates/certificatetype/?p=1&q=证")
    assert listing.status_code == 200
    html = wagtail_client.get("/admin/snippets/certificates/certificatetype/").content.decode()
    for name, _family, _issuer in OTHER.values():
        assert name in html
    ctype = CertificateType.objects.get(code="TSSB")
    edit = wagtail_client.get(f"/admin/snippets/certificates/certificatetype/edit/{ctype.pk}/")
    assert edit.status_code == 200
    assert 'name="records_kept_years"' in edit.content.decode()


def test_a_card_of_another_type_is_imported_with_its_printed_dates_and_verifies(
    world, tmp_path, client
):
    first = timezone.localdate() - relativedelta(years=1)
    until = first + relativedelta(years=4) - dt.timedelta(days=1)
    rows = [
        HEADERS,
        row(
            world.person_b,
            "TS-2025-0001",
            证书类型="特种设备作业人员证",
            初领日期=first,
            有效期至=until,
            下次复审日期="",
            发证机关="示范省市场监督管理局",
        ),
    ]
    with translation.override("en"):
        out = run(write_xlsx(tmp_path, rows, "other.xlsx"))
    assert "imported 1 certificates" in out
    card = Certificate.objects.get(number="TS-2025-0001")
    assert card.certificate_type.code == "TSSB"
    assert (card.first_issued_on, card.valid_from, card.valid_until) == (first, first, until)
    assert card.next_review_on is None

    page = client.get(f"/verify/{card.token}", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-status="valid"' in html
    assert "示范省市场监督管理局" in html


def test_issuing_a_type_without_a_validity_is_refused_with_nothing_written(world):
    ctype = CertificateType.objects.get(code="XFSS")
    with translation.override("zh-hans"), pytest.raises(CertificateError) as err:
        certificate_issue(person=world.person_a, ctype=ctype, actor=None)
    assert "消防设施操作员" in str(err.value)
    assert not Certificate.objects.filter(certificate_type=ctype).exists()
