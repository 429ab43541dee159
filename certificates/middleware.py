"""Certificate look-ups from phones without a session, answered before the session, the
account, CSRF and messages middleware run: the verify page and GET /api/verify/<token>.

On an inspection day these come several hundred a second from strangers' phones, which
scanned a QR code and hold no cookie of ours; for them those middleware only find that
nobody is signed in, and cost a third of the request (bench/bench_requests.py --profile).
This sits right after the security headers, the content security policy, X-Frame-Options
and the exam day's middleware, so its answers carry the same headers as any other; it
chooses the language as LocaleMiddleware does and calls the same views. A visitor with a
session or messages (config/page_shell.is_bare), any other method or path, goes on down
the stack unchanged.
"""

from __future__ import annotations

import re

from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from django.utils.cache import patch_vary_headers

from certificates.views.verify import verify_json, verify_page
from config.page_shell import is_bare

# As the URL patterns: verify/<str:token> and VERIFY/<str:token> (the QR's upper case), and
# the API's /api/verify/{token}.
_LOOK_UP = re.compile(r"/(?:(verify|VERIFY)|api/verify)/([^/]+)")
_SAFE = frozenset({"GET", "HEAD"})  # the page's; the API answers GET only


class VerifyLaneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in _SAFE and is_bare(request):
            match = _LOOK_UP.fullmatch(request.path_info)
            if match is not None and (match[1] or request.method == "GET"):
                return self._answer(request, verify_page if match[1] else verify_json, match[2])
        return self.get_response(request)

    def _answer(self, request, view, token: str):
        request.get_host()  # an unknown Host is refused here as everywhere (400)
        request.user = AnonymousUser()
        # LocaleMiddleware's choice for a URL without a language prefix.
        language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = view(request, token)
        # Accept-Language as LocaleMiddleware; Cookie as the session's, which every page and
        # endpoint reads (a signed-in visitor may be shown more).
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        # As CommonMiddleware: the server need not chunk or close the connection.
        response.headers["Content-Length"] = str(len(response.content))
        return response
