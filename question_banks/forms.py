"""Admin forms of the exam engine. A paper rule is checked against its bank before it saves."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from question_banks.drawing import SectionSpec, check_rule
from question_banks.services.rules import describe_shortage, pool_for_bank


class PaperRuleForm(WagtailAdminModelForm):
    percent_help = _("Counts per difficulty are exact: every paper gets the same mix.")

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
