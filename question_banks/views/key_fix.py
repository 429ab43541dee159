"""Correcting a question's answer key after exams (/exams/banks/<code>/questions/<pk>/key/).

Three steps on one page: the author picks the right option(s) and says why; the preview
lists every finished attempt the correction regrades, old and new score, and each pass that
becomes a fail (with the certificate already issued from it) or a fail that becomes a pass;
confirming writes it (services.questions.question_fix_key: new version, regrades, audit) and
shows the summary. The preview is the same service run in a transaction that is rolled back,
so what is confirmed is what was previewed unless an attempt finished in between.
Certificates are not withdrawn here: suspending or revoking one is the issuer's decision,
with its own reason and record, on the certificate's page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from question_banks.authoring_forms import KeyFixForm
from question_banks.models import QuestionType
from question_banks.selectors import attempts_for_regrade_report
from question_banks.services.questions import question_fix_key, question_fix_key_preview

from .banks import apply_errors, author_required, own_bank
from .questions import _own_question


@author_required
def question_key_fix(request, code: str, pk: int):
    bank = own_bank(request, code)
    question = _own_question(request, bank, pk)
    context = {"bank": bank, "question": question, "version": question.current_version}
    if question.qtype == QuestionType.CASE:
        messages.error(
            request, _("A case question's keys are corrected question by question in its editor.")
        )
        return render(request, "question_banks/question_key_fix.html", {**context, "form": None})
    form = KeyFixForm(request.POST or None, question=question)
    step = request.POST.get("step", "")
    # "edit" goes back from the preview to the form, with what was typed kept.
    if request.method == "POST" and step != "edit" and form.is_valid():
        arguments = {
            "question": question,
            "right_keys": form.cleaned_data["right_keys"],
            "actor": request.user,
            "reason": form.cleaned_data["reason"],
        }
        try:
            if step == "confirm":
                regrades = question_fix_key(**arguments)
            else:
                regrades = question_fix_key_preview(**arguments)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            rows = _rows(regrades)
            context.update(
                rows=rows,
                done=step == "confirm",
                new_key="".join(sorted(form.cleaned_data["right_keys"])),
                lost=[r for r in rows if r["lost_pass"]],
                gained=[r for r in rows if r["gained_pass"]],
                certificates=[r for r in rows if r["certificate"]],
            )
            if step == "confirm":
                question.refresh_from_db()
                context["version"] = question.current_version
    return render(request, "question_banks/question_key_fix.html", {**context, "form": form})


def _rows(regrades) -> list[dict]:
    about = attempts_for_regrade_report([r.attempt_id for r in regrades])
    rows = []
    for regrade in regrades:
        attempt = about.get(regrade.attempt_id, {})
        old_passed, new_passed = regrade.old_passed, regrade.new_passed
        rows.append(
            {
                "old_score": regrade.old_score,
                "new_score": regrade.new_score,
                "old_passed": old_passed,
                "new_passed": new_passed,
                "lost_pass": bool(old_passed) and not new_passed,
                "gained_pass": not old_passed and bool(new_passed),
                "person": attempt.get("person__name", ""),
                "session": attempt.get("session__name") or "",
                "session_code": attempt.get("session__code") or "",
                # A certificate already issued from a pass that this correction turns into a
                # fail: shown, never withdrawn here (see the module docstring).
                "certificate": attempt.get("certificate__number")
                if old_passed and not new_passed
                else None,
            }
        )
    return rows
