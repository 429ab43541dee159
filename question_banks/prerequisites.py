"""Pluggable checks a person must pass before starting an exam (e.g. training hours done).

Apps above this one register checks by name; a session lists the names it requires. This
keeps the exam engine free of imports from the courses app while letting it ask.
"""

from __future__ import annotations

from collections.abc import Callable

# A check returns None when the person may start, or a reason in the user's language.
Check = Callable[..., str | None]
_CHECKS: dict[str, Check] = {}
# What the session form shows for each check (a lazy translation, read when shown).
_LABELS: dict[str, object] = {}


def register(name: str, label=None) -> Callable[[Check], Check]:
    def decorator(fn: Check) -> Check:
        _CHECKS[name] = fn
        _LABELS[name] = label or name
        return fn

    return decorator


def choices() -> list[tuple[str, str]]:
    """The registered checks a session may require, for the session form."""
    return [(name, str(label)) for name, label in sorted(_LABELS.items())]


def unmet(*, person, session) -> list[str]:
    """Reasons the person may not start yet; an unknown check name blocks with its name."""
    from django.utils.translation import gettext as _

    reasons = []
    for name in session.prerequisites or ():
        check = _CHECKS.get(name)
        if check is None:
            reasons.append(_("The prerequisite check %(name)s is not available.") % {"name": name})
            continue
        reason = check(person=person, session=session)
        if reason:
            reasons.append(reason)
    return reasons
