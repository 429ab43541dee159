"""Wagtail's group editor speaks Chinese: every permission, column and group name.

Django stores permission names in English ("Can add question"); the editor's table labels each
one from its action and the model's translated verbose name instead (roster.templatetags.
permission_tags)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import translation

from roster.groups import REVIEWERS_GROUP, TRAINERS_GROUP
from roster.templatetags.permission_tags import permission_action_label, permission_label
from tests.site.test_admin_chinese import _Text

# What the editor showed before: Django's stored names, Wagtail's hard-coded labels, the
# English group names.
ENGLISH = re.compile(
    r"(?<![A-Za-z])(Can |add|change|delete|view|publish|Name|Actions|Trainers|Reviewers|"
    r"Moderators|Editors|examsession|paperrule|questionbank|question|category)(?![A-Za-z])",
    re.IGNORECASE,
)


def _english_on(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _Text()
    parser.feed(response.content.decode())
    # Wagtail's side-panel counter prints "None" while hidden; it is no word a user reads.
    return [chunk for chunk in parser.text if ENGLISH.search(chunk)]


@pytest.mark.django_db
def test_group_editor_shows_every_permission_in_chinese(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.system_admin)
    urls = [reverse("wagtailusers_groups:add"), reverse("wagtailusers_groups:index")]
    urls += [reverse("wagtailusers_groups:edit", args=[g.pk]) for g in Group.objects.all()]
    found = {url: _english_on(client, url) for url in urls}
    assert not any(found.values()), found


@pytest.mark.django_db
def test_product_groups_are_stored_under_chinese_names():
    names = set(Group.objects.values_list("name", flat=True))
    assert {TRAINERS_GROUP, REVIEWERS_GROUP, "审核人员", "编辑人员"} <= names
    assert not names & {"Trainers", "Reviewers", "Moderators", "Editors"}


@pytest.mark.django_db
def test_permission_label_follows_the_models_translated_name():
    add_question = Permission.objects.get(codename="add_question")
    view_session = Permission.objects.get(codename="view_examsession")
    assert permission_label(add_question) == "可添加试题"
    assert permission_action_label(view_session) == "可查看"
    with translation.override("en"):
        assert permission_label(add_question) == "Can add question"


@pytest.mark.django_db
def test_permission_the_codename_does_not_explain_is_shown_through_the_catalogue():
    access = Permission.objects.get(codename="access_admin")
    assert permission_label(access) == "可进入管理后台"


@pytest.mark.django_db
def test_trainers_group_gets_its_members_from_role_grants(world):
    from roster.choices import Role
    from roster.models import RoleGrant
    from roster.services.roles import role_grant_sync_groups

    user = world.trainer
    if not RoleGrant.objects.filter(user=user, role=Role.TRAINER).exists():
        pytest.skip("the world's trainer has no trainer grant")
    role_grant_sync_groups(user=user)
    assert user.groups.filter(name=TRAINERS_GROUP).exists()


def test_page_permission_checkboxes_take_wagtails_translated_descriptions():
    from roster.templatetags.permission_tags import page_permission_label

    assert page_permission_label("add_page") == "添加/编辑所属的页面"
    assert page_permission_label("publish_page") == "发布任意页面"
