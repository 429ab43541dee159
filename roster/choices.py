"""The fixed vocabularies of the roster. Rules attached to them (hours, validity) are data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonnelCategory(models.TextChoices):
    PRINCIPAL = "principal", _("Principal person")
    SAFETY_MANAGER = "safety_manager", _("Safety manager")
    SPECIAL_OPERATOR = "special_operator", _("Special operator")
    CONSTRUCTION_A = "construction_a", _("Construction enterprise principal (A)")
    CONSTRUCTION_B = "construction_b", _("Project leader (B)")
    CONSTRUCTION_C1 = "construction_c1", _("Full-time safety officer (C1, machinery)")
    CONSTRUCTION_C2 = "construction_c2", _("Full-time safety officer (C2, civil works)")
    CONSTRUCTION_C3 = "construction_c3", _("Full-time safety officer (C3, general)")
    TEAM_LEADER = "team_leader", _("Team leader")
    GENERAL = "general", _("Other employee")
    FIRE_SAFETY = "fire_safety", _("Fire-safety responsible person")
    ENFORCEMENT = "enforcement", _("Enforcement officer")
    PARTY_LEADER = "party_leader", _("Party and government leader")


class EmploymentForm(models.TextChoices):
    REGULAR = "regular", _("Regular")
    DISPATCHED = "dispatched", _("Labour dispatch")
    OUTSOURCED = "outsourced", _("Outsourced")
    TEMPORARY = "temporary", _("Temporary")
    FLEXIBLE = "flexible", _("Flexible")


class EmploymentStatus(models.TextChoices):
    ON_POST = "on_post", _("On post")
    OFF_POST = "off_post", _("Away from post")
    TRANSFERRED = "transferred", _("Changed post")
    LEFT = "left", _("Left the enterprise")


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    CITY = 2, _("City")
    COUNTY = 3, _("County")
    TOWNSHIP = 4, _("Township")


class DepartmentKind(models.TextChoices):
    DEPARTMENT = "department", _("Department")
    WORKSHOP = "workshop", _("Workshop")
    TEAM = "team", _("Team")


class Role(models.TextChoices):
    ENTERPRISE_ADMIN = "enterprise_admin", _("Enterprise safety admin")
    TRAINER = "trainer", _("Trainer")
    REGULATOR = "regulator", _("Regulator")
