"""Forms of the certificate administration: the admin's certificate-type form (number pattern
checked on save) and one small form per lifecycle action of the staff pages.

The forms only parse and check input; the services decide (and refuse with a CertificateError).
"""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from certificates.models import CertificateFamily, CertificateType
from certificates.services.issuing import ExamsHeldElsewhere, needs_practical
from certificates.services.numbering import pattern_problem
from question_banks.models import ExamSession
from roster.form_fields import DateField
from roster.identity import IdentityError, parse_id_number
from roster.models import Person
from roster.selectors import administered_enterprises, can_edit_person, person_list

_PATTERN_PROBLEMS = {
    "syntax": _("The pattern cannot be read: check the braces, e.g. {year}{issuer}{seq:06d}."),
    "unknown": _(
        "The pattern names an unknown field; use {year}, {issuer}, {type}, {seq:06d} "
        "or {id_number}."
    ),
    "not_unique": _(
        "The pattern must contain {seq:06d} or {id_number}, or every certificate would get "
        "the same number."
    ),
}


class CertificateTypeForm(WagtailAdminModelForm):
    """The Wagtail admin's form: a number pattern that cannot work is refused when saved."""

    def clean_number_pattern(self) -> str:
        pattern = self.cleaned_data["number_pattern"].strip()
        problem = pattern_problem(pattern)
        if problem:
            raise forms.ValidationError(_PATTERN_PROBLEMS[problem], code=problem)
        return pattern


def _not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))
    return value


def _reason_field(required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=required,
        help_text=_("Kept with the certificate's history."),
    )


class IssueForm(forms.Form):
    """Issue by hand: the holder by ID number, among the people this admin may edit."""

    id_number = forms.CharField(label=_("Holder's ID number"), max_length=30)
    certificate_type = forms.ModelChoiceField(
        label=_("Certificate type"), queryset=CertificateType.objects.filter(is_active=True)
    )
    on = DateField(
        label=_("Issue date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = _reason_field()
    # An exam held elsewhere: the results a type with a practical exam (特种作业) needs.
    theory_on = DateField(
        label=_("Theory exam date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Special operations: the theory and practical results of the exams held "
            "elsewhere, from that body's record."
        ),
    )
    theory_score = forms.DecimalField(
        label=_("Theory exam score"),
        required=False,
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=100,
    )
    practical_on = DateField(
        label=_("Practical exam date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    practical_score = forms.DecimalField(
        label=_("Practical exam score"),
        required=False,
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=100,
    )
    examiner = forms.CharField(label=_("Practical exam examiner"), max_length=50, required=False)

    EXAM_FIELDS = ("theory_on", "theory_score", "practical_on", "practical_score", "examiner")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        ctype = data.get("certificate_type")
        if ctype is not None and needs_practical(ctype):
            for name in self.EXAM_FIELDS:
                if name not in self.errors and data.get(name) in (None, ""):
                    self.add_error(
                        name,
                        _("Required for %(type)s: it needs the theory and practical exams.")
                        % {"type": ctype.name},
                    )
        return data

    def exams_elsewhere(self) -> ExamsHeldElsewhere | None:
        data = self.cleaned_data
        if any(data.get(name) in (None, "") for name in self.EXAM_FIELDS):
            return None
        return ExamsHeldElsewhere(
            theory_on=data["theory_on"],
            theory_score=data["theory_score"],
            practical_on=data["practical_on"],
            practical_score=data["practical_score"],
            examiner=data["examiner"],
        )

    def clean_id_number(self) -> Person:
        try:
            value = parse_id_number(self.cleaned_data["id_number"].strip()).value
        except IdentityError as exc:
            raise forms.ValidationError(str(exc)) from exc
        person = person_list(user=self.user).filter(id_number=value).first()
        # Out of scope and not on the roster read the same, so the form reveals nobody.
        if person is None or not can_edit_person(user=self.user, person=person):
            raise forms.ValidationError(
                _("Nobody with this ID number works at an enterprise you administer.")
            )
        return person

    def clean_on(self):
        return _not_in_future(self.cleaned_data["on"])


class ReviewForm(forms.Form):
    """复审: the date the review was applied for and the date it was passed. The review
    training comes from the hours ledger and the clean years from the violation and accident
    records: the service reads both, nobody types them."""

    applied_on = DateField(
        label=_("Applied for on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The review must be applied for in its window (see “what, by when”)."),
    )
    on = DateField(
        label=_("Review date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = _reason_field(required=False)

    def clean_on(self):
        return _not_in_future(self.cleaned_data["on"])

    def clean_applied_on(self):
        return _not_in_future(self.cleaned_data["applied_on"])


class PracticalExamForm(forms.Form):
    """实际操作考试: the item (a special-operation type), date, examiner and score; whether a
    theory pass allows it the service decides."""

    certificate_type = forms.ModelChoiceField(
        label=_("Operation item"),
        queryset=CertificateType.objects.filter(
            is_active=True, family=CertificateFamily.SPECIAL_OPERATION
        ),
    )
    taken_on = DateField(
        label=_("Exam date"),
        initial=timezone.localdate,
        # ISO, which a date input reads whatever the page's language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    examiner = forms.CharField(label=_("Examiner"), max_length=50)
    score = forms.DecimalField(
        label=_("Score"), max_digits=5, decimal_places=1, min_value=0, max_value=100
    )

    def clean_taken_on(self):
        return _not_in_future(self.cleaned_data["taken_on"])


class HealthCheckForm(forms.Form):
    """体检: the date and the result (fit or unfit for the operation), with a note."""

    on = DateField(
        label=_("Date of the health check"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    fit = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("Fit for the operation")), ("0", _("Unfit for the operation"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_on(self):
        return _not_in_future(self.cleaned_data["on"])


class StatusForm(forms.Form):
    """Suspend, reinstate, revoke (撤销) or cancel (注销): always with a reason."""

    reason = _reason_field()


class RenewForm(forms.Form):
    """延续: a new record from the day after the old one ends; the application date is
    checked against the family's window."""

    applied_on = DateField(
        label=_("Applied for on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = _reason_field()

    def clean_applied_on(self):
        return _not_in_future(self.cleaned_data["applied_on"])


class ReplaceForm(forms.Form):
    """补证/换证 of a lost or damaged card."""

    new_number = forms.BooleanField(
        label=_("Give the new card a new number"),
        required=False,
        help_text=_("Otherwise the card keeps its number."),
    )
    reason = _reason_field()


def sessions_for_batch(user) -> QuerySet:
    """Exam sessions that issue a certificate and whose batch this user may run: all for the
    system admin, an enterprise's own sessions for its admin."""
    sessions = ExamSession.objects.exclude(certificate_type_code="").order_by("-opens_at")
    if user.is_superuser:
        return sessions
    return sessions.filter(
        Q(enterprise__in=administered_enterprises(user=user)) & Q(enterprise__isnull=False)
    )


class SessionIssueForm(forms.Form):
    session = forms.ModelChoiceField(label=_("Exam session"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions_for_batch(user)


class OperationItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: CertificateType) -> str:
        return f"{obj.operation_category} · {obj.operation_item}"


class OperationItemForm(forms.Form):
    """Which catalogue item a special operator's job does (the gap list's "set the item")."""

    certificate_type = OperationItemChoice(
        label=_("Operation item"),
        queryset=CertificateType.objects.filter(
            family="special_operation", is_active=True
        ).order_by("operation_category", "code"),
        empty_label=_("Choose the operation item"),
        error_messages={"required": _("Choose the operation item this person does.")},
    )
