"""The exam page reaches phones gzipped (GZipMiddleware); the answer saves, answered before
it, are not, and a client that does not ask for gzip gets plain HTML."""

import gzip
import json
import re

import pytest

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_the_exam_page_is_gzipped_for_a_browser_that_asks(examinee, started_attempt):
    url = f"/exams/attempt/{started_attempt.pk}/"
    plain = examinee.get(url)
    packed = examinee.get(url, **GZIP)

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    # The same page: the same questions, cards and answer sheet (only the CSRF token's mask
    # and the server's clock differ between two requests).
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"\d{4}-[\d:.T-]+\+00:00"')
    assert strip.sub("", html) == strip.sub("", plain.content.decode())
    assert len(packed.content) < len(plain.content) / 3


def test_an_answer_save_is_not_compressed(examinee, started_attempt):
    html = examinee.get(f"/exams/attempt/{started_attempt.pk}/").content.decode()
    exam_pass = re.search(r'data-pass="([^"]+)"', html).group(1)
    body = {"client": "tab-1", "answers": [{"position": 1, "answer": ["A"], "seq": 1}]}
    for headers in ({"X-Exam-Pass": exam_pass}, {}):
        body["answers"][0]["seq"] += 1
        response = examinee.post(
            f"/api/attempts/{started_attempt.pk}/answers",
            json.dumps(body),
            content_type="application/json",
            headers=headers,
            **GZIP,
        )
        assert response.status_code == 200
        assert "Content-Encoding" not in response  # a few dozen bytes: nothing to gain
        assert response.json()["saved"]
