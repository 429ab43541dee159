"""Admin forms of the exam engine.

Each form offers only what its user may choose (services/permissions.py): their own banks,
rules and categories, the regions of their grants, and the training body or enterprise a
new bank or session belongs to only when they have more than one; fields that the object's
state has locked are shown but cannot change. The services the admin saves through check
all of it again, whoever calls them. A paper rule is checked against its bank before it
saves.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from question_banks.drawing import SectionSpec, check_rule
from question_banks.services import permissions
from question_banks.services.rules import describe_shortage, pool_for_bank

LOCKED_HELP = _("Locked: the exam has opened or someone has started it.")


class OwnedForm(WagtailAdminModelForm):
    """Limits the ownership fields and the foreign keys to what the user may choose."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form built without a user offers nothing (never the system's everything).
        self.user = self.for_user or AnonymousUser()
        system = permissions.is_system(self.user)
        choose_owner = system or (
            self.instance.pk is None and len(permissions.owner_choices(self.user)) > 1
        )
        for name, choices in (
            ("training_body", permissions.bodies_for),
            ("enterprise", permissions.enterprises_for),
        ):
            if name not in self.fields:
                continue
            if not choose_owner:
                del self.fields[name]
            elif not system:
                self.limit(name, choices(self.user))

    def limit(self, name: str, queryset) -> None:
        """A plain list of the user's own choices instead of a chooser over everything."""
        field = self.fields.get(name)
        if field is None:
            return
        if not permissions.is_system(self.user):
            field.widget = forms.Select()
        field.queryset = queryset  # also sets the widget's choices

    def lock(self, names, help_text=LOCKED_HELP) -> None:
        for name in names:
            if name in self.fields:
                self.fields[name].disabled = True
                self.fields[name].help_text = help_text


class QuestionBankForm(OwnedForm):
    pass


class CategoryForm(OwnedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit("bank", permissions.banks_for(self.user))
        self.limit("parent", permissions.categories_for(self.user))
        if self.instance.pk is not None:
            self.lock(["bank"], _("A category stays in its question bank."))


class QuestionForm(OwnedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = permissions.categories_for(self.user)
        if self.instance.bank_id is not None:
            categories = categories.filter(bank_id=self.instance.bank_id)
        self.limit("category", categories)


class PaperSectionForm(WagtailAdminModelForm):
    """A section of a paper rule draws from categories of the user's own banks."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "categories" in self.fields:
            user = self.for_user or AnonymousUser()
            self.fields["categories"].queryset = permissions.categories_for(user)


class ExamSessionForm(OwnedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit("rule", permissions.rules_for(self.user).select_related("bank"))
        self.limit("region", permissions.regions_for(self.user))
        if "closes_practice" in self.fields:
            self.fields["closes_practice"].widget.choices = [
                ("unknown", _("By the exam's mode: closed in an exam room, open online")),
                ("true", _("Closed during the exam")),
                ("false", _("Open during the exam")),
            ]
        if self.instance.pk is None:
            # A trainer working in one region holds their sessions there unless they say.
            regions = {
                region
                for field, pk in permissions.owner_choices(self.user)
                if field == "training_body_id"
                for region in permissions.grant_regions(self.user, pk)
            }
            if len(regions) == 1 and "region" in self.fields:
                self.initial.setdefault("region", regions.pop())
        else:
            self.lock(permissions.session_locked_fields(self.instance))


class PaperRuleForm(OwnedForm):
    percent_help = _("Counts per difficulty are exact: every paper gets the same mix.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit("bank", permissions.banks_for(self.user))
        if permissions.rule_in_use(self.instance):
            self.lock(set(self.fields) - permissions.RULE_OPEN_WHEN_IN_USE)

    def clean(self):
        data = super().clean()
        bank = data.get("bank")
        if bank is None or data.get("kind") == "fixed":
            return data
        formset = self.formsets.get("sections")
        if formset is None or not formset.is_valid():
            return data
        specs = []
        for form in formset.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            d = form.cleaned_data
            specs.append(
                SectionSpec(
                    qtype=d["qtype"],
                    points_each=d.get("points_each") or Decimal(0),
                    counts={
                        1: d.get("easy_count") or 0,
                        2: d.get("medium_count") or 0,
                        3: d.get("hard_count") or 0,
                    },
                    category_paths=tuple(c.path for c in d.get("categories") or ()),
                    tags=tuple(d.get("tags") or ()),
                )
            )
        if not specs or not any(s.count for s in specs):
            raise ValidationError(_("A paper rule needs at least one section with questions."))
        shortages = check_rule(specs, pool_for_bank(bank.pk))
        if shortages:
            raise ValidationError([describe_shortage(s, specs[s.section]) for s in shortages])
        return data


class TagsField(forms.CharField):
    """Tags typed as a comma- or space-separated line, stored as a JSON list."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [
            t
            for t in (p.strip() for p in text.replace("，", ",").replace(" ", ",").split(","))
            if t
        ]
