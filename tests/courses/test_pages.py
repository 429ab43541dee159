"""Course and warning-education pages: rendering, search, the admin form, trainers' page
rights and the review workflow."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Page, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from courses.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    TrainingKind,
    WarningCaseIndexPage,
    WarningCasePage,
)
from courses.services.content_tree import content_tree_setup
from roster.groups import REVIEWERS_GROUP, TRAINERS_GROUP
from roster.models import Industry
from tests.factories import UserFactory


def _add(parent, page, owner=None, live=True):
    page.owner = owner
    page.live = False  # published below, through a revision, like the admin does
    parent.add_child(instance=page)
    revision = page.save_revision(user=owner)
    if live:
        revision.publish()
    return page


@pytest.fixture
def content(world):
    root = Site.objects.get(is_default_site=True).root_page
    course_index = _add(root, CourseIndexPage(title="培训课程", slug="courses"))
    case_index = _add(root, WarningCaseIndexPage(title="警示教育", slug="warning-cases"))
    for index in (course_index, case_index):
        content_tree_setup(index_page=index)
    general = _add(
        course_index,
        CoursePage(
            title="新员工三级安全教育",
            slug="new-staff",
            summary="新员工上岗前的公司级安全教育。",
            training_kind=TrainingKind.PRE_JOB,
            personnel_categories=["general"],
            nominal_hours=Decimal(8),
        ),
    )
    _add(general, LessonPage(title="第一讲 规章制度", slug="rules", kind="text"))
    _add(
        general,
        LessonPage(title="第二讲 防护视频", slug="ppe", kind="video", duration_seconds=600),
    )
    principal = _add(
        course_index,
        CoursePage(
            title="主要负责人年度再培训",
            slug="principal",
            training_kind=TrainingKind.RETRAINING,
            personnel_categories=["principal"],
            nominal_hours=Decimal(12),
        ),
    )
    video = get_document_model().objects.create(title="案例视频", file="documents/case.webm")
    older = _add(
        case_index,
        WarningCasePage(
            title="某厂高处坠落事故",
            slug="fall",
            occurred_on=dt.date(2022, 3, 1),
            place="示范市城关镇",
            industry=Industry.objects.get(code="06"),
            deaths=1,
            summary="工人未系安全带坠落。",
            direct_cause="<p>未系安全带。</p>",
            root_cause="<p>安全交底缺失。</p>",
            lessons="<p>高处作业必须系挂安全带。</p>",
        ),
    )
    newer = _add(
        case_index,
        WarningCasePage(
            title="某污水井中毒事故",
            slug="poisoning",
            occurred_on=dt.date(2024, 6, 12),
            place="示范市工业园区污水处理站",
            industry=Industry.objects.get(code="07"),
            deaths=3,
            injuries=1,
            direct_loss=Decimal("420.5"),
            summary="作业人员进入集水井清淤时中毒。",
            direct_cause="<p>井内积聚硫化氢。</p>",
            root_cause="<p>企业未落实有限空间作业审批制度，未配备气体检测仪。</p>",
            lessons="<p>先通风、再检测、后作业。</p>",
            video=video,
        ),
    )
    return {
        "course_index": course_index,
        "case_index": case_index,
        "general": general,
        "principal": principal,
        "older": older,
        "newer": newer,
        "video": video,
    }


# --------------------------------------------------------------------------- rendering


def test_course_index_lists_the_persons_own_courses_first(client, world, content):
    client.force_login(world.trainee)  # person_a: 其他从业人员 at a 工贸 enterprise
    response = client.get(content["course_index"].url)
    assert response.status_code == 200
    listing = response.context["listing"]
    assert [c.slug for c in listing.for_you] == ["new-staff"]
    assert [c.slug for c in listing.others] == ["principal"]
    assert listing.for_you[0].lesson_count == 2
    html = response.content.decode()
    assert html.index("新员工三级安全教育") < html.index("主要负责人年度再培训")


def test_course_index_filters_by_training_kind(client, content):
    response = client.get(content["course_index"].url, {"kind": "retraining"})
    listing = response.context["listing"]
    assert [c.slug for c in listing.for_you + listing.others] == ["principal"]


def test_unknown_training_kind_shows_every_course_with_a_message(client, content):
    response = client.get(content["course_index"].url, {"kind": "bogus"})
    assert response.context["kind_error"]
    assert len(response.context["listing"].others) == 2


def test_course_page_shows_the_lessons_in_order_with_kind_and_length(client, content):
    response = client.get(content["general"].url)
    assert response.status_code == 200
    lessons = response.context["lessons"]
    assert [lesson.slug for lesson in lessons] == ["rules", "ppe"]
    assert [lesson.length_minutes for lesson in lessons] == [10, 10]
    html = response.content.decode()
    assert "第一讲 规章制度" in html and "第二讲 防护视频" in html


def test_warning_case_page_shows_the_facts_and_the_video(client, content):
    response = client.get(content["newer"].url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2024-06-12" in html and "示范市工业园区污水处理站" in html
    assert "未配备气体检测仪" in html and "先通风、再检测、后作业" in html
    assert f'<video controls preload="metadata" playsinline src="{content["video"].url}"' in html


def test_warning_case_index_is_newest_first_with_industry_counts(client, content):
    response = client.get(content["case_index"].url)
    assert [case.slug for case in response.context["cases"]] == ["poisoning", "fall"]
    counts = {i.code: i.case_count for i in response.context["industries"]}
    assert counts == {"06": 1, "07": 1}


def test_warning_case_index_filters_by_industry(client, content):
    response = client.get(content["case_index"].url, {"industry": "06"})
    assert [case.slug for case in response.context["cases"]] == ["fall"]
    response = client.get(content["case_index"].url, {"industry": "nope"})
    assert response.context["industry_error"]
    assert response.context["total"] == 2


def test_draft_course_is_not_listed(client, content):
    _add(
        content["course_index"],
        CoursePage(title="草稿课程", slug="draft", training_kind="initial"),
        live=False,
    )
    response = client.get(content["course_index"].url)
    assert "草稿课程" not in response.content.decode()


# --------------------------------------------------------------------------- search


def test_search_finds_a_case_by_a_word_of_its_root_cause(client, content):
    response = client.get(reverse("courses:search"), {"q": "气体检测仪"})
    assert response.status_code == 200
    results = response.context["results"]
    assert [case.slug for case in results.cases] == ["poisoning"]
    assert results.courses == []


def test_search_finds_a_course_through_its_lesson(client, content):
    results = client.get(reverse("courses:search"), {"q": "规章制度"}).context["results"]
    assert [course.slug for course in results.courses] == ["new-staff"]


def test_empty_search_shows_a_hint(client, content):
    response = client.get(reverse("courses:search"), {"q": "   "})
    assert response.context["results"].total == 0
    assert "有限空间" in response.content.decode()  # the example words of the hint


# --------------------------------------------------------------------------- admin


def test_admin_form_saves_personnel_categories_from_checkboxes(client, world, content):
    course = content["principal"]
    client.force_login(world.system_admin)
    data = nested_form_data(
        {
            "title": course.title,
            "slug": course.slug,
            "summary": "",
            "training_kind": "retraining",
            "nominal_hours": "16",
            "comments": inline_formset([]),
        }
    )
    data["personnel_categories"] = ["safety_manager", "principal"]
    data["action-publish"] = "publish"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[course.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    course.refresh_from_db()
    assert course.personnel_categories == ["principal", "safety_manager"]
    assert course.nominal_hours == 16


def test_admin_form_refuses_an_unknown_category(client, world, content):
    course = content["principal"]
    client.force_login(world.system_admin)
    data = nested_form_data(
        {
            "title": course.title,
            "slug": course.slug,
            "training_kind": "retraining",
            "nominal_hours": "12",
            "comments": inline_formset([]),
        }
    )
    data["personnel_categories"] = ["astronaut"]
    response = client.post(reverse("wagtailadmin_pages:edit", args=[course.pk]), data)
    assert response.status_code == 200
    assert "personnel_categories" in response.context["form"].errors
    course.refresh_from_db()
    assert course.personnel_categories == ["principal"]


def test_hours_rules_are_listed_in_the_admin_for_system_admins(client, world):
    client.force_login(world.system_admin)
    response = client.get(reverse("wagtailsnippets_courses_hoursrule:list"))
    assert response.status_code == 200
    client.force_login(world.trainer)
    response = client.get(reverse("wagtailsnippets_courses_hoursrule:list"))
    assert response.status_code in (302, 403)


# --------------------------------------------------------------------------- rights and review


@pytest.fixture
def trainers(world):
    group = Group.objects.get(name=TRAINERS_GROUP)
    a = world.trainer
    b = UserFactory(username="trainer_other")
    for user in (a, b):
        user.groups.add(group)
    return a, b


def test_trainer_cannot_edit_another_trainers_course(client, content, trainers):
    trainer_a, trainer_b = trainers
    course = _add(
        content["course_index"],
        CoursePage(title="B 的课程", slug="b-course", training_kind="initial"),
        owner=trainer_b,
        live=False,
    )
    assert course.permissions_for_user(trainer_b).can_edit()
    assert not course.permissions_for_user(trainer_a).can_edit()
    client.force_login(trainer_a)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk]))
    assert response.status_code in (302, 403)
    client.force_login(trainer_b)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk]))
    assert response.status_code == 200


def test_trainer_may_add_courses_but_not_publish(content, trainers):
    trainer_a, _ = trainers
    index_perms = content["course_index"].permissions_for_user(trainer_a)
    assert index_perms.can_add_subpage()
    assert not index_perms.can_publish()
    assert not content["case_index"].permissions_for_user(trainer_a).can_publish()


def test_trainers_course_is_published_by_a_reviewer_through_the_workflow(content, trainers):
    _, trainer_b = trainers
    reviewer = UserFactory(username="reviewer")
    reviewer.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    course = _add(
        content["course_index"],
        CoursePage(title="待审课程", slug="pending", training_kind="initial"),
        owner=trainer_b,
        live=False,
    )
    workflow = course.get_workflow()
    assert workflow.name == "课程审核"
    assert content["case_index"].get_workflow() == workflow

    state = workflow.start(course, trainer_b)
    task_state = state.current_task_state
    task = task_state.task.specific
    assert not [a for a in task.get_actions(course, trainer_b) if a[0] == "approve"]
    assert [a for a in task.get_actions(course, reviewer) if a[0] == "approve"]

    task_state.approve(user=reviewer)
    course.refresh_from_db()
    assert course.live
    assert Page.objects.get(pk=course.pk).live
