"""The exam engine's Wagtail admin, wired to the services' own ownership checks.

Wagtail's model permissions (the Trainers group) open the screens to a trainer; which
objects they may see, change or delete is what question_banks/services/permissions.py
says, asked through one permission policy per model (as Wagtail asks its policies), and
every save and delete goes through the app's services, registered as the models' Wagtail
actions (as Wagtail's own views go through its actions). So the admin refuses what the
services refuse:

- lists, choosers and list filters show only the user's own objects;
- the edit, delete, copy, usage and history pages of another's object answer 404, as if it
  did not exist; a delete that the object's state forbids answers 403;
- create and edit save through bank_save, category_save, question_edit, paper_rule_save and
  session_save, delete through the matching *_delete services, each of which checks again;
  a service's refusal is shown on the form and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from wagtail.actions import CreateAction, DeleteAction, EditAction
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import InlinePanel
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.views import chooser
from wagtail.snippets.views import snippets as views

from question_banks.forms import PaperSectionForm
from question_banks.models import Category, ExamSession, PaperRule, Question, QuestionBank
from question_banks.services import permissions
from question_banks.services.banks import bank_delete, bank_save, category_delete, category_save
from question_banks.services.questions import question_delete, question_edit
from question_banks.services.rules import paper_rule_delete, paper_rule_save
from question_banks.services.sessions import session_delete, session_save

# ---------------------------------------------------------------- permission policies


class OwnedPolicy(ModelPermissionPolicy):
    """Wagtail's model permissions, and for each object the services' own check."""

    def __init__(self, model, *, scope, can_change, can_delete, addable: bool = True):
        super().__init__(model)
        self.scope = scope
        self.can_change = can_change
        self.can_delete = can_delete
        self.addable = addable

    def user_has_permission(self, user, action):
        # Only someone who can own a bank or a session may create one.
        if action == "add" and not (self.addable and permissions.may_own(user)):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if action == "delete":
            return self.can_delete(user, instance)
        return self.can_change(user, instance)  # seeing is scoped like changing

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, a, instance) for a in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model.objects.none()
        return self.scope(user)

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])


POLICIES = {
    QuestionBank: OwnedPolicy(
        QuestionBank,
        scope=permissions.banks_for,
        can_change=permissions.bank_can_change,
        can_delete=permissions.bank_can_delete,
    ),
    Category: OwnedPolicy(
        Category,
        scope=permissions.categories_for,
        can_change=permissions.category_can_change,
        can_delete=permissions.category_can_delete,
    ),
    # A question is made with its text (import, services/questions.py), not from this form.
    Question: OwnedPolicy(
        Question,
        scope=permissions.questions_for,
        can_change=permissions.question_can_change,
        can_delete=permissions.question_can_delete,
        addable=False,
    ),
    PaperRule: OwnedPolicy(
        PaperRule,
        scope=permissions.rules_for,
        can_change=permissions.rule_can_change,
        can_delete=permissions.rule_can_delete,
    ),
    ExamSession: OwnedPolicy(
        ExamSession,
        scope=permissions.sessions_for,
        can_change=permissions.session_can_change,
        can_delete=permissions.session_can_delete,
    ),
}


def register_policies() -> None:
    for model, policy in POLICIES.items():
        register_permission_policy(model, policy)


# ---------------------------------------------------------------- actions: the services


def _unsaved(action):
    """The object with the form's changes applied (and a rule's sections held in memory)."""
    return action.form.save(commit=False) if action.form is not None else action.instance


def _saving(base, save: Callable):
    class ServiceAction(base):
        def _save_instance(self):
            self.instance = save(self.user, _unsaved(self), self.form)
            if self.form is not None:
                self.form.save_m2m()

    ServiceAction.__name__ = f"{save.__name__}_{base.action_name}"
    return ServiceAction


def _deleting(delete: Callable):
    class ServiceDeleteAction(DeleteAction):
        def _delete(self):
            with transaction.atomic():
                if self.log_action:
                    log(
                        instance=self.instance,
                        action=self.log_action,
                        user=self.user,
                        deleted=True,
                    )
                delete(self.user, self.instance)

    return ServiceDeleteAction


def _save_question(actor, question, form):
    filing = ("category", "difficulty", "tags", "is_active")
    changed = form.changed_data if form is not None else filing
    changes = {f: getattr(question, f) for f in filing if f in changed}
    return question_edit(question=question, actor=actor, **changes)


def save_bank(actor, bank, form):
    return bank_save(actor=actor, bank=bank)


def save_category(actor, category, form):
    return category_save(actor=actor, category=category)


def save_rule(actor, rule, form):
    return paper_rule_save(actor=actor, rule=rule)


def save_session(actor, session, form):
    return session_save(actor=actor, session=session)


SERVICES = {
    QuestionBank: (save_bank, lambda actor, obj: bank_delete(actor=actor, bank=obj)),
    Category: (save_category, lambda actor, obj: category_delete(actor=actor, category=obj)),
    Question: (_save_question, lambda actor, obj: question_delete(actor=actor, question=obj)),
    PaperRule: (save_rule, lambda actor, obj: paper_rule_delete(actor=actor, rule=obj)),
    ExamSession: (save_session, lambda actor, obj: session_delete(actor=actor, session=obj)),
}


def register_actions(registry) -> None:
    for model, (save, delete) in SERVICES.items():
        registry.register(model, _saving(CreateAction, save))
        registry.register(model, _saving(EditAction, save))
        registry.register(model, _deleting(delete))


# ---------------------------------------------------------------- views


def check_object(user, obj, action: str) -> None:
    """404 for another's object (as if it did not exist), 403 for an own object whose state
    forbids the action."""
    policy = policy_registry.get(obj)
    if not policy.user_has_permission_for_instance(user, "view", obj):
        raise Http404
    if action != "view" and not policy.user_has_permission_for_instance(user, action, obj):
        raise PermissionDenied


def add_errors(form, exc: ValidationError) -> None:
    """A service's refusal on the form: on the field it names when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class _ScopedObject:
    object_action = "change"

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if obj is not None:
            check_object(self.request.user, obj, self.object_action)
        return obj


