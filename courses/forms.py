"""Wagtail admin forms of the course pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from roster.choices import PersonnelCategory


class CoursePageForm(WagtailAdminPageForm):
    """Personnel categories as checkboxes; the model keeps them as a JSON list of values."""

    personnel_categories = forms.MultipleChoiceField(
        label=_("personnel categories"),
        choices=PersonnelCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave all unticked when the course is for every category."),
    )

    def clean_personnel_categories(self) -> list[str]:
        chosen = set(self.cleaned_data.get("personnel_categories") or [])
        # Stored in the catalogue's order so that equal choices compare equal.
        return [value for value, _label in PersonnelCategory.choices if value in chosen]
