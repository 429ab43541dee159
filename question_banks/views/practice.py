"""Practice pages: server-rendered, one question at a time, feedback right after answering."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.redirects import safe_next
from question_banks.models import Category, Question
from question_banks.presentation import Choice, Part
from question_banks.services.attempts import ExamError
from question_banks.services.keys import KeysClosed, banks_closed_to_keys, keys_closed_reason
from question_banks.services.practice import (
    MODES,
    banks_for_person,
    favourite_toggle,
    practice_answer,
    practice_next,
    practice_progress,
)


def _person(request):
    if not request.user.person_id:
        raise Http404(_("Practice is for people on a roster."))
    return request.user.person


def _bank(request, code):
    bank = banks_for_person(_person(request)).filter(code=code).first()
    if bank is None:
        raise Http404(_("This question bank is not open to you."))
    return bank


# A row id as a URL carries it: ASCII digits that fit the column (str.isdigit() would let
# "²" through, and int("²") fails).
_ID = re.compile(r"[1-9][0-9]{0,17}")


def _id(value: str | None) -> int | None:
    """The id in a query or form value; None when there is none. Anything else is no such
    row (404), never a server error."""
    if not value:
        return None
    if not _ID.fullmatch(value):
        raise Http404(_("No such question or category."))
    return int(value)


def _closed(request, reason: str):
    """Back to the practice page, saying why this bank cannot be practised now."""
    messages.error(request, reason)
    return redirect("question_banks:practice")


def _parts(question: Question, chosen=None, reveal=False) -> list[Part]:
    version = question.current_version
    answers = chosen if isinstance(chosen, dict) else {}

    def choices(options, picked):
        picked = set(picked or ())
        return [
            Choice(
                "ABCDEFGH"[i],
                o["key"],
                o.get("text", ""),
                o["key"] in picked,
                bool(o.get("correct")),
            )
            for i, o in enumerate(options)
        ]

    if not question.is_case:
        return [Part("answer", question.qtype, "", choices(version.options, chosen))]
    return [
        Part(
            f"answer_{i}",
            sub["qtype"],
            sub.get("stem", ""),
            choices(sub["options"], answers.get(str(i))),
        )
        for i, sub in enumerate(version.sub_questions)
    ]


@login_required
def practice_home(request):
    person = _person(request)
    closed = banks_closed_to_keys(person_id=person.pk)
    # A closed bank shows no figures either: its wrong-answer count would move with a mock
    # answered one question at a time.
    banks = [
        (bank, None if bank.pk in closed else practice_progress(person=person, bank=bank))
        for bank in banks_for_person(person)
    ]
    return render(request, "question_banks/practice_home.html", {"banks": banks})


@login_required
def practice_question(request, code: str, mode: str):
    person = _person(request)
    bank = _bank(request, code)
    if mode not in MODES:
        raise Http404
    reason = keys_closed_reason(person_id=person.pk, bank_id=bank.pk)
    if reason is not None:
        return _closed(request, reason)
    category = None
    if (category_id := _id(request.GET.get("category"))) is not None:
        category = Category.objects.filter(bank=bank, pk=category_id).first()
    feedback = chosen = None
    question = None
    if request.method == "POST":
        question_id = _id(request.POST.get("question"))
        question = (
            Question.objects.filter(bank=bank, pk=question_id)
            .select_related("current_version")
            .first()
            if question_id is not None
            else None
        )
        if question is None:
            raise Http404
        if question.is_case:
            chosen = {
                str(i): request.POST.getlist(f"answer_{i}")
                for i in range(len(question.current_version.sub_questions))
                if request.POST.getlist(f"answer_{i}")
            }
        else:
            chosen = request.POST.getlist("answer")
        try:
            feedback = practice_answer(person=person, question=question, answer=chosen)
        except KeysClosed as exc:  # an exam on the bank started since the page was read
            return _closed(request, exc.message)
        except ExamError:
            feedback = None
            chosen = None
            error = _("Choose an answer first.")
        else:
            error = None
    else:
        error = None
        after = _id(request.GET.get("after"))
        shown = _id(request.GET.get("q"))
        question = None
        if shown is not None:
            question = (
                Question.objects.filter(bank=bank, pk=shown, is_active=True)
                .select_related("current_version")
                .first()
            )
        try:
            question = question or practice_next(
                person=person, bank=bank, mode=mode, category=category, after=after
            )
        except KeysClosed as exc:
            return _closed(request, exc.message)
    if question is None:
        return render(request, "question_banks/practice_empty.html", {"bank": bank, "mode": mode})
    return render(
        request,
        "question_banks/practice_question.html",
        {
            "bank": bank,
            "mode": mode,
            "question": question,
            "category": category,
            "parts": _parts(question, chosen, reveal=feedback is not None),
            "feedback": feedback,
            "error": error,
            "is_favourite": question.pk
            in set(person.favourite_questions.values_list("question_id", flat=True)),
            "progress": practice_progress(person=person, bank=bank),
            "categories": bank.categories.order_by("path"),
        },
    )


@login_required
@require_POST
def favourite(request, code: str, pk: int):
    bank = _bank(request, code)
    question = Question.objects.filter(bank=bank, pk=pk).first()
    if question is None:
        raise Http404
    favourite_toggle(person=_person(request), question=question)
    return redirect(safe_next(request, "question_banks:practice"))
