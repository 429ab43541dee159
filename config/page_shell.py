"""A public page whose frame is the same for every visitor without a session: rendered by
its template once per process, language and branch, with markers where the request's values
go, then filled in per request.

The verify page is opened from QR codes by strangers' phones, several hundred a second on
an inspection day; rendering base.html and the page through the template engine cost more
CPU than checking the certificate itself (bench/bench_requests.py --profile). What such a
visitor sees depends only on the language and on which of the template's branches the
values take, so those are the frame's key. The template still writes every byte: changing
the page is changing its template, as before.

A visitor with a session (signed in: the navigation) or messages waiting gets the template
rendered in full, as `render()` does.

`render_own` keeps the frame of a signed-in visitor's own page that shows no navigation:
the exam page, which a thousand examinees open at 9:00, each their own paper once (so
nothing of a paper could be kept between two views of it), and whose frame cost about as
much CPU as its hundred question cards. Its CSRF token and path are filled in per
request; a visitor with messages waiting gets the template rendered in full.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.html import conditional_escape
from django.utils.translation import get_language

from config.process_memory import register_reset

# Private-use characters: escaping leaves them alone, and no template or translation has
# them. The request's values are filled in after the frame is cut, so theirs do not matter.
_OPEN, _CLOSE = "\ue000", "\ue001"
_SLOT = re.compile(f"{_OPEN}(\\w+){_CLOSE}")
# django.contrib.messages' cookie storage keeps its messages under this name.
_MESSAGES_COOKIE = "messages"

_shells: list[PageShell] = []


def is_bare(request: HttpRequest) -> bool:
    """Nothing of the visitor's own can change the frame: no session cookie (so nobody is
    signed in and no session holds messages) and no messages cookie."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and _MESSAGES_COOKIE not in cookies


class PageShell:
    """`render()` for one template, with its frame kept for bare requests.

    A non-empty string in the context is filled in per request: the frame has a marker in
    its place, so the template may print it or test it for truth, nothing else (no
    comparison, no filter). A SafeString is filled in as it is, any other escaped, as the
    template's autoescaping does. Any other value (True, None, "") is part of the key and
    rendered as itself. The template must print nothing else of the request (no CSRF token,
    no path, no query string): that would be kept in the frame for everyone.
    """

    def __init__(self, template_name: str):
        self.template_name = template_name
        self._frames: dict[tuple, tuple[list[str], list[str]]] = {}
        _shells.append(self)

    def render(
        self, request: HttpRequest, context: Mapping[str, object], *, status: int = 200
    ) -> HttpResponse:
        if settings.DEBUG or not is_bare(request):
            return render(request, self.template_name, context, status=status)
        response = self._fill(request, context, status)
        # The page differs for a signed-in visitor, as render()'s session read would say.
        patch_vary_headers(response, ("Cookie",))
        return response

    def render_own(
        self, request: HttpRequest, context: Mapping[str, object], *, status: int = 200
    ) -> HttpResponse:
        """`render()` for a signed-in visitor's own page whose frame is the same for every
        visitor: the template prints nothing of the request but its CSRF token (`{% csrf_token
        %}`) and its path (`request.get_full_path`), filled in per request like the context's
        strings, and nothing of the account but what the context holds. A visitor with
        messages waiting gets the template rendered in full (the frame has none)."""
        if settings.DEBUG or len(get_messages(request)):
            return render(request, self.template_name, context, status=status)
        own = {
            **context,
            # As the CSRF context processor's: the token is masked afresh for each page, and
            # the cookie set when the request had none.
            "csrf_token": get_token(request),
            "full_path": request.get_full_path(),
        }
        return self._fill(request, own, status)

    def _fill(self, request: HttpRequest, context: Mapping[str, object], status: int):
        key = (get_language(), *(_key_part(name, value) for name, value in context.items()))
        frame = self._frames.get(key)
        if frame is None:
            frame = self._frames[key] = self._frame(request, context)
        texts, slots = frame
        parts = [texts[0]]
        for name, text in zip(slots, texts[1:], strict=True):
            parts.append(conditional_escape(context[name]))
            parts.append(text)
        return HttpResponse("".join(parts), status=status)

    def _frame(self, request: HttpRequest, context: Mapping[str, object]):
        marked: dict[str, object] = {
            name: f"{_OPEN}{name}{_CLOSE}" if _filled(value) else value
            for name, value in context.items()
        }
        if "full_path" in context:
            # The template asks the request for its path: a stand-in answers with the marker.
            marked.update(request=_PathMarker(marked["full_path"]), messages=())
        pieces = _SLOT.split(render_to_string(self.template_name, marked, request))
        # split() alternates text and captured slot names: text, name, text, ..., text.
        return pieces[0::2], pieces[1::2]

    def forget(self) -> None:
        self._frames.clear()


class _PathMarker:
    """What a frame's template sees as `request`: its path is a marker (render_own)."""

    def __init__(self, marker: object):
        self.marker = marker

    def get_full_path(self) -> object:
        return self.marker


def _filled(value: object) -> bool:
    return isinstance(value, str) and value != ""


def _key_part(name: str, value: object) -> tuple:
    if _filled(value):
        return (name, _OPEN)
    if value is None or isinstance(value, (str, bool, int)):
        return (name, value)
    # A lazy translation, a date or an object would be baked into the frame.
    raise TypeError(f"page shell: {name} must be a string, a bool, an int or None: {value!r}")


def _forget_frames(**kwargs) -> None:
    # Tests that change settings (languages, static storage, templates) get fresh frames.
    for shell in _shells:
        shell.forget()


setting_changed.connect(_forget_frames)
register_reset(_forget_frames)
