"""The lesson editor asks each kind of lesson only for its own fields."""

import json

import pytest
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from courses.models import LessonPage
from tests.courses.test_pages import content  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _lesson_data(**fields):
    data = {
        "title": "第三讲 新课时",
        "slug": "new-lesson",
        "kind": "text",
        "duration_seconds": "",
        "min_reading_minutes": "10",
        "body": streamfield([]),
        "comments": inline_formset([]),
    }
    data.update(fields)
    return nested_form_data(data)


def _add_lesson(client, course, **fields):
    url = reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk])
    return client.post(url, _lesson_data(**fields))


def test_text_lesson_saves_without_a_video_length(client, world, content):  # noqa: F811
    client.force_login(world.system_admin)
    response = _add_lesson(
        client,
        content["general"],
        body=streamfield([("paragraph", rich_text("<p>正文</p>"))]),
    )
    assert response.status_code == 302, response.context["form"].errors
    lesson = LessonPage.objects.get(slug="new-lesson")
    assert lesson.kind == "text" and lesson.duration_seconds == 0


def test_video_lesson_without_file_or_length_is_refused_in_chinese(client, world, content):  # noqa: F811
    client.force_login(world.system_admin)
    response = _add_lesson(client, content["general"], kind="video", title="视频课")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "视频文件" in errors["video"][0]
    assert "秒" in errors["duration_seconds"][0]
    assert not LessonPage.objects.filter(slug="new-lesson").exists()
    assert "视频课" in response.content.decode()  # what was typed stays


def test_video_lesson_with_file_and_length_saves(client, world, content):  # noqa: F811
    client.force_login(world.system_admin)
    video = get_document_model().objects.create(title="视频", file="documents/v.webm")
    response = _add_lesson(
        client, content["general"], kind="video", video=str(video.pk), duration_seconds="75"
    )
    assert response.status_code == 302, response.context["form"].errors
    lesson = LessonPage.objects.get(slug="new-lesson")
    assert lesson.video_id == video.pk and lesson.duration_seconds == 75


def test_text_lesson_without_text_and_document_lesson_without_pdf_are_refused(
    client,
    world,
    content,  # noqa: F811
):
    client.force_login(world.system_admin)
    response = _add_lesson(client, content["general"])
    assert "正文" in response.context["form"].errors["body"][0]
    response = _add_lesson(client, content["general"], kind="document")
    assert "PDF" in response.context["form"].errors["document"][0]
    assert not LessonPage.objects.filter(slug="new-lesson").exists()


def test_a_lesson_changed_from_video_to_text_keeps_no_video_length(client, world, content):  # noqa: F811
    client.force_login(world.system_admin)
    lesson = LessonPage.objects.get(slug="ppe")
    data = _lesson_data(
        title=lesson.title,
        slug=lesson.slug,
        duration_seconds="600",
        body=streamfield([("paragraph", rich_text("<p>改为文字课</p>"))]),
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=[lesson.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    lesson = LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object()
    assert lesson.kind == "text" and lesson.duration_seconds == 0


def test_the_editor_shows_each_kinds_fields_only_for_that_kind(client, world, content):  # noqa: F811
    client.force_login(world.system_admin)
    url = reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", content["general"].pk])
    html = client.get(url).content.decode()
    rules = {json.dumps({"kind": ["video"]}), json.dumps({"kind": ["document"]})}
    for rule in rules:
        attr = "data-w-rules='" + rule + "'"
        escaped = 'data-w-rules="' + rule.replace('"', "&quot;") + '"'
        assert attr in html or escaped in html
