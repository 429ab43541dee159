"""'What, by when' for the training rules beside the certificate windows
(certificates/services/duties.py): per personnel category and per industry class (high-risk
and ordinary), on a fake clock, and on the person's home, their certificates page and their
admin's page for them."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates.models import CertificateType
from certificates.services.duties import person_duties
from certificates.services.issuing import certificate_issue
from courses.models import CreditEntry, TrainingKind
from courses.services.records import violation_record
from courses.services.safety_education import education_mark_done_before_go_live
from roster.choices import PersonnelCategory as Cat
from roster.models import Industry
from tests.factories import EmploymentFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
TOOK_POST = dt.date(2026, 3, 2)
LONG_AGO = dt.date(2015, 4, 1)


@pytest.fixture
def clock(monkeypatch):
    """The server's clock set to a day (10:00 local): clock(date)."""

    def set_to(day: dt.date) -> None:
        moment = dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())
        monkeypatch.setattr(timezone, "now", lambda: moment)

    set_to(TODAY)
    return set_to


def enterprise(world, high_risk: bool):
    if high_risk:
        return world.ent_a_chem
    return world.ent_a


def hire(ent, category, hired=TOOK_POST, post=""):
    return EmploymentFactory(enterprise=ent, category=category, hire_date=hired, post=post)


def by_key(duties, prefix):
    return [d for d in duties if d.key.startswith(prefix)]


def hours(duties, kind):
    found = [d for d in duties if d.key.endswith(f":{kind}") and d.key.startswith("hours:")]
    assert len(found) <= 1
    return found[0] if found else None


def credit(person, kind, hours_, on=TODAY - dt.timedelta(days=10)):
    # Classroom minutes: 45 to a 学时 by default.
    CreditEntry.objects.create(
        person=person,
        on=on,
        source=CreditEntry.Source.CLASSROOM,
        training_kind=kind,
        minutes=int(hours_ * 45),
    )


# ---- per category and per industry class ---------------------------------------------------


@pytest.mark.parametrize(
    ("category", "high_risk", "initial", "assess"),
    [
        (Cat.PRINCIPAL, True, "48", True),
        (Cat.PRINCIPAL, False, "32", False),
        (Cat.SAFETY_MANAGER, True, "48", True),
        (Cat.SAFETY_MANAGER, False, "32", False),
    ],
)
def test_a_new_principal_or_safety_manager_sees_the_initial_hours_and_the_assessment(
    world, clock, category, high_risk, initial, assess
):
    job = hire(enterprise(world, high_risk), category)
    duties = person_duties(person=job.person)
    line = hours(duties, TrainingKind.INITIAL)
    assert line is not None and line.by == dt.date(2026, 12, 31)
    assert f"{initial}.0" in line.what and f"{initial}.0" in line.rule
    assessment = by_key(duties, "assess:")
    if assess:
        # Within 6 months of taking the post (MISSION.md), high-risk industries only.
        assert [d.by for d in assessment] == [dt.date(2026, 9, 2)]
    else:
        assert assessment == []


@pytest.mark.parametrize(
    ("category", "high_risk", "yearly"),
    [
        (Cat.PRINCIPAL, True, "16"),
        (Cat.PRINCIPAL, False, "12"),
        (Cat.SAFETY_MANAGER, True, "16"),
        (Cat.SAFETY_MANAGER, False, "12"),
        (Cat.GENERAL, True, "20"),
        (Cat.GENERAL, False, "8"),
    ],
)
def test_the_yearly_hours_are_due_by_31_december(world, clock, category, high_risk, yearly):
    job = hire(enterprise(world, high_risk), category, hired=LONG_AGO)
    line = hours(person_duties(person=job.person), TrainingKind.RETRAINING)
    assert line is not None and line.by == dt.date(2026, 12, 31)
    assert f"{yearly}.0" in line.rule


@pytest.mark.parametrize(("high_risk", "pre_job"), [(True, "72"), (False, "24")])
def test_a_new_employee_sees_the_pre_job_hours_and_three_levels_before_taking_up_the_post(
    world, clock, high_risk, pre_job
):
    job = hire(enterprise(world, high_risk), Cat.GENERAL)
    duties = person_duties(person=job.person)
    line = hours(duties, TrainingKind.PRE_JOB)
    assert line is not None and line.by is None and f"{pre_job}.0" in line.rule
    assert str(line.until) == "上岗前"  # the default language
    (levels,) = by_key(duties, "three_level:")
    assert levels.by is None and levels.until


def test_construction_workers_see_their_own_industrys_hours(world, clock):
    site = EnterpriseFactory(
        region=world.township_a, industry=Industry.objects.get(code="06"), name="城关建筑公司"
    )
    new = hire(site, Cat.GENERAL)
    assert "32.0" in hours(person_duties(person=new.person), TrainingKind.PRE_JOB).rule
    old = hire(site, Cat.GENERAL, hired=LONG_AGO)
    assert "20.0" in hours(person_duties(person=old.person), TrainingKind.RETRAINING).rule


def test_the_hours_line_goes_once_the_hours_are_credited(world, clock):
    job = hire(world.ent_a, Cat.GENERAL, hired=LONG_AGO)
    credit(job.person, TrainingKind.RETRAINING, 5)
    line = hours(person_duties(person=job.person), TrainingKind.RETRAINING)
    assert line is not None and "3.0" in line.what  # 8 needed, 5 done
    credit(job.person, TrainingKind.RETRAINING, 3)
    assert hours(person_duties(person=job.person), TrainingKind.RETRAINING) is None


