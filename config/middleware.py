"""The Content-Security-Policy header, by django-csp, with the two rules of this site on top.

django-csp writes the policy of settings.CONTENT_SECURITY_POLICY (its DIRECTIVES, minus the
EXCLUDE_URL_PREFIXES: the Wagtail admin) and gives templates `request.csp_nonce` should a page
ever need an inline script. What stays here, and why: the policy goes on HTML responses only
(it governs what a page may load and run; JSON, files and keys get none, so clients caching
them see no header that means nothing to them), and `frame-ancestors` follows the response's
X-Frame-Options (DENY or SAMEORIGIN, as Wagtail's preview sets it), so the two never disagree.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

_FRAME_ANCESTORS = {"DENY": "'none'", "SAMEORIGIN": "'self'"}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        directives = settings.CONTENT_SECURITY_POLICY.get("DIRECTIVES", {})
        frame = _FRAME_ANCESTORS.get(response.get("X-Frame-Options", "").upper())
        if frame and "frame-ancestors" not in directives:
            parts.update = {**(parts.update or {}), "frame-ancestors": [frame]}
        return parts
