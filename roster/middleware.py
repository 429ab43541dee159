from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class ForcePasswordChangeMiddleware:
    """An account made at a first sign-in (with an activation code) must choose a password
    before anything else.

    The account is read only where it can matter: a request without a session cookie has
    nobody signed in, and the paths that stay open need no check. Reading `request.user`
    loads the session and the account (two cache round trips); a visitor without a session
    (a phone verifying a certificate, a health check) would pay them for nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and self._must_change(request):
            if request.path.startswith("/api/"):
                # A script or the exam page cannot follow a redirect to an HTML form.
                return JsonResponse(
                    {
                        "detail": _("Choose a new password before going on."),
                        "code": "password_change_required",
                    },
                    status=403,
                )
            return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def _must_change(request) -> bool:
        if request.path.startswith(("/static/", "/i18n/")):
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.must_change_password:
            return False
        return request.path not in {reverse("password_change"), reverse("logout")}
