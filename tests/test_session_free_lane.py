"""The session-free lane (config/lane.py) answers exactly the paths Django's resolver gives
to a view marked @session_free, with the same arguments, and no other: checked over a path
made for every URL pattern of the site, and a few that sit close to the marked ones."""

from __future__ import annotations

import re

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import Resolver404, get_resolver, path

from config import lane
from config.lane import _answers, _chains, lane_index, session_free
from config.process_memory import reset_all

_SAMPLE = {
    "int": "7",
    "str": "abc",
    "slug": "a-b",
    "path": "a/b",
    "uuid": "0" * 8 + "-0000" * 3 + "-" + "0" * 12,
}
_CONVERTER = re.compile(r"<(?:(\w+):)?\w+>")


def _sample_path(chain) -> str | None:
    """A path that the chain's patterns take, or None when one is a regex."""
    parts = []
    for entry in chain.patterns[1:]:
        route = str(entry.pattern)
        if route.startswith("^"):
            return None
        parts.append(_CONVERTER.sub(lambda m: _SAMPLE.get(m[1] or "str", "abc"), route))
    return "/" + "".join(parts)


def _marked(path: str):
    """What the resolver says: the lane's answers of the view it resolves to, and kwargs."""
    try:
        match = get_resolver().resolve(path)
    except Resolver404:
        return None
    answers = _answers(match.func)
    return (answers, match.kwargs) if answers else None


def _site_paths() -> list[str]:
    paths = {p for c in _chains(get_resolver(), [], "", True) if (p := _sample_path(c))}
    return sorted(
        paths
        | {
            "/verify/",
            "/verify/a/b",
            "/VERIFY/X",
            "/Verify/X",
            "/api/verify/",
            "/api/attempts/7/answers/",
            "/api/attempts/7/submit",
            "/api/attempts/x/answers",
            "/exams/session/",
            "/exams/session/abc/x/",
            "/.well-known/certificate-keys.json",
        }
    )


def test_the_lane_takes_exactly_what_the_resolver_gives_to_marked_views():
    index = lane_index()
    paths = _site_paths()
    assert len(paths) > 300  # every pattern of the site, not a handful
    taken = []
    for candidate in paths:
        found = index.find(candidate)
        expected = _marked(candidate)
        if expected is None:
            assert found is None, candidate
        else:
            assert found is not None, candidate
            route, _, kwargs = found
            assert (route.answers, kwargs) == expected, candidate
            taken.append(candidate)
    assert {
        "/exams/session/abc/",
        "/exams/attempt/7/",
        "/verify/abc",
        "/VERIFY/abc",
        "/api/verify/abc",
    } <= set(taken)
    assert "/api/attempts/abc/answers" in taken  # Ninja's {attempt_id} takes any segment


def test_the_marked_views_are_the_exam_days_and_the_look_ups():
    answers = {route.chain.prefix: route.answers for route in lane_index().routes}
    assert set(answers) == {
        "/exams/session/",
        "/exams/attempt/",
        "/verify/",
        "/VERIFY/",
        "/api/attempts/",
        "/api/verify/",
    }
    # A Ninja operation is marked for its own methods only.
    assert set(answers["/api/attempts/"]) == {"POST"}
    assert set(answers["/api/verify/"]) == {"GET"}


def _early(request, **kwargs):
    return HttpResponse("lane")


@session_free(_early)
def _marked_view(request, **kwargs):
    return HttpResponse("view")


def _plain_view(request, **kwargs):
    return HttpResponse("plain")


urlpatterns = [
    path("things/new/", _plain_view),
    path("things/<str:code>/", _marked_view),
    path("things/<int:pk>/edit/", _plain_view),
]


@pytest.fixture
def own_urls():
    with override_settings(ROOT_URLCONF=__name__):
        reset_all()
        yield
    reset_all()


def test_an_earlier_pattern_keeps_its_paths(own_urls, client):
    # resolve() gives /things/new/ to the view listed before the marked one.
    assert client.get("/things/new/").content == b"plain"
    assert client.get("/things/abc/").content == b"lane"
    assert client.get("/things/7/edit/").content == b"plain"
    index = lane_index()
    assert [route.chain.prefix for route in index.routes] == ["/things/"]
    assert [shadow.prefix for shadow in index.routes[0].shadows] == ["/things/new/"]


def test_an_answer_of_none_goes_on_to_the_view(own_urls, client, monkeypatch):
    monkeypatch.setattr(_marked_view, lane.MARK, lambda request, **kwargs: None)
    reset_all()
    assert client.get("/things/abc/").content == b"view"
