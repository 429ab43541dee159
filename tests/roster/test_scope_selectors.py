"""What each role reaches through the roster selectors (ARCHITECTURE.md rule 7)."""

import pytest

from roster.choices import Role
from roster.models import Enterprise, Person, RoleGrant, User
from roster.selectors import can_see_full_id, employment_list, enterprise_list, person_get

pytestmark = pytest.mark.django_db


def names(qs):
    return sorted(e.name for e in qs)


def test_system_admin_sees_every_enterprise(world):
    assert enterprise_list(user=world.system_admin).count() == 4


def test_enterprise_admin_sees_only_their_enterprise(world):
    assert names(enterprise_list(user=world.enterprise_admin)) == ["城关机械厂"]
    people = {e.person for e in employment_list(user=world.enterprise_admin)}
    assert people == {world.person_a}


def test_county_regulator_sees_the_county_subtree_not_the_next_county(world):
    assert names(enterprise_list(user=world.regulator_county)) == sorted(
        ["城关机械厂", "城关化工有限公司", "河口纺织厂"]
    )
    with pytest.raises(Person.DoesNotExist):
        person_get(user=world.regulator_county, pk=world.person_other.pk)


def test_regulator_limited_to_industries_sees_only_those(world):
    assert names(enterprise_list(user=world.regulator_township_chem)) == ["城关化工有限公司"]
    with pytest.raises(Person.DoesNotExist):
        person_get(user=world.regulator_township_chem, pk=world.person_a.pk)


def test_trainer_sees_their_region_only(world):
    assert names(enterprise_list(user=world.trainer)) == ["河口纺织厂"]


def test_trainee_sees_only_themself(world):
    assert enterprise_list(user=world.trainee).count() == 0
    assert [e.person for e in employment_list(user=world.trainee)] == [world.person_a]
    with pytest.raises(Person.DoesNotExist):
        person_get(user=world.trainee, pk=world.person_b.pk)


def test_user_without_role_sees_nothing(world):
    assert enterprise_list(user=world.no_role).count() == 0
    assert employment_list(user=world.no_role).count() == 0
    with pytest.raises(Enterprise.DoesNotExist):
        enterprise_list(user=world.no_role).get(pk=world.ent_a.pk)


def test_full_id_only_for_those_who_need_it(world):
    assert can_see_full_id(user=world.enterprise_admin, person=world.person_a)
    assert can_see_full_id(user=world.regulator_county, person=world.person_a)
    assert can_see_full_id(user=world.trainee, person=world.person_a)
    assert not can_see_full_id(user=world.trainer, person=world.person_b)
    assert not can_see_full_id(user=world.enterprise_admin, person=world.person_b)


def test_a_regulator_who_also_trains_elsewhere_sees_full_ids_only_where_they_regulate(world):
    # The township-A chemicals regulator also trains in township B: they reach person_b as a
    # trainer, and a trainer never sees full numbers.
    RoleGrant.objects.create(
        user=world.regulator_township_chem, role=Role.TRAINER, region=world.township_b
    )
    user = User.objects.get(pk=world.regulator_township_chem.pk)  # no cached grants
    assert person_get(user=user, pk=world.person_b.pk) == world.person_b
    assert not can_see_full_id(user=user, person=world.person_b)
    assert can_see_full_id(user=user, person=world.person_a_chem)
