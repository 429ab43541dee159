"""A late joiner's own warning-education deadline in a real browser: a case was assigned 20
days ago with 30 days to read it; someone hired today opens their cases on a phone and is
told their own deadline (30 days from joining), not the assignment's; the enterprise admin
sees both deadlines among the readers. Screenshots at phone and desktop size go to
/tmp/shots/warning-late-joiner."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from campaigns.models import WarningAssignee, WarningAssignment
from campaigns.services.warning import warning_assignment_create
from roster.choices import PersonnelCategory
from roster.services.employments import PersonData
from roster.services.people import person_create_or_update
from tests.campaigns.conftest import publish_content
from tests.e2e import shots
from tests.factories import UserFactory, build_world, make_id_number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/warning-late-joiner")
PASSWORD = "pw-123456"
ENGLISH = ("Warning", "Deadline", "Read to the end", "joined")


def test_a_late_joiner_sees_their_own_later_reading_deadline(phone, desktop):
    world = build_world()
    content = publish_content()
    today = timezone.localdate()
    assignment = warning_assignment_create(
        actor=world.regulator_county,
        case=content["case"],
        enterprises=[world.ent_a],
        due_on=today + dt.timedelta(days=10),
    )
    WarningAssignment.objects.filter(pk=assignment.pk).update(
        created_at=timezone.now() - dt.timedelta(days=20)
    )
    id_number = make_id_number(seq=961)
    # Committed for real: the roster's signal adds the newcomer's reading after the commit.
    person = person_create_or_update(
        data=PersonData(
            id_number=id_number,
            name="钱新来",
            enterprise=world.ent_a,
            category=PersonnelCategory.GENERAL,
        ),
        actor=world.enterprise_admin,
    ).person
    own = today + dt.timedelta(days=30)
    assert WarningAssignee.objects.get(assignment=assignment, person=person).due_on == own
    UserFactory(username=id_number, person=person)

    mobile = phone.page
    phone.login(id_number, PASSWORD)
    phone.go("/campaigns/warning/mine/")
    card = mobile.locator("#my-cases li", has_text=content["case"].title)
    text = card.inner_text()
    assert own.isoformat() in text and "自您加入之日起计算" in text
    assert (today + dt.timedelta(days=10)).isoformat() not in text
    phone.assert_no_horizontal_overflow()
    shots.both_sizes(phone, SHOTS, "01-late-joiner-own-deadline", english=ENGLISH)
    with mobile.expect_navigation():
        card.locator("a").click()
    assert own.isoformat() in mobile.locator("main").inner_text()

    page = desktop.page
    desktop.login(world.enterprise_admin.username, PASSWORD)
    desktop.go(f"/campaigns/warning/{assignment.pk}/")
    newcomer = page.locator("#readers tr", has_text="钱新来").inner_text()
    assert own.isoformat() in newcomer and "加入" in newcomer
    original = page.locator("#readers tr", has_text=world.person_a.name).inner_text()
    assert (today + dt.timedelta(days=10)).isoformat() in original
    assert page.inner_text("#overdue-count") == "0"
    shots.both_sizes(desktop, SHOTS, "02-readers-with-their-deadlines", english=ENGLISH)
