"""The certificate rules as the regulator checks them, the gaps issue 26 left (fixed dates,
the services take the day as `on`): each refusal names the rule and the date it allows, in
Chinese on the pages, and writes nothing.

1. A serious 违章 refuses the review (复审) at once; ordinary ones from the second.
2. "One resit, then retrain" at the exam's start too: put on a list before failing a resit
   elsewhere, the examinee is told why on the session page and cannot start.
3. A certificate issued by hand (exams held elsewhere) of a type with a practical exam takes
   the theory and practical results or is refused; they are kept as the practical exam.
5. The construction renewal (延续) window shows the yearly training still missing, year and
   hours, to the holder and their admin, beside the window.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from certificates.models import CertificateType
from certificates.services.issuing import CertificateError, certificate_issue
from certificates.services.lifecycle import certificate_review
from courses.models import CreditEntry, StudySettings, TrainingKind, ViolationRetraining
from question_banks.models import Attempt, Candidate, ExamSession
from question_banks.services.attempts import ExamError, attempt_start
from question_banks.services.sessions import session_add_candidates

from .conftest import credit_review_hours, passed_exam, take_exam

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages read in English here, whatever the Chinese catalogue says."""
    with translation.override("en"):
        yield


def ctype(code: str) -> CertificateType:
    return CertificateType.objects.get(code=code)


# 1. A serious 违章 ------------------------------------------------------------------------


@pytest.fixture
def card(world):
    """person_a's 低压电工 card from 2026-03-01, review due 2029-03-01, the review training
    and the review exam done."""
    card = certificate_issue(
        person=world.person_a, ctype=ctype("TZ-DG"), actor=None, on=dt.date(2026, 3, 1)
    )
    credit_review_hours(world.person_a, dt.date(2028, 12, 1))
    passed_exam(world, world.person_a, dt.date(2029, 1, 10))
    return card


def review(card):
    return certificate_review(
        certificate=card, actor=None, on=dt.date(2029, 1, 20), applied_on=dt.date(2028, 12, 20)
    )


def snapshot(card):
    card.refresh_from_db()
    return (card.next_review_on, card.last_reviewed_on, card.events.count())


def violation(world, day: dt.date, severity=ViolationRetraining.Severity.ORDINARY, **extra):
    return ViolationRetraining.objects.create(
        person=world.person_a,
        enterprise=world.ent_a,
        violation=extra.get("what", "违章操作"),
        severity=severity,
        off_job_from=day,
    )


def test_a_record_without_a_severity_is_ordinary(world):
    record = ViolationRetraining.objects.create(
        person=world.person_a,
        enterprise=world.ent_a,
        violation="违章",
        off_job_from=dt.date(2027, 1, 4),
    )
    assert record.severity == ViolationRetraining.Severity.ORDINARY


def test_one_serious_violation_in_the_validity_refuses_the_review(card, world):
    violation(world, dt.date(2026, 2, 27), ViolationRetraining.Severity.SERIOUS)  # before it
    violation(world, dt.date(2027, 5, 1))  # one ordinary: not repeated
    review(card)  # neither refuses
    card2 = certificate_issue(
        person=world.person_b, ctype=ctype("TZ-DG"), actor=None, on=dt.date(2026, 3, 1)
    )
    credit_review_hours(world.person_b, dt.date(2028, 12, 1))
    passed_exam(world, world.person_b, dt.date(2029, 1, 10))
    ViolationRetraining.objects.create(
        person=world.person_b,
        enterprise=world.ent_b,
        violation="无证指挥吊装",
        severity=ViolationRetraining.Severity.SERIOUS,
        off_job_from=dt.date(2027, 9, 3),
    )
    before = snapshot(card2)
    with pytest.raises(CertificateError) as err:
        review(card2)
    assert err.value.code == "serious_violation"
    assert "no review after a serious violation" in err.value.message
    assert "2027-09-03" in err.value.message and "2026-03-01" in err.value.message
    assert "无证指挥吊装" in err.value.message
    assert snapshot(card2) == before


def test_two_ordinary_violations_still_refuse_the_review(card, world):
    violation(world, dt.date(2027, 5, 1))
    violation(world, dt.date(2028, 7, 1))
    before = snapshot(card)
    with pytest.raises(CertificateError) as err:
        review(card)
    assert err.value.code == "violations"
    assert snapshot(card) == before


def test_the_refusal_reads_in_chinese(card, world):
    violation(world, dt.date(2027, 9, 3), ViolationRetraining.Severity.SERIOUS)
    with translation.override("zh-hans"), pytest.raises(CertificateError) as err:
        review(card)
    assert "严重违章" in err.value.message and "2027-09-03" in err.value.message


