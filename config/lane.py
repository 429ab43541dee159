"""The session-free lane: requests answered before the session and the account are read.

Three requests come by the thousand and need neither: the 9:00 exam starts and the answer
saves, which carry an exam pass (question_banks/services/exam_pass.py), and certificate
look-ups from strangers' phones, which hold no cookie of ours. For them the session, the
account, CSRF and messages middleware cost more than the work itself
(bench/bench_requests.py --profile). A view (or a Ninja operation's function) says it can
answer such a request with `@session_free(answer)`: `answer(request, **url_kwargs)` returns
the response, or None to let the request go on down the stack unchanged to the view, which
reads the session and says why it refuses (a body once read stays readable there).

Which view a path reaches is Django's resolver's to say, not a copy of its patterns. A full
`resolve()` walks every pattern before the match and builds a ResolverMatch: 120-300 us
here, more than the save it would route. So the lane's index is built once per resolver from
its own pattern objects and order: for each marked view, the chain of patterns that leads
to it and the earlier views whose patterns could take the same paths (their literal
prefixes overlap). A path is matched against those few chains with the patterns' own
`match()` (and converters), in the resolver's order, so the lane answers exactly the paths
`resolve()` gives to a marked view; every other path costs one `str.startswith`
(tests/test_session_free_lane.py compares the two over every URL pattern the site has).

The middleware sits right after the security headers, the content security policy,
X-Frame-Options and the NUL-byte guard, so its answers carry the same headers as any other.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.middleware.common import CommonMiddleware
from django.middleware.locale import LocaleMiddleware
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils.cache import patch_vary_headers

from config.process_memory import register_reset

Answer = Callable[..., HttpResponse | None]
MARK = "session_free"


def session_free(answer: Answer) -> Callable:
    """Mark a view (or the function of a Ninja operation, under its route decorator) whose
    requests `answer(request, **url_kwargs)` may take before the session is read."""

    def mark(view):
        setattr(view, MARK, answer)
        return view

    return mark


# ---------------------------------------------------------------- answering anonymously

# Their request and response halves, called directly around a view the lane answers: the
# language from the Accept-Language header or cookie, and Content-Length.
_locale = LocaleMiddleware(lambda request: HttpResponse())
_common = CommonMiddleware(lambda request: HttpResponse())


def answer_anonymously(
    request: HttpRequest, view: Callable, *args, **kwargs
) -> HttpResponse | None:
    """Call `view` for a visitor without a session, as the full stack would for them: nobody
    signed in, the language negotiated, Content-Length set. A view that returns None leaves
    the request to the full stack (which negotiates the language again)."""
    request.user = AnonymousUser()
    _locale.process_request(request)
    response = view(request, *args, **kwargs)
    if response is None:
        return None
    # Cookie as the session middleware's: a signed-in visitor may be shown more.
    patch_vary_headers(response, ("Cookie",))
    response = _locale.process_response(request, response)
    return _common.process_response(request, response)


# ---------------------------------------------------------------- the index


@dataclass
class _Chain:
    """The patterns from the root resolver to one view, as resolve() walks them."""

    patterns: list  # URLResolver, ..., URLPattern
    prefix: str  # the literal text every path it takes starts with
    exact: bool  # no converter or regex: it takes the path `prefix` only

    def match(self, path: str) -> tuple[tuple, dict] | None:
        """(args, kwargs) as resolve() would give the view, or None."""
        args: tuple = ()
        kwargs: dict = {}
        *resolvers, endpoint = self.patterns
        for resolver in resolvers:
            matched = resolver.pattern.match(path)
            if matched is None:
                return None
            path, found_args, found_kwargs = matched
            kwargs.update(found_kwargs)
            kwargs.update(resolver.default_kwargs)
            args += found_args
        matched = endpoint.pattern.match(path)
        if matched is None:
            return None
        _, found_args, found_kwargs = matched
        kwargs.update(found_kwargs)
        kwargs.update(endpoint.default_args)
        return (() if kwargs else args + found_args), kwargs


@dataclass
class _Route:
    chain: _Chain
    answers: dict[str | None, Answer]  # by method; None: any method
    shadows: list[_Chain] = field(default_factory=list)  # earlier views that may take its paths


@dataclass
class _Index:
    routes: list[_Route]
    prefixes: tuple[str, ...]

    def find(self, path: str) -> tuple[_Route, tuple, dict] | None:
        """The marked view resolve() gives this path to, with its arguments, or None."""
        for route in self.routes:
            if not path.startswith(route.chain.prefix):
                continue
            matched = route.chain.match(path)
            if matched is None:
                continue
            if any(shadow.match(path) is not None for shadow in route.shadows):
                return None  # resolve() gives this path to an earlier view
            return route, *matched
        return None

    def answer(self, request: HttpRequest) -> HttpResponse | None:
        found = self.find(request.path_info)
        if found is None:
            return None
        route, args, kwargs = found
        answer = route.answers.get(request.method) or route.answers.get(None)
        if answer is None:
            return None
        request.get_host()  # an unknown Host is refused here as everywhere (400)
        return answer(request, *args, **kwargs)


_LITERAL = re.compile(r"[\w/.\-]*")


def _literal(pattern) -> tuple[str, bool]:
    """(the text every path this pattern takes starts with, whether that is all it takes)."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        head = route.split("<", 1)[0]
        return head, head == route
    text = str(pattern).removeprefix("^")
    head = _LITERAL.match(text).group(0)
    rest = text[len(head) :]
    # A quantifier after the last character makes it optional: leave that one out.
    if head and rest[:1] in ("?", "*", "{"):
        return head[:-1], False
    return head, rest in ("", "$", r"\Z")


