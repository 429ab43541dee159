"""Forms of the trainer's exam workbench (/exams/manage/…): paper rules with their sections
or fixed items, sessions, candidates, grants and closing.

They offer only what the user may choose (services/permissions.py: their own banks' rules,
the regions of their grants; roster.selectors: the people and enterprises of their scope)
and show what the object's state has locked as read-only, with the reason. The services
the views save through check everything again.
"""

from __future__ import annotations

import ipaddress
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from question_banks import prerequisites
from question_banks.models import (
    Category,
    ExamSession,
    FixedPaperItem,
    PaperRule,
    PaperSection,
    Question,
)
from question_banks.providers import certificate_type_choices, training_plan_choices
from question_banks.services import permissions
from roster.choices import PersonnelCategory
from roster.form_fields import date_in_range
from roster.models import Department
from roster.selectors import enterprise_list

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def lock_fields(form: forms.BaseForm, names, reason: str) -> None:
    """Show these fields as they are, read-only, saying why (a disabled field keeps its
    stored value whatever a request sends)."""
    for name in names:
        field = form.fields.get(name)
        if field is not None:
            field.disabled = True
            field.help_text = reason


class PaperRuleForm(forms.ModelForm):
    class Meta:
        model = PaperRule
        fields = [
            "name",
            "kind",
            "duration_minutes",
            "pass_mark",
            "partial_credit",
            "avoid_previous",
        ]
        labels = {"kind": _("Paper kind")}

    def __init__(self, *args, locked_reason: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].validators.append(MinValueValidator(1))
        if locked_reason:
            lock_fields(self, [n for n in self.fields if n != "name"], locked_reason)


class SectionForm(forms.ModelForm):
    """One part of a random paper; its categories are the bank's."""

    class Meta:
        model = PaperSection
        fields = [
            "title",
            "qtype",
            "points_each",
            "easy_count",
            "medium_count",
            "hard_count",
            "categories",
        ]
        labels = {"title": _("Section title"), "categories": _("Only these categories")}
        widgets = {"categories": forms.CheckboxSelectMultiple}

    def __init__(self, *args, bank=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = Category.objects.filter(bank=bank).order_by("path")
        self.fields["categories"].required = False
        self.fields["points_each"].validators.append(MinValueValidator(Decimal("0.5")))


class FixedItemForm(forms.ModelForm):
    class Meta:
        model = FixedPaperItem
        fields = ["question", "points"]
        labels = {"question": _("Question"), "points": _("Points")}

    def __init__(self, *args, bank=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = (
            Question.objects.filter(bank=bank, is_active=True, current_version__isnull=False)
            .select_related("current_version")
            .order_by("pk")
        )
        self.fields["points"].validators.append(MinValueValidator(Decimal("0.5")))


class _BankFormSet(forms.BaseModelFormSet):
    def __init__(self, *args, bank=None, **kwargs):
        self.bank = bank
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "bank": self.bank}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            bank=self.bank,
        )
        self.add_fields(form, None)
        return form


SectionFormSet = forms.modelformset_factory(
    PaperSection, form=SectionForm, formset=_BankFormSet, extra=1, can_delete=True
)
FixedItemFormSet = forms.modelformset_factory(
    FixedPaperItem, form=FixedItemForm, formset=_BankFormSet, extra=2, can_delete=True
)


