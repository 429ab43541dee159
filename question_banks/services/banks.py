"""Writing question banks and their categories, each with its ownership check
(services/permissions.py) inside the transaction that writes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from question_banks.models import Category, ExamSession, QuestionBank
from question_banks.services.permissions import (
    bank_can_change,
    bank_can_delete,
    category_can_change,
    category_can_delete,
    is_system,
    owner_choices,
    require,
)
from roster.choices import PersonnelCategory
from roster.models import Department, User


def assign_owner(*, actor: User | None, obj: QuestionBank | ExamSession) -> None:
    """A new bank or session belongs to the actor's training body or enterprise, when they
    did not name one: their only one, or they are asked to choose."""
    if obj.training_body_id or obj.enterprise_id or is_system(actor):
        return  # named (and checked by the caller), or the system admin's own
    owners = owner_choices(actor)
    require(bool(owners), _("Only trainers of a training body and enterprise admins may do this."))
    if len(owners) > 1:
        raise ValidationError(
            {"training_body": _("Choose the training body or enterprise this belongs to.")}
        )
    setattr(obj, *owners[0])


def _check_audience(bank: QuestionBank, departments: list[Department] | None) -> None:
    """Who a bank serves: known personnel categories, posts as the roster writes them, and
    departments of the enterprise that owns the bank (a training body sees none)."""
    known = set(PersonnelCategory.values)
    if unknown := [c for c in bank.personnel_categories or () if c not in known]:
        raise ValidationError(
            {"personnel_categories": _("Unknown personnel category: %s") % ", ".join(unknown)}
        )
    posts = []
    for post in bank.posts or ():
        post = str(post).strip()
        if len(post) > 100:
            raise ValidationError({"posts": _("A post has at most 100 characters.")})
        if post and post not in posts:
            posts.append(post)
    bank.posts = posts
    if departments and any(d.enterprise_id != bank.enterprise_id for d in departments):
        raise ValidationError(
            {"departments": _("Only an enterprise's own bank serves its departments.")}
        )


def bank_save(
    *, actor: User | None, bank: QuestionBank, departments: list[Department] | None = None
) -> QuestionBank:
    """Create a bank, or save the changes made to it, if it is (and stays) the actor's.
    `departments`, when given, replaces the departments it serves."""
    with transaction.atomic():
        if bank.pk is None:
            assign_owner(actor=actor, obj=bank)
            if bank.owner_id is None and actor is not None:
                bank.owner = actor
        else:
            stored = QuestionBank.objects.select_for_update().get(pk=bank.pk)
            require(bank_can_change(actor, stored))
        require(bank_can_change(actor, bank), _("The bank would no longer be yours."))
        _check_audience(bank, departments)
        if bank.open_to_enterprises and not bank.training_body_id:
            raise ValidationError(
                {
                    "open_to_enterprises": _(
                        "Only a training body's bank can be opened to enterprises."
                    )
                }
            )
        bank.full_clean()
        bank.save()
        if departments is not None:
            bank.departments.set(departments)
    return bank


def bank_delete(*, actor: User | None, bank: QuestionBank) -> None:
    with transaction.atomic():
        bank = QuestionBank.objects.select_for_update().get(pk=bank.pk)
        require(bank_can_change(actor, bank))
        if not bank_can_delete(actor, bank):
            raise ValidationError(
                _("This bank has paper rules or questions on exam papers: it cannot be deleted.")
            )
        bank.delete()


def category_save(*, actor: User | None, category: Category) -> Category:
    """Create or change a category of one of the actor's banks, under a category of the same
    bank; a category stays in its bank."""
    with transaction.atomic():
        if category.pk is not None:
            stored = Category.objects.select_related("bank").get(pk=category.pk)
            require(category_can_change(actor, stored))
            if stored.bank_id != category.bank_id:
                raise ValidationError({"bank": _("A category stays in its question bank.")})
        require(
            category.bank_id is not None and bank_can_change(actor, category.bank),
            _("You may only add categories to your own question banks."),
        )
        parent = category.parent if category.parent_id is not None else None
        if parent is not None and parent.bank_id != category.bank_id:
            raise ValidationError(
                {"parent": _("The parent category must be in the same question bank.")}
            )
        category.full_clean(exclude=["path"])
        prefix = parent.path if parent is not None else "/"
        path = f"{prefix}{category.name.replace('/', '／')}/"
        twins = Category.objects.filter(bank_id=category.bank_id, path=path)
        if twins.exclude(pk=category.pk).exists():
            raise ValidationError({"name": _("There is already a category of this name here.")})
        category.save()
    return category


def category_delete(*, actor: User | None, category: Category) -> None:
    with transaction.atomic():
        category = Category.objects.select_related("bank").get(pk=category.pk)
        require(category_can_change(actor, category))
        if not category_can_delete(actor, category):
            raise ValidationError(
                _("A paper rule draws from this category (or one below it): it cannot be deleted.")
            )
        category.delete()
