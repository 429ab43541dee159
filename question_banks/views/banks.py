"""The question workbench's bank pages (/exams/banks/): the banks a trainer or enterprise
admin may change, a bank's form (with whom it serves) and its categories. Thin: the
selectors read within the user's own banks, the services write and check ownership."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from question_banks.authoring_forms import BankForm, CategoryForm
from question_banks.models import Category, QuestionBank
from question_banks.selectors import bank_get_for_author, bank_list_for_author
from question_banks.services import permissions
from question_banks.services.banks import bank_save, category_delete, category_save
from roster.models import Department, Enterprise, TrainingBody


def author_required(view):
    """Only those who may own banks: trainers of a body, enterprise admins, the system."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not permissions.may_own(request.user):
            raise PermissionDenied(_("Only trainers and enterprise admins keep question banks."))
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def own_bank(request, code: str) -> QuestionBank:
    try:
        return bank_get_for_author(user=request.user, code=code)
    except QuestionBank.DoesNotExist:
        raise Http404(_("No such question bank among yours.")) from None


def apply_errors(form, exc: ValidationError) -> None:
    """A service's refusal beside the field it names, when the form has that field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _owner_choices(user) -> list[tuple[str, str]]:
    names = {
        "training_body_id": dict(TrainingBody.objects.values_list("pk", "name")),
        "enterprise_id": dict(Enterprise.objects.values_list("pk", "name")),
    }
    return [
        (f"{field}:{pk}", names[field].get(pk, str(pk)))
        for field, pk in permissions.owner_choices(user)
    ]


@author_required
def bank_list(request):
    return render(
        request,
        "question_banks/bank_list.html",
        {"banks": bank_list_for_author(user=request.user)},
    )


def _bank_form_page(request, bank: QuestionBank | None):
    instance = bank or QuestionBank()
    owners = _owner_choices(request.user) if bank is None else []
    departments = (
        Department.objects.filter(enterprise_id=bank.enterprise_id).order_by("name")
        if bank is not None and bank.enterprise_id
        else None
    )
    form = BankForm(request.POST or None, instance=instance, owners=owners, departments=departments)
    if request.method == "POST" and form.is_valid():
        instance = form.save(commit=False)
        instance.personnel_categories = form.cleaned_data["personnel_categories"]
        instance.posts = form.cleaned_data["posts_text"]
        if owner := form.cleaned_data.get("owner"):
            field, pk = owner.split(":")
            setattr(instance, field, int(pk))
        try:
            instance = bank_save(
                actor=request.user,
                bank=instance,
                departments=list(form.cleaned_data["departments"])
                if "departments" in form.fields
                else None,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The question bank is saved."))
            return redirect("question_banks:bank", code=instance.code)
    return render(request, "question_banks/bank_form.html", {"form": form, "bank": bank})


@author_required
def bank_create(request):
    return _bank_form_page(request, None)


@author_required
def bank_edit(request, code: str):
    return _bank_form_page(request, own_bank(request, code))


@author_required
def bank_categories(request, code: str):
    bank = own_bank(request, code)
    form = CategoryForm(request.POST or None, bank=bank)
    if request.method == "POST" and form.is_valid():
        category = Category(bank=bank, name=form.cleaned_data["name"])
        category.parent = form.cleaned_data["parent"]
        try:
            category_save(actor=request.user, category=category)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The category is added."))
            return redirect("question_banks:bank_categories", code=bank.code)
    categories = bank.categories.order_by("path")
    return render(
        request,
        "question_banks/bank_categories.html",
        {"bank": bank, "form": form, "categories": categories},
    )


@author_required
@require_POST
def category_remove(request, code: str, pk: int):
    bank = own_bank(request, code)
    category = Category.objects.filter(bank=bank, pk=pk).first()
    if category is None:
        raise Http404
    try:
        category_delete(actor=request.user, category=category)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The category is deleted."))
    return redirect("question_banks:bank_categories", code=bank.code)
