"""Forms of the enterprise's internal exam pages (views/internal.py): they parse; the
services in services/internal_exams.py decide and write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from question_banks.models import ExamSession, QuestionType
from question_banks.services.internal_exams import (
    SIMPLE_TYPES,
    CandidateChoice,
    InternalExamData,
    PaperPart,
    enterprise_people,
    enterprise_posts,
    internal_banks,
    internal_rules,
)
from roster.choices import PersonnelCategory
from roster.form_fields import DateTimeField, IdChoices
from roster.models import Department

_LOCAL = "%Y-%m-%dT%H:%M"


def _when(label) -> forms.DateTimeField:
    return DateTimeField(
        label=label,
        input_formats=[_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput({"type": "datetime-local"}, format=_LOCAL),
    )


class BankChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, bank) -> str:
        if bank.training_body_id:
            return _("%(bank)s (shared by %(body)s)") % {
                "bank": bank.name,
                "body": bank.training_body.name,
            }
        return bank.name


class RuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, rule) -> str:
        return f"{rule.bank.name} · {rule.name}"


class InternalExamForm(forms.Form):
    name = forms.CharField(label=_("Exam name"), max_length=200)
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=[c for c in ExamSession.Purpose.choices if c[0] != ExamSession.Purpose.CONTEST],
    )
    bank = BankChoiceField(label=_("Question bank"), queryset=None)
    rule = RuleChoiceField(
        label=_("Or use an existing paper rule"),
        queryset=None,
        required=False,
        help_text=_("Leave empty to make the simple paper below."),
    )
    opens_at = _when(_("Opens at"))
    closes_at = _when(_("Closes at"))
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=600, initial=60
    )
    pass_mark = forms.DecimalField(
        label=_("Pass mark"), min_value=Decimal("0.5"), max_digits=6, decimal_places=2, initial=60
    )
    attempts_allowed = forms.IntegerField(
        label=_("Attempts allowed"), min_value=1, max_value=10, initial=2
    )

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = internal_banks(enterprise=enterprise)
        self.fields["rule"].queryset = internal_rules(enterprise=enterprise)
        defaults = {QuestionType.SINGLE: (10, 5), QuestionType.MULTIPLE: (0, 5)}
        for qtype in SIMPLE_TYPES:
            count, points = defaults.get(qtype, (10, 5))
            label = QuestionType(qtype).label
            self.fields[f"count_{qtype}"] = forms.IntegerField(
                label=_("%(type)s: how many") % {"type": label},
                min_value=0,
                max_value=200,
                initial=count,
                required=False,
            )
            self.fields[f"points_{qtype}"] = forms.DecimalField(
                label=_("%(type)s: points each") % {"type": label},
                min_value=Decimal("0.5"),
                max_digits=6,
                decimal_places=2,
                initial=points,
                required=False,
            )

    @staticmethod
    def initial_for(purpose: str) -> dict:
        """What the form starts with: a week's window, or a year's for the standing
        三违 return exam (people join it whenever a violation is recorded)."""
        now = timezone.localtime().replace(second=0, microsecond=0)
        days = 365 if purpose == ExamSession.Purpose.VIOLATION_RETURN else 7
        initial = {"opens_at": now, "closes_at": now + dt.timedelta(days=days)}
        if purpose in ExamSession.Purpose.values:
            initial["purpose"] = purpose
            initial["name"] = ExamSession.Purpose(purpose).label
        return initial

    def paper_fields(self):
        return [(self[f"count_{qtype}"], self[f"points_{qtype}"]) for qtype in SIMPLE_TYPES]

    def clean(self):
        data = super().clean()
        rule, bank = data.get("rule"), data.get("bank")
        if rule is not None and bank is not None and rule.bank_id != bank.pk:
            self.add_error("rule", _("Choose a paper rule of the chosen bank."))
        return data

    def exam_data(self) -> InternalExamData:
        data = self.cleaned_data
        parts = tuple(
            PaperPart(
                qtype,
                data.get(f"count_{qtype}") or 0,
                data.get(f"points_{qtype}") or Decimal(0),
            )
            for qtype in SIMPLE_TYPES
        )
        return InternalExamData(
            name=data["name"],
            purpose=data["purpose"],
            bank=data["bank"],
            rule=data["rule"],
            parts=parts,
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            duration_minutes=data["duration_minutes"],
            pass_mark=data["pass_mark"],
            attempts_allowed=data["attempts_allowed"],
        )


class CandidatesForm(forms.Form):
    WHO = [
        ("everyone", _("Everyone employed now")),
        ("filter", _("By department, post or category")),
        ("picked", _("Only the people picked below")),
    ]
    who = forms.ChoiceField(
        label=_("Who takes the exam"), choices=WHO, widget=forms.RadioSelect, initial="everyone"
    )
    departments = IdChoices(
        label=_("Departments"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    posts = forms.MultipleChoiceField(
        label=_("Posts / trades"), required=False, widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(
        label=_("Personnel categories"),
        choices=PersonnelCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people = IdChoices(
        label=_("People"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(
            enterprise=enterprise
        ).order_by("name")
        self.fields["posts"].choices = [(p, p) for p in enterprise_posts(enterprise=enterprise)]
        self.fields["people"].queryset = enterprise_people(enterprise=enterprise)

    def clean(self):
        data = super().clean()
        who = data.get("who")
        if who == "filter" and not (
            data.get("departments") or data.get("posts") or data.get("categories")
        ):
            self.add_error("who", _("Choose at least one department, post or category."))
        if who == "picked" and not data.get("people"):
            self.add_error("people", _("Pick at least one person."))
        return data

    def choice(self) -> CandidateChoice:
        data = self.cleaned_data
        who = data["who"]
        if who == "everyone":
            return CandidateChoice(everyone=True)
        if who == "filter":
            return CandidateChoice(
                department_ids=tuple(d.pk for d in data["departments"]),
                posts=tuple(data["posts"]),
                categories=tuple(data["categories"]),
            )
        return CandidateChoice(people=tuple(data["people"]))
