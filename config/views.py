"""Site-level views: the portal home and sign-in. The portal composes the apps below it."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.account import LoginView as WagtailLoginView

from certificates.services.duties import person_duties
from roster.forms import LoginForm
from roster.selectors import administered_enterprises, enterprise_list, user_scope
from roster.services.audit import audit_record


class LockoutAnswerMixin:
    """Failed attempts are throttled in the backend (roster.throttle); a refused attempt
    shows the form again with the reason, as 429 Too Many Requests with Retry-After."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.lockout is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.lockout.seconds)
        return response


class LoginView(LockoutAnswerMixin, auth_views.LoginView):
    """Sign-in."""

    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class AdminLoginView(LockoutAnswerMixin, WagtailLoginView):
    """The Wagtail admin's sign-in (its form is roster.forms.AdminLoginForm), answering a
    lockout as the site's sign-in does: a login page that says 200 to a locked account tells
    a script nothing, and tells a monitoring rule less than the site's 429 does."""


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def get_form_class(self):
        # An account just made with an activation code has no password to confirm yet.
        if not self.request.user.has_usable_password():
            return SetPasswordForm
        return super().get_form_class()

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            user = self.request.user
            audit_record(actor=user, action="password.change", target=user, request=self.request)
            if user.must_change_password:
                user.must_change_password = False
                user.save(update_fields=["must_change_password"])
        messages.success(self.request, _("Your password has been changed."))
        return response


# How many "what, by when" lines the home page shows before linking to the whole list.
HOME_DUTIES = 5


@login_required
def home(request):
    scope = user_scope(request.user)
    person = request.user.person
    today = timezone.localdate()
    context = {
        "scope": scope,
        "person": person,
        # The person's own "what, by when" (certificate windows and training duties), the
        # soonest first; the whole list is on their certificates page.
        "duties": person_duties(person=person, on=today)[:HOME_DUTIES] if person else [],
        "today": today,
        "administered": administered_enterprises(user=request.user)[:20],
        "enterprise_count": enterprise_list(user=request.user).count()
        if scope.is_staff_scope
        else 0,
    }
    return render(request, "portal/home.html", context)
