"""factory_boy factories and `build_world`, the shared scene of the role-scope tests."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import factory

from roster.choices import EmploymentForm, PersonnelCategory, RegionLevel, Role
from roster.identity import id_check_char, uscc_check_char
from roster.models import (
    Employment,
    Enterprise,
    Industry,
    Person,
    Region,
    RoleGrant,
    TrainingBody,
    User,
)

_serial = itertools.count(1)


def make_id_number(
    region: str = "990102", birth: dt.date = dt.date(1985, 6, 15), seq: int | None = None
) -> str:
    """A checksum-valid 18-digit ID number (fictional area code by default).

    Tests that need a known number pass `seq` (500 and up); numbers made without one use
    000-499 and a later birth day after each 500, so the two never meet."""
    if seq is None:
        serial = next(_serial)
        seq, birth = serial % 500, birth + dt.timedelta(days=serial // 500)
    first17 = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_check_char(first17)


def make_uscc(seq: int | None = None) -> str:
    seq = next(_serial) if seq is None else seq
    first17 = f"91990102MA{seq:07d}"
    return first17 + uscc_check_char(first17)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"区域{n}")
    level = RegionLevel.PROVINCE
    parent = None


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.LazyFunction(make_uscc)
    name = factory.Sequence(lambda n: f"示范企业{n}有限公司")
    industry = factory.LazyFunction(lambda: Industry.objects.get(code="07"))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    id_number = factory.LazyFunction(make_id_number)
    name = factory.Sequence(lambda n: f"张{n}")
    sex = "M"
    birth_date = dt.date(1985, 6, 15)


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employment

    person = factory.SubFactory(PersonFactory)
    category = PersonnelCategory.GENERAL
    employment_form = EmploymentForm.REGULAR
    hire_date = dt.date(2020, 3, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-123456")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


@dataclass
class World:
    province: Region
    city: Region
    county: Region
    township_a: Region
    township_b: Region
    other_county: Region
    ent_a: Enterprise  # township A, 工贸
    ent_a_chem: Enterprise  # township A, 危险化学品
    ent_b: Enterprise  # township B, 工贸
    ent_other: Enterprise  # other county
    person_a: Person
    person_a_chem: Person
    person_b: Person
    person_other: Person
    trainee: User  # person_a's account
    enterprise_admin: User  # admin of ent_a
    regulator_county: User  # the county, all industries
    regulator_township_chem: User  # township A, 危险化学品 only
    trainer: User  # township B
    system_admin: User
    no_role: User
    trainer_body: TrainingBody | None = None  # the trainer's training body (the county's)


def build_world() -> World:
    province = RegionFactory(code="990000", name="示范省", level=RegionLevel.PROVINCE)
    city = RegionFactory(code="990100", name="示范市", level=RegionLevel.CITY, parent=province)
    county = RegionFactory(code="990102", name="清河县", level=RegionLevel.COUNTY, parent=city)
    other = RegionFactory(code="990103", name="白石县", level=RegionLevel.COUNTY, parent=city)
    ta = RegionFactory(code="990102001", name="城关镇", level=RegionLevel.TOWNSHIP, parent=county)
    tb = RegionFactory(code="990102002", name="河口乡", level=RegionLevel.TOWNSHIP, parent=county)
    general = Industry.objects.get(code="07")
    chem = Industry.objects.get(code="03")
    ent_a = EnterpriseFactory(region=ta, industry=general, name="城关机械厂")
    ent_a_chem = EnterpriseFactory(region=ta, industry=chem, name="城关化工有限公司")
    ent_b = EnterpriseFactory(region=tb, industry=general, name="河口纺织厂")
    ent_other = EnterpriseFactory(region=other, industry=general, name="白石建材厂")
    people = {}
    for key, ent in [("a", ent_a), ("a_chem", ent_a_chem), ("b", ent_b), ("other", ent_other)]:
        people[key] = EmploymentFactory(enterprise=ent).person
    trainee = UserFactory(username=people["a"].id_number, person=people["a"])
    admin = UserFactory(username="admin_a")
    RoleGrant.objects.create(user=admin, role=Role.ENTERPRISE_ADMIN, enterprise=ent_a)
    reg = UserFactory(username="regulator_county")
    RoleGrant.objects.create(user=reg, role=Role.REGULATOR, region=county)
    reg_chem = UserFactory(username="regulator_chem")
    grant = RoleGrant.objects.create(user=reg_chem, role=Role.REGULATOR, region=ta)
    grant.industries.add(chem)
    trainer = UserFactory(username="trainer_b")
    body = TrainingBody.objects.create(name="清河县安全培训中心", region=county)
    RoleGrant.objects.create(user=trainer, role=Role.TRAINER, region=tb, training_body=body)
    sysadmin = UserFactory(username="sysadmin", is_superuser=True, is_staff=True)
    no_role = UserFactory(username="nobody")
    return World(
        province,
        city,
        county,
        ta,
        tb,
        other,
        ent_a,
        ent_a_chem,
        ent_b,
        ent_other,
        people["a"],
        people["a_chem"],
        people["b"],
        people["other"],
        trainee,
        admin,
        reg,
        reg_chem,
        trainer,
        sysadmin,
        no_role,
        trainer_body=body,
    )


def exams_elsewhere(on=None):
    """The passed theory and practical exams held elsewhere that a special-operation
    certificate issued by hand needs (certificates.services.issuing.ExamsHeldElsewhere):
    twenty and ten days before `on` (default today)."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from certificates.services.issuing import ExamsHeldElsewhere

    on = on or timezone.localdate()
    return ExamsHeldElsewhere(
        theory_on=on - dt.timedelta(days=20),
        theory_score=Decimal("86"),
        practical_on=on - dt.timedelta(days=10),
        practical_score=Decimal("90"),
        examiner="王考评",
    )
