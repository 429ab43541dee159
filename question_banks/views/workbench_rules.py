"""Paper rules on the web: the user's rules, and one rule with its sections or fixed items.

A rule the bank cannot satisfy is refused by the service (services/rules.py) and each
section's shortage is shown beside that section; a rule in use shows everything but its
name read-only with the reason.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from question_banks.models import FixedPaperItem, PaperRule, PaperSection
from question_banks.services.permissions import banks_for, rule_in_use, rules_for
from question_banks.services.rules import paper_rule_save, paper_rule_total_points
from question_banks.workbench_forms import FixedItemFormSet, PaperRuleForm, SectionFormSet

from .workbench_common import add_service_errors, owner_required


@owner_required
def rule_list(request):
    rules = rules_for(request.user).select_related("bank").order_by("bank__name", "code")
    banks = banks_for(request.user).order_by("name")
    return render(request, "exams/workbench/rule_list.html", {"rules": rules, "banks": banks})


@owner_required
def rule_create(request):
    bank = banks_for(request.user).filter(pk=request.GET.get("bank") or 0).first()
    if bank is None:
        raise Http404
    return _rule_page(request, PaperRule(bank=bank))


@owner_required
def rule_edit(request, pk: int):
    rule = rules_for(request.user).select_related("bank").filter(pk=pk).first()
    if rule is None:
        raise Http404
    return _rule_page(request, rule)


def _kept(formset) -> list:
    """The forms of a formset that hold a part: filled in and not marked for deletion."""
    return [
        f
        for f in formset.forms
        if f.has_changed() or f.instance.pk
        if not f.cleaned_data.get("DELETE") and f.cleaned_data
    ]


def _rule_page(request, rule: PaperRule):
    bank = rule.bank
    creating = rule.pk is None
    locked = rule_in_use(rule)
    reason = (
        _(
            "An exam using this paper rule has opened: only its name may change. "
            "Make a new rule for a changed paper."
        )
        if locked
        else ""
    )
    data = request.POST if request.method == "POST" else None
    form = PaperRuleForm(
        data, instance=rule, locked_reason=_("Locked (the reason is above).") if locked else ""
    )
    sections = SectionFormSet(
        data,
        queryset=PaperSection.objects.filter(rule_id=rule.pk).order_by("position")
        if rule.pk
        else PaperSection.objects.none(),
        bank=bank,
        prefix="sections",
    )
    fixed = FixedItemFormSet(
        data,
        queryset=FixedPaperItem.objects.filter(rule_id=rule.pk).order_by("position")
        if rule.pk
        else FixedPaperItem.objects.none(),
        bank=bank,
        prefix="fixed",
    )
    if locked:
        for formset in (sections, fixed):
            formset.extra = 0  # nothing may be added: no empty part to fill in
            for f in formset.forms:
                for field in f.fields.values():
                    field.disabled = True
    if (
        data is not None
        and form.is_valid()
        and (locked or (sections.is_valid() and fixed.is_valid()))
    ):
        rule = form.save(commit=False)
        kept_sections = []
        if not locked:
            kept_sections = _kept(sections)
            parts = []
            for position, f in enumerate(kept_sections):
                section = f.save(commit=False)
                section.position = position
                parts.append((section, list(f.cleaned_data.get("categories") or [])))
            items = []
            for position, f in enumerate(_kept(fixed), start=1):
                item = f.save(commit=False)
                item.position = position
                items.append(item)
            random = rule.kind == PaperRule.Kind.RANDOM
            rule.sections = [s for s, _c in parts] if random else []
            for section, categories in parts if random else ():
                section.categories = categories
            rule.fixed_items = [] if random else items
        try:
            paper_rule_save(actor=request.user, rule=rule)
        except ValidationError as error:
            _show_rule_errors(form, kept_sections, error)
            if creating:  # rolled back: the page still makes a new rule
                rule.pk, rule.code = None, ""
        else:
            messages.success(request, _("Paper rule “%(name)s” saved.") % {"name": rule.name})
            return redirect("exams:manage_rule", pk=rule.pk)
    return render(
        request,
        "exams/workbench/rule_form.html",
        {
            "rule": None if creating and rule.pk is None else rule,
            "bank": bank,
            "form": form,
            "sections": sections,
            "fixed": fixed,
            "locked_reason": reason,
            "total": paper_rule_total_points(rule) if rule.pk else None,
        },
    )


def _show_rule_errors(form, kept_sections: list, error: ValidationError) -> None:
    """Each section's shortage beside that section (services/rules.py gives its index)."""
    if hasattr(error, "error_dict"):
        add_service_errors(form, error)
        return
    for item in error.error_list:
        index = (item.params or {}).get("section")
        message = item.message % item.params if item.params else item.message
        if index is not None and index < len(kept_sections):
            kept_sections[index].add_error(None, message)
        else:
            form.add_error(None, message)
