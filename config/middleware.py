"""A small Content-Security-Policy middleware (Django 5.2 has none built in; 6.0 will).

The policy is a setting (CONTENT_SECURITY_POLICY: directive -> sources); it goes on HTML
responses only, since it governs what a page may load and run, and paths listed in
CONTENT_SECURITY_POLICY_EXCLUDE (the Wagtail admin) get none. `frame-ancestors` follows the
response's X-Frame-Options (DENY or SAMEORIGIN, as Wagtail's preview sets it), so the two
never disagree.
"""

from __future__ import annotations

from django.conf import settings

_FRAME_ANCESTORS = {"DENY": "'none'", "SAMEORIGIN": "'self'"}


def build_policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(
        " ".join([name, *sources]) if sources else name for name, sources in directives.items()
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.directives = dict(getattr(settings, "CONTENT_SECURITY_POLICY", {}))
        self.excluded = tuple(getattr(settings, "CONTENT_SECURITY_POLICY_EXCLUDE", ()))

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not self.directives
            or "Content-Security-Policy" in response
            or request.path.startswith(self.excluded)
            or not response.get("Content-Type", "").startswith("text/html")
            # Django's debug error page runs inline scripts; production shows a plain page.
            or (settings.DEBUG and response.status_code >= 500)
        ):
            return response
        directives = dict(self.directives)
        frame = _FRAME_ANCESTORS.get(response.get("X-Frame-Options", "").upper())
        if frame and "frame-ancestors" not in directives:
            directives["frame-ancestors"] = [frame]
        response["Content-Security-Policy"] = build_policy(directives)
        return response
