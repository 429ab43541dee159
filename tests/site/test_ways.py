"""Ways between pages: certificate administration from the navigation, the holders' list and
a certificate; a person's certificates and training file from their page; error pages in
Chinese with the site's navigation (the 500 page without the database); labels that read
right in reports, plans and warning cases."""

from __future__ import annotations

import pytest
from django.template import loader
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.certificates.conftest import cert  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _html(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def test_navigation_leads_enterprise_admins_to_certificate_administration(client, world):
    client.force_login(world.enterprise_admin)
    assert reverse("certificates_manage:index") in _html(client, reverse("home"))
    client.force_login(world.trainer)
    assert reverse("certificates_manage:index") not in _html(client, reverse("home"))


def test_holders_list_links_certificate_administration_for_those_who_manage(client, world):
    client.force_login(world.enterprise_admin)
    html = _html(client, reverse("certificates:holders"))
    assert reverse("certificates_manage:index") in html and "证书管理" in html
    client.force_login(world.regulator_county)
    html = _html(client, reverse("certificates:holders"))
    assert reverse("certificates_manage:index") not in html


def test_a_certificate_links_its_management_page_and_its_holders_other_certificates(
    client,
    world,
    cert,  # noqa: F811
):
    manage = reverse("certificates_manage:certificate", args=[cert.pk])
    client.force_login(world.enterprise_admin)
    html = _html(client, reverse("certificates:detail", args=[cert.pk]))
    assert manage in html and "管理此证书" in html
    assert f"{reverse('certificates:holders')}?person={cert.person_id}" in html
    client.force_login(world.regulator_county)
    assert manage not in _html(client, reverse("certificates:detail", args=[cert.pk]))


def test_a_persons_page_links_their_certificates_and_training_file(client, world, cert):  # noqa: F811
    client.force_login(world.enterprise_admin)
    html = _html(client, reverse("roster:person_detail", args=[world.person_a.pk]))
    holders = f"{reverse('certificates:holders')}?person={world.person_a.pk}"
    assert holders in html
    assert reverse("courses:training_file", args=[world.person_a.pk]) in html
    listed = _html(client, holders)
    assert cert.certificate_type.name in listed and world.person_a.name in listed
    assert "1 本证书" in listed


def test_holders_of_a_person_outside_the_scope_says_so_and_shows_everyone(client, world):
    client.force_login(world.enterprise_admin)
    response = client.get(reverse("certificates:holders"), {"person": world.person_b.pk})
    assert "此人不在您的管辖范围内" in response.content.decode()


def test_404_is_in_chinese_with_the_navigation(client, world):
    client.force_login(world.enterprise_admin)
    html = _html(client, "/no-such-page/", status=404)
    assert "页面不存在" in html and "返回首页" in html
    assert reverse("roster:list") in html  # the signed-in navigation


def test_403_is_in_chinese_with_the_navigation(client, world):
    client.force_login(world.regulator_county)
    html = _html(client, reverse("certificates_manage:index"), status=403)
    assert "您无权打开此页面" in html
    assert reverse("reports:dashboard") in html


def test_500_renders_in_chinese_without_touching_the_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "系统出错了" in html and 'href="/"' in html
    assert 'lang="zh-hans"' in html


def test_pager_reads_next_page_not_next_question():
    html = loader.render_to_string(
        "includes/pagination.html",
        {"page": _Page()},
    )
    assert "下一页" in html and "上一页" in html and "下一题" not in html


class _Page:
    number = 2
    has_previous = has_next = True
    previous_page_number, next_page_number = 1, 3

    class paginator:  # the attribute Django's Page has
        num_pages = 3


def test_report_tables_head_the_group_column_name_not_person_name(client, world):
    client.force_login(world.regulator_county)
    html = _html(client, reverse("reports:dashboard"))
    assert "<th>名称</th>" in html
    assert "<th>姓名</th>" not in html


def test_labels_in_context_read_right():
    from django.utils.translation import pgettext

    assert pgettext("certificate tag", "Holding") == "持证"
    assert pgettext("training plan", "In progress") == "进行中"
    assert pgettext("accident", "Lessons") == "事故教训"
    assert pgettext("group", "Name") == "名称"
