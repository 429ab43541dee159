"""'What, by when' on the web: the holder's certificates page and the staff page per person,
the practical exam recorded there (or refused beside the field, nothing written), and the
daily missed-window notice, sent once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import CertificateType, Notification, PracticalExam, WindowNotice
from certificates.services.issuing import certificate_issue
from certificates.services.window_notices import window_notices_send
from certificates.tasks import send_window_notices_task
from question_banks.models import Attempt

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today():
    """Each test's own day in China: a run that passes midnight there (16:00 UTC) must not
    keep the day the module was read on."""
    global TODAY
    TODAY = timezone.localdate()


@pytest.fixture
def review_soon(world):
    """person_a's 低压电工 card whose review is due in 50 days: the 60-day window closed."""
    return certificate_issue(
        person=world.person_a,
        ctype=CertificateType.objects.get(code="TZ-DG"),
        actor=None,
        on=TODAY.replace(year=TODAY.year - 3) + dt.timedelta(days=50),
    )


def test_the_holder_sees_what_by_when_on_their_certificates_page(client, world, review_soon):
    client.force_login(world.trainee)
    page = client.get(reverse("certificates:mine")).content.decode()
    assert "待办事项与期限" in page
    assert "复审" in page and review_soon.next_review_on.isoformat() in page
    assert "已逾期" in page  # applied for by due - 60 days: that day has passed


def test_the_admin_sees_the_persons_windows(client, world, review_soon):
    client.force_login(world.enterprise_admin)
    page = client.get(reverse("certificates:person_windows", args=[world.person_a.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "应复审日期前至少 60 天申请复审" in body
    assert "登记实际操作考试" in body


def test_a_practical_exam_without_a_theory_pass_is_refused_beside_the_date(client, world):
    client.force_login(world.enterprise_admin)
    response = client.post(
        reverse("certificates:practical_add", args=[world.person_a.pk]),
        {
            "practical-certificate_type": CertificateType.objects.get(code="TZ-DG").pk,
            "practical-taken_on": TODAY.isoformat(),
            "practical-examiner": "李考评员",
            "practical-score": "88",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "理论考试合格后方可参加实际操作考试" in form.errors["taken_on"][0]
    assert 'value="李考评员"' in response.content.decode()  # what was typed is kept
    assert not PracticalExam.objects.exists()


def test_a_practical_exam_is_recorded_on_a_theory_pass(client, world, cert_session):
    Attempt.objects.create(
        person=world.person_a,
        session=cert_session,
        rule=cert_session.rule,
        seed=1,
        status=Attempt.Status.SUBMITTED,
        finished_at=timezone.now() - dt.timedelta(days=3),
        score=Decimal(90),
        total_points=Decimal(100),
        passed=True,
    )
    client.force_login(world.enterprise_admin)
    response = client.post(
        reverse("certificates:practical_add", args=[world.person_a.pk]),
        {
            "practical-certificate_type": CertificateType.objects.get(code="TZ-DG").pk,
            "practical-taken_on": TODAY.isoformat(),
            "practical-examiner": "李考评员",
            "practical-score": "88",
        },
    )
    assert response.status_code == 302
    exam = PracticalExam.objects.get()
    assert (exam.person, exam.score, exam.passed, exam.recorded_by) == (
        world.person_a,
        Decimal(88),
        True,
        world.enterprise_admin,
    )


def test_a_missed_window_is_notified_once_to_the_holder_and_their_admin(world, review_soon):
    assert send_window_notices_task.apply().get() == 1
    assert send_window_notices_task.apply().get() == 0  # a second run sends nothing again
    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert notified == {world.trainee.username, world.enterprise_admin.username}
    title = Notification.objects.filter(user=world.trainee).get().title
    assert "已逾期" in title and "复审" in title
    assert WindowNotice.objects.get().due_on == review_soon.next_review_on - dt.timedelta(days=60)


def test_a_window_not_yet_missed_is_not_notified(world, review_soon):
    # On the window's last day nothing is late yet.
    assert window_notices_send(today=review_soon.next_review_on - dt.timedelta(days=60)) == 0
    assert not Notification.objects.exists()


def test_the_person_page_does_not_query_per_practical_exam(
    client, world, cert_session, django_assert_max_num_queries
):
    attempt = Attempt.objects.create(
        person=world.person_a,
        session=cert_session,
        rule=cert_session.rule,
        seed=1,
        status=Attempt.Status.SUBMITTED,
        finished_at=timezone.now() - dt.timedelta(days=30),
        score=Decimal(90),
        total_points=Decimal(100),
        passed=True,
    )
    ctype = CertificateType.objects.get(code="TZ-DG")

    def add(n: int) -> None:
        for i in range(n):
            PracticalExam.objects.create(
                person=world.person_a,
                certificate_type=ctype,
                taken_on=TODAY - dt.timedelta(days=i),
                examiner="李考评员",
                score=Decimal(70),
                passed=False,
                theory_attempt=attempt,
                recorded_by=world.enterprise_admin,
            )

    client.force_login(world.enterprise_admin)
    url = reverse("certificates:person_windows", args=[world.person_a.pk])
    add(1)
    client.get(url)  # warm the session and the caches
    with django_assert_max_num_queries(40) as one:
        client.get(url)
    add(10)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200
