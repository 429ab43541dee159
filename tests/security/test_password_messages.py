"""The password rules speak Chinese on the Chinese pages (Django 5.2 renamed the placeholder
of its "too short" message, and its own Chinese catalogue still had the old one)."""

import re

from tests.factories import UserFactory


def test_a_short_password_is_refused_in_chinese(client, db):
    user = UserFactory(username="u-short")
    client.force_login(user)

    response = client.post(
        "/accounts/password/",
        {"old_password": "pw-123456", "new_password1": "1234", "new_password2": "1234"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    page = re.sub(r"<[^>]+>", " ", response.content.decode())
    assert response.status_code == 200
    assert "密码太短，至少需要 8 个字符。" in page
    assert "密码只包含数字。" in page
    assert "This password" not in page
