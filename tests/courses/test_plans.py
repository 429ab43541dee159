"""Training plans: targets, re-assigning, progress, overdue, and who may see and change them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from wagtail.models import Page

from courses.models import (
    Assignment,
    CourseIndexPage,
    CoursePage,
    CreditEntry,
    LessonPage,
    LessonProgress,
    TrainingPlan,
)
from courses.selectors import plan_overdue, plan_progress
from courses.services.plans import PlanError, plan_assign, plan_create
from roster.choices import PersonnelCategory
from roster.models import AuditLog, Department
from tests.factories import EmploymentFactory

# The project's URLs with the courses app mounted, for as long as config/urls.py lacks it.


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def make_course(title="安全生产基础", lessons=2, live=True):
    index = CourseIndexPage.objects.first()
    if index is None:
        index = Page.objects.get(depth=1).add_child(
            instance=CourseIndexPage(title="课程", slug="courses-index")
        )
    course = index.add_child(
        instance=CoursePage(
            title=title,
            slug=f"c-{CoursePage.objects.count()}",
            live=live,
            training_kind="retraining",
        )
    )
    for n in range(lessons):
        course.add_child(
            instance=LessonPage(title=f"{title} 第{n + 1}课", slug=f"l{n}", kind="text")
        )
    return course


def create(world, **kwargs):
    defaults = {
        "enterprise": world.ent_a,
        "title": "2025年全员培训",
        "courses": [make_course()],
        "target": TrainingPlan.Target.CATEGORY,
        "personnel_category": PersonnelCategory.GENERAL,
        "due_on": dt.date(2030, 1, 1),
        "actor": world.enterprise_admin,
    }
    return plan_create(**{**defaults, **kwargs})


def test_category_plan_assigns_every_current_person_of_that_category(world):
    colleague = EmploymentFactory(enterprise=world.ent_a).person
    EmploymentFactory(enterprise=world.ent_a, category=PersonnelCategory.PRINCIPAL)
    EmploymentFactory(enterprise=world.ent_b)  # another enterprise

    result = create(world, courses=[make_course("甲"), make_course("乙")])

    people = set(result.plan.assignments.values_list("person_id", flat=True))
    assert people == {world.person_a.pk, colleague.pk}
    assert result.added == 4


def test_running_a_plan_again_adds_only_new_people(world):
    plan = create(world).plan
    newcomer = EmploymentFactory(enterprise=world.ent_a).person

    again = plan_assign(plan=plan, actor=world.enterprise_admin)

    assert again.added == 1
    assert Assignment.objects.filter(plan=plan, person=newcomer).count() == 1
    assert plan_assign(plan=plan, actor=world.enterprise_admin).added == 0


def test_department_plan_assigns_that_department_only(world):
    workshop = Department.objects.create(enterprise=world.ent_a, name="一车间")
    inside = EmploymentFactory(enterprise=world.ent_a, department=workshop).person

    plan = create(world, target=TrainingPlan.Target.DEPARTMENT, department=workshop).plan

    assert list(plan.assignments.values_list("person_id", flat=True)) == [inside.pk]


def test_list_plan_refuses_people_not_employed_there_and_writes_nothing(world):
    with pytest.raises(PlanError, match=world.person_b.id_number):
        create(
            world,
            target=TrainingPlan.Target.LIST,
            id_numbers=[world.person_a.id_number, world.person_b.id_number],
        )
    assert not TrainingPlan.objects.exists()
    assert not Assignment.objects.exists()


def test_plan_refuses_unpublished_courses(world):
    with pytest.raises(PlanError, match="published"):
        create(world, courses=[make_course(live=False)])


def test_progress_counts_completed_lessons_and_course_hours(world):
    course = make_course(lessons=2)
    plan = create(world, courses=[course]).plan
    lesson = LessonPage.objects.descendant_of(course).first()
    LessonProgress.objects.create(
        person=world.person_a, lesson=lesson, credited_seconds=600, completed_at=timezone.now()
    )
    CreditEntry.objects.create(
        person=world.person_a,
        on=dt.date(2025, 5, 1),
        source="online",
        training_kind="retraining",
        minutes=90,
        lesson=lesson,
        course=course,
    )

    [row] = plan_progress(plan=plan)

    assert (row.lessons_done, row.lessons_total, row.complete) == (1, 2, False)
    assert row.hours == Decimal(2)  # 90 online minutes at the default 45 per 学时


def test_overdue_lists_people_past_due_who_have_not_finished(world):
    plan = create(world, due_on=dt.date(2025, 1, 31)).plan

    rows = plan_overdue(user=world.enterprise_admin, on=dt.date(2025, 2, 1))
    assert [(r.plan, r.progress.person) for r in rows] == [(plan, world.person_a)]
    assert plan_overdue(user=world.enterprise_admin, on=dt.date(2025, 1, 31)) == []
    assert plan_overdue(user=world.regulator_township_chem, on=dt.date(2025, 2, 1)) == []


# --------------------------------------------------------------------------- pages


def test_enterprise_admin_creates_a_plan_through_the_form(client, world):
    course = make_course()
    client.force_login(world.enterprise_admin)

    response = client.post(
        "/courses/plans/new/",
        {
            "title": "新员工培训",
            "courses": [course.pk],
            "due_on": "2030-06-30",
            "target": "category",
            "personnel_category": "general",
        },
    )

    plan = TrainingPlan.objects.get()
    assert response.status_code == 302
    assert plan.enterprise == world.ent_a
    assert plan.assignments.count() == 1


def test_plan_form_shows_a_clear_error_for_a_stranger(client, world):
    course = make_course()
    client.force_login(world.enterprise_admin)

    response = client.post(
        "/courses/plans/new/",
        {
            "title": "名单培训",
            "courses": [course.pk],
            "due_on": "2030-06-30",
            "target": "list",
            "id_numbers": world.person_other.id_number,
        },
    )

    assert response.status_code == 200
    assert "不在本企业花名册中" in response.content.decode()
    assert not TrainingPlan.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("enterprise_admin", 200),
        ("regulator_county", 200),
        ("system_admin", 200),
        ("regulator_township_chem", 404),  # 工贸 is not their industry
        ("trainer", 404),  # township B
        ("trainee", 403),
        ("no_role", 403),
    ],
)
def test_plan_page_scope_per_role(client, world, role, status):
    plan = create(world).plan
    client.force_login(getattr(world, role))

    response = client.get(f"/courses/plans/{plan.pk}/")

    assert response.status_code == status
    if status == 200:
        assert AuditLog.objects.filter(action="courses.plan_view", actor=getattr(world, role))


def test_other_enterprises_admin_gets_404(client, world):
    plan = create(world).plan
    other_admin = world.enterprise_admin.__class__.objects.create(username="admin_b")
    from roster.models import RoleGrant

    RoleGrant.objects.create(user=other_admin, role="enterprise_admin", enterprise=world.ent_b)
    client.force_login(other_admin)

    assert client.get(f"/courses/plans/{plan.pk}/").status_code == 404


def test_regulator_reads_but_cannot_reassign(client, world):
    plan = create(world).plan
    client.force_login(world.regulator_county)

    assert client.post(f"/courses/plans/{plan.pk}/assign/").status_code == 403
    assert client.get("/courses/plans/new/").status_code == 403


def test_plan_list_and_overdue_pages_render(client, world, django_assert_max_num_queries):
    for n in range(3):
        create(world, title=f"计划{n}", due_on=dt.date(2020, 1, 1))
    client.force_login(world.enterprise_admin)

    with django_assert_max_num_queries(20):
        assert client.get("/courses/plans/").status_code == 200
    response = client.get("/courses/plans/overdue/")
    assert response.status_code == 200
    assert world.person_a.name in response.content.decode()