def test_the_yearly_line_moves_with_the_clock_into_the_next_year(world, clock):
    job = hire(world.ent_a, Cat.GENERAL, hired=LONG_AGO)
    credit(job.person, TrainingKind.RETRAINING, 8)
    assert hours(person_duties(person=job.person), TrainingKind.RETRAINING) is None
    clock(dt.date(2027, 1, 10))
    line = hours(person_duties(person=job.person), TrainingKind.RETRAINING)
    assert line is not None and line.by == dt.date(2027, 12, 31)


def test_a_special_operator_sees_the_certificate_of_the_posts_item(world, clock):
    job = hire(world.ent_a_chem, Cat.SPECIAL_OPERATOR, hired=LONG_AGO, post="聚合工艺作业")
    ctype = CertificateType.objects.get(code="TZ-HG-JH")
    (line,) = by_key(person_duties(person=job.person), "hold:")
    assert line.key == f"hold:{job.pk}:{ctype.pk}" and ctype.name in line.what
    certificate_issue(person=job.person, ctype=ctype, actor=None, on=TODAY)
    assert by_key(person_duties(person=job.person), "hold:") == []


def test_a_special_operator_whose_post_maps_to_no_item_is_told_to_have_it_set(world, clock):
    job = hire(world.ent_a, Cat.SPECIAL_OPERATOR, hired=LONG_AGO, post="设备维护员")
    duties = person_duties(person=job.person)
    (line,) = by_key(duties, "item:")
    assert "设备维护员" in line.what and line.by is None
    assert by_key(duties, "hold:") == []


def test_an_ordinary_worker_needs_no_certificate_line(world, clock):
    job = hire(world.ent_a_chem, Cat.GENERAL, hired=LONG_AGO, post="聚合工艺作业")
    duties = person_duties(person=job.person)
    assert by_key(duties, "hold:") == [] and by_key(duties, "item:") == []


def test_a_violation_keeps_the_person_off_the_job_until_the_exam(world, clock):
    person = world.person_a
    violation_record(
        person=person,
        enterprise=world.ent_a,
        violation="未佩戴安全帽进入车间",
        off_job_from=TODAY - dt.timedelta(days=3),
        exam_session=None,
        actor=world.enterprise_admin,
    )
    (line,) = by_key(person_duties(person=person), "violation:")
    assert line.is_bar and "未佩戴安全帽进入车间" in line.what


def test_a_veteran_marked_before_go_live_is_not_asked_for_three_levels(world, clock):
    job = hire(world.ent_a, Cat.GENERAL, hired=dt.date(2012, 5, 1))
    assert by_key(person_duties(person=job.person), "three_level:")
    education_mark_done_before_go_live(
        person=job.person,
        enterprise=world.ent_a,
        reason="纸质三级教育卡已归档",
        actor=world.enterprise_admin,
    )
    assert by_key(person_duties(person=job.person), "three_level:") == []


# ---- on the pages -------------------------------------------------------------------------


def zh(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def test_the_trainee_sees_what_by_when_on_their_home(world, clock):
    """person_a: a general worker of an ordinary enterprise on the post since 2020, with no
    hours this year and no 三级 record."""
    page = zh(world.trainee).get(reverse("home")).content.decode()
    assert "待办事项与期限" in page
    assert "完成年度再培训：还差 8.0 学时" in page and "2026-12-31 前" in page
    assert "接受三级安全教育" in page and "上岗前" in page
    assert "全部待办事项及其依据" in page


def test_the_home_says_when_nothing_is_due(world, clock):
    credit(world.person_a, TrainingKind.RETRAINING, 8)
    education_mark_done_before_go_live(
        person=world.person_a,
        enterprise=world.ent_a,
        reason="纸质记录",
        actor=world.enterprise_admin,
    )
    page = zh(world.trainee).get(reverse("home")).content.decode()
    assert "按现行规则，暂无待办事项。" in page


def test_the_holder_sees_the_training_duties_on_their_certificates_page(world, clock):
    page = zh(world.trainee).get(reverse("certificates:mine")).content.decode()
    assert "学时规则：年度再培训不少于 8.0 学时" in page
    assert "接受三级安全教育" in page


def test_the_admin_sees_the_persons_training_duties(world, clock):
    url = reverse("certificates:person_windows", args=[world.person_a.pk])
    page = zh(world.enterprise_admin).get(url).content.decode()
    assert "完成年度再培训：还差 8.0 学时" in page and "2026-12-31 前" in page
    assert "接受三级安全教育" in page


def test_the_yearly_line_is_missed_once_the_year_is_over_on_the_page(world, clock):
    """A certificate window past its date reads 已逾期; the hours of a year gone are read for
    the new year (the year's figures keep the old year's shortfall)."""
    clock(dt.date(2027, 1, 5))
    page = zh(world.trainee).get(reverse("home")).content.decode()
    assert "2027-12-31 前" in page


def test_another_enterprises_admin_does_not_see_the_person(world, clock):
    other = EmploymentFactory(enterprise=world.ent_b, category=Cat.GENERAL).person
    url = reverse("certificates:person_windows", args=[other.pk])
    assert zh(world.enterprise_admin).get(url).status_code == 404
