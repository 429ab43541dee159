"""Permission labels in the reader's language for Wagtail's group editor.

Django stores a permission's name once, in English, when the model is migrated ("Can add
question", even "Can add examsession" for a model that had no verbose name then), and Wagtail's
group editor prints that stored name. The label is built here instead, from the codename's
action and the model's verbose name, both translated in the active language, so it follows the
project's .po and any later change of a verbose name. A permission this cannot read (a custom
Meta.permissions entry, Wagtail's "access admin") is shown through gettext of its stored name,
which is why such names are written in English and translated in the .po."""

from __future__ import annotations

from django import template
from django.contrib.auth.models import Permission
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

register = template.Library()

# The actions Django and Wagtail give models by default (Meta.default_permissions, Wagtail's
# draft, locking and chooser mixins).
ACTIONS = {
    "add": pgettext_lazy("permission", "add"),
    "change": pgettext_lazy("permission", "change"),
    "delete": pgettext_lazy("permission", "delete"),
    "view": pgettext_lazy("permission", "view"),
    "publish": pgettext_lazy("permission", "publish"),
    "lock": pgettext_lazy("permission", "lock"),
    "unlock": pgettext_lazy("permission", "unlock"),
    "choose": pgettext_lazy("permission", "choose"),
    "bulk_delete": pgettext_lazy("permission", "bulk delete"),
}
CAN = gettext_lazy("Can %(action)s %(object)s")


def _split(permission: Permission) -> tuple[str | None, str]:
    """The default action of a permission and its model's name, or (None, name)."""
    content_type = permission.content_type
    model = content_type.model_class()
    object_name = str(model._meta.verbose_name) if model is not None else content_type.model
    for action in ACTIONS:
        if permission.codename == f"{action}_{content_type.model}":
            return action, object_name
    return None, object_name


@register.filter
def permission_label(permission: Permission) -> str:
    """The whole label: "可添加试题" for add_question."""
    action, object_name = _split(permission)
    if action is None:
        return gettext(permission.name)
    return CAN % {"action": ACTIONS[action], "object": object_name}


@register.filter
def permission_action_label(permission: Permission) -> str:
    """The action alone, for a table whose row already names the model: "可查看"."""
    action, __ = _split(permission)
    if action is None:
        return gettext(permission.name)
    return gettext("Can %(action)s") % {"action": ACTIONS[action]}


@register.filter
def page_permission_label(codename: object) -> str:
    """A page permission's checkbox label, by codename ("add_page"): Wagtail's own translated
    description ("添加/编辑所属的页面") where its form would print the stored English name."""
    from wagtail.models import PAGE_PERMISSION_TYPES

    codename = str(getattr(codename, "value", codename))
    for action, __, long_label in PAGE_PERMISSION_TYPES:
        if codename == f"{action}_page":
            return str(long_label)
    return codename
