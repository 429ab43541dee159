"""The question workbench's question pages: a bank's list (search, filters, bulk actions),
writing and editing a question of any type, its preview as an examinee sees it, and its
version history. Thin: selectors read, services write and check ownership per object."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from question_banks.authoring_forms import QuestionForm
from question_banks.models import Category, Difficulty, Question, QuestionType
from question_banks.presentation import exam_cards, exam_text
from question_banks.selectors import (
    STAT_FILTERS,
    bank_questions,
    question_get_for_author,
)
from question_banks.services.permissions import banks_for
from question_banks.services.questions import (
    question_write,
    questions_move,
    questions_set_active,
)
from question_banks.statistics import bank_question_figures

from .banks import apply_errors, author_required, own_bank

PAGE_SIZE = 30


def _own_question(request, bank, pk: int) -> Question:
    try:
        return question_get_for_author(user=request.user, bank=bank, pk=pk)
    except Question.DoesNotExist:
        raise Http404(_("No such question in this bank.")) from None


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 18 else None


@author_required
def bank_detail(request, code: str):
    """The bank's questions, searched and filtered, with the bulk actions."""
    bank = own_bank(request, code)
    category = None
    if (category_id := _int(request.GET.get("category"))) is not None:
        category = bank.categories.filter(pk=category_id).first()
    active = {"1": True, "0": False}.get(request.GET.get("active", ""))
    stat = request.GET.get("stat", "")
    stat = stat if stat in STAT_FILTERS else ""
    figures = bank_question_figures(bank.pk)
    questions = bank_questions(
        user=request.user,
        bank=bank,
        search=request.GET.get("q", "").strip()[:100],
        qtype=request.GET.get("type", "") if request.GET.get("type") in QuestionType else "",
        category=category,
        difficulty=_int(request.GET.get("difficulty")),
        active=active,
        stat=stat,
        figures=figures,
    )
    page = Paginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    for question in page:
        question.figures = figures.get(question.pk)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "question_banks/bank_detail.html",
        {
            "bank": bank,
            "page": page,
            "querystring": query.urlencode(),
            "filters": request.GET,
            "categories": bank.categories.order_by("path"),
            "types": QuestionType.choices,
            "difficulties": Difficulty.choices,
            "stat_filters": STAT_FILTERS,
            "move_targets": [
                (b, b.categories.order_by("path"))
                for b in banks_for(request.user).order_by("code").prefetch_related("categories")
            ],
        },
    )


@author_required
@require_POST
def bank_bulk(request, code: str):
    """Bulk: put ticked questions in or out of use, or move them to a category (of this
    bank or another of the user's). Every id is checked in the service."""
    bank = own_bank(request, code)
    ids = [pk for pk in (_int(v) for v in request.POST.getlist("questions")) if pk]
    action = request.POST.get("action")
    back = request.POST.get("next") or ""
    try:
        if action in ("enable", "disable"):
            count = questions_set_active(
                actor=request.user, question_ids=ids, active=action == "enable"
            )
            messages.success(request, _("%(n)s questions changed.") % {"n": count})
        elif action == "move":
            target, category = _move_target(request, bank)
            count = questions_move(
                actor=request.user, question_ids=ids, bank=target, category=category
            )
            messages.success(request, _("%(n)s questions moved.") % {"n": count})
        else:
            messages.error(request, _("Choose what to do with the ticked questions."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    url = reverse("question_banks:bank", kwargs={"code": bank.code})
    return redirect(f"{url}?{QueryDict(back).urlencode()}" if back else url)


def _move_target(request, bank):
    """'bank code' or 'bank code:category id' from the move menu; only the user's banks."""
    value = request.POST.get("target", "")
    code, _sep, category_id = value.partition(":")
    if not code:
        raise ValidationError(_("Choose where to move the ticked questions."))
    target = banks_for(request.user).filter(code=code).first()
    if target is None:
        raise Http404(_("No such question bank among yours."))
    category = None
    if category_id:
        category = Category.objects.filter(bank=target, pk=_int(category_id)).first()
        if category is None:
            raise Http404
    return target, category


def _question_page(request, bank, question: Question | None):
    initial = {}
    if question is None and request.GET.get("type") in QuestionType:
        initial["qtype"] = request.GET["type"]
    form = QuestionForm(
        request.POST or None,
        request.FILES or None,
        bank=bank,
        question=question,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = question_write(
                actor=request.user,
                bank=bank,
                question=question,
                uploads=form.uploads(),
                build=form.question_fields,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if question is None:
                messages.success(request, _("The question is saved."))
            elif saved.current_version_id != question.current_version_id:
                messages.success(
                    request,
                    _("The question is saved as version %(n)s; papers already drawn keep theirs.")
                    % {"n": saved.current_version.number},
                )
            else:
                messages.success(request, _("The question is saved."))
            if request.POST.get("then") == "another":
                url = reverse("question_banks:question_create", kwargs={"code": bank.code})
                return redirect(f"{url}?type={form.cleaned_data['qtype']}")
            return redirect("question_banks:question_preview", code=bank.code, pk=saved.pk)
    return render(
        request,
        "question_banks/question_form.html",
        {
            "bank": bank,
            "question": question,
            "form": form,
        },
    )


@author_required
def question_create(request, code: str):
    return _question_page(request, own_bank(request, code), None)


@author_required
def question_edit(request, code: str, pk: int):
    bank = own_bank(request, code)
    return _question_page(request, bank, _own_question(request, bank, pk))


@dataclass
class _PreviewItem:
    """What presentation.exam_cards reads of an attempt item, for a question not drawn."""

    position: int
    version_id: int
    option_order: list
    points: Decimal
    answer_seq: int = 0
    flagged: bool = False
    answer: object = None


@author_required
def question_preview(request, code: str, pk: int):
    """The question as an examinee sees it on the exam page (the same cards), options in
    the stored order, then its key and explanation for the author."""
    bank = own_bank(request, code)
    question = _own_question(request, bank, pk)
    version = question.current_version
    number = _int(request.GET.get("version"))
    if number is not None:
        version = question.versions.filter(number=number).first()
        if version is None:
            raise Http404
    if question.qtype == QuestionType.CASE:
        order = [[o["key"] for o in sub["options"]] for sub in version.sub_questions]
    else:
        order = [o["key"] for o in version.options]
    item = _PreviewItem(1, version.pk, order, Decimal(1))
    texts = {
        version.pk: exam_text(question.qtype, version.stem, version.options, version.sub_questions)
    }
    return render(
        request,
        "question_banks/question_preview.html",
        {
            "bank": bank,
            "question": question,
            "version": version,
            "cards": exam_cards([item], texts),
            "is_current": version.pk == question.current_version_id,
        },
    )


@author_required
def question_history(request, code: str, pk: int):
    bank = own_bank(request, code)
    question = _own_question(request, bank, pk)
    versions = question.versions.select_related("created_by").order_by("-number")
    return render(
        request,
        "question_banks/question_history.html",
        {"bank": bank, "question": question, "versions": versions},
    )
