"""Forms parse; drills.services decides. Person and department fields accept any id, so
that another enterprise's people get the service's clear refusal, not a generic one."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from roster.form_fields import DateField, IdChoices
from roster.models import Department, Person

from .models import DrillForm, DrillKind, PlannedDrill

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def _evidence_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Evidence (photos, video, documents)"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": "image/*,video/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"}
        ),
    )


class PlannedDrillForm(forms.Form):
    kind = forms.ChoiceField(label=_("Drill kind"), choices=DrillKind.choices)
    form = forms.ChoiceField(label=_("Drill form"), choices=DrillForm.choices)
    scenario = forms.CharField(label=_("Scenario"), max_length=200)
    planned_on = DateField(label=_("Planned date"), widget=DATE)
    staff_notified_on = DateField(
        label=_("Staff told of the drill on"),
        widget=DATE,
        required=False,
        help_text=_("Fire drills: the day the staff were told, before the drill."),
    )
    departments = IdChoices(
        label=_("Departments concerned"),
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people = IdChoices(label=_("People concerned"), queryset=Person.objects.all(), required=False)

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].choices = [
            (d.pk, d.name) for d in Department.objects.filter(enterprise=enterprise)
        ]


class RecordForm(forms.Form):
    planned = forms.ModelChoiceField(
        label=_("Planned drill"),
        queryset=PlannedDrill.objects.all(),
        required=False,
        empty_label=_("Not in the plan"),
    )
    kind = forms.ChoiceField(label=_("Drill kind"), choices=DrillKind.choices)
    form = forms.ChoiceField(label=_("Drill form"), choices=DrillForm.choices)
    held_on = DateField(label=_("Drill date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200)
    duration_minutes = forms.IntegerField(label=_("Drill duration (minutes)"), min_value=1)
    organiser = forms.CharField(label=_("Organiser"), max_length=100)
    scenario = forms.CharField(label=_("Scenario run"), widget=forms.Textarea(attrs={"rows": 3}))
    hours_credited = forms.DecimalField(
        label=_("Hours (学时) credited to each participant"),
        min_value=Decimal("0"),
        max_digits=4,
        decimal_places=1,
        initial=Decimal("0"),
        help_text=_("0 when the drill does not count as training."),
    )
    participants = IdChoices(label=_("Participants"), queryset=Person.objects.all(), required=False)
    evidence = _evidence_field()

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned"].queryset = PlannedDrill.objects.filter(
            plan__enterprise=enterprise
        ).order_by("-planned_on")


class EvidenceForm(forms.Form):
    evidence = _evidence_field()


class EvaluationForm(forms.Form):
    problems_found = forms.CharField(
        label=_("Problems found"), widget=forms.Textarea(attrs={"rows": 4})
    )
    plan_changes = forms.CharField(
        label=_("Changes proposed to the plan"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Person.objects.all())
    due_on = DateField(label=_("Due date"), widget=DATE)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["owner"].choices = [("", "---------")] + [
                (e.person_id, e.person.name) for e in people
            ]


class CloseForm(forms.Form):
    closing_note = forms.CharField(label=_("Closing note"), max_length=300)