class SessionForm(forms.ModelForm):
    certificate_type_code = forms.ChoiceField(
        label=_("Certificate issued on passing"), required=False
    )
    # Null: decided by the mode (closed in an exam room, open online; ExamSession.practice_closed).
    closes_practice = forms.NullBooleanField(
        label=_("Practice on its bank during the exam"),
        required=False,
        widget=forms.NullBooleanSelect,
        help_text=_(
            "Practice and mock exams show answer keys: when closed, no candidate of this "
            "session may practise on its bank during its window."
        ),
    )
    prerequisites = forms.MultipleChoiceField(
        label=_("Before starting, the person must have"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Checked when the person starts; they are told what is missing."),
    )

    class Meta:
        model = ExamSession
        fields = [
            "name",
            "rule",
            "mode",
            "opens_at",
            "closes_at",
            "duration_minutes",
            "grace_seconds",
            "pass_mark",
            "attempts_allowed",
            "score_policy",
            "show_result",
            "show_answers",
            "access_code",
            "allowed_networks",
            "region",
            "certificate_type_code",
            "closes_practice",
            "prerequisites",
        ]
        labels = {
            "name": _("Session name"),
            "rule": _("Paper rule"),
            "score_policy": _("Which attempt counts"),
            "show_result": _("Score shown"),
            "show_answers": _("Answers shown"),
        }
        widgets = {
            "opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=DATETIME_FORMAT
            ),
            "closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=DATETIME_FORMAT
            ),
            "allowed_networks": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, locked=frozenset(), locked_reason: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = permissions.rules_for(user).select_related("bank")
        self.fields["region"].queryset = permissions.regions_for(user).order_by("path")
        self.fields["region"].help_text = _(
            "Empty: where your grant is (an internal exam: where the enterprise is)."
        )
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
            self.fields[name].validators.append(date_in_range)
        self.fields["attempts_allowed"].validators += [
            MinValueValidator(1),
            MaxValueValidator(10),
        ]
        self.fields["grace_seconds"].label = _("Grace for late answers (seconds)")
        self.fields["grace_seconds"].help_text = _(
            "Answers sent this long after the deadline still count (a slow network at the "
            "last second); 0 for none."
        )
        self.fields["grace_seconds"].validators += [MaxValueValidator(600)]
        self.fields["grace_seconds"].required = False
        self.fields["closes_practice"].widget.choices = [
            ("unknown", _("By the exam's mode: closed in an exam room, open online")),
            ("true", _("Closed during the exam")),
            ("false", _("Open during the exam")),
        ]
        known = prerequisites.choices()
        unknown = [(n, n) for n in self.instance.prerequisites or () if n not in dict(known)]
        self.fields["prerequisites"].choices = known + unknown
        choices = certificate_type_choices(user=user)
        self.fields["certificate_type_code"].choices = [
            ("", _("None")),
            *((code, f"{name}（{code}）") for code, name in choices),
        ]
        self._offer_owner(user)
        current = self.instance.certificate_type_code
        if current and current not in dict(choices):
            self.fields["certificate_type_code"].choices.append((current, current))
        lock_fields(self, locked, locked_reason)

    def _offer_owner(self, user) -> None:
        """A trainer of two bodies, or one who also administers an enterprise, says whose
        new session this is (with one owner it is theirs without asking)."""
        owners = permissions.owner_choices(user) if self.instance.pk is None else []
        if len(owners) < 2:
            return
        names = {
            "training_body_id": dict(permissions.bodies_for(user).values_list("pk", "name")),
            "enterprise_id": dict(permissions.enterprises_for(user).values_list("pk", "name")),
        }
        self.fields["owner"] = forms.ChoiceField(
            label=_("Held by"),
            choices=[("", "---------")]
            + [(f"{field}:{pk}", names[field].get(pk, pk)) for field, pk in owners],
        )

    def clean_owner(self):
        field, _sep, pk = self.cleaned_data["owner"].partition(":")
        self.instance.training_body_id = None
        self.instance.enterprise_id = None
        setattr(self.instance, field, int(pk))
        return self.cleaned_data["owner"]

    def clean_grace_seconds(self):
        # Left empty: no grace, as the model's default.
        value = self.cleaned_data.get("grace_seconds")
        return 0 if value is None else value

    def clean_allowed_networks(self):
        text = self.cleaned_data.get("allowed_networks", "")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        for line in lines:
            try:
                ipaddress.ip_network(line, strict=False)
            except ValueError:
                raise ValidationError(
                    _("“%(line)s” is not an address or a range such as 10.1.2.0/24."),
                    params={"line": line},
                ) from None
        return "\n".join(lines)

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The session must close after it opens."))
        return data


class CandidateFilterForm(forms.Form):
    """Choose people of the user's roster scope by where they work and what they do."""

    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=None, required=False, empty_label=_("All")
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=None, required=False, empty_label=_("All")
    )
    post = forms.CharField(label=_("Post / trade"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("Personnel category"), required=False)
    plan = forms.TypedChoiceField(
        label=_("Training plan"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        enterprises = enterprise_list(user=user).order_by("name")
        self.fields["enterprise"].queryset = enterprises
        self.fields["department"].queryset = (
            Department.objects.filter(enterprise__in=enterprises)
            .select_related("enterprise")
            .order_by("enterprise__name", "name")
        )
        self.fields["department"].label_from_instance = lambda d: f"{d.enterprise.name} · {d.name}"
        self.fields["category"].choices = [("", _("All")), *PersonnelCategory.choices]
        self.fields["plan"].choices = [("", _("None")), *training_plan_choices(user=user)]

    def clean(self):
        data = super().clean()
        if not any(data.get(k) for k in ("enterprise", "department", "post", "category", "plan")):
            raise ValidationError(_("Choose at least one filter: the whole roster is too many."))
        return data


class PasteForm(forms.Form):
    id_numbers = forms.CharField(
        label=_("ID numbers, one per line"),
        widget=forms.Textarea(attrs={"rows": 6, "class": "mono"}),
        max_length=60_000,
    )


class GrantForm(forms.Form):
    extra_minutes = forms.IntegerField(label=_("Extra minutes"), min_value=0, max_value=600)
    extra_attempts = forms.IntegerField(label=_("Extra attempts"), min_value=0, max_value=10)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Why it closes early"), max_length=200)
