"""Expiry and review reminders: 90, 30 and 7 days before, each exactly once, to the holder and
their enterprise's admins, in the app and by e-mail."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from certificates.models import Certificate, CertificateType, Notification, Reminder
from certificates.services.issuing import certificate_issue
from certificates.services.lifecycle import certificate_change_status, certificate_review
from certificates.services.reminders import reminders_send, threshold_reached
from certificates.tasks import send_reminders_task
from roster.choices import Role
from roster.models import RoleGrant
from tests.certificates.conftest import credit_review_hours, passed_exam
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DUE = dt.date(2027, 3, 31)


def days_before(n: int) -> dt.date:
    return DUE - dt.timedelta(days=n)


@pytest.fixture
def expiring_cert(world):
    """person_a's safety-manager certificate (no review), expiring on DUE."""
    world.trainee.email = "trainee@example.com"
    world.trainee.save(update_fields=["email"])
    world.enterprise_admin.email = "admin@example.com"
    world.enterprise_admin.save(update_fields=["email"])
    certificate = certificate_issue(
        person=world.person_a,
        ctype=CertificateType.objects.get(code="ZY-AQY"),
        actor=None,
        on=dt.date(2024, 4, 1),
    )
    assert certificate.valid_until == DUE and certificate.next_review_on is None
    return certificate


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """reminders_send with the e-mails it sends after commit actually sent."""

    def _run(today: dt.date) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_send(today=today)

    return _run


def sent(certificate) -> list[tuple[str, int, dt.date]]:
    return list(
        Reminder.objects.filter(certificate=certificate)
        .order_by("sent_at", "pk")
        .values_list("kind", "days_before", "due_on")
    )


def test_the_threshold_reached_is_the_smallest_one_not_passed():
    assert [threshold_reached(d) for d in (120, 91, 90, 31, 30, 20, 8, 7, 0)] == [
        None,
        None,
        90,
        90,
        30,
        30,
        30,
        7,
        7,
    ]


def test_nothing_is_sent_before_90_days(expiring_cert, run):
    assert run(days_before(91)) == 0
    assert sent(expiring_cert) == [] and mail.outbox == []


def test_at_90_days_the_holder_and_the_enterprise_admin_are_told_once(world, expiring_cert, run):
    assert run(days_before(90)) == 1
    assert sent(expiring_cert) == [("expiry", 90, DUE)]
    assert {n.user for n in Notification.objects.all()} == {world.trainee, world.enterprise_admin}
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@example.com", "trainee@example.com"]
    assert all(DUE.isoformat() in m.subject for m in mail.outbox)
    # Running again the same day, and the days after, sends nothing more.
    assert run(days_before(90)) == 0
    assert run(days_before(89)) == 0
    assert run(days_before(31)) == 0
    assert len(mail.outbox) == 2
    assert Notification.objects.count() == 2


def test_each_threshold_is_sent_in_turn(expiring_cert, run):
    for n in (90, 60, 30, 29, 7, 3):
        run(days_before(n))
    assert sent(expiring_cert) == [("expiry", 90, DUE), ("expiry", 30, DUE), ("expiry", 7, DUE)]
    assert len(mail.outbox) == 6


def test_a_missed_day_is_caught_up_the_next_day(expiring_cert, run):
    run(days_before(90))
    assert run(days_before(28)) == 1  # the job did not run on day 30 or 29
    assert sent(expiring_cert)[-1] == ("expiry", 30, DUE)


def test_a_certificate_first_seen_at_20_days_gets_only_the_30_day_reminder(expiring_cert, run):
    assert run(days_before(20)) == 1
    assert sent(expiring_cert) == [("expiry", 30, DUE)]
    run(days_before(7))
    assert sent(expiring_cert) == [("expiry", 30, DUE), ("expiry", 7, DUE)]


def test_users_without_an_address_get_the_notification_only(world, expiring_cert, run):
    world.enterprise_admin.email = ""
    world.enterprise_admin.save(update_fields=["email"])
    run(days_before(90))
    assert Notification.objects.filter(user=world.enterprise_admin).count() == 1
    assert [m.to for m in mail.outbox] == [["trainee@example.com"]]


def test_admins_of_other_enterprises_are_not_told(world, expiring_cert, run):
    other_admin = UserFactory(username="admin_b", email="b@example.com")
    RoleGrant.objects.create(user=other_admin, role=Role.ENTERPRISE_ADMIN, enterprise=world.ent_b)
    run(days_before(90))
    assert not Notification.objects.filter(user=other_admin).exists()


def test_the_notifications_link_to_the_right_pages(world, expiring_cert, run):
    run(days_before(90))
    holder = Notification.objects.get(user=world.trainee)
    admin = Notification.objects.get(user=world.enterprise_admin)
    assert holder.url == "/certificates/mine/"
    assert admin.url == f"/certificates/{expiring_cert.pk}/"


def test_a_suspended_certificate_is_not_reminded(expiring_cert, run):
    certificate_change_status(certificate=expiring_cert, kind="suspended", actor=None, reason="x")
    assert run(days_before(30)) == 0


def test_review_reminders_follow_the_review_date(world, run):
    certificate = certificate_issue(
        person=world.person_a,
        ctype=CertificateType.objects.get(code="TZ-DG"),
        actor=None,
        on=dt.date(2024, 4, 1),
    )
    review = certificate.next_review_on
    assert review == dt.date(2027, 4, 1)
    assert run(review - dt.timedelta(days=30)) == 1
    assert sent(certificate) == [("review", 30, review)]
    assert Notification.objects.filter(user=world.trainee).count() == 1


def test_a_reviewed_certificate_with_a_new_due_date_is_reminded_again(world, run):
    certificate = certificate_issue(
        person=world.person_a,
        ctype=CertificateType.objects.get(code="TZ-DG"),
        actor=None,
        on=dt.date(2024, 4, 1),
    )
    # An imported card valid longer than two review cycles: a review leaves another one due.
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=dt.date(2033, 3, 31))
    certificate.refresh_from_db()
    first_due = certificate.next_review_on
    run(first_due - dt.timedelta(days=7))
    credit_review_hours(certificate.person, first_due - dt.timedelta(days=30))
    passed_exam(world, certificate.person, first_due - dt.timedelta(days=20))
    certificate_review(
        certificate=certificate,
        actor=None,
        on=first_due - dt.timedelta(days=5),
        applied_on=first_due - dt.timedelta(days=60),
    )
    certificate.refresh_from_db()
    new_due = certificate.next_review_on
    assert new_due == dt.date(2030, 4, 1)
    assert run(new_due - dt.timedelta(days=90)) == 1
    assert sent(certificate) == [("review", 7, first_due), ("review", 90, new_due)]


def test_the_daily_task_sends_through_the_service_and_is_idempotent(
    expiring_cert, django_capture_on_commit_callbacks
):
    # The task sends for today: move the certificate so that today is 7 days before expiry.
    due = timezone.localdate() + dt.timedelta(days=7)
    Certificate.objects.filter(pk=expiring_cert.pk).update(valid_until=due)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders_task.apply().get() == 1
        assert send_reminders_task.apply().get() == 0
    assert sent(expiring_cert) == [("expiry", 7, due)]
    assert len(mail.outbox) == 2
