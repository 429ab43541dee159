"""The system admin's Wagtail screens of notices and library items: listed and inspected,
in Chinese, never edited there (the services keep receipts, scope and the audit log)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from notices.models import KnowledgeItem, Notice
from notices.services import KnowledgeData, knowledge_publish

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def item(world):
    return knowledge_publish(
        actor=world.regulator_county,
        data=KnowledgeData(
            kind=KnowledgeItem.Kind.LAW,
            title="清河县安全生产条例",
            source="县人大常委会",
            doc_number="清人发〔2026〕1号",
            issued_on=timezone.localdate() - dt.timedelta(days=3),
            body="第一条……",
            region=world.county,
        ),
    )


def test_the_system_admin_lists_and_inspects_them_in_chinese(world, regional_notice, item):
    admin = client_for(world.system_admin)
    page = text_of(admin.get("/admin/snippets/notices/notice/"))
    assert regional_notice.title in page and "发布机关" in page and "撤回时间" in page
    inspect = admin.get(f"/admin/snippets/notices/notice/inspect/{regional_notice.pk}/")
    assert inspect.status_code == 200 and "撤回原因" in text_of(inspect)
    library = text_of(admin.get("/admin/snippets/notices/knowledgeitem/"))
    assert item.title in library and "文号" in library
    assert admin.get(f"/admin/snippets/notices/knowledgeitem/inspect/{item.pk}/").status_code == 200


def test_nobody_edits_or_deletes_them_in_the_admin(world, regional_notice, item):
    admin = client_for(world.system_admin)
    for url in (
        "/admin/snippets/notices/notice/add/",
        f"/admin/snippets/notices/notice/edit/{regional_notice.pk}/",
        f"/admin/snippets/notices/notice/delete/{regional_notice.pk}/",
        f"/admin/snippets/notices/knowledgeitem/edit/{item.pk}/",
    ):
        assert admin.get(url).status_code in (302, 403), url
    admin.post(f"/admin/snippets/notices/notice/delete/{regional_notice.pk}/")
    assert Notice.objects.filter(pk=regional_notice.pk).exists()
    for user in (world.regulator_county, world.trainee):
        assert client_for(user).get("/admin/snippets/notices/notice/").status_code in (302, 403)
