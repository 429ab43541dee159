"""One rule for evidence, drills' and campaign months' alike: the enterprise's admins and the
regulators over it open it (and the system admin); a trainer, even over the same county, is
a training body and does not; nor does another enterprise or another county."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.models import ActivityEvidence
from campaigns.selectors import month_activity_list, month_evidence_get
from drills import services as drill_services
from drills.models import DrillEvidence
from drills.selectors import drill_evidence_get
from roster.choices import Role
from roster.models import RoleGrant
from tests.drills.conftest import drill, jpeg  # noqa: F401  (the drill fixture)
from tests.factories import UserFactory

from .test_months import png, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(world):
    admin_b = UserFactory(username="admin-b")
    RoleGrant.objects.create(user=admin_b, role=Role.ENTERPRISE_ADMIN, enterprise=world.ent_b)
    regulator_other = UserFactory(username="reg-other")
    RoleGrant.objects.create(user=regulator_other, role=Role.REGULATOR, region=world.other_county)
    trainer_county = UserFactory(username="trainer-county")
    RoleGrant.objects.create(
        user=trainer_county,
        role=Role.TRAINER,
        region=world.county,
        training_body=world.trainer_body,
    )
    return {
        "enterprise_admin": (world.enterprise_admin, True),
        "regulator_county": (world.regulator_county, True),
        "system_admin": (world.system_admin, True),
        "trainer_county": (trainer_county, False),
        "admin_other_enterprise": (admin_b, False),
        "regulator_other_county": (regulator_other, False),
        "regulator_other_industry": (world.regulator_township_chem, False),
        "trainee": (world.trainee, False),
    }


ROLES = [
    "enterprise_admin",
    "regulator_county",
    "system_admin",
    "trainer_county",
    "admin_other_enterprise",
    "regulator_other_county",
    "regulator_other_industry",
    "trainee",
]


@pytest.fixture
def month_photo(world):
    activity = record(world, files=[png()], held_on=timezone.localdate(), today=None)
    return activity.evidence.get()


@pytest.fixture
def drill_photo(drill):  # noqa: F811
    drill_services.evidence_add(actor=None, record=drill, files=[jpeg()])
    return drill.evidence.get()


def _opens(user, url) -> bool:
    client = Client()
    client.force_login(user)
    status = client.get(url).status_code
    assert status in (200, 403, 404), status
    return status == 200


@pytest.mark.parametrize("role", ROLES)
def test_both_kinds_of_evidence_follow_one_rule(role, users, month_photo, drill_photo):
    user, allowed = users[role]
    assert _opens(user, f"/campaigns/months/evidence/{month_photo.pk}/") is allowed
    assert _opens(user, f"/drills/evidence/{drill_photo.pk}/") is allowed


@pytest.mark.parametrize("role", ROLES)
def test_the_selectors_say_the_same(role, users, month_photo, drill_photo):
    user, allowed = users[role]
    for get, model, pk in (
        (month_evidence_get, ActivityEvidence, month_photo.pk),
        (drill_evidence_get, DrillEvidence, drill_photo.pk),
    ):
        try:
            get(user=user, pk=pk)
            opened = True
        except model.DoesNotExist:
            opened = False
        assert opened is allowed, get.__name__


def test_a_trainer_in_scope_lists_the_activity_without_its_evidence(world, users, month_photo):
    trainer, _ = users["trainer_county"]
    activity = month_activity_list(user=trainer).get()
    assert activity.shown_evidence == []
    client = Client()
    client.force_login(trainer)
    page = client.get("/campaigns/months/").content.decode()
    assert "安全生产月知识竞赛" in page
    assert f"/campaigns/months/evidence/{month_photo.pk}/" not in page
    client.force_login(world.regulator_county)
    page = client.get("/campaigns/months/").content.decode()
    assert f"/campaigns/months/evidence/{month_photo.pk}/" in page
