"""A library item reaches the industries its publishing regulator regulates: an item of a
regulator limited to 危险化学品 is not the county's 工贸 enterprises' to read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from notices.models import KnowledgeItem
from notices.selectors import knowledge_list
from notices.services import KnowledgeData, knowledge_publish
from roster.choices import Role
from roster.models import Industry, RoleGrant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def chem_county_regulator(world):
    """A county regulator limited to 危险化学品 (the brief's case: the whole county, one
    industry)."""
    user = UserFactory(username="county_chem")
    grant = RoleGrant.objects.create(user=user, role=Role.REGULATOR, region=world.county)
    grant.industries.add(Industry.objects.get(code="03"))
    return user


@pytest.fixture
def chem_reader(world):
    return UserFactory(username=world.person_a_chem.id_number, person=world.person_a_chem)


def _item(**overrides) -> KnowledgeData:
    values = dict(
        kind=KnowledgeItem.Kind.POLICY,
        title="危险化学品企业动火作业专项整治方案",
        source="清河县应急管理局",
        doc_number="",
        issued_on=dt.date(2024, 5, 1),
        body="各危化企业：严格执行动火作业审批。",
    )
    values.update(overrides)
    return KnowledgeData(**values)


def test_an_item_of_a_chemicals_regulator_carries_its_industry(world, chem_county_regulator):
    item = knowledge_publish(actor=chem_county_regulator, data=_item(region=world.county))
    assert [i.code for i in item.industries.all()] == ["03"]


def test_an_item_of_a_regulator_of_every_industry_is_for_every_industry(world):
    item = knowledge_publish(actor=world.regulator_county, data=_item(region=world.county))
    assert not item.industries.exists()
    assert knowledge_list(user=world.trainee).filter(pk=item.pk).exists()


def test_the_gongmao_enterprise_does_not_see_the_chemicals_item_the_chemicals_one_does(
    world, chem_county_regulator, chem_reader
):
    item = knowledge_publish(actor=chem_county_regulator, data=_item(region=world.county))
    # 工贸 (城关机械厂): neither its person nor its admin.
    assert not knowledge_list(user=world.trainee).filter(pk=item.pk).exists()
    assert not knowledge_list(user=world.enterprise_admin).filter(pk=item.pk).exists()
    # 危险化学品 (城关化工有限公司) in the same county.
    assert knowledge_list(user=chem_reader).filter(pk=item.pk).exists()
    # The regulators: the publisher, the county's regulator of every industry, the
    # township's chemicals regulator; not a regulator of other industries only.
    assert knowledge_list(user=chem_county_regulator).filter(pk=item.pk).exists()
    assert knowledge_list(user=world.regulator_county).filter(pk=item.pk).exists()
    assert knowledge_list(user=world.regulator_township_chem).filter(pk=item.pk).exists()
    gongmao_regulator = UserFactory(username="county_general")
    grant = RoleGrant.objects.create(
        user=gongmao_regulator, role=Role.REGULATOR, region=world.county
    )
    grant.industries.add(Industry.objects.get(code="07"))
    assert not knowledge_list(user=gongmao_regulator).filter(pk=item.pk).exists()


def test_a_township_chemicals_regulator_publishes_for_its_industry_only(world, chem_reader):
    item = knowledge_publish(
        actor=world.regulator_township_chem, data=_item(region=world.township_a)
    )
    assert not knowledge_list(user=world.trainee).filter(pk=item.pk).exists()
    assert knowledge_list(user=chem_reader).filter(pk=item.pk).exists()


def test_on_the_web_the_gongmao_reader_neither_lists_nor_opens_it(
    world, chem_county_regulator, chem_reader
):
    response = client_for(chem_county_regulator).post(
        "/notices/library/new/",
        {
            "kind": "policy",
            "title": "危险化学品企业动火作业专项整治方案",
            "source": "清河县应急管理局",
            "issued_on": "2024-05-01",
            "body": "严格执行动火作业审批。",
            "region": world.county.pk,
        },
    )
    assert response.status_code == 302
    item = KnowledgeItem.objects.get()
    assert [i.code for i in item.industries.all()] == ["03"]

    page = client_for(world.trainee).get("/notices/library/").content.decode()
    assert item.title not in page
    assert client_for(world.trainee).get(f"/notices/library/{item.pk}/").status_code == 404

    page = client_for(chem_reader).get("/notices/library/").content.decode()
    assert item.title in page
    detail = client_for(chem_reader).get(f"/notices/library/{item.pk}/")
    assert detail.status_code == 200
    assert "危险化学品" in detail.content.decode()  # the industries it is for


def test_an_enterprise_s_own_item_still_reaches_its_people(world):
    item = knowledge_publish(actor=world.enterprise_admin, data=_item(enterprise=world.ent_a))
    assert knowledge_list(user=world.trainee).filter(pk=item.pk).exists()
