"""A NUL byte (%00) in a query parameter or a path is a 400 with a page, never a 500
(config.request_guard). On PostgreSQL each of these reached a query and failed there."""

import pytest

from config.request_guard import NulByteInRequest

# (who, address) pairs the outside test found answering 500, each with a NUL in its input.
QUERIES = [
    ("trainee", "/courses/search/?q=fire%00"),
    ("admin", "/roster/?q=%00"),
    ("admin", "/api/people?q=a%00b"),
    ("regulator", "/api/enterprises?q=%00"),
    ("regulator", "/api/enterprises?region=%00"),
    ("regulator", "/reports/?region=%00"),
    ("regulator", "/reports/people/?q=%00"),
    ("admin", "/certificates/holders/?q=%00"),
    ("anon", "/verify/abc?lang=%00"),
]


@pytest.mark.parametrize("who, url", QUERIES)
def test_a_nul_in_a_query_parameter_is_a_400_page(scene, who, url):
    response = scene.client(who).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert "此地址无法读取" in response.content.decode()


def test_a_nul_in_the_path_is_a_400(scene):
    client = scene.client("trainee")

    assert client.get(f"/exams/session/{scene.session.code}%00/").status_code == 400
    assert client.get("/roster/enterprises/9144%00/").status_code == 400
    assert client.get("/exams/session/\x00/").status_code == 400


def test_the_refusal_is_logged_as_a_suspicious_request(scene, caplog):
    with caplog.at_level("ERROR", logger=f"django.security.{NulByteInRequest.__name__}"):
        scene.client("anon").get("/courses/search/?q=%00")

    assert [r.name for r in caplog.records] == [f"django.security.{NulByteInRequest.__name__}"]


def test_the_same_page_without_the_nul_still_answers(scene):
    assert scene.client("trainee").get("/courses/search/?q=fire").status_code == 200
    assert scene.client("regulator").get("/reports/?region=").status_code == 200
