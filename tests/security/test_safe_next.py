"""The favourite button sends the person back to `next` only inside this site
(config.redirects.safe_next): never to another host, and `javascript:` is no 500."""

import pytest
from django.urls import reverse

from question_banks.models import Favourite


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
        "\\\\evil.example",
    ],
)
def test_a_next_off_the_site_falls_back_to_practice(scene, target):
    url = reverse("question_banks:favourite", args=[scene.bank.code, scene.question.pk])

    response = scene.client("trainee").post(url, {"next": target})

    assert response.status_code == 302
    assert response["Location"] == reverse("question_banks:practice")
    # The favourite was still toggled: only the way back was refused.
    assert Favourite.objects.filter(question=scene.question).count() == 1


def test_a_next_inside_the_site_is_followed(scene):
    url = reverse("question_banks:favourite", args=[scene.bank.code, scene.question.pk])
    back = reverse("question_banks:practice_q", args=[scene.bank.code, "all"]) + "?q=3"

    response = scene.client("trainee").post(url, {"next": back})

    assert response.status_code == 302
    assert response["Location"] == back