class _RefusalsOnTheForm:
    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            add_errors(form, exc)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class CreateView(_RefusalsOnTheForm, views.CreateView):
    pass


class EditView(_RefusalsOnTheForm, _ScopedObject, views.EditView):
    pass


class QuestionCreateView(CreateView):
    """A question is written with its text, options and answer: on the site's workbench
    (/exams/banks/), where a change makes a new version. The admin's model form has none of
    those, so its "add" sends the user there."""

    def dispatch(self, request, *args, **kwargs):
        return redirect("question_banks:banks")


class QuestionEditView(EditView):
    """The admin's "edit" of a question opens it on the workbench (after the same scope
    check as every admin page: another body's question is a 404 here too)."""

    def dispatch(self, request, *args, **kwargs):
        self.request, self.args, self.kwargs = request, args, kwargs
        question = self.get_object()
        return redirect("question_banks:question_edit", code=question.bank.code, pk=question.pk)


class CopyView(_RefusalsOnTheForm, views.CopyView):
    def get_object(self, queryset=None):
        obj = get_object_or_404(self.model, pk=unquote(str(self.kwargs[self.pk_url_kwarg])))
        check_object(self.request.user, obj, "view")
        return obj


class DeleteView(_ScopedObject, views.DeleteView):
    object_action = "delete"

    def delete_action(self):
        try:
            super().delete_action()
        except ValidationError as exc:  # its state changed since the page was opened
            raise PermissionDenied(" ".join(exc.messages)) from exc


class UsageView(_ScopedObject, views.UsageView):
    object_action = "view"


class HistoryView(_ScopedObject, views.HistoryView):
    object_action = "view"


# ---------------------------------------------------------------- choosers and filters


def _scoped(view):
    policy = policy_registry.get_by_type(view.model_class)
    return policy.instances_user_has_any_permission_for(view.request.user, ["change"])


class _ScopedChoices:
    def get_object_list(self):
        return _scoped(self)

    def can_create(self):
        return False  # made on their own pages, with their owner


class ChooseView(_ScopedChoices, chooser.ChooseView):
    pass


class ChooseResultsView(_ScopedChoices, chooser.ChooseResultsView):
    pass


class ChosenView(chooser.SnippetChosenView):
    def get_object(self, pk):
        return _scoped(self).get(pk=pk)


class ChosenMultipleView(chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return _scoped(self).filter(pk__in=pks)


class ChooserCreateView(chooser.SnippetCreateView):
    def can_create(self):
        return False


class ChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView
    create_view_class = ChooserCreateView


def _own_banks(request):
    return permissions.banks_for(request.user)


class CategoryFilterSet(WagtailFilterSet):
    bank = django_filters.ModelChoiceFilter(queryset=_own_banks, label=_("question bank"))

    class Meta:
        model = Category
        fields = ["bank"]


class QuestionFilterSet(WagtailFilterSet):
    bank = django_filters.ModelChoiceFilter(queryset=_own_banks, label=_("question bank"))

    class Meta:
        model = Question
        fields = ["bank", "qtype", "difficulty", "is_active"]


class PaperRuleFilterSet(WagtailFilterSet):
    bank = django_filters.ModelChoiceFilter(queryset=_own_banks, label=_("question bank"))

    class Meta:
        model = PaperRule
        fields = ["bank", "kind"]


class SectionsPanel(InlinePanel):
    """A rule's sections, each offering only categories of the user's own banks."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name].setdefault("form", PaperSectionForm)
        return options
