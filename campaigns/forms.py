"""Forms of the warning-education, rotation and campaign-month pages. They parse input and
offer only what the user may choose; the services decide (and refuse) again."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage, WarningCasePage
from question_banks.models import ExamSession
from roster.choices import PersonnelCategory
from roster.form_fields import DateField, IdChoices
from roster.models import Enterprise, Industry, Person, Region

from .models import CampaignSession, MonthActivity

DATE = forms.DateInput(attrs={"type": "date"})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class CaseChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        # A page's id is a link to its Page row, whose lookup does not know the column's
        # range: an id no row can have is "not one of the choices" before any query.
        text = str(value or "").strip()
        if text.isdigit() and int(text) >= 2**63:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def label_from_instance(self, obj):
        return f"{obj.title}（{obj.occurred_on:%Y-%m-%d}）"


class PersonChoiceField(IdChoices):
    def label_from_instance(self, obj):
        return f"{obj.name} {obj.id_number_masked}"


class WarningAssignForm(forms.Form):
    case = CaseChoiceField(label=_("Warning case"), queryset=WarningCasePage.objects.none())
    enterprises = IdChoices(
        label=_("Enterprises"),
        queryset=Enterprise.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    personnel_category = forms.ChoiceField(
        label=_("Personnel category"),
        choices=[("", _("Every category")), *PersonnelCategory.choices],
        required=False,
    )
    post = forms.CharField(
        label=_("Post / trade"),
        max_length=100,
        required=False,
        help_text=_("Empty: every post."),
    )
    due_on = DateField(label=_("Deadline"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, cases, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["enterprises"].queryset = enterprises


class MeetingForm(forms.Form):
    held_on = DateField(label=_("Held on"), widget=DATE)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    cases = IdChoices(
        label=_("Cases discussed"),
        queryset=WarningCasePage.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    attendees = PersonChoiceField(
        label=_("Attendees"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, cases, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases
        self.fields["attendees"].queryset = people


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    industries = IdChoices(
        label=_("Industries"),
        queryset=Industry.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every industry."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Personnel categories"),
        choices=PersonnelCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    target_percent = forms.DecimalField(
        label=_("Target (%)"), min_value=Decimal(1), max_value=Decimal(100), initial=100
    )
    starts_on = DateField(label=_("Starts on"), widget=DATE)
    ends_on = DateField(label=_("Ends on"), widget=DATE)
    pass_mark = forms.IntegerField(
        label=_("Pass mark of the closing exam"), min_value=1, max_value=100, initial=80
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CampaignSession.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = DateField(label=_("Date (online: open until)"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, max_value=100_000, required=False
    )
    course = forms.ModelChoiceField(
        label=_("Online course"),
        queryset=CoursePage.objects.live().order_by("title"),
        required=False,
    )


class PeopleForm(forms.Form):
    """Members picked by enterprise, or ID numbers pasted one per line."""

    enterprise = forms.ModelChoiceField(
        label=_("Everyone of the campaign at"),
        queryset=Enterprise.objects.none(),
        required=False,
    )
    id_numbers = forms.CharField(
        label=_("ID numbers (one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises

    def clean(self):
        data = super().clean()
        if not data.get("enterprise") and not (data.get("id_numbers") or "").strip():
            raise forms.ValidationError(_("Choose an enterprise or paste ID numbers."))
        return data


class ExamForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    score = forms.DecimalField(label=_("Score"), max_digits=5, decimal_places=1)
    exam_on = DateField(label=_("Exam date"), widget=DATE)


class ActivityForm(forms.Form):
    month = forms.ChoiceField(label=_("Campaign month"), choices=MonthActivity.Month.choices)
    title = forms.CharField(label=_("Activity"), max_length=200)
    held_on = DateField(label=_("Held on"), widget=DATE)
    description = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    participants = PersonChoiceField(
        label=_("Who took part"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    evidence = MultipleFileField(
        label=_("Evidence (photos or PDF)"),
        required=False,
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = people


class ExamLinkForm(forms.Form):
    """The closing exam's session, among those the organiser may link."""

    exam_session = forms.ModelChoiceField(
        label=_("Closing exam session"), queryset=ExamSession.objects.none()
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["exam_session"]
        field.queryset = sessions
        field.label_from_instance = lambda s: f"{s.code} {s.name}"