def _chains(resolver: URLResolver, above: list, prefix: str, literal: bool):
    """Every view under `resolver` in resolve()'s order, with its chain. `literal`: the
    patterns above took literal text only, so this one's literal head extends `prefix`."""
    if literal:
        head, literal = _literal(resolver.pattern)
        prefix += head
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _chains(entry, [*above, resolver], prefix, literal)
        elif isinstance(entry, URLPattern):
            tail, whole = _literal(entry.pattern) if literal else ("", False)
            yield _Chain([*above, resolver, entry], prefix + tail, literal and whole)


def _answers(view) -> dict[str | None, Answer]:
    """The lane's answers of a view: its mark, or those of the Ninja operations behind it
    (Ninja routes one view per path and finds the operation by method)."""
    answer = getattr(view, MARK, None)
    if answer is not None:
        return {None: answer}
    path_view = _ninja_path_view(view)
    if path_view is None:
        return {}
    answers: dict[str | None, Answer] = {}
    for operation in path_view.operations:
        answer = getattr(operation.view_func, MARK, None)
        if answer is not None:
            answers.update(dict.fromkeys(operation.methods, answer))
    return answers


def _ninja_path_view(view):
    """Ninja's PathView behind one of its URL patterns: the `self` its view closes over
    (ninja.operation.PathView.get_view). tests/test_session_free_lane.py fails if that
    changes."""
    if view.__module__ != "ninja.operation" or not view.__closure__:
        return None
    path_view = inspect.getclosurevars(view).nonlocals.get("self")
    return path_view if hasattr(path_view, "operations") else None


def _overlap(chain: _Chain, prefix: str) -> bool:
    """Whether `chain` may take a path starting with `prefix`."""
    if chain.exact:
        return chain.prefix.startswith(prefix)
    return chain.prefix.startswith(prefix) or prefix.startswith(chain.prefix)


def _build(resolver: URLResolver) -> _Index:
    chains = list(_chains(resolver, [], "", True))
    routes = []
    for position, chain in enumerate(chains):
        answers = _answers(chain.patterns[-1].callback)
        if answers:
            shadows = [c for c in chains[:position] if _overlap(c, chain.prefix)]
            routes.append(_Route(chain, answers, shadows))
    return _Index(routes, tuple(route.chain.prefix for route in routes))


_indexes: dict[URLResolver, _Index] = {}


@register_reset
def forget_indexes() -> None:
    _indexes.clear()


def lane_index(resolver: URLResolver | None = None) -> _Index:
    """The index of the resolver (the site's, ROOT_URLCONF, by default)."""
    resolver = resolver or get_resolver()
    index = _indexes.get(resolver)
    if index is None:
        index = _indexes[resolver] = _build(resolver)
    return index


class SessionFreeLaneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        index = lane_index()
        if request.path_info.startswith(index.prefixes):
            response = index.answer(request)
            if response is not None:
                return response
        return self.get_response(request)
