"""The demo county's coal mine, iron mine, fireworks firm and smelter (issue 26): every
special operator's post maps to an item of the national catalogue, is counted in the
county regulator's 持证率 and, when the card is missing, in the gap list; and the coal
mine's own admin (coal_admin) sees a person's "what, by when"."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates.models import CertificateFamily
from certificates.requirements import job_requirements
from certificates.selectors import holder_gaps
from demo import roster as demo
from reports.figures import annotated
from roster.choices import PersonnelCategory
from roster.models import Employment, Enterprise, User
from roster.selectors import enterprise_list

SPECIAL = PersonnelCategory.SPECIAL_OPERATOR
# demo/data/roster.json: the key of each enterprise, the catalogue's 作业类别 its special
# operators' posts fall under (the smelter also has electricians and welders).
HIGH_RISK = {
    "coal": "煤矿安全作业",
    "iron": "金属非金属矿山安全作业",
    "fireworks": "烟花爆竹安全作业",
    "smelter": "冶金(有色)生产安全作业",
}

pytestmark = pytest.mark.django_db


def enterprise(key: str) -> Enterprise:
    return Enterprise.objects.get(uscc=demo.uscc_of(key))


def special_jobs(ent: Enterprise) -> list[Employment]:
    return list(
        Employment.objects.current()
        .filter(enterprise=ent, category=SPECIAL)
        .select_related("enterprise")
    )


@pytest.mark.parametrize(("key", "category"), HIGH_RISK.items())
def test_every_special_operator_maps_to_a_catalogue_item(demo_county, key, category):
    jobs = special_jobs(enterprise(key))
    assert jobs
    needs = job_requirements(jobs)
    for job in jobs:
        assert not needs[job.pk].item_unknown, job.post
        families = {t.family for t in needs[job.pk].types}
        assert families == {CertificateFamily.SPECIAL_OPERATION}, job.post
    categories = {t.operation_category for job in jobs for t in needs[job.pk].types}
    assert category in categories


@pytest.mark.parametrize("key", HIGH_RISK)
def test_they_are_counted_in_the_certification_rate_and_the_gap_list(demo_county, key):
    today = timezone.localdate()
    ent = enterprise(key)
    regulator = User.objects.get(username="county_reg")
    assert enterprise_list(user=regulator).filter(pk=ent.pk).exists()
    rows = list(
        annotated(on=today, enterprises=Enterprise.objects.filter(pk=ent.pk))
        .filter(category=SPECIAL)
        .values("person_id", "needs", "lacks")
    )
    jobs = special_jobs(ent)
    assert len(rows) == len(jobs)
    assert all(r["needs"] == 1 for r in rows)  # every one of them is required to hold a card
    lacking = {r["person_id"] for r in rows if r["lacks"]}
    gaps = {
        g.person.pk
        for g in holder_gaps(user=regulator, enterprise=ent, on=today)
        if g.employment.category == SPECIAL
    }
    assert gaps == lacking
    # The demo certifies most of them (demo/data/certificates.json) and leaves a few gaps:
    # the rate is neither nil nor complete.
    assert 0 < len(lacking) < len(rows)


def test_the_coal_mine_admin_sees_the_coal_mine_only(demo_county):
    coal_admin = User.objects.get(username="coal_admin")
    assert list(enterprise_list(user=coal_admin)) == [enterprise(demo.MINE_ADMIN_OF)]


def test_the_coal_mine_admin_sees_a_special_operators_what_by_when(demo_county):
    coal = enterprise(demo.MINE_ADMIN_OF)
    coal_admin = User.objects.get(username="coal_admin")
    gap = next(
        g
        for g in holder_gaps(user=coal_admin, enterprise=coal)
        if g.employment.category == SPECIAL and g.certificate_type is not None
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(coal_admin)
    page = client.get(reverse("certificates:person_windows", args=[gap.person.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert f"持有有效的{gap.certificate_type.name}" in body and "上岗前" in body