def test_the_admin_records_the_severity_on_the_web_and_the_lists_show_it(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.enterprise_admin)
    form = client.get(reverse("courses:violation_create")).content.decode()
    assert 'name="severity"' in form and "严重" in form
    response = client.post(
        reverse("courses:violation_create") + f"?enterprise={world.ent_a.uscc}",
        {
            "id_number": world.person_a.id_number,
            "violation": "高处作业未系安全带",
            "severity": "serious",
            "off_job_from": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = ViolationRetraining.objects.get()
    assert record.severity == ViolationRetraining.Severity.SERIOUS
    listing = client.get(reverse("courses:record_list")).content.decode()
    assert "高处作业未系安全带" in listing and "严重" in listing
    file_page = client.get(reverse("courses:training_file", args=[world.person_a.pk]))
    assert "严重" in file_page.content.decode()


def test_a_severity_not_in_the_list_is_refused_beside_the_field(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.enterprise_admin)
    response = client.post(
        reverse("courses:violation_create"),
        {
            "id_number": world.person_a.id_number,
            "violation": "违章",
            "severity": "fatal",
            "off_job_from": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert not ViolationRetraining.objects.exists()


# 2. "One resit, then retrain" at the start ---------------------------------------------------


@pytest.fixture
def failed_twice(world, cert_session, now):
    """person_a is put on the list of a second 低压电工 session (S2, open now) while in good
    standing, then fails the exam and its resit in S1, ten days ago."""
    cert_session.opens_at = now - dt.timedelta(days=11)
    cert_session.save(update_fields=["opens_at"])
    later = ExamSession.objects.create(
        code="S2",
        name="2026年第2期低压电工考试",
        rule=cert_session.rule,
        is_published=True,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(hours=3),
        training_body=world.trainer_body,
        region=world.township_b,
        certificate_type_code="TZ-DG",
    )
    assert session_add_candidates(session=later, actor=None, people=[world.person_a]) == 1
    ten_days_ago = now - dt.timedelta(days=10)
    take_exam(cert_session, world.person_a, ten_days_ago, right=False)
    place = Candidate.objects.get(session=later, person=world.person_a)
    assert place.resit_failed_on is None  # one failure: the resit is still allowed
    take_exam(cert_session, world.person_a, ten_days_ago + dt.timedelta(hours=1), right=False)
    return later


def test_a_resit_failed_elsewhere_marks_the_place_on_the_other_list(world, failed_twice, now):
    place = Candidate.objects.get(session=failed_twice, person=world.person_a)
    # The resit was handed in 1 h 5 min after ten days ago (the fixture, conftest.take_exam):
    # its China-time day, which is the next day when ten days ago was after 22:55.
    resit_done = now - dt.timedelta(days=10) + dt.timedelta(hours=1, minutes=5)
    assert place.resit_failed_on == timezone.localdate(resit_done)


def test_the_start_is_refused_until_retrained(world, failed_twice, now):
    with pytest.raises(ExamError) as err:
        attempt_start(session=failed_twice, person=world.person_a, client_id="tab", now=now)
    assert err.value.code == "retrain"
    assert "one resit, then retrain" in err.value.message
    resit_done = now - dt.timedelta(days=10) + dt.timedelta(hours=1, minutes=5)
    assert timezone.localdate(resit_done).isoformat() in err.value.message
    assert not Attempt.objects.filter(session=failed_twice).exists()
    # 24 hours of training credited after the failed resit: the start goes through.
    CreditEntry.objects.create(
        person=world.person_a,
        on=timezone.localdate(now - dt.timedelta(days=5)),
        source=CreditEntry.Source.CLASSROOM,
        training_kind=TrainingKind.PRE_JOB,
        minutes=24 * StudySettings.load().classroom_minutes_per_hour,
    )
    attempt = attempt_start(session=failed_twice, person=world.person_a, client_id="tab", now=now)
    assert attempt.status == Attempt.Status.IN_PROGRESS


def test_the_examinee_reads_why_on_the_session_page_instead_of_the_start(world, failed_twice):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.trainee)
    url = reverse("question_banks:session", args=[failed_twice.code])
    page = client.get(url).content.decode()
    assert 'id="start-form"' not in page and 'id="start-refused"' in page
    assert "补考" in page and "24" in page
    response = client.post(url, {"client": "tab"})  # a start posted anyway: refused, said
    assert response.status_code == 200
    assert "补考" in response.content.decode()
    assert not Attempt.objects.filter(session=failed_twice).exists()


# 5. The construction renewal window shows the missing training ----------------------------


def construction_card(world):
    """person_a's C3 card from 2026-01-05, expiring 2029-01-04: the 延续 window runs from
    2028-10-04 to the expiry; 2027 and 2028 each need 20 学时 of yearly training."""
    card = certificate_issue(
        person=world.person_a, ctype=ctype("JZ-C3"), actor=None, on=dt.date(2026, 1, 5)
    )
    CreditEntry.objects.create(
        person=world.person_a,
        on=dt.date(2027, 4, 1),
        source=CreditEntry.Source.CLASSROOM,
        training_kind=TrainingKind.RETRAINING,
        minutes=45 * 19,
    )
    return card


def test_the_renewal_window_names_each_year_of_training_still_missing(world):
    from certificates.services.windows import person_windows

    card = construction_card(world)
    [window] = [
        w
        for w in person_windows(person=world.person_a, on=dt.date(2028, 6, 1))
        if w.key.startswith("renew:")
    ]
    assert window.certificate == card and window.opens == dt.date(2028, 10, 4)
    assert len(window.needs) == 2
    assert "2027" in window.needs[0] and "19.0" in window.needs[0] and "20" in window.needs[0]
    assert "2028" in window.needs[1] and "0.0" in window.needs[1]
    # The 2027 hours completed: only 2028 is left.
    CreditEntry.objects.create(
        person=world.person_a,
        on=dt.date(2027, 11, 1),
        source=CreditEntry.Source.CLASSROOM,
        training_kind=TrainingKind.RETRAINING,
        minutes=45,
    )
    [window] = [
        w
        for w in person_windows(person=world.person_a, on=dt.date(2028, 6, 1))
        if w.key.startswith("renew:")
    ]
    assert len(window.needs) == 1 and "2028" in window.needs[0]


def test_a_special_operation_window_asks_for_no_yearly_training(world):
    from certificates.services.windows import person_windows

    certificate_issue(
        person=world.person_a, ctype=ctype("TZ-DG"), actor=None, on=dt.date(2026, 3, 1)
    )
    assert all(not w.needs for w in person_windows(person=world.person_a, on=dt.date(2028, 6, 1)))


def test_the_holder_and_their_admin_see_the_missing_training_beside_the_window(world):
    construction_card(world)
    for user, url in (
        (world.trainee, reverse("certificates:mine")),
        (world.enterprise_admin, reverse("certificates:person_windows", args=[world.person_a.pk])),
    ):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "延续" in page or "2029-01-04" in page
        assert "年度继续教育尚未完成" in page, url


# 3. Issued by hand: the exams held elsewhere ----------------------------------------------


def elsewhere(**changes):
    from decimal import Decimal

    from certificates.services.issuing import ExamsHeldElsewhere

    values = {
        "theory_on": dt.date(2026, 9, 1),
        "theory_score": Decimal("86"),
        "practical_on": dt.date(2026, 9, 20),
        "practical_score": Decimal("90"),
        "examiner": "王考评",
    }
    values.update(changes)
    return ExamsHeldElsewhere(**values)


def hand_issue(world, results, on=dt.date(2026, 10, 1), code="TZ-DG"):
    return certificate_issue(
        person=world.person_a,
        ctype=ctype(code),
        actor=world.enterprise_admin,
        reason="外地考试合格",
        on=on,
        elsewhere=results,
    )


@pytest.mark.parametrize(
    ("results", "code", "dates"),
    [
        (None, "exam_results_needed", ()),
        (elsewhere(theory_score=79), "theory_not_passed", ()),
        (elsewhere(practical_score=70), "practical_not_passed", ()),
        (elsewhere(practical_on=dt.date(2026, 8, 1)), "no_theory", ("2026-08-01", "2026-09-01")),
        (
            elsewhere(theory_on=dt.date(2025, 6, 1), practical_on=dt.date(2026, 9, 1)),
            "theory_expired",
            ("2025-06-01", "2026-06-01"),
        ),
        (elsewhere(practical_on=dt.date(2026, 10, 5)), "exam_after_issue", ("2026-10-01",)),
        (elsewhere(examiner=" "), "examiner_needed", ()),
    ],
)
def test_a_hand_issue_without_both_passed_exams_is_refused(world, results, code, dates):
    from certificates.models import Certificate, PracticalExam

    with pytest.raises(CertificateError) as err:
        hand_issue(world, results)
    assert err.value.code == code
    for day in dates:
        assert day in err.value.message
    assert not Certificate.objects.exists() and not PracticalExam.objects.exists()


def test_a_hand_issue_with_both_results_keeps_them_as_the_practical_exam(world):
    from certificates.models import PracticalExam

    card = hand_issue(world, elsewhere())
    exam = PracticalExam.objects.get()
    assert card.number == "T" + world.person_a.id_number
    assert (exam.person, exam.certificate_type.code, exam.passed) == (world.person_a, "TZ-DG", True)
    assert (exam.taken_on, exam.theory_taken_on, exam.examiner) == (
        dt.date(2026, 9, 20),
        dt.date(2026, 9, 1),
        "王考评",
    )
    assert exam.theory_attempt is None and exam.recorded_by == world.enterprise_admin


def test_a_type_without_a_practical_is_issued_by_hand_as_before(world):
    from certificates.models import PracticalExam

    hand_issue(world, None, code="JZ-C3")
    assert not PracticalExam.objects.exists()


def test_the_issue_form_asks_for_the_results_beside_each_field(world):
    from certificates.models import Certificate

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.enterprise_admin)
    url = reverse("certificates_manage:issue")
    page = client.get(url).content.decode()
    assert 'name="practical_score"' in page and 'name="examiner"' in page
    response = client.post(
        url,
        {
            "id_number": world.person_a.id_number,
            "certificate_type": ctype("TZ-DG").pk,
            "on": timezone.localdate().isoformat(),
            "reason": "外地考试合格",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("需要理论考试和实际操作考试") >= 5
    assert not Certificate.objects.exists()
