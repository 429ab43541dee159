from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class ForcePasswordChangeMiddleware:
    """An account made at a first sign-in (with an activation code) must choose a password
    before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse("password_change"), reverse("logout")}
            if request.path not in allowed and not request.path.startswith(("/static/", "/i18n/")):
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
