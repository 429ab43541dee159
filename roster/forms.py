from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from .choices import EmploymentForm, EmploymentStatus, PersonnelCategory
from .form_fields import DateField
from .identity import IdentityError, parse_id_number, validate_phone

THROTTLED = ngettext_lazy(
    "Too many failed sign-ins. For your safety, signing in is paused; try again in "
    "%(minutes)s minute, or ask your enterprise safety admin for help.",
    "Too many failed sign-ins. For your safety, signing in is paused; try again in "
    "%(minutes)s minutes, or ask your enterprise safety admin for help.",
    "minutes",
)


class ThrottledLoginMixin:
    """Says plainly when the sign-in was refused because of too many failures
    (roster.throttle: the backend refuses, the form explains). `lockout` is then set."""

    lockout = None

    def get_invalid_login_error(self):
        from .auth import sign_in_lockout

        self.lockout = sign_in_lockout(self.request, self.cleaned_data.get("username"))
        if self.lockout is not None:
            return ValidationError(
                THROTTLED, code="throttled", params={"minutes": self.lockout.minutes}
            )
        return super().get_invalid_login_error()


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("ID number, phone or username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("The account or password is not right. Please check and try again."),
        "inactive": _("This account is disabled. Please ask your enterprise safety admin."),
    }


class AdminLoginForm(ThrottledLoginMixin, WagtailLoginForm):
    """The Wagtail admin's sign-in (settings.WAGTAILADMIN_USER_LOGIN_FORM), same message."""


class PersonForm(forms.Form):
    """Add or fix one person on an enterprise roster."""

    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=20)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    department = forms.CharField(label=_("Department / team"), max_length=100, required=False)
    post = forms.CharField(label=_("Post / trade"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("Personnel category"), choices=PersonnelCategory.choices)
    employment_form = forms.ChoiceField(
        label=_("Employment form"), choices=EmploymentForm.choices, initial=EmploymentForm.REGULAR
    )
    hire_date = DateField(
        label=_("Hire date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_name(self):
        return self.cleaned_data["name"].replace("\u3000", " ").strip()

    def clean_id_number(self):
        try:
            return parse_id_number(self.cleaned_data["id_number"]).value
        except IdentityError as exc:
            raise ValidationError(str(exc)) from exc

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "")
        if not raw:
            return ""
        try:
            return validate_phone(raw)
        except IdentityError as exc:
            raise ValidationError(str(exc)) from exc


class PersonEditForm(PersonForm):
    """Fix a person already on the roster. The ID number identifies them and never changes,
    so it is not in the form: the page shows it masked like everywhere else."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["id_number"]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=EmploymentStatus.choices)
    effective_on = DateField(
        label=_("Effective on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
