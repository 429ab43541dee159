"""Forms of the notice and library pages: they parse; the services decide who may do what.

Choice fields list only what the user may pick, but accept any existing id, so that a
hand-made request naming another region, enterprise or department reaches the service and
gets its clear refusal ("outside your scope") instead of a generic "not a valid choice"."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from roster.choices import PersonnelCategory
from roster.form_fields import DateField, DateTimeField, IdChoices
from roster.models import Department, Enterprise, Industry, Region

from .models import KnowledgeItem

_LOCAL = "%Y-%m-%dT%H:%M"


def _region_label(region: Region) -> str:
    # Indented by level: the subtree reads as a tree without a query per row.
    return "\u3000" * max(region.level - 1, 0) + region.name


def _when(label, required=True, help_text=""):
    return DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=[_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput({"type": "datetime-local"}, format=_LOCAL),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _offer(field, queryset, label) -> None:
    """Show only `queryset` as choices; validation still finds any row (see the docstring)."""
    empty = [] if isinstance(field, forms.ModelMultipleChoiceField) else [("", "---------")]
    field.choices = [*empty, *((obj.pk, label(obj)) for obj in queryset)]


class NoticeForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("notice", "Title"), max_length=200)
    body = forms.CharField(
        label=pgettext_lazy("notice", "Text"),
        widget=forms.Textarea({"rows": 8}),
        help_text=_("Plain text, or simple formatting (paragraphs, bold, lists, tables)."),
    )
    publish_from = _when(_("Shown from"))
    publish_until = _when(_("Shown until"), required=False, help_text=_("Empty: no end."))
    must_acknowledge = forms.BooleanField(label=_("Readers must acknowledge"), required=False)
    ack_deadline = _when(
        _("Acknowledge by"), required=False, help_text=_("Within the time the notice is shown.")
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, Word, Excel, JPEG or PNG; up to 5 files."),
    )


class RegionalNoticeForm(NoticeForm):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all())
    industries = IdChoices(
        label=_("Only these industries"),
        queryset=Industry.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every industry in your scope."),
    )
    include_staff = forms.BooleanField(
        label=_("Also send to every employee of these enterprises"),
        required=False,
        help_text=_("Otherwise the enterprises' safety admins receive it."),
    )
    field_order = ["title", "body", "region", "industries", "include_staff"]

    def __init__(self, *args, regions, industries, **kwargs):
        super().__init__(*args, **kwargs)
        _offer(self.fields["region"], regions, _region_label)
        _offer(self.fields["industries"], industries, lambda i: i.name)


class EnterpriseNoticeForm(NoticeForm):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.all())
    departments = IdChoices(
        label=_("Only these departments"),
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    posts = forms.CharField(
        label=_("Only these posts"),
        required=False,
        help_text=_("Separate several with commas."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Only these personnel categories"),
        choices=PersonnelCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["title", "body", "enterprise", "departments", "posts", "categories"]

    def __init__(self, *args, enterprises, departments, **kwargs):
        super().__init__(*args, **kwargs)
        _offer(self.fields["enterprise"], enterprises, lambda e: e.name)
        _offer(self.fields["departments"], departments, lambda d: f"{d.enterprise.name} · {d.name}")

    def clean_posts(self) -> list[str]:
        parts = re.split(r"[,，、;；\n]", self.cleaned_data["posts"])
        return [p.strip() for p in parts if p.strip()]


class NoticeEditForm(forms.Form):
    """What may change after publishing: the text and the dates. The audience and the
    attachments stay what the readers were told."""

    title = forms.CharField(label=pgettext_lazy("notice", "Title"), max_length=200)
    body = forms.CharField(
        label=pgettext_lazy("notice", "Text"), widget=forms.Textarea({"rows": 8})
    )
    publish_until = _when(_("Shown until"), required=False, help_text=_("Empty: no end."))
    must_acknowledge = forms.BooleanField(label=_("Readers must acknowledge"), required=False)
    ack_deadline = _when(
        _("Acknowledge by"), required=False, help_text=_("Within the time the notice is shown.")
    )
    ask_again = forms.BooleanField(
        label=_("Ask every reader to acknowledge again"),
        required=False,
        help_text=_(
            "Tick when the change matters: earlier acknowledgements no longer count and the "
            "notice shows as unread again. Otherwise readers only see that it was changed."
        ),
    )


class NoticeWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        max_length=300,
        required=False,
        widget=forms.TextInput,
    )


class KnowledgeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=KnowledgeItem.Kind.choices)
    title = forms.CharField(label=pgettext_lazy("notice", "Title"), max_length=200)
    source = forms.CharField(label=_("Issued by"), max_length=200)
    doc_number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    issued_on = DateField(label=_("Date issued"), widget=forms.DateInput({"type": "date"}))
    body = forms.CharField(
        label=pgettext_lazy("notice", "Text"), widget=forms.Textarea({"rows": 8}), required=False
    )
    attachment = forms.FileField(
        label=_("Attachment"), required=False, help_text=_("PDF, Word, Excel, JPEG or PNG.")
    )
    region = forms.ModelChoiceField(
        label=_("For the region"), queryset=Region.objects.all(), required=False
    )
    enterprise = forms.ModelChoiceField(
        label=_("For the people of"), queryset=Enterprise.objects.all(), required=False
    )

    def __init__(self, *args, regions, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        _offer(self.fields["region"], regions, _region_label)
        _offer(self.fields["enterprise"], enterprises, lambda e: e.name)
        if not regions:
            del self.fields["region"]
        if not enterprises:
            del self.fields["enterprise"]
