"""The scene of the transfer tests: person_a works at ent_a (township A); the admin of ent_b
(township B, same county) adds person_a by ID number. Who may decide: ent_a's admin, the
county regulator (over both), the system admin; not a township-A regulator (over ent_a only)
nor ent_b's admin."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from roster.choices import EmploymentForm, PersonnelCategory, Role
from roster.models import Employment, Person, RoleGrant, User
from roster.services import PersonData, person_create_or_update
from tests.factories import UserFactory

PHONE_ON_FILE = "13900990001"
OTHER_PHONE = "13700137000"
OTHER_NAME = "冒名顶替"


@dataclass
class Scene:
    world: object
    person: Person
    employment: Employment  # person_a's current job at ent_a
    admin_a: User
    admin_b: User
    regulator_both: User  # the county: ent_a and ent_b
    regulator_one: User  # township A, every industry: ent_a only
    sysadmin: User


def build(world) -> Scene:
    person = world.person_a
    person.phone = PHONE_ON_FILE
    person.save(update_fields=["phone"])
    admin_b = UserFactory(username="admin_b")
    RoleGrant.objects.create(user=admin_b, role=Role.ENTERPRISE_ADMIN, enterprise=world.ent_b)
    regulator_one = UserFactory(username="regulator_township_a")
    RoleGrant.objects.create(user=regulator_one, role=Role.REGULATOR, region=world.township_a)
    return Scene(
        world=world,
        person=person,
        employment=person.employments.get(),
        admin_a=world.enterprise_admin,
        admin_b=admin_b,
        regulator_both=world.regulator_county,
        regulator_one=regulator_one,
        sysadmin=world.system_admin,
    )


def asked(scene: Scene, **overrides) -> PersonData:
    """What ent_b's admin types in to add person_a: their ID number, a post of ent_b's."""
    values = {
        "id_number": scene.person.id_number,
        "name": scene.person.name,
        "enterprise": scene.world.ent_b,
        "category": PersonnelCategory.SPECIAL_OPERATOR,
        "phone": OTHER_PHONE,
        "department_name": "织造车间",
        "post": "低压电工作业",
        "employment_form": EmploymentForm.DISPATCHED,
        "hire_date": dt.date(2025, 9, 1),
    }
    return PersonData(**{**values, **overrides})


def ask(scene: Scene, **overrides):
    """ent_b's admin adds person_a through the roster service (what every door calls)."""
    return person_create_or_update(data=asked(scene, **overrides), actor=scene.admin_b)


def untouched(scene: Scene) -> bool:
    """person_a is exactly as before: name, phone, one job at ent_a, still current."""
    person = Person.objects.get(pk=scene.person.pk)
    jobs = list(person.employments.all())
    return (
        person.name == scene.person.name
        and person.phone == PHONE_ON_FILE
        and [(e.pk, e.enterprise_id, e.ended_on) for e in jobs]
        == [(scene.employment.pk, scene.world.ent_a.pk, None)]
    )
