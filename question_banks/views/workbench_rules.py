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

from question_banks.models import Difficulty, FixedPaperItem, PaperRule, PaperSection, QuestionType
from question_banks.selectors import bank_questions
from question_banks.services.permissions import banks_for, rule_in_use, rules_for
from question_banks.services.rules import paper_rule_save, paper_rule_total_points
from question_banks.workbench_forms import FixedItemFormSet, PaperRuleForm, SectionFormSet

from .workbench_common import add_service_errors, owner_required


@owner_required
def rule_list(request):
    rules = rules_for(request.user).select_related("bank").order_by("bank__name", "code")
    banks = banks_for(request.user).order_by("name")
    return render(
        request, "question_banks/workbench/rule_list.html", {"rules": rules, "banks": banks}
    )


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
    adds = [] if locked else _added(request, rule)
    fixed = FixedItemFormSet(
        data,
        initial=[{"question": pk} for pk in adds],
        queryset=FixedPaperItem.objects.filter(rule_id=rule.pk).order_by("position")
        if rule.pk
        else FixedPaperItem.objects.none(),
        bank=bank,
        prefix="fixed",
    )
    fixed.extra = max(fixed.extra, len(adds) + 1)  # each picked question gets a row, one spare
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
            return redirect("question_banks:manage_rule", pk=rule.pk)
    picker = _picker(request, bank, fixed)  # a locked rule shows no search, only its rows
    return render(
        request,
        "question_banks/workbench/rule_form.html",
        {
            "picker": picker,
            "rule": None if creating and rule.pk is None else rule,
            "bank": bank,
            "form": form,
            "sections": sections,
            "fixed": fixed,
            "locked_reason": reason,
            "total": paper_rule_total_points(rule) if rule.pk else None,
        },
    )


PICKER_LIMIT = 50


def _pks(values) -> list[int]:
    return [int(v) for v in values if v and str(v).isdigit() and len(str(v)) < 18]


def _added(request, rule: PaperRule) -> list[int]:
    """The questions picked with `?add=` (the picker's links), each once, not already in the
    rule. Only pre-fills rows: FixedItemForm still checks each against the bank on save."""
    saved = set(
        FixedPaperItem.objects.filter(rule_id=rule.pk).values_list("question_id", flat=True)
    )
    adds: list[int] = []
    for pk in _pks(request.GET.getlist("add")):
        if pk not in saved and pk not in adds:
            adds.append(pk)
    return adds


def _picker(request, bank, fixed) -> dict:
    """The search beside a fixed paper's rows (the bank list page's filters), and the rows'
    <select>s cut down to the chosen questions plus those found: a bank of hundreds of
    questions in every row is unusable. Validation already ran on the bank's whole set."""
    get = request.GET
    category = None
    if (category_pk := next(iter(_pks([get.get("category")])), None)) is not None:
        category = bank.categories.filter(pk=category_pk).first()
    difficulty = next(iter(_pks([get.get("difficulty")])), None)
    found = list(
        bank_questions(
            user=request.user,
            bank=bank,
            search=get.get("q", "").strip()[:100],
            qtype=get.get("type", "") if get.get("type") in QuestionType else "",
            category=category,
            difficulty=difficulty,
            active=True,
        ).filter(current_version__isnull=False)[: PICKER_LIMIT + 1]
    )
    chosen = set(_pks([f["question"].value() for f in fixed.forms]))
    shown = {q.pk for q in found[:PICKER_LIMIT]} | chosen
    for f in fixed.forms:
        field = f.fields["question"]
        field.queryset = field.queryset.filter(pk__in=sorted(shown))
    links = []
    for question in found[:PICKER_LIMIT]:
        params = get.copy()
        params.appendlist("add", str(question.pk))
        links.append((question, question.pk in chosen, "?" + params.urlencode()))
    return {
        "found": links,
        "more": len(found) > PICKER_LIMIT,
        "limit": PICKER_LIMIT,
        "filters": {k: get.get(k, "") for k in ("q", "type", "category", "difficulty")},
        "keep": [(k, v) for k in ("bank", "add") for v in get.getlist(k)],
        "categories": bank.categories.order_by("path"),
        "types": QuestionType.choices,
        "difficulties": Difficulty.choices,
    }


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
