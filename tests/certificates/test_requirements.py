"""Who needs which certificate (certificates/requirements.py): the catalogue as data, the
special-operator rule, items set by the admin, and the gap list agreeing with the regulators'
持证率 on the same data. Dates are passed as `on` (the selectors' clock)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from certificates.models import CertificateFamily, CertificateType, OperationAssignment
from certificates.requirements import job_requirements, requirement_flags
from certificates.selectors import holder_gaps
from certificates.services.issuing import CertificateError, certificate_issue
from certificates.services.operation_items import employment_operation_item_set
from reports.figures import annotated
from roster.choices import PersonnelCategory
from roster.models import Employment, Enterprise
from tests.factories import EmploymentFactory

pytestmark = pytest.mark.django_db

SPECIAL = PersonnelCategory.SPECIAL_OPERATOR
ON = dt.date(2026, 6, 1)

# 作业类别 → number of 操作项目 in the national catalogue (30号令 attachment, as amended).
CATALOGUE_SIZES = {
    "电工作业": 3,
    "焊接与热切割作业": 3,
    "高处作业": 2,
    "制冷与空调作业": 2,
    "煤矿安全作业": 10,
    "金属非金属矿山安全作业": 8,
    "石油天然气安全作业": 1,
    "冶金(有色)生产安全作业": 1,
    "危险化学品安全作业": 16,
    "烟花爆竹安全作业": 5,
}


def job(enterprise, post, category=SPECIAL) -> Employment:
    return EmploymentFactory(
        enterprise=enterprise, post=post, category=category, hire_date=dt.date(2020, 1, 1)
    )


def issue(person, code, on=ON):
    return certificate_issue(
        person=person, ctype=CertificateType.objects.get(code=code), actor=None, on=on
    )


def flags(employment: Employment) -> dict[str, int]:
    row = (
        Employment.objects.filter(pk=employment.pk)
        .annotate(**requirement_flags(ON))
        .values("needs", "lacks", "item_unknown")
        .get()
    )
    return dict(row)


def figures_and_gaps(world) -> tuple[tuple[int, int], int]:
    """(required, lacking) as the 持证率 sums them, and the people in the gap list."""
    inner = annotated(on=ON, enterprises=Enterprise.objects.all())
    rows = list(inner.values("needs", "lacks"))
    figures = (sum(r["needs"] for r in rows), sum(r["lacks"] for r in rows))
    gaps = holder_gaps(user=world.system_admin, on=ON)
    return figures, len({g.person.pk for g in gaps})


# --------------------------------------------------------------------------- the catalogue


def test_every_catalogue_item_is_an_active_special_operation_type_with_posts():
    items = CertificateType.objects.filter(
        family=CertificateFamily.SPECIAL_OPERATION, is_active=True
    )
    sizes: dict[str, int] = {}
    for ctype in items:
        sizes[ctype.operation_category] = sizes.get(ctype.operation_category, 0) + 1
        assert ctype.number_pattern == "T{id_number}"
        posts = ctype.requirements.values_list("post", "personnel_category")
        assert (ctype.operation_item, SPECIAL) in posts
        assert {category for _post, category in posts} == {SPECIAL}
    assert sizes == CATALOGUE_SIZES


def test_the_generic_process_type_is_retired_for_the_sixteen_processes():
    assert not CertificateType.objects.get(code="TZ-HG").is_active
    assert not CertificateType.objects.get(code="TZ-HG").requirements.exists()


@pytest.mark.parametrize(
    ("post", "code"),
    [
        ("煤矿瓦斯检查工", "TZ-MK-WS"),
        ("金属非金属矿山爆破作业", "TZ-KS-BP"),
        ("煤气作业", "TZ-YJ-MQ"),
        ("烟花爆竹装填作业", "TZ-YH-SY"),
        ("聚合工艺作业", "TZ-HG-JH"),
        ("氯化工艺作业", "TZ-HG-LH"),
        ("司钻", "TZ-SY-SZ"),
        ("高压电工", "TZ-GY"),
    ],
)
def test_a_special_operators_post_maps_to_its_item(world, post, code):
    employment = job(world.ent_a_chem, post)
    needed = job_requirements([employment])[employment.pk]
    assert [t.code for t in needed.types] == [code]
    assert flags(employment) == {"needs": 1, "lacks": 1, "item_unknown": 0}


# --------------------------------------------------------------------------- the rules


def test_a_special_operator_with_an_unmapped_post_needs_a_certificate_item_unknown(world):
    employment = job(world.ent_a, "设备维护员")
    assert flags(employment) == {"needs": 1, "lacks": 1, "item_unknown": 1}
    gaps = [g for g in holder_gaps(user=world.system_admin, on=ON) if g.employment == employment]
    assert len(gaps) == 1 and gaps[0].item_unknown and gaps[0].certificate_type is None


def test_a_special_operator_with_an_unmapped_post_is_counted_even_holding_another_card(world):
    employment = job(world.ent_a, "设备维护员")
    issue(employment.person, "TZ-DG")
    # Nobody can tell that 低压电工 is what they do: the admin must set the item.
    assert flags(employment) == {"needs": 1, "lacks": 1, "item_unknown": 1}


def test_an_ordinary_worker_is_not_asked_for_a_process_certificate_by_post_name(world):
    for post in ("化工操作工", "氯化工艺作业", "低压电工作业"):
        employment = job(world.ent_a_chem, post, category=PersonnelCategory.GENERAL)
        assert flags(employment) == {"needs": 0, "lacks": 0, "item_unknown": 0}
        assert job_requirements([employment])[employment.pk].needs is False


def test_the_set_item_makes_the_job_need_that_items_certificate(world):
    employment = job(world.ent_a, "设备维护员")
    employment_operation_item_set(
        actor=world.enterprise_admin,
        employment=employment,
        ctype=CertificateType.objects.get(code="TZ-FB"),
    )
    assert flags(employment) == {"needs": 1, "lacks": 1, "item_unknown": 0}
    (gap,) = [g for g in holder_gaps(user=world.system_admin, on=ON) if g.employment == employment]
    assert gap.certificate_type.code == "TZ-FB"
    issue(employment.person, "TZ-FB")
    assert flags(employment) == {"needs": 1, "lacks": 0, "item_unknown": 0}


def test_an_item_listed_on_the_card_counts_as_held(world):
    employment = job(world.ent_a, "高压电工")
    card = issue(employment.person, "TZ-DG")
    assert flags(employment)["lacks"] == 1
    assert issue(employment.person, "TZ-GY").pk == card.pk
    assert flags(employment) == {"needs": 1, "lacks": 0, "item_unknown": 0}


def test_a_card_past_its_review_holds_none_of_its_items(world):
    employment = job(world.ent_a, "高压电工")
    issue(employment.person, "TZ-DG", on=dt.date(2022, 1, 1))
    issue(employment.person, "TZ-GY", on=dt.date(2022, 2, 1))
    # Reviews fall due three years after 2022-01-01: by ON the card has lapsed for review.
    assert flags(employment)["lacks"] == 1


def test_the_gap_list_and_the_certification_rate_agree(world):
    chem = world.ent_a_chem
    unmapped = job(chem, "设备维护员")
    mapped = job(chem, "聚合工艺作业")
    holding = job(chem, "氯化工艺作业")
    issue(holding.person, "TZ-HG-LH")
    job(chem, "化工操作工", category=PersonnelCategory.GENERAL)
    two_items = job(world.ent_a, "低压电工")
    OperationAssignment.objects.create(
        employment=two_items, certificate_type=CertificateType.objects.get(code="TZ-HJ")
    )
    issue(two_items.person, "TZ-DG")

    (required, lacking), gap_people = figures_and_gaps(world)
    assert lacking == gap_people
    gapped = {g.person.pk for g in holder_gaps(user=world.system_admin, on=ON)}
    assert {unmapped.person.pk, mapped.person.pk, two_items.person.pk} <= gapped
    assert holding.person.pk not in gapped

    issue(two_items.person, "TZ-HJ")  # the second item onto the same card
    (required_after, lacking_after), gap_people_after = figures_and_gaps(world)
    assert (required_after, lacking_after) == (required, lacking - 1)
    assert lacking_after == gap_people_after


# --------------------------------------------------------------------------- setting the item


def test_only_the_jobs_enterprise_admin_sets_its_item(world):
    employment = job(world.ent_b, "设备维护员")
    with pytest.raises(CertificateError) as caught:
        employment_operation_item_set(
            actor=world.enterprise_admin,
            employment=employment,
            ctype=CertificateType.objects.get(code="TZ-FB"),
        )
    assert caught.value.code == "forbidden"
    assert not OperationAssignment.objects.exists()


def test_an_item_is_only_set_on_a_special_operators_job(world):
    employment = job(world.ent_a, "设备维护员", category=PersonnelCategory.GENERAL)
    with pytest.raises(CertificateError) as caught:
        employment_operation_item_set(
            actor=world.enterprise_admin,
            employment=employment,
            ctype=CertificateType.objects.get(code="TZ-FB"),
        )
    assert caught.value.code == "not_special_operator"


def test_only_a_catalogue_item_can_be_set(world):
    employment = job(world.ent_a, "设备维护员")
    for code in ("ZY-FZR", "TZ-HG"):  # a management type; the retired generic process type
        with pytest.raises(CertificateError) as caught:
            employment_operation_item_set(
                actor=world.enterprise_admin,
                employment=employment,
                ctype=CertificateType.objects.get(code=code),
            )
        assert caught.value.code == "not_an_item"
    assert not OperationAssignment.objects.exists()


def test_the_set_item_page_refuses_an_empty_choice_in_chinese_and_writes_nothing(world):
    employment = job(world.ent_a, "设备维护员")
    client = Client()
    client.force_login(world.enterprise_admin)
    url = reverse("certificates:operation_item", args=[employment.pk])
    response = client.post(url, {"certificate_type": ""})
    assert response.status_code == 200
    with translation.override("zh-hans"):
        message = translation.gettext("Choose the operation item this person does.")
    assert message in response.content.decode()
    assert not OperationAssignment.objects.exists()
    ctype = CertificateType.objects.get(code="TZ-FB")
    response = client.post(url, {"certificate_type": ctype.pk})
    assert response.status_code == 302
    assert OperationAssignment.objects.filter(employment=employment, certificate_type=ctype)


def test_the_set_item_page_is_forbidden_to_another_enterprises_admin(world):
    employment = job(world.ent_b, "设备维护员")
    client = Client()
    client.force_login(world.enterprise_admin)
    response = client.get(reverse("certificates:operation_item", args=[employment.pk]))
    assert response.status_code in (403, 404)
