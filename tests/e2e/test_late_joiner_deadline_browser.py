"""A late joiner's own acknowledgement deadline in a real browser: a notice gave everyone five
days and its deadline has passed; someone hired today opens it on a phone and is told their
own deadline (five days from joining), not that it is overdue; the original reader is told
the deadline has passed. Screenshots at phone and desktop size go to
/tmp/shots/late-joiner-deadline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from notices.models import NoticeReceipt
from notices.services import notice_publish
from roster.choices import PersonnelCategory
from roster.services.employments import PersonData
from roster.services.people import person_create_or_update
from tests.e2e import shots
from tests.factories import UserFactory, build_world, make_id_number
from tests.notices.conftest import enterprise_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/late-joiner-deadline")
PASSWORD = "pw-123456"
TITLE = "关于开展消防安全自查的通知"


def test_a_late_joiner_sees_their_own_deadline(phone, desktop):
    world = build_world()
    now = timezone.now()
    notice = notice_publish(
        actor=world.enterprise_admin,
        data=enterprise_data(
            world,
            title=TITLE,
            publish_from=now - dt.timedelta(days=6),
            ack_deadline=now - dt.timedelta(days=1),
        ),
    )
    id_number = make_id_number(seq=951)
    # Committed for real: the roster's signal adds the newcomer's receipt after the commit.
    person = person_create_or_update(
        data=PersonData(
            id_number=id_number,
            name="赵后来",
            enterprise=world.ent_a,
            category=PersonnelCategory.GENERAL,
        ),
        actor=world.enterprise_admin,
    ).person
    receipt = NoticeReceipt.objects.get(notice=notice, person=person)
    assert receipt.ack_due_at is not None
    UserFactory(username=id_number, person=person)

    phone.login(id_number, PASSWORD)
    phone.go(f"/notices/{notice.pk}/")
    main = phone.page.locator("main").inner_text()
    own = timezone.localtime(receipt.ack_due_at).strftime("%Y-%m-%d %H:%M")
    assert own in main
    assert "您的签收期限单独计算" in main
    assert "已超过签收截止时间" not in main
    shots.both_sizes(phone, SHOTS, "01-late-joiner-own-deadline", english=("Acknowledge",))

    desktop.login(world.person_a.id_number, PASSWORD)
    desktop.go(f"/notices/{notice.pk}/")
    main = desktop.page.locator("main").inner_text()
    assert "已超过签收截止时间" in main and "您的签收期限单独计算" not in main
    shots.both_sizes(desktop, SHOTS, "02-original-reader-overdue", english=("Acknowledge",))
