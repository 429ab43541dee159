"""Certificate look-ups from phones without a session, answered before the session, the
account, CSRF and messages middleware run: the verify page and GET /api/verify/<token>.

On an inspection day these come several hundred a second from strangers' phones, which
scanned a QR code and hold no cookie of ours; for them those middleware only find that
nobody is signed in, and cost a third of the request (bench/bench_requests.py --profile).
This sits right after the security headers, the content security policy, X-Frame-Options
and the exam day's middleware, so its answers carry the same headers as any other; it runs
Django's LocaleMiddleware and CommonMiddleware around the same views, as the stack would.
A visitor with a session or messages (config/page_shell.is_bare), any other method or
path, goes on down the stack unchanged.
"""

from __future__ import annotations

import re

from django.contrib.auth.models import AnonymousUser
from django.middleware.common import CommonMiddleware
from django.middleware.locale import LocaleMiddleware
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
        # Their request and response halves, called directly: the language from the
        # Accept-Language header or cookie, and Content-Length (no chunking, no closing).
        self.locale = LocaleMiddleware(get_response)
        self.common = CommonMiddleware(get_response)

    def __call__(self, request):
        if request.method in _SAFE and is_bare(request):
            match = _LOOK_UP.fullmatch(request.path_info)
            if match is not None and (match[1] or request.method == "GET"):
                return self._answer(request, verify_page if match[1] else verify_json, match[2])
        return self.get_response(request)

    def _answer(self, request, view, token: str):
        request.get_host()  # an unknown Host is refused here as everywhere (400)
        request.user = AnonymousUser()
        self.locale.process_request(request)
        response = view(request, token)
        # Cookie as the session middleware's: a signed-in visitor may be shown more.
        patch_vary_headers(response, ("Cookie",))
        response = self.locale.process_response(request, response)
        return self.common.process_response(request, response)
