"""A missed window raises a notification, per dated rule (the review window's own test is in
test_window_pages.py): the 合格证 renewal 30 days before expiry, the practical exam within
12 months of the theory pass, and the high-risk assessment within 6 months of taking the
post. On a fixed clock (the task's `today`): nothing on the window's last day, one notice to
the person and their enterprise's admin the day after, none again on a second run. Also: a
replaced 合格证 keeps its number (MISSION.md, the same rule row)."""

import datetime as dt

import pytest

from certificates.models import CertificateType, Notification, WindowNotice
from certificates.services.issuing import certificate_issue
from certificates.services.lifecycle import certificate_replace
from certificates.services.window_notices import window_notices_send
from roster.choices import PersonnelCategory, Role
from roster.models import Employment, RoleGrant
from tests.factories import UserFactory

from .conftest import passed_exam

pytestmark = pytest.mark.django_db


def ctype(code: str) -> CertificateType:
    return CertificateType.objects.get(code=code)


def notified(person_pk: int, prefix: str) -> list[WindowNotice]:
    return list(WindowNotice.objects.filter(person_id=person_pk, key__startswith=prefix))


def test_a_missed_certificate_renewal_is_notified_once(world):
    """ZY-AQY from 2026-01-05 expires 2029-01-04: renewal applied for by 2028-12-05."""
    certificate_issue(
        person=world.person_a, ctype=ctype("ZY-AQY"), actor=None, on=dt.date(2026, 1, 5)
    )
    window_notices_send(today=dt.date(2028, 12, 5))
    assert notified(world.person_a.pk, "renew:") == []
    window_notices_send(today=dt.date(2028, 12, 6))
    window_notices_send(today=dt.date(2028, 12, 7))
    (notice,) = notified(world.person_a.pk, "renew:")
    assert notice.due_on == dt.date(2028, 12, 5)
    users = set(Notification.objects.values_list("user__username", flat=True))
    assert users == {world.trainee.username, world.enterprise_admin.username}
    assert all("2028-12-05" in n.title for n in Notification.objects.all())


def test_a_theory_pass_left_unused_for_twelve_months_is_notified_once(world):
    passed_exam(world, world.person_a, dt.date(2026, 1, 15))
    window_notices_send(today=dt.date(2027, 1, 15))
    assert notified(world.person_a.pk, "theory:") == []
    window_notices_send(today=dt.date(2027, 1, 16))
    window_notices_send(today=dt.date(2027, 1, 17))
    (notice,) = notified(world.person_a.pk, "theory:")
    assert notice.due_on == dt.date(2027, 1, 15)
    assert Notification.objects.filter(user=world.trainee).count() == 1


@pytest.mark.parametrize(
    "category", [PersonnelCategory.PRINCIPAL, PersonnelCategory.SAFETY_MANAGER]
)
def test_a_missed_high_risk_assessment_is_notified_once_to_the_enterprises_admin(world, category):
    admin = UserFactory(username="chem_admin")
    RoleGrant.objects.create(user=admin, role=Role.ENTERPRISE_ADMIN, enterprise=world.ent_a_chem)
    employment = Employment.objects.get(person=world.person_a_chem)
    employment.category = category
    employment.hire_date = dt.date(2026, 2, 10)
    employment.save()
    window_notices_send(today=dt.date(2026, 8, 10))
    assert notified(world.person_a_chem.pk, "assess:") == []
    window_notices_send(today=dt.date(2026, 8, 11))
    window_notices_send(today=dt.date(2026, 8, 12))
    (notice,) = notified(world.person_a_chem.pk, "assess:")
    assert notice.due_on == dt.date(2026, 8, 10)
    assert Notification.objects.filter(user=admin).count() == 1


def test_an_ordinary_industrys_safety_manager_gets_no_assessment_notice(world):
    employment = Employment.objects.get(person=world.person_a)
    employment.category = PersonnelCategory.SAFETY_MANAGER
    employment.hire_date = dt.date(2026, 2, 10)
    employment.save()
    window_notices_send(today=dt.date(2027, 2, 11))
    assert notified(world.person_a.pk, "assess:") == []


def test_a_replaced_certificate_keeps_its_number(world):
    old = certificate_issue(
        person=world.person_a, ctype=ctype("ZY-AQY"), actor=None, on=dt.date(2026, 1, 5)
    )
    new = certificate_replace(certificate=old, actor=world.system_admin, reason="遗失补证")
    old.refresh_from_db()
    assert old.status == "replaced" and new.number == old.number
    assert (new.valid_from, new.valid_until) == (old.valid_from, old.valid_until)
