"""The system admin keeps organisations and role grants in the Wagtail admin; nobody else can."""

import pytest

from roster.models import Enterprise, Region, RoleGrant
from tests.factories import make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.system_admin)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/snippets/roster/region/",
        "/admin/snippets/roster/industry/",
        "/admin/snippets/roster/enterprise/",
        "/admin/snippets/roster/department/",
        "/admin/snippets/roster/rolegrant/",
        "/admin/snippets/roster/rolegrant/add/",
    ],
)
def test_system_admin_opens_organisation_screens(admin_client, url):
    assert admin_client.get(url).status_code == 200


@pytest.mark.parametrize("role", ["regulator_county", "enterprise_admin", "trainer", "trainee"])
def test_other_roles_cannot_open_the_admin(client, world, role):
    client.force_login(getattr(world, role))
    response = client.get("/admin/snippets/roster/enterprise/")
    assert response.status_code in (302, 403)


def test_role_grant_is_given_by_login_name(admin_client, world):
    response = admin_client.post(
        "/admin/snippets/roster/rolegrant/add/",
        {"username": "nobody", "role": "regulator", "region": world.township_b.pk},
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=world.no_role)
    assert grant.region == world.township_b


def test_role_grant_with_unknown_login_is_refused(admin_client, world):
    before = RoleGrant.objects.count()
    response = admin_client.post(
        "/admin/snippets/roster/rolegrant/add/",
        {"username": "ghost", "role": "regulator", "region": world.county.pk},
    )
    assert response.status_code == 200
    assert RoleGrant.objects.count() == before


def test_enterprise_admin_grant_without_enterprise_is_refused(admin_client, world):
    admin_client.post(
        "/admin/snippets/roster/rolegrant/add/", {"username": "nobody", "role": "enterprise_admin"}
    )
    assert not RoleGrant.objects.filter(user=world.no_role).exists()


def test_enterprise_with_bad_credit_code_is_refused(admin_client, world):
    good = make_uscc()
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    admin_client.post(
        "/admin/snippets/roster/enterprise/add/",
        {
            "name": "坏代码厂",
            "uscc": bad,
            "region": world.township_a.pk,
            "industry": world.ent_a.industry_id,
        },
    )
    assert not Enterprise.objects.filter(name="坏代码厂").exists()


def test_township_code_must_extend_its_county(admin_client, world):
    admin_client.post(
        "/admin/snippets/roster/region/add/",
        {"code": "990199001", "name": "错位镇", "level": 4, "parent": world.county.pk},
    )
    assert not Region.objects.filter(name="错位镇").exists()
    admin_client.post(
        "/admin/snippets/roster/region/add/",
        {"code": "990102009", "name": "新设镇", "level": 4, "parent": world.county.pk},
    )
    assert Region.objects.get(name="新设镇").path == "/990000/990100/990102/990102009/"


def test_trainer_grant_without_a_training_body_is_refused(admin_client, world):
    # What a trainer may change (banks, exam sessions) is their training body's.
    response = admin_client.post(
        "/admin/snippets/roster/rolegrant/add/",
        {"username": "nobody", "role": "trainer", "region": world.county.pk},
    )
    assert response.status_code == 200
    assert not RoleGrant.objects.filter(user=world.no_role).exists()
    response = admin_client.post(
        "/admin/snippets/roster/rolegrant/add/",
        {
            "username": "nobody",
            "role": "trainer",
            "region": world.county.pk,
            "training_body": world.trainer_body.pk,
        },
    )
    assert response.status_code == 302
    assert RoleGrant.objects.get(user=world.no_role).training_body == world.trainer_body
